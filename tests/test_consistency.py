"""The log and the card states never disagree: concurrent sessions, drills, imports and
optimizations on one home, kills at random points, and `pmquiz doctor`."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz import doctor
from pmquiz.cli import app
from pmquiz.config import Settings
from pmquiz.deck import discover, parse_deck
from pmquiz.model import Answer, Rating
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Scope, Store

from helpers import T0, basic_cards, count_reviews, own_decks_only, terminal_env, write_deck

runner = CliRunner()


def examine(home: Path) -> doctor.Diagnosis:
    """What `pmquiz doctor` finds, through the real command."""
    result = runner.invoke(app, ["doctor", "--json"])
    data = json.loads(result.stdout)
    found = doctor.Diagnosis(cards=data["cards"], reviews=data["reviews"])
    found.findings = [doctor.Finding(f["check"], f["where"], f["detail"])
                      for f in data["findings"]]
    return found


# ---- in process: stale queues, many connections ----------------------------------------

def synced(tmp_path: Path, cards: int) -> Path:
    decks = tmp_path / "decks"
    write_deck(decks, "alpha", basic_cards(cards))
    store = Store.open(tmp_path / "pmquiz.db")
    store.decks.sync(discover([decks]), parse_deck)
    store.close()
    return tmp_path / "pmquiz.db"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 3), st.integers(1, 4),
                          st.integers(0, 90)), min_size=1, max_size=30))
def test_random_interleavings_of_two_sessions_equal_the_replay(
        tmp_path_factory: pytest.TempPathFactory,
        steps: list[tuple[int, int, int, int]]) -> None:
    path = synced(tmp_path_factory.mktemp("db"), 4)
    scheduler = Scheduler(Settings())
    stores = [Store.open(path), Store.open(path)]
    # Each session loaded its queue at the start and never reloads it: stale on purpose.
    queues = [s.queue.cards_in_scope(Scope()) for s in stores]
    recorders = [Recorder(s, scheduler, lambda: T0) for s in stores]
    clock = T0
    for session, card, rating, minutes in steps:
        clock += timedelta(minutes=minutes)
        recorders[session].record(queues[session][card],
                                  Answer(Rating(rating), "", rating > 1, "self", 1000), clock)
    found = doctor.examine(stores[0], scheduler, clock)
    for store in stores:
        store.close()
    assert found.ok, found.findings


def test_doctor_finds_and_repairs_a_state_that_disagrees(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    runner.invoke(app, ["study"], input="a\ngood\nb\neasy\n",
                  env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert examine(home).ok
    conn = sqlite3.connect(home / "pmquiz.db")
    conn.execute("UPDATE card_state SET stability = 99, reps = 7 WHERE reps > 0")
    conn.execute("UPDATE reviews SET next_time = 1 WHERE id = 1")
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "differs from its log's replay in stability, reps" in result.output
    assert "doctor --repair" in result.output
    result = runner.invoke(app, ["doctor", "--repair", "--json"])
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["ok"] and data["repaired"] == 3
    assert Path(data["backup"]).exists()
    assert examine(home).ok


def test_doctor_names_each_card_and_review_that_disagrees(home: Path, tmp_path: Path) -> None:
    """Planted one by one: a never-reviewed card stored as reviewed, a link broken in the
    middle of a log, a review deleted from a log (its card's state and links no longer
    follow). Each is named by its card; the other cards are clean."""
    write_deck(own_decks_only(home), "alpha", basic_cards(5))
    runner.invoke(app, ["due"])
    history = progress_file(tmp_path / "h.jsonl", ["q1", "q2", "q3"], 30, seed=1)
    assert runner.invoke(app, ["progress", "import", str(history)]).exit_code == 0
    assert examine(home).ok
    conn = sqlite3.connect(home / "pmquiz.db")
    keys = dict(conn.execute("SELECT c.card_id, s.card FROM card_state s JOIN cards c "
                             "ON c.id = s.card"))
    logs = {card: [r[0] for r in conn.execute("SELECT id FROM reviews WHERE card = ? "
                                               "ORDER BY time", (card,))]
            for card in keys.values()}
    seen = sorted(card for card, log in logs.items() if len(log) >= 3)
    unseen = sorted(card for card, log in logs.items() if not log)
    assert len(seen) >= 2 and unseen
    conn.execute("UPDATE card_state SET state = 2, stability = 3, reps = 1 WHERE card = ?",
                 (unseen[0],))
    conn.execute("UPDATE reviews SET next_time = next_time + 60 WHERE id = ?",
                 (logs[seen[0]][0],))
    conn.execute("DELETE FROM reviews WHERE id = ?", (logs[seen[1]][1],))
    conn.commit()
    conn.close()
    key = {row: f"alpha/{card_id}" for card_id, row in keys.items()}
    found = {(f.check, f.where) for f in examine(home).findings}
    assert found == {("state", key[unseen[0]]), ("next review link", key[seen[0]]),
                     ("state", key[seen[1]]), ("next review link", key[seen[1]])}


def test_doctor_reports_reviews_from_the_future(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    runner.invoke(app, ["study"], input="a\ngood\n",
                  env={"PMQUIZ_NOW": "2099-03-02T09:00:00+00:00"})
    result = runner.invoke(app, ["doctor", "--json"],
                           env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert json.loads(result.stdout)["problems"]["future review"] == 1
    study = runner.invoke(app, ["study"], input="",
                          env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert "dated in the future; run `pmquiz doctor`" in study.output


# ---- real processes ---------------------------------------------------------------------

def start_study(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "pmquiz", "study", *args],
                            env=terminal_env(home) | {"PMQUIZ_NOW": ""},
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def progress_file(path: Path, cards: list[str], count: int, seed: int) -> Path:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    lines = []
    for i in range(count):
        when = start + timedelta(minutes=5 * i)
        lines.append(json.dumps({"id": f"import-{seed}-{i}", "module": "alpha",
                                 "card": rng.choice(cards), "time": when.isoformat(),
                                 "rating": rng.choice([1, 3, 3, 3, 4])}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("sessions", [2, 3])
def test_concurrent_sessions_optimize_and_import_keep_states_equal_to_the_log(
        home: Path, tmp_path: Path, sessions: int) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(12))
    runner.invoke(app, ["due"])
    history = progress_file(tmp_path / "history.jsonl", [f"q{i}" for i in range(1, 13)],
                            3000, seed=sessions)
    procs = [start_study(home, "--new-per-day", "12") for _ in range(sessions)]
    importer = subprocess.Popen([sys.executable, "-m", "pmquiz", "progress", "import",
                                 str(history)], env=terminal_env(home) | {"PMQUIZ_NOW": ""},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(12):  # every session answers the same cards, line by line
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("x\ngood\n")
            proc.stdin.flush()
    optimizer = subprocess.run([sys.executable, "-m", "pmquiz", "optimize"],
                               env=terminal_env(home) | {"PMQUIZ_NOW": ""},
                               capture_output=True, text=True, timeout=120, check=False)
    for proc in procs:
        proc.communicate(timeout=120)
        assert proc.returncode == 0
    importer.wait(timeout=120)
    assert importer.returncode == 0
    assert optimizer.returncode == 0, optimizer.stderr
    found = examine(home)
    assert found.ok, found.findings[:5]
    assert count_reviews(home) >= 3000 + sessions * 12 - 12  # nothing lost (sessions may end early)


@pytest.mark.parametrize("command", ["import", "optimize", "sync"])
def test_a_kill_at_a_random_point_leaves_the_log_and_states_in_agreement(
        home: Path, tmp_path: Path, command: str) -> None:
    decks = own_decks_only(home)
    write_deck(decks, "alpha", basic_cards(40))
    runner.invoke(app, ["due"])
    history = progress_file(tmp_path / "h.jsonl", [f"q{i}" for i in range(1, 41)], 20000, 7)
    if command != "import":
        assert runner.invoke(app, ["progress", "import", str(history)]).exit_code == 0
    rng = random.Random(command)
    for attempt in range(4):
        if command == "import":
            args = ["progress", "import", str(history)]
        elif command == "optimize":
            args = ["optimize"]
        else:
            # a large deck changed: its sync is the work to interrupt
            write_deck(decks, "alpha", basic_cards(40) + basic_cards(4000 + attempt, "n"))
            args = ["due"]
        proc = subprocess.Popen([sys.executable, "-m", "pmquiz", *args],
                                env=terminal_env(home) | {"PMQUIZ_NOW": ""},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(*{"import": (0.1, 1.1)}.get(command, (0.1, 0.5))))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        found = examine(home)
        assert found.ok, (attempt, found.findings[:5])
    # the next command finishes the job
    if command == "import":
        assert runner.invoke(app, ["progress", "import", str(history)]).exit_code == 0
        assert count_reviews(home) == 20000
    assert examine(home).ok


def previous_version(home: Path, missing: object) -> pytest.MonkeyPatch:
    """A home of three cards in UTC, and the migrations of the version before the step
    `missing` (undo the returned patch to come back to today's code)."""
    from pmquiz import migrations

    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    (home / "config.toml").write_text('timezone = "UTC"\nshipped_decks = false\n',
                                      encoding="utf-8")
    old = pytest.MonkeyPatch()
    previous = tuple(m for m in migrations.MIGRATIONS if m is not missing)
    old.setattr(migrations, "MIGRATIONS", previous)
    old.setattr(migrations, "NAMES", tuple(m.__name__ for m in previous))
    return old


def study_good(moments: list[datetime]) -> None:
    """A session at each moment answering every card asked ("a", "b" or "c") Good."""
    for when in moments:
        assert runner.invoke(app, ["study"], input="a\ngood\nb\ngood\nc\ngood\n" * 2,
                             env={"PMQUIZ_NOW": when.isoformat()}).exit_code == 0


def test_migrating_to_learning_days_replays_every_log_after_a_backup(home: Path) -> None:
    """A database made by the previous version (24-hour elapsed days) is rescheduled once."""
    from datetime import UTC, datetime

    from pmquiz import migrations
    from pmquiz import scheduler as scheduler_module

    path = home / "pmquiz.db"
    # The previous version: its schema steps, and py-fsrs's whole 24-hour periods.
    # (today's code needs the later card_marks step, so the old set keeps it)
    old = previous_version(home, migrations.learning_day_elapsed)
    old.setattr(scheduler_module.Scheduler, "elapsed_days",
                lambda _self, last, now: max(0, (now - last).days))
    evening = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    # each a little earlier than 24 h later
    study_good([evening.replace(hour=hour) + timedelta(days=day)
                for day, hour in ((0, 20), (1, 19), (4, 18))])
    old.undo()
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT card, stability FROM card_state ORDER BY card").fetchall()
    conn.close()
    result = runner.invoke(app, ["due", "--json"])
    assert result.exit_code == 0, result.output
    assert list(home.glob("pmquiz.db.backup-*"))  # backed up before migrating
    store = Store.open(path)
    found = doctor.examine(store, Scheduler(Settings(timezone="UTC")),
                           datetime(2026, 12, 6, tzinfo=UTC))
    after = store.conn.execute("SELECT card, stability FROM card_state ORDER BY card").fetchall()
    assert store.meta.get("replay_pending") is None
    store.close()
    assert found.ok, found.findings  # states equal a replay with learning days
    assert after != before  # and they did change: 23 h later is a day later now


def test_a_home_from_before_hashed_fuzz_draws_is_replayed_once(home: Path) -> None:
    """A database whose fuzzed intervals were drawn by seeding a random generator with the
    review id (the previous version): the migration replays it once with the hashed draws,
    so `doctor` finds it clean and the fuzzed due dates moved within their bands."""
    import hashlib

    from pmquiz import migrations
    from pmquiz import scheduler as scheduler_module

    path = home / "pmquiz.db"
    old = previous_version(home, migrations.hashed_fuzz_draws)
    old.setattr(scheduler_module, "_draw", lambda seed: random.Random(
        hashlib.sha256(seed.encode()).digest()).random())
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    # Good every time: intervals grow past the fuzz floor
    study_good([start + timedelta(days=day) for day in (0, 1, 4, 12, 30, 70)])
    old.undo()
    conn = sqlite3.connect(path)
    before = conn.execute("SELECT card, due FROM card_state ORDER BY card").fetchall()
    conn.close()
    from pmquiz.workspace import open_workspace

    heard: list[tuple[int, int]] = []
    with open_workspace(home, [], replaying=lambda done, total: heard.append((done, total))):
        pass
    assert heard and heard[-1] == (3, 3)  # the rescheduling reports its progress
    assert runner.invoke(app, ["due", "--json"]).exit_code == 0
    store = Store.open(path)
    found = doctor.examine(store, Scheduler(Settings(timezone="UTC")),
                           start + timedelta(days=71))
    after = store.conn.execute("SELECT card, due FROM card_state ORDER BY card").fetchall()
    assert store.meta.get("replay_pending") is None
    store.close()
    assert found.ok, found.findings  # states equal a replay with the hashed draws
    assert after != before  # fuzzed due dates were drawn anew


def test_a_home_with_no_review_yet_is_checked_repaired_and_rescheduled(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    assert examine(home).ok
    assert runner.invoke(app, ["doctor", "--repair", "--json"]).exit_code == 0
    from pmquiz.workspace import open_workspace

    with open_workspace(home, []) as ws:
        assert ws.save_parameters(list(ws.scheduler().parameters), T0, reviews=0) == 3
    assert examine(home).ok
