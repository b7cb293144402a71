"""Hostile or mistaken input is refused with a clear message and exit code, never a traceback,
and never reaches the database."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import basic_cards, own_decks_only, write_deck

runner = CliRunner()
NOW = "2026-03-02T09:00:00+00:00"
GOOD = {"id": "r1", "module": "alpha", "card": "q1", "time": "2026-03-01T09:00:00+00:00",
        "rating": 3}


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"PMQUIZ_NOW": NOW, **(env or {})})
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(("change", "message"), [
    ({"time": "9999-12-31T00:00:00+00:00"}, "is not between 1970-01-02 and now"),
    ({"time": "2099-01-01T00:00:00+00:00"}, "is not between 1970-01-02 and now"),
    ({"time": "0001-01-01T00:00:00+00:00"}, "is not between 1970-01-02 and now"),
    ({"time": "2026-03-01T09:00:00"}, "time needs a UTC offset"),
    ({"rating": 1e400}, "rating must be a whole number from 1 to 4"),
    ({"rating": 2.7}, "rating must be a whole number from 1 to 4"),
    ({"rating": True}, "rating must be a whole number from 1 to 4"),
    ({"rating": "3"}, "rating must be a whole number from 1 to 4"),
    ({"rating": 5}, "rating must be a whole number from 1 to 4"),
    ({"id": None}, '"id" must be a non-empty string'),
    ({"id": ""}, '"id" must be a non-empty string'),
    ({"duration_ms": 10 ** 30}, "duration_ms must be a whole number"),
    ({"correct": "yes"}, "correct must be true, false or null"),
    ({"override": "maybe"}, 'override must be "right" or "wrong"'),
])
def test_progress_lines_are_checked_strictly(home: Path, tmp_path: Path,
                                              change: dict[str, object], message: str) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    invoke("due")
    good = json.dumps(GOOD)
    bad = json.dumps(GOOD | {"id": "r2"} | change)
    path = tmp_path / "p.jsonl"
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    code, out = invoke("progress", "import", str(path))
    assert code == 1
    assert f"{path}:2: not a pmquiz review" in out.replace("\n", "")
    assert message in out.replace("\n", "")
    assert "nothing was imported" in out.replace("\n", "")
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    conn.close()


def test_deeply_nested_json_is_refused(home: Path, tmp_path: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    path = tmp_path / "p.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code, out = invoke("progress", "import", str(path))
    assert code == 1 and "not a pmquiz review" in out


def test_dates_from_a_file_cannot_poison_later_commands(home: Path, tmp_path: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(2))
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOOD | {"time": "9999-12-31T00:00:00+00:00"}) + "\n",
                    encoding="utf-8")
    invoke("progress", "import", str(path))
    for command in (["stats"], ["progress", "export"], ["due"]):
        code, _ = invoke(*command)
        assert code == 0, command


@pytest.mark.parametrize(("module", "message"), [
    ("phase = 99999999999999999999", '"phase": a whole number from 0 to 999'),
    ("phase = 0\norder = 99999999999999999999", '"order" must be a whole number from'),
    ("phase = -1", '"phase": a whole number from 0 to 999'),
])
def test_deck_numbers_are_bounded(home: Path, module: str, message: str) -> None:
    folder = own_decks_only(home)
    folder.mkdir(parents=True)
    (folder / "big.toml").write_text(
        f'[module]\nslug = "big"\ntitle = "Big"\n{module}\n\n' + basic_cards(1),
        encoding="utf-8")
    code, out = invoke("check")
    assert code == 1 and message in out.replace("\n", " ")
    code, out = invoke("due")
    assert code == 1 and "big.toml:" in out


@pytest.mark.parametrize(("config", "message"), [
    ('learning_steps = ["99999999999d"]', "is longer than 365 days"),
    ("learn_ahead_minutes = 99999999999", "learn_ahead_minutes must be a number from 0 to 1440"),
    ("new_per_day = 1e20", '"new_per_day" must be a whole number'),
    ("new_per_day = 100000000000", "new_per_day must be a number from 0 to 10000"),
    ("parameters = [" + ", ".join(["nan"] * 21) + "]", "21 FSRS weights, finite numbers"),
    ("learning_steps = [5]", "is not a step"),
])
def test_config_numbers_are_bounded(home: Path, config: str, message: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(config + "\n", encoding="utf-8")
    code, out = invoke("study", env={"PMQUIZ_NOW": NOW})
    assert code == 1
    assert "config.toml" in out and message in out.replace("\n", " ")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T00:00:00+00:00"])
def test_pmquiz_now_is_bounded(moment: str) -> None:
    code, out = invoke("due", env={"PMQUIZ_NOW": moment})
    assert code == 2 and "is out of range: give a time from 1970 to 2199" in out


HOSTILE = "\\u001b[2J\\u001b]52;c;cGF5bG9hZA==\\u0007"  # TOML escapes: ESC, OSC 52, BEL


def test_text_from_files_never_reaches_the_terminal_raw(home: Path) -> None:
    folder = own_decks_only(home)
    folder.mkdir(parents=True)
    (folder / "evil.toml").write_text(
        f'[module]\nslug = "evil"\ntitle = "Title {HOSTILE} :smile: [bold]x[/bold]"\n'
        f'phase = 0\n\n[sets]\nab = ["A {HOSTILE}", "B :100:"]\n\n'
        f'[[cards]]\nid = "c1"\nkind = "classify"\ncategories = "ab"\n'
        f'prompt = "Statement {HOSTILE}"\nanswer = "A {HOSTILE}"\n\n'
        f'[[cards]]\nid = "c2"\nkind = "classify"\ncategories = "ab"\n'
        f'prompt = "Other {HOSTILE}"\nanswer = "B :100:"\n',
        encoding="utf-8")
    outputs = [invoke("classify", "--set", "ab", "--rounds", "2", env={"PMQUIZ_NOW": NOW})]
    runner.invoke(app, ["classify", "--set", "ab", "--rounds", "2"], input="1\n1\nn\n",
                  env={"PMQUIZ_NOW": NOW})
    for command in (["stats"], ["decks"], ["due"], [], ["check"], ["study"],
                    ["classify", "Statement"]):
        outputs.append(invoke(*command))
    for _, out in outputs:
        assert "\x1b" not in out and "\x07" not in out
        assert "😄" not in out and "💯" not in out
    assert any(":100:" in out for _, out in outputs)


def test_error_messages_keep_their_colons_and_drop_escapes(home: Path) -> None:
    folder = own_decks_only(home)
    folder.mkdir(parents=True)
    lines = ['[module]', 'slug = "bad"', 'title = "Bad"', "phase = 0"] + [""] * 93
    lines.append(f'[[cards]]\nid = "x"\nkind = "nope{HOSTILE}"\nprompt = "p"\n')
    (folder / "bad.toml").write_text("\n".join(lines), encoding="utf-8")
    code, out = invoke("check")
    assert code == 1
    assert "bad.toml:100:" in out and "💯" not in out and "\x1b" not in out


def test_another_programs_database_is_refused_untouched(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    db = home / "pmquiz.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    code, out = invoke("due")
    assert code == 1
    assert "an SQLite database of another program (tables: invoices)" in out.replace("\n", " ")
    assert "was not changed" in out.replace("\n", " ")
    assert db.read_bytes() == before
    assert not (home / "pmquiz.db-wal").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_atomic_writes_keep_the_targets_permissions(home: Path, tmp_path: Path) -> None:
    import stat

    page = tmp_path / "m.md"
    page.write_text("---\ntitle: Mod\nphase: 1\n---\n\n# Mod\n\nA widget is a small thing "
                    "that does one job.\n", encoding="utf-8")
    target = tmp_path / "out.toml"
    for mode in (0o644, 0o600, 0o664):
        if target.exists():
            target.chmod(mode)
        code, out = invoke("compile", str(page), "-o", str(target))
        assert code == 0, out
        if mode != 0o644 or target.stat().st_mode & 0o777 != 0o644:
            assert stat.S_IMODE(target.stat().st_mode) == mode
    export = tmp_path / "progress.jsonl"
    export.write_text("", encoding="utf-8")
    export.chmod(0o640)
    assert invoke("progress", "export", "-o", str(export))[0] == 0
    assert stat.S_IMODE(export.stat().st_mode) == 0o640


@pytest.mark.parametrize("command", ["compile", "import", "export"])
def test_a_full_disk_while_writing_a_file_is_a_clear_error(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    import errno

    page = tmp_path / "m.md"
    page.write_text("---\ntitle: Mod\nphase: 1\n---\n\n# Mod\n\nA widget is a small thing "
                    "that does one job.\n", encoding="utf-8")
    qa = tmp_path / "qa.md"
    qa.write_text("Q: first?\nA: one\n", encoding="utf-8")
    target = tmp_path / "out.toml"
    if command == "export":
        target.write_text("old content\n", encoding="utf-8")

    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    real_fdopen = os.fdopen

    class FullFile:
        """A file opened for writing on a full disk: its first write fails."""

        def __init__(self, fd: int, mode: str, *args: Any, **kwargs: Any) -> None:
            self.real = real_fdopen(fd, mode, *args, **kwargs)

        def write(self, _data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.real.close()

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return FullFile(fd, mode, *args, **kwargs) if "w" in mode else \
            real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    monkeypatch.setattr(os, "fdopen", fdopen)  # how deck files are written, whole or not
    args = {"compile": ["compile", str(page), "-o", str(target)],
            "import": ["import", str(qa), "-o", str(target)],
            "export": ["export", "text", "-o", str(target)]}[command]
    code, out = invoke(*args)
    assert code == 1
    assert f"cannot write {target}: No space left on device; nothing was changed" in \
        out.replace("\n", "")
    monkeypatch.undo()
    if command == "export":
        assert target.read_text(encoding="utf-8") == "old content\n"
    else:
        assert not target.exists()
    assert not list(tmp_path.glob(".out.toml.*"))
