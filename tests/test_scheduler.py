"""FSRS golden values with fuzzing off, deterministic fuzz, replay, and clock faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pmquiz.config import Settings
from pmquiz.model import CardState, Rating, State
from pmquiz.scheduler import Scheduler

from helpers import T0

# Elapsed time counts learning days (UTC, day start 04:00 here): the third review, 3 days
# minus 10 minutes after the second, is 3 learning days later (py-fsrs alone would count 2).
GOLDEN = [  # offset from T0, rating -> state, step, stability, difficulty, due, lapses
    (timedelta(0), Rating.GOOD, State.LEARNING, 1, 2.3065, 2.1181, "2026-03-02T09:10", 0),
    (timedelta(minutes=10), Rating.GOOD, State.REVIEW, None, 2.3065, 2.1112, "2026-03-04T09:10", 0),
    (timedelta(days=3), Rating.GOOD, State.REVIEW, None, 13.8358, 2.1043, "2026-03-19T09:00", 0),
    (timedelta(days=14), Rating.AGAIN, State.RELEARNING, 0, 1.6828, 7.39, "2026-03-16T09:10", 1),
    (timedelta(days=14, minutes=10), Rating.GOOD, State.REVIEW, None, 1.7086, 7.3778,
     "2026-03-18T09:10", 1),
]
W = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
     1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)


def recall(days: int, stability: float) -> float:
    """FSRS-6's forgetting curve, by hand."""
    decay = -W[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((1 + factor * days / stability) ** decay)


def good_after(days: int, stability: float, difficulty: float) -> float:
    """Stability after a Good review `days` learning days later (FSRS-6, by hand)."""
    import math

    if days == 0:  # the same learning day: the short-term update (never below 1 for Good)
        return float(stability * max(1.0, math.exp(W[17] * (3 - 3 + W[18])) *
                                     stability ** -W[19]))
    r = recall(days, stability)
    return float(stability * (1 + math.exp(W[8]) * (11 - difficulty) * stability ** -W[9] *
                              (math.exp(W[10] * (1 - r)) - 1)))


@pytest.mark.parametrize(("last", "later", "days"), [
    ("2026-12-01T20:00", timedelta(hours=23), 1),  # Dec 2 19:00: the next learning day
    ("2026-12-01T20:00", timedelta(hours=25), 1),  # Dec 2 21:00: the next learning day
    ("2026-12-01T04:30", timedelta(hours=23), 0),  # Dec 2 03:30: still Dec 1's learning day
    ("2026-12-01T03:00", timedelta(hours=2), 1),  # 03:00 is Nov 30's day, 05:00 is Dec 1's
])
def test_elapsed_time_counts_learning_days(last: str, later: timedelta, days: int) -> None:
    scheduler = Scheduler(Settings(fuzz=False, timezone="UTC", day_starts_at=4))
    first = datetime.fromisoformat(last).replace(tzinfo=UTC)
    state = scheduler.review(CardState(), Rating.GOOD, first - timedelta(minutes=10), "a")
    state = scheduler.review(state, Rating.GOOD, first, "b")  # in review state now
    assert state.state is State.REVIEW
    after = scheduler.review(state, Rating.GOOD, first + later, "c")
    assert scheduler.elapsed_days(first, first + later) == days
    assert state.stability is not None and state.difficulty is not None
    assert after.stability == pytest.approx(
        good_after(days, state.stability, state.difficulty), rel=1e-6)
    # 23 h and 25 h on the next learning day: the same stability
    if days == 1 and later != timedelta(hours=2):
        other = scheduler.review(state, Rating.GOOD, first + timedelta(hours=48) - later, "c")
        assert other.stability == pytest.approx(after.stability)


def test_recall_counts_learning_days_too() -> None:
    scheduler = Scheduler(Settings(fuzz=False, timezone="UTC", day_starts_at=4))
    t = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    state = scheduler.review(CardState(), Rating.GOOD, t - timedelta(minutes=10), "a")
    state = scheduler.review(state, Rating.GOOD, t, "b")
    assert state.stability is not None
    # 23 hours later but the next learning day: recall is below 100 %, as one day predicts
    assert scheduler.retrievability(state, t + timedelta(hours=23)) == \
        pytest.approx(recall(1, state.stability))
    assert scheduler.retrievability(state, t + timedelta(hours=7)) == pytest.approx(1.0)


def test_golden_values_with_fuzzing_off() -> None:
    scheduler = Scheduler(Settings(fuzz=False, timezone="UTC"))
    state = CardState()
    for offset, rating, phase, step, stability, difficulty, due, lapses in GOLDEN:
        state = scheduler.review(state, rating, T0 + offset, "seed")
        assert state.state is phase
        assert state.step == step
        assert state.stability == pytest.approx(stability, abs=1e-4)
        assert state.difficulty == pytest.approx(difficulty, abs=1e-4)
        assert state.due == datetime.fromisoformat(due).replace(tzinfo=UTC)
        assert state.lapses == lapses
    assert state.reps == len(GOLDEN)


def test_fuzz_is_deterministic_per_review_id_and_within_anki_range() -> None:
    scheduler = Scheduler(Settings(fuzz=True))
    state = CardState()
    for offset, rating, *_ in GOLDEN[:3]:
        state = scheduler.review(state, rating, T0 + offset, "fixed")
    plain = Scheduler(Settings(fuzz=False))
    unfuzzed = CardState()
    for offset, rating, *_ in GOLDEN[:3]:
        unfuzzed = plain.review(unfuzzed, rating, T0 + offset, "fixed")
    interval = (unfuzzed.due - (T0 + GOLDEN[2][0])).days  # type: ignore[operator]
    dues = set()
    for seed in ("a", "b", "c", "d", "e", "f", "g", "h"):
        again = scheduler.review(state, Rating.GOOD, T0 + timedelta(days=20), seed)
        assert again == scheduler.review(state, Rating.GOOD, T0 + timedelta(days=20), seed)
        dues.add(again.due)
    assert len(dues) > 1  # different reviews get different fuzz
    assert interval >= 3


def test_replay_equals_step_by_step() -> None:
    scheduler = Scheduler(Settings())
    log = [(rating, T0 + offset, f"r{i}") for i, (offset, rating, *_) in enumerate(GOLDEN)]
    state = CardState()
    for rating, when, uid in log:
        state = scheduler.review(state, rating, when, uid)
    assert scheduler.replay(log) == state


def test_clock_going_backwards_never_gives_a_negative_interval() -> None:
    scheduler = Scheduler(Settings())
    state = scheduler.review(CardState(), Rating.GOOD, T0, "a")
    state = scheduler.review(state, Rating.GOOD, T0 - timedelta(hours=5), "b")
    assert state.last_review == T0
    assert state.due is not None and state.due >= T0


def test_retrievability_falls_with_time_and_is_zero_for_new_cards() -> None:
    scheduler = Scheduler(Settings())
    assert scheduler.retrievability(CardState(), T0) == 0.0
    state = scheduler.review(CardState(), Rating.GOOD, T0, "a")
    state = scheduler.review(state, Rating.GOOD, T0 + timedelta(minutes=10), "b")
    soon = scheduler.retrievability(state, T0 + timedelta(days=2))
    later = scheduler.retrievability(state, T0 + timedelta(days=10))
    assert 1.0 > soon > later > 0.0
