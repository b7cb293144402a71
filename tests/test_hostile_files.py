"""Attacks through files (issue 24): what an editor leaves behind, and what a decks folder
holds. The next person adds theirs here."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.card_actions import edit_card
from pmquiz.cli import app
from pmquiz.workspace import open_workspace

from helpers import basic_cards, own_decks_only, write_deck


def editor(action: Callable[[Path], None], code: int = 0) -> Callable[[list[str]], int]:
    """A stand-in for $EDITOR: does `action` to the file it is given, exits with `code`."""
    def run(command: list[str]) -> int:
        action(Path(command[-1]))
        return code
    return run


def change(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("answer 1", "changed"),
                    encoding="utf-8")


def to_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def to_dangling_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.with_name("gone.toml"))


@pytest.mark.parametrize(("run", "reason"), [
    (editor(change, code=1), "the editor exited with status 1"),
    (editor(Path.stat), "no change"),  # looks, saves nothing
    (editor(lambda p: p.unlink()), "the editor removed the file"),
    (editor(to_folder), "the editor left a folder in place of the file"),
    (editor(to_dangling_link), "the editor left a link in place of the file"),
])
def test_what_an_editor_leaves_is_checked_and_the_file_put_back(
        home: Path, run: Callable[[list[str]], int], reason: str) -> None:
    deck = write_deck(own_decks_only(home), "alpha", basic_cards(2))
    before = deck.read_bytes()
    with open_workspace(home, []) as ws:
        result = edit_card(ws, ws.store.queue.find_card("alpha/q1"), run=run)
    assert result.discarded and result.reason == reason
    assert deck.is_file() and not deck.is_symlink() and deck.read_bytes() == before
    out = CliRunner().invoke(app, ["due", "--json"])
    assert out.exit_code == 0, out.output  # the module is still there


def test_a_failed_edit_of_a_shipped_deck_leaves_no_copy(home: Path) -> None:
    with open_workspace(home, []) as ws:
        stored = ws.store.queue.find_card("intro-pm/pm-vs-project/owns-vision")
        result = edit_card(ws, stored, run=editor(change, code=1))
    assert result.discarded
    assert not list((home / "decks").rglob("*.toml"))  # no override left behind


def test_a_deck_reached_through_a_linked_folder_is_read(home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_deck(elsewhere, "linked", basic_cards(2))
    own = own_decks_only(home)
    own.mkdir(parents=True, exist_ok=True)
    (own / "borrowed").symlink_to(elsewhere, target_is_directory=True)
    (own / "loop").symlink_to(own, target_is_directory=True)  # a loop is walked once
    out = CliRunner().invoke(app, ["decks", "--json"])
    assert out.exit_code == 0, out.output
    assert "linked" in out.output


def test_a_dangling_link_in_the_decks_folder_is_named_not_dropped(home: Path) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", basic_cards(2))
    assert CliRunner().invoke(app, ["due"]).exit_code == 0
    (own / "alpha.toml").rename(own / "alpha.real")
    (own / "alpha.toml").symlink_to(own / "nowhere.toml")
    out = CliRunner().invoke(app, ["due"])
    assert out.exit_code != 0
    assert "alpha.toml" in out.output and "link" in out.output
    assert "does not exist" in out.output
    os.remove(own / "alpha.toml")
    (own / "alpha.real").rename(own / "alpha.toml")
    out = CliRunner().invoke(app, ["due", "--json"])
    assert out.exit_code == 0 and '"new": 2' in out.output  # nothing was retired


def test_a_search_of_a_word_repeated_5000_times_is_one_word(home: Path) -> None:
    import json

    out = CliRunner().invoke(app, ["search", "--json", "budget " * 5000])
    assert out.exit_code == 0, out.output[-300:]
    data = json.loads(out.stdout)
    assert data["words"] == ["budget"] and data["cards"]  # it took FTS 194 s


def test_a_search_of_many_words_says_which_it_used(home: Path) -> None:
    words = " ".join(f"w{i}" for i in range(40))
    out = CliRunner().invoke(app, ["search", words])
    assert out.exit_code == 0
    assert "searched for the first 16 distinct words" in out.output


def test_export_anki_leaves_nothing_in_the_temporary_folder(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile
    import time

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    target = tmp_path / "out.apkg"
    killed = tmp_path / ".out.apkg.abc123.tmp"  # what a kill -9 during a write left
    killed.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(killed, (old, old))
    writing = tmp_path / ".out.apkg.def456.tmp"  # another write going on now: kept
    writing.write_bytes(b"now")
    dead = scratch / "pmquiz-export-999999-x"  # a killed export's folder
    dead.mkdir()
    for _ in range(2):
        out = CliRunner().invoke(app, ["export", "anki", "-o", str(target)])
        assert out.exit_code == 0, out.output
    assert list(scratch.iterdir()) == []  # it left an 11 MB collection on every run
    assert not killed.exists() and writing.exists()


def test_media_left_half_written_by_a_killed_import_is_swept_once(tmp_path: Path) -> None:
    """A package's media are written after one scan of their folder for what a kill left:
    old temporaries go, a write going on now stays, and the files are written whole."""
    import os
    import time

    from pmquiz.deck import sweep_stale_temporaries
    from pmquiz.interop.media import _write

    folder = tmp_path / "media"
    folder.mkdir()
    old = folder / ".a.jpg.x1.tmp"
    old.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    current = folder / ".b.jpg.x2.tmp"
    current.write_bytes(b"writing")
    sweep_stale_temporaries(folder)
    _write(folder / "a.jpg", b"whole")
    assert sorted(p.name for p in folder.iterdir()) == [".b.jpg.x2.tmp", "a.jpg"]
    assert (folder / "a.jpg").read_bytes() == b"whole"
