"""Replaying whole logs fast and exactly: the learning-step state machine, the memory
state and the due date of every review, computed with py-fsrs's own formulas (the methods
`review_card` calls, in the same order, so every float is the same) but without building a
py-fsrs card three or four times per review. `Scheduler.review` still schedules each single
answer through `review_card`; tests/test_replay.py holds the two to the same states, field
for field, on every review of the real log in the test data and on generated histories.

fsrs-rs (`pmquiz.memory`) computes the same memory states in one call for thousands of
cards, but in 32-bit floats (a relative 1.5e-4 from py-fsrs on the real log): states
replayed with it would differ in their last digits from those an answer stores, so two
machines merging their logs would no longer reach identical states. It is used where no
state is stored: `optimize` and `evaluate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from pmquiz.config import Settings
from pmquiz.model import CardState, Rating, State

Log = Sequence[tuple[Rating, datetime, str]]


class Scheduler(Protocol):
    """What a replay needs of `pmquiz.scheduler.Scheduler` (named here, not imported: the
    scheduler imports this module)."""

    settings: Settings

    @property
    def fsrs_model(self) -> Any: ...

    def elapsed_days(self, last: datetime, now: datetime) -> int: ...

    def review_days_from(self, stability: float, difficulty: float, elapsed: int,
                         seed: str) -> dict[Rating, int]: ...

    def fuzzed(self, interval: timedelta, seed: str) -> timedelta: ...


def replay_logs(scheduler: Scheduler, logs: Sequence[Log]) -> list[list[CardState]]:
    """The state after each review of each log (reviews in time order), equal to
    `[scheduler.replay_steps(log) for log in logs]`."""
    return [_steps(scheduler, log) for log in logs]


def _steps(scheduler: Scheduler, log: Log) -> list[CardState]:
    import fsrs

    model = scheduler.fsrs_model
    steps: list[CardState] = []
    state = CardState()
    for rating, given, seed in log:
        # the clock went back: no time passed
        when = max(given, state.last_review) if state.last_review is not None else given
        elapsed = scheduler.elapsed_days(state.last_review, when) \
            if state.last_review is not None else 0
        grade = fsrs.Rating(int(rating))
        stability, difficulty = _memory(model, state, grade, elapsed)
        phase, step = (State.LEARNING, 0) if state.state is State.NEW else \
            (state.state, state.step)
        after, next_step, interval = _transition(model, phase, step, rating, stability)
        due = when + interval
        if state.state is State.REVIEW and rating is not Rating.AGAIN:
            days = scheduler.review_days_from(state.stability or 0.0,
                                              state.difficulty or 0.0, elapsed, seed)
            due = when + timedelta(days=days[rating])
        elif scheduler.settings.fuzz and after is State.REVIEW:
            due = when + scheduler.fuzzed(interval, seed)
        lapses = state.lapses + (1 if state.state is State.REVIEW and
                                 rating is Rating.AGAIN else 0)
        state = CardState(state=after, step=next_step, stability=stability,
                          difficulty=difficulty, due=due, last_review=when,
                          reps=state.reps + 1, lapses=lapses)
        steps.append(state)
    return steps


def _memory(model: Any, state: CardState, grade: Any, elapsed: int) -> tuple[float, float]:
    """Stability and difficulty after a rating, as `review_card` computes them."""
    if state.stability is None or state.difficulty is None:
        return (model._initial_stability(rating=grade),
                model._initial_difficulty(rating=grade, clamp=True))
    if elapsed < 1:
        stability = model._short_term_stability(stability=state.stability, rating=grade)
    else:
        recall = (1 + model._FACTOR * elapsed / state.stability) ** model._DECAY
        stability = model._next_stability(difficulty=state.difficulty,
                                          stability=state.stability,
                                          retrievability=recall, rating=grade)
    return stability, model._next_difficulty(difficulty=state.difficulty, rating=grade)


def _transition(model: Any, phase: State, step: int | None, rating: Rating,
                stability: float) -> tuple[State, int | None, timedelta]:
    """py-fsrs's state machine (review_card): the state, step and interval after a rating."""
    def review() -> tuple[State, int | None, timedelta]:
        return State.REVIEW, None, timedelta(days=model._next_interval(stability=stability))

    if phase is State.REVIEW:
        relearning = model.relearning_steps
        if rating is Rating.AGAIN and relearning:
            return State.RELEARNING, 0, relearning[0]
        return review()
    steps = model.learning_steps if phase is State.LEARNING else model.relearning_steps
    at = step or 0
    if not steps or (at >= len(steps) and rating is not Rating.AGAIN):
        return review()
    if rating is Rating.AGAIN:
        return phase, 0, steps[0]
    if rating is Rating.HARD:
        if at == 0 and len(steps) == 1:
            return phase, at, steps[0] * 1.5
        if at == 0:
            return phase, at, (steps[0] + steps[1]) / 2.0
        return phase, at, steps[at]
    if rating is Rating.GOOD:
        if at + 1 == len(steps):
            return review()
        return phase, at + 1, steps[at + 1]
    return review()
