"""`optimize` reschedules with the log its fit has just read (`log_arrays.KnownLog`)
instead of reading it a second time: the same review rows, card states and indexes as a
rebuild that reads it, ties at one time replayed in review-id order, and the log read
again whenever another process wrote in between."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmquiz.config import Settings
from pmquiz.deck import discover, load_file
from pmquiz.scheduler import PARAMETERS_KEY, Scheduler
from pmquiz.store import Store, log_arrays, rewriting

SHIPPED = Path(__file__).resolve().parents[1] / "decks"
NOW = "2026-11-30T09:00:00+00:00"


def write_log(path: Path, reviews: int) -> None:
    """Reviews over the shipped cards but the last ten (never reviewed: still new), two
    years up to yesterday; every seventh one is answered twice at the same moment, the
    later id written first (replay order is time, then review id, whatever order the file
    or the table keeps)."""
    cards = [(deck.module.slug, card.id) for deck in map(load_file, discover([SHIPPED]))
             for card in deck.cards][:-10]
    end = datetime(2026, 11, 29, tzinfo=UTC)
    step = timedelta(days=730) / reviews
    with path.open("w", encoding="utf-8") as out:
        for n in range(reviews):
            module, card = cards[n % len(cards)]
            when = (end - step * (reviews - n)).isoformat()
            ids = [f"t{n:05d}-b", f"t{n:05d}-a"] if n % 7 == 0 else [f"t{n:05d}"]
            for number, uid in enumerate(ids):
                out.write(json.dumps({
                    "id": uid, "module": module, "card": card, "time": when,
                    "rating": 1 + (n * 7 + number * 3) % 4, "duration_ms": 4000,
                    "answer": "", "correct": True, "grade": "self", "mode": "study"}) + "\n")


def env_for(home: Path) -> dict[str, str]:
    return os.environ | {"PMQUIZ_HOME": str(home), "PMQUIZ_NOW": NOW}


def imported_home(tmp_path: Path, reviews: int = 2000) -> Path:
    home = tmp_path / "base"
    history = tmp_path / "log.jsonl"
    write_log(history, reviews)
    subprocess.run([sys.executable, "-m", "pmquiz", "progress", "import", str(history)],
                   env=env_for(home), check=True, capture_output=True)
    return home


def new_parameters() -> Scheduler:
    parameters = list(Scheduler(Settings()).parameters)
    parameters[0] *= 1.5
    parameters[8] *= 0.8
    return Scheduler(Settings(parameters=tuple(parameters)))


def contents(store: Store) -> tuple[object, ...]:
    conn = store.conn
    return (conn.execute("SELECT uid, state_before, stability, difficulty, due, due_before, "
                         "next_time FROM reviews ORDER BY uid").fetchall(),
            conn.execute("SELECT * FROM card_state ORDER BY card").fetchall(),
            sorted(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = "
                                              "'index' AND tbl_name = 'reviews'")))


def rescheduled(base: Path, copy: Path, known: bool,
                between: list[str] | None = None) -> tuple[tuple[object, ...], list[str]]:
    """A copy of `base` rescheduled with new parameters, with the log read first
    (`known`) as optimize reads it, `between` run as another process after that read;
    what the database holds after, and which way the runs were made."""
    shutil.copytree(base, copy)
    store = Store.open(copy / "pmquiz.db")
    log = store.log.known_log() if known else None
    if between:
        subprocess.run([sys.executable, "-m", "pmquiz", *between], env=env_for(copy),
                       check=True, capture_output=True)
    made: list[str] = []
    reading, replaying = log_arrays.log_runs, log_arrays.known_runs
    try:
        log_arrays.log_runs = lambda *a: (made.append("read"), reading(*a))[1]  # type: ignore[assignment]
        log_arrays.known_runs = lambda *a: (made.append("known"), replaying(*a))[1]  # type: ignore[assignment]
        scheduler = new_parameters()
        kept = json.dumps({"parameters": list(scheduler.parameters), "fitted": NOW,
                           "reviews": 0})  # as optimize keeps them: doctor replays with them
        store.log.rebuild_states(scheduler, known=log, meta={PARAMETERS_KEY: kept})
    finally:
        log_arrays.log_runs, log_arrays.known_runs = reading, replaying
    found = contents(store)
    store.close()
    return found, made


@pytest.mark.parametrize("bulk", [10**9, 1000])
def test_rescheduling_the_log_a_fit_read_writes_what_reading_it_again_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int) -> None:
    """In place and in bulk (indexes dropped, rows held and written in id order), over
    several runs: every review row, card state and index the same, the log not read."""
    monkeypatch.setattr(rewriting, "BULK", bulk)
    monkeypatch.setattr(log_arrays, "RUN_REVIEWS", 400)
    base = imported_home(tmp_path)
    read, way = rescheduled(base, tmp_path / "read", known=False)
    assert way == ["read"]
    known, way = rescheduled(base, tmp_path / "known", known=True)
    assert way == ["known"]
    assert known == read
    rows = read[0]
    assert len(rows) == 2000 + 2000 // 7 + 1  # type: ignore[arg-type]
    # the replay moved memory states, so this compared real changes
    before = Store.open(base / "pmquiz.db")
    assert contents(before)[0] != rows
    before.close()


def test_a_review_written_after_the_read_makes_the_rebuild_read_the_log(
        tmp_path: Path) -> None:
    """Another process imports a review between optimize's read and its rescheduling: the
    known log is stale, so the rebuild reads the log, and the new review is rescheduled
    with the rest (a later doctor finds nothing to fix)."""
    base = imported_home(tmp_path, 600)
    extra = tmp_path / "extra.jsonl"
    deck = load_file(next(iter(discover([SHIPPED]))))
    extra.write_text(json.dumps({
        "id": "late-one", "module": deck.module.slug, "card": deck.cards[0].id,
        "time": "2026-11-29T20:00:00+00:00", "rating": 3, "duration_ms": 1000,
        "answer": "", "correct": True, "grade": "self", "mode": "study"}) + "\n",
        encoding="utf-8")
    between = ["progress", "import", str(extra)]
    known, way = rescheduled(base, tmp_path / "known", known=True, between=between)
    assert way == ["read"]
    read, _ = rescheduled(base, tmp_path / "read", known=False, between=between)
    assert known == read
    assert any(row[0] == "late-one" for row in known[0])  # type: ignore[attr-defined, union-attr]
    doctor = subprocess.run([sys.executable, "-m", "pmquiz", "doctor", "--json"],
                            env=env_for(tmp_path / "known") | {"PMQUIZ_NOW": NOW},
                            capture_output=True, text=True, check=False)
    found = json.loads(doctor.stdout)
    assert found["ok"] and found["findings"] == [] and found["reviews"] == 687, found


def test_a_review_removed_through_the_same_connection_makes_the_rebuild_read_the_log(
        tmp_path: Path) -> None:
    """The same connection's own writes leave data_version as it was: the review ids read
    at the rebuild must still be exactly the known reviews, or the log is read again."""
    base = imported_home(tmp_path, 300)
    store = Store.open(base / "pmquiz.db")
    log = store.log.known_log()
    store.conn.execute("DELETE FROM reviews WHERE id = (SELECT max(id) FROM reviews)")
    made: list[str] = []
    reading = log_arrays.log_runs
    log_arrays.log_runs = lambda *a: (made.append("read"), reading(*a))[1]  # type: ignore[assignment]
    try:
        store.log.rebuild_states(new_parameters(), known=log)
    finally:
        log_arrays.log_runs = reading
    assert made == ["read"]
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == \
        len(log.ids) - 1
    store.close()
