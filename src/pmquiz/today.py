"""Today at a glance: what is due per phase and module, with the daily limits applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pmquiz.agenda import LEARNING_BATCH, TodaysCards, todays_cards
from pmquiz.config import Settings
from pmquiz.store import Scope, Store

__all__ = ["LEARNING_BATCH", "ModuleDue", "Today", "TodaysCards", "next_askable", "today",
           "todays_cards"]


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
    next_due: datetime | None
    day_end: datetime
    suspended: int = 0
    buried: int = 0
    flagged: int = 0
    held_back: int = 0  # reviews due today that wait for tomorrow: a sibling is asked today

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
        """Reviews due today, within the daily limit, without the ones held back."""
        return sum(m.review for m in self.modules)

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
                "held_back": self.held_back, "suspended": self.suspended, "buried": self.buried,
                "flagged": self.flagged,
                "phases": list(phases.values()),
                "modules": [m.to_dict() for m in self.modules]}


def today(store: Store, settings: Settings, now: datetime, scope: Scope,
          cards: TodaysCards | None = None) -> Today:
    """Count what a session started now would ask, per module: the session's own plan."""
    cards = cards or todays_cards(store, settings, now, scope)
    rows = store.queue.state_counts(scope, now, cards.day_end,
                                    now + timedelta(minutes=settings.learn_ahead_minutes))
    new: dict[str, int] = {}
    review: dict[str, int] = {}
    for stored in cards.new:
        new[stored.card.deck] = new.get(stored.card.deck, 0) + 1
    for stored in cards.reviews:
        review[stored.card.deck] = review.get(stored.card.deck, 0) + 1
    modules = [ModuleDue(phase=r[0], module=r[1], title=r[2], new=new.get(r[1], 0),
                         learning=r[4] or 0, review=review.get(r[1], 0), total=r[6],
                         set_aside=r[7] or 0)
               for r in rows]
    suspended, buried, flagged = store.marks.set_aside(scope, now)
    return Today(modules=modules, next_due=next_askable(store, now, scope, cards),
                 day_end=cards.day_end, suspended=suspended, buried=buried, flagged=flagged,
                 held_back=len(cards.held))


def next_askable(store: Store, now: datetime, scope: Scope, cards: TodaysCards
                 ) -> datetime | None:
    """When a session would next have a seen card to ask: now if one is ready, else the
    next learning step, else the next learning day when cards are held back (or buried)
    until then, else the next due date."""
    if cards.reviews:
        return now
    if cards.learning:
        return max(now, min(s.state.due or now for s in cards.learning))
    later = store.queue.learning_cards(scope, now, cards.day_end, 1)
    if later:
        return later[0].state.due
    soonest = store.queue.next_due(scope)
    return None if soonest is None else max(soonest, cards.day_end)
