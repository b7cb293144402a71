"""Every screen fits 60, 80 and 120 columns: `pmquiz`, `decks`, `stats` and the session
summary, compared with snapshots (PMQUIZ_UPDATE_SNAPSHOTS=1 rewrites them). No line is wider
than the terminal, module titles are shortened to one line rather than wrapped, no figure
column loses its values, and plurals are right."""

from __future__ import annotations

import os
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import T0, basic_cards, scripted_session, write_deck

runner = CliRunner()
SNAPSHOTS = Path(__file__).parent / "snapshots"
LONG_TITLE = "Introduction to Product Management and Product-Led Thinking, the Long Way Round"
SETS = '[sets]\npp = ["Product management", "Project management"]\n'
CLASSIFY = "".join(
    f'[[cards]]\nid = "c{i}"\nkind = "classify"\ncategories = "pp"\nprompt = "{prompt}"\n'
    f'answer = "{answer}"\n\n'
    for i, (prompt, answer) in enumerate((("Owns the vision", "Product management"),
                                          ("Tracks the budget", "Project management"),
                                          ("Talks to customers", "Product management")), 1))
WIDTHS = (40, 60, 80, 120)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two modules (one with a long title), a week of sessions with some misses."""
    home = tmp_path_factory.mktemp("screens") / "home"
    home.mkdir()
    (home / "config.toml").write_text('shipped_decks = false\nfuzz = false\ntimezone = "UTC"\n',
                                      encoding="utf-8")
    write_deck(home / "decks", "intro", CLASSIFY + basic_cards(5), extra=SETS,
               title=LONG_TITLE)
    write_deck(home / "decks", "lifecycle", basic_cards(4, "b"), phase=1,
               title="The Product Lifecycle")
    rng = random.Random(7)
    for day in range(7):
        scripted_session(home, (T0 + timedelta(days=day)).isoformat(), rng, right=0.7)
    runner.invoke(app, ["suspend", "intro/q5"], env={"PMQUIZ_HOME": str(home)})
    return home


def screen(home: Path, width: int, *args: str, stdin: str = "") -> str:
    result = runner.invoke(app, list(args), input=stdin,
                           env={"PMQUIZ_HOME": str(home), "COLUMNS": str(width),
                                "PMQUIZ_NOW": (T0 + timedelta(days=7)).isoformat()})
    assert result.exit_code == 0, result.output
    return result.output


def check(name: str, text: str, width: int) -> list[str]:
    lines = text.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"{name} at {width} columns:\n" + "\n".join(too_wide)
    path = SNAPSHOTS / f"{name}_{width}.txt"
    if os.environ.get("PMQUIZ_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} at {width} differs from {path}"
    return lines


def title_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if "Introduction" in line or "Long Way" in line
            or "Round" in line]


@pytest.mark.parametrize("width", WIDTHS)
def test_today_screen(history: Path, width: int) -> None:
    lines = check("pmquiz", screen(history, width), width)
    # the long title on one line, shortened (at 40 columns the table comes in two parts,
    # each naming the module)
    assert len(title_lines(lines)) == (2 if width == 40 else 1)
    assert sum(line.startswith("Total today") for line in lines) == (2 if width == 40 else 1)
    assert any("Set aside: 1 suspended" in line for line in lines)
    assert not any(line.startswith("Thinking") or line.startswith("Round") for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_decks_screen(history: Path, width: int) -> None:
    lines = check("decks", screen(history, width, "decks"), width)
    assert len(title_lines(lines)) == 1
    assert any("8 cards (1 suspended)" in line for line in lines)
    assert any("4 cards" in line for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_stats_screen(history: Path, width: int) -> None:
    lines = check("stats", screen(history, width, "stats", "--days", "7"), width)
    text = "\n".join(lines)
    for header in ("Cards", "New", "Lrn", "Rev", "Acc", "Ret", "Mastery", "Ready", "Due",
                   "7 d"):
        assert header in text, header
    # every figure column has its value on each phase row, in one table or the other
    phase_rows = [line for line in lines if line.startswith("Phase 1 ")]
    cells = [c.strip() for row in phase_rows for c in row.split("│")[1:]]
    assert len(cells) == 10 and all(cells), phase_rows
    assert "streak 7 days" in text and "1 days" not in text
    assert "1 card suspended" in text
    assert "Classification (2/3 right):" in text  # the count in one piece
    # nothing wraps into a line of its own: a percentage, a bar's count, a legend's end
    assert not [line for line in lines if line.strip() in ("92%", "96%", "right)", "more")]
    bars = [line for line in lines if re.match(r"  \w{3} \d\d \w{3}  ", line)]
    assert len(bars) == 7 and all(line.split()[-1].isdigit() for line in bars)


@pytest.mark.parametrize("width", WIDTHS)
def test_session_summary(history: Path, width: int, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "copy"  # a session writes: each width studies its own copy
    shutil.copytree(history, home)
    out = screen(home, width, "study", "--limit", "3", stdin="1\nw\n" * 3)
    summary = out[out.index("╭"):]
    lines = check("summary", summary, width)
    text = "\n".join(lines)
    assert "Ratings" in text and "Due by the end of tomorrow:" in text
    order = [text.find(w) for w in ("Again", "Hard", "Good", "Easy") if w in text]
    assert order == sorted(order)
