"""Siblings found from what a card shows: a card that shows another card's answer (a classify
statement, a list's items, a filled-in gap, a definition) on its screen gives that card away
when both are asked on one day, so they are siblings, whatever the deck file's `group` says.

Found once per deck when decks are synced (`links`), for the compiler's decks and imported
ones alike. A fact of card B counts as shown by card A when A's screen (prompt, options,
answer, items, explanation) holds at least `SHOWN_SHARE` of the fact's content words; a fact
needs `MIN_WORDS` content words, so a one-word answer ("Product") links nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pmquiz.grading import content_words, stem
from pmquiz.model import Card, Kind

SHOWN_SHARE = 0.8
MIN_WORDS = 3
COMMON = 200  # a word in more facts than this finds no candidates by itself (big imports)


def _words(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


def facts(card: Card) -> list[frozenset[str]]:
    """The content words of what asking the card tests, one set per fact."""
    from pmquiz.kinds import kind_of

    if card.kind is Kind.CLASSIFY:
        texts = [card.prompt]
    elif card.kind is Kind.LIST:
        texts = [*card.items, " ".join(card.items)]
    elif card.kind is Kind.CLOZE:
        texts = kind_of(card).teaches(card)
    else:
        texts = [card.answer]
    # a list item or a term asked by a choice card is short ("Drive virality"): two words
    # are enough to give it away (another card's explanation may name it beside its meaning)
    least = 2 if card.kind in (Kind.LIST, Kind.CHOICE) else MIN_WORDS
    found = []
    for text in texts:
        words = _words(text)
        if len(words) >= least and words not in found:
            found.append(words)
    return found


def screen(card: Card) -> frozenset[str]:
    """The content words a card puts on screen, answer and explanation included."""
    from pmquiz.kinds import shown_text

    parts = [card.prompt, shown_text(card), card.answer, card.explain, *card.options,
             *card.items, *card.also]
    return _words(" ".join(parts))


def links(cards: Sequence[Card]) -> dict[str, tuple[str, ...]]:
    """For each card (by key), the keys of the other cards whose answer it shows, in deck
    order. Candidates come from an index of the facts' words, so a deck of thousands of
    cards is not compared pair by pair."""
    owners: list[tuple[int, frozenset[str]]] = []
    index: dict[str, list[int]] = {}
    for number, card in enumerate(cards):
        for fact in facts(card):
            slot = len(owners)
            owners.append((number, fact))
            for word in fact:
                index.setdefault(word, []).append(slot)
    found: dict[str, tuple[str, ...]] = {}
    for number, card in enumerate(cards):
        shown = screen(card)
        candidates: set[int] = set()
        for word in shown:
            postings = index.get(word, ())
            if len(postings) <= COMMON:
                candidates.update(postings)
        revealed = sorted({owners[slot][0] for slot in candidates
                           if owners[slot][0] != number and _shows(shown, owners[slot][1])})
        if revealed:
            found[card.key] = tuple(cards[other].key for other in revealed)
    return found


def _shows(shown: frozenset[str], fact: frozenset[str]) -> bool:
    return len(fact & shown) >= SHOWN_SHARE * len(fact)


def with_links(cards: Iterable[Card]) -> list[Card]:
    """The cards with their `links` filled in."""
    from dataclasses import replace

    listed = list(cards)
    found = links(listed)
    return [replace(card, links=found.get(card.key, ())) for card in listed]
