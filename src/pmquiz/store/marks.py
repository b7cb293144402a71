"""Marks and search: suspended, buried and flagged cards, and the full-text index."""

from __future__ import annotations

import re
from datetime import datetime

from pmquiz.errors import StoreError
from pmquiz.model import StoredCard
from pmquiz.store.base import Room, Scope, from_ts, to_ts

MAX_SEARCH_WORDS = 16  # distinct words searched for (FTS time grows with every term)
MAX_WORD = 64  # characters of one word


def search_words(text: str) -> list[str]:
    """The words `search` looks for: each once, at most `MAX_SEARCH_WORDS`, each cut to
    `MAX_WORD` characters (a word repeated 5,000 times took FTS 194 s)."""
    return list(dict.fromkeys(w[:MAX_WORD] for w in re.findall(r"\w+", text.lower())))[
        :MAX_SEARCH_WORDS]


class Marks(Room):
    """Marks and search: suspended, buried and flagged cards, and the full-text index."""

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

    def hold(self, rows: list[int], since: datetime) -> None:
        """Mark cards held back by a sibling since the learning day starting `since` (a card
        held already keeps its first day); an answer clears the mark."""
        if rows:
            with self.write() as conn:
                conn.executemany("UPDATE cards SET held_since = ? WHERE id = ? AND "
                                 "held_since IS NULL", [(to_ts(since), r) for r in rows])

    def of(self, row: int) -> tuple[bool, datetime | None, int]:
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
        words = search_words(text)
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

    def marked(self, scope: Scope, limit: int = 50, now: datetime | None = None
               ) -> list[tuple[StoredCard, str, bool, int]]:
        """Live flagged or suspended cards (with `now`, buried ones too), in course order, in
        the form `search` gives."""
        where, params = scope.where()
        buried = "OR coalesce(c.buried_until, 0) > ?" if now is not None else ""
        rows = self.conn.execute(
            "SELECT c.id, '', c.suspended, c.flag FROM cards c JOIN decks d ON d.slug = c.deck "
            f"WHERE (c.flag > 0 OR c.suspended = 1 {buried}) AND {where} "
            "ORDER BY c.phase, d.ord, c.deck, c.position LIMIT ?",
            [*([to_ts(now)] if now is not None else []), *params, limit]).fetchall()
        return self._with_marks(rows)

    def buried_rows(self, rows: list[int], now: datetime) -> set[int]:
        """Which of these cards are buried at `now`."""
        if not rows:
            return set()
        return {r[0] for r in self.conn.execute(
            f"SELECT id FROM cards WHERE id IN ({', '.join('?' * len(rows))}) AND "
            "coalesce(buried_until, 0) > ?", [*rows, to_ts(now)])}

    def _with_marks(self, rows: list[tuple[int, str, int, int]]
                    ) -> list[tuple[StoredCard, str, bool, int]]:
        found = {s.row: s for s in self.store.queue._load([r[0] for r in rows])}
        return [(found[r[0]], r[1], bool(r[2]), int(r[3])) for r in rows if r[0] in found]
