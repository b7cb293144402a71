"""Queue queries: which cards are due, learning, new, their counts and the next due time;
finding one card by its key."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from pmquiz.errors import StoreError
from pmquiz.model import Card, State, StoredCard
from pmquiz.store.base import Room, Scope, askable, from_ts, to_ts
from pmquiz.store.log import state_of


class Queue(Room):
    """Queue queries: which cards are due, learning, new, their counts and the next due time;"""

    def stored_card(self, row: int) -> StoredCard:
        """One card with its module and state."""
        found = self._stored_cards("c.id = ?", [row])
        if not found:
            raise StoreError(f"card #{row} is not in the database")
        return found[0]

    def _stored_cards(self, where: str, params: list[object], tail: str = "") -> list[StoredCard]:
        sql = ("SELECT c.id, c.body, c.phase, d.title, s.state, s.step, s.stability, "
               "s.difficulty, s.due, s.last_review, s.reps, s.lapses, c.held_since FROM cards c "
               "JOIN card_state s ON s.card = c.id JOIN decks d ON d.slug = c.deck "
               f"WHERE {where} {tail}")
        return [StoredCard(row=r[0], card=Card.from_dict(json.loads(r[1])), phase_number=r[2],
                           module_title=r[3], state=state_of(r[4:12]), held=from_ts(r[12]))
                for r in self.conn.execute(sql, params)]

    def cards_in_scope(self, scope: Scope, kinds: Iterable[str] = ()) -> list[StoredCard]:
        """Every live card of the scope, in course order."""
        where, params = scope.where()
        kinds = list(kinds)
        if kinds:
            where += f" AND c.kind IN ({', '.join('?' * len(kinds))})"
            params += kinds
        return self._stored_cards(where, params, "ORDER BY c.phase, d.ord, c.deck, c.position")

    def statement_rows(self, scope: Scope, category_set: str | None = None
                       ) -> list[tuple[int, str, str, str, str, str]]:
        """(row, deck, category set, statement, category, categories as JSON) of the live
        classify cards of the scope, in course order, read without parsing card bodies."""
        where, params = scope.where()
        if category_set is not None:
            where += " AND c.category_set = ?"
            params.append(category_set)
        return self.conn.execute(
            "SELECT c.id, c.deck, c.category_set, json_extract(c.body, '$.prompt'), "
            "json_extract(c.body, '$.answer'), json_extract(c.body, '$.categories') "
            f"FROM cards c WHERE c.kind = 'classify' AND {where} "
            "ORDER BY c.phase, c.deck, c.position", params).fetchall()

    def statement_sets(self, scope: Scope, category_set: str | None = None
                       ) -> dict[str, set[str]]:
        """The category sets of the scope's live classify cards (one, or all), each with
        the modules its cards are in; card bodies are not read."""
        where, params = scope.where()
        if category_set is not None:
            where += " AND c.category_set = ?"
            params.append(category_set)
        found: dict[str, set[str]] = {}
        for name, deck, _ in self.conn.execute(
                f"SELECT c.category_set, c.deck, min(c.phase) FROM cards c WHERE c.kind = "
                f"'classify' AND {where} GROUP BY c.category_set, c.deck ORDER BY 3, 2",
                params):
            found.setdefault(name, set()).add(deck)
        return found

    def deck_texts(self, decks: Iterable[str]) -> list[tuple[int, str, str, str, str]]:
        """(row, deck, kind, source, prompt) of every live card of these modules."""
        found: list[tuple[int, str, str, str, str]] = []
        for deck in sorted(set(decks)):
            found += self.conn.execute(
                "SELECT c.id, c.deck, c.kind, coalesce(json_extract(c.body, '$.source'), ''), "
                "json_extract(c.body, '$.prompt') FROM cards c WHERE c.deck = ? AND "
                "c.retired = 0 ORDER BY c.position", (deck,)).fetchall()
        return found

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

    def due_by_date(self, scope: Scope, until: datetime, now: datetime,
                    limit: int) -> list[StoredCard]:
        """Review cards due before `until` that may be asked `now`, earliest due first (the
        order siblings are settled in: it does not change with the hour of the session)."""
        where, params = scope.where(asking=now)
        return self._ranked(f"s.state = 2 AND s.due < ? AND {where}",
                            [to_ts(until), *params, limit], "ORDER BY s.due, s.card LIMIT ?")

    def waiting_new(self, scope: Scope) -> list[StoredCard]:
        """Unseen, unsuspended cards held back for a sibling (they come first), in course
        order."""
        where, params = scope.where()
        return self._stored_cards(f"s.state = 0 AND c.held_since IS NOT NULL AND "
                                  f"c.suspended = 0 AND {where}", params,
                                  "ORDER BY c.phase, d.ord, c.deck, c.position")

    def due_outline(self, scope: Scope, until: datetime
                    ) -> list[tuple[int, int, float, str, str, str | None, float | None]]:
        """Seen, unsuspended cards due before `until`, in outline for the forecast (no body
        read, in no order): row, state, due, module, card id, its `siblings` column (JSON
        `[groups, links]`, or None) and when it was first held back."""
        where, params = scope.where()
        return list(self.conn.execute(
            "SELECT c.id, s.state, s.due, c.deck, c.card_id, c.siblings, c.held_since "
            "FROM card_state s JOIN cards c ON c.id = s.card WHERE s.state > 0 AND s.due < ? "
            f"AND c.suspended = 0 AND {where}",
            [to_ts(until), *params]))

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

    def met_since(self, since: datetime) -> tuple[frozenset[str], frozenset[str]]:
        """Of the cards answered since a moment: their group keys (`Card.group_keys`), and the
        keys of the cards whose answers they showed (`Card.links`)."""
        groups: set[str] = set()
        shown: set[str] = set()
        for deck, card_id, siblings in self.conn.execute(
                # from the reviews' time index to the cards (a join lets SQLite scan every
                # card: 57 ms against 2.5 ms at 100k cards)
                "SELECT c.deck, c.card_id, c.siblings FROM cards c "
                "WHERE c.id IN (SELECT card FROM reviews WHERE time >= ?)", (to_ts(since),)):
            groups.add(f"{deck}/{card_id}")
            if siblings:
                grouped, linked, *_ = json.loads(siblings)
                groups.update(grouped)
                shown.update(linked)
        return frozenset(groups), frozenset(shown)

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
        if not rows and key.strip():
            # any unique part of `module/card-id`, as git takes a short hash
            rows = self.conn.execute(
                "SELECT id, deck || '/' || card_id FROM cards WHERE retired = 0 AND "
                "instr(deck || '/' || card_id, ?) ORDER BY deck, position LIMIT 11",
                (key.strip(),)).fetchall()
            if len(rows) > 1:
                listed = "\n  ".join(r[1] for r in rows[:10])
                more = "\n  …" if len(rows) > 10 else ""
                raise StoreError(f'"{key}" is part of more than one card id; say which:\n  '
                                 f"{listed}{more}")
        if not rows:
            raise StoreError(f'no card "{key}": give its id as module/card-id, or any part '
                             "of it that only one card has (pmquiz search TEXT finds it)")
        return self.stored_card(rows[0][0])
