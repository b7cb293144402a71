"""An import's cards checked as the deck file will read them, each on its own: a cloze gap
across lines mended into its nearest valid form, a card that still fails left out, each
with a warning naming it (`importer` comes here only when the deck as a whole fails)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.deck import parse_deck
from pmquiz.deck_text import render_deck
from pmquiz.errors import DeckErrors, ImportFormatError
from pmquiz.model import Card, Deck, Kind, Module

SHOWN_IDS = 10  # card ids a warning about many cards names

# A gap as the deck reads one (`model.CLOZE_GAP`: the first `}}` closes it, braces inside are
# text, as in LaTeX's `\frac{a}{b}`), here across lines.
GAP_ACROSS_LINES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def _mended(card: Card) -> Card:
    """The nearest valid form of a cloze card whose gap holds a line break
    (`{{c1::a<br>b}}`): the gap keeps its words on one line."""
    def one_line(match: re.Match[str]) -> str:
        gap = match.group(1)
        return "{{" + " ".join(gap.split()) + "}}" if "\n" in gap else match.group(0)

    return replace(card, prompt=GAP_ACROSS_LINES.sub(one_line, card.prompt))


def valid_cards(cards: list[Card], target: Path, slug: str) -> tuple[list[Card],
                                                                      list[Warning_]]:
    """The cards, each checked as the deck file will be read: a cloze gap across lines is
    mended first (`_mended`), then a card that still fails is left out; each with a warning
    naming it, and the others written whatever one note holds."""
    module = Module(slug=slug, title=slug, phase=0)
    warnings: list[Warning_] = []
    # A gap across lines is no gap to the deck format: mended wherever it is, also in a
    # card that another gap keeps valid (it would show as braces around two lines).
    mended = [_mended(card) if card.kind is Kind.CLOZE and "\n" in card.prompt else card
              for card in cards]
    changed = [card.id for card, fixed in zip(cards, mended, strict=True) if fixed != card]
    if len(changed) == 1:
        warnings.append(Warning_(0, f'card "{changed[0]}": a cloze gap held a line break; '
                                 "kept with its gap on one line"))
    elif changed:  # one line for them all: a glossary can have a gap like this in every note
        named = ", ".join(f'"{card_id}"' for card_id in changed[:SHOWN_IDS])
        more = f" and {len(changed) - SHOWN_IDS} more" if len(changed) > SHOWN_IDS else ""
        warnings.append(Warning_(0, f"{len(changed)} cards had a cloze gap across a line "
                                 f"break, each kept with its gap on one line: {named}{more}"))
    cards = mended

    def problems(these: list[Card]) -> dict[str | None, list[str]]:
        text = render_deck(Deck(module=module, cards=tuple(these)), "")
        try:
            parse_deck(target, text.encode("utf-8"))
        except DeckErrors as exc:
            found: dict[str | None, list[str]] = {}
            for error in exc.errors:
                found.setdefault(error.card_id, []).append(error.detail)
            return found
        return {}

    found = problems(cards)
    if not found:
        return cards, warnings
    if None in found:  # the deck as a whole, not one card: nothing to mend
        raise ImportFormatError(f"{target}: the imported cards do not form a valid deck: "
                                + "; ".join(found[None]))
    kept: list[Card] = []
    for card in cards:
        if card.id not in found:
            kept.append(card)
            continue
        warnings.append(Warning_(0, f'card "{card.id}" left out: {"; ".join(found[card.id])}'))
    return kept, warnings
