"""A merge into an empty log (a new machine taking in a whole progress file): the reviews
wait in a temporary table in the file's order while their (card, time, rating, id) are held
as arrays; sorted and replayed from those, each review's states go into one array by its
line, and the reviews are then inserted once, states and all, in the file's order (reading
where they wait from start to end). The staging of a merge into a log that has reviews (an
index over every staged column, the runs read back through it, an insert card by card) is
left out: at 1M reviews, in process, that merge took 21.7 s and this one takes 16.0 s
(`bench/import_phases.py`)."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable
from itertools import islice
from typing import TYPE_CHECKING

from pmquiz.store.base import DERIVED
from pmquiz.store.rewriting import BATCH, write_rebuilt

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.scheduler import Scheduler

HELD = "temp.held_reviews"
OWN = "card, uid, time, rating, duration_ms, answer, correct, grade, mode, override"
HOLD = f"INSERT INTO {HELD} ({OWN}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
# a review's own columns come from where it waits (its row there is its line's number),
# the rest from the replay
INSERT_HELD = (f"INSERT INTO reviews ({OWN}, {', '.join(DERIVED)}) SELECT {OWN}, "
               f"{', '.join('?' * len(DERIVED))} FROM {HELD} WHERE rowid = ?")


def merge_into_empty(conn: sqlite3.Connection,
                     lines: Iterable[tuple[str, str, tuple[object, ...]]],
                     card_rows: dict[tuple[str, str], int],
                     placeholder: Callable[[str, str], int], scheduler: Scheduler,
                     progress: Callable[[int, int], None] | None) -> tuple[int, int, int]:
    """Merge reviews (module, card id, staged review) into an empty log, inside the caller's
    transaction. `card_rows` gives a card's row and `placeholder` makes one for a card not
    known; the caller gives `card_rows` away (freed once the lines are read: 25 MB at 100k
    cards). A review id given twice keeps its first line. Returns (read, added, cards
    replayed), as `ReviewLog.merge`. Memory grows with the file: about 130 bytes a review
    at the most (its id kept only as the digest its fuzz draws come from; 164 MB for the
    whole command at a million)."""
    import numpy as np

    from pmquiz.store.log_arrays import MERGE_RUN_REVIEWS, KnownLog, known_runs
    from pmquiz.store.rebuilt import final_states, replay_run, update_params

    conn.execute(f"DROP TABLE IF EXISTS {HELD}")
    conn.execute(f"CREATE TABLE {HELD} ({OWN})")  # rowids 1, 2, ... in the file's order
    cards, times, ratings = array("i"), array("d"), array("b")
    digests = bytearray()
    batch: list[tuple[object, ...]] = []
    for module, card, review in lines:
        row = card_rows.get((module, card))
        if row is None:
            row = card_rows[(module, card)] = placeholder(module, card)
        batch.append((row, *review))
        if len(batch) >= BATCH:
            _hold(conn, batch, cards, times, ratings, digests)
            batch = []
    _hold(conn, batch, cards, times, ratings, digests)
    del card_rows, batch  # 100k cards' rows took 25 MB
    read = len(cards)
    seeds = np.frombuffer(digests, dtype=">u8")
    held = _first_of_each(conn, seeds)
    of_card = np.frombuffer(cards, dtype=np.int32)[held - 1]
    at = np.frombuffer(times, dtype=np.float64)[held - 1]
    order = _in_replay_order(conn, held, of_card, at)
    known = KnownLog(of_card[order], at[order], np.frombuffer(ratings, dtype=np.int8)[
        held - 1][order], held[order].astype(np.int32), 0, seeds[held - 1][order])
    del cards, times, ratings, digests, seeds, of_card, at, order
    rows = np.unique(known.cards).astype(np.int64)
    states_by_line = np.empty((read, len(DERIVED)))
    done = 0
    for run in known_runs(conn, known, rows, MERGE_RUN_REVIEWS):
        replayed, derived = replay_run(run, scheduler)
        states_by_line[run.ids - 1] = derived
        states, _ = final_states(run, replayed)
        write_rebuilt(conn, [], update_params(states, run.cards, (0, 1, 6, 7)))
        done += len(run.cards)
        if progress:
            progress(done, len(rows))
    del known
    _insert(conn, held, states_by_line)
    conn.execute(f"DROP TABLE {HELD}")
    return read, len(held), len(rows)


def _insert(conn: sqlite3.Connection, held: np.ndarray, states_by_line: np.ndarray) -> None:
    """Insert the held reviews (`held`: their rows, ascending) in the file's order, each
    with the states its replay gave it."""
    from pmquiz.store.rebuilt import update_params

    for start in range(0, len(held), BATCH):
        rows = held[start:start + BATCH]
        conn.executemany(INSERT_HELD, update_params(states_by_line[rows - 1], rows, (0,)))


def _hold(conn: sqlite3.Connection, batch: list[tuple[object, ...]], cards: array[int],
          times: array[float], ratings: array[int], digests: bytearray) -> None:
    """Put a batch of reviews (card row, then the staged values) where they wait; keep
    their cards, times, ratings and ids' digests."""
    from pmquiz.replay_arrays import seed_digests

    if not batch:
        return
    conn.executemany(HOLD, batch)
    rows, uids, when, rated = islice(zip(*batch, strict=True), 4)  # its first columns
    cards.extend(rows)
    times.extend(when)
    ratings.extend(rated)
    digests += seed_digests(uids)


def _first_of_each(conn: sqlite3.Connection, seeds: np.ndarray) -> np.ndarray:
    """The held rows to merge: all, or (when two ids' digests are equal, so the ids may be)
    each review id's first."""
    import numpy as np

    if not repeats(seeds):
        return np.arange(1, len(seeds) + 1, dtype=np.int64)
    return np.array([r[0] for r in conn.execute(
        f"SELECT min(rowid) FROM {HELD} GROUP BY uid ORDER BY 1")], dtype=np.int64)


def _in_replay_order(conn: sqlite3.Connection, held: np.ndarray, cards: np.ndarray,
                     times: np.ndarray) -> np.ndarray:
    """The positions of these reviews in replay order: by card, time, then review id (read
    for the few reviews of a card at the same moment)."""
    import numpy as np

    order = np.lexsort((times, cards))
    tied = (cards[order][1:] == cards[order][:-1]) & (times[order][1:] == times[order][:-1])
    if not tied.any():
        return order
    at = np.flatnonzero(tied)  # review at+1 is at the same moment as review at
    named = np.union1d(at, at + 1)
    uids = dict(conn.execute(f"SELECT rowid, uid FROM {HELD} WHERE rowid IN (SELECT value "
                             "FROM json_each(?))", (json.dumps(held[order[named]].tolist()),)))
    first = at[np.append(True, at[1:] != at[:-1] + 1)]  # where each group of ties starts
    last = at[np.append(at[1:] != at[:-1] + 1, True)] + 1
    for begin, end in zip(first.tolist(), last.tolist(), strict=True):
        group = order[begin:end + 1]
        order[begin:end + 1] = sorted(group.tolist(), key=lambda i: uids[int(held[i])])
    return order


def repeats(hashes: array[int] | np.ndarray) -> bool:
    """Whether any two of these hashes (or digests) are equal (so two review ids may be)."""
    import numpy as np

    found = np.sort(np.asarray(hashes))
    return bool((found[1:] == found[:-1]).any())
