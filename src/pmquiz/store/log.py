"""The review log: one answer per transaction, sessions, export, undo and rebuilding states
by replaying the log (the source of truth)."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from pmquiz.errors import StoreError
from pmquiz.model import CardState, Rating, State
from pmquiz.store.base import Room, from_ts, to_ts
from pmquiz.store.rewriting import BATCH, BULK, drop_review_indexes, rebuild, write_found

if TYPE_CHECKING:
    from pmquiz.scheduler import Scheduler
    from pmquiz.store.log_arrays import KnownLog


@dataclass(frozen=True)
class ReviewRecord:
    """One row of the review log, as written by `record_answer`."""

    uid: str
    time: datetime
    rating: Rating
    duration_ms: int
    answer: str
    correct: bool | None
    grade: str
    mode: str = "study"
    override: str = ""




class ReviewLog(Room):
    """The review log: one answer per transaction, sessions, export, undo and rebuilding states"""

    # a merge into an empty log takes the way of a merge into any log (tests compare them)
    staged_merge = False

    def reviews_of(self, row: int) -> list[tuple[Rating, datetime, str]]:
        """A card's review log in time order, as the scheduler replays it."""
        return [(Rating(r), from_ts(t), uid) for r, t, uid in self.conn.execute(  # type: ignore[misc]
            "SELECT rating, time, uid FROM reviews WHERE card = ? ORDER BY time, uid", (row,))]

    def review_rows(self) -> Iterator[tuple[str, float, int]]:
        """(card, unix time, rating) of every review, card by card, for fitting parameters
        (read from the cursor: the log is never held whole)."""
        for card, when, rating in self.conn.execute(
                "SELECT card, time, rating FROM reviews ORDER BY card, time"):
            yield str(card), when, rating

    def known_log(self) -> KnownLog:
        """(card, unix time, rating) of every review as numpy arrays, card by card in time
        order (`log_items` makes the fitting items of them), with what a rebuild just after
        needs to replay them unread (`log_arrays.KnownLog`)."""
        from pmquiz.store.log_arrays import read_known

        return read_known(self.conn)

    def review_count(self) -> int:
        """How many reviews the log holds."""
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def card_states(self, rows: list[int]) -> dict[int, CardState]:
        """The stored states of these cards (at most a few thousand at a time)."""
        found: dict[int, CardState] = {}
        for start in range(0, len(rows), 2000):
            chunk = rows[start:start + 2000]
            for row, *values in self.conn.execute(
                    "SELECT card, state, step, stability, difficulty, due, last_review, reps, "
                    f"lapses FROM card_state WHERE card IN ({', '.join('?' * len(chunk))})",
                    chunk):
                found[row] = state_of(tuple(values))
        return found

    def card_state(self, row: int) -> CardState:
        """The stored state of one card."""
        found = self.conn.execute(
            "SELECT state, step, stability, difficulty, due, last_review, reps, lapses "
            "FROM card_state WHERE card = ?", (row,)).fetchone()
        if found is None:
            raise StoreError(f"card #{row} has no state")
        return state_of(found)

    def start_session(self, uid: str, mode: str, started: datetime) -> int:
        """Record that a session began; returns its id."""
        with self.write() as conn:
            cursor = conn.execute("INSERT INTO sessions (uid, mode, started) VALUES (?, ?, ?)",
                                  (uid, mode, to_ts(started)))
        return int(cursor.lastrowid or 0)

    def end_session(self, session: int, ended: datetime) -> None:
        """Record when a session ended."""
        with self.write() as conn:
            conn.execute("UPDATE sessions SET ended = ? WHERE id = ?", (to_ts(ended), session))

    def record_answer(self, row: int,
                      schedule: Callable[[CardState], tuple[CardState, ReviewRecord]],
                      session: int | None) -> CardState:
        """One answer in one immediate transaction: read the card's current state, let
        `schedule` compute the state after the answer and its review, append the review and
        store the state. Returns the new state."""
        with self.write() as conn:
            found = conn.execute(
                "SELECT state, step, stability, difficulty, due, last_review, reps, lapses "
                "FROM card_state WHERE card = ?", (row,)).fetchone()
            if found is None:
                raise StoreError(f"card #{row} is not in the database")
            before = state_of(found)
            after, review = schedule(before)
            # Find the card's latest review through the (card, time) index: a plain
            # "card = ? AND next_time IS NULL" lets SQLite walk every card's open review.
            conn.execute("UPDATE reviews SET next_time = ? WHERE id = (SELECT id FROM reviews "
                         "WHERE card = ? ORDER BY time DESC LIMIT 1) AND next_time IS NULL",
                         (to_ts(review.time), row))
            conn.execute(
                "INSERT INTO reviews (uid, card, time, rating, duration_ms, answer, correct, "
                "grade, state_before, session, mode, stability, difficulty, due, due_before, "
                "override) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (review.uid, row, to_ts(review.time), int(review.rating), review.duration_ms,
                 review.answer, None if review.correct is None else int(review.correct),
                 review.grade, int(before.state), session, review.mode, after.stability,
                 after.difficulty, to_ts(after.due), to_ts(before.due),
                 review.override or None))
            _write_state(conn, row, after)
            conn.execute("UPDATE cards SET held_since = NULL WHERE id = ? AND held_since "
                         "IS NOT NULL", (row,))
            if session is not None:
                conn.execute("UPDATE sessions SET answered = answered + 1, correct = correct + ? "
                             "WHERE id = ?", (int(bool(review.correct)), session))
        return after

    @overload
    def insert_reviews(self, rows: Iterable[tuple[int, ReviewRecord, CardState, CardState]],
                       states: dict[int, CardState] | None = None,
                       scheduler: Scheduler | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       only_new: Literal[False] = False) -> int: ...

    @overload
    def insert_reviews(self, rows: Iterable[tuple[int, ReviewRecord, CardState, CardState]],
                       states: dict[int, CardState] | None = None,
                       scheduler: Scheduler | None = None,
                       progress: Callable[[int, int], None] | None = None, *,
                       only_new: Literal[True]) -> tuple[int, int]: ...

    def insert_reviews(self, rows: Iterable[tuple[int, ReviewRecord, CardState, CardState]],
                       states: dict[int, CardState] | None = None,
                       scheduler: Scheduler | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       only_new: bool = False) -> int | tuple[int, int]:
        """Append many reviews (card row, review, state before, state after) and optionally
        set card states, or rebuild the touched cards' states with `scheduler`, all in one
        transaction; reviews whose id is already present are skipped. Returns how many were
        added (and, with `only_new`, how many cards got new reviews: only those are rebuilt).
        `rows` may be a generator: it is consumed once, in place. Used by imports, merges
        and the benchmark generator."""
        with self.write() as conn:
            before = conn.total_changes
            last = conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()[0]
            touched: set[int] = set()

            def values() -> Iterator[tuple[object, ...]]:
                for row, r, b, a in rows:
                    touched.add(row)
                    yield _review_values(row, r, b, a)

            conn.executemany(INSERT_REVIEW, values())
            added = conn.total_changes - before
            if only_new:  # the cards whose reviews were really added, not skipped
                touched = {r[0] for r in conn.execute(
                    "SELECT DISTINCT card FROM reviews WHERE id > ?", (last,))}
            rebuilding = scheduler is not None and added
            if not rebuilding:  # a rebuild links them too
                _link_next_times(conn, touched)
            for row, state in (states or {}).items():
                _write_state(conn, row, state)
            if rebuilding:
                rebuild(conn, scheduler, progress, touched)  # type: ignore[arg-type]
        return (added, len(touched)) if only_new else added

    def merge(self, lines: Iterable[tuple[str, str, tuple[object, ...]]], scheduler: Scheduler,
              progress: Callable[[int, int], None] | None = None, expected: int = 0
              ) -> tuple[int, int, int]:
        """Another machine's reviews (module slug, card id, the review as
        `progress.staged_values` gives it), read once, in one
        transaction with the rebuild of every card that got a new review: a line that fails
        (the iterator raises) leaves nothing behind. Cards not known yet get a retired
        placeholder; reviews already here are skipped by their id. With `expected` reviews,
        a merge that more than doubles a long log drops the review indexes over derived
        columns first and makes them again after the rebuild. A merge into an empty log
        replays the file from arrays instead (`_into_empty`). Returns (read, added, cards
        rebuilt)."""
        from pmquiz.store.fresh_merge import repeats

        # every card a review is written with is one just read here or made (a placeholder):
        # SQLite's lookup of each is left out, and all are checked once at the end
        with self.write(card_checks=False) as conn:
            size = int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
            if size == 0 and not self.staged_merge:
                found = _into_empty(conn, lines, scheduler, progress, expected)
                _check_cards(conn)
                return found
            known = _card_rows(conn)
            dropped = drop_review_indexes(conn) \
                if expected >= BULK and expected > size else None
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} ({STAGED})")
            conn.execute(f"DELETE FROM {STAGING}")
            read = 0
            batch: list[tuple[object, ...]] = []
            hashes = array("q")  # of the review ids: does the file give one twice?
            for module, card, review in lines:
                row = known.get((module, card))
                if row is None:
                    row = known[(module, card)] = _placeholder(conn, module, card)
                batch.append((row, *review))
                hashes.append(hash(review[0]))
                read += 1
                if len(batch) >= BATCH:
                    conn.executemany(STAGE_REVIEW, batch)
                    batch = []
            conn.executemany(STAGE_REVIEW, batch)
            added = _dedupe_staged(conn, dropped, repeats(hashes), logged=size > 0)
            touched = _merge_staged(conn, scheduler, progress, dropped)
            _check_cards(conn)
        return read, added, touched

    def export_reviews(self) -> Iterator[tuple[str, str, str, float, int, int, str,
                                               int | None, str, str, str | None]]:
        """The whole log in time order: uid, module, card id, time, rating, duration,
        answer, correct, grade, mode, override."""
        yield from self.conn.execute(
            "SELECT r.uid, c.deck, c.card_id, r.time, r.rating, r.duration_ms, r.answer, "
            "r.correct, r.grade, r.mode, r.override FROM reviews r JOIN cards c "
            "ON c.id = r.card "
            "ORDER BY r.time, r.uid")

    def shared_reviews(self) -> Iterator[tuple[Any, ...]]:
        """The whole log in time order for a cohort file: uid, module, phase, card id, kind,
        time, rating, duration, answer, correct, grade, mode, override."""
        yield from self.conn.execute(
            "SELECT r.uid, c.deck, c.phase, c.card_id, c.kind, r.time, r.rating, "
            "r.duration_ms, r.answer, r.correct, r.grade, r.mode, r.override FROM reviews r "
            "JOIN cards c ON c.id = r.card ORDER BY r.time, r.uid")

    def last_review(self) -> tuple[int, int, str, datetime, Rating] | None:
        """The newest review: (review id, card row, card key, time, rating)."""
        row = self.conn.execute(
            "SELECT r.id, r.card, c.deck || '/' || c.card_id, r.time, r.rating FROM reviews r "
            "JOIN cards c ON c.id = r.card ORDER BY r.id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return row[0], row[1], row[2], from_ts(row[3]), Rating(row[4])  # type: ignore[return-value]

    def review_id(self, uid: str) -> int | None:
        """The row of a review by its uid (None once it is gone)."""
        row = self.conn.execute("SELECT id FROM reviews WHERE uid = ?", (uid,)).fetchone()
        return None if row is None else int(row[0])

    def undo(self, review_id: int, rebuild: Callable[[list[tuple[Rating, datetime, str]]],
                                                      CardState]) -> CardState:
        """Delete one review and restore its card's state by replaying what remains."""
        with self.write() as conn:
            found = conn.execute("SELECT card, session, correct FROM reviews WHERE id = ?",
                                 (review_id,)).fetchone()
            if found is None:
                raise StoreError(f"review #{review_id} is not in the log")
            card, session, correct = found
            conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
            remaining = [(Rating(r), from_ts(t), uid) for r, t, uid in conn.execute(
                "SELECT rating, time, uid FROM reviews WHERE card = ? ORDER BY time, uid",
                (card,))]
            state = rebuild(remaining)  # type: ignore[arg-type]
            _write_state(conn, card, state)
            _link_next_times(conn, {card})
            if session is not None:
                conn.execute("UPDATE sessions SET answered = max(answered - 1, 0), "
                             "correct = max(correct - ?, 0) WHERE id = ?",
                             (int(bool(correct)), session))
        return state

    def rebuild_states(self, scheduler: Scheduler,
                       progress: Callable[[int, int], None] | None = None,
                       only: Iterable[int] | None = None,
                       meta: dict[str, str | None] | None = None,
                       known: KnownLog | None = None) -> int:
        """Replay the log into `card_state` and each review's before/after columns (after
        merging logs or new parameters), for every card or `only` these, and store `meta`
        (new parameters; None deletes a key) with it. Reviews are ordered by time, then
        review id, so every machine replays a merged log the same way. One transaction, the
        log read inside it:
        all or nothing, and no answer given meanwhile is left out. With `known` (the log
        as `known_log` read it, for new parameters) the log is not read again, unless
        another connection has written since or the review ids read now are not exactly
        its reviews."""
        with self.write() as conn:
            if known is not None:
                from pmquiz.store.log_arrays import data_version, with_uids

                known = with_uids(conn, known) if data_version(conn) == known.version \
                    else None
            for key, value in (meta or {}).items():
                if value is None:
                    conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 (key, value))
            return rebuild(conn, scheduler, progress, None if only is None else set(only),
                           known if only is None else None)


