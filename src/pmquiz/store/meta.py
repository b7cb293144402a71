"""Metadata: small named values kept in the database (schema flags, parameters)."""

from __future__ import annotations

from pmquiz.store.base import Room


class Meta(Room):
    """Metadata: small named values kept in the database (schema flags, parameters)."""

    def get(self, key: str) -> str | None:
        """A value from the key-value table (stored parameters and the like)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        """Store a key-value pair."""
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
