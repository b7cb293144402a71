"""The queue plan of a session: today's cards in order, and the pure helpers the loop uses to
pick the next card and count what is left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pmquiz.agenda import shown_last, todays_cards
from pmquiz.config import Settings
from pmquiz.model import State, StoredCard
from pmquiz.store import Scope, Store


@dataclass
class Plan:
    """Today's queue and the learning cards that may come back."""

    queue: list[StoredCard]
    learning: dict[int, StoredCard]
    day_end: datetime
    scope: Scope = field(default_factory=Scope)
    limit: int | None = None  # at most this many cards asked, learning cards included


def plan_session(store: Store, settings: Settings, now: datetime, scope: Scope,
                 limit: int | None = None) -> Plan:
    """Today's due reviews (within the daily limit), then new cards (within theirs); the
    cards held back for a sibling are marked so they come first tomorrow."""
    cards = todays_cards(store, settings, now, scope)
    # held cards are asked tomorrow whatever their siblings do
    store.marks.hold([s.row for s in [*cards.held, *cards.held_new]], cards.day_start)
    queue = shown_last(cards.reviews + cards.new)
    if limit is not None:
        queue = queue[:limit]
    learning = {s.row: s for s in cards.learning}
    return Plan(queue=queue, learning=learning, day_end=cards.day_end, scope=scope,
                limit=limit)


def distinct(cards: list[StoredCard]) -> list[StoredCard]:
    """Each card once, first place kept."""
    seen: set[int] = set()
    kept = []
    for stored in cards:
        if stored.row not in seen:
            seen.add(stored.row)
            kept.append(stored)
    return kept


def counts(waiting: list[StoredCard]) -> tuple[int, int, int]:
    """(new, learning, review) among the cards still to ask today (learning cards waiting
    out a step included)."""
    new = learning = review = 0
    for stored in waiting:
        state = stored.state.state
        if state is State.NEW:
            new += 1
        elif state is State.REVIEW:
            review += 1
        else:
            learning += 1
    return new, learning, review


def soonest(learning: dict[int, StoredCard], until: datetime) -> StoredCard | None:
    ready = [s for s in learning.values() if s.state.due is not None and s.state.due <= until]
    return min(ready, key=lambda s: (s.state.due, s.row)) if ready else None
