"""The array replay (`pmquiz.replay_arrays`, for the doctor and rebuilds of long logs) gives
exactly the states of answering each review through py-fsrs (`Scheduler.replay_steps`),
field for field, bit for bit: on the real log in two time zones, and on generated cards of
different lengths replayed together, with any learning steps and fuzz on and off."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.config import Settings
from pmquiz.model import CardState, Rating
from pmquiz.optimize import read_revlog_csv
from pmquiz.replay_arrays import replay_arrays
from pmquiz.scheduler import Scheduler

from conftest import SAMPLES

REVLOG = SAMPLES / "revlogs" / "review_logs_josh_1711744352250_to_1728234780857.csv"
Log = list[tuple[Rating, datetime, str]]


def by_arrays(scheduler: Scheduler, logs: list[Log], dues: str = "all"
              ) -> list[list[CardState]]:
    starts = np.cumsum([0, *(len(log) for log in logs)])
    flat = [review for log in logs for review in log]
    found = replay_arrays(scheduler, starts, np.array([int(r) for r, _, _ in flat]),
                          np.array([when.timestamp() for _, when, _ in flat]),
                          [seed for _, _, seed in flat], dues)
    return [[found.card_state(int(starts[i]) + j) for j in range(len(log))]
            for i, log in enumerate(logs)]


def real_logs() -> list[Log]:
    by_card: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for card, when, rating in read_revlog_csv(REVLOG):
        by_card[card].append((when, rating))
    return [[(Rating(r), datetime.fromtimestamp(t, UTC), f"{card}-{i}")
             for i, (t, r) in enumerate(sorted(log))] for card, log in sorted(by_card.items())]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_real_log_replays_to_the_same_states_both_ways(zone: str) -> None:
    logs = real_logs()
    scheduler = Scheduler(Settings(timezone=zone))
    expected = [scheduler.replay_steps(log) for log in logs]
    assert sum(map(len, logs)) == 12_580
    assert by_arrays(Scheduler(Settings(timezone=zone)), logs) == expected


def test_last_dues_only_gives_the_same_final_states() -> None:
    logs = real_logs()
    scheduler = Scheduler(Settings(timezone="Europe/Berlin"))
    found = by_arrays(scheduler, logs, dues="last")
    assert [steps[-1] for steps in found] == [scheduler.replay(log) for log in logs]
    assert all(step.due is None for steps in found for step in steps[:-1])


GAPS = st.sampled_from([0.0, 0.01, 0.2, 0.9, 1.0, 2.5, 7.0, 30.0, 200.0, -0.5])
STEPS = st.sampled_from([("1m", "10m"), ("10m",), (), ("1m", "10m", "1h")])
HISTORY = st.lists(st.tuples(st.integers(1, 4), GAPS), min_size=1, max_size=25)


@settings(max_examples=150, deadline=None)
@given(histories=st.lists(HISTORY, min_size=1, max_size=5), learning=STEPS,
       relearning=STEPS, fuzz=st.booleans(), retention=st.sampled_from([0.7, 0.9, 0.97]))
def test_any_histories_replay_to_the_same_states_both_ways(
        histories: list[list[tuple[int, float]]], learning: tuple[str, ...],
        relearning: tuple[str, ...], fuzz: bool, retention: float) -> None:
    """Same-day answers, answers late and early, a clock that went back, any learning and
    relearning steps (none included), fuzz on and off, cards of different lengths."""
    scheduler = Scheduler(Settings(learning_steps=learning, relearning_steps=relearning,
                                   fuzz=fuzz, desired_retention=retention,
                                   timezone="America/New_York"))
    logs: list[Log] = []
    for number, history in enumerate(histories):
        when = datetime(2026, 3, 1, 14, 0, 0, 123457 * number % 1_000_000, tzinfo=UTC)
        log: Log = []
        for n, (rating, gap) in enumerate(history):
            when += timedelta(days=gap)
            log.append((Rating(rating), when, f"card-{number}-review-{n}"))
        logs.append(log)
    assert by_arrays(scheduler, logs) == [scheduler.replay_steps(log) for log in logs]


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=30),
       st.data())
def test_fuzz_draws_from_digests_equal_the_draws_from_review_ids(
        ids: list[str], data: st.DataObject) -> None:
    """A merge into an empty log keeps each review id only as its 8-byte digest: the fuzz
    draws from those are the draws from the ids, and each equals the scheduler's own."""
    from pmquiz.replay_arrays import _draws, seed_digests
    from pmquiz.scheduler import _draw

    at = np.array(data.draw(st.lists(st.integers(0, len(ids) - 1), max_size=20)),
                  dtype=np.int64)
    digests = np.frombuffer(seed_digests(ids), dtype=">u8")
    from_ids = _draws(ids, at)
    assert np.array_equal(_draws(digests, at), from_ids)
    assert from_ids.tolist() == [_draw(ids[i]) for i in at.tolist()]
