"""Personal parameters and evaluation: agreement with fsrs-rs on the real review history,
hand-checked metrics, the panic case, and the learner-facing commands."""

from __future__ import annotations

import itertools
import json
import math
import random
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.config import Settings
from pmquiz.deck import discover, parse_deck
from pmquiz.errors import PmquizError
from pmquiz.memory import call_fsrs_rs as _call_fsrs_rs
from pmquiz.model import CardState, Rating
from pmquiz.optimize import (
    Item,
    auc,
    default_parameters,
    evaluate,
    evaluate_all,
    evaluate_split,
    fit,
    items_from,
    metrics,
    read_revlog_csv,
    twenty_four_hour_days,
)
from pmquiz.scheduler import Scheduler
from pmquiz.store import ReviewRecord, Store

from conftest import SAMPLES
from helpers import basic_cards, own_decks_only, write_deck

runner = CliRunner()
REVLOG = SAMPLES / "revlogs" / "review_logs_josh_1711744352250_to_1728234780857.csv"


@pytest.fixture(scope="module")
def josh() -> list[Item]:
    return items_from(read_revlog_csv(REVLOG), twenty_four_hour_days)


def test_all_history_agrees_with_fsrs_rs_evaluate(josh: list[Item]) -> None:
    import fsrs_rs_python as fsrs_rs

    from pmquiz.optimize import _fsrs_items

    ours = evaluate_all(josh, default_parameters())
    theirs = fsrs_rs.FSRS(default_parameters()).evaluate(_fsrs_items(josh))
    assert abs(ours.log_loss - theirs.log_loss) < 0.005
    assert abs(ours.rmse_bins - theirs.rmse_bins) < 0.005
    # the reference figures for this file (unweighted, as srs-benchmark scores)
    assert ours.log_loss_unweighted == pytest.approx(0.459, abs=0.005)
    assert ours.auc == pytest.approx(0.71, abs=0.01)
    assert ours.items == 5329


def test_time_series_split_agrees_with_fsrs_rs_and_beats_defaults(josh: list[Item]) -> None:
    import fsrs_rs_python as fsrs_rs

    from pmquiz.optimize import _fsrs_items

    ours = evaluate_split(josh)
    theirs = fsrs_rs.evaluate_with_time_series_splits(_fsrs_items(josh))
    assert ours is not None
    assert abs(ours.log_loss - theirs.log_loss) < 0.005
    assert abs(ours.rmse_bins - theirs.rmse_bins) < 0.005
    assert ours.log_loss == pytest.approx(0.433, abs=0.005)
    assert ours.rmse_bins == pytest.approx(0.039, abs=0.005)
    defaults = evaluate_split(josh, default_parameters())
    assert defaults is not None and ours.rmse_bins < defaults.rmse_bins


def test_metrics_on_a_hand_made_log() -> None:
    items = [Item(float(i), f"c{i}", ((3, 0), (3 if i % 2 else 1, 2))) for i in range(4)]
    predicted = [0.9, 0.8, 0.3, 0.6]  # items 1 and 3 passed, 0 and 2 failed
    result = metrics(items, predicted, [1.0] * 4)
    expected = -(math.log(1 - 0.9) + math.log(0.8) + math.log(1 - 0.3) + math.log(0.6)) / 4
    assert result.log_loss == pytest.approx(expected)
    assert result.log_loss_unweighted == pytest.approx(expected)
    # all four share one bin: mean prediction 0.65 against mean outcome 0.5
    assert result.rmse_bins == pytest.approx(0.15)
    assert auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    assert auc([0.5, 0.5], [0, 1]) == 0.5
    assert auc([0.5, 0.5], [1, 1]) is None


@given(st.lists(st.tuples(st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]), st.booleans()),
                min_size=2, max_size=40))
def test_auc_is_the_chance_a_passed_item_is_ranked_above_a_failed_one(
        scored: list[tuple[float, bool]]) -> None:
    """By its definition, over every (passed, failed) pair: ties count a half."""
    scores = [score for score, _ in scored]
    labels = [float(passed) for _, passed in scored]
    passed = [score for score, ok in scored if ok]
    failed = [score for score, ok in scored if not ok]
    if not passed or not failed:
        assert auc(scores, labels) is None
        return
    wins = sum(1.0 if p > f else 0.5 if p == f else 0.0 for p in passed for f in failed)
    assert auc(scores, labels) == pytest.approx(wins / (len(passed) * len(failed)))


def test_items_skip_first_and_same_day_reviews() -> None:
    day = 86400.0
    reviews = [("a", 0.0, 3), ("a", 600.0, 3), ("a", 2 * day, 1), ("a", 2 * day + 60, 3),
               ("a", 5 * day, 3), ("b", 0.0, 1)]
    items = items_from(reviews, twenty_four_hour_days)
    assert [item.reviews for item in items] == [
        ((3, 0), (3, 0), (1, 1)),
        ((3, 0), (3, 0), (1, 1), (3, 0), (3, 2)),
    ]
    assert items[0].passed == 0.0 and items[1].passed == 1.0