INSERT_REVIEW = (
    "INSERT OR IGNORE INTO reviews (uid, card, time, rating, duration_ms, answer, correct, "
    "grade, state_before, session, mode, stability, difficulty, due, due_before, override) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)")


def _review_values(row: int, r: ReviewRecord, b: CardState, a: CardState
                   ) -> tuple[object, ...]:
    """INSERT_REVIEW's parameters: a review of card `row`, the states before and after."""
    return (r.uid, row, to_ts(r.time), int(r.rating), r.duration_ms, r.answer,
            None if r.correct is None else int(r.correct), r.grade, int(b.state), r.mode,
            a.stability, a.difficulty, to_ts(a.due), to_ts(b.due), r.override or None)


# A merge stages its reviews in a temporary table, then adds them to the log card by card:
# a file in time order inserted as it comes scatters every card's reviews over the table,
# and the rebuild that follows then reads and rewrites them page by page.
STAGING = "temp.staged_reviews"
STAGED = "card, uid, time, rating, duration_ms, answer, correct, grade, mode, override"
STAGE_REVIEW = f"INSERT INTO {STAGING} ({STAGED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
STAGED_ORDER = "card, time, uid, rating, duration_ms, answer, correct, grade, mode, override"


def _check_cards(conn: sqlite3.Connection) -> None:
    """What a merge leaves to the end: every review's card exists (else nothing is kept)."""
    lost = conn.execute("SELECT count(*) FROM (SELECT DISTINCT card FROM reviews) WHERE card "
                        "NOT IN (SELECT id FROM cards)").fetchone()[0]
    if lost:
        raise StoreError(f"the merge would leave reviews of {lost} cards that do not exist; "
                         "nothing was imported (please report this)")


