"""Rules that turn a Document into cards. General rules, not tied to one page's wording:

- comparison: a heading `A vs B` followed by headings `A` and `B`, each with a bullet list ->
  one classify card per bullet (categories A and B) and a choice card per category;
- definition: a sentence `X is …` opening the page or a section -> a basic card
  (What is X?) and a cloze card on the definition's key phrase;
- list: a sentence ending in `:` followed by bullets -> a list card (name all of them) and,
  when items have a term and a description, a basic and a choice card per item.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pmquiz.compile.document import (
    Block,
    Document,
    Item,
    Warning_,
    sentence_case,
    sentences,
    slugify,
)
from pmquiz.compile.glued import split_explicit, split_list
from pmquiz.deck import free_id
from pmquiz.grading import content_words, normalize
from pmquiz.model import Card, Kind

VERSUS = re.compile(r"^(.+?)\s+(?:vs\.?|versus)\s+(.+?)\??$", re.IGNORECASE)
DEFINITION = re.compile(
    r"^(?:(?P<lead>At its (?:core|heart)|In short|Simply put|Put simply|In essence),\s+)?"
    r"(?P<term>[A-Za-z][\w’'\- ]{1,60}?)\s+(?:is|are|refers to|means)\s+"
    r"(?P<definition>(?:an?|the)\s+.+)$")
NOT_A_TERM = {"it", "this", "that", "there", "here", "which", "what", "he", "she", "they",
              "ultimately", "the goal", "the idea", "the result", "the point"}
NUMBER_WORDS = {"a", "few", "the", "these", "those", "its", "their", "our", "several", "some",
                "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "main",
                "key", "following"}
INTRO = "Introduction"
COUNTS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
          9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth", "eleventh", "twelfth")
# Names of a model or a process read with an article ("the product life cycle"); names of a
# discipline do not ("product management").
WITH_ARTICLE = {"cycle", "lifecycle", "process", "model", "stage", "framework", "method",
                "loop", "funnel", "curve"}


def lower_first(text: str) -> str:
    """`Owns the vision` -> `owns the vision`; a first word with capitals inside (`PLC`,
    `A/B`) stays."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def named(category: str) -> str:
    """A category as it reads inside a sentence: `the product life cycle`, `product
    management`."""
    text = lower_first(category)
    if re.match(r"^(?:the|a|an)\s", text, re.IGNORECASE):
        return text[:1].lower() + text[1:]  # "The metrics stack" -> "the metrics stack"
    words = text.split()
    return f"the {text}" if words and words[-1].lower() in WITH_ARTICLE else text


def upper_first(text: str) -> str:
    """`the product life cycle` -> `The product life cycle`."""
    return text[:1].upper() + text[1:]


def count_word(count: int) -> str:
    """`four` for 4; digits beyond twelve."""
    return COUNTS.get(count, str(count))


@dataclass
class Extraction:
    """Cards in page order, the category sets they use, and warnings."""

    cards: list[Card] = field(default_factory=list)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def add(self, card: Card) -> None:
        """Add a card, making its id unique within the deck."""
        from dataclasses import replace

        self.cards.append(replace(card, id=free_id(card.id, self.ids)))


def extract(doc: Document, slug: str) -> Extraction:
    """Apply every rule to the document's sections."""
    out = Extraction()
    sections = _sections(doc.blocks)
    used: set[int] = set()
    # Cards follow the page: a learner meets the opening definition before the comparisons.
    for i, (heading, blocks) in enumerate(sections):
        if heading is not None and id(heading) in used:
            continue  # a side of a comparison already made into cards
        if heading is not None and _comparison(sections, i, slug, out, used):
            continue
        name = heading.text if heading is not None else INTRO
        _definitions(name, blocks, slug, out)
        _lists(name, blocks, slug, out)
    _dedupe_definitions(out)
    return out


def _sections(blocks: list[Block]) -> list[tuple[Block | None, list[Block]]]:
    sections: list[tuple[Block | None, list[Block]]] = [(None, [])]
    for block in blocks:
        if block.kind == "heading":
            sections.append((block, []))
        else:
            sections[-1][1].append(block)
    return [s for s in sections if s[0] is not None or s[1]]


def _same(a: str, b: str) -> bool:
    na, nb = normalize(a), normalize(b)
    return na == nb or na.startswith(nb) or nb.startswith(na)