def test_items_fsrs_rs_cannot_take_are_filtered_and_panics_are_errors() -> None:
    # fsrs-rs panics on a history whose first review has days > 0: none is ever made
    log = [("x", 0.0, 3), ("x", 4 * 86400.0, 3), ("x", 6 * 86400.0, 3)]
    assert [i.reviews[0] for i in items_from(log, twenty_four_hour_days)] == [(3, 0), (3, 0)]

    class Panic(BaseException):
        pass

    def explode() -> None:
        raise Panic("called `Option::unwrap()` on a `None` value")

    with pytest.raises(PmquizError, match="fsrs-rs could not fit"):
        _call_fsrs_rs("fit", explode)
    with pytest.raises(KeyboardInterrupt):
        _call_fsrs_rs("fit", lambda: (_ for _ in ()).throw(KeyboardInterrupt()))


def synthetic_items(count: int, seed: int = 5) -> list[Item]:
    """A learner who forgets more when intervals are long: fitting should find it."""
    rng = random.Random(seed)
    reviews = []
    for card in range(count):
        when = 0.0
        interval = 1
        reviews.append((f"c{card}", when, 3))
        for _ in range(6):
            when += interval * 86400
            passed = rng.random() < math.exp(-interval / 40)
            reviews.append((f"c{card}", when, 3 if passed else 1))
            interval = interval * 3 if passed else 1
    return items_from(reviews, twenty_four_hour_days)


def test_fitting_a_synthetic_log_improves_its_log_loss() -> None:
    items = synthetic_items(300)
    fitted = fit(items)
    assert len(fitted) == 21
    assert evaluate_all(items, fitted).log_loss < evaluate_all(items, default_parameters()
                                                               ).log_loss
    report = evaluate(items, default_parameters())
    assert report.fitted_split is not None and report.default_split is not None


def test_optimize_on_a_fresh_user_says_why_it_kept_the_defaults(home: Path) -> None:
    result = runner.invoke(app, ["optimize"])
    assert result.exit_code == 0, result.output
    assert "only 0 reviews count for fitting" in result.output
    assert "Keeping the default parameters" in result.output
    data = json.loads(runner.invoke(app, ["optimize", "--json"]).output)
    assert data["adopted"] is False and data["new_parameters"] is None


def late_learner(home: Path, cards: int = 150) -> None:
    """A home whose log the defaults do not expect: reviews come 1-3 intervals late."""
    write_deck(home / "decks", "alpha", basic_cards(cards))
    store = Store.open(home / "pmquiz.db")
    store.decks.sync(discover([home / "decks"]), parse_deck)
    scheduler = Scheduler(Settings())
    rng = random.Random(11)
    start = datetime(2025, 1, 1, 9, tzinfo=UTC)
    rows = []
    for (row,) in store.conn.execute("SELECT id FROM cards"):
        state, when = CardState(), start + timedelta(days=rng.uniform(0, 30))
        for _ in range(7):
            overdue = rng.uniform(1, 3)  # this learner studies late: recall is lower
            rating = Rating.GOOD if rng.random() < 0.7 else Rating.AGAIN
            uid = uuid.uuid4().hex
            after = scheduler.review(state, rating, when, uid)
            rows.append((row, ReviewRecord(uid, when, rating, 1000, "", rating > 1, "self"),
                         state, after))
            state = after
            assert after.due is not None
            when = when + (after.due - when) * overdue
    store.log.insert_reviews(rows)
    store.log.rebuild_states(scheduler)
    store.close()