def _card_rows(conn: sqlite3.Connection) -> dict[tuple[str, str], int]:
    """Each card's row by (module, card id)."""
    return {(deck, card_id): row for row, deck, card_id in conn.execute(
        "SELECT id, deck, card_id FROM cards")}


def _into_empty(conn: sqlite3.Connection,
                lines: Iterable[tuple[str, str, tuple[object, ...]]], scheduler: Scheduler,
                progress: Callable[[int, int], None] | None, expected: int
                ) -> tuple[int, int, int]:
    """`ReviewLog.merge` into an empty log (`store.fresh_merge`). A long file drops every
    review index first and makes them once at the end, over rows inserted in its order."""
    from pmquiz.store.fresh_merge import merge_into_empty

    dropped = drop_review_indexes(conn, keep=()) if expected >= BULK else []
    found = merge_into_empty(conn, lines, _card_rows(conn), lambda module, card: _placeholder(
        conn, module, card), scheduler, progress)
    for statement in dropped:
        conn.execute(statement)
    return found


def _dedupe_staged(conn: sqlite3.Connection, dropped: list[str] | None, repeats: bool = True,
                   logged: bool = True) -> int:
    """Leave out of the staged reviews the ids the log already has (when it has any), and a
    review id given twice but its first line (as before: looked for only when two ids'
    hashes are equal, since the grouping sorts every id); how many are new. In a bulk merge
    (`dropped` holds the indexes to make again) the unique index of review ids goes too:
    making it once at the end sorts the ids once, where inserting a million random ids into
    it took most of the merge."""
    if repeats:
        conn.execute(f"DELETE FROM {STAGING} WHERE rowid NOT IN (SELECT min(rowid) FROM "
                     f"{STAGING} GROUP BY uid)")
    if logged:
        conn.execute(f"DELETE FROM {STAGING} WHERE EXISTS (SELECT 1 FROM reviews r WHERE "
                     f"r.uid = {STAGING}.uid)")
    if dropped is not None:
        dropped += drop_review_indexes(conn, ("idx_reviews_uid",))
    return int(conn.execute(f"SELECT count(*) FROM {STAGING}").fetchone()[0])


