"""The SQLite store: exact schema from a blank database, sync, one transaction per answer,
replay equals the stored state, and damaged files left untouched."""

from __future__ import annotations

import os
import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from pmquiz.config import Settings
from pmquiz.deck import discover, parse_deck
from pmquiz.errors import DeckErrors, StoreError
from pmquiz.model import Answer, Rating
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Scope, Store

from helpers import T0, basic_cards, write_deck

EXPECTED_SCHEMA = {
    "_sqlite_migrations": ["id", "migration_set", "name", "applied_at"],
    "decks": ["slug", "title", "phase", "phase_title", "ord", "path", "meta"],
    "deck_files": ["path", "size", "mtime_ns", "sha256", "deck"],
    "cards": ["id", "deck", "card_id", "kind", "phase", "position", "category_set", "retired",
              "body", "suspended", "buried_until", "flag", "held_since", "siblings"],
    "card_state": ["card", "state", "step", "stability", "difficulty", "due", "last_review",
                   "reps", "lapses"],
    "sessions": ["id", "uid", "mode", "started", "ended", "answered", "correct"],
    "reviews": ["id", "uid", "card", "time", "rating", "duration_ms", "answer", "correct",
                "grade", "state_before", "session", "mode", "stability", "difficulty", "due",
                "due_before", "next_time", "override"],
    "meta": ["key", "value"],
    "labels": ["id", "statement", "category_set", "category", "time"],
    "cache": ["key", "value"],
    # the full-text index `pmquiz search` reads, and FTS5's own shadow tables
    "cards_fts": ["prompt", "answer", "explain"],
    **{f"cards_fts_{t}": None for t in ("data", "idx", "content", "docsize", "config")},
}


def open_synced(tmp_path: Path, cards: int = 5) -> Store:
    decks = tmp_path / "decks"
    write_deck(decks, "alpha", basic_cards(cards))
    store = Store.open(tmp_path / "pmquiz.db")
    store.decks.sync(discover([decks]), parse_deck)
    return store


def test_blank_database_migrates_to_the_exact_schema(tmp_path: Path) -> None:
    Store.open(tmp_path / "pmquiz.db").close()
    conn = sqlite3.connect(tmp_path / "pmquiz.db")
    tables = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(EXPECTED_SCHEMA)
    for table, columns in EXPECTED_SCHEMA.items():
        if columns is None:
            continue
        assert [r[1] for r in conn.execute(f"PRAGMA table_info({table})")] == columns
    indexes = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'")}
    assert {"idx_card_state_queue", "idx_reviews_uid", "idx_reviews_card_time_stability",
            "idx_cards_deck_card_id"} <= indexes
    assert "idx_reviews_card_time" not in indexes  # the longer index covers it
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")] == \
        ["initial_schema", "review_history_columns", "review_overrides",
         "learning_day_elapsed", "card_marks", "held_back",
         "statement_labels", "one_card_time_index", "derived_cache", "siblings_told",
         "hashed_fuzz_draws"]


def test_a_home_from_before_told_links_reads_its_decks_again(home: Path) -> None:
    """A home synced before cards knew what their explanations tell (`Card.told`): the
    migration has every deck file read again at the next command, so the cards learn it."""
    import json

    from typer.testing import CliRunner

    from pmquiz.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["due"]).exit_code == 0
    conn = sqlite3.connect(home / "pmquiz.db")
    told = "SELECT count(*) FROM cards WHERE json_extract(body, '$.told') IS NOT NULL"
    assert conn.execute(told).fetchone()[0] > 0
    for row, body in conn.execute("SELECT id, body FROM cards").fetchall():
        card = json.loads(body)
        card.pop("told", None)
        conn.execute("UPDATE cards SET body = ? WHERE id = ?", (json.dumps(card), row))
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'siblings_told'")
    conn.commit()
    assert conn.execute(told).fetchone()[0] == 0
    assert runner.invoke(app, ["due"]).exit_code == 0
    assert conn.execute(told).fetchone()[0] > 0
    conn.close()


