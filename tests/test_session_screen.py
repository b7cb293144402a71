"""The study session in a real terminal, read back through a terminal emulator (pyte): one
card per screen, a header that fits, counts that go down, and every key of a session:
? help, undo, suspend, bury, flag and edit through $EDITOR."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pexpect
import pyte
import pytest

from helpers import basic_cards, own_decks_only, spawn, write_deck

SNAPSHOTS = Path(__file__).parent / "snapshots"
LONG_TITLE = "Introduction to Product Management and Product-Led Thinking, the Long Way Round"
CLASSIFY = ('[[cards]]\nid = "c1"\nkind = "classify"\ncategories = "pp"\n'
            'prompt = "Tracks the budget"\nanswer = "Project management"\n'
            'explain = "Budgets belong to delivery, with timelines and scope."\n\n')
SETS = '[sets]\npp = ["Product management", "Project management"]\n'


class Terminal:
    """A pmquiz process in a pseudo-terminal of a given size, with its screen emulated."""

    def __init__(self, home: Path, *args: str, columns: int = 80, rows: int = 30,
                 **env: str):
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.child = spawn(home, *args, dimensions=(rows, columns), **env)
        self.columns = columns

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)
        self.stream.feed(self.child.before + self.child.after)

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def lines(self) -> list[str]:
        """The screen as it is, trailing blanks dropped."""
        shown = [line.rstrip() for line in self.screen.display]
        while shown and not shown[-1]:
            shown.pop()
        return shown

    def text(self) -> str:
        return "\n".join(self.lines())

    def finish(self) -> int:
        self.child.sendcontrol("c")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return int(self.child.exitstatus or 0)


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "pmquiz.db")


def long_title_home(home: Path) -> Path:
    write_deck(own_decks_only(home), "alpha", CLASSIFY + basic_cards(3), extra=SETS,
               title=LONG_TITLE)
    return home


def check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("PMQUIZ_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text + "\n", encoding="utf-8")
    assert text + "\n" == path.read_text(encoding="utf-8"), f"screen differs from {path}"


def test_study_screen_fits_60_80_and_120_columns(home: Path) -> None:
    long_title_home(home)
    for columns in (60, 80, 120):
        term = Terminal(home, "study", columns=columns)
        term.expect(r"your answer \[1/2\]")
        lines = term.lines()
        check_snapshot(f"study_{columns}.txt", term.text())
        assert lines[0].startswith("Phase 0 · Introduction")
        assert lines[0].endswith("4 new · 0 learning · 0 review")
        assert "…" in lines[0] and "Long Way Round" not in term.text()  # shortened, one line
        assert lines[1].endswith(" 0/4") or lines[1].endswith("1/4")
        assert any("Tracks the budget" in line for line in lines)
        term.finish()


def test_one_card_per_screen_and_counts_that_go_down(home: Path) -> None:
    long_title_home(home)
    term = Terminal(home, "study")
    term.expect(r"your answer \[1/2\]")
    assert "4 new · 0 learning · 0 review" in term.lines()[0]
    term.send("1")  # wrong: the classify card fails
    term.expect("Enter next")
    assert any("timelines and scope" in line for line in term.lines())
    term.send("\r")
    term.expect("Your answer:")
    screen = term.text()
    assert "Tracks the budget" not in screen and "timelines and scope" not in screen  # cleared
    assert "3 new · 1 learning · 0 review" in term.lines()[0]
    assert "Question 1?" in screen
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("3")
    term.expect("Your answer:")
    assert "2 new · 2 learning · 0 review" in term.lines()[0]
    assert term.finish() == 130


def test_a_failed_card_never_comes_back_under_its_own_answer(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", CLASSIFY, extra=SETS)
    term = Terminal(home, "study")
    term.expect(r"your answer \[1/2\]")
    term.send("1")
    term.expect("Enter next")
    term.send("\r")
    term.expect(r"your answer \[1/2\]")  # the only card left comes back (learn-ahead)
    screen = term.text()
    assert screen.count("Tracks the budget") == 1
    assert "timelines and scope" not in screen and "wrong" not in screen
    term.finish()


def test_help_flag_suspend_and_bury_keys(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    term = Terminal(home, "study")
    term.expect("Your answer:")
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("?")
    term.expect("this help")
    for word in ("undo", "suspend", "bury", "flag", "edit"):
        assert word in term.text()
    term.send("f")
    term.expect("Flagged")
    term.send("3")  # still rated after a flag
    term.expect("Your answer:")
    term.child.sendline("")
    term.expect("rate:")
    term.send("s")  # q2 suspended, not answered
    term.expect("Your answer:")
    assert "Suspended" in term.text()  # said again on the next card's screen
    term.child.sendline("")
    term.expect("rate:")
    term.send("b")  # q3 buried
    term.expect("Your answer:")
    assert "Question 4?" in term.text()
    term.finish()
    conn = db(home)
    marks = {r[0]: r[1:] for r in conn.execute(
        "SELECT card_id, suspended, buried_until IS NOT NULL, flag FROM cards")}
    answered = [r[0] for r in conn.execute(
        "SELECT c.card_id FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id")]
    assert marks["q1"] == (0, 0, 1) and marks["q2"] == (1, 0, 0) and marks["q3"] == (0, 1, 0)
    assert answered == ["q1"]
    # neither comes back today; the buried one does tomorrow, the suspended one never
    from typer.testing import CliRunner

    from pmquiz.cli import app

    due = CliRunner().invoke(app, ["due", "--json"],
                             env={"PMQUIZ_HOME": str(home), "PMQUIZ_NOW": "2026-03-02T10:00:00"
                                  "+00:00"}).output
    assert '"suspended": 1' in due and '"buried": 1' in due
    later = CliRunner().invoke(app, ["due", "--json"],
                               env={"PMQUIZ_HOME": str(home),
                                    "PMQUIZ_NOW": "2026-03-03T10:00:00+00:00"}).output
    assert '"buried": 0' in later and '"suspended": 1' in later


def test_undo_key_asks_the_previous_card_again(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    term = Terminal(home, "study")
    term.expect("Your answer:")
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("1")  # Again on q1
    term.expect("Your answer:")
    assert "Question 2?" in term.text()
    term.child.sendline("")
    term.expect("rate:")
    term.send("u")  # take back q1's answer: q1 again, then q2
    term.expect("Your answer:")
    assert "Question 1?" in term.text() and "Undone" in term.text()
    assert "3 new · 0 learning · 0 review" in term.lines()[1]
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("3")
    term.expect("Your answer:")
    assert "Question 2?" in term.text()
    term.finish()
    conn = db(home)
    assert conn.execute("SELECT c.card_id, r.rating FROM reviews r JOIN cards c "
                        "ON c.id = r.card ORDER BY r.id").fetchall() == [("q1", 3)]


FAKE_EDITOR = '''import sys
line, path = int(sys.argv[1].lstrip("+")), sys.argv[2]
with open(path, encoding="utf-8") as f:
    lines = f.read().split("\\n")
with open(sys.argv[0] + ".log", "a", encoding="utf-8") as f:
    f.write(f"{line} {path}\\n")
at = next(i for i in range(line - 1, len(lines)) if %(old)r in lines[i])
lines[at] = lines[at].replace(%(old)r, %(new)r, 1)
with open(path, "w", encoding="utf-8") as f:
    f.write("\\n".join(lines))
'''


def fake_editor(folder: Path, old: str, new: str) -> Path:
    """An $EDITOR that replaces text on the first line holding it, from the line it is
    opened at on, and logs where it was opened."""
    script = folder / "editor.py"
    script.write_text(FAKE_EDITOR % {"old": old, "new": new}, encoding="utf-8")
    wrapper = folder / "editor"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} {script} "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return wrapper


def test_edit_key_opens_the_deck_at_the_cards_line_and_keeps_its_history(
        home: Path, tmp_path: Path) -> None:
    deck = write_deck(own_decks_only(home), "alpha", basic_cards(2))
    line = deck.read_text(encoding="utf-8").split("\n").index("[[cards]]") + 1
    editor = fake_editor(tmp_path, "Question 1?", "Question one, edited?")
    term = Terminal(home, "study", EDITOR=str(editor))
    term.expect("Your answer:")
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("E")
    term.expect("Your answer:")
    assert "Question one, edited?" in term.text()  # the edited card is asked again
    term.child.sendline("answer 1")
    term.expect("rate:")
    term.send("3")
    term.expect("Your answer:")
    term.finish()
    opened = (tmp_path / "editor.py.log").read_text(encoding="utf-8").split()
    assert opened == [str(line), str(deck)]  # at the card's own line (its `[[cards]]`)
    assert "Question one, edited?" in deck.read_text(encoding="utf-8")
    conn = db(home)
    assert conn.execute("SELECT c.card_id FROM reviews r JOIN cards c ON c.id = r.card"
                        ).fetchall() == [("q1",)]


def test_editing_a_shipped_card_makes_an_overriding_copy(home: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.paths import shipped_decks_dir

    runner = CliRunner()
    env = {"PMQUIZ_HOME": str(home)}
    shipped = sorted(shipped_decks_dir().rglob("*.toml"))
    before = {p: p.read_bytes() for p in shipped}
    found = runner.invoke(app, ["search", "what is product management", "--json"], env=env)
    key = next(c["card"] for c in __import__("json").loads(found.output)["cards"]
               if c["kind"] == "basic")
    editor = fake_editor(tmp_path, "answer = \"", "answer = \"EDITED: ")
    term = Terminal(home, "edit", key, EDITOR=str(editor))
    term.child.expect(pexpect.EOF)
    term.child.close()
    assert term.child.exitstatus == 0
    assert {p: p.read_bytes() for p in shipped} == before  # shipped files untouched
    copies = list((home / "decks").rglob("*.toml"))
    assert len(copies) == 1 and b"EDITED: " in copies[0].read_bytes()
    decks = runner.invoke(app, ["decks"], env=env | {"COLUMNS": "100"}).output
    assert "*" in decks and "overrides the shipped deck" in decks
    assert '"overrides_shipped": true' in runner.invoke(app, ["decks", "--json"], env=env).output
    shown = runner.invoke(app, ["search", "EDITED", "--json"], env=env).output
    assert key in shown  # the same id, now with the learner's text


def test_an_edit_that_breaks_the_deck_can_be_put_back(home: Path, tmp_path: Path) -> None:
    deck = write_deck(own_decks_only(home), "alpha", basic_cards(2))
    original = deck.read_bytes()
    editor = fake_editor(tmp_path, "[[cards]]", "[[cards]")
    term = Terminal(home, "edit", "alpha/q1", EDITOR=str(editor))
    term.expect(r"Edit again")
    assert "alpha.toml:6: not valid TOML" in term.text().replace("\n", "")  # path:line
    term.send("n")
    term.child.sendline("")
    term.child.expect(pexpect.EOF)
    term.child.close()
    assert deck.read_bytes() == original


def test_rating_keys_wrap_between_keys_at_60_columns(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    term = Terminal(home, "study", columns=60)
    term.expect("Your answer:")
    term.child.sendline("x")
    term.expect(r"\? more")
    keys = " ".join(line.strip() for line in term.lines()[-2:])
    for part in ("1 again", "2 hard", "3/Enter good", "4 easy", "? more"):
        assert part in keys, keys
    assert all(len(line) <= 60 for line in term.lines())
    term.finish()


def test_a_missing_editor_is_a_clear_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz.card_actions import edit_card
    from pmquiz.errors import UsageError
    from pmquiz.workspace import open_workspace

    write_deck(own_decks_only(home), "alpha", basic_cards(1))
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    monkeypatch.delenv("VISUAL", raising=False)
    with open_workspace(home, []) as ws, pytest.raises(UsageError) as caught:
        edit_card(ws, ws.store.queue.find_card("alpha/q1"))
    assert "could not start the editor '/no/such/editor'" in str(caught.value)
    assert "set $EDITOR" in str(caught.value)


def test_a_missing_editor_does_not_end_the_session(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    term = Terminal(home, "study", EDITOR="/no/such/editor")
    term.expect("Your answer:")
    term.child.sendline("x")
    term.expect("rate:")
    term.send("E")
    term.expect("Your answer:")  # the same card again, the session goes on
    screen = term.text().replace("\n", " ")
    assert "Not edited: could not start the editor '/no/such/editor'" in screen
    assert "Question 1?" in screen
    assert term.finish() == 130


def test_a_card_at_40_columns_and_12_rows_shows_all_of_its_screen(home: Path) -> None:
    cloze = ('[[cards]]\nid = "z1"\nkind = "cloze"\n'
             'prompt = "A product moves through {{introduction}}, growth and decline."\n\n')
    write_deck(own_decks_only(home), "alpha", cloze, title=LONG_TITLE)
    term = Terminal(home, "study", columns=40, rows=12)
    term.expect("Your answer:")
    lines = term.lines()
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("Phase 0 · Intro")  # the header is still on screen
    text = term.text()
    assert "fill the gap(s); several gaps: separate with ;" in " ".join(text.split())
    assert "decline." in text
    term.finish()