def test_optimize_own_log_keeps_better_parameters_and_reschedules(home: Path) -> None:
    own_decks_only(home)
    late_learner(home)
    result = runner.invoke(app, ["optimize", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["items"] >= 100
    conn = sqlite3.connect(home / "pmquiz.db")
    stored = conn.execute("SELECT value FROM meta WHERE key = 'fsrs_parameters'").fetchone()
    assert data["adopted"], data["reason"]  # this learner's log is not what the defaults expect
    assert data["new"]["log_loss"] < data["old"]["log_loss"]
    assert json.loads(stored[0])["parameters"] == data["new_parameters"]
    assert data["rescheduled"] == 150
    tuned = Scheduler(Settings(parameters=tuple(data["new_parameters"])))
    store = Store(conn, home / "pmquiz.db")
    for (row,) in conn.execute("SELECT id FROM cards LIMIT 5").fetchall():
        assert tuned.replay(store.log.reviews_of(row)) == store.log.card_state(row)
    # the next session schedules with the kept parameters
    due = json.loads(runner.invoke(app, ["due", "--json"]).output)
    assert due["phases"][0]["cards"] == 150
    # every card state and review row agrees with a replay of the log under them (this
    # simulated learner's log runs past today's date: doctor reports that, and only that)
    doctor = json.loads(runner.invoke(app, ["doctor", "--json"]).output)
    assert {check for check, count in doctor["problems"].items() if count} == \
        {"future review"}, json.dumps(doctor)


def test_reviews_file_leaves_the_learners_data_alone(home: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--reviews", str(REVLOG), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["items"] == 5329
    assert data["trained_on_past"]["split"]["rmse_bins"] < \
        data["default"]["split"]["rmse_bins"]
    result = runner.invoke(app, ["optimize", "--reviews", str(REVLOG)])
    assert result.exit_code == 0 and "your own parameters were not changed" in result.output
    assert not (home / "pmquiz.db").exists()


def test_bad_csv_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "log.csv"
    bad.write_text("id,when\n1,2\n")
    result = runner.invoke(app, ["evaluate", "--reviews", str(bad)])
    assert result.exit_code == 1 and "needs the columns card_id, review_time" in result.output
    bad.write_text("card_id,review_time,review_rating\n1,yesterday,3\n")
    result = runner.invoke(app, ["evaluate", "--reviews", str(bad)])
    assert result.exit_code == 1 and "log.csv:2:" in result.output


def test_learning_days_in_a_half_hour_time_zone() -> None:
    from pmquiz.optimize import own_items

    # India is UTC+05:30: 22:15 UTC is 03:45 local (the day before, with days starting at
    # 04:00) and 22:45 UTC is 04:15 local (the next learning day), within one UTC hour.
    base = datetime(2026, 3, 1, 22, 15, tzinfo=UTC).timestamp()
    rows = [("c", base - 86400 * 3, 3), ("c", base, 3), ("c", base + 1800, 3)]
    items = own_items(rows, 4, "Asia/Kolkata")
    assert [item.reviews[-1][1] for item in items] == [3, 1]


def test_optimize_does_not_save_what_config_toml_overrides(home: Path) -> None:
    (home / "config.toml").write_text(
        "parameters = " + json.dumps(default_parameters()) + "\n", encoding="utf-8")
    late_learner(home)
    data = json.loads(runner.invoke(app, ["optimize", "--json"]).output)
    assert data["adopted"] and not data["saved"] and data["rescheduled"] == 0
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("SELECT value FROM meta WHERE key = 'fsrs_parameters'").fetchone() is None
    result = runner.invoke(app, ["optimize"])
    assert "Not saved: config.toml sets `parameters`" in result.output


def test_bins_over_arrays_equal_each_items_own(josh: list[Item]) -> None:
    from pmquiz.optimize import bin_cells

    assert bin_cells(josh).tolist() == [list(item.bin()) for item in josh]
    history = ((3, 0), (1, 2), (1, 0), (1, 5), (4, 9), (1, 1))
    made = [Item(float(i), f"c{i % 3}", history[:(2, 4, 5, 6)[i % 4]]) for i in range(12)]
    assert bin_cells(made).tolist() == [list(item.bin()) for item in made]


def test_a_card_reviewed_thousands_of_times_keeps_evenly_spaced_items() -> None:
    """Every item holds its card's history: 4,000 daily reviews of one card would make 8M
    review copies. At most MAX_CARD_ITEMS are kept, the first and last among them."""
    from pmquiz.optimize import MAX_CARD_ITEMS

    log = [("only", 86400.0 * day, 3) for day in range(4000)]
    items = items_from(log, twenty_four_hour_days)
    assert len(items) == MAX_CARD_ITEMS
    assert [len(i.reviews) for i in (items[0], items[-1])] == [2, 4000]
    gaps = {len(b.reviews) - len(a.reviews) for a, b in itertools.pairwise(items)}
    assert max(gaps) - min(gaps) <= 1
    few = items_from([("c", 86400.0 * day, 3) for day in range(30)], twenty_four_hour_days)
    assert len(few) == 29


def test_items_stop_before_a_rating_fsrs_rs_cannot_take() -> None:
    log = [("c", 86400.0 * day, rating) for day, rating in enumerate([3, 3, 1, 7, 3, 3])]
    items = items_from(log, twenty_four_hour_days)
    assert [len(i.reviews) for i in items] == [2, 3]
    assert all(1 <= rating <= 4 for i in items for rating, _ in i.reviews)


def test_cells_are_numbered_as_numpy_numbers_distinct_rows(josh: list[Item]) -> None:
    import numpy as np

    from pmquiz.optimize import bin_cells, cell_numbers

    bins = bin_cells(josh)
    expected = np.unique(bins, axis=0, return_inverse=True)[1].reshape(-1)
    assert cell_numbers(bins).tolist() == expected.tolist()
    made = np.array([[3, 1, 0], [1, 9, 2], [3, 1, 0], [1, 2, 5], [250, 1, 0]])
    assert cell_numbers(made).tolist() == [2, 1, 2, 0, 3]  # rows in sorted order
