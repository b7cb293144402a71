"""The named read queries behind `pmquiz stats`, the classify drill and progress merges (the
store's other rooms hold the rest of its SQL). Rows come back as `sqlite3.Row`, read by column
name. Callers pass a `Store` (whose connection went through `Store.open`'s checks)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmquiz.store import Store


def _rows(store: Store, sql: str, params: list[object] | tuple[object, ...] = ()
          ) -> list[sqlite3.Row]:
    cursor = store.conn.execute(sql, params)
    cursor.row_factory = sqlite3.Row
    return cursor.fetchall()


def ensure_math(store: Store) -> None:
    """`pow()` in SQL, also on SQLite builds without the math functions."""
    try:
        store.conn.execute("SELECT pow(2, 2)").fetchone()
    except sqlite3.OperationalError:
        store.conn.create_function("pow", 2, math.pow, deterministic=True)


def recall_sql(decay: float, factor: float, at: str, last: str, stability: str,
               day_offset: int = 0) -> str:
    """FSRS recall as an SQL expression; elapsed time in learning days, as the scheduler
    counts it (`day_offset`: seconds to add to a Unix time so that whole days split at the
    learner's day start: the UTC offset minus the day-start hour). A card answered today
    counts one day old: recall within the day of study is no evidence of memory (every
    card would read 100%, a card failed minutes ago too), so the figure is what the model
    expects by tomorrow."""
    elapsed = (f"(cast(({at} + {day_offset}) / 86400 AS INTEGER) - "
               f"cast(({last} + {day_offset}) / 86400 AS INTEGER))")
    return f"pow(1 + {factor!r} * max(1, {elapsed}) / {stability}, {decay!r})"


def module_scores(store: Store, recall: str, history: list[str], now: float,
                  where: str, params: list[object]) -> list[sqlite3.Row]:
    """Per module: phase, deck, title, cards, new, learning, review, seen, recall_sum,
    suspended, reps, and one column h0, h1… per readiness-history expression."""
    columns = "".join(f", {expr} AS h{i}" for i, expr in enumerate(history))
    return _rows(
        store,
        "SELECT c.phase AS phase, c.deck AS deck, d.title AS title, count(*) AS cards, "
        "sum(s.state = 0) AS new, sum(s.state IN (1, 3)) AS learning, "
        "sum(s.state = 2) AS review, sum(s.state > 0) AS seen, "
        f"total(CASE WHEN s.state > 0 THEN {recall} END) AS recall_sum, "
        f"sum(c.suspended) AS suspended, total(s.reps) AS reps{columns} "
        "FROM cards c JOIN card_state s ON s.card = c.id JOIN decks d ON d.slug = c.deck "
        f"WHERE {where} GROUP BY c.deck ORDER BY c.phase, d.ord, c.deck",
        [now, *params])


def window_counts(store: Store, day_offset: int, since: float, where: str,
                  params: list[object]) -> list[sqlite3.Row]:
    """Per module over the window: deck, reviews, correct, due (reviews of due cards in review
    state, first of their learning day) and passed (those rated Hard or better). Day ends use
    `day_offset` seconds (UTC offset minus the day-start hour)."""
    day_end = f"((cast((r.time + {day_offset}) / 86400 AS INTEGER) + 1) * 86400 - {day_offset})"
    due = f"(r.state_before = 2 AND r.due_before < {day_end})"
    return _rows(
        store,
        f"SELECT c.deck AS deck, count(*) AS reviews, total(r.correct) AS correct, "
        f"total({due}) AS due, total({due} AND r.rating >= 2) AS passed "
        f"FROM reviews r JOIN cards c ON c.id = r.card WHERE r.time >= ? AND {where} "
        "GROUP BY c.deck", [since, *params])


def later_reviews(store: Store, expressions: list[str], first: float, last: float, where: str,
                  params: list[object]) -> list[sqlite3.Row]:
    """Per phase: one column h0, h1… per expression over the reviews that were in force at a
    checkpoint between `first` and `last` (time <= T < next_time)."""
    columns = ", ".join(f"{expr} AS h{i}" for i, expr in enumerate(expressions))
    return _rows(
        store,
        f"SELECT c.phase AS phase, {columns} FROM reviews r JOIN cards c ON c.id = r.card "
        f"WHERE r.next_time > ? AND r.time <= ? AND {where} GROUP BY c.phase",
        [first, last, *params])


def reviews_between(store: Store, start: float, end: float) -> int:
    """How many reviews were given from `start` (inclusive) to `end`."""
    return int(store.conn.execute("SELECT count(*) FROM reviews WHERE time >= ? AND time < ?",
                                  (start, end)).fetchone()[0])


def first_review_from(store: Store, start: float | None = None) -> float | None:
    """The time of the first review at or after `start` (of all, without it)."""
    if start is None:
        row = store.conn.execute("SELECT min(time) FROM reviews").fetchone()
    else:
        row = store.conn.execute("SELECT min(time) FROM reviews WHERE time >= ?",
                                 (start,)).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def leech_count(store: Store, lapses: int, where: str, params: list[object]) -> int:
    """Cards with at least `lapses` lapses."""
    return int(store.conn.execute(
        f"SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card WHERE s.lapses >= ? "
        f"AND {where}", [lapses, *params]).fetchone()[0])


def hardest_cards(store: Store, recall: str, now: float, retention: float, limit: int,
                  where: str, params: list[object]) -> list[sqlite3.Row]:
    """Seen cards with lapses or recall under `retention`: key, title, body, lapses, recall,
    whether it is in (re)learning steps; most lapses first, then lowest recall."""
    return _rows(
        store,
        f"SELECT c.deck || '/' || c.card_id AS key, d.title AS title, c.body AS body, "
        f"s.lapses AS lapses, {recall} AS recall, s.state IN (1, 3) AS relearning "
        "FROM card_state s JOIN cards c ON c.id = s.card JOIN decks d ON d.slug = c.deck "
        f"WHERE s.state > 0 AND {where} AND (s.lapses > 0 OR {recall} < ?) "
        "ORDER BY s.lapses DESC, recall ASC, c.id LIMIT ?",
        [now, *params, now, retention, limit])


def confusion_counts(store: Store, since: float, where: str,
                     params: list[object]) -> list[sqlite3.Row]:
    """Classify answers since `since`: category_set, truth, chosen, count."""
    return _rows(
        store,
        # classify cards first, then their reviews by the (card, time) index
        "SELECT c.category_set AS category_set, json_extract(c.body, '$.answer') AS truth, "
        "r.answer AS chosen, count(*) AS count "
        "FROM cards c CROSS JOIN reviews r ON r.card = c.id WHERE c.kind = 'classify' AND "
        f"r.time >= ? AND {where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", [since, *params])


def category_sets(store: Store, where: str, params: list[object]) -> list[str]:
    """The category sets (`A/B`) of the classify cards in scope."""
    return [r[0] for r in store.conn.execute(
        f"SELECT DISTINCT c.category_set FROM cards c WHERE c.kind = 'classify' AND {where} "
        "ORDER BY c.category_set", params)]


def deck_metadata(store: Store) -> Iterator[str]:
    """Each deck's stored metadata (JSON text)."""
    for (meta,) in store.conn.execute("SELECT meta FROM decks"):
        yield meta or "{}"


def integrity_problems(store: Store) -> list[str]:
    """SQLite's own integrity check ("ok" is no problem)."""
    return [r[0] for r in store.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]


def foreign_key_problems(store: Store) -> list[sqlite3.Row]:
    """Rows whose reference points nowhere: table, rowid, parent."""
    return _rows(store, "PRAGMA foreign_key_check")


def card_logs(store: Store) -> Iterator[tuple[int, str, list[sqlite3.Row]]]:
    """Every card (row, key) with its reviews in replay order: id, uid, time, rating,
    next_time."""
    cursor = store.conn.execute(
        "SELECT s.card AS card, c.deck || '/' || c.card_id AS key, r.id AS id, r.uid AS uid, "
        "r.time AS time, r.rating AS rating, r.next_time AS next_time "
        "FROM card_state s JOIN cards c ON c.id = s.card "
        "LEFT JOIN reviews r ON r.card = s.card ORDER BY s.card, r.time, r.uid")
    cursor.row_factory = sqlite3.Row
    card: int | None = None
    key = ""
    log: list[sqlite3.Row] = []
    for row in cursor:
        if row["card"] != card:
            if card is not None:
                yield card, key, log
            card, key, log = row["card"], row["key"], []
        if row["id"] is not None:
            log.append(row)
    if card is not None:
        yield card, key, log


def future_reviews(store: Store, after: float) -> int:
    """Reviews dated after `after` (a clock or a file from the future)."""
    return int(store.conn.execute("SELECT count(*) FROM reviews WHERE time > ?",
                                  (after,)).fetchone()[0])


def card_count(store: Store) -> int:
    """Cards with a state row."""
    return int(store.conn.execute("SELECT count(*) FROM card_state").fetchone()[0])


def anything_due_between(store: Store, start: float, end: float) -> bool:
    """Was any card due at some moment from `start` to `end` while nobody studied? (A card
    whose last review before `start` set a due time before `end`, with no review between.)"""
    found = store.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM reviews r WHERE r.time < ? AND r.due < ? AND "
        "(r.next_time IS NULL OR r.next_time >= ?))", (start, end, end)).fetchone()[0]
    return bool(found)
