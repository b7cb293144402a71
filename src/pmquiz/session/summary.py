"""The session summary: what it counts as answers come and go (an undo takes one back), and
the figures filled in at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pmquiz.config import Settings
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
    learning_answers: int = 0  # answers to cards in learning or relearning steps
    review_answers: int = 0  # answers to review cards
    new_allowed: int = 0  # new cards today's limit still allows (for "nothing due")
    due_tomorrow: int = 0  # cards due by the end of tomorrow's learning day
    unseen: int = 0  # new cards still waiting (for "nothing due")

    @property
    def accuracy(self) -> float | None:
        """Share of correct answers, None before any answer."""
        return self.correct / self.answered if self.answered else None


    def count(self, stored: StoredCard, answer: Answer) -> None:
        """Count one committed answer."""
        self.new_learned += int(stored.state.state is State.NEW)
        self.review_answers += int(stored.state.state is State.REVIEW)
        self.learning_answers += int(stored.state.state in (State.LEARNING, State.RELEARNING))
        self.answered += 1
        self.correct += int(bool(answer.correct))
        self.ratings[answer.rating.label] = self.ratings.get(answer.rating.label, 0) + 1
        if not answer.correct:
            self.missed.append(stored)

    def uncount(self, stored: StoredCard, answer: Answer) -> None:
        """Take an undone answer back out."""
        self.new_learned -= int(stored.state.state is State.NEW)
        self.review_answers -= int(stored.state.state is State.REVIEW)
        self.learning_answers -= int(stored.state.state in (State.LEARNING, State.RELEARNING))
        self.answered -= 1
        self.correct -= int(bool(answer.correct))
        label = answer.rating.label
        self.ratings[label] -= 1
        if not self.ratings[label]:
            del self.ratings[label]
        if not answer.correct and stored in self.missed:
            self.missed.remove(stored)

    def close(self, store: Store, settings: Settings, scope: Scope, now: datetime) -> None:
        """The figures shown after the last card: when a card is next ready, what the
        sessions will ask by the end of tomorrow's learning day (`agenda.forecast`), new
        cards still waiting."""
        from pmquiz.agenda import forecast, todays_cards
        from pmquiz.today import next_askable

        cards = todays_cards(store, settings, now, scope)
        self.next_due = next_askable(store, now, scope, cards)
        self.due_tomorrow = sum(sum(per_module.values()) for _, per_module in
                                forecast(store, settings, now, scope, 2, cards))
        self.unseen = store.queue.unseen_count(scope, now)
        self.new_allowed = cards.new_left
