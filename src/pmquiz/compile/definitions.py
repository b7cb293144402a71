"""Definitions, wherever a page gives one:

- a sentence `X is a …` (also `X (ABC) is …`, `X refers to …`, `X means …`) anywhere in a
  paragraph: a basic card "What is X?" and a cloze on the definition's key phrase; an acronym
  also gets "What does ABC stand for?" and is a right answer wherever the term is;
- a term list (a "Key terms" block of term/meaning lines, a `<dl>`): a basic card per term and
  a "Which term means: …?" choice card.

A key takeaway (a section headed "Key takeaway", "Summary", "TL;DR"…) sums up the module: it
never becomes a definition. A cloze never deletes the module's own title term nor opens its
gap with an article. The explanation is what the definition's sentence adds to the answer,
else the next sentence unless that one defines something else.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pmquiz.compile.confusable import closest, not_to_confuse
from pmquiz.compile.document import Block, sentences, slugify
from pmquiz.compile.wording import lower_first, term_case
from pmquiz.grading import content_words, normalize
from pmquiz.model import Card, Kind

DEFINITION = re.compile(
    r"^(?:(?P<lead>At its (?:core|heart)|In short|Simply put|Put simply|In essence),\s+)?"
    r"(?P<article>(?:An?|The)\s+)?"
    r"(?P<term>[A-Za-z][\w’'\- ]{1,60}?)(?:\s+\((?P<acronym>[A-Z][A-Za-z0-9&]{1,9})\))?"
    r"\s+(?:is|are|refers to|means)\s+"
    r"(?P<definition>(?:an?|the)\s+.+)$", re.IGNORECASE)
NOT_A_TERM = {"it", "this", "that", "there", "here", "which", "what", "he", "she", "they",
              "ultimately", "goal", "idea", "result", "point", "problem", "answer", "reason",
              "truth", "key", "trick", "rule", "aim", "difference", "first step", "next step",
              "catch", "risk", "question", "challenge", "lesson", "takeaway"}
TAKEAWAY = re.compile(r"^\s*(?:key\s+)?(?:takeaways?|summary|in summary|tl;?\s*dr|recap|"
                      r"remember|in a nutshell|bottom line|the bottom line|conclusion)\s*:?\s*$",
                      re.IGNORECASE)
GLOSSARY = re.compile(r"^\s*(?:key terms|glossary|definitions|terms|vocabulary|jargon|"
                      r"terms to know)\s*$", re.IGNORECASE)


def is_takeaway(heading: str) -> bool:
    """A section that sums the module up: its sentences are no definitions."""
    return TAKEAWAY.match(heading) is not None


def stem_words(text: str) -> set[str]:
    """Content words, singular: `Roadmaps and Release Plans` -> {roadmap, release, plan}."""
    return {w[:-1] if w.endswith("s") and not w.endswith("ss") else w
            for w in content_words(text)}


def title_term(phrase: str, title: str) -> bool:
    """Whether a phrase is the module's own subject (every word of it in the title)."""
    words = stem_words(phrase)
    return bool(words) and words <= stem_words(title)


def definition_cards(section: str, paragraph: Block, slug: str, title: str) -> list[Card]:
    """A definition's cards for every sentence of a paragraph that defines a term."""
    said = sentences(paragraph.text)
    cards: list[Card] = []
    for index, sentence in enumerate(said):
        found = _definition(sentence)
        if found is None:
            continue
        # the first later sentence that is not another definition explains it ("Teams write
        # both together…" after two definitions), else the one before; never a definition
        later = [t for t in said[index + 1:] if _definition(t) is None]
        following = later[0] if later else (said[index - 1] if index else "")
        if following and _definition(following) is not None:
            following = ""
        cards.extend(_cards(section, sentence, following, found, slug, title))
    return cards


def _definition(sentence: str) -> re.Match[str] | None:
    if sentence.rstrip().endswith(":"):
        return None  # a list's lead-in ("At the heart of … are a few core principles:")
    clause = re.split(r"[:;]|\s[—–]\s", sentence)[0].rstrip(" .")
    match = DEFINITION.match(clause)
    if not match:
        return None
    term = match.group("term").strip()
    if normalize(term) in NOT_A_TERM or len(term.split()) > 6 or \
            re.match(r"^(?:it|this|that|these|those|they|there|at|in|on|for|of|by|with|from|"
                     r"when|while|if|as|to|each|every|all|most|many|some|our|your|its|their)\b",
                     term, re.IGNORECASE):
        return None
    return match


