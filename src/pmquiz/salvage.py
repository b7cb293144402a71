"""Rebuilding a damaged database (`pmquiz doctor --repair` on a file SQLite calls malformed):
every row still readable is copied into a fresh database, reviews and sessions lost with a
damaged page are taken back from the newest backups beside it, and the fresh file replaces
the damaged one, which is kept beside it as `pmquiz.db.damaged-<time>`. Card states are then
rebuilt from the log by the ordinary repair."""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

# Copied in this order (rows a later table points to come first). `card_state` is derived
# and rebuilt from the log afterwards; the full-text index is filled by the cards triggers.
TABLES = ("decks", "deck_files", "cards", "card_state", "sessions", "reviews", "meta")
BACKUP_GLOBS = ("{name}.backup-*", "{name}.doctor-*")
GIVE_UP = 48  # failed reads in a row, the step doubling each time (2**48 rowids: all)


@dataclass
class Salvage:
    """What a salvage did."""

    kept: dict[str, int] = field(default_factory=dict)  # rows copied per table
    lost: dict[str, int] = field(default_factory=dict)  # unreadable stretches per table
    from_backups: dict[str, int] = field(default_factory=dict)  # rows taken from backups
    damaged_copy: str = ""
    backups: list[str] = field(default_factory=list)


def is_damaged(path: Path) -> bool:
    """SQLite finds the file malformed (its quick check fails or cannot run)."""
    from pmquiz.store.opening import read_only

    if not path.exists():
        return False
    try:
        conn = read_only(path)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check(1)")] != ["ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True


def salvage(path: Path) -> Salvage:
    """Replace the damaged database at `path` with a fresh one holding all that can be read
    of it and of its backups."""
    from pmquiz.store import Store

    report = Salvage()
    stamp = int(time.time())
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    shutil.copy2(path, copy)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            shutil.copy2(side, copy.with_name(copy.name + suffix))
    report.damaged_copy = str(copy)
    fresh_path = path.with_name(f"{path.name}.salvage-{stamp}")
    fresh = Store.open(fresh_path)  # the full schema, empty
    conn = fresh.conn
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # a card row may be among the lost
        conn.execute("ATTACH DATABASE ? AS old", (f"file:{copy}?mode=ro",))
        for table in TABLES:
            report.kept[table], report.lost[table] = _copy_rows(conn, "old", table)
        conn.execute("DETACH DATABASE old")
        for backup in sorted(_backups(path), key=lambda p: p.stat().st_mtime, reverse=True):
            report.backups.append(str(backup))
            conn.execute("ATTACH DATABASE ? AS kept", (f"file:{backup}?mode=ro",))
            for table in ("sessions", "reviews"):
                before = _count(conn, table)
                _copy_rows(conn, "kept", table)
                report.from_backups[table] = report.from_backups.get(table, 0) + \
                    _count(conn, table) - before
            conn.execute("DETACH DATABASE kept")
        # every live card has a state row (rebuilt from its log by the repair)
        conn.execute("INSERT OR IGNORE INTO card_state (card, state) SELECT id, 0 FROM cards")
    finally:
        fresh.close()
    for suffix in ("-wal", "-shm"):  # the damaged file's (copied): never to meet the fresh one
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()
    fresh_path.replace(path)
    return report


def _backups(path: Path) -> list[Path]:
    found: list[Path] = []
    for pattern in BACKUP_GLOBS:
        found += [p for p in path.parent.glob(pattern.format(name=path.name))
                  if not p.name.endswith(("-wal", "-shm"))]
    return found


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0])


def _copy_rows(conn: sqlite3.Connection, source: str, table: str) -> tuple[int, int]:
    """Copy the readable rows of `source.table` into `main.table` (rows already there are
    kept): all at once, or, past a damaged page, a stretch of rowids at a time, stepping
    over what cannot be read. Returns (rows copied, stretches lost)."""
    try:
        columns = [r[1] for r in conn.execute(f"PRAGMA {source}.table_info({table})")]
    except sqlite3.DatabaseError:
        return 0, 1
    wanted = {r[1] for r in conn.execute(f"PRAGMA main.table_info({table})")}
    shared = ", ".join(c for c in columns if c in wanted)
    if not shared:
        return 0, 0
    before = _count(conn, table)
    insert = f"INSERT OR IGNORE INTO main.{table} ({shared}) SELECT {shared} FROM {source}.{table}"
    try:
        conn.execute(insert)
        return _count(conn, table) - before, 0
    except sqlite3.DatabaseError:
        pass
    lost = 0
    last = 0
    step = 1
    failures = 0  # in a row: past GIVE_UP the table's own pages cannot be walked at all
    while failures < GIVE_UP:
        try:
            row = conn.execute(f"SELECT max(rowid) FROM (SELECT rowid FROM {source}.{table} "
                               "WHERE rowid > ? ORDER BY rowid LIMIT 100)", (last,)).fetchone()
        except sqlite3.DatabaseError:
            lost += failures == 0
            failures += 1
            last += step  # step over the damaged page's stretch of rowids
            step *= 2
            continue
        failures = 0
        if row[0] is None:
            break
        try:
            conn.execute(f"{insert} WHERE rowid > ? AND rowid <= ?", (last, row[0]))
        except sqlite3.DatabaseError:
            lost += 1
        last, step = row[0], 1
    return _count(conn, table) - before, lost
