"""The learner has the last word: overriding an automatic verdict, in a pipe and a terminal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import own_decks_only, spawn, write_deck

runner = CliRunner()
NOW = "2026-03-02T09:00:00+00:00"
CLOZES = ('[[cards]]\nid = "z1"\nkind = "cloze"\n'
          'prompt = "At its core, {{product management}} is the discipline of guiding a '
          'product."\n\n'
          '[[cards]]\nid = "z2"\nkind = "cloze"\n'
          'prompt = "Sales level off and peak in {{maturity}}."\n\n'
          '[[cards]]\nid = "z3"\nkind = "cloze"\n'
          'prompt = "Sales and profits fall in {{decline}}."\n')


def rows(home: Path) -> list[tuple[str, str, int, int, str | None]]:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return conn.execute("SELECT c.card_id, r.grade, r.rating, r.correct, r.override "
                            "FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id"
                            ).fetchall()
    finally:
        conn.close()


def test_line_protocol_overrides_and_word_comparison(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", CLOZES)
    # z1: "project management" is wrong; the learner accepts it (Enter).
    # z2: "majority" is wrong; the learner says "I was right" (r).
    # z3: right; the learner says "I was wrong" (w).
    result = runner.invoke(app, ["study"], input="project management\n\nmajority\nr\n"
                           "decline\nw\n", env={"PMQUIZ_NOW": NOW})
    out = result.output
    assert "you typed: [-project-] management" in out
    assert "expected: [+product+] management" in out
    assert "next [Enter = again, r = I was right]>" in out
    assert "next [Enter = good, e = easy, w = I was wrong]>" in out
    assert rows(home)[:3] == [("z1", "wrong", 1, 0, None), ("z2", "wrong", 3, 1, "right"),
                              ("z3", "right", 1, 0, "wrong")]


def test_terminal_override_and_wait_after_a_wrong_answer(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", CLOZES)
    child = spawn(home, "study")
    child.expect("At its core")
    child.expect("Your answer:")
    child.sendline("project management")
    child.expect("wrong")
    child.expect("you typed")
    child.expect("Enter next · r I was right")
    child.send("r")  # the learner overrules the grader
    child.expect("rated Good")
    child.expect("Sales level off")
    child.expect("Your answer:")
    child.sendline("maturty")  # a typo: right
    child.expect("right")
    child.expect("w I was wrong")
    child.send("w")
    child.expect("rated Again")
    child.expect("Sales and profits fall")
    child.expect("Your answer:")
    child.sendline("define")
    child.expect("wrong")
    child.expect("Enter next")  # waits: the next card does not appear before a key
    assert "Sales level off" not in (child.before or "")
    child.send("\r")
    child.expect("rated Again")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert rows(home)[:3] == [("z1", "wrong", 3, 1, "right"), ("z2", "right", 1, 0, "wrong"),
                              ("z3", "wrong", 1, 0, None)]


def test_progress_export_carries_overrides(home: Path, tmp_path: Path) -> None:
    write_deck(own_decks_only(home), "alpha", CLOZES)
    runner.invoke(app, ["study"], input="majority\nr\n", env={"PMQUIZ_NOW": NOW})
    out = tmp_path / "progress.jsonl"
    result = runner.invoke(app, ["progress", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert '"override": "right"' in out.read_text(encoding="utf-8")


def test_pmquiz_now_starts_a_clock_that_moves(monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    from datetime import UTC, datetime

    from pmquiz.workspace import make_clock

    monkeypatch.setenv("PMQUIZ_NOW", NOW)
    monkeypatch.delenv("PMQUIZ_FREEZE")
    clock = make_clock()
    first = clock()
    time.sleep(0.05)
    assert first >= datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert clock() > first  # time moves on from PMQUIZ_NOW
    monkeypatch.setenv("PMQUIZ_FREEZE", "1")
    frozen = make_clock()
    assert frozen() == frozen() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_missed_cards_are_shown_whole_with_the_answer_marked(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", CLOZES, title="Alpha module")
    result = runner.invoke(app, ["study"], input="project management\n\n",
                           env={"PMQUIZ_NOW": NOW, "COLUMNS": "200"})
    assert "At its core, [product management] is the discipline of guiding a product." in \
        result.output
    assert "(Alpha module)" in result.output
    assert "{{" not in result.output.split("Missed this session")[1]
