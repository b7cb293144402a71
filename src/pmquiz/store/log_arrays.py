"""The review log read as numpy arrays, a run of cards at a time: what the doctor and the
rebuilds replay together (`pmquiz.replay_arrays`) without a Python object per review.
Memory stays flat however long the log: a run holds about RUN_REVIEWS reviews (a card with
a longer log is a run of its own)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from pmquiz.replay_arrays import Seeds
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
    uids: Seeds  # the review ids (a fresh merge's run: their digests, `seed_digests`)
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
    states = {r[0]: r[1:] for r in conn.execute(
        f"SELECT card, {', '.join(STATE)} FROM card_state WHERE {where}", params)}
    cards = np.array(run, dtype=np.int64)
    found = _rows(cursor, RUN_ROW)
    found = found[np.isin(found["card"], cards)]  # reviews of a card with no state are
    of_card, ids = found["card"].copy(), found["id"].copy()  # not replayed
    derived = np.column_stack([found[column] for column in DERIVED]) if len(found) else \
        np.zeros((0, len(DERIVED)))
    starts = np.searchsorted(of_card, np.append(cards, cards[-1] + 1), side="left")
    stored = np.array([states.get(row, (None,) * len(STATE)) for row in run],
                      dtype=np.float64).reshape(len(run), len(STATE))
    return LogRun(cards=cards, starts=starts, ids=ids, uids=found["uid"].tolist(),
                  times=found["time"].copy(), ratings=found["rating"].copy(), derived=derived,
                  states=stored, fresh=ids < 0 if staging else None,
                  staged=found[list(STAGED)][ids < 0].tolist() if staging else None)


# a run's rows as `_rows` makes them (NULL is NaN in the float fields)
RUN_ROW = np.dtype([("card", np.int64), ("id", np.int64), ("uid", object),
                    ("time", np.float64), ("rating", np.int64),
                    *((column, np.float64) for column in DERIVED),
                    *((column, object) for column in STAGED)])


@dataclass
class KnownLog:
    """The whole log as a fit reads it: (card, unix time, rating) card by card in time
    order, with each review's row, and the database's data_version taken before the read.
    A rebuild just after (`optimize` rescheduling with the parameters it fitted) replays
    these instead of reading the log a second time, unless another connection has written
    since; it reads only the review ids then (`with_uids`): held through the fit, a million
    of them took 90 MB."""

    cards: np.ndarray
    times: np.ndarray
    ratings: np.ndarray
    ids: np.ndarray
    version: int
    # of str, in the order of `ids`; or the ids' digests (`seed_digests`) when the arrays are
    # already in replay order (a fresh merge puts reviews at the same time in order itself)
    uids: np.ndarray | None = None

    @property
    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(card, time, rating): what `log_items` makes the fitting items of."""
        return self.cards, self.times, self.ratings


def data_version(conn: sqlite3.Connection) -> int:
    """Changes whenever another connection commits (SQLite's own counter)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def read_known(conn: sqlite3.Connection) -> KnownLog:
    """The whole log, read a few thousand rows at a time (the version first: a write
    during the read makes it stale, never silently current)."""
    version = data_version(conn)
    cursor = conn.execute("SELECT card, time, rating, id FROM reviews ORDER BY card, time")
    found = _rows(cursor, KNOWN_ROW)
    return KnownLog(found["card"].copy(), found["time"].copy(), found["rating"].copy(),
                    found["id"].copy(), version)


def with_uids(conn: sqlite3.Connection, known: KnownLog) -> KnownLog | None:
    """`known` with each review's id, read in the table's order; None if the log does not
    hold exactly its reviews (then it must be read again)."""
    found = _rows(conn.execute("SELECT id, uid FROM reviews ORDER BY id"), UID_ROW)
    at = np.searchsorted(found["id"], known.ids)
    if len(found) != len(known.ids) or (len(at) and (
            at.max() >= len(found) or not np.array_equal(found["id"][at], known.ids))):
        return None
    return replace(known, uids=found["uid"][at])


def _rows(cursor: sqlite3.Cursor, row: np.dtype) -> np.ndarray:
    """A query's rows as one structured array, made a few thousand at a time (a quarter
    of the time of columns made by zip)."""
    parts = [np.array(rows, dtype=row) for rows in iter(lambda: cursor.fetchmany(FETCH), [])]
    found: np.ndarray = np.concatenate(parts) if parts else np.zeros(0, dtype=row)
    return found


KNOWN_ROW = np.dtype([("card", np.int64), ("time", np.float64), ("rating", np.int64),
                      ("id", np.int64)])
UID_ROW = np.dtype([("id", np.int64), ("uid", object)])


def known_runs(conn: sqlite3.Connection, known: KnownLog, rows: np.ndarray | None = None,
               size: int = RUN_REVIEWS) -> Iterator[LogRun]:
    """Every card with a state (or these rows, ascending), a run at a time, its reviews
    taken from `known` in replay order (time, then review id: reviews at the same time,
    rare, are put in id order here) instead of read again. No stored values come with them
    (`derived` and `states` are empty): what a rebuild from these writes, it writes whole.
    A run holds up to `size` reviews (a card with more is a run of its own)."""
    assert known.uids is not None, "with_uids first"
    if rows is None:
        rows = np.array([r[0] for r in conn.execute(
            "SELECT card FROM card_state ORDER BY card")], dtype=np.int64)
    digests = known.uids.dtype != object
    order = np.arange(len(known.ids)) if digests else _replay_order(known)
    of_card = known.cards[order]
    kept = np.isin(of_card, rows)  # reviews of a card with no state are not replayed
    order, of_card = order[kept], of_card[kept]
    bounds = np.searchsorted(of_card, np.append(rows, rows[-1] + 1 if len(rows) else 0))
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and end - start < RUN_CARDS and \
                bounds[end + 1] - bounds[start] <= size:
            end += 1
        at = order[bounds[start]:bounds[end]]
        yield LogRun(cards=rows[start:end], starts=bounds[start:end + 1] - bounds[start],
                     ids=known.ids[at],
                     uids=known.uids[at] if digests else known.uids[at].tolist(),
                     times=known.times[at], ratings=known.ratings[at],
                     derived=np.zeros((len(at), 0)), states=np.zeros((end - start, 0)))
        start = end


def _replay_order(known: KnownLog) -> np.ndarray:
    """The positions of `known`'s reviews in replay order: its own order, with each group
    of a card's reviews at the same time sorted by review id."""
    order = np.arange(len(known.ids))
    if len(order) < 2:
        return order
    tied = (known.cards[1:] == known.cards[:-1]) & (known.times[1:] == known.times[:-1])
    at = np.flatnonzero(tied).tolist()
    i = 0
    while i < len(at):
        first = at[i]
        last = first + 1
        while i + 1 < len(at) and at[i + 1] == last:
            i += 1
            last += 1
        group = list(range(first, last + 1))
        order[first:last + 1] = sorted(group, key=lambda g: known.uids[g])  # type: ignore[index]
        i += 1
    return order
