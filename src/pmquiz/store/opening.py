"""Opening the file: refusing what is not ours or not writable before anything is written,
and naming SQLite failures in a sentence."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from pathlib import Path

from pmquiz import migrations
from pmquiz.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"


BUSY_TIMEOUT_MS = 15000
SORT_THREADS = 2  # helper threads SQLite may sort with (PRAGMA threads)



def _applied_migrations(conn: sqlite3.Connection) -> list[str]:
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                          "name = '_sqlite_migrations'").fetchone()
    if not exists:
        return []
    return [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        (migrations.SET_NAME,))]


# What a read-only connection meets after a program was killed in a write: a journal to
# roll back, or a WAL whose index must be rebuilt. Either needs a writable connection.
NEEDS_RECOVERY = ("SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY")


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to `path`. If the last writer was killed mid-transaction
    (`kill -9`, power cut), SQLite must first restore the last committed state, which a
    read-only connection cannot do: `recover` does it, then the file is read."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") not in NEEDS_RECOVERY:
            raise
        recover(path)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return conn


def recover(path: Path) -> None:
    """Let SQLite restore the last committed state of a file whose writer was killed (roll
    back a hot journal, rebuild a WAL index): a writable connection that reads nothing
    else, as any SQLite program opening the file does."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    finally:
        conn.close()


def recover_hot_journal(path: Path) -> None:
    """A first start killed in its first write leaves a journal and a file whose first page
    (the SQLite header) was never written: roll it back before the file is judged."""
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        with suppress(sqlite3.DatabaseError):  # not SQLite's: the checks after say so
            recover(path)


def _check_ours(path: Path) -> None:
    """Refuse, before writing anything, an SQLite file that another program made: it has
    tables but no pmquiz schema steps."""
    try:
        conn = read_only(path)
        try:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "ORDER BY name")]
            ours = _applied_migrations(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_sqlite_error(path, exc)) from None
    # Only the migrations table, nothing recorded in it: a first start of pmquiz's own that
    # stopped (killed, disk full) before its first schema step was committed. Each step is
    # atomic, so it is finished on open, never refused.
    if tables and not ours and set(tables) != {"_sqlite_migrations"}:
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


# Files up to this size get SQLite's quick check on every open (about 7 ms a MB here, so
# 110 ms at the limit; a year of daily study is 2-3 MB). Larger ones rely on SQLite's own
# error on the first damaged page read.
QUICK_CHECK_BYTES = 16 * 1024 * 1024


def _check_damage(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, before anything is written, a database SQLite finds damaged."""
    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        size += wal.stat().st_size
    if size > QUICK_CHECK_BYTES:
        return
    found = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    if found != ["ok"]:
        conn.close()
        raise StoreError(f"{path} is damaged ({'; '.join(found)}). Nothing was written to it. "
                         "`pmquiz doctor --repair` backs it up and rebuilds what it can; or "
                         "restore a backup (pmquiz.db.backup-*).")


def describe_sqlite_error(path: Path, exc: sqlite3.Error) -> str:
    """A user-facing sentence for a SQLite failure."""
    text = str(exc)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (f"{path} is damaged ({text}). Nothing was written to it. `pmquiz doctor "
                "--repair` backs it up and rebuilds what it can; or restore a backup "
                "(pmquiz.db.backup-*), or move it away to start fresh.")
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be written ({text}); check permissions."
    if "disk is full" in text or "full" in text:
        return (f"the disk holding {path} is full ({text}): what this command was writing was "
                "not saved, and the database is as it was before it. Free some space and run "
                "it again.")
    if "locked" in text or "busy" in text:
        return f"{path} is busy in another pmquiz for too long ({text}); try again."
    return f"{path}: database error: {text}"
