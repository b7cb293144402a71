"""Rules that turn a Document into cards, section by section, in page order (a learner meets
the opening definition before the comparisons):

- comparisons of any number of sides (`comparisons.py`);
- definitions in any sentence, and term lists (`definitions.py`);
- lists introduced by a sentence ending in `:` (`lists.py`).

Every block records how many cards it made; what made none is the coverage report, each
entry with its line and the reason, so nothing on the page is dropped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pmquiz.compile.comparisons import Section, comparison_cards, find_comparison
from pmquiz.compile.definitions import (
    dedupe_definitions,
    definition_cards,
    is_takeaway,
    term_list_cards,
)
from pmquiz.compile.document import Block, Document, Warning_
from pmquiz.compile.lists import list_cards
from pmquiz.deck import free_id
from pmquiz.model import Card, Kind

INTRO = "Introduction"


@dataclass(frozen=True)
class Left:
    """Something on the page that made no card: where, what, and why."""

    line: int
    what: str  # "paragraph", "list", "list item", "table", "term list", "meta line"
    text: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"line": self.line, "what": self.what, "text": self.text,
                "reason": self.reason}


@dataclass
class Extraction:
    """Cards in page order, the category sets they use, warnings and what was left out."""

    cards: list[Card] = field(default_factory=list)
    sets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: list[Warning_] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    left_out: list[Left] = field(default_factory=list)
    blocks: int = 0  # blocks of content read (paragraphs, lists, tables, term lists)

    def add(self, card: Card) -> None:
        """Add a card, making its id unique within the deck."""
        self.cards.append(replace(card, id=free_id(card.id, self.ids)))

    def add_from(self, block: Block, cards: list[Card]) -> None:
        """Add cards made from one block, and count them on it."""
        for card in cards:
            self.add(card)
        block.made += len(cards)


def extract(doc: Document, slug: str, hand_terms: tuple[str, ...] = ()) -> Extraction:
    """Apply every rule to the document's sections; report what made no card."""
    out = Extraction()
    sections = _sections(doc.blocks)
    used: set[int] = set()
    for index, (heading, blocks) in enumerate(sections):
        if heading is not None and id(heading) not in used:
            found = find_comparison(sections, index, out.warnings)
            if found is not None:
                sides, parts, from_table, rows = found
                cards, set_name, categories = comparison_cards(heading, sides, slug,
                                                               from_table, rows)
                out.sets[set_name] = categories
                for card in cards:
                    out.add(card)
                for part in parts:
                    used.add(id(part))
                    part.made += 1
        name = heading.text if heading is not None else INTRO
        _section_rules(name, heading, blocks, slug, doc.title, out, hand_terms)
    out.cards = dedupe_definitions(out.cards)
    _coverage(doc, out)
    return out


def _sections(blocks: list[Block]) -> list[Section]:
    sections: list[Section] = [(None, [])]
    for block in blocks:
        if block.kind == "heading":
            sections.append((block, []))
        else:
            sections[-1][1].append(block)
    return [s for s in sections if s[0] is not None or s[1]]


def _section_rules(name: str, heading: Block | None, blocks: list[Block], slug: str,
                   title: str, out: Extraction, hand_terms: tuple[str, ...]) -> None:
    takeaway = heading is not None and is_takeaway(heading.text)
    for block in blocks:
        if block.kind == "paragraph":
            if takeaway:
                block.reason = ("a key takeaway: it sums the module up, so no definition is "
                                "made from it")
                continue
            made = definition_cards(name, block, slug, title)
            out.add_from(block, made)
            for card in made:
                if not card.explain and card.kind is Kind.BASIC:
                    out.warnings.append(Warning_(block.line, f'"{card.prompt}": the page says '
                                                 "nothing more about it, so the card has no "
                                                 "explanation (write one in the page's "
                                                 ".compile.toml)"))
        elif block.kind == "terms":
            out.add_from(block, term_list_cards(name, block, slug))
    for lead, block, result in list_cards(name, blocks, slug, hand_terms):
        out.add_from(block, result.cards)
        out.warnings.extend(result.warnings)
        if result.cards:
            lead.made += 1
        for item in result.uncut:
            out.left_out.append(Left(item.line, "list item", item.text,
                                     "could not find where its term ends (a digit or "
                                     "symbol is glued to it); name the term in the page's "
                                     '.compile.toml: terms = ["…"]'))
        if result.reason and not result.cards:
            block.reason = result.reason


DEFAULT_REASONS = {
    "paragraph": "no card: no definition (`X is a …`) and no list follows it with a lead-in "
                 "ending in `:`",
    "bullets": "no card: a list needs a lead-in sentence ending in `:` right before it, or a "
               "heading naming it as a side of a comparison",
    "table": "no card: the header row names no sides to compare (give the first column an "
             "empty or `Aspect` header, or a `A vs B` heading naming the columns)",
    "terms": "no card: no term with a meaning",
    "meta": "a meta line (author, date, reading time or phase label), not module content",
}
WHAT = {"paragraph": "paragraph", "bullets": "list", "table": "table", "terms": "term list",
        "meta": "meta line"}


def _coverage(doc: Document, out: Extraction) -> None:
    for block in doc.blocks:
        if block.kind == "heading":
            continue
        out.blocks += block.kind != "meta"
        if block.made:
            continue
        text = block.text or "; ".join(i.text for i in block.items) or \
            " | ".join(" · ".join(r) for r in block.rows[:2])
        out.left_out.append(Left(block.line, WHAT[block.kind], text[:120],
                                 block.reason or DEFAULT_REASONS[block.kind]))
    out.left_out.sort(key=lambda left: left.line)
