"""The SQLite store, in rooms: opening and checks (`opening`), deck sync (`decks`), queue
queries (`queue`), marks and search (`marks`), the review log (`log`), metadata (`meta`) and the
read queries behind stats and drills (`stats`). `Store` opens the file and holds one of each
room: `store.queue.due_reviews(...)`, `store.log.record_answer(...)`.

Hot paths use the standard `sqlite3` module directly (sqlite-utils re-reads the table layout
on every write, about 4x slower); sqlite-utils runs the migrations."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from pmquiz import migrations
from pmquiz.errors import StoreError
from pmquiz.store.base import Scope, askable, from_ts, to_ts
from pmquiz.store.cache import Cache
from pmquiz.store.decks import Decks, SyncReport
from pmquiz.store.labels import Labels
from pmquiz.store.log import ReviewLog, ReviewRecord
from pmquiz.store.marks import Marks
from pmquiz.store.meta import Meta
from pmquiz.store.opening import (
    BUSY_TIMEOUT_MS,
    SORT_THREADS,
    _applied_migrations,
    _check_damage,
    _check_file,
    _check_ours,
    describe_sqlite_error,
    recover_hot_journal,
)
from pmquiz.store.queue import Queue

__all__ = ["Queue", "ReviewRecord", "Scope", "Store", "SyncReport", "askable",
           "describe_sqlite_error", "from_ts", "to_ts"]


class Store:
    """An open pmquiz database and its rooms."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.decks = Decks(self)
        self.queue = Queue(self)
        self.marks = Marks(self)
        self.log = ReviewLog(self)
        self.meta = Meta(self)
        self.labels = Labels(self)
        self.cache = Cache(self)


    @classmethod
    def open(cls, path: Path, check_damage: bool = True) -> Store:
        """Open (creating if needed) and migrate. A file that is not ours, or damaged, is
        left untouched (`check_damage` False: for `doctor`, which examines it itself)."""
        recover_hot_journal(path)
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
            # large sorts (making an index again, staging a long import) may use a second
            # core: a quarter less time for a 1M-row index
            conn.execute(f"PRAGMA threads = {SORT_THREADS}")
            if existed and check_damage:
                _check_damage(conn, path)
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
    def write(self, card_checks: bool = True) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: taken at once so two processes queue instead of failing.
        With `card_checks` False, SQLite does not look up the card of each row written (a
        merge that writes only cards it has just read or made, and checks them once at the
        end: looked up one by one, a million reviews' cards took 2.3 s)."""
        if not card_checks:
            self.conn.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                # SQLite may have rolled back already (disk full); the error that brought us
                # here is the one to tell, never "cannot rollback"
                with suppress(sqlite3.OperationalError):
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            if not card_checks:
                self.conn.execute("PRAGMA foreign_keys = ON")