def _comparison(sections: list[tuple[Block | None, list[Block]]], index: int, slug: str,
                out: Extraction, used: set[int]) -> bool:
    """Cards for an `A vs B` section; False when the section is not a comparison."""
    heading = sections[index][0]
    assert heading is not None
    match = VERSUS.match(heading.text)
    if not match:
        return False
    names = [match.group(1).strip(), match.group(2).strip()]
    found: dict[int, tuple[Block, list[Item]]] = {}
    for sub_heading, blocks in sections[index + 1: index + 1 + 2 * len(names)]:
        if sub_heading is None:
            continue
        for n, name in enumerate(names):
            bullets = [b for b in blocks if b.kind == "bullets"]
            if n not in found and _same(sub_heading.text, name) and bullets:
                found[n] = (sub_heading, [item for b in bullets for item in b.items])
    if len(found) != len(names):
        out.warnings.append(Warning_(heading.line, f'"{heading.text}" looks like a comparison '
                                     f"but is not followed by a heading and a bullet list for "
                                     f"each side; no classify cards made"))
        return False
    used.add(id(heading))
    for sub_heading, _ in found.values():
        used.add(id(sub_heading))
    categories = tuple(sentence_case(found[n][0].text) for n in range(len(names)))
    set_name = slugify(heading.text)
    out.sets[set_name] = categories
    section = heading.text
    prefix = slugify(heading.text, words=8)
    for n, category in enumerate(categories):
        other = next(m for m in range(len(categories)) if m != n)
        counterparts = found[other][1]
        for position, item in enumerate(found[n][1]):
            # the contrast: the matching statement on the other side (the lists run in
            # parallel), so the explanation teaches the distinction, not the heading
            counterpart = counterparts[min(position, len(counterparts) - 1)]
            out.add(Card(deck=slug, id=f"{prefix}/{slugify(item.text)}", kind=Kind.CLASSIFY,
                         prompt=item.text, answer=category, categories=categories,
                         source=section,
                         explain=f"{upper_first(named(category))} {lower_first(item.text)} "
                                 "By contrast, "
                                 f"{named(categories[other])} {lower_first(counterpart.text)}"))
    for n, category in enumerate(categories):
        own = found[n][1]
        others = [item.text for m in range(len(names)) if m != n for item in found[m][1]]
        if not own or not others:
            continue
        rest = [named(c) for m, c in enumerate(categories) if m != n]
        prompt = f"Which of these belongs to {named(category)}, not {' or '.join(rest)}?"
        asked = set(content_words(prompt))

        def echoes(text: str, asked: set[str] = asked) -> bool:
            return bool(asked & set(content_words(text)))

        # wrong options that share the prompt's words too, so the right one is not the
        # only one that repeats them
        shown = sorted(others, key=lambda t: -len(asked & set(content_words(t))))[:3]
        shown = [t for t in others if t in shown]
        answers = [i.text for i in own]
        if not any(echoes(t) for t in shown):
            answers = [t for t in answers if not echoes(t)]
        if not answers:
            continue  # every right option repeats the prompt's words: a give-away
        # the right option closest in length to the wrong ones, so length gives nothing away
        typical = sorted(len(t) for t in shown)[len(shown) // 2]
        answer = min(answers, key=lambda t: (abs(len(t) - typical), answers.index(t)))
        out.add(Card(deck=slug, id=f"{prefix}/which-is-{slugify(category, 3)}",
                     kind=Kind.CHOICE, prompt=prompt, answer=answer, options=tuple(shown),
                     source=section,
                     explain=f"{upper_first(named(category))} {lower_first(answer)} The other "
                             "options belong to "
                             f"{' or '.join(rest)}.",
                     # siblings of every statement it shows
                     groups=tuple(f"{prefix}/{slugify(t)}" for t in [answer, *shown])))
    return True


def _definitions(section: str, blocks: list[Block], slug: str, out: Extraction) -> None:
    paragraphs = [b for b in blocks if b.kind == "paragraph"]
    if not paragraphs:
        return
    first = sentences(paragraphs[0].text)
    if not first:
        return
    sentence = first[0]
    following = first[1] if len(first) > 1 else ""
    clause = re.split(r"[:;]|\s[—–]\s", sentence)[0].rstrip(" .")
    match = DEFINITION.match(clause)
    if not match:
        return
    term = match.group("term").strip()
    if term.lower() in NOT_A_TERM or len(term.split()) > 6:
        return
    definition = match.group("definition").strip()
    answer = definition[:1].upper() + definition[1:] + "."
    term_text = term if term.isupper() else term[:1].lower() + term[1:]
    section_slug = slugify(section, 4)
    lead = match.group("lead")
    prompt = f"{lead}, what is {term_text}?" if lead else f"What is {term_text}?"
    group = f"{section_slug}/{slugify(term, 4)}"  # the definition's cards are siblings
    # The explanation teaches what the answer does not say: the rest of the definition's
    # sentence when it goes on, else the sentence after it, else nothing.
    adds = set(content_words(sentence)) - set(content_words(answer)) - \
        set(content_words(prompt)) - set(content_words(lead or ""))
    explain = sentence if adds else following
    out.add(Card(deck=slug, id=f"{section_slug}/what-is-{slugify(term, 4)}", kind=Kind.BASIC,
                 prompt=prompt, answer=answer, source=section,
                 explain=explain, groups=(group,)))
    gap = _key_phrase(definition, term)
    if gap:
        cloze = clause.replace(gap, "{{" + gap + "}}", 1) + "."
        shown = set(content_words(cloze.replace("{{", "").replace("}}", "")))
        out.add(Card(deck=slug, id=f"{section_slug}/{slugify(term, 4)}-key-phrase",
                     kind=Kind.CLOZE, prompt=cloze[:1].upper() + cloze[1:], source=section,
                     explain=sentence if set(content_words(sentence)) - shown else following,
                     groups=(group,)))


def _key_phrase(definition: str, term: str) -> str:
    """The words that carry a definition: its head noun phrase when it says something on its
    own ("strategic practice"), else the term being defined (a bare "approach" or "stage"
    would make a guessing game, not a card)."""
    body = re.sub(r"^(?:an?|the)\s+", "", definition)
    head = re.split(r"\s+(?:of|where|that|which|in|to|for|by|with|whose|when|during|from|"
                    r"on|at|as|into|through)\s+|,", body)[0]
    words = head.split()
    # a noun phrase, not the start of a clause: "number the team agrees" -> "number"
    clause = next((i for i, w in enumerate(words) if i and w.lower() in
                   {"the", "a", "an", "this", "it", "they", "we", "you"}), None)
    if clause is not None:
        words = words[:clause]
    if 1 < len(words) <= 4 and words[-1].lower() not in {"way", "kind", "type", "part", "set"}:
        return " ".join(words)
    return term


DEFINED = re.compile(r"\bwhat (?:is|are) (?P<term>.+?)\??$")


def _dedupe_definitions(out: Extraction) -> None:
    """One definition card per term: when a later section defines a term again, its
    wording becomes another right answer (`also`) of the first card, and the later
    definition's cloze becomes the first card's sibling."""
    from dataclasses import replace

    first: dict[str, int] = {}
    cards: list[Card] = []
    for card in out.cards:
        found = DEFINED.search(normalize(card.prompt)) \
            if card.kind is Kind.BASIC and card.id.split("/")[-1].startswith("what-is-") \
            else None
        if found is None:
            cards.append(card)
            continue
        term = found.group("term")
        if term not in first:
            first[term] = len(cards)
            cards.append(card)
            continue
        index = first[term]
        kept = cards[index]
        # the other definition's cloze shows what the kept card asks: siblings (by the
        # cloze's id, so the rest of that section is not held back with them)
        clozes = [c.id for c in out.cards if c.kind is Kind.CLOZE and
                  set(c.groups) & set(card.groups)]
        cards[index] = replace(kept, also=(*kept.also, card.answer),
                               groups=tuple(dict.fromkeys((*kept.groups, *clozes))))
    out.cards = cards


def _lists(section: str, blocks: list[Block], slug: str, out: Extraction) -> None:
    section_slug = slugify(section, 4)
    for position, (before, block) in enumerate(itertools.pairwise(blocks)):
        if block.kind != "bullets" or before.kind != "paragraph":
            continue
        after = next((b for b in blocks[position + 2:] if b.kind == "paragraph"), None)
        # what the page says after the list, as the list card's explanation
        coda = (sentences(after.text) or [""])[0] if after else ""
        intro = sentences(before.text)[-1] if sentences(before.text) else before.text
        if not intro.endswith(":"):
            continue
        items = _split_items([i for i in block.items if i.text.strip()], out)
        if not items:
            continue
        with_terms = [i for i in items if i.term]
        names = [i.term for i in with_terms] if len(with_terms) == len(items) else \
            [i.text for i in items]
        if any(len(n.split()) > 10 for n in names):
            out.warnings.append(Warning_(block.line, "list items are long sentences without "
                                         "terms; no list card made"))
            continue
        subject = _list_subject(intro)
        singular = _singular(subject)
        list_id = f"{section_slug}/{slugify(subject, 4)}"
        ordered = bool(re.search(r"\bin order\b", intro, re.IGNORECASE))
        out.add(Card(deck=slug, id=list_id, kind=Kind.LIST,
                     prompt=_list_prompt(intro, subject, section, len(names), ordered),
                     items=tuple(names), source=section, explain=coda))
        if len(with_terms) != len(items):
            continue
        terms = [i.term for i in items]
        for place, item in enumerate(items):
            item_id = f"{section_slug}/{slugify(item.term, 5)}"
            where = (f"“{item.term}” is the {ORDINALS[place]} of the "
                     f"{count_word(len(items))} " if ordered and place < len(ORDINALS) else
                     f"“{item.term}” is one of the {count_word(len(items))} ") + \
                f"{subject} in “{section}”."
            out.add(Card(deck=slug, id=item_id, kind=Kind.BASIC,
                         prompt=f"{section}: what does “{item.term}” mean?",
                         answer=item.description, source=section, explain=where))
            others = [t for t in terms if t != item.term][:3]
            gives_away = set(content_words(item.term)) & set(content_words(item.description))
            if others and not gives_away:
                meaning = lower_first(item.description).rstrip(" .")
                out.add(Card(deck=slug, id=f"{item_id}-which", kind=Kind.CHOICE,
                             prompt=f"Which {singular} means: {meaning}?",
                             answer=item.term, options=tuple(others), source=section,
                             explain=where,
                             # shows the item's meaning, and the list's terms as options
                             groups=(item_id, list_id)))


def _list_prompt(intro: str, subject: str, section: str, count: int, ordered: bool) -> str:
    """The list card's question with its lead resolved: `Name the four canonical stages of
    the product life cycle, in order.`, or the page's own lead-in made a statement and a
    request: `When a product is in decline, a firm has four typical options. Name all
    four.`"""
    lead = re.sub(r",?\s*in order,?", "", intro.rstrip(": ").strip(), flags=re.IGNORECASE)
    in_order = ", in order" if ordered else ""
    if re.match(r"^(?:its|their|these|this|they)\b", lead, re.IGNORECASE):
        return f"Name the {count_word(count)} {subject} of {named(section)}{in_order}."
    lead = re.sub(r"\s+(?:are|is)$", "", lead)
    return f"{lead}. Name all {count_word(count)}{in_order}."


def _list_subject(intro: str) -> str:
    """What the items are: `…are a few core principles:` -> `core principles`;
    `Its four canonical stages, in order, are:` -> `canonical stages`."""
    text = intro.rstrip(": ").strip()
    after = re.search(r"\b(?:are|include|includes|has|have|through|follows?|into)\s+(.+)$", text)
    phrase = after.group(1) if after else ""
    if not phrase:
        before = re.match(r"^(.+?)(?:,[^,]*,)?\s+(?:are|is|include|includes)$", text)
        phrase = before.group(1) if before else text
    words = re.findall(r"[\w’'-]+", phrase)
    # the noun phrase after the last count or determiner: "keep four habits" -> "habits"
    counted = [i for i, w in enumerate(words) if w.lower() in NUMBER_WORDS]
    if counted and counted[-1] < len(words) - 1:
        words = words[counted[-1] + 1:]
    while words and words[0].lower() in NUMBER_WORDS:
        words.pop(0)
    return " ".join(words[-3:]).lower() if words else "items"


def _singular(phrase: str) -> str:
    words = phrase.split()
    last = words[-1] if words else "item"
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words[:-1], last])


def _split_items(items: list[Item], out: Extraction) -> list[Item]:
    """Give items their term and description: explicit separators first, glued terms second.

    Glued splitting is used only when most items of the list split that way, so a list of
    plain sentences is never cut up by accident.
    """
    explicit = [split_explicit(i.text) if not i.term else None for i in items]
    if all(i.term or e for i, e in zip(items, explicit, strict=True)):
        return [i if i.term else Item(i.text, i.line, e.term, e.description)  # type: ignore[union-attr]
                for i, e in zip(items, explicit, strict=True)]
    glued = split_list([i.text for i in items])
    if sum(1 for g in glued if g) * 2 <= len(items):
        return items
    result = []
    for item, split in zip(items, glued, strict=True):
        if split is None:
            out.warnings.append(Warning_(item.line, f'could not find where the term ends in '
                                         f'"{item.text[:50]}"; kept as one item'))
            result.append(item)
            continue
        if not split.sure:
            out.warnings.append(Warning_(item.line, f'unsure where the term ends: read as '
                                         f'"{split.term}" + "{split.description[:40]}" '
                                         f"({split.reason}); check this card"))
        result.append(Item(item.text, item.line, split.term, split.description))
    return result