def test_answer_is_one_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_synced(tmp_path)
    scheduler = Scheduler(Settings())
    [first, *_] = store.queue.cards_in_scope(Scope())
    study = Recorder(store, scheduler, lambda: T0)
    import pmquiz.store.log as store_module

    def broken(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_module, "_write_state", broken)
    with pytest.raises(sqlite3.OperationalError):
        study.record(first, Answer(Rating.GOOD, "x", True, "right", 100), T0)
    assert store.log.review_count() == 0  # the review insert was rolled back with the state
    monkeypatch.undo()
    after = study.record(first, Answer(Rating.GOOD, "x", True, "right", 100), T0)
    assert store.log.review_count() == 1
    assert store.log.card_state(first.row) == after.state


def test_replay_of_the_log_equals_the_stored_state(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=8)
    scheduler = Scheduler(Settings())
    study = Recorder(store, scheduler, lambda: T0)
    rng = random.Random(7)
    when = T0
    cards = store.queue.cards_in_scope(Scope())
    for _ in range(120):
        stored = store.queue.stored_card(rng.choice(cards).row)
        when += timedelta(hours=rng.choice([0.1, 2, 30, 200]))
        study.record(stored, Answer(Rating(rng.randint(1, 4)), "", None, "self", 1000), when)
    stored_states = {c.row: store.log.card_state(c.row) for c in cards}
    for c in cards:
        assert scheduler.replay(store.log.reviews_of(c.row)) == stored_states[c.row]
    columns = ("SELECT id, state_before, stability, difficulty, due, due_before, next_time "
               "FROM reviews ORDER BY id")
    logged = store.conn.execute(columns).fetchall()
    store.conn.execute("UPDATE card_state SET stability = 99, due = 0")
    store.conn.execute("UPDATE reviews SET stability = 1, state_before = 0, due_before = 0, "
                       "next_time = NULL")
    store.log.rebuild_states(scheduler)
    assert {c.row: store.log.card_state(c.row) for c in cards} == stored_states
    assert store.conn.execute(columns).fetchall() == logged


def test_sync_parses_only_changed_files_and_keeps_history_by_id(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=3)
    calls: list[Path] = []

    def counting(path: Path, raw: bytes):  # type: ignore[no-untyped-def]
        calls.append(path)
        return parse_deck(path, raw)

    deck = tmp_path / "decks" / "alpha.toml"
    assert store.decks.sync([deck], counting).parsed == []
    assert calls == []
    os.utime(deck, ns=(1, 1))  # touched, same bytes: hashed, not parsed
    assert store.decks.sync([deck], counting).parsed == []
    assert calls == []
    [q1, *_] = store.queue.cards_in_scope(Scope())
    Recorder(store, Scheduler(Settings()), lambda: T0).record(
        q1, Answer(Rating.GOOD, "", True, "self", 10), T0)
    deck.write_text(deck.read_text().replace("Question 1?", "Question one, reworded?")
                    .replace('[[cards]]\nid = "q3"', '[[cards]]\nid = "q3x"'))
    report = store.decks.sync([deck], counting)
    assert calls == [deck]
    assert (report.added, report.retired) == (1, 1)
    reworded = store.queue.stored_card(q1.row)
    assert reworded.card.prompt == "Question one, reworded?"
    assert reworded.state.reps == 1  # the same id keeps its history
    assert len(store.queue.cards_in_scope(Scope())) == 3


def test_invalid_deck_writes_nothing(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=2)
    before = store.conn.execute("SELECT count(*), group_concat(body) FROM cards").fetchone()
    deck = tmp_path / "decks" / "alpha.toml"
    deck.write_text(deck.read_text() + '\n[[cards]]\nid = "bad"\nkind = "nope"\nprompt = "x"\n')
    with pytest.raises(DeckErrors, match=r'alpha.toml:\d+: card "bad": unknown kind'):
        store.decks.sync([deck], parse_deck)
    assert store.conn.execute("SELECT count(*), group_concat(body) FROM cards").fetchone() == before


