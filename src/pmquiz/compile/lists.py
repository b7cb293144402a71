"""Lists introduced by a sentence ending in `:` (bulleted or numbered): a list card (name them
all; in order when the list is numbered or its lead says "in order" or "steps"), and when
items have a term and a description (`Term — description`, a bold term, or a term glued to
its description by the copy), a basic and a choice card per item.

Glued terms are cut per item: an item that cannot be cut is warned about by its line and
keeps no card of its own, the list's other items keep theirs, and the list card waits until
the author names the term by hand (`<page>.compile.toml`, `terms = ["…"]`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pmquiz.compile.confusable import closest, not_to_confuse
from pmquiz.compile.document import Block, Item, Warning_, sentences, slugify
from pmquiz.compile.glued import split_explicit, split_list
from pmquiz.compile.wording import count_word, lower_first, named, upper_first
from pmquiz.grading import content_words
from pmquiz.model import Card, Kind

NUMBER_WORDS = {"a", "few", "the", "these", "those", "its", "their", "our", "several", "some",
                "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "main",
                "key", "following"}
# Words that end the noun phrase naming the items: a preposition, a verb, a clause.
PHRASE_END = {"in", "of", "for", "to", "on", "at", "from", "with", "that", "which", "by", "are",
              "is", "include", "includes", "can", "will", "should", "often", "usually",
              "when", "where", "as", "before", "after"}
ARTICLES = {"a", "an", "the"}
OPEN_LEAD = re.compile(r"\b(?:such as|for example|for instance|e\.g\.|include)\b",
                       re.IGNORECASE)
ORDERED_LEAD = re.compile(r"\b(?:in order|steps?|stages? in order|sequence)\b", re.IGNORECASE)


@dataclass
class ListResult:
    """The cards one list made, and what it could not use."""

    cards: list[Card] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    uncut: list[Item] = field(default_factory=list)
    reason: str = ""


def list_cards(section: str, blocks: list[Block], slug: str,
               hand_terms: tuple[str, ...] = ()) -> list[tuple[Block, Block, ListResult]]:
    """(lead-in paragraph, list, result) for every list introduced by a sentence ending in
    `:`."""
    found = []
    for position, (before, block) in enumerate(itertools.pairwise(blocks)):
        if block.kind != "bullets" or before.kind != "paragraph":
            continue
        said = sentences(before.text)
        intro = said[-1] if said else before.text
        if not intro.endswith(":"):
            continue
        after = next((b for b in blocks[position + 2:] if b.kind == "paragraph"), None)
        # what the page says after the list, as the list card's explanation
        coda = (sentences(after.text) or [""])[0] if after else ""
        found.append((before, block, _one_list(section, intro, block, coda, slug, hand_terms)))
    return found


def _one_list(section: str, intro: str, block: Block, coda: str, slug: str,
              hand_terms: tuple[str, ...]) -> ListResult:
    result = ListResult()
    items = split_items([i for i in block.items if i.text.strip()], result, hand_terms)
    if not items:
        return result
    with_terms = [i for i in items if i.term]
    glued_mode = bool(with_terms)
    names = [i.term for i in items] if glued_mode and not result.uncut else \
        [i.text.rstrip(".") for i in items]
    unbracketed = [bracketed(n) for n in names]
    names = [n for n, _ in unbracketed]
    notes = " ".join(f"{upper_first(n)}: {note.rstrip('. ')}."
                     for n, note in unbracketed if note)
    section_slug = slugify(section, 4)
    subject = list_subject(intro)
    singular = _singular(subject)
    ordered = block.ordered or bool(ORDERED_LEAD.search(intro))
    if result.uncut:
        lines = ", ".join(str(i.line) for i in result.uncut)
        result.reason = (f"no list card: the term of the item on line {lines} could not be "
                         "found; name it in the page's .compile.toml (terms = [\"…\"])")
    elif any(len(n.split()) > 10 for n in names):
        result.reason = "list items are long sentences without terms; no list card made"
        result.warnings.append(Warning_(block.line, result.reason))
    else:
        list_id = f"{section_slug}/{slugify(subject, 4)}"
        # "such as" / "for example": the page names examples, not the whole set
        open_set = bool(OPEN_LEAD.search(intro)) and not ordered and len(names) > 2
        prompt = list_prompt(intro, subject, section, len(names), ordered)
        if open_set:
            prompt = re.sub(r"Name (?:all )?\w+", f"Name any {count_word(2)}", prompt, count=1) \
                if prompt.startswith("Name") else f"{prompt} Name any {count_word(2)}."
        # the page's sentence after the list, else what each item means
        meant = " ".join(f"{i.term}: {lower_first(i.description).rstrip(' .')}."
                         for i in items if i.term and i.description)
        explain = " ".join(part for part in (coda or meant, notes) if part)
        if not explain:
            result.warnings.append(Warning_(block.line, "the page says nothing about this "
                                            "list beyond its items: the list card has no "
                                            "explanation (write one in the page's "
                                            ".compile.toml)"))
        result.cards.append(Card(deck=slug, id=list_id, kind=Kind.LIST, prompt=prompt,
                                 items=tuple(names), source=section, explain=explain,
                                 ordered=ordered, pick=2 if open_set else 0))
    if not glued_mode:
        return result
    cut = [i for i in items if i.term]
    terms = [i.term for i in cut]
    # each item explained by the item it is most easily confused with, in the page's words
    neighbour = closest([i.description for i in cut])
    confused = {item.term: cut[n] for item, n in zip(cut, neighbour, strict=True)}
    for item in items:
        if not item.term:
            continue
        item_id = f"{section_slug}/{slugify(item.term, 5)}"
        other = confused[item.term]
        where = not_to_confuse(other.term, other.description) if other is not item else ""
        result.cards.append(Card(deck=slug, id=item_id, kind=Kind.BASIC,
                                 prompt=f"{section}: what does “{item.term}” mean?",
                                 answer=item.description, source=section, explain=where))
        others = [t for t in terms if t != item.term][:3]
        gives_away = set(content_words(item.term)) & set(content_words(item.description))
        if others and not gives_away:
            meaning = lower_first(item.description).rstrip(" .")
            result.cards.append(Card(
                deck=slug, id=f"{item_id}-which", kind=Kind.CHOICE,
                prompt=f"Which {singular} means: {meaning}?", answer=item.term,
                options=tuple(others), source=section, explain=where,
                # shows the item's meaning, and the list's terms as options
                groups=(item_id, f"{section_slug}/{slugify(subject, 4)}")))
    return result


# Other names of an item, in brackets after it: "commercialisation (or launch)", "(also
# called …)", "(also known as …)", "(a.k.a. …)", or an acronym: "(MVP)".
OTHER_NAMES = re.compile(r"^(?P<name>.+?)\s*\((?:(?:also called|also known as|a\.?k\.?a\.?|or|"
                         r"sometimes called)\s+(?P<names>[^()]+)|(?P<short>[A-Z][A-Z0-9]{1,5}s?))"
                         r"\)$")
NOTE = re.compile(r"^(?P<name>.+?)\s*\((?P<note>[^()]+)\)$")


def bracketed(item: str) -> tuple[str, str]:
    """A list item without its bracket: its other names as alternatives the grade accepts
    (`"commercialisation | launch"`), and any other bracket as a note for the explanation;
    what the learner must name is the item itself."""
    found = OTHER_NAMES.match(item)
    if found:
        others = found.group("short") or found.group("names")
        names = [n.strip() for n in re.split(r",\s*|\s+or\s+", others) if n.strip()]
        return " | ".join([found.group("name"), *names]), ""
    noted = NOTE.match(item)
    if noted and len(noted.group("name").split()) <= 6:
        return noted.group("name"), noted.group("note").strip()
    return item, ""


def list_prompt(intro: str, subject: str, section: str, count: int, ordered: bool) -> str:
    """The list card's question with its lead resolved: `Name the four canonical stages of
    the product life cycle, in order.`, or the page's own lead-in made a statement and a
    request: `When a product is in decline, a firm has four typical options. Name all
    four.`"""
    lead = re.sub(r",?\s*in order,?", "", intro.rstrip(": ").strip(), flags=re.IGNORECASE)
    in_order = ", in order" if ordered else ""
    if re.match(r"^(?:its|their|these|this|they)\b", lead, re.IGNORECASE):
        return f"Name the {count_word(count)} {subject} of {named(section)}{in_order}."
    lead = re.sub(r"\s+(?:are|is)$", "", lead)
    request = "Name both" if count == 2 else f"Name all {count_word(count)}"
    return f"{lead}. {request}{in_order}."


def list_subject(intro: str) -> str:
    """What the items are: the noun phrase after the last count word or determiner
    (`…are a few core principles:` -> `core principles`; `Watch for these warning signs in a
    draft:` -> `warning signs`; `Two survey scores are often used…` -> `survey scores`)."""
    text = intro.rstrip(": ").strip()
    words = re.findall(r"[\w’'-]+", text)
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() not in NUMBER_WORDS:
            continue
        if words[index].lower() in ARTICLES and index and words[index - 1].lower() in PHRASE_END:
            continue  # "in a draft": an article after a preposition opens no subject
        phrase = []
        for word in words[index + 1:]:
            if word.lower() in PHRASE_END:
                break
            phrase.append(word)
        while phrase and phrase[0].lower() in NUMBER_WORDS:
            phrase.pop(0)
        if phrase and phrase[-1].lower() != "of":
            return " ".join(phrase[-3:]).lower()
    return _old_subject(text)


def _old_subject(text: str) -> str:
    after = re.search(r"\b(?:are|include|includes|has|have|through|follows?|into)\s+(.+)$", text)
    phrase = after.group(1) if after else ""
    if not phrase:
        before = re.match(r"^(.+?)(?:,[^,]*,)?\s+(?:are|is|include|includes)$", text)
        phrase = before.group(1) if before else text
    words = re.findall(r"[\w’'-]+", phrase)
    return " ".join(words[-3:]).lower() if words else "items"


def _singular(phrase: str) -> str:
    words = phrase.split()
    last = words[-1] if words else "item"
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return " ".join([*words[:-1], last])


def split_items(items: list[Item], result: ListResult,
                hand_terms: tuple[str, ...] = ()) -> list[Item]:
    """Give items their term and description: terms the author named by hand first, then
    explicit separators, then glued terms cut per item.

    Glued cutting is used only when most items of the list cut that way, so a list of plain
    sentences is never cut up by accident; then every item that cannot be cut is reported.
    """
    out = [_hand_cut(i, hand_terms) for i in items]
    explicit = [split_explicit(i.text) if not i.term else None for i in out]
    if all(i.term or e for i, e in zip(out, explicit, strict=True)):
        return [i if i.term or e is None else Item(i.text, i.line, e.term, e.description)
                for i, e in zip(out, explicit, strict=True)]
    glued = split_list([i.text for i in out])
    if sum(1 for g, i in zip(glued, out, strict=True) if g or i.term) * 2 <= len(out):
        return out
    cut = []
    for item, split in zip(out, glued, strict=True):
        if item.term:
            cut.append(item)
            continue
        if split is None:
            result.uncut.append(item)
            result.warnings.append(Warning_(item.line, f'could not find where the term ends '
                                            f'in "{item.text[:50]}"; no card made from this '
                                            "item (name its term in the page's .compile.toml)"))
            cut.append(item)
            continue
        if not split.sure:
            result.warnings.append(Warning_(item.line, f'unsure where the term ends: read as '
                                            f'"{split.term}" + "{split.description[:40]}" '
                                            f"({split.reason}); check the cards of this item"))
        cut.append(Item(item.text, item.line, split.term, split.description))
    return cut


def _hand_cut(item: Item, hand_terms: tuple[str, ...]) -> Item:
    for term in hand_terms:
        if item.text.startswith(term) and len(item.text) > len(term):
            rest = item.text[len(term):].lstrip(" —–-:")
            return Item(item.text, item.line, term, rest[:1].upper() + rest[1:])
    return item
