"""Deck sync: the cards table brought in line with the deck files, parsing only changed
files; the modules list."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.errors import DeckError, DeckErrors
from pmquiz.model import Deck
from pmquiz.store.base import Room


@dataclass
class SyncReport:
    """What a deck sync did."""

    parsed: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    retired: int = 0


def _unreadable(path: Path, exc: OSError) -> str:
    """Why a deck file cannot be read, a broken link named as one."""
    if path.is_symlink():
        return (f"is a link to {path.readlink()}, which does not exist; point it at a deck "
                "file or remove it")
    return f"cannot read the file: {exc.strerror}"


class Decks(Room):
    """Deck sync: the cards table brought in line with the deck files, parsing only changed
    ones; a file known by its content at another path (a moved home) is only re-pointed."""

    def sync(self, paths: list[Path], parse: Callable[[Path, bytes], Deck],
             progress: Callable[[int, int], None] | None = None) -> SyncReport:
        """Bring the cards table in line with the deck files, parsing only changed files
        (`progress` hears of each file parsed: files done, files in all).

        Invalid decks raise `DeckErrors` and nothing is written. Cards that left their deck,
        and decks whose file is gone, are retired (their reviews stay).
        """
        report = SyncReport()
        known = {row[0]: row for row in self.conn.execute(
            "SELECT path, size, mtime_ns, sha256, deck FROM deck_files")}
        unchanged: dict[str, str] = {}
        changed: list[tuple[Path, os.stat_result, str, Deck]] = []
        touched: list[tuple[str, os.stat_result, str]] = []
        moved: list[tuple[str, str, os.stat_result]] = []  # (old key, new key, stat)
        errors: list[DeckError] = []
        present = {str(p.resolve()) for p in paths}
        # a known file no longer at its path, by content: a moved home or decks folder
        elsewhere = {row[3]: row for key, row in known.items() if key not in present}
        for number, path in enumerate(paths, 1):
            key = str(path.resolve())
            try:
                stat = path.stat()
            except OSError as exc:
                errors.append(DeckError(path, None, _unreadable(path, exc)))
                continue
            row = known.get(key)
            if row and row[1] == stat.st_size and row[2] == stat.st_mtime_ns:
                unchanged[key] = row[4]
                continue
            same = [r for r in elsewhere.values() if (r[1], r[2]) == (stat.st_size,
                    stat.st_mtime_ns) and Path(r[0]).name == path.name] if row is None else []
            if len(same) == 1:  # moved with its name, size and time: not even read
                elsewhere.pop(same[0][3])
                unchanged[key] = same[0][4]
                moved.append((same[0][0], key, stat))
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
            if row is None and digest in elsewhere:  # the same file, moved: nothing to parse
                old_key = elsewhere.pop(digest)[0]
                unchanged[key] = known[old_key][4]
                moved.append((old_key, key, stat))
                continue
            if progress is not None:
                progress(number - 1, len(paths))
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
                and key not in {str(p.resolve()) for p, *_ in changed}
                and key not in {old for old, _, _ in moved}]
        if not changed and not touched and not gone and not moved:
            if self.conn.execute("SELECT 1 FROM meta WHERE key = ?",
                                 (PENDING_SUSPEND,)).fetchone():
                with self.write() as conn:
                    _suspend_pending(conn, set(slugs))
            return report
        with self.write() as conn:
            for old_key, key, stat in moved:
                conn.execute("UPDATE deck_files SET path = ?, size = ?, mtime_ns = ? "
                             "WHERE path = ?", (key, stat.st_size, stat.st_mtime_ns, old_key))
                conn.execute("UPDATE decks SET path = ? WHERE path = ?", (key, old_key))
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
            _suspend_pending(conn, set(slugs))
        return report

    def file_hashes(self, slugs: set[str]) -> dict[str, str]:
        """The content hash of each module's deck file (modules without a file left out)."""
        marks = ", ".join("?" * len(slugs))
        return dict(self.conn.execute(
            f"SELECT deck, sha256 FROM deck_files WHERE deck IN ({marks})", sorted(slugs)
        ).fetchall()) if slugs else {}

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
            groups = sorted(card.group_keys - {card.key})
            siblings = json.dumps([groups, list(card.links), list(card.told)],
                                  ensure_ascii=False) \
                if groups or card.links or card.told else None
            old = existing.pop(card.id, None)
            if old is None:
                cursor = conn.execute(
                    "INSERT INTO cards (deck, card_id, kind, phase, position, category_set, "
                    "body, siblings, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (module.slug, card.id, card.kind.value, module.phase, position,
                     card.category_set or None, body, siblings))
                conn.execute("INSERT INTO card_state (card, state) VALUES (?, 0)",
                             (cursor.lastrowid,))
                report.added += 1
            else:
                conn.execute("UPDATE cards SET kind = ?, phase = ?, position = ?, "
                             "category_set = ?, body = ?, siblings = ?, retired = 0 "
                             "WHERE id = ?", (card.kind.value, module.phase, position,
                                              card.category_set or None, body, siblings,
                                              old[0]))
                if old[1] != body or old[2]:
                    report.updated += 1
        for row, _, retired in existing.values():
            if not retired:
                conn.execute("UPDATE cards SET retired = 1 WHERE id = ?", (row,))
                report.retired += 1

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


PENDING_SUSPEND = "pending_suspend"  # meta key: card keys an import found suspended


def _suspend_pending(conn: sqlite3.Connection, synced: set[str]) -> None:
    """Suspend the cards an import found suspended in Anki (`pmquiz import` writes their
    keys without syncing; it writes only keys of decks this home loads, so the first sync
    after it reads them). Applied once: keys whose module is not synced are dropped."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PENDING_SUSPEND,)).fetchone()
    if not row:
        return
    for key in json.loads(row[0]):
        if isinstance(key, str) and "/" in key and key.split("/", 1)[0] in synced:
            deck, card_id = key.split("/", 1)
            conn.execute("UPDATE cards SET suspended = 1 WHERE deck = ? AND card_id = ? "
                         "AND retired = 0", (deck, card_id))
    conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_SUSPEND,))