def test_deck_file_removed_retires_its_cards_but_keeps_reviews(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=2)
    [q1, _] = store.queue.cards_in_scope(Scope())
    Recorder(store, Scheduler(Settings()), lambda: T0).record(
        q1, Answer(Rating.GOOD, "", True, "self", 10), T0)
    report = store.decks.sync([], parse_deck)
    assert report.retired == 2
    assert store.queue.cards_in_scope(Scope()) == []
    assert store.log.review_count() == 1


def test_not_a_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "pmquiz.db"
    junk = bytes(random.Random(1).randrange(256) for _ in range(4096))
    path.write_bytes(junk)
    with pytest.raises(StoreError, match="not a pmquiz database"):
        Store.open(path)
    assert path.read_bytes() == junk
    assert not (tmp_path / "pmquiz.db-wal").exists()


def test_damaged_database_is_reported_and_untouched(tmp_path: Path) -> None:
    open_synced(tmp_path).close()
    path = tmp_path / "pmquiz.db"
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        Store.open(path)
    assert path.read_bytes() == bytes(data)


def test_database_from_a_newer_pmquiz_is_refused(tmp_path: Path) -> None:
    open_synced(tmp_path).close()
    path = tmp_path / "pmquiz.db"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('pmquiz', 'from_the_future', 'x')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer pmquiz"):
        Store.open(path)
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_database_is_refused(tmp_path: Path) -> None:
    open_synced(tmp_path).close()
    path = tmp_path / "pmquiz.db"
    path.chmod(0o444)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)


def test_read_only_database_is_refused_even_for_root(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    open_synced(tmp_path).close()
    path = tmp_path / "pmquiz.db"
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == path and
                        mode == os.W_OK else real_access(p, mode))
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)
    assert path.read_bytes() == before


def test_undo_restores_the_previous_state(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=1)
    scheduler = Scheduler(Settings())
    study = Recorder(store, scheduler, lambda: T0)
    [card] = store.queue.cards_in_scope(Scope())
    once = study.record(card, Answer(Rating.GOOD, "", True, "self", 10), T0)
    study.record(once, Answer(Rating.AGAIN, "", False, "self", 10), T0 + timedelta(minutes=10))
    last = store.log.last_review()
    assert last is not None and last[4] is Rating.AGAIN
    restored = store.log.undo(last[0], scheduler.replay)
    assert restored == once.state == store.log.card_state(card.row)
    assert store.log.review_count() == 1


def test_queue_ranking_fast_path_matches_the_general_one(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=12)
    scheduler = Scheduler(Settings(fuzz=False))
    study = Recorder(store, scheduler, lambda: T0)
    rng = random.Random(3)
    for stored in store.queue.cards_in_scope(Scope()):
        when = T0 - timedelta(days=rng.uniform(20, 90))
        state = stored
        for rating in (Rating.GOOD, Rating.GOOD, rng.choice([Rating.AGAIN, Rating.GOOD])):
            state = study.record(state, Answer(rating, "", True, "self", 10), when)
            when += timedelta(minutes=rng.choice([10, 20, 2000]))
    store.conn.execute("UPDATE cards SET retired = 1 WHERE card_id IN ('q1', 'q5')")
    now = T0 + timedelta(days=30)
    order = "ORDER BY (? - s.last_review) / s.stability DESC, s.card LIMIT ?"
    for limit in (3, 50):
        fast = store.queue.due_reviews(Scope(), now, now, limit)
        general = store.queue._ranked("s.state = 2 AND s.due < ? AND c.retired = 0",
                                [now.timestamp(), now.timestamp(), limit], order)
        assert fast and [s.row for s in fast] == [s.row for s in general]
        assert {s.card.id for s in fast}.isdisjoint({"q1", "q5"})
        learning = store.queue.learning_cards(Scope(), now, now, limit)
        assert learning and [s.row for s in learning] == [s.row for s in store.queue._ranked(
            "s.state IN (1, 3) AND s.due < ? AND c.retired = 0", [now.timestamp(), limit],
            "ORDER BY s.due, s.card LIMIT ?")]
    recall = [scheduler.retrievability(s.state, now) for s in store.queue.due_reviews(
        Scope(), now, now, 50)]
    assert recall == sorted(recall)  # lowest predicted recall first


