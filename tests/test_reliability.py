"""Reliability: concurrency, old and broken databases, a full disk, hostile files, clock and
locale faults, end of input and Ctrl-C at every kind of prompt, odd terminals."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pexpect
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz import migrations
from pmquiz.cli import app
from pmquiz.days import day_bounds, learning_day

from helpers import basic_cards, count_reviews, own_decks_only, spawn, terminal_env, write_deck

runner = CliRunner()
NOW = "2026-03-02T09:00:00+00:00"
KINDS = ('[sets]\npp = ["Product management", "Project management"]\n',
         '[[cards]]\nid = "c"\nkind = "choice"\nprompt = "Choice question"\nanswer = "B"\n'
         'options = ["A", "C"]\n\n'
         '[[cards]]\nid = "k"\nkind = "classify"\ncategories = "pp"\nprompt = "Classify me"\n'
         'answer = "Product management"\n\n'
         '[[cards]]\nid = "l"\nkind = "list"\nprompt = "List question"\nitems = ["x", "y"]\n\n'
         '[[cards]]\nid = "z"\nkind = "cloze"\nprompt = "Cloze {{gap}} question"\n\n'
         '[[cards]]\nid = "b"\nkind = "basic"\nprompt = "Basic question"\nanswer = "yes"\n')


# ---- concurrency -------------------------------------------------------------------------

def test_two_sessions_answering_at_once_lose_nothing(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(10))
    runner.invoke(app, ["due"])  # create the database first
    env = terminal_env(home)
    procs = [subprocess.Popen([sys.executable, "-m", "pmquiz", "study"], env=env,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for _ in range(10):  # interleave answers line by line
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("\ngood\n")
            proc.stdin.flush()
        time.sleep(0.01)
    outputs = [proc.communicate(timeout=60) for proc in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    answered = sum(int(out.split("Answered ")[1].split(",")[0]) for out, _ in outputs)
    assert answered == count_reviews(home) >= 20
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("SELECT count(DISTINCT uid) FROM reviews").fetchone()[0] == answered
    assert conn.execute("SELECT sum(answered) FROM sessions").fetchone()[0] == answered


# ---- databases ---------------------------------------------------------------------------

def test_migrating_a_first_release_database_backs_up_and_keeps_everything(home: Path) -> None:
    from sqlite_utils import Database

    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    path = home / "pmquiz.db"
    db = Database(path)
    migrations.migrations().apply(db, stop_before="review_history_columns")
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO decks (slug, title, phase, ord) VALUES ('alpha', 'Alpha', 0, 0)")
    body = json.dumps({"deck": "alpha", "id": "q1", "kind": "basic", "prompt": "Question 1?",
                       "answer": "answer 1"})
    conn.execute("INSERT INTO cards (id, deck, card_id, kind, phase, position, body) VALUES "
                 "(1, 'alpha', 'q1', 'basic', 0, 0, ?)", (body,))
    conn.execute("INSERT INTO card_state (card, state, stability, due, last_review, reps) "
                 "VALUES (1, 2, 3.0, 100000.0, 1000.0, 2)")
    for uid, when, due in (("r1", 1.0, 600.0), ("r2", 1000.0, 100000.0)):
        conn.execute("INSERT INTO reviews (uid, card, time, rating, state_before, stability, "
                     "due) VALUES (?, 1, ?, 3, 0, 2.0, ?)", (uid, when, due))
    conn.commit()
    conn.close()
    result = runner.invoke(app, ["due", "--json"])
    assert result.exit_code == 0, result.output
    backups = list(home.glob("pmquiz.db.backup-*"))
    assert len(backups) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT uid, due_before, next_time FROM reviews ORDER BY time"
                        ).fetchall() == [("r1", None, 1000.0), ("r2", 601.0, None)]  # replayed
    assert conn.execute("SELECT reps FROM card_state WHERE card = 1").fetchone() == (2,)
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT uid, time, due FROM reviews ORDER BY time").fetchall() == [
        ("r1", 1.0, 600.0), ("r2", 1000.0, 100000.0)]
    assert [r[0] for r in old.execute("SELECT name FROM _sqlite_migrations")] == [
        "initial_schema"]


def test_a_full_disk_is_reported_and_earlier_answers_are_kept(home: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    assert runner.invoke(app, ["study", "--limit", "1"], input="\ngood\n",
                         env={"PMQUIZ_NOW": NOW}).exit_code == 0
    from pmquiz.store.log import ReviewLog

    def full(*args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ReviewLog, "record_answer", full)
    result = runner.invoke(app, ["study"], input="\ngood\n\ngood\n", env={"PMQUIZ_NOW": NOW})
    assert result.exit_code == 1
    assert "is full" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert count_reviews(home) == 1
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# ---- hostile files -----------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.integers(min_value=1, max_value=3000).map(lambda n: "a = " + "[" * n + "]" * n),
    st.integers(min_value=1, max_value=3000).map(lambda n: "[module]\n" + "x." * n + "y = 1"),
    st.just('[module]\nslug = "m"\ntitle = "' + "x" * 200_000 + '"\nphase = 0\n'),
    st.just("[module]\nslug = \"m\"\x00\n"),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(HOSTILE)
def test_hostile_deck_files_give_a_located_error_or_a_deck(home: Path, text: str) -> None:
    deck = home / "decks" / "hostile.toml"
    deck.parent.mkdir(exist_ok=True)
    deck.write_bytes(text.encode("utf-8", "surrogatepass") + b"\xff" * (len(text) % 2))
    result = runner.invoke(app, ["check", str(deck)])
    assert result.exit_code in (0, 1), result.output
    assert ("Traceback" not in result.output and result.exception is None) or \
        isinstance(result.exception, SystemExit)
    if result.exit_code == 1:
        assert str(deck) in result.output


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(HOSTILE)
def test_hostile_module_pages_give_a_clear_error_or_a_deck(tmp_path: Path, text: str) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Home / Phase-1 / T\n\nPhase 1\n\nT\n\n" + text, encoding="utf-8",
                    errors="surrogatepass")
    result = runner.invoke(app, ["compile", str(page), "-o", str(tmp_path / "out.toml")])
    assert result.exit_code in (0, 1)
    assert isinstance(result.exception, SystemExit | None)


def test_escape_sequences_in_cards_never_reach_the_terminal(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha",
               '[[cards]]\nid = "x"\nkind = "choice"\n'
               'prompt = "Title \\u001b]0;pwned\\u0007 clear \\u001b[2J [bold red]markup[/]"\n'
               'answer = "\\u001b[31mred\\u001b[0m"\noptions = ["[link=file:///etc]x[/link]"]\n')
    child = spawn(home, "study", dimensions=(30, 100))
    child.expect(r"your answer")
    seen = child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    seen += child.before
    assert "Title  clear  [bold red]markup[/]" in seen
    assert "[link=file:///etc]x[/link]" in seen
    assert "\x1b]0;pwned" not in seen and "\x1b[31mred" not in seen
    # the one screen clear is pmquiz's own, before the card; the card's is dropped
    assert "clear \x1b[2J" not in seen and seen.count("\x1b[2J") == 1


# ---- clock and locale --------------------------------------------------------------------

def test_clock_going_backwards_between_sessions(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    assert runner.invoke(app, ["study"], input="\ngood\n" * 6,
                         env={"PMQUIZ_NOW": "2026-03-05T09:00:00+00:00"}).exit_code == 0
    result = runner.invoke(app, ["study"], input="\nagain\n\ngood\n" * 4,
                           env={"PMQUIZ_NOW": "2026-03-01T09:00:00+00:00"})
    assert result.exit_code == 0
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("SELECT count(*) FROM card_state WHERE due < last_review").fetchone() \
        == (0,)
    times = conn.execute("SELECT card, time FROM reviews ORDER BY id").fetchall()
    for card in {c for c, _ in times}:
        own = [t for c, t in times if c == card]
        assert own == sorted(own)  # per card, the log never goes back in time


def test_day_start_across_daylight_saving_changes() -> None:
    zone = ZoneInfo("Europe/Berlin")
    # 2026-03-29: clocks go from 02:00 to 03:00, so the learning day from 04:00 on the 28th
    # to 04:00 on the 29th lasts 23 hours; 04:00 is local wall-clock time on both sides.
    start, end = day_bounds(datetime(2026, 3, 29, 12, tzinfo=UTC), 4, zone)
    assert start == datetime(2026, 3, 29, 2, tzinfo=UTC)  # 04:00 CEST
    assert end - start == timedelta(hours=24)
    before_change, after_change = day_bounds(datetime(2026, 3, 28, 12, tzinfo=UTC), 4, zone)
    assert after_change - before_change == timedelta(hours=23)
    # 2026-10-25: clocks go back from 03:00 to 02:00; that learning day lasts 25 hours
    assert learning_day(datetime(2026, 10, 25, 2, 30, tzinfo=UTC), 4, zone) == \
        date(2026, 10, 24)  # 03:30 local, before the day starts
    assert learning_day(datetime(2026, 10, 25, 3, 30, tzinfo=UTC), 4, zone) == \
        date(2026, 10, 25)  # 04:30 local
    autumn_start, autumn_end = day_bounds(datetime(2026, 10, 24, 12, tzinfo=UTC), 4, zone)
    assert autumn_end - autumn_start == timedelta(hours=25)


def test_a_non_utf8_locale(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", '[[cards]]\nid = "q"\nkind = "basic"\n'
               'prompt = "Owns the “why” — and é"\nanswer = "yes"\n')
    result = subprocess.run([sys.executable, "-m", "pmquiz", "study"], input="yes\ngood\n",
                            env=terminal_env(home, LANG="C", LC_ALL="C", PYTHONIOENCODING=""),
                            capture_output=True, text=True, encoding="utf-8", timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Answered 1" in result.stdout
    assert count_reviews(home) == 1


# ---- input faults ------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "saved"), [
    ("", 0),                            # EOF at the first prompt
    ("B\n", 1),                         # the choice card, then EOF at the Good/Easy prompt
    ("B\n\n", 1),
    ("B\n\nProduct management\n", 2),   # classify answered, EOF at Good/Easy
    ("B\n\nProduct management\n\nx\n", 2),  # list: one item, EOF while asking for more
    ("B\n\nProduct management\n\nx, y\n\ngap\n", 4),  # cloze right, EOF at Good/Easy
    ("B\n\nProduct management\n\nx, y\n\ngap\n\nyes\n", 4),  # basic not rated: not saved
])
def test_end_of_input_at_every_kind_of_prompt(home: Path, answers: str, saved: int) -> None:
    write_deck(own_decks_only(home), "alpha", KINDS[1], extra=KINDS[0])
    (home / "config.toml").write_text("shipped_decks = false\n")
    result = subprocess.run([sys.executable, "-m", "pmquiz", "study"], input=answers,
                            env=terminal_env(home), capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "Input ended: every answer given is saved." in result.stdout or saved == 0
    assert count_reviews(home) == saved


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4])
def test_ctrl_c_at_every_kind_of_prompt(home: Path, steps: int) -> None:
    write_deck(own_decks_only(home), "alpha", KINDS[1], extra=KINDS[0])
    child = spawn(home, "study")
    script = [("Choice question", "your answer", "b", "Enter next", "\r"),
              ("Classify me", "your answer", "1", "Enter next", "\r"),
              ("List question", "Items:", "x, y\r", "Enter next", "\r"),
              ("Cloze", "Your answer:", "gap\r", "Enter next", "\r"),
              ("Basic question", "Your answer:", "yes\r", "rate:", "3")]
    done = 0
    for number, (card, prompt, answer, confirm, key) in enumerate(script):
        child.expect(card)
        child.expect(prompt)
        if number == steps:
            break
        child.send(answer)
        child.expect(confirm)
        child.send(key)
        child.expect("saved")
        done += 1
    child.sendcontrol("c")
    child.expect("every answer given is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert count_reviews(home) == done


@pytest.mark.parametrize("extra", [{"NO_COLOR": "1"}, {"TERM": "dumb"}, {"COLUMNS": "20"}])
def test_odd_terminals(home: Path, extra: dict[str, str]) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(1))
    child = spawn(home, "study", dimensions=(24, 20) if "COLUMNS" in extra else (24, 80),
                  **extra)
    child.expect("Question 1")
    child.expect("answer:")
    child.send("answer 1\r")
    child.expect("rate")
    child.send("4")  # Easy: the card graduates, so the session ends
    child.expect("Session")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert count_reviews(home) == 1
    if "NO_COLOR" in extra:
        assert "\x1b[3" not in (child.before or "")
