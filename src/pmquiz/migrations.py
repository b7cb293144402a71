"""The database schema as named migrations, applied once each, in a transaction each.

Never edit a migration after release: add a new one. `NAMES` lets the store see whether
anything is pending without importing sqlite-utils (which costs ~130 ms at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.db import Table
    from sqlite_utils.migrations import Migrations

SET_NAME = "pmquiz"


def initial_schema(db: Database) -> None:
    """Decks, cards, card states, the review log and sessions."""
    _table(db, "decks").create({"slug": str, "title": str, "phase": int, "phase_title": str,
                        "ord": int, "path": str, "meta": str}, pk="slug", not_null={"title"})
    _table(db, "deck_files").create({"path": str, "size": int, "mtime_ns": int, "sha256": str,
                             "deck": str}, pk="path")
    # `body` (the card's JSON) last: SQLite reads a row's columns in order, so the small ones
    # every query filters on stay in front of the long text.
    _table(db, "cards").create({"id": int, "deck": str, "card_id": str, "kind": str, "phase": int,
                        "position": int, "category_set": str, "retired": int, "body": str},
                       pk="id", not_null={"deck", "card_id", "kind", "body"},
                       defaults={"retired": 0})
    _table(db, "cards").create_index(["deck", "card_id"], unique=True)
    _table(db, "cards").create_index(["phase", "deck"])
    _table(db, "card_state").create({"card": int, "state": int, "step": int, "stability": float,
                             "difficulty": float, "due": float, "last_review": float,
                             "reps": int, "lapses": int}, pk="card",
                            foreign_keys=[("card", "cards", "id")],
                            defaults={"state": 0, "reps": 0, "lapses": 0})
    # Covers the queue: due cards are ranked by (now - last_review) / stability from the
    # index alone.
    _table(db, "card_state").create_index(["state", "due", "last_review", "stability"],
                                          index_name="idx_card_state_queue")
    _table(db, "sessions").create({"id": int, "uid": str, "mode": str, "started": float,
                           "ended": float, "answered": int, "correct": int}, pk="id",
                          defaults={"answered": 0, "correct": 0})
    _table(db, "reviews").create({"id": int, "uid": str, "card": int, "time": float, "rating": int,
                          "duration_ms": int, "answer": str, "correct": int, "grade": str,
                          "state_before": int, "session": int, "mode": str,
                          # the card's state right after this review, so figures over time
                          # (score history) need no replay of the whole log
                          "stability": float, "difficulty": float, "due": float}, pk="id",
                         not_null={"uid", "card", "time", "rating"},
                         foreign_keys=[("card", "cards", "id"), ("session", "sessions", "id")])
    _table(db, "reviews").create_index(["uid"], unique=True)
    _table(db, "reviews").create_index(["card", "time"])
    _table(db, "reviews").create_index(["time", "state_before"])
    _table(db, "reviews").create_index(["card", "time", "stability"],
                                       index_name="idx_reviews_card_time_stability")
    _table(db, "meta").create({"key": str, "value": str}, pk="key")


def review_history_columns(db: Database) -> None:
    """Each review also keeps when the card was due at that moment and when it was next
    reviewed, so true retention and score history are plain SQL aggregates. Filled in for
    the reviews already there."""
    reviews = _table(db, "reviews")
    reviews.add_column("due_before", float)
    reviews.add_column("next_time", float)
    db.execute(
        "UPDATE reviews SET due_before = w.before, next_time = w.following FROM (SELECT id, "
        "LAG(due) OVER c AS before, LEAD(time) OVER c AS following FROM reviews "
        "WINDOW c AS (PARTITION BY card ORDER BY time, uid)) AS w WHERE reviews.id = w.id")
    reviews.create_index(["next_time", "time", "stability", "card"],
                         index_name="idx_reviews_next_time")


def review_overrides(db: Database) -> None:
    """A review records when the learner overruled the automatic verdict ("right" or
    "wrong"); `grade` keeps what the grader said."""
    _table(db, "reviews").add_column("override", str)


REPLAY_KEY = "replay_pending"


def learning_day_elapsed(db: Database) -> None:
    """Elapsed time between reviews is now counted in learning days: every existing card is
    rescheduled by replaying its log once. The replay needs the learner's settings, so this
    step only marks it due; `workspace.open_workspace` does it (the file was backed up before
    this migration ran)."""
    if db.execute("SELECT count(*) FROM reviews").fetchone()[0]:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                   (REPLAY_KEY, "learning days"))


def card_marks(db: Database) -> None:
    """What the learner says of a card besides answering it: suspended (never asked until
    unsuspended), buried until a moment (the next learning day), flagged (a colour number,
    0 = none); and a full-text index over prompts, answers and explanations for `search`,
    kept in step with the cards table by triggers."""
    cards = _table(db, "cards")
    cards.add_column("suspended", int, not_null_default=0)
    cards.add_column("buried_until", float)
    cards.add_column("flag", int, not_null_default=0)
    db.execute("CREATE VIRTUAL TABLE cards_fts USING fts5(prompt, answer, explain, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    db.execute(f"INSERT INTO cards_fts (rowid, prompt, answer, explain) SELECT {FTS_ROW}")
    db.execute("CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN "
               f"INSERT INTO cards_fts (rowid, prompt, answer, explain) SELECT {FTS_NEW}; END")
    db.execute("CREATE TRIGGER cards_fts_update AFTER UPDATE OF body ON cards BEGIN "
               "DELETE FROM cards_fts WHERE rowid = old.id; "
               f"INSERT INTO cards_fts (rowid, prompt, answer, explain) SELECT {FTS_NEW}; END")
    db.execute("CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN "
               "DELETE FROM cards_fts WHERE rowid = old.id; END")


# What `search` looks in: the prompt; the answer with a list's items and a question's
# options; the explanation.
_FTS_COLUMNS = ("{t}.id, json_extract({t}.body, '$.prompt'), "
                "coalesce(json_extract({t}.body, '$.answer'), '') || ' ' || "
                "coalesce((SELECT group_concat(value, ' ; ') FROM json_each({t}.body, '$.items')), "
                "'') || ' ' || coalesce((SELECT group_concat(value, ' ; ') "
                "FROM json_each({t}.body, '$.options')), ''), "
                "json_extract({t}.body, '$.explain')")
FTS_ROW = _FTS_COLUMNS.format(t="cards") + " FROM cards"
FTS_NEW = _FTS_COLUMNS.format(t="new")


def held_back(db: Database) -> None:
    """A card held back because a sibling was asked that day records the start of that
    learning day (`held_since`): the next day it is asked whatever its siblings do, so no
    card waits more than a day. `siblings` holds, for a card that has any, its sibling
    groups and the cards whose answers it shows (`[groups, links]` as JSON: what settling
    siblings reads, without parsing bodies). Every deck is read again on the next sync, so
    cards learn which other cards they show (`links` in the card body)."""
    _table(db, "cards").add_column("held_since", float)
    _table(db, "cards").add_column("siblings", str)
    db.execute("UPDATE deck_files SET mtime_ns = 0, sha256 = ''")


def statement_labels(db: Database) -> None:
    """The learner's own labels for statements (`classify --is`): evidence for the check."""
    _table(db, "labels").create({"id": int, "statement": str, "category_set": str,
                                 "category": str, "time": float}, pk="id",
                                not_null={"statement", "category_set", "category"})


