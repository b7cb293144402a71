"""The SQLite store: schema, deck sync, queue queries, and one transaction per answer.

Hot paths use the standard `sqlite3` module directly (sqlite-utils re-reads the table layout
on every write, about 4x slower); sqlite-utils runs the migrations.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pmquiz import migrations
from pmquiz.errors import DeckError, DeckErrors, StoreError
from pmquiz.model import Card, CardState, Deck, Rating, State, StoredCard

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 15000


def to_ts(moment: datetime | None) -> float | None:
    """A datetime as unix seconds (how the database keeps time)."""
    return None if moment is None else moment.timestamp()


def from_ts(value: float | None) -> datetime | None:
    """Unix seconds back to an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True)
class Scope:
    """Which cards a command looks at: everything, one phase, or one module."""

    phase: int | None = None
    module: str | None = None

    def where(self, alias: str = "c", asking: datetime | None = None
              ) -> tuple[str, list[object]]:
        """SQL conditions (always including `not retired`) and their parameters. With
        `asking` (a moment), only cards that may be asked then: not suspended, not buried."""
        clauses = [f"{alias}.retired = 0"]
        params: list[object] = []
        if asking is not None:
            clauses.append(askable(alias))
            params.append(to_ts(asking))
        if self.phase is not None:
            clauses.append(f"{alias}.phase = ?")
            params.append(self.phase)
        if self.module is not None:
            clauses.append(f"{alias}.deck = ?")
            params.append(self.module)
        return " AND ".join(clauses), params


def askable(alias: str = "c") -> str:
    """The condition (one parameter: the moment) for a card that may be asked."""
    return f"{alias}.suspended = 0 AND coalesce({alias}.buried_until, 0) <= ?"


@dataclass
class SyncReport:
    """What a deck sync did."""

    parsed: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    retired: int = 0


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


