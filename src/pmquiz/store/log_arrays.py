"""The review log read as numpy arrays, a run of cards at a time: what the doctor and the
rebuilds replay together (`pmquiz.replay_arrays`) without a Python object per review.
Memory stays flat however long the log: a run holds about RUN_REVIEWS reviews (a card with
a longer log is a run of its own)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from pmquiz.store.base import DERIVED

RUN_REVIEWS = 100_000
RUN_CARDS = 20_000  # cards a run names (well under SQLite's variable limit)
FETCH = 5_000  # rows turned into arrays at a time
STATE = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")


@dataclass
class LogRun:
    """Some cards (rows, ascending) with their stored states and their reviews in replay
    order (time, then review id). Card i's reviews are `starts[i]:starts[i+1]`; NULL is
    NaN."""

    cards: np.ndarray
    starts: np.ndarray
    ids: np.ndarray
    uids: list[str]
    times: np.ndarray
    ratings: np.ndarray
    derived: np.ndarray  # a row per review: DERIVED
    states: np.ndarray  # a row per card: STATE
    # a merge's run: which reviews are staged, not in the log yet (their ids are minus
    # their staging rows, their DERIVED NaN), and each staged review's own columns (STAGED)
    fresh: np.ndarray | None = None
    staged: list[tuple[object, ...]] | None = None

    @property
    def reviews(self) -> int:
        """How many reviews the run holds."""
        return len(self.ids)


def log_runs(conn: sqlite3.Connection, rows: list[int] | None = None) -> Iterator[LogRun]:
    """Every card with a state (or these rows, ascending), a run at a time."""
    every = rows is None
    if rows is None:
        rows = [r[0] for r in conn.execute("SELECT card FROM card_state ORDER BY card")]
    counts = dict(conn.execute("SELECT card, count(*) FROM reviews GROUP BY card").fetchall())
    run: list[int] = []
    size = 0
    for row in rows:
        if run and (size + counts.get(row, 0) > RUN_REVIEWS or len(run) >= RUN_CARDS):
            yield _read(conn, run, every)
            run, size = [], 0
        run.append(row)
        size += counts.get(row, 0)
    if run:
        yield _read(conn, run, every)


STAGED = ("duration_ms", "answer", "correct", "grade", "mode", "override")
# A merge run holds its staged reviews' own columns as Python rows until they are inserted:
# smaller runs keep a large import's memory flat (100k-review runs took 130 MB more for a
# 200k-line file than for a 50k-line one).
MERGE_RUN_REVIEWS = 20_000


def merge_runs(conn: sqlite3.Connection, staging: str) -> Iterator[LogRun]:
    """The cards with staged reviews (in the temporary table `staging`, whose rows are new
    to the log), a run at a time, each card's logged and staged reviews together in replay
    order: what a merge replays before it inserts the staged ones, states and all."""
    counts = dict(conn.execute("SELECT card, count(*) FROM reviews WHERE card IN (SELECT "
                               f"card FROM {staging}) GROUP BY card").fetchall())
    for card, staged in conn.execute(f"SELECT card, count(*) FROM {staging} GROUP BY card"
                                     ).fetchall():
        counts[card] = counts.get(card, 0) + staged
    run: list[int] = []
    size = 0
    for row in sorted(counts):
        if run and (size + counts[row] > MERGE_RUN_REVIEWS or len(run) >= RUN_CARDS):
            yield _read(conn, run, False, staging)
            run, size = [], 0
        run.append(row)
        size += counts[row]
    if run:
        yield _read(conn, run, False, staging)


def _read(conn: sqlite3.Connection, run: list[int], every: bool, staging: str = ""
          ) -> LogRun:
    """One run's reviews and states (with `staging`, its staged reviews among them). A run
    of every card is a range of rows; a chosen few are named."""
    if every:
        where, params = "card BETWEEN ? AND ?", [run[0], run[-1]]
    else:
        where, params = f"card IN ({', '.join('?' * len(run))})", list(run)
    logged = f"SELECT card, id, uid, time, rating, {', '.join(DERIVED)}" + \
        ", NULL" * len(STAGED) + f" FROM reviews WHERE {where}"
    if staging:
        logged += " UNION ALL SELECT card, -rowid, uid, time, rating" + \
            ", NULL" * len(DERIVED) + f", {', '.join(STAGED)} FROM {staging} WHERE {where}"
    cursor = conn.execute(f"{logged} ORDER BY card, time, uid",
                          params * 2 if staging else params)
    fresh_rows: list[tuple[object, ...]] = []
    own = 5 + len(DERIVED)  # where a staged review's own columns start
    states = {r[0]: r[1:] for r in conn.execute(
        f"SELECT card, {', '.join(STATE)} FROM card_state WHERE {where}", params)}
    cards = np.array(run, dtype=np.int64)
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    uids: list[str] = []
    while rows := cursor.fetchmany(FETCH):  # a few thousand Python rows at a time
        columns = list(zip(*rows, strict=True))
        uids += columns[2]
        numbers = np.array([columns[0], columns[1], columns[4]], dtype=np.int64)
        parts.append((numbers, np.array([columns[3], *columns[5:own]], dtype=np.float64)))
        if staging:
            fresh_rows += [row[own:] for row in rows if row[1] < 0]
    numbers = np.concatenate([p for p, _ in parts], axis=1) if parts else \
        np.zeros((3, 0), np.int64)
    floats = np.concatenate([f for _, f in parts], axis=1) if parts else \
        np.zeros((1 + len(DERIVED), 0))
    kept = np.isin(numbers[0], cards)  # reviews of a card with no state are not replayed
    of_card, ids, ratings = numbers[0][kept], numbers[1][kept], numbers[2][kept]
    times, derived = floats[0][kept], floats[1:].T[kept]
    if not kept.all():
        uids = [u for u, k in zip(uids, kept.tolist(), strict=True) if k]
    starts = np.searchsorted(of_card, np.append(cards, cards[-1] + 1), side="left")
    stored = np.array([states.get(row, (None,) * len(STATE)) for row in run],
                      dtype=np.float64).reshape(len(run), len(STATE))
    return LogRun(cards=cards, starts=starts, ids=ids, uids=uids, times=times,
                  ratings=ratings, derived=derived, states=stored,
                  fresh=ids < 0 if staging else None,
                  staged=fresh_rows if staging else None)