def one_card_time_index(db: Database) -> None:
    """(card, time) is the front of (card, time, stability): the shorter index only cost a
    write per answer and space, so it goes (measured query plans use the longer one)."""
    db.execute("DROP INDEX IF EXISTS idx_reviews_card_time")


def derived_cache(db: Database) -> None:
    """Data derived from the decks and kept between runs (store/cache.py): sentence vectors
    of card statements, a category set's evidence."""
    _table(db, "cache").create({"key": str, "value": bytes}, pk="key", not_null={"value"})


def siblings_told(db: Database) -> None:
    """Cards learnt which answers only their explanation shows (`Card.told`): every deck
    file is read again at the next sync, so the cards' sibling links are found anew."""
    db.execute("UPDATE deck_files SET size = -1, sha256 = ''")


def hashed_fuzz_draws(db: Database) -> None:
    """Fuzz draws come from a hash of the review id, no longer from a random generator
    seeded by it (`scheduler._draw`): the stored states are replayed once with the new
    draws, as `learning_day_elapsed` marks it. A card whose interval was fuzzed moves within
    its fuzz band."""
    if db.execute("SELECT count(*) FROM reviews").fetchone()[0]:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                   (REPLAY_KEY, "hashed fuzz draws"))


def _table(db: Database, name: str) -> Table:
    return db.table(name)


MIGRATIONS = (initial_schema, review_history_columns, review_overrides, learning_day_elapsed,
              card_marks, held_back, statement_labels, one_card_time_index, derived_cache,
              siblings_told, hashed_fuzz_draws)
NAMES = tuple(m.__name__ for m in MIGRATIONS)


def migrations() -> Migrations:
    """The sqlite-utils migration set, built on demand."""
    from sqlite_utils.migrations import Migrations

    found = Migrations(SET_NAME)
    for step in MIGRATIONS:
        found()(step)
    return found
