"""Today at a glance: what is due per phase and module, with the daily limits applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.model import State
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

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {"phase": self.phase, "module": self.module, "title": self.title,
                "new": self.new, "learning": self.learning, "review": self.review,
                "cards": self.total}


@dataclass(frozen=True)
class Today:
    """Counts for today and when the next card is due."""

    modules: list[ModuleDue]
    new_left: int
    reviews_left: int
    next_due: datetime | None
    day_end: datetime

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
                "phases": list(phases.values()),
                "modules": [m.to_dict() for m in self.modules]}


def today(store: Store, settings: Settings, now: datetime, scope: Scope) -> Today:
    """Count what a session started now would ask, per module."""
    start, end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))
    new_left = max(0, settings.new_per_day - store.answered_since(start, State.NEW))
    reviews_left = max(0, settings.reviews_per_day - store.answered_since(start, State.REVIEW))
    rows = store.state_counts(scope, end, now + timedelta(minutes=settings.learn_ahead_minutes))
    # New cards are handed out round-robin across modules, as the session interleaves them.
    unseen = [r[3] or 0 for r in rows]
    given = [0] * len(rows)
    budget = new_left
    while budget > 0 and any(g < u for g, u in zip(given, unseen, strict=True)):
        for i, available in enumerate(unseen):
            if budget and given[i] < available:
                given[i] += 1
                budget -= 1
    modules = [ModuleDue(phase=r[0], module=r[1], title=r[2], new=given[i], learning=r[4] or 0,
                         review=r[5] or 0, total=r[6]) for i, r in enumerate(rows)]
    return Today(modules=modules, new_left=new_left, reviews_left=reviews_left,
                 next_due=store.next_due(scope), day_end=end)
