"""FSRS golden values with fuzzing off, deterministic fuzz, replay, and clock faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pmquiz.config import Settings
from pmquiz.model import CardState, Rating, State
from pmquiz.scheduler import Scheduler

from helpers import T0

GOLDEN = [  # offset from T0, rating -> phase, step, stability, difficulty, due, lapses
    (timedelta(0), Rating.GOOD, State.LEARNING, 1, 2.3065, 2.1181, "2026-03-02T09:10", 0),
    (timedelta(minutes=10), Rating.GOOD, State.REVIEW, None, 2.3065, 2.1112, "2026-03-04T09:10", 0),
    (timedelta(days=3), Rating.GOOD, State.REVIEW, None, 10.971, 2.1043, "2026-03-16T09:00", 0),
    (timedelta(days=14), Rating.AGAIN, State.RELEARNING, 0, 1.539, 7.39, "2026-03-16T09:10", 1),
    (timedelta(days=14, minutes=10), Rating.GOOD, State.REVIEW, None, 1.5718, 7.3778,
     "2026-03-18T09:10", 1),
]


def test_golden_values_with_fuzzing_off() -> None:
    scheduler = Scheduler(Settings(fuzz=False))
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
