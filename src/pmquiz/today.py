"""Today at a glance: what is due per phase and module, with the daily limits applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.model import State, StoredCard
from pmquiz.store import Scope, Store


@dataclass(frozen=True)
class ModuleDue:
    """One module's counts for today."""

    phase: int
    module: str
    title: str
    new: int
    learning: int
    review: int
    total: int
    set_aside: int = 0  # suspended, or buried until the next learning day

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"phase": self.phase, "module": self.module, "title": self.title,
                "new": self.new, "learning": self.learning, "review": self.review,
                "cards": self.total, "set_aside": self.set_aside}


@dataclass(frozen=True)
class Today:
    """Counts for today and when the next card is due."""

    modules: list[ModuleDue]
    new_left: int
    reviews_left: int
    next_due: datetime | None
    day_end: datetime
    suspended: int = 0
    buried: int = 0
    flagged: int = 0

    @property
    def new(self) -> int:
        """New cards today, within the daily limit."""
        return sum(m.new for m in self.modules)

    @property
    def learning(self) -> int:
        """Learning cards due today."""
        return sum(m.learning for m in self.modules)

    @property
    def review(self) -> int:
        """Reviews due today, within the daily limit."""
        return min(sum(m.review for m in self.modules), self.reviews_left)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (what `pmquiz due --json` prints)."""
        phases: dict[int, dict[str, int]] = {}
        for m in self.modules:
            entry = phases.setdefault(m.phase, {"phase": m.phase, "new": 0, "learning": 0,
                                                "review": 0, "cards": 0})
            for key in ("new", "learning", "review"):
                entry[key] += getattr(m, key)
            entry["cards"] += m.total
        return {"new": self.new, "learning": self.learning, "review": self.review,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "day_ends": self.day_end.isoformat(),
                "suspended": self.suspended, "buried": self.buried, "flagged": self.flagged,
                "phases": list(phases.values()),
                "modules": [m.to_dict() for m in self.modules]}


def today(store: Store, settings: Settings, now: datetime, scope: Scope) -> Today:
    """Count what a session started now would ask, per module."""
    start, end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))
    new_left = max(0, settings.new_per_day - store.queue.answered_since(start, State.NEW))
    reviews_left = max(0, settings.reviews_per_day -
                       store.queue.answered_since(start, State.REVIEW))
    rows = store.queue.state_counts(scope, now, end,
                              now + timedelta(minutes=settings.learn_ahead_minutes))
    # The new cards a session would take (modules in turn, one of each sibling group).
    picked: dict[str, int] = {}
    for stored in todays_cards(store, settings, now, scope).new:
        picked[stored.card.deck] = picked.get(stored.card.deck, 0) + 1
    given = [picked.get(r[1], 0) for r in rows]
    modules = [ModuleDue(phase=r[0], module=r[1], title=r[2], new=given[i], learning=r[4] or 0,
                         review=r[5] or 0, total=r[6], set_aside=r[7] or 0)
               for i, r in enumerate(rows)]
    suspended, buried, flagged = store.marks.set_aside(scope, now)
    return Today(modules=modules, new_left=new_left, reviews_left=reviews_left,
                 next_due=store.queue.next_due(scope), day_end=end, suspended=suspended,
                 buried=buried, flagged=flagged)


SIBLING_WINDOW = 8  # new cards looked at per card wanted, to find ones of other groups


def interleave(cards: Iterable[StoredCard]) -> list[StoredCard]:
    """Round-robin across modules, keeping each module's own order."""
    by_module: dict[str, list[StoredCard]] = {}
    for stored in cards:
        by_module.setdefault(stored.card.deck, []).append(stored)
    columns = list(by_module.values())
    mixed: list[StoredCard] = []
    for i in range(max((len(c) for c in columns), default=0)):
        mixed.extend(column[i] for column in columns if i < len(column))
    return mixed


KIND_REACH = 4  # new cards looked at per card wanted, to find cards of other kinds


def mix_kinds(cards: Iterable[StoredCard]) -> list[StoredCard]:
    """The cards with each kind spread evenly over the list (a kind with a third of the
    cards takes every third place), each kind keeping its own order: a day does not open
    with a run of two-option classify cards."""
    ordered = list(cards)
    counts: dict[str, int] = {}
    for stored in ordered:
        counts[stored.card.kind.value] = counts.get(stored.card.kind.value, 0) + 1
    seen: dict[str, int] = {}
    keyed = []
    for index, stored in enumerate(ordered):
        kind = stored.card.kind.value
        rank = seen.get(kind, 0)
        seen[kind] = rank + 1
        keyed.append((rank / counts[kind], index, stored))  # each kind starts at once
    return [stored for *_, stored in sorted(keyed, key=lambda k: (k[0], k[1]))]


def pick_new(store: Store, settings: Settings, scope: Scope, now: datetime, count: int,
             buried: frozenset[str]) -> list[StoredCard]:
    """Today's new cards, modules taking turns and kinds mixed (`mix_kinds`, drawing on four times
    today's share, so a module that opens with many cards of one kind still gives a mixed
    day): one of each sibling group a day (siblings test the same fact), so a wider window
    is looked at and siblings of cards already picked, or answered today, are skipped."""
    reach = count * KIND_REACH
    if not settings.bury_siblings:
        window = interleave(store.queue.new_cards(scope, now, reach, reach))
    else:
        wide = count * SIBLING_WINDOW
        window = one_per_group(interleave(store.queue.new_cards(scope, now, wide, wide)), buried)
    return mix_kinds(mix_kinds(window[:reach])[:count])


def one_per_group(cards: Iterable[StoredCard], buried: frozenset[str] | None
                  ) -> list[StoredCard]:
    """The cards in order, skipping siblings of cards met today (`buried`) or earlier in the
    list; with `buried` None, all of them."""
    if buried is None:
        return list(cards)
    taken = set(buried)
    kept = []
    for stored in cards:
        if not stored.card.sibling_keys & taken:
            taken |= stored.card.sibling_keys
            kept.append(stored)
    return kept


@dataclass
class TodaysCards:
    """What a session started now takes: reviews, learning cards, new cards, and the
    sibling keys of the cards already answered today."""

    reviews: list[StoredCard]
    learning: list[StoredCard]
    new: list[StoredCard]
    buried: frozenset[str]
    day_end: datetime


LEARNING_BATCH = 200  # learning cards loaded at a time (a learner back from a break)


def todays_cards(store: Store, settings: Settings, now: datetime, scope: Scope
                 ) -> TodaysCards:
    """Due reviews (within the daily limit, lowest recall first), learning cards within the
    learn-ahead window, and new cards (within their limit); with `bury_siblings`, one card
    of each sibling group, and no new card joins a group met or due today."""
    start, end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))
    reviews_left = max(0, settings.reviews_per_day -
                       store.queue.answered_since(start, State.REVIEW))
    new_left = max(0, settings.new_per_day - store.queue.answered_since(start, State.NEW))
    bury = settings.bury_siblings
    buried = store.queue.sibling_keys_since(start) if bury else frozenset()
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning = store.queue.learning_cards(scope, now, ahead, LEARNING_BATCH)
    reviews = one_per_group(store.queue.due_reviews(scope, end, now, reviews_left + len(buried)),
                            buried if bury else None)[:reviews_left]
    taken = buried | {key for s in [*reviews, *learning] for key in s.card.sibling_keys}
    new = pick_new(store, settings, scope, now, new_left, frozenset(taken))
    return TodaysCards(reviews=reviews, learning=learning, new=new, buried=buried, day_end=end)