def _merge_staged(conn: sqlite3.Connection, scheduler: Scheduler,
                  progress: Callable[[int, int], None] | None,
                  dropped: list[str] | None) -> int:
    """Replay every card with staged reviews, its logged and staged reviews together, then
    insert the staged ones with the states the replay gave them, in (card, time, id) order,
    and update the logged ones the new reviews changed: each new row is written once (an
    insert then an update of every new row took a third of a large merge). Returns the
    cards replayed."""
    from pmquiz.store.log_arrays import merge_runs
    from pmquiz.store.rebuilt import changed_reviews

    # each run reads its cards' staged reviews in replay order: from an index that holds
    # every staged column, read in its order (through an index of the order alone, each row
    # was a lookup of its own: a third of a large merge)
    conn.execute(f"CREATE INDEX IF NOT EXISTS {STAGING}_order ON staged_reviews "
                 f"({STAGED_ORDER})")
    total = int(conn.execute(f"SELECT count(DISTINCT card) FROM {STAGING}").fetchone()[0])
    done = 0
    for run in merge_runs(conn, STAGING):
        write_found(conn, changed_reviews(run, scheduler))
        done += len(run.cards)
        if progress:
            progress(done, total)
    for statement in dropped or []:
        conn.execute(statement)
    conn.execute(f"DELETE FROM {STAGING}")
    return total


