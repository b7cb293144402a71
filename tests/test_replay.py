"""The fast replay (`Scheduler.replay_many`, used by rebuilds, merges, repairs and the
doctor) gives exactly the states of answering each review through py-fsrs's review_card
(`replay_steps`), field for field, bit for bit."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.config import Settings
from pmquiz.model import Rating
from pmquiz.optimize import read_revlog_csv
from pmquiz.scheduler import Scheduler

from conftest import SAMPLES

REVLOG = SAMPLES / "revlogs" / "review_logs_josh_1711744352250_to_1728234780857.csv"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_real_log_replays_to_the_same_states_both_ways(zone: str) -> None:
    by_card: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for card, when, rating in read_revlog_csv(REVLOG):
        by_card[card].append((when, rating))
    logs = [[(Rating(r), datetime.fromtimestamp(t, UTC), f"{card}-{i}")
             for i, (t, r) in enumerate(sorted(log))] for card, log in sorted(by_card.items())]
    scheduler = Scheduler(Settings(timezone=zone))
    assert scheduler.replay_many(logs) == [scheduler.replay_steps(log) for log in logs]


GAPS = st.sampled_from([0.0, 0.01, 0.2, 0.9, 1.0, 2.5, 7.0, 30.0, 200.0, -0.5])
STEPS = st.sampled_from([("1m", "10m"), ("10m",), (), ("1m", "10m", "1h")])


@settings(max_examples=150, deadline=None)
@given(ratings=st.lists(st.integers(1, 4), min_size=1, max_size=25),
       gaps=st.lists(GAPS, min_size=25, max_size=25), learning=STEPS,
       relearning=STEPS, fuzz=st.booleans())
def test_any_history_replays_to_the_same_states_both_ways(
        ratings: list[int], gaps: list[float], learning: tuple[str, ...],
        relearning: tuple[str, ...], fuzz: bool) -> None:
    """Same-day answers, answers late and early, a clock that went back, any learning and
    relearning steps (none included), fuzz on and off."""
    scheduler = Scheduler(Settings(learning_steps=learning, relearning_steps=relearning,
                                   fuzz=fuzz, timezone="America/New_York"))
    when = datetime(2026, 3, 1, 14, tzinfo=UTC)
    log = []
    for n, rating in enumerate(ratings):
        when += timedelta(days=gaps[n])
        log.append((Rating(rating), when, f"review-{n}"))
    assert scheduler.replay_many([log]) == [scheduler.replay_steps(log)]