class Store:
    """An open pmquiz database."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (creating if needed) and migrate. A file that is not ours is left untouched."""
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            _check_file(path)
            _check_ours(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {path.parent}: {exc.strerror}") from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            applied = _applied_migrations(conn)
            newer = [name for name in applied if name not in migrations.NAMES]
            if newer:
                conn.close()
                raise StoreError(f"{path} was written by a newer pmquiz (schema step "
                                 f"{newer[-1]!r}); upgrade pmquiz to use it. The file was "
                                 "not changed.")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(conn, path)
            if len(applied) < len(migrations.NAMES):
                store._migrate(backup=existed and bool(applied))
        except sqlite3.DatabaseError as exc:
            raise StoreError(describe_sqlite_error(path, exc)) from None
        return store

    def backup(self, label: str = "backup") -> Path:
        """A consistent copy of the database beside it (`pmquiz.db.LABEL-<unix time>`)."""
        target = self.path.with_name(f"{self.path.name}.{label}-{int(time.time())}")
        dest = sqlite3.connect(target)
        try:
            with dest:
                self.conn.backup(dest)
        finally:
            dest.close()
        return target

    def _migrate(self, backup: bool) -> None:
        if backup:
            self.backup()
        from sqlite_utils import Database

        db = Database(self.conn)
        migrations.migrations().apply(db)

    def close(self) -> None:
        """Close the connection (WAL content is checkpointed by SQLite)."""
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: taken at once so two processes queue instead of failing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---- deck sync -----------------------------------------------------------------------

    def sync(self, paths: list[Path], parse: Callable[[Path, bytes], Deck]) -> SyncReport:
        """Bring the cards table in line with the deck files, parsing only changed files.

        Invalid decks raise `DeckErrors` and nothing is written. Cards that left their deck,
        and decks whose file is gone, are retired (their reviews stay).
        """
        report = SyncReport()
        known = {row[0]: row for row in self.conn.execute(
            "SELECT path, size, mtime_ns, sha256, deck FROM deck_files")}
        unchanged: dict[str, str] = {}
        changed: list[tuple[Path, os.stat_result, str, Deck]] = []
        touched: list[tuple[str, os.stat_result, str]] = []
        errors: list[DeckError] = []
        for path in paths:
            key = str(path.resolve())
            try:
                stat = path.stat()
            except OSError as exc:
                errors.append(DeckError(path, None, f"cannot read the file: {exc.strerror}"))
                continue
            row = known.get(key)
            if row and row[1] == stat.st_size and row[2] == stat.st_mtime_ns:
                unchanged[key] = row[4]
                continue
            try:
                raw = path.read_bytes()
            except OSError as exc:
                errors.append(DeckError(path, None, f"cannot read the file: {exc.strerror}"))
                continue
            digest = hashlib.sha256(raw).hexdigest()
            if row and row[3] == digest:
                unchanged[key] = row[4]
                touched.append((key, stat, digest))
                continue
            try:
                deck = parse(path, raw)
            except DeckErrors as exc:
                errors.extend(exc.errors)
                continue
            except DeckError as exc:
                errors.append(exc)
                continue
            changed.append((path, stat, digest, deck))
        slugs: dict[str, str] = {slug: key for key, slug in unchanged.items()}
        for path, _, _, deck in changed:
            other = slugs.get(deck.module.slug)
            if other is not None and other != str(path.resolve()):
                errors.append(DeckError(path, 1, f'module slug "{deck.module.slug}" is already '
                                        f"used by {other}; give each module its own slug"))
            slugs[deck.module.slug] = str(path.resolve())
        if errors:
            raise DeckErrors(errors)
        gone = [key for key in known if key not in unchanged
                and key not in {str(p.resolve()) for p, *_ in changed}]
        if not changed and not touched and not gone:
            return report
        with self.write() as conn:
            for key, stat, digest in touched:
                conn.execute("UPDATE deck_files SET size = ?, mtime_ns = ?, sha256 = ? "
                             "WHERE path = ?", (stat.st_size, stat.st_mtime_ns, digest, key))
            for path, stat, digest, deck in changed:
                key = str(path.resolve())
                conn.execute("INSERT OR REPLACE INTO deck_files (path, size, mtime_ns, sha256, "
                             "deck) VALUES (?, ?, ?, ?, ?)",
                             (key, stat.st_size, stat.st_mtime_ns, digest, deck.module.slug))
                self._store_deck(conn, deck, key, report)
                report.parsed.append(str(path))
            for key in gone:
                slug = known[key][4]
                conn.execute("DELETE FROM deck_files WHERE path = ?", (key,))
                if slug not in slugs:
                    report.retired += conn.execute(
                        "UPDATE cards SET retired = 1 WHERE deck = ? AND retired = 0",
                        (slug,)).rowcount
        return report

    def _store_deck(self, conn: sqlite3.Connection, deck: Deck, path: str,
                    report: SyncReport) -> None:
        module = deck.module
        conn.execute("INSERT OR REPLACE INTO decks (slug, title, phase, phase_title, ord, path, "
                     "meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (module.slug, module.title, module.phase, module.phase_title, module.order,
                      path, json.dumps(module.to_dict() | {"sets": {
                          name: "/".join(cats) for name, cats in deck.category_sets.items()}},
                          ensure_ascii=False)))
        existing = {card_id: (row, body, retired) for row, card_id, body, retired in conn.execute(
            "SELECT id, card_id, body, retired FROM cards WHERE deck = ?", (module.slug,))}
        for position, card in enumerate(deck.cards):
            body = json.dumps(card.to_dict(), ensure_ascii=False, sort_keys=True)
            old = existing.pop(card.id, None)
            if old is None:
                cursor = conn.execute(
                    "INSERT INTO cards (deck, card_id, kind, phase, position, category_set, "
                    "body, retired) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                    (module.slug, card.id, card.kind.value, module.phase, position,
                     card.category_set or None, body))
                conn.execute("INSERT INTO card_state (card, state) VALUES (?, 0)",
                             (cursor.lastrowid,))
                report.added += 1
            else:
                conn.execute("UPDATE cards SET kind = ?, phase = ?, position = ?, "
                             "category_set = ?, body = ?, retired = 0 WHERE id = ?",
                             (card.kind.value, module.phase, position,
                              card.category_set or None, body, old[0]))
                if old[1] != body or old[2]:
                    report.updated += 1
        for row, _, retired in existing.values():
            if not retired:
                conn.execute("UPDATE cards SET retired = 1 WHERE id = ?", (row,))
                report.retired += 1

    # ---- reading -------------------------------------------------------------------------

    def modules(self) -> list[dict[str, object]]:
        """Every module that has live cards, in course order, with card counts by kind and
        how many are suspended."""
        rows = self.conn.execute(
            "SELECT d.slug, d.title, d.phase, d.phase_title, d.ord, d.path, c.kind, count(*), "
            "sum(c.suspended) "
            "FROM decks d JOIN cards c ON c.deck = d.slug AND c.retired = 0 "
            "GROUP BY d.slug, c.kind ORDER BY d.phase, d.ord, d.slug, c.kind").fetchall()
        found: dict[str, dict[str, object]] = {}
        for slug, title, phase, phase_title, order, path, kind, count, suspended in rows:
            entry = found.setdefault(slug, {"slug": slug, "title": title, "phase": phase,
                                            "phase_title": phase_title or "", "order": order,
                                            "path": path, "cards": 0, "kinds": {},
                                            "suspended": 0})
            entry["suspended"] = int(entry["suspended"]) + suspended  # type: ignore[call-overload]
            entry["kinds"][kind] = count  # type: ignore[index]
            entry["cards"] = int(entry["cards"]) + count  # type: ignore[call-overload]
        return list(found.values())

    def stored_card(self, row: int) -> StoredCard:
        """One card with its module and state."""
        found = self._stored_cards("c.id = ?", [row])
        if not found:
            raise StoreError(f"card #{row} is not in the database")
        return found[0]

    def _stored_cards(self, where: str, params: list[object], tail: str = "") -> list[StoredCard]:
        sql = ("SELECT c.id, c.body, c.phase, d.title, s.state, s.step, s.stability, "
               "s.difficulty, s.due, s.last_review, s.reps, s.lapses FROM cards c "
               "JOIN card_state s ON s.card = c.id JOIN decks d ON d.slug = c.deck "
               f"WHERE {where} {tail}")
        return [StoredCard(row=r[0], card=Card.from_dict(json.loads(r[1])), phase_number=r[2],
                           module_title=r[3], state=_state(r[4:]))
                for r in self.conn.execute(sql, params)]

    def cards_in_scope(self, scope: Scope, kinds: Iterable[str] = ()) -> list[StoredCard]:
        """Every live card of the scope, in course order."""
        where, params = scope.where()
        kinds = list(kinds)
        if kinds:
            where += f" AND c.kind IN ({', '.join('?' * len(kinds))})"
            params += kinds
        return self._stored_cards(where, params, "ORDER BY c.phase, d.ord, c.deck, c.position")

    def due_reviews(self, scope: Scope, until: datetime, now: datetime,
                    limit: int) -> list[StoredCard]:
        """Review cards due before `until`, lowest predicted recall first.

        FSRS recall falls as elapsed time / stability grows, whatever the weights, so
        sorting by that ratio orders cards by retrievability without computing it.
        """
        where, params = scope.where(asking=now)
        order = "ORDER BY (? - s.last_review) / s.stability DESC, s.card LIMIT ?"
        if scope.phase is None and scope.module is None and limit >= 0:
            # Whole collection: rank from the card_state index alone (no join), keeping a
            # margin for retired cards, which are dropped afterwards.
            ids = [r[0] for r in self.conn.execute(
                f"SELECT s.card FROM card_state s WHERE s.state = 2 AND s.due < ? {order}",
                [to_ts(until), to_ts(now), limit + 50])]
            found = self._load_first(ids, limit, now)
            if len(found) >= min(limit, len(ids)) or len(ids) < limit + 50:
                return found
        return self._ranked(f"s.state = 2 AND s.due < ? AND {where}",
                            [to_ts(until), *params, to_ts(now), limit], order)

    def _ranked(self, where: str, params: list[object], order: str) -> list[StoredCard]:
        """Rank by ids only, then load the chosen cards: sorting thousands of rows with their
        JSON bodies attached costs 5-10x more."""
        return self._load([r[0] for r in self.conn.execute(
            f"SELECT c.id FROM cards c JOIN card_state s ON s.card = c.id WHERE {where} {order}",
            params)])

    def _load_first(self, ids: list[int], limit: int, now: datetime) -> list[StoredCard]:
        """The first `limit` live cards of `ids` that may be asked `now`, loading no more
        than needed."""
        found: list[StoredCard] = []
        start = 0
        while len(found) < limit and start < len(ids):
            chunk = ids[start:start + limit - len(found)]
            found.extend(self._load(chunk, now))
            start += len(chunk)
        return found

    def _load(self, ids: list[int], now: datetime | None = None) -> list[StoredCard]:
        """Live cards by row, in the order given (retired ones left out; with `now`, those
        that may not be asked then too)."""
        if not ids:
            return []
        where, params = Scope().where(asking=now)
        found = {s.row: s for s in self._stored_cards(
            f"{where} AND c.id IN ({', '.join('?' * len(ids))})", [*params, *ids])}
        return [found[i] for i in ids if i in found]

    def learning_cards(self, scope: Scope, now: datetime, until: datetime,
                       limit: int = -1) -> list[StoredCard]:
        """Learning and relearning cards due before `until` that may be asked `now`, soonest
        first."""
        where, params = scope.where(asking=now)
        if scope.phase is None and scope.module is None and limit >= 0:
            # Each state's cards come out of the queue index already in due order.
            ids = sorted(
                row for state in (1, 3) for row in self.conn.execute(
                    "SELECT s.due, s.card FROM card_state s WHERE s.state = ? AND s.due < ? "
                    "ORDER BY s.due, s.card LIMIT ?", (state, to_ts(until), limit + 50)))
            found = self._load_first([card for _, card in ids], limit, now)
            if len(found) >= min(limit, len(ids)) or len(ids) < limit + 50:
                return found
        return self._ranked(f"s.state IN (1, 3) AND s.due < ? AND {where}",
                            [to_ts(until), *params, limit], "ORDER BY s.due, s.card LIMIT ?")

    def new_cards(self, scope: Scope, now: datetime, per_module: int,
                  total: int = -1) -> list[StoredCard]:
        """Up to `per_module` unseen cards of each module that may be asked `now`, in course
        and deck order; with `total`, only the first `total` of them in turn order (each
        module's first card, then each one's second…), so no more are loaded than wanted."""
        if per_module <= 0:
            return []
        where, params = scope.where(asking=now)
        ranked = self.conn.execute(
            "SELECT r.id FROM (SELECT c.id, c.deck, c.phase, ROW_NUMBER() OVER (PARTITION BY "
            "c.deck ORDER BY c.position) AS n FROM cards c JOIN card_state s ON s.card = c.id "
            f"WHERE s.state = 0 AND {where}) r JOIN decks d ON d.slug = r.deck WHERE r.n <= ? "
            "ORDER BY r.n, r.phase, d.ord, r.deck LIMIT ?",
            [*params, per_module, total]).fetchall()
        if not ranked:
            return []
        ids = [r[0] for r in ranked]
        marks = ", ".join("?" * len(ids))
        return self._stored_cards(f"c.id IN ({marks})", list(ids),
                                  "ORDER BY c.phase, d.ord, c.deck, c.position")

    def sibling_keys_since(self, since: datetime) -> frozenset[str]:
        """Sibling keys (`Card.sibling_keys`) of the cards answered since a moment."""
        keys: set[str] = set()
        for deck, card_id, groups in self.conn.execute(
                # from the reviews' time index to the cards (a join lets SQLite scan every
                # card: 57 ms against 2.5 ms at 100k cards)
                "SELECT c.deck, c.card_id, CASE WHEN instr(c.body, '\"group\"') THEN "
                "json_extract(c.body, '$.group') END FROM cards c "
                "WHERE c.id IN (SELECT card FROM reviews WHERE time >= ?)",
                (to_ts(since),)):
            keys.add(f"{deck}/{card_id}")
            keys.update(f"{deck}/{g}" for g in json.loads(groups or "[]"))
        return frozenset(keys)

    def answered_since(self, since: datetime, state_before: State) -> int:
        """How many reviews of cards in `state_before` were recorded since a moment."""
        return int(self.conn.execute(
            "SELECT count(*) FROM reviews WHERE time >= ? AND state_before = ?",
            (to_ts(since), int(state_before))).fetchone()[0])

    def state_counts(self, scope: Scope, now: datetime, day_end: datetime,
                     now_ahead: datetime) -> list[tuple[int, str, str, int, int, int, int, int]]:
        """Per module: (phase, slug, title, new, learning due, reviews due, total, set
        aside); cards suspended or buried `now` count only in the total and as set aside."""
        where, params = scope.where()
        ok = askable()
        return [tuple(r) for r in self.conn.execute(
            "SELECT c.phase, c.deck, d.title, "
            f"sum(s.state = 0 AND {ok}), sum(s.state IN (1, 3) AND s.due < ? AND {ok}), "
            f"sum(s.state = 2 AND s.due < ? AND {ok}), count(*), sum(NOT ({ok})) "
            "FROM cards c JOIN card_state s ON s.card = c.id JOIN decks d ON d.slug = c.deck "
            f"WHERE {where} GROUP BY c.deck ORDER BY c.phase, d.ord, c.deck",
            [to_ts(now), to_ts(now_ahead), to_ts(now), to_ts(day_end), to_ts(now), to_ts(now),
             *params])]

    def due_count(self, scope: Scope, before: datetime) -> int:
        """Seen cards due before a moment (overdue ones included) that may be asked then."""
        where, params = scope.where(asking=before)
        return int(self.conn.execute(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card "
            f"WHERE s.state > 0 AND s.due < ? AND {where}",
            [to_ts(before), *params]).fetchone()[0])

    def unseen_count(self, scope: Scope, now: datetime) -> int:
        """New cards not met yet that may be asked `now`."""
        where, params = scope.where(asking=now)
        return int(self.conn.execute(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card "
            f"WHERE s.state = 0 AND {where}", params).fetchone()[0])

    def next_due(self, scope: Scope) -> datetime | None:
        """When the next seen card falls due (a buried card no sooner than it comes back;
        suspended cards never)."""
        where, params = scope.where()
        row = self.conn.execute(
            "SELECT min(max(s.due, coalesce(c.buried_until, 0))) FROM card_state s "
            f"JOIN cards c ON c.id = s.card WHERE s.state > 0 AND c.suspended = 0 AND {where}",
            params).fetchone()
        return from_ts(row[0]) if row else None

    # ---- marks: suspend, bury, flag; search ----------------------------------------------

    def find_card(self, key: str) -> StoredCard:
        """A card by `module/card-id` (or a card id that only one module has)."""
        rows = []
        if "/" in key:
            deck, card_id = key.split("/", 1)
            rows = self.conn.execute("SELECT id FROM cards WHERE deck = ? AND card_id = ? "
                                     "AND retired = 0", (deck, card_id)).fetchall()
        if not rows:
            rows = self.conn.execute("SELECT id FROM cards WHERE card_id = ? AND retired = 0",
                                     (key,)).fetchall()
        if len(rows) > 1:
            raise StoreError(f'card id "{key}" is in {len(rows)} modules: name it as '
                             "module/card-id (pmquiz search shows both)")
        if not rows:
            raise StoreError(f'no card "{key}": give its id as module/card-id '
                             "(pmquiz search TEXT finds it)")
        return self.stored_card(rows[0][0])

    def set_marks(self, row: int, *, suspended: bool | None = None,
                  buried_until: datetime | bool | None = False, flag: int | None = None) -> None:
        """Change a card's marks (leave out what stays; `buried_until=None` unburies)."""
        changes: list[tuple[str, object]] = []
        if suspended is not None:
            changes.append(("suspended", int(suspended)))
        if buried_until is not False:
            changes.append(("buried_until", to_ts(buried_until)  # type: ignore[arg-type]
                            if buried_until is not None else None))
        if flag is not None:
            changes.append(("flag", flag))
        if not changes:
            return
        with self.write() as conn:
            conn.execute(f"UPDATE cards SET {', '.join(f'{c} = ?' for c, _ in changes)} "
                         "WHERE id = ?", [v for _, v in changes] + [row])

    def marks(self, row: int) -> tuple[bool, datetime | None, int]:
        """(suspended, buried until, flag) of one card."""
        found = self.conn.execute("SELECT suspended, buried_until, flag FROM cards WHERE id = ?",
                                  (row,)).fetchone()
        if found is None:
            raise StoreError(f"card #{row} is not in the database")
        return bool(found[0]), from_ts(found[1]), int(found[2])

    def set_aside(self, scope: Scope, now: datetime) -> tuple[int, int, int]:
        """(suspended, buried now, flagged) live cards of a scope."""
        where, params = scope.where()
        row = self.conn.execute(
            "SELECT coalesce(sum(c.suspended), 0), "
            "coalesce(sum(c.suspended = 0 AND coalesce(c.buried_until, 0) > ?), 0), "
            f"coalesce(sum(c.flag > 0), 0) FROM cards c WHERE {where}",
            [to_ts(now), *params]).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def search(self, text: str, scope: Scope, limit: int = 50
               ) -> list[tuple[StoredCard, str, bool, int]]:
        """Live cards whose prompt, answer or explanation hold every word of `text` (a word
        may be a prefix: `custom` finds customers), best match first: (card, the matching
        text with the words marked by «», suspended, flag)."""
        words = re.findall(r"\w+", text.lower())
        if not words:
            return []
        query = " ".join(f'"{w}"*' for w in words)
        where, params = scope.where()
        rows = self.conn.execute(
            "SELECT f.rowid, snippet(cards_fts, -1, '«', '»', '…', 12), c.suspended, c.flag "
            f"FROM cards_fts f JOIN cards c ON c.id = f.rowid WHERE cards_fts MATCH ? "
            f"AND {where} ORDER BY bm25(cards_fts), c.phase, c.deck, c.position LIMIT ?",
            [query, *params, limit]).fetchall()
        return self._with_marks(rows)

    def marked(self, scope: Scope, limit: int = 50) -> list[tuple[StoredCard, str, bool, int]]:
        """Live flagged or suspended cards, in course order, in the form `search` gives."""
        where, params = scope.where()
        rows = self.conn.execute(
            "SELECT c.id, '', c.suspended, c.flag FROM cards c JOIN decks d ON d.slug = c.deck "
            f"WHERE (c.flag > 0 OR c.suspended = 1) AND {where} "
            "ORDER BY c.phase, d.ord, c.deck, c.position LIMIT ?", [*params, limit]).fetchall()
        return self._with_marks(rows)

    def _with_marks(self, rows: list[tuple[int, str, int, int]]
                    ) -> list[tuple[StoredCard, str, bool, int]]:
        found = {s.row: s for s in self._load([r[0] for r in rows])}
        return [(found[r[0]], r[1], bool(r[2]), int(r[3])) for r in rows if r[0] in found]

    def reviews_of(self, row: int) -> list[tuple[Rating, datetime, str]]:
        """A card's review log in time order, as the scheduler replays it."""
        return [(Rating(r), from_ts(t), uid) for r, t, uid in self.conn.execute(  # type: ignore[misc]
            "SELECT rating, time, uid FROM reviews WHERE card = ? ORDER BY time, uid", (row,))]

    def review_rows(self) -> list[tuple[str, float, int]]:
        """(card key, unix time, rating) of every review, for fitting parameters."""
        return self.conn.execute(
            "SELECT c.deck || '/' || c.card_id, r.time, r.rating FROM reviews r "
            "JOIN cards c ON c.id = r.card").fetchall()

    def review_count(self) -> int:
        """How many reviews the log holds."""
        return int(self.conn.execute("SELECT count(*) FROM reviews").fetchone()[0])

    def card_state(self, row: int) -> CardState:
        """The stored state of one card."""
        found = self.conn.execute(
            "SELECT state, step, stability, difficulty, due, last_review, reps, lapses "
            "FROM card_state WHERE card = ?", (row,)).fetchone()
        if found is None:
            raise StoreError(f"card #{row} has no state")
        return _state(found)

    def get_meta(self, key: str) -> str | None:
        """A value from the key-value table (stored parameters and the like)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a key-value pair."""
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---- writing -------------------------------------------------------------------------

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
            before = _state(found)
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
            if session is not None:
                conn.execute("UPDATE sessions SET answered = answered + 1, correct = correct + ? "
                             "WHERE id = ?", (int(bool(review.correct)), session))
        return after

    def insert_reviews(self, rows: Iterable[tuple[int, ReviewRecord, CardState, CardState]],
                       states: dict[int, CardState] | None = None,
                       replay_steps: Replay | None = None,
                       progress: Callable[[int, int], None] | None = None) -> int:
        """Append many reviews (card row, review, state before, state after) and optionally
        set card states, or rebuild the touched cards' states with `replay_steps`, all in one
        transaction; reviews whose id is already present are skipped. Returns how many were
        added. Used by imports, merges and the benchmark generator."""
        with self.write() as conn:
            before = conn.total_changes
            touched: set[int] = set()

            def values() -> Iterator[tuple[object, ...]]:
                for row, r, b, a in rows:
                    touched.add(row)
                    yield (r.uid, row, to_ts(r.time), int(r.rating), r.duration_ms, r.answer,
                           None if r.correct is None else int(r.correct), r.grade,
                           int(b.state), r.mode, a.stability, a.difficulty, to_ts(a.due),
                           to_ts(b.due), r.override or None)

            conn.executemany(
                "INSERT OR IGNORE INTO reviews (uid, card, time, rating, duration_ms, answer, "
                "correct, grade, state_before, session, mode, stability, difficulty, due, "
                "due_before, override) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                values())
            added = conn.total_changes - before
            _link_next_times(conn, touched)
            for row, state in (states or {}).items():
                _write_state(conn, row, state)
            if replay_steps is not None and added:
                _rebuild(conn, replay_steps, progress, touched)
        return added

    def card_rows(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Rows of cards by (module slug, card id); cards not known yet get a retired
        placeholder (so reviews of a deck this machine lacks are kept, and attach to the
        deck's cards once it is added)."""
        found: dict[tuple[str, str], int] = {}
        wanted = set(keys)
        for row, deck, card_id in self.conn.execute("SELECT id, deck, card_id FROM cards"):
            if (deck, card_id) in wanted:
                found[(deck, card_id)] = row
        missing = sorted(wanted - set(found))
        if missing:
            with self.write() as conn:
                for deck, card_id in missing:
                    body = json.dumps({"deck": deck, "id": card_id, "kind": "basic",
                                       "prompt": f"(card {card_id} of {deck}, not in your "
                                                 "decks)", "answer": "?"})
                    cursor = conn.execute(
                        "INSERT INTO cards (deck, card_id, kind, phase, position, body, "
                        "retired) VALUES (?, ?, 'basic', 0, 0, ?, 1)", (deck, card_id, body))
                    conn.execute("INSERT INTO card_state (card, state) VALUES (?, 0)",
                                 (cursor.lastrowid,))
                    found[(deck, card_id)] = int(cursor.lastrowid or 0)
        return found

    def export_reviews(self) -> Iterator[tuple[str, str, str, float, int, int, str,
                                               int | None, str, str, str | None]]:
        """The whole log in time order: uid, module, card id, time, rating, duration,
        answer, correct, grade, mode, override."""
        yield from self.conn.execute(
            "SELECT r.uid, c.deck, c.card_id, r.time, r.rating, r.duration_ms, r.answer, "
            "r.correct, r.grade, r.mode, r.override FROM reviews r JOIN cards c "
            "ON c.id = r.card "
            "ORDER BY r.time, r.uid")

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

    def rebuild_states(self, replay_steps: Callable[[list[tuple[Rating, datetime, str]]],
                                                    list[CardState]],
                       progress: Callable[[int, int], None] | None = None,
                       only: Iterable[int] | None = None,
                       meta: dict[str, str | None] | None = None) -> int:
        """Replay the log into `card_state` and each review's before/after columns (after
        merging logs or new parameters), for every card or `only` these, and store `meta`
        (new parameters; None deletes a key) with it. Reviews are ordered by time, then
        review id, so every machine replays a merged log the same way. One transaction, the
        log read inside it:
        all or nothing, and no answer given meanwhile is left out."""
        with self.write() as conn:
            for key, value in (meta or {}).items():
                if value is None:
                    conn.execute("DELETE FROM meta WHERE key = ?", (key,))
                else:
                    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 (key, value))
            return _rebuild(conn, replay_steps, progress, None if only is None else set(only))


Replay = Callable[[list[tuple[Rating, datetime, str]]], list[CardState]]


def _rebuild(conn: sqlite3.Connection, replay_steps: Replay,
             progress: Callable[[int, int], None] | None, wanted: set[int] | None) -> int:
    """Replay the log of every card (or the `wanted` ones) into its state and its reviews'
    derived columns, inside the caller's transaction."""
    logs: dict[int, list[tuple[int, Rating, datetime, str]]] = {}
    for review_id, card, rating, when, uid in conn.execute(
            "SELECT id, card, rating, time, uid FROM reviews ORDER BY card, time, uid"):
        if wanted is None or card in wanted:
            logs.setdefault(card, []).append(
                (review_id, Rating(rating), from_ts(when), uid))  # type: ignore[arg-type]
    cards = [r[0] for r in conn.execute("SELECT card FROM card_state")
             if wanted is None or r[0] in wanted]
    for done, card in enumerate(cards, 1):
        log = logs.get(card, [])
        steps = replay_steps([(rating, when, uid) for _, rating, when, uid in log])
        befores = [CardState(), *steps[:-1]] if steps else []
        nexts = [to_ts(entry[2]) for entry in log[1:]] + [None] if log else []
        conn.executemany(
            "UPDATE reviews SET state_before = ?, stability = ?, difficulty = ?, "
            "due = ?, due_before = ?, next_time = ? WHERE id = ?",
            [(int(before.state), after.stability, after.difficulty, to_ts(after.due),
              to_ts(before.due), following, entry[0])
             for entry, before, after, following in zip(log, befores, steps, nexts,
                                                        strict=True)])
        _write_state(conn, card, steps[-1] if steps else CardState())
        if progress and (done % 1000 == 0 or done == len(cards)):
            progress(done, len(cards))
    return len(cards)


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
                 (int(state.state), state.step, state.stability, state.difficulty,
                  to_ts(state.due), to_ts(state.last_review), state.reps, state.lapses, row))


def _state(r: tuple[object, ...]) -> CardState:
    return CardState(state=State(r[0]), step=r[1], stability=r[2],  # type: ignore[arg-type]
                     difficulty=r[3], due=from_ts(r[4]), last_review=from_ts(r[5]),  # type: ignore[arg-type]
                     reps=r[6] or 0, lapses=r[7] or 0)  # type: ignore[arg-type]


def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                          "name = '_sqlite_migrations'").fetchone()
    if not exists:
        return []
    return [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (migrations.SET_NAME,))]


