"""What a rebuild writes: a run of cards replayed over arrays (`pmquiz.replay_arrays`), and
the review rows and card states whose stored values differ from the replay's, as UPDATE
parameters. Equal means equal to the last bit (NULL equals NULL), so a rebuild that changes
nothing writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pmquiz.replay_arrays import NO_STEP, Replayed, micros, replay_arrays, seconds
from pmquiz.store.base import DERIVED
from pmquiz.store.log_arrays import LogRun

if TYPE_CHECKING:
    from pmquiz.scheduler import Scheduler


def _same(stored: np.ndarray, replayed: np.ndarray) -> np.ndarray:
    """Where the values are equal (NaN is NULL, equal to NULL)."""
    found: np.ndarray = (stored == replayed) | (np.isnan(stored) & np.isnan(replayed))
    return found


def _differs(stored: np.ndarray, replayed: np.ndarray) -> np.ndarray:
    """Rows where any value differs."""
    found: np.ndarray = np.logical_not(_same(stored, replayed).all(axis=1))
    return found


def update_params(values: np.ndarray, key: np.ndarray, ints: tuple[int, ...]
                  ) -> list[tuple[object, ...]]:
    """UPDATE parameters: each row's values (NaN as NULL, `ints` columns as integers), then
    its key; built a column at a time."""
    columns: list[list[object]] = []
    for number in range(values.shape[1]):
        column = values[:, number]
        nulls = np.isnan(column)
        whole = number in ints
        if not nulls.any():
            columns.append(column.astype(np.int64).tolist() if whole else column.tolist())
            continue
        found = (np.where(nulls, 0, column).astype(np.int64) if whole else column
                 ).astype(object)
        found[nulls] = None
        columns.append(found.tolist())
    return list(zip(*columns, key.tolist(), strict=True))


@dataclass
class Rebuilt:
    """What must change after replaying a run: review rows (state_before, stability,
    difficulty, due, due_before, next_time) by review id, card states (state, step,
    stability, difficulty, due, last_review, reps, lapses) by card row."""

    reviews: np.ndarray
    review_ids: np.ndarray
    states: np.ndarray
    cards: np.ndarray
    columns: tuple[str, ...] = DERIVED  # the DERIVED columns any changed review changes
    fresh: list[tuple[object, ...]] | None = None  # a merge's staged reviews, as INSERT_FRESH

    def review_params(self, start: int, end: int) -> list[tuple[object, ...]]:
        """UPDATE parameters of reviews start:end, `columns` only (made a slice at a time:
        Python rows take several times the arrays' memory)."""
        picked = [DERIVED.index(c) for c in self.columns]
        return update_params(self.reviews[start:end][:, picked], self.review_ids[start:end],
                             (0,) if picked and picked[0] == 0 else ())

    def state_params(self) -> list[tuple[object, ...]]:
        """UPDATE parameters of the card states."""
        return update_params(self.states, self.cards, (0, 1, 6, 7))


def final_states(run: LogRun, replayed: Replayed) -> tuple[np.ndarray, np.ndarray]:
    """Each card's replayed state after its last review as a card_state row (a card with
    no review: new), and its stored row (NULL reps and lapses as 0), both in STATE's
    columns; NULL is NaN."""
    seen = np.diff(run.starts) > 0
    last = np.maximum(run.starts[1:] - 1, 0)

    def final(values: np.ndarray, empty: float) -> np.ndarray:
        if not len(values):
            return np.full(len(run.cards), empty)
        found: np.ndarray = np.where(seen, values[last], empty)
        return found

    step = np.where(replayed.step == NO_STEP, np.nan, replayed.step.astype(np.float64))
    replayed_rows = np.column_stack([
        final(replayed.state.astype(np.float64), 0.0), final(step, np.nan),
        final(replayed.stability, np.nan), final(replayed.difficulty, np.nan),
        final(seconds(replayed.due), np.nan), final(seconds(replayed.when), np.nan),
        final(replayed.reps.astype(np.float64), 0.0),
        final(replayed.lapses.astype(np.float64), 0.0)])
    stored = run.states.copy()
    if not stored.shape[1]:  # a run read with no stored states
        return replayed_rows, stored
    stored[:, 6:] = np.nan_to_num(stored[:, 6:])  # reps and lapses: NULL is 0
    return replayed_rows, stored


def replay_run(run: LogRun, scheduler: Scheduler) -> tuple[Replayed, np.ndarray]:
    """Replay a run: the result, and each review's row of DERIVED values."""
    replayed = replay_arrays(scheduler, run.starts, run.ratings, run.times, run.uids)
    firsts = run.starts[:-1][np.diff(run.starts) > 0]
    lasts = run.starts[1:][np.diff(run.starts) > 0] - 1
    due = seconds(replayed.due)
    n = run.reviews  # each review's row holds the state before it and its next review
    state_before = np.append(0, replayed.state[:-1])[:n].astype(np.float64)
    due_before = np.append(np.nan, due[:-1])[:n]
    following = np.append(seconds(micros(run.times))[1:], np.nan)[:n]
    state_before[firsts] = 0
    due_before[firsts] = np.nan
    following[lasts] = np.nan
    return replayed, np.column_stack([state_before, replayed.stability, replayed.difficulty,
                                      due, due_before, following])


def changed_reviews(run: LogRun, scheduler: Scheduler) -> Rebuilt:
    """Replay a run; the review rows and card states that must change."""
    replayed, reviews = replay_run(run, scheduler)
    same = _same(run.derived, reviews)
    changed: np.ndarray = np.logical_not(same.all(axis=1))
    fresh = None
    if run.fresh is not None:  # staged reviews are inserted whole, not updated
        changed &= ~run.fresh
        fresh = _fresh_rows(run, reviews)
    # new parameters move stabilities and due dates, never the states or next reviews:
    # unchanged columns are left out of the UPDATE, and the indexes over them untouched
    moved_columns: np.ndarray = np.logical_not(same[changed].all(axis=0))
    columns = tuple(name for name, moved in zip(DERIVED, moved_columns.tolist(), strict=True)
                    if moved)
    states, stored = final_states(run, replayed)
    moved = _differs(stored, states)
    # written in the order of their ids, the table's own: a log that grew day by day keeps
    # a card's reviews on scattered pages, each then visited once
    ids = run.ids[changed]
    order = np.argsort(ids, kind="stable")
    return Rebuilt(reviews[changed][order], ids[order], states[moved], run.cards[moved],
                   columns, fresh)


# What new parameters move: the states (learning steps and ratings) and the times of the
# next reviews stay as they were (tests/test_long_histories.py holds a rebuild to this).
MOVED_BY_PARAMETERS = ("stability", "difficulty", "due", "due_before")


def rescheduled_reviews(run: LogRun, scheduler: Scheduler) -> Rebuilt:
    """Replay a run read with no stored values (`log_arrays.known_runs`) under new
    parameters: every review's memory state and due dates, every card state."""
    replayed, reviews = replay_run(run, scheduler)
    states, _ = final_states(run, replayed)
    return Rebuilt(reviews, run.ids, states, run.cards, MOVED_BY_PARAMETERS)


def _fresh_rows(run: LogRun, reviews: np.ndarray) -> list[tuple[object, ...]]:
    """INSERT_FRESH parameters of a merge run's staged reviews, in replay order: their own
    columns with the states the replay gave them."""
    assert run.fresh is not None and run.staged is not None
    at = np.flatnonzero(run.fresh)
    card_of = np.repeat(run.cards, np.diff(run.starts))[at].tolist()
    derived = update_params(reviews[at], np.zeros(len(at)), (0,))
    return [(run.uids[i], card, when, rating, *own, *values[:-1])
            for i, card, when, rating, own, values in zip(
                at.tolist(), card_of, run.times[at].tolist(), run.ratings[at].tolist(),
                run.staged, derived, strict=True)]
