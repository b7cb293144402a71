"""The learner's own labels for statements (`pmquiz classify "…" --is CATEGORY`): evidence
the statement check uses beside the cards."""

from __future__ import annotations

from datetime import datetime

from pmquiz.store.base import Room, from_ts, to_ts


class Labels(Room):
    """The learner's labels: a statement, its category set and the category given."""

    def add(self, statement: str, category_set: str, category: str, when: datetime) -> int:
        """Keep a label (one per statement and set: a new one replaces it); its id."""
        with self.write() as conn:
            conn.execute("DELETE FROM labels WHERE statement = ? AND category_set = ?",
                         (statement, category_set))
            cursor = conn.execute("INSERT INTO labels (statement, category_set, category, "
                                  "time) VALUES (?, ?, ?, ?)",
                                  (statement, category_set, category, to_ts(when)))
            return int(cursor.lastrowid or 0)

    def remove(self, label_id: int) -> bool:
        """Remove a label; False when there was none with that id."""
        with self.write() as conn:
            return conn.execute("DELETE FROM labels WHERE id = ?", (label_id,)).rowcount > 0

    def all(self) -> list[tuple[int, str, str, str, datetime | None]]:
        """Every label: (id, statement, category set, category, when), oldest first."""
        return [(r[0], r[1], r[2], r[3], from_ts(r[4])) for r in self.conn.execute(
            "SELECT id, statement, category_set, category, time FROM labels ORDER BY id")]

    def of_set(self, category_set: str) -> list[tuple[str, str]]:
        """(statement, category) of the labels of one category set."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT statement, category FROM labels WHERE category_set = ? ORDER BY id",
            (category_set,))]