def _cards(section: str, sentence: str, following: str, match: re.Match[str], slug: str,
           title: str) -> list[Card]:
    clause = re.split(r"[:;]|\s[—–]\s", sentence)[0].rstrip(" .")
    term = match.group("term").strip()
    article = (match.group("article") or "").strip().lower()
    acronym = match.group("acronym") or ""
    definition = match.group("definition").strip()
    answer = definition[:1].upper() + definition[1:] + "."
    term_text = term_case(term, bool(article))
    asked = f"{article} {term_text}".strip() + (f" ({acronym})" if acronym else "")
    lead = match.group("lead")
    prompt = f"{lead}, what is {asked}?" if lead else f"What is {asked}?"
    section_slug = slugify(section, 4)
    group = f"{section_slug}/{slugify(term, 4)}"  # the definition's cards are siblings
    adds = set(content_words(sentence)) - set(content_words(answer)) - \
        set(content_words(prompt)) - set(content_words(lead or ""))
    explain = sentence if adds else following
    cards = [Card(deck=slug, id=f"{section_slug}/what-is-{slugify(term, 4)}", kind=Kind.BASIC,
                  prompt=prompt, answer=answer, source=section, explain=explain,
                  groups=(group,))]
    if acronym:
        cards.append(Card(deck=slug, id=f"{section_slug}/{slugify(acronym, 2)}-stands-for",
                          kind=Kind.BASIC, prompt=f"What does {acronym} stand for?",
                          answer=term[:1].upper() + term[1:], source=section,
                          explain=f"{acronym}: {term_text}. {answer}", groups=(group,)))
    gap = key_phrase(definition, term)
    if gap and not title_term(gap, title):
        # the gap where it stands: in the definition, or the term itself
        start = clause.find(gap, match.start("definition")) if gap != term else \
            clause.find(gap, match.start("term"))
        if start >= 0:
            filled = gap if gap != term or not acronym else f"{gap}|{acronym}"
            cloze = clause[:start] + "{{" + filled + "}}" + clause[start + len(gap):] + "."
            shown = set(content_words(cloze.replace("{{", "").replace("}}", "")))
            cards.append(Card(
                deck=slug, id=f"{section_slug}/{slugify(term, 4)}-key-phrase", kind=Kind.CLOZE,
                prompt=cloze[:1].upper() + cloze[1:], source=section,
                explain=sentence if set(content_words(sentence)) - shown else following,
                groups=(group,)))
    return cards


def key_phrase(definition: str, term: str) -> str:
    """The words that carry a definition: its head noun phrase when it says something on its
    own ("strategic practice"), else the term being defined (a bare "approach" or "stage"
    would make a guessing game, not a card). Never an article."""
    body = re.sub(r"^(?:an?|the)\s+", "", definition, flags=re.IGNORECASE)
    head = re.split(r"\s+(?:of|where|that|which|in|to|for|by|with|whose|when|during|from|"
                    r"on|at|as|into|through)\s+|,", body)[0]
    if body[len(head):].startswith(","):
        # "the product manager, the designer and the tech lead": the first of an
        # enumeration is not what the definition turns on
        return re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)
    words = head.split()
    # a noun phrase, not the start of a clause: "number the team agrees" -> "number"
    clause = next((i for i, w in enumerate(words) if i and w.lower() in
                   {"the", "a", "an", "this", "it", "they", "we", "you"}), None)
    if clause is not None:
        words = words[:clause]
    if 1 < len(words) <= 4 and words[-1].lower() not in {"way", "kind", "type", "part", "set"}:
        return " ".join(words)
    return re.sub(r"^(?:an?|the)\s+", "", term, flags=re.IGNORECASE)


def term_list_cards(section: str, block: Block, slug: str) -> list[Card]:
    """A basic card per term of a term list, and a choice card per term naming it from its
    meaning when the list has other terms to offer."""
    section_slug = slugify(section, 4)
    glossary = GLOSSARY.match(section) is not None
    # a term list gives no reasons: each term is explained by the term it is most easily
    # confused with, in the page's words
    defined = [i for i in block.items if i.term and i.description]
    terms = [i.term for i in defined]
    neighbour = dict(zip(terms, closest([i.description for i in defined]), strict=True))
    cards: list[Card] = []
    for item in defined:
        other = defined[neighbour[item.term]]
        explain = not_to_confuse(other.term, other.description) if other is not item else ""
        item_id = f"{section_slug}/{slugify(item.term, 5)}"
        where = "" if glossary else f"{section}: "
        meaning = item.description.rstrip()
        cards.append(Card(deck=slug, id=item_id, kind=Kind.BASIC,
                          prompt=f"{where}what does “{item.term}” mean?"[:1].upper() +
                          f"{where}what does “{item.term}” mean?"[1:],
                          answer=meaning if meaning.endswith((".", "!", "?")) else meaning + ".",
                          source=section, groups=(item_id,), explain=explain))
        others = [t for t in terms if t != item.term][:3]
        gives_away = set(content_words(item.term)) & set(content_words(item.description))
        if others and not gives_away:
            cards.append(Card(deck=slug, id=f"{item_id}-which", kind=Kind.CHOICE,
                              prompt=f"Which term means: {lower_first(meaning).rstrip(' .')}?",
                              answer=item.term, options=tuple(others), source=section,
                              groups=(item_id,), explain=explain))
    return cards


DEFINED = re.compile(r"\bwhat (?:is|are) (?:an? |the )?(?P<term>.+?)\??$")


def dedupe_definitions(cards: list[Card]) -> list[Card]:
    """One definition card per term: when a later section defines a term again, its
    wording becomes another right answer (`also`) of the first card, and the later
    definition's cloze becomes the first card's sibling."""
    first: dict[str, int] = {}
    kept: list[Card] = []
    for card in cards:
        found = DEFINED.search(normalize(card.prompt)) \
            if card.kind is Kind.BASIC and card.id.split("/")[-1].startswith("what-is-") \
            else None
        if found is None:
            kept.append(card)
            continue
        term = found.group("term")
        if term not in first:
            first[term] = len(kept)
            kept.append(card)
            continue
        index = first[term]
        earlier = kept[index]
        clozes = [c.id for c in cards if c.kind is Kind.CLOZE and
                  set(c.groups) & set(card.groups)]
        kept[index] = replace(earlier, also=(*earlier.also, card.answer),
                              groups=tuple(dict.fromkeys((*earlier.groups, *clozes))))
    return kept
