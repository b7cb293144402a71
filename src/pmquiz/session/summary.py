"""The session summary: what it counts as answers come and go (an undo takes one back), and
the figures filled in at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.model import Answer, State, StoredCard
from pmquiz.store import Scope, Store


@dataclass
class Summary:
    """How a session went."""

    answered: int = 0
    correct: int = 0
    ratings: dict[str, int] = field(default_factory=dict)
    started: datetime | None = None
    ended: datetime | None = None
    seconds: float = 0.0
    next_due: datetime | None = None
    stopped_by: str = ""
    nothing_due: bool = False
    missed: list[StoredCard] = field(default_factory=list)
    new_learned: int = 0  # new cards met this session
    due_tomorrow: int = 0  # cards due by the end of tomorrow's learning day
    unseen: int = 0  # new cards still waiting (for "nothing due")

    @property
    def accuracy(self) -> float | None:
        """Share of correct answers, None before any answer."""
        return self.correct / self.answered if self.answered else None


    def count(self, stored: StoredCard, answer: Answer) -> None:
        """Count one committed answer."""
        self.new_learned += int(stored.state.state is State.NEW)
        self.answered += 1
        self.correct += int(bool(answer.correct))
        self.ratings[answer.rating.label] = self.ratings.get(answer.rating.label, 0) + 1
        if not answer.correct:
            self.missed.append(stored)

    def uncount(self, stored: StoredCard, answer: Answer) -> None:
        """Take an undone answer back out."""
        self.new_learned -= int(stored.state.state is State.NEW)
        self.answered -= 1
        self.correct -= int(bool(answer.correct))
        label = answer.rating.label
        self.ratings[label] -= 1
        if not self.ratings[label]:
            del self.ratings[label]
        if not answer.correct and stored in self.missed:
            self.missed.remove(stored)

    def close(self, store: Store, settings: Settings, scope: Scope, now: datetime) -> None:
        """The figures shown after the last card: next due, due by the end of tomorrow's
        learning day, new cards still waiting."""
        self.next_due = store.queue.next_due(scope)
        zone = local_zone(settings.timezone)
        _, today_end = day_bounds(now, settings.day_starts_at, zone)
        _, tomorrow_end = day_bounds(today_end + timedelta(hours=1), settings.day_starts_at,
                                     zone)
        self.due_tomorrow = store.queue.due_count(scope, tomorrow_end)
        self.unseen = store.queue.unseen_count(scope, now)
