"""Data derived from the decks and kept between runs, under a key that names what it was
derived from (a hash of a text, or the deck files' hashes): the statement check embeds a
card statement once, not at every check, and reads a category set's evidence as one row
(100k cards: seconds of reading and embedding become a few indexed reads)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from pmquiz.store.base import Room

CHUNK = 500  # keys per query, under SQLite's variable limit


class Cache(Room):
    """Derived data: key -> bytes (a vector's float32 bytes, or JSON)."""

    def get(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The cached values of these keys (missing keys are left out)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            found.update(self.conn.execute(
                f"SELECT key, value FROM cache WHERE key IN ({', '.join('?' * len(chunk))})",
                chunk).fetchall())
        return found

    def put(self, values: dict[str, bytes]) -> None:
        """Keep values (a key already there keeps its value: what it came from is the
        same)."""
        if not values:
            return
        try:
            with self.write() as conn:
                conn.executemany("INSERT OR IGNORE INTO cache (key, value) VALUES (?, ?)",
                                 list(values.items()))
        except sqlite3.OperationalError:
            # a cache: a database that cannot be written now (read-only, busy, full) only
            # costs the next check the time to derive it again
            return

    def drop_prefix(self, prefix: str) -> int:
        """Forget every value whose key starts with `prefix` (an older version of it)."""
        try:
            with self.write() as conn:
                return conn.execute("DELETE FROM cache WHERE substr(key, 1, ?) = ?",
                                    (len(prefix), prefix)).rowcount
        except sqlite3.OperationalError:
            return 0  # as with put: the old value stays until a write succeeds
