"""Files written together (a package's modules: a deck and its origins each) appear whole or
not at all, with one flush of their filesystem instead of one per file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pmquiz.durable_batch import DurableBatch
from pmquiz.errors import WriteError


def folder_in(tmp_path: Path) -> Path:
    """A folder of its own (the test's folder holds the pmquiz home too)."""
    folder = tmp_path / "decks"
    folder.mkdir()
    return folder


def test_committed_files_appear_whole_and_keep_their_permissions(tmp_path: Path) -> None:
    tmp_path = folder_in(tmp_path)
    old = tmp_path / "old.toml"
    old.write_text("before", encoding="utf-8")
    old.chmod(0o600)
    batch = DurableBatch()
    batch.add(old, b"after")
    batch.add(tmp_path / "new.toml", b"fresh")
    assert old.read_text(encoding="utf-8") == "before"  # nothing shows before the commit
    assert not (tmp_path / "new.toml").exists()
    batch.commit()
    assert old.read_text(encoding="utf-8") == "after"
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert (tmp_path / "new.toml").read_bytes() == b"fresh"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.toml", "old.toml"]


def test_without_syncfs_each_file_is_flushed_and_all_appear(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz import durable_batch

    flushed: list[str] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}") if Path("/proc/self/fd").is_dir()
                       else str(fd))
        real_fsync(fd)

    monkeypatch.setattr(durable_batch, "_flush_filesystem", lambda _folder: False)
    monkeypatch.setattr(durable_batch.os, "fsync", counting)
    batch = DurableBatch()
    for n in range(3):
        batch.add(tmp_path / f"m{n}.toml", f"deck {n}".encode())
    batch.commit()
    assert [(tmp_path / f"m{n}.toml").read_text(encoding="utf-8") for n in range(3)] == \
        ["deck 0", "deck 1", "deck 2"]
    assert len(flushed) == 4  # three files, then the folder that holds their new names


def test_a_discarded_batch_changes_nothing(tmp_path: Path) -> None:
    tmp_path = folder_in(tmp_path)
    kept = tmp_path / "kept.toml"
    kept.write_text("as it was", encoding="utf-8")
    batch = DurableBatch()
    batch.add(kept, b"never")
    batch.add(tmp_path / "other.toml", b"never")
    batch.discard()
    batch.commit()  # nothing left to commit
    assert kept.read_text(encoding="utf-8") == "as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.toml"]


def test_a_file_that_cannot_be_written_is_named_and_the_others_are_not_written(
        tmp_path: Path) -> None:
    tmp_path = folder_in(tmp_path)
    batch = DurableBatch()
    batch.add(tmp_path / "a.toml", b"first")
    with pytest.raises(WriteError, match=r"cannot write .*missing.*b\.toml"):
        batch.add(tmp_path / "missing" / "b.toml", b"second")
    batch.commit()
    assert list(tmp_path.iterdir()) == []  # the first file's temporary went with the batch


def test_a_package_of_many_decks_leaves_every_module_whole_and_no_temporary(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A package whose decks are written by this process and forked copies, each share
    with one batch: every module and its origins written, no temporary file left."""
    from typer.testing import CliRunner

    from pmquiz import side_work
    from pmquiz.cli import app
    from pmquiz.deck import load_file
    from pmquiz.interop import importer
    from test_import_round_trip import _anki_package

    monkeypatch.setattr(side_work.threading, "active_count", lambda: 1)  # other tests' threads
    monkeypatch.setattr(importer, "SIDE_CARDS", 1)  # shared among writers however small
    package = _anki_package(tmp_path / "many.apkg", {
        f"Course::Part {n}": [f"q{n}-{i}" for i in range(3)] for n in range(7)})
    result = CliRunner().invoke(app, ["import", str(package)])
    assert result.exit_code == 0, result.output
    folder = home / "decks" / "imported"
    decks = sorted(folder.glob("*.toml"))
    assert len(decks) == 7 and all(len(load_file(d).cards) == 3 for d in decks)
    assert len(list(folder.glob("*.anki.json"))) == 7
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_module_that_cannot_be_written_is_named_and_leaves_no_temporary(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pmquiz import durable_batch
    from pmquiz.cli import app
    from test_import_round_trip import _anki_package

    real_add = durable_batch.DurableBatch.add

    def full_disk(self: DurableBatch, target: Path, data: bytes) -> None:
        if target.name == "part-2.toml":
            raise WriteError(f"cannot write {target}: No space left on device; nothing "
                             "was changed")
        real_add(self, target, data)

    monkeypatch.setattr(durable_batch.DurableBatch, "add", full_disk)
    package = _anki_package(tmp_path / "many.apkg", {
        f"Course::Part {n}": [f"q{n}-{i}" for i in range(2)] for n in range(3)})
    result = CliRunner().invoke(app, ["import", str(package)])
    assert result.exit_code != 0
    assert "part-2.toml: No space left on device" in " ".join(result.output.split())
    folder = home / "decks" / "imported"
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