def test_a_moved_home_re_reads_no_deck(tmp_path: Path) -> None:
    """Moving a home (or its decks folder) re-points the deck files by their content: no
    deck is parsed again, no card retired, the history stays; the decks list shows the new
    path. A file that changed while it moved is parsed as usual."""
    store = open_synced(tmp_path / "before", cards=3)
    [q1, *_] = store.queue.cards_in_scope(Scope())
    Recorder(store, Scheduler(Settings()), lambda: T0).record(
        q1, Answer(Rating.GOOD, "", True, "self", 10), T0)
    store.close()
    os.rename(tmp_path / "before", tmp_path / "after")
    store = Store.open(tmp_path / "after" / "pmquiz.db")
    calls: list[Path] = []

    def counting(path: Path, raw: bytes):  # type: ignore[no-untyped-def]
        calls.append(path)
        return parse_deck(path, raw)

    deck = tmp_path / "after" / "decks" / "alpha.toml"
    report = store.decks.sync([deck], counting)
    assert calls == [] and report.parsed == [] and report.retired == 0
    assert store.queue.stored_card(q1.row).state.reps == 1
    assert store.conn.execute("SELECT path FROM deck_files").fetchall() == [(str(deck),)]
    assert store.conn.execute("SELECT path FROM decks").fetchall() == [(str(deck),)]
    assert store.decks.sync([deck], counting).parsed == []  # and it stays known there
    # moved and changed: parsed, the same module keeps its cards' history by id
    os.rename(tmp_path / "after", tmp_path / "again")
    deck = tmp_path / "again" / "decks" / "alpha.toml"
    deck.write_text(deck.read_text().replace("Question 2?", "Question two?"))
    store.close()
    store = Store.open(tmp_path / "again" / "pmquiz.db")
    report = store.decks.sync([deck], counting)
    assert calls == [deck] and report.retired == 0
    assert store.queue.stored_card(q1.row).state.reps == 1


def test_a_rebuild_writes_only_rows_that_change(tmp_path: Path) -> None:
    store = open_synced(tmp_path, cards=3)
    scheduler = Scheduler(Settings())
    recorder = Recorder(store, scheduler, lambda: T0)
    for day in range(4):
        for stored in store.queue.cards_in_scope(Scope()):
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 10),
                            T0 + timedelta(days=3 * day))
    before = store.conn.total_changes
    assert store.log.rebuild_states(scheduler) == 3
    assert store.conn.total_changes == before  # the log replays to what is stored
    store.conn.execute("UPDATE reviews SET stability = 99 WHERE id = 5")
    store.conn.execute("UPDATE card_state SET lapses = 7 WHERE card = 2")
    store.conn.commit()
    before = store.conn.total_changes
    store.log.rebuild_states(scheduler)
    assert store.conn.total_changes - before == 2
    assert store.conn.execute("SELECT stability FROM reviews WHERE id = 5").fetchone()[0] < 99
    assert store.conn.execute("SELECT lapses FROM card_state WHERE card = 2").fetchone()[0] == 0


def test_every_connection_sorts_with_a_second_thread_and_checks_cards(tmp_path: Path) -> None:
    """SQLite may sort with SORT_THREADS helper threads (making a 1M-row index again took a
    quarter less time), and card references are checked, also again after a write that
    left them out (`Store.write(card_checks=False)`)."""
    from pmquiz.store import Store
    from pmquiz.store.opening import SORT_THREADS

    store = Store.open(tmp_path / "pmquiz.db")
    try:
        conn = store.conn
        assert SORT_THREADS == 2
        assert conn.execute("PRAGMA threads").fetchone()[0] == SORT_THREADS
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with store.write(card_checks=False) as inside:
            assert inside.execute("PRAGMA foreign_keys").fetchone()[0] == 0
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(ZeroDivisionError), store.write(card_checks=False):
            raise ZeroDivisionError  # an error inside: the checks come back on all the same
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        store.close()
