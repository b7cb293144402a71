"""Siblings found from what a card shows: a card that shows another card's answer (a classify
statement, a list's items, a filled-in gap, a definition) on its screen gives that card away
when both are asked on one day, so they are siblings, whatever the deck file's `group` says.

Found once per deck when decks are synced (`links`), for the compiler's decks and imported
ones alike. A card that shows another's answer only in its explanation also `tells` it:
the plan holds those apart too, but on a day both come anyway (one was held back yesterday)
the session holds back the explanation's sentences that tell the card still to come
(`session.withheld`), and the order of the day follows only what the screens show whole.

A fact of card B counts as shown by card A when A's screen (prompt, options, answer, items,
explanation) holds at least `SHOWN_SHARE` of the fact's content words; a fact
needs `MIN_WORDS` content words, so a one-word answer ("Product") links nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from pmquiz.grading import content_words, stem
from pmquiz.model import Card, Kind

SHOWN_SHARE = 0.8
ASKED_SHARE = 0.5
MIN_WORDS = 3
COMMON = 200  # a word in more facts than this finds no candidates by itself (big imports)


def words_of(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


class Fact(NamedTuple):
    """The content words of one thing asking a card tests, and for a choice card the words
    of what it asks: its answer offered among options, or named in a list of the same
    things, tells nothing the card's own options do not show; with most of the question
    beside it, it does."""

    words: frozenset[str]
    asked: frozenset[str] = frozenset()


def facts(card: Card) -> list[Fact]:
    """What asking the card tests, one `Fact` per fact."""
    from pmquiz.kinds import kind_of

    if card.kind is Kind.CHOICE:
        answer = words_of(card.answer)
        return [Fact(answer, words_of(card.prompt) - answer)] if len(answer) >= 2 else []
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
    least = 2 if card.kind is Kind.LIST else MIN_WORDS
    found: list[Fact] = []
    for text in texts:
        words = words_of(text)
        if len(words) >= least and Fact(words) not in found:
            found.append(Fact(words))
    return found


def screen(card: Card) -> frozenset[str]:
    """The content words a card puts on screen, answer and explanation included."""
    from pmquiz.kinds import shown_text

    parts = [card.prompt, shown_text(card), card.answer, card.explain, *card.options,
             *card.items, *card.also]
    return words_of(" ".join(parts))


def links(cards: Sequence[Card]) -> dict[str, tuple[str, ...]]:
    """For each card (by key), the keys of the other cards whose answer it shows, in deck
    order (explanation included)."""
    return links_and_told(cards)[0]


def links_and_told(cards: Sequence[Card]
                   ) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """`links`, and of those the ones a card shows only in its explanation (not in its
    prompt, options, answer or items). Candidates come from an index of the facts' words,
    so a deck of thousands of cards is not compared pair by pair."""
    from dataclasses import replace

    owners: list[tuple[int, Fact]] = []
    index: dict[str, list[int]] = {}
    for number, card in enumerate(cards):
        for fact in facts(card):
            slot = len(owners)
            owners.append((number, fact))
            for word in fact.words:
                index.setdefault(word, []).append(slot)
    every: dict[str, tuple[str, ...]] = {}
    told: dict[str, tuple[str, ...]] = {}
    for number, card in enumerate(cards):
        shown = screen(card)
        candidates: set[int] = set()
        for word in shown:
            postings = index.get(word, ())
            if len(postings) <= COMMON:
                candidates.update(postings)
        revealed = sorted({owners[slot][0] for slot in candidates
                           if owners[slot][0] != number and shows(shown, owners[slot][1])})
        if not revealed:
            continue
        every[card.key] = tuple(cards[other].key for other in revealed)
        bare = screen(replace(card, explain="")) if card.explain else shown
        whole = {owners[slot][0] for slot in candidates
                 if owners[slot][0] in revealed and shows(bare, owners[slot][1])}
        if len(whole) < len(revealed):
            told[card.key] = tuple(cards[other].key for other in revealed
                                   if other not in whole)
    return every, told


def shows(shown: frozenset[str], fact: Fact) -> bool:
    """Whether a screen's words give the fact away: most of its words, and for a choice
    card at least half of what it asks."""
    return len(fact.words & shown) >= SHOWN_SHARE * len(fact.words) and \
        len(fact.asked & shown) >= ASKED_SHARE * len(fact.asked)


def with_links(cards: Iterable[Card]) -> list[Card]:
    """The cards with their `links` and `told` filled in."""
    from dataclasses import replace

    listed = list(cards)
    shown, told = links_and_told(listed)
    return [replace(card, links=shown.get(card.key, ()), told=told.get(card.key, ()))
            for card in listed]
