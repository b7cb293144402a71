"""The real interactive session in a real terminal (pexpect): keys, Ctrl-C, kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pexpect
import pytest

from helpers import basic_cards, own_decks_only, spawn, write_deck

CLASSIFY = ('[[cards]]\nid = "c1"\nkind = "classify"\ncategories = "pp"\n'
            'prompt = "Tracks the budget"\nanswer = "Project management"\n'
            'explain = "Budgets are delivery."\n\n')
SETS = '[sets]\npp = ["Product management", "Project management"]\n'


def reviews(home: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return conn.execute("SELECT c.card_id, r.rating FROM reviews r JOIN cards c "
                            "ON c.id = r.card ORDER BY r.id").fetchall()
    finally:
        conn.close()


def answer_basic(child: pexpect.spawn, text: str, key: str) -> None:
    child.expect("Your answer:")
    child.sendline(text)
    child.expect("rate:")
    child.send(key)
    child.expect("rated")


@pytest.fixture
def deck_home(home: Path) -> Path:
    write_deck(own_decks_only(home), "alpha", CLASSIFY + basic_cards(4), extra=SETS)
    return home


def test_interactive_session_with_single_keys(deck_home: Path) -> None:
    child = spawn(deck_home, "study")
    child.expect("Tracks the budget")
    child.expect(r"your answer \[1/2\]")
    child.send("1")  # wrong: Product management
    child.expect("wrong")
    child.expect("Budgets are delivery.")
    child.expect("Enter next")  # a wrong answer waits for a key before the next card
    child.send("\r")
    answer_basic(child, "answer 1", "3")
    answer_basic(child, "", "4")
    answer_basic(child, "nope", "1")
    answer_basic(child, "answer 4", "\r")  # Enter means Good
    child.expect("Tracks the budget")  # the failed card comes back after its step
    child.send("2")
    child.expect("right")
    child.expect("Enter next")
    child.send("e")
    child.expect("rated Easy")
    # Ctrl-C once the next prompt is up: a key typed while prompt_toolkit switches the
    # terminal to raw mode is discarded with the pending input (the flake seen before)
    child.expect("Your answer:")
    child.sendcontrol("c")
    child.expect("Session")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert reviews(deck_home)[:6] == [("c1", 1), ("q1", 3), ("q2", 4), ("q3", 1), ("q4", 3),
                                      ("c1", 4)]


def test_ctrl_c_mid_session_keeps_answers(deck_home: Path) -> None:
    child = spawn(deck_home, "study")
    child.expect(r"your answer \[1/2\]")
    child.send("2")
    child.expect("Enter next")
    child.send("\r")
    answer_basic(child, "answer 1", "3")
    child.expect("Your answer:")
    child.sendcontrol("c")
    child.expect("Stopped with Ctrl-C: every answer given is saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert reviews(deck_home) == [("c1", 3), ("q1", 3)]
    conn = sqlite3.connect(deck_home / "pmquiz.db")
    assert conn.execute("SELECT answered, ended IS NOT NULL FROM sessions").fetchone() == (2, 1)


def test_kill_9_loses_at_most_the_card_on_screen(deck_home: Path) -> None:
    child = spawn(deck_home, "study")
    child.expect(r"your answer \[1/2\]")
    child.send("2")
    child.expect("Enter next")
    child.send("\r")
    answer_basic(child, "a", "3")
    answer_basic(child, "b", "2")
    child.expect("Your answer:")
    child.sendline("typed but not rated")
    child.expect("rate:")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert reviews(deck_home) == [("c1", 3), ("q1", 3), ("q2", 2)]
    conn = sqlite3.connect(deck_home / "pmquiz.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # the next session starts normally and continues where the learner was
    child = spawn(deck_home, "study")
    child.expect("Question 3")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_help_and_stop_before_answering(deck_home: Path) -> None:
    child = spawn(deck_home, "study")
    child.expect("Tracks the budget")
    child.expect(r"your answer \[1/2\]")
    child.send("?")  # before answering: what may be done
    child.expect("stop the session")
    child.send("q")  # stop and save, as Ctrl-D
    child.expect("Input ended")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert reviews(deck_home) == []


def test_esc_stops_a_typed_card_and_a_lone_question_mark_lists_the_keys(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    child = spawn(home, "study")
    child.expect("Your answer:")
    child.sendline("answer 1")
    child.expect("rate:")
    child.send("3")
    child.expect("rated Good")
    child.expect("Your answer:")
    child.sendline("?")
    child.expect("stop the session")
    child.expect("Your answer:")  # asked again
    child.send("\x1b")  # Esc
    child.expect("Input ended")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [rating for _, rating in reviews(home)] == [3]  # the one answer is saved


def test_a_flag_message_stays_on_its_own_card(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    child = spawn(home, "study")
    child.expect("Your answer:")
    child.sendline("answer 1")
    child.expect("rate:")
    child.send("f")
    child.expect("Flagged")  # said on the card it is about
    child.send("3")
    child.expect("rated Good")
    child.expect("Your answer:")  # the next card's screen
    assert "Flagged" not in child.before
    child.sendcontrol("d")
    child.expect(pexpect.EOF)


def test_a_long_read_of_deck_files_shows_a_bar(home: Path) -> None:
    """Reading many deck files at the first start (or again after an upgrade) shows a bar on
    the terminal; a start with nothing to read shows none. The bar's delay is set to 0 so the
    test does not depend on how fast this machine reads 60 files (the delay itself is tested
    in test_slow_progress_waits_before_drawing)."""
    from helpers import basic_cards, own_decks_only, spawn, write_deck

    decks = own_decks_only(home)
    for number in range(60):
        write_deck(decks, f"module-{number:02d}", basic_cards(150, prefix=f"m{number}-"))
    child = spawn(home, "due", PMQUIZ_BAR_AFTER="0")
    child.expect("Reading deck files")
    child.expect(pexpect.EOF)
    child.close()
    again = spawn(home, "due", PMQUIZ_BAR_AFTER="0")
    again.expect(pexpect.EOF)
    assert "Reading deck files" not in again.before
    again.close()


def test_slow_progress_waits_before_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work quicker than half a second draws nothing; work that goes on past it draws a bar
    that follows the count from then on."""
    import time

    from pmquiz.commands import base

    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    monkeypatch.delenv(base.SlowProgress.AFTER_ENV, raising=False)
    drawn: list[tuple[str, int, int]] = []

    class Bar:
        def start(self) -> None:
            drawn.append(("start", 0, 0))

        def add_task(self, label: str, total: int) -> str:
            drawn.append(("task " + label, 0, total))
            return label

        def update(self, task: str, completed: int, total: int) -> None:
            drawn.append(("update " + task, completed, total))

        def refresh(self) -> None:
            drawn.append(("draw", 0, 0))

        def stop(self) -> None:
            drawn.append(("stop", 0, 0))

    monkeypatch.setattr(base, "progress_bar", Bar)
    quick = base.SlowProgress("Reading deck files")
    clock[0] += 0.4
    quick(1, 10)
    quick.stop()
    assert drawn == []
    slow = base.SlowProgress("Reading deck files")
    clock[0] += 0.6
    slow(3, 10)
    slow(4, 10)
    clock[0] += 0.2
    slow(10, 10)
    slow.stop()
    # drawn when it moves, at most every 0.1 s (4 of 10 came at once), and at the end
    assert drawn == [("start", 0, 0), ("task Reading deck files", 0, 10),
                     ("update Reading deck files", 3, 10), ("draw", 0, 0),
                     ("update Reading deck files", 4, 10),
                     ("update Reading deck files", 10, 10), ("draw", 0, 0), ("stop", 0, 0)]


def test_a_progress_bar_runs_no_thread_so_the_work_under_it_may_fork(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """rich draws a bar from a thread of its own unless told not to; with one, a forked
    copy (`side_work`) is unsafe and the work would run in one process."""
    import io
    import sys
    import threading

    from pmquiz.commands import base

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    seen: list[int] = []

    def work(progress: object) -> str:
        assert callable(progress)
        for done in range(1, 4):
            progress(done, 3)
            seen.append(threading.active_count())
        return "done"

    before = threading.active_count()
    assert base.with_progress("notes", work) == "done"
    assert seen == [before] * 3
    assert "notes" in sys.stderr.getvalue()