def _placeholder(conn: sqlite3.Connection, deck: str, card_id: str) -> int:
    """A retired stand-in for a card this machine's decks lack (its reviews are kept and
    attach to the deck's card once the deck is added); its row."""
    body = json.dumps({"deck": deck, "id": card_id, "kind": "basic",
                       "prompt": f"(card {card_id} of {deck}, not in your decks)",
                       "answer": "?"})
    cursor = conn.execute("INSERT INTO cards (deck, card_id, kind, phase, position, body, "
                          "retired) VALUES (?, ?, 'basic', 0, 0, ?, 1)", (deck, card_id, body))
    conn.execute("INSERT INTO card_state (card, state) VALUES (?, 0)", (cursor.lastrowid,))
    return int(cursor.lastrowid or 0)


def _state_row(state: CardState) -> tuple[object, ...]:
    return (int(state.state), state.step, state.stability, state.difficulty,
            to_ts(state.due), to_ts(state.last_review), state.reps, state.lapses)


def _link_next_times(conn: sqlite3.Connection, cards: Iterable[int]) -> None:
    """Set each review's `next_time` (the time of the card's following review) for cards
    whose log changed outside `record_answer`."""
    rows = sorted(set(cards))
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        conn.execute(
            "UPDATE reviews SET next_time = n.following FROM (SELECT id, LEAD(time) OVER "
            "(PARTITION BY card ORDER BY time, uid) AS following FROM reviews WHERE card IN "
            f"({marks})) AS n WHERE reviews.id = n.id", chunk)


def _write_state(conn: sqlite3.Connection, row: int, state: CardState) -> None:
    conn.execute("UPDATE card_state SET state = ?, step = ?, stability = ?, difficulty = ?, "
                 "due = ?, last_review = ?, reps = ?, lapses = ? WHERE card = ?",
                 (*_state_row(state), row))


def state_of(r: tuple[object, ...]) -> CardState:
    return CardState(state=State(r[0]), step=r[1], stability=r[2],  # type: ignore[arg-type]
                     difficulty=r[3], due=from_ts(r[4]), last_review=from_ts(r[5]),  # type: ignore[arg-type]
                     reps=r[6] or 0, lapses=r[7] or 0)  # type: ignore[arg-type]
