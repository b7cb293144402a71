"""Attacks on timing (issue 24): what a hostile or unlucky user does while pmquiz works. Each
test names the attack; the next person adds theirs here."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.model import Answer, Rating
from pmquiz.recorder import Recorder
from pmquiz.store import Scope
from pmquiz.workspace import open_workspace

from helpers import basic_cards, own_decks_only, write_deck

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_session_open_across_optimize_schedules_with_the_new_parameters(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    with open_workspace(home, []) as session:
        recorder = Recorder(session.store, session.scheduler(), lambda: T0)
        cards = session.store.queue.cards_in_scope(Scope())
        for stored in cards:  # learned before the fit
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 1000), T0)
        with open_workspace(home, []) as other:  # `pmquiz optimize` in another terminal
            weights = list(other.scheduler().parameters)
            weights[2] *= 4  # a Good first answer now means a much longer memory
            other.save_parameters(weights, T0, reviews=4)
        for stored in cards:  # the session goes on, with the parameters in force
            current = recorder.current(stored)
            recorder.record(current, Answer(Rating.GOOD, "", True, "self", 1000),
                            T0 + timedelta(days=3))
        assert recorder.scheduler.parameters[2] == weights[2]
    out = CliRunner().invoke(app, ["doctor", "--json"])
    problems = json.loads(out.output)["problems"]
    assert problems.get("state", 0) == 0, out.output  # every state equals its log's replay


def test_a_first_start_stopped_at_any_schema_step_is_finished_on_the_next(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each schema step is one transaction; a first start that dies before step k (killed,
    disk full) leaves steps 0..k-1, or only the migrations table when k = 0. The next
    command finishes the schema instead of refusing the file as another program's."""
    from pmquiz import migrations

    steps = migrations.MIGRATIONS
    for k in range(len(steps) + 1):
        folder = home.parent / f"home{k}"
        monkeypatch.setenv("PMQUIZ_HOME", str(folder))

        def dies(db: object) -> None:
            raise SystemExit("killed")

        dies.__name__ = steps[k].__name__ if k < len(steps) else "never"
        if k < len(steps):
            monkeypatch.setattr(migrations, "MIGRATIONS", (*steps[:k], dies, *steps[k + 1:]))
            died = CliRunner().invoke(app, ["due", "--json"])
            assert died.exit_code != 0  # the first start stopped at step k
        monkeypatch.setattr(migrations, "MIGRATIONS", steps)
        out = CliRunner().invoke(app, ["due", "--json"])
        assert out.exit_code == 0, (k, out.output)
        assert json.loads(out.output)["new"] > 0


def test_kill_9_during_the_first_start_leaves_a_home_that_works(home: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from helpers import terminal_env

    for attempt in range(12):
        folder = home.parent / f"killed{attempt}"
        env = terminal_env(folder)
        proc = subprocess.Popen([sys.executable, "-m", "pmquiz", "due"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.05 + 0.03 * attempt)  # from start-up to well into the first sync
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after = subprocess.run([sys.executable, "-m", "pmquiz", "due", "--json"], env=env,
                               capture_output=True, text=True, timeout=60, check=False)
        assert after.returncode == 0, (attempt, after.stderr)
        assert json.loads(after.stdout)["new"] > 0


KILLED_IN_A_WRITE = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")  # pages spill to the file before the commit
conn.execute("BEGIN")
conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
conn.executemany("INSERT INTO _sqlite_migrations VALUES ('pmquiz', ?, '')",
                 [(str(i) * 40,) for i in range(2000)])
os._exit(9)  # killed mid-transaction: the rollback journal stays, hot
"""


@pytest.mark.parametrize("command", [["due", "--json"], ["doctor", "--repair", "--json"]])
def test_a_first_start_killed_inside_a_write_is_rolled_back_by_the_next_command(
        home: Path, command: list[str]) -> None:
    """kill -9 while the first start's write is half done (before the file is in WAL
    mode) leaves a hot rollback journal. SQLite restores the last committed state on the
    next writable open; the read-only look at the file must not fail on it ("cannot be
    written ... check permissions"), and doctor must not take it for damage."""
    import subprocess
    import sys

    path = home / "pmquiz.db"
    subprocess.run([sys.executable, "-c", KILLED_IN_A_WRITE, str(path)], check=False)
    assert path.stat().st_size > 0 and (home / "pmquiz.db-journal").stat().st_size > 0
    out = CliRunner().invoke(app, command)
    assert out.exit_code == 0, out.output
    found = json.loads(out.output)
    if command[0] == "due":
        assert found["new"] > 0
    else:
        assert found.get("salvaged") in (None, {}), found  # not taken for damage
    assert not list(home.glob("pmquiz.db.damaged-*"))


def damaged_home(home: Path) -> Path:
    """A home with answers in its log whose reviews page was then overwritten."""
    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    with open_workspace(home, []) as ws:
        recorder = Recorder(ws.store, ws.scheduler(), lambda: T0)
        for stored in ws.store.queue.cards_in_scope(Scope()):
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 1000), T0)
    return damaged_home_file(home)


