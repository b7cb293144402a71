"""fsrs-rs and py-fsrs give the same memory states on a real review history: the batch
replay (`pmquiz.memory`) can stand in for py-fsrs wherever a whole log is replayed."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime

import pytest

from pmquiz.config import Settings
from pmquiz.errors import PmquizError
from pmquiz.memory import memory_states
from pmquiz.model import Rating
from pmquiz.optimize import read_revlog_csv
from pmquiz.scheduler import Scheduler

from conftest import SAMPLES

REVLOG = SAMPLES / "revlogs" / "review_logs_josh_1711744352250_to_1728234780857.csv"
# fsrs-rs computes in 32-bit floats: measured worst relative difference 1.5e-4
CLOSE = 1e-3


def test_both_replays_agree_on_every_review_of_the_real_log() -> None:
    scheduler = Scheduler(Settings(timezone="UTC"))
    by_card: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for card, when, rating in read_revlog_csv(REVLOG):
        by_card[card].append((when, rating))
    histories, expected = [], []
    same_day = learning = 0
    for card, log in by_card.items():
        log.sort()
        times = [datetime.fromtimestamp(t, UTC) for t, _ in log]
        steps = scheduler.replay_steps([(Rating(r), when, f"{card}-{i}")
                                        for i, ((_, r), when) in enumerate(zip(log, times,
                                                                               strict=True))])
        expected.append([(s.stability, s.difficulty) for s in steps])
        days = [0] + [scheduler.elapsed_days(a, b) for a, b in itertools.pairwise(times)]
        histories.append(list(zip([r for _, r in log], days, strict=True)))
        same_day += sum(1 for d in days[1:] if d == 0)
        learning += sum(1 for s in steps if s.state.name in ("LEARNING", "RELEARNING"))
    assert sum(len(h) for h in histories) == 12_580
    assert same_day > 1000 and learning > 1000  # both paths are really exercised
    found = memory_states(histories, scheduler.parameters)
    worst = 0.0
    for ours, theirs in zip(found, expected, strict=True):
        assert len(ours) == len(theirs)
        for (s1, d1), (s2, d2) in zip(ours, theirs, strict=True):
            worst = max(worst, abs(s1 - s2) / s2, abs(d1 - d2) / d2)
    assert worst < CLOSE, worst


def test_a_history_fsrs_rs_cannot_replay_is_an_error_not_a_panic() -> None:
    with pytest.raises(PmquizError, match="must start on day 0"):
        memory_states([[(3, 2)]], Scheduler(Settings()).parameters)
    with pytest.raises(PmquizError, match="ratings 1-4"):
        memory_states([[(3, 0), (5, 1)]], Scheduler(Settings()).parameters)


def test_review_intervals_from_the_formulas_equal_review_card_on_the_real_log() -> None:
    """The Hard/Good/Easy intervals of a review card come from py-fsrs's formulas called
    directly; replaying the whole real log that way and through `review_card` three times
    gives the very same states (fuzz included)."""
    by_card: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for card, when, rating in read_revlog_csv(REVLOG):
        by_card[card].append((when, rating))
    fast, slow = Scheduler(Settings(timezone="UTC")), Scheduler(Settings(timezone="UTC"))
    slow.FORMULAS = False
    compared = 0
    for card, log in sorted(by_card.items()):
        history = [(Rating(r), datetime.fromtimestamp(t, UTC), f"{card}-{i}")
                   for i, (t, r) in enumerate(sorted(log))]
        assert fast.replay_steps(history) == slow.replay_steps(history)
        compared += len(history)
    assert compared == 12_580
