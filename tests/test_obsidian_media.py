"""Images and sounds an Obsidian card embeds (`![[mito.png]]`): found in the vault as
Obsidian finds them, saved beside the imported deck and named in the card as an Anki image
is, so the study screen names the file and `pmquiz export anki` carries it to Anki."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_file

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
MP3 = b"ID3\x03\x00" + bytes(range(32))


def _vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "attachments").mkdir()
    (vault / "attachments" / "mito.png").write_bytes(PNG)
    (vault / "attachments" / "heart beat.mp3").write_bytes(MP3)
    (vault / "notes").mkdir()
    note = vault / "notes" / "cells.md"
    note.write_text("#flashcards\n\n"
                    "What does a mitochondrion look like?::![[mito.png|300]]\n"
                    "Which sound does a heart make?::![[attachments/heart beat.mp3]]\n"
                    "Where is the diagram?::![[missing.png]]\n"
                    "What is outside?::![[../../outside.png]]\n"
                    "What hides behind a link?::![[alias.png]]\n"
                    "What does it look like again?::![[attachments/mito.png]]\n",
                    encoding="utf-8")
    (tmp_path / "outside.png").write_bytes(PNG)  # beside the vault: never read
    # a symbolic link in the vault to a file elsewhere is no file of the vault either
    (vault / "attachments" / "alias.png").symlink_to(tmp_path / "outside.png")
    return note


def test_an_embedded_image_or_sound_is_saved_beside_the_deck_and_named_in_the_card(
        tmp_path: Path) -> None:
    note = _vault(tmp_path)
    decks = tmp_path / "decks"
    result = runner.invoke(app, ["import", str(note), "-o", str(decks / "cells.toml"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    deck = load_file(decks / "cells.toml")
    slug = deck.module.slug
    assert [(c.prompt, c.answer) for c in deck.cards] == [
        ("What does a mitochondrion look like?", f"[image: mito.png] (media/{slug}/mito.png)"),
        ("Which sound does a heart make?",
         f"[sound: heart beat.mp3] (media/{slug}/heart beat.mp3)"),
        ("Where is the diagram?", "![[missing.png]]"),
        ("What is outside?", "![[../../outside.png]]"),
        ("What hides behind a link?", "![[alias.png]]"),
        # the same file by its path: the same media, no second copy and no complaint
        ("What does it look like again?", f"[image: mito.png] (media/{slug}/mito.png)")]
    assert (decks / "media" / slug / "mito.png").read_bytes() == PNG
    assert (decks / "media" / slug / "heart beat.mp3").read_bytes() == MP3
    assert any(w.endswith(':5: "![[missing.png]]": no file "missing.png" in '
                          f"{note.parent.parent.resolve()}; left as written")
               for w in report["warnings"]), report["warnings"]
    assert any(':6: "![[../../outside.png]]": no file' in w for w in report["warnings"])
    assert any(':7: "![[alias.png]]": no file' in w for w in report["warnings"])
    assert len(report["warnings"]) == 3, report["warnings"]
    assert sorted(p.name for p in (decks / "media" / slug).iterdir()) == \
        ["heart beat.mp3", "mito.png"]


def test_an_embedded_image_goes_on_to_anki(tmp_path: Path, home: Path) -> None:
    note = _vault(tmp_path)
    assert runner.invoke(app, ["import", str(note)]).exit_code == 0
    package = tmp_path / "out.apkg"
    result = runner.invoke(app, ["export", "anki", "-o", str(package)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(package) as archive:
        names = json.loads(archive.read("media"))
        by_name = {name: member for member, name in names.items()}
        assert archive.read(by_name["mito.png"]) == PNG
        archive.extract("collection.anki2", tmp_path)
    with sqlite3.connect(tmp_path / "collection.anki2") as db:
        fields = [row[0] for row in db.execute("SELECT flds FROM notes")]
    assert any('<img src="mito.png">' in f for f in fields), fields
