"""Writing a replayed log back: the rebuild of every card (or some) inside the caller's
transaction, the review indexes a bulk rewrite drops and makes again, and the batched
UPDATEs. numpy is imported by the rebuild itself, not here: the log is imported at start-up."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from pmquiz.store.base import DERIVED

if TYPE_CHECKING:
    from pmquiz.scheduler import Scheduler
    from pmquiz.store.log_arrays import KnownLog
    from pmquiz.store.rebuilt import Rebuilt

BULK = 200_000  # reviews in a log from which rewriting most of it drops its indexes first
BATCH = 10_000  # rows written at a time by a rebuild
READ_INDEX = "idx_reviews_card_time_stability"  # the index runs are read by


def rebuild(conn: sqlite3.Connection, scheduler: Scheduler,
            progress: Callable[[int, int], None] | None, wanted: set[int] | None,
            known: KnownLog | None = None) -> int:
    """Replay the log of every card (or the `wanted` ones) into its state and its reviews'
    derived columns, a run of cards at a time over arrays (`pmquiz.replay_arrays`). Only
    rows whose values really change are written, in batches: a rebuild that changes little
    writes little. When most of a long log changes (new parameters), the review indexes
    over the changed columns are dropped and made again at the end, in the same
    transaction: at 1M reviews, 6 s against 22 s of updating them row by row (measured on
    the benchmark's 100k home).

    With `known` (the whole log as a fit just read it, unchanged since: rescheduling under
    new parameters), the log is not read again and every review's memory state and due
    dates are written, the rest left as they are; the index the runs are otherwise read by
    is then dropped too (5.5 s against 9 s for the rebuild at 1M)."""
    from pmquiz.store.log_arrays import known_runs, log_runs
    from pmquiz.store.rebuilt import changed_reviews, rescheduled_reviews

    rows = None if wanted is None else sorted(wanted & {r[0] for r in conn.execute(
        "SELECT card FROM card_state")})
    total = int(conn.execute("SELECT count(*) FROM card_state").fetchone()[0]) \
        if rows is None else len(rows)
    log_size = int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    keep = ("idx_reviews_uid",) if known is not None else ("idx_reviews_uid", READ_INDEX)
    dropped: list[str] | None = None
    done = read = written = 0
    runs = log_runs(conn, rows) if known is None else known_runs(conn, known)
    for run in runs:
        found = changed_reviews(run, scheduler) if known is None else \
            rescheduled_reviews(run, scheduler)
        read += run.reviews
        written += len(found.review_ids)
        if dropped is None and log_size >= BULK and read >= BATCH:
            dropped = drop_review_indexes(conn, changing=found.columns, keep=keep) \
                if written * 2 > read else []
        write_found(conn, found)
        done += len(run.cards)
        if progress:
            progress(done, total)
    for statement in dropped or []:
        conn.execute(statement)
    return total


def drop_review_indexes(conn: sqlite3.Connection, names: tuple[str, ...] = (),
                        changing: tuple[str, ...] | None = None,
                        keep: tuple[str, ...] = ("idx_reviews_uid", READ_INDEX)
                        ) -> list[str]:
    """Drop the review log's indexes over derived columns but those to `keep` (by default
    the unique review id and the index runs are read by: rows are rewritten in its order,
    so updating it is cheap), or only the indexes `names`; with `changing`, only those over
    one of these columns. Returns the statements that make them again."""
    if names:
        marks = ", ".join("?" * len(names))
        found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                             f"tbl_name = 'reviews' AND name IN ({marks})", names).fetchall()
    else:
        marks = ", ".join("?" * len(keep))
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
            f"'reviews' AND sql IS NOT NULL AND name NOT IN ({marks})", keep).fetchall()
    if changing is not None:
        found = [(name, sql) for name, sql in found if any(
            column in _index_columns(conn, name) for column in changing)]
    for name, _ in found:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _index_columns(conn: sqlite3.Connection, name: str) -> set[str]:
    return {str(r[2]) for r in conn.execute(f'PRAGMA index_info("{name}")')}


INSERT_FRESH = (
    "INSERT INTO reviews (uid, card, time, rating, duration_ms, answer, correct, grade, "
    "mode, override, state_before, stability, difficulty, due, due_before, next_time) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def write_found(conn: sqlite3.Connection, found: Rebuilt) -> None:
    """Write what a replayed run changed: a merge's new reviews, then the changed review
    rows a batch at a time (their changed columns only), then the card states."""
    conn.executemany(INSERT_FRESH, found.fresh or [])
    for start in range(0, len(found.review_ids), BATCH):
        write_rebuilt(conn, found.review_params(start, start + BATCH), [], found.columns)
    write_rebuilt(conn, [], found.state_params())


def write_rebuilt(conn: sqlite3.Connection, reviews: list[tuple[object, ...]],
                  states: list[tuple[object, ...]],
                  columns: tuple[str, ...] = DERIVED) -> None:
    if reviews:
        assigned = ", ".join(f"{column} = ?" for column in columns)
        conn.executemany(f"UPDATE reviews SET {assigned} WHERE id = ?", reviews)
    conn.executemany("UPDATE card_state SET state = ?, step = ?, stability = ?, "
                     "difficulty = ?, due = ?, last_review = ?, reps = ?, lapses = ? "
                     "WHERE card = ?", states)
