"""Attacks on timing (issue 24): what a hostile or unlucky user does while pmquiz works. Each
test names the attack; the next person adds theirs here."""

from __future__ import annotations

import json
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