def _check_ours(path: Path) -> None:
    """Refuse, before writing anything, an SQLite file that another program made: it has
    tables but no pmquiz schema steps."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "ORDER BY name")]
            ours = _applied_migrations(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_sqlite_error(path, exc)) from None
    if tables and not ours:
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise StoreError(f"{path} is an SQLite database of another program (tables: {shown}), "
                         "not pmquiz's. It was not changed; move it away or point "
                         "PMQUIZ_HOME (or --home) elsewhere.")


def _check_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}; check its permissions") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{path} is not a pmquiz database (not SQLite). The file was not "
                         "changed; move it away or point PMQUIZ_HOME elsewhere.")
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise StoreError(f"{path} is read-only: pmquiz records every answer, so it needs write "
                         "access to the file and its folder. The file was not changed.")


def describe_sqlite_error(path: Path, exc: sqlite3.Error) -> str:
    """A user-facing sentence for a SQLite failure."""
    text = str(exc)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (f"{path} is damaged ({text}). It was left as it is; restore a backup "
                f"(pmquiz.db.backup-*) or move it away to start fresh.")
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be written ({text}); check permissions."
    if "disk is full" in text or "full" in text:
        return f"the disk holding {path} is full ({text}); the last answer was not saved."
    if "locked" in text or "busy" in text:
        return f"{path} is busy in another pmquiz for too long ({text}); try again."
    return f"{path}: database error: {text}"