def damaged_home_file(home: Path) -> Path:
    """Overwrite the page of the reviews table (its only one in a small log)."""
    import sqlite3

    path = home / "pmquiz.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reviews'").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page)
        handle.write(b"\xa5" * page)
    return path


@pytest.mark.parametrize("args", [["suspend", "alpha/q1"], ["flag", "alpha/q2"], ["due"],
                                  ["study"], ["undo"]])
def test_a_damaged_database_is_never_written_to(home: Path, args: list[str]) -> None:
    import hashlib

    path = damaged_home(home)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = CliRunner().invoke(app, args, input="x\n")
    assert out.exit_code != 0
    assert "is damaged" in out.output and "doctor --repair" in out.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # untouched
    assert not (home / "pmquiz.db-wal").exists() or \
        (home / "pmquiz.db-wal").stat().st_size == 0


def test_doctor_still_opens_a_damaged_database(home: Path) -> None:
    damaged_home(home)
    out = CliRunner().invoke(app, ["doctor", "--json"])
    assert out.exit_code == 1
    assert json.loads(out.output)["problems"]["integrity"] > 0


def test_doctor_repair_rebuilds_a_damaged_file_from_what_it_can_read_and_its_backups(
        home: Path) -> None:
    import sqlite3

    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    with open_workspace(home, []) as ws:  # two answers, a backup, two more answers
        recorder = Recorder(ws.store, ws.scheduler(), lambda: T0)
        cards = ws.store.queue.cards_in_scope(Scope())
        for stored in cards[:2]:
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 1000), T0)
        ws.store.backup()
        for stored in cards[2:]:
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 1000), T0)
    path = damaged_home_file(home)
    out = CliRunner().invoke(app, ["doctor", "--repair"])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())  # wrapped where the temp path's length puts it
    assert "The file was damaged" in said and "2 more reviews from 1 backup" in said
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2  # the backup's
    conn.close()
    assert list(home.glob("pmquiz.db.damaged-*"))  # the damaged file is kept
    due = CliRunner().invoke(app, ["due", "--json"])
    assert due.exit_code == 0 and json.loads(due.output)["new"] == 2


PMQUIZ_FRAME = re.compile(r'File "[^"]*[/\\\\]pmquiz[/\\\\][^"]*\.py"')


def test_python_start_up_is_told_apart_from_pmquiz_in_a_traceback() -> None:
    site = ('Fatal Python error: init_import_site: Failed to import the site module\n'
            'Traceback (most recent call last):\n  File "<frozen site>", line 617, in main\n'
            'KeyboardInterrupt\n')
    ours = ('Traceback (most recent call last):\n  File "/v/bin/pmquiz", line 5, in <module>\n'
            '  File "/v/lib/python3.11/site-packages/pmquiz/entry.py", line 9, in main\n'
            'KeyboardInterrupt\n')
    assert not PMQUIZ_FRAME.search(site) and PMQUIZ_FRAME.search(ours)
    assert PMQUIZ_FRAME.search(ours.replace("/", "\\"))


def test_ctrl_c_in_the_first_moments_of_start_up_exits_130_without_a_traceback(
        home: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from helpers import terminal_env

    env = terminal_env(home)
    codes: list[int] = []
    script = Path(sys.executable).with_name("pmquiz")  # the installed command
    for attempt in range(30):
        proc = subprocess.Popen([str(script), "due"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # from once the interpreter has booted (its first ~30 ms run none of pmquiz: a
        # Ctrl-C then is Python's own) to the command's work
        time.sleep(0.04 + 0.01 * attempt)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if "Traceback" in err and not PMQUIZ_FRAME.search(err):
            continue  # Python's own start-up (site, the command's wrapper): a busy machine
        if proc.returncode == -signal.SIGINT and not err:
            # killed by the signal's default action: it came before the interpreter handled
            # signals at all (after that Python raises KeyboardInterrupt, and pmquiz never
            # restores the default action), so on a busy machine before any of pmquiz ran
            continue
        assert "Traceback" not in err and "Error" not in err, (attempt, err)
        codes.append(proc.returncode)
    assert len(codes) >= 20, codes  # most attempts reached pmquiz
    assert set(codes) <= {0, 130}, codes  # 0: it came after the work was done


def test_a_full_disk_is_told_as_a_full_disk_and_nothing_is_half_written(home: Path) -> None:
    import sqlite3

    from pmquiz.store import describe_sqlite_error

    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    with open_workspace(home, []) as ws:
        pages = ws.store.conn.execute("PRAGMA page_count").fetchone()[0]
        ws.store.conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        with pytest.raises(sqlite3.OperationalError) as caught:
            ws.save_parameters(list(ws.scheduler().parameters), T0, reviews=1)  # optimize
            with ws.store.write() as conn:  # (if the fit record fitted, a bigger write)
                conn.execute("INSERT INTO meta (key, value) VALUES ('big', ?)",
                             ("x" * 5_000_000,))
        assert "full" in str(caught.value)  # not "cannot rollback - no transaction"
        message = describe_sqlite_error(home / "pmquiz.db", caught.value)
        assert "is full" in message and "last answer" not in message
        assert "as it was" in message
    out = CliRunner().invoke(app, ["doctor", "--json"])
    assert out.exit_code == 0, out.output  # nothing half written
