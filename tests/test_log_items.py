"""`log_items` (the own log's fitting items over arrays, what `pmquiz optimize` fits) makes
exactly the items `own_items` makes, one Python object each: the same reviews, the same
order, the same fit and the same evaluation."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.log_items import LogItems, fsrs_items, learning_days, own_log_items
from pmquiz.optimize import (
    MAX_CARD_ITEMS,
    _fsrs_items,
    bin_cells,
    default_parameters,
    evaluate_all,
    fit,
    optimize,
    own_items,
)

from conftest import SAMPLES

REVLOG = SAMPLES / "revlogs" / "review_logs_josh_1711744352250_to_1728234780857.csv"
START = datetime(2026, 1, 1, tzinfo=UTC).timestamp()


def columns(rows: list[tuple[int, float, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A log as the store reads it: card by card, each card's reviews in time order."""
    rows = sorted(rows, key=lambda r: (r[0], r[1]))
    return (np.array([r[0] for r in rows], np.int64), np.array([r[1] for r in rows]),
            np.array([r[2] for r in rows], np.int64))


def same_items(rows: list[tuple[int, float, int]], hour: int, zone: str) -> LogItems:
    """Both ways of making the items; asserts they are the same, item by item."""
    cards, times, ratings = columns(rows)
    made = own_log_items((cards, times, ratings), hour, zone)
    expected = own_items(((str(c), t, r) for c, t, r in zip(
        cards.tolist(), times.tolist(), ratings.tolist(), strict=True)), hour, zone)
    assert len(made) == len(expected)
    assert [made.reviews(i) for i in range(len(made))] == [e.reviews for e in expected]
    assert made.times.tolist() == [e.time for e in expected]
    return made


reviews_of_cards = st.lists(
    st.tuples(st.integers(1, 12),  # card rows: 10, 11, 12 sort before 9 as text
              st.floats(0, 200 * 86400, allow_nan=False),
              st.sampled_from([1, 2, 3, 4, 1, 3, 3, 0, 5])),  # 0 and 5: fsrs-rs refuses
    max_size=120)


@settings(max_examples=150, deadline=None)
@given(reviews_of_cards, st.integers(0, 23),
       st.sampled_from(["UTC", "Asia/Kolkata", "America/New_York", "Pacific/Chatham"]))
def test_the_items_equal_own_items(rows: list[tuple[int, float, int]], hour: int,
                                   zone: str) -> None:
    same_items([(c, START + t, r) for c, t, r in rows], hour, zone)


def test_same_times_and_long_cards_keep_their_items_in_order() -> None:
    # two cards at the same moments (the card key decides, as text), one card past
    # MAX_CARD_ITEMS scored reviews (evenly spaced ones kept), one stopped by a rating of 0
    rows = [(card, START + day * 86400.0, 3) for card in (9, 10) for day in range(20)]
    rows += [(3, START + day * 86400.0, 1 + day % 4) for day in range(3 * MAX_CARD_ITEMS)]
    rows += [(4, START + day * 86400.0, 0 if day == 5 else 3) for day in range(10)]
    made = same_items(rows, 4, "UTC")
    # 19 scored reviews each for cards 9 and 10, 191 cut to MAX_CARD_ITEMS for card 3, and
    # card 4's four before its rating of 0
    assert len(made) == 19 * 2 + MAX_CARD_ITEMS + 4
    assert made.reviews(0) == ((3, 0), (3, 1))  # the first day's: card 10's before 9's


def test_learning_days_agree_with_the_learning_day_of_each_moment() -> None:
    from pmquiz.days import learning_day, local_zone

    times = START + np.arange(0, 90 * 86400, 7 * 977.0)
    for zone in ("UTC", "Asia/Kolkata", "Europe/Berlin"):
        found = learning_days(times, 4, zone)
        expected = [learning_day(datetime.fromtimestamp(t, UTC), 4,
                                 local_zone(zone)).toordinal() for t in times.tolist()]
        assert found.tolist() == expected


@pytest.fixture(scope="module")
def josh_rows() -> list[tuple[int, float, int]]:
    with REVLOG.open(encoding="utf-8") as handle:
        return [(int(row["card_id"]) % 1_000_000,
                 datetime.fromisoformat(row["review_time"].replace("Z", "+00:00")).timestamp(),
                 int(row["review_rating"])) for row in csv.DictReader(handle)]


def test_the_real_log_fits_and_scores_the_same_both_ways(
        josh_rows: list[tuple[int, float, int]]) -> None:
    made = same_items(josh_rows, 4, "Europe/Berlin")
    cards, times, ratings = columns(josh_rows)
    expected = own_items(((str(c), t, r) for c, t, r in zip(
        cards.tolist(), times.tolist(), ratings.tolist(), strict=True)), 4, "Europe/Berlin")
    assert [len(item.reviews) for item in fsrs_items(made)] == \
        [len(item.reviews) for item in _fsrs_items(expected)]
    assert bin_cells(made, made.made).tolist() == bin_cells(expected).tolist()
    assert evaluate_all(made, default_parameters()) == \
        evaluate_all(expected, default_parameters())
    assert fit(made) == fit(expected)
    assert optimize(made, default_parameters()) == optimize(expected, default_parameters())


@given(st.lists(st.integers(-3, 3_000_000), max_size=60), st.booleans())
def test_distinct_integers_are_numbered_as_numpy_unique_numbers_them(
        values: list[int], small: bool) -> None:
    """Counting small non-negative integers gives np.unique's distinct values and inverse;
    negative or large ones go to np.unique itself."""
    from pmquiz.log_items import distinct_of

    found = np.array([abs(v) % 50 for v in values] if small else values, dtype=np.int64)
    distinct, inverse = distinct_of(found)
    expected, expected_inverse = np.unique(found, return_inverse=True)
    assert distinct.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.reshape(-1).tolist()
