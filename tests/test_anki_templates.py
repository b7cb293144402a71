"""Anki note types read through their card templates: packages made by Anki itself (the `anki`
library), in the newer schema (templates in protobuf) and the legacy one (JSON), and the
template syntax on its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example as example_case
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.interop.apkg import read_package
from pmquiz.interop.templates import answer_part, render
from pmquiz.model import Kind

anki = pytest.importorskip("anki.collection", reason="the anki library is a test extra")


def make_package(folder: Path, legacy: bool) -> Path:
    """A package made by Anki: a custom two-template vocabulary type with a conditional third
    template, the stock type-in and cloze types."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    col = Collection(str(folder / "collection.anki2"))
    models = col.models
    vocab = models.new("Vocab")
    for name in ("Word", "Meaning", "Example", "Audio", "Notes"):
        models.add_field(vocab, models.new_field(name))
    forward = models.new_template("Forward")
    forward["qfmt"] = "{{Word}}{{#Example}}<br><i>{{Example}}</i>{{/Example}}"
    forward["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}"
    reverse = models.new_template("Reverse")
    reverse["qfmt"] = "{{Meaning}} {{hint:Notes}}"
    reverse["afmt"] = "{{FrontSide}}<hr id=answer>{{Word}}{{^Example}} (no example){{/Example}}"
    listen = models.new_template("Listen")
    listen["qfmt"] = "{{#Audio}}Listen: {{text:Audio}}{{/Audio}}"
    listen["afmt"] = "{{FrontSide}}<hr id=answer>{{Word}}"
    for template in (forward, reverse, listen):
        models.add_template(vocab, template)
    models.add(vocab)
    deck = col.decks.id("French")
    for word, meaning, example, notes in (("chien", "dog", "Le <b>chien</b> aboie.", "a pet"),
                                          ("chat", "cat", "", "")):
        note = col.new_note(models.by_name("Vocab"))
        note["Word"], note["Meaning"], note["Example"], note["Notes"] = \
            word, meaning, example, notes
        col.add_note(note, deck)
    typed = col.new_note(models.by_name("Basic (type in the answer)"))
    typed["Front"], typed["Back"] = "Capital of Italy?", "Rome"
    col.add_note(typed, deck)
    cloze = col.new_note(models.by_name("Cloze"))
    cloze["Text"] = "{{c1::Paris}} is the capital of {{c2::France}}."
    cloze["Back Extra"] = "Since the year 508."
    col.add_note(cloze, deck)
    out = folder / ("legacy.apkg" if legacy else "modern.apkg")
    col.export_anki_package(out_path=str(out), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy))
    col.close()
    return out


@pytest.mark.parametrize("legacy", [False, True])
def test_every_template_gives_its_card(tmp_path: Path, legacy: bool) -> None:
    package = make_package(tmp_path, legacy)
    read = read_package(package, "french")
    assert read.collection == ("collection.anki21" if legacy else "collection.anki21b")
    cards = {(c.prompt, c.answer) for c in read.cards if c.kind is Kind.BASIC}
    assert cards == {
        ("chien\n*Le **chien** aboie.*", "dog"),  # forward, its example section in Markdown
        ("dog (hint: a pet)", "chien"),  # reverse: a second card of the same note
        ("chat", "cat"),  # no example: the section is left out
        ("cat", "chat (no example)"),  # an inverted section shown
        ("Capital of Italy?", "Rome"),  # type: the box is nothing on the front
    }
    # the Listen template has an empty front for both notes: no card, as in Anki
    assert not any(c.prompt.startswith("Listen") for c in read.cards)
    # a card per cloze number, the other number's words shown, as Anki makes them
    clozes = [c for c in read.cards if c.kind is Kind.CLOZE]
    assert [c.prompt for c in clozes] == ["{{Paris}} is the capital of France.",
                                          "Paris is the capital of {{France}}."]
    assert {c.explain for c in clozes} == {"Since the year 508."}
    assert clozes[0].groups == clozes[1].groups == (clozes[0].id,)  # siblings
    ids = [c.id for c in read.cards]
    assert len(ids) == len(set(ids))  # a reverse card has an id of its own


def test_ids_per_template_are_stable_across_imports(tmp_path: Path) -> None:
    package = make_package(tmp_path, legacy=False)
    first = {(c.prompt, c.id) for c in read_package(package, "french").cards}
    second = {(c.prompt, c.id) for c in read_package(package, "french").cards}
    assert first == second


@pytest.mark.parametrize(("template", "values", "side", "expected"), [
    ("{{Front}}", {"Front": "a"}, "front", "a"),
    ("{{ Front }}", {"Front": "a"}, "front", "a"),  # spaces inside the braces
    ("{{#Extra}}[{{Extra}}]{{/Extra}}", {"Extra": ""}, "front", ""),
    ("{{#Extra}}[{{Extra}}]{{/Extra}}", {"Extra": "x"}, "front", "[x]"),
    ("{{#Extra}}[{{Extra}}]{{/Extra}}", {"Extra": "<br> "}, "front", ""),  # only markup
    ("{{^Extra}}none{{/Extra}}", {"Extra": ""}, "front", "none"),
    ("{{#A}}{{#B}}ab{{/B}}{{/A}}", {"A": "1", "B": "1"}, "front", "ab"),
    ("{{#A}}{{#B}}ab{{/B}}{{/A}}", {"A": "1", "B": ""}, "front", ""),
    ("{{text:F}}", {"F": "<b>bold</b> &amp; more"}, "front", "bold & more"),
    ("{{type:F}}", {"F": "Rome"}, "front", ""),
    ("{{type:F}}", {"F": "Rome"}, "back", "Rome"),
    ("{{hint:F}}", {"F": ""}, "front", ""),
    ("{{furigana:F}}", {"F": "日本"}, "front", "日本"),  # filters read as the field
    ("{{tts en_US voices=Apple:F}}", {"F": "hello"}, "front", "hello"),
    ("{{FrontSide}}", {}, "back", "FRONT"),
    ("{{Missing}}x{{/Stray}}", {}, "front", "x"),
])
def test_template_syntax(template: str, values: dict[str, str], side: str,
                         expected: str) -> None:
    assert render(template, values, side, "FRONT") == expected


GLOSSARY = "<ol><li>I, me (slightly formal or feminine)</li><li>see also: 僕, 俺</li></ol>"


@pytest.mark.parametrize(("template", "values", "expected"), [
    # a carousel note type (Lapis) fills two panels with one glossary: shown once
    ("<p>{{#Main}}{{Main}}{{/Main}}</p><p>{{Glossary}}</p>",
     {"Main": GLOSSARY, "Glossary": GLOSSARY}, f"<p>{GLOSSARY}</p><p></p>"),
    # different values both show
    ("{{Main}}|{{Glossary}}", {"Main": GLOSSARY, "Glossary": GLOSSARY + "."},
     f"{GLOSSARY}|{GLOSSARY}."),
    # the same text in other markup is the same value (Yomitan writes one table with a
    # <tbody> and one without, a no-break space as &nbsp; in one and U+00A0 in the other)
    ("{{Main}}|{{Glossary}}",
     {"Main": f"<table><tr><td>priority\xa0form</td></tr></table>{GLOSSARY}",
      "Glossary": f"<table><tbody><tr><td>priority&nbsp;form</td></tr></tbody></table>{GLOSSARY}"},
     f"<table><tr><td>priority\xa0form</td></tr></table>{GLOSSARY}|"),
    # other words in other markup both show
    ("{{Main}}|{{Glossary}}", {"Main": f"<b>{GLOSSARY}</b>", "Glossary": f"{GLOSSARY} more"},
     f"<b>{GLOSSARY}</b>|{GLOSSARY} more"),
    # a short value may repeat (a word and its reading)
    ("{{Word}} ({{Reading}})", {"Word": "いいか", "Reading": "いいか"}, "いいか (いいか)"),
    # a section that does not show does not count as shown
    ("{{^Main}}{{Glossary}}{{/Main}}[{{Glossary}}]", {"Main": "x", "Glossary": GLOSSARY},
     f"[{GLOSSARY}]"),
    # two pictures with no words are not one value (a real collection of picture cards,
    # question and answer each a pasted image, lost every answer this way)
    ("{{FrontSide}}<hr id=answer>{{Back}}",
     {"Back": '<img src="paste-2c51a0ac1952be6fc9e18e7765223d1175c1a32f.jpg">'},
     '<img src="paste-72722ea393537c95af0ad3742074acf464de3661.jpg"><hr id=answer>'
     '<img src="paste-2c51a0ac1952be6fc9e18e7765223d1175c1a32f.jpg">'),
    # long in markup but short in text: may repeat
    ("{{A}}{{B}}", {"A": "<b>" * 30 + "x", "B": "<b>" * 30 + "x"}, ("<b>" * 30 + "x") * 2),
])
def test_a_side_shows_a_long_value_once(template: str, values: dict[str, str],
                                        expected: str) -> None:
    front = '<img src="paste-72722ea393537c95af0ad3742074acf464de3661.jpg">' \
        if "FrontSide" in template else "FRONT"
    assert render(template, values, "back", front) == expected


def test_the_answer_is_what_the_back_adds() -> None:
    assert answer_part("Q<hr id=answer>A", "Q") == "A"
    assert answer_part("Q<HR ID='answer'>A", "Q") == "A"
    assert answer_part("QA", "Q") == "A"
    assert answer_part("A", "Q") == "A"


def test_a_bare_collection_and_a_colpkg_import(home: Path, tmp_path: Path) -> None:
    from anki.collection import Collection
    from typer.testing import CliRunner

    from pmquiz.cli import app

    make_package(tmp_path, legacy=False)
    col = Collection(str(tmp_path / "collection.anki2"))
    colpkg = tmp_path / "backup.colpkg"
    col.export_collection_package(str(colpkg), include_media=True, legacy=False)
    col.close()
    runner = CliRunner()
    for source in (tmp_path / "collection.anki2", colpkg):
        out = tmp_path / f"{source.stem}.toml"
        result = runner.invoke(app, ["import", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "7 cards" in result.output  # as many as Anki's (below)
        assert 'prompt = "dog (hint: a pet)"' in out.read_text(encoding="utf-8")
    # the collection file was only read
    again = Collection(str(tmp_path / "collection.anki2"))
    assert (again.note_count(), again.card_count()) == (4, 7)
    again.close()


def test_two_imports_never_share_a_module(home: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pmquiz.cli import app

    runner = CliRunner()
    first, second = tmp_path / "a" / "deck.txt", tmp_path / "b" / "deck.txt"
    for path, words in ((first, "one"), (second, "two")):
        path.parent.mkdir()
        path.write_text(f"Question {words}?\tAnswer {words}\n", encoding="utf-8")
    done = runner.invoke(app, ["import", str(first)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["import", str(second)])
    assert done.exit_code == 0, done.output
    assert 'module slug "deck" is taken by another import' in done.output
    assert 'this one is "deck-2"' in done.output
    files = sorted((home / "decks" / "imported").glob("*.toml"))
    assert [f.name for f in files] == ["deck-2.toml", "deck.toml"]
    assert "Question one?" in files[1].read_text(encoding="utf-8")  # not merged away
    assert runner.invoke(app, ["check"]).exit_code == 0
    again = runner.invoke(app, ["import", str(first)])  # the same file again: an update
    assert again.exit_code == 0 and "taken" not in again.output
    assert len(list((home / "decks" / "imported").glob("*.toml"))) == 2


def import_into_anki(collection: object, package: Path) -> object:
    from anki.collection import ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageOptions

    return collection.import_anki_package(ImportAnkiPackageRequest(  # type: ignore[attr-defined]
        package_path=str(package), options=ImportAnkiPackageOptions(
            merge_notetypes=False, update_notes=0, update_notetypes=0, with_scheduling=False,
            with_deck_configs=False))).log


def test_anki_itself_imports_the_export_and_a_second_export_changes_nothing(
        home: Path, tmp_path: Path) -> None:
    """Anki's own importer: notes, GUIDs and decks as pmquiz wrote them; the same export
    again updates no note; after one card changes, exactly that note is updated."""
    from anki.collection import Collection
    from typer.testing import CliRunner

    from pmquiz.cli import app

    from helpers import basic_cards, own_decks_only, write_deck

    runner = CliRunner()
    own = own_decks_only(home)
    deck = write_deck(own, "alpha", basic_cards(3), title="Same title")
    write_deck(own, "beta", basic_cards(2, "b"), title="Same title")
    first = tmp_path / "first.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(first)]).exit_code == 0
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    log = import_into_anki(col, first)
    assert len(log.new) == 5  # type: ignore[attr-defined]
    guids = sorted(col.get_note(n).guid for n in col.find_notes(""))
    assert guids == sorted([f"pmquiz:alpha/q{i}" for i in (1, 2, 3)] +
                           [f"pmquiz:beta/b{i}" for i in (1, 2)])
    names = sorted(d.name for d in col.decks.all_names_and_ids())
    assert "pmquiz::Phase 0::Same title (alpha)" in names
    assert "pmquiz::Phase 0::Same title (beta)" in names  # two modules, two decks
    second = tmp_path / "second.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(second)]).exit_code == 0
    log = import_into_anki(col, second)
    assert log.updated == [] and log.new == []  # type: ignore[attr-defined]
    deck.write_text(deck.read_text(encoding="utf-8").replace("answer 2", "answer two"),
                    encoding="utf-8")
    third = tmp_path / "third.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(third)]).exit_code == 0
    log = import_into_anki(col, third)
    assert [n.fields for n in log.updated] == [["Question 2?", "answer two"]]  # type: ignore[attr-defined]
    col.close()


def media_package(folder: Path, legacy: bool) -> Path:
    from anki.collection import Collection
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    col.media.write_data("pic.png", b"\x89PNG not really an image")
    col.media.write_data("hello.mp3", b"ID3 not really a sound")
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = 'Which painting is this? <img src="pic.png">'
    note["Back"] = "Composition VIII [sound:hello.mp3]"
    col.add_note(note, col.decks.id("Art"))
    out = folder / "art.apkg"
    col.export_anki_package(out_path=str(out), limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy))
    col.close()
    return out


@pytest.mark.parametrize("legacy", [False, True])
def test_media_is_saved_beside_the_deck_and_goes_back_to_anki(home: Path, tmp_path: Path,
                                                               legacy: bool) -> None:
    from anki.collection import Collection
    from typer.testing import CliRunner

    from pmquiz.cli import app

    from helpers import own_decks_only

    runner = CliRunner()
    own = own_decks_only(home)
    package = media_package(tmp_path / "anki", legacy)
    deck_file = own / "art.toml"
    done = runner.invoke(app, ["import", str(package), "-o", str(deck_file)])
    assert done.exit_code == 0, done.output
    assert (own / "media" / "art" / "pic.png").read_bytes() == b"\x89PNG not really an image"
    assert (own / "media" / "art" / "hello.mp3").read_bytes() == b"ID3 not really a sound"
    text = deck_file.read_text(encoding="utf-8")
    assert "Which painting is this? [image: pic.png] (media/art/pic.png)" in text
    assert "Composition VIII [sound: hello.mp3] (media/art/hello.mp3)" in text
    out = tmp_path / "back.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(out)]).exit_code == 0
    (tmp_path / "fresh").mkdir()
    col = Collection(str(tmp_path / "fresh" / "collection.anki2"))
    import_into_anki(col, out)
    [note_id] = col.find_notes("")
    note = col.get_note(note_id)
    assert note.fields == ['Which painting is this? <img src="pic.png">',
                           "Composition VIII [sound:hello.mp3]"]
    assert col.media.have("pic.png") and col.media.have("hello.mp3")
    col.close()


def test_hostile_media_names_and_sizes(home: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import json
    import zipfile

    from pmquiz.interop import media

    package = media_package(tmp_path / "anki", legacy=True)
    hostile = tmp_path / "hostile.apkg"
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(hostile, "w") as out:
        for item in source.infolist():
            if item.filename != "media":
                out.writestr(item, source.read(item))
        mapping = json.loads(source.read("media"))
        renamed = {k: ("../../escape.png" if v == "pic.png" else v) for k, v in mapping.items()}
        out.writestr("media", json.dumps(renamed))
    saved, warnings = media.save_media(hostile, {"../../escape.png", "hello.mp3", "gone.png"},
                                       tmp_path / "out")
    assert saved["../../escape.png"] == tmp_path / "out" / "escape.png"  # inside the folder
    assert not (tmp_path / "escape.png").exists()
    assert any('"gone.png" is not in the package' in w.message for w in warnings)
    monkeypatch.setattr(media, "MAX_MEDIA_FILE", 10)
    saved, warnings = media.save_media(hostile, {"hello.mp3"}, tmp_path / "small")
    assert saved == {} and "larger than" in warnings[0].message


@pytest.mark.parametrize("legacy", [False, True])
def test_a_damaged_media_file_is_skipped_by_name_and_the_rest_imported(
        home: Path, tmp_path: Path, legacy: bool) -> None:
    """A media file whose bytes were damaged in the package (its checksum no longer
    matches) is named in a warning; the deck and the other files are written."""
    import zipfile

    from typer.testing import CliRunner

    from pmquiz.cli import app

    from helpers import own_decks_only

    own = own_decks_only(home)
    package = media_package(tmp_path / "anki", legacy)
    raw = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as archive:
        members = _media_members(archive)
        info = archive.getinfo(members["pic.png"])
        name_size = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little")
        extra_size = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30],
                                    "little")
        start = info.header_offset + 30 + name_size + extra_size
    raw[start + info.compress_size // 2] ^= 0xFF
    damaged = tmp_path / "damaged" / "art.apkg"
    damaged.parent.mkdir()
    damaged.write_bytes(bytes(raw))
    done = CliRunner().invoke(app, ["import", str(damaged), "-o", str(own / "art.toml")])
    assert done.exit_code == 0, done.output
    assert 'media "pic.png" skipped: damaged in the package' in done.output
    assert not (own / "media" / "art" / "pic.png").exists()
    assert (own / "media" / "art" / "hello.mp3").read_bytes() == b"ID3 not really a sound"
    text = (own / "art.toml").read_text(encoding="utf-8")
    assert "Which painting is this? [image: pic.png]" in text
    assert "(media/art/pic.png)" not in text


def _media_members(archive: Any) -> dict[str, str]:
    from pmquiz.interop.media import _index

    return _index(archive)[0]


def test_media_members_read_alike_however_they_are_stored(tmp_path: Path) -> None:
    """Stored and deflated members are read from the mapped package, any other compression
    through zipfile: each file comes out byte for byte."""
    import json
    import os
    import zipfile

    from pmquiz.interop.media import save_media

    files = {f"f{n}.bin": os.urandom(n * 700) + b"abc" * n * 300 for n in range(1, 7)}
    methods = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]
    package = tmp_path / "mixed.apkg"
    with zipfile.ZipFile(package, "w") as out:
        out.writestr("media", json.dumps({str(n): name for n, name in enumerate(files)}))
        for n, data in enumerate(files.values()):
            out.writestr(str(n), data, compress_type=methods[n % 3])
    saved, warnings = save_media(package, set(files), tmp_path / "out")
    assert warnings == []
    assert {name: path.read_bytes() for name, path in saved.items()} == files


def test_media_saved_again_keeps_its_permissions_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    """Each media file is written under a temporary name and renamed over the old one: a
    file saved again is replaced whole, keeps the permissions it was given, and nothing
    is left beside it; a temporary file a killed run of this process left is no obstacle;
    a folder that cannot be written is a clear error."""
    import os

    from pmquiz.errors import WriteError
    from pmquiz.interop import media

    package = media_package(tmp_path / "anki", legacy=True)
    folder = tmp_path / "out"
    media.save_media(package, {"pic.png"}, folder)
    (folder / "pic.png").chmod(0o600)
    (folder / "pic.png").write_bytes(b"an older picture, longer than the new one")
    (folder / f".hello.mp3.{os.getpid()}.tmp").write_bytes(b"half")  # a kill's leftover
    media.save_media(package, {"pic.png", "hello.mp3"}, folder)
    assert (folder / "pic.png").read_bytes() == b"\x89PNG not really an image"
    assert (folder / "pic.png").stat().st_mode & 0o777 == 0o600
    assert (folder / "hello.mp3").read_bytes() == b"ID3 not really a sound"
    assert sorted(p.name for p in folder.iterdir()) == [
        f".hello.mp3.{os.getpid()}.tmp", "hello.mp3", "pic.png"]  # only the old leftover
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(WriteError, match=r"cannot write .*blocked"):
        media.save_media(package, {"pic.png"}, blocked)


def test_notes_from_anki_go_back_as_the_same_notes(home: Path, tmp_path: Path) -> None:
    """Import an Anki package, export it from pmquiz, import that into the first
    collection: no second notes, nothing updated; edit one card in pmquiz: exactly its
    note is updated, in the field the card came from."""
    from anki.collection import Collection
    from typer.testing import CliRunner

    from pmquiz.cli import app

    from helpers import own_decks_only

    runner = CliRunner()
    own = own_decks_only(home)
    package = make_package(tmp_path, legacy=False)
    deck_file = own / "french.toml"
    assert runner.invoke(app, ["import", str(package), "-o", str(deck_file)]).exit_code == 0
    assert (own / "french.anki.json").is_file()  # where each card came from
    out = tmp_path / "back.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(out)]).exit_code == 0
    col = Collection(str(tmp_path / "collection.anki2"))  # the collection it came from
    notes_before = col.note_count()
    log = import_into_anki(col, out)
    assert log.new == [] and log.updated == [] and log.conflicting == []  # type: ignore[attr-defined]
    assert col.note_count() == notes_before
    text = deck_file.read_text(encoding="utf-8")
    assert 'answer = "dog"' in text
    deck_file.write_text(text.replace('answer = "dog"', 'answer = "hound"'), encoding="utf-8")
    again = tmp_path / "again.apkg"
    assert runner.invoke(app, ["export", "anki", "-o", str(again)]).exit_code == 0
    log = import_into_anki(col, again)
    assert [n.fields[:2] for n in log.updated] == [["chien", "hound"]]  # type: ignore[attr-defined]
    assert log.new == [] and col.note_count() == notes_before  # type: ignore[attr-defined]
    col.close()


def test_cards_from_an_anki_text_export_go_back_and_update_their_notes(
        home: Path, tmp_path: Path) -> None:
    from anki.collection import Collection, ImportCsvRequest
    from typer.testing import CliRunner

    from pmquiz.cli import app

    from helpers import own_decks_only

    runner = CliRunner()
    own = own_decks_only(home)
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "chien", "dog"
    col.add_note(note, col.decks.id("French"))
    exported = tmp_path / "french.txt"  # what Anki's "notes in plain text" export writes
    exported.write_text("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n"
                        f"#deck column:3\n{note.guid}\tBasic\tFrench\tchien\tdog\n",
                        encoding="utf-8")
    deck_file = own / "french.toml"
    assert runner.invoke(app, ["import", str(exported), "-o", str(deck_file)]).exit_code == 0
    deck_file.write_text(deck_file.read_text(encoding="utf-8").replace(
        'answer = "dog"', 'answer = "hound"'), encoding="utf-8")
    back = tmp_path / "back.txt"
    assert runner.invoke(app, ["export", "text", "-o", str(back)]).exit_code == 0
    assert f"{note.guid}\tBasic\t" in back.read_text(encoding="utf-8")
    log = col.import_csv(ImportCsvRequest(path=str(back), metadata=col.get_csv_metadata(
        path=str(back), delimiter=None))).log
    assert len(log.updated) == 1 and len(log.new) == 0
    assert col.get_note(note.id)["Back"] == "hound"
    package = tmp_path / "back.apkg"  # and a package never makes a second note of it
    assert runner.invoke(app, ["export", "anki", "-o", str(package)]).exit_code == 0
    import_into_anki(col, package)
    assert col.note_count() == 1
    col.close()


def test_reversed_note_types_of_a_text_export_make_anki_s_cards_and_go_back_as_one_note(
        home: Path, tmp_path: Path) -> None:
    """A text export names its note types, not their templates: Anki's stock reversed
    types still make the back-to-front card, as in Anki (6 cards of these 4 notes), and
    `export text` gives Anki each note once, so nothing is added or swapped there."""
    from anki.collection import Collection, ImportCsvRequest
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.deck import load_file

    from helpers import own_decks_only

    runner = CliRunner()
    source = tmp_path / "words.txt"
    source.write_text("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n"
                      "g1\tBasic (and reversed card)\tchien\tdog\n"
                      "g2\tBasic (optional reversed card)\tchat\tcat\ty\n"
                      "g3\tBasic (optional reversed card)\tvache\tcow\t\n"
                      "g4\tBasic\tCapital of Italy?\tRome\n", encoding="utf-8")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    col.import_csv(ImportCsvRequest(path=str(source), metadata=col.get_csv_metadata(
        path=str(source), delimiter=None)))
    assert (col.note_count(), col.card_count()) == (4, 6)
    deck_file = own_decks_only(home) / "words.toml"
    result = runner.invoke(app, ["import", str(source), "-o", str(deck_file), "--json"])
    assert result.exit_code == 0, result.output
    assert sorted((c.prompt, c.answer) for c in load_file(deck_file).cards) == sorted([
        ("chien", "dog"), ("dog", "chien"), ("chat", "cat"), ("cat", "chat"), ("vache", "cow"),
        ("Capital of Italy?", "Rome")])
    assert json.loads(result.output)["warnings"] == []  # each note type's own width
    back = tmp_path / "back.txt"
    assert runner.invoke(app, ["export", "text", "-o", str(back)]).exit_code == 0
    rows = [line.split("\t")[:4] for line in back.read_text(encoding="utf-8").splitlines()
            if line.startswith("g")]
    assert rows == [["g1", "Basic (and reversed card)", rows[0][2], "chien"],
                    ["g2", "Basic (optional reversed card)", rows[1][2], "chat"],
                    ["g3", "Basic (optional reversed card)", rows[2][2], "vache"],
                    ["g4", "Basic", rows[3][2], "Capital of Italy?"]]
    log = col.import_csv(ImportCsvRequest(path=str(back), metadata=col.get_csv_metadata(
        path=str(back), delimiter=None))).log
    assert len(log.new) == 0 and col.note_count() == 4
    assert sorted(col.get_note(n).fields[0] for n in col.find_notes("")) == \
        ["Capital of Italy?", "chat", "chien", "vache"]  # no note got its back as its front
    # the forward card deleted here: the note still goes back, from its reverse card
    text = deck_file.read_text(encoding="utf-8")
    forward = next(c for c in load_file(deck_file).cards if c.prompt == "chien")
    start = text.index(f'id = "{forward.id}"')
    block = text[text.rindex("[[cards]]", 0, start):text.index("[[cards]]", start)]
    deck_file.write_text(text.replace(block, ""), encoding="utf-8")
    assert runner.invoke(app, ["export", "text", "-o", str(back)]).exit_code == 0
    g1 = [line.split("\t") for line in back.read_text(encoding="utf-8").splitlines()
          if line.startswith("g1")]
    assert [row[3:5] for row in g1] == [["chien", "dog"]]
    col.close()


def test_cloze_cards_of_one_note_go_back_to_anki_as_that_note(
        home: Path, tmp_path: Path) -> None:
    """A cloze note with two numbers is two cards here, as in Anki; `export text` gives
    Anki the note once, as it was read, so Anki adds nothing and keeps both gaps. A card
    edited here goes back as a note of its own."""
    from anki.collection import Collection, ImportCsvRequest
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.deck import load_file

    from helpers import own_decks_only

    runner = CliRunner()
    source = tmp_path / "capitals.txt"
    source.write_text("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n"
                      "g5\tCloze\t{{c1::Paris}} is the capital of {{c2::France}}\tsince 508\n",
                      encoding="utf-8")
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))

    def into_anki(path: Path) -> Any:
        return col.import_csv(ImportCsvRequest(path=str(path), metadata=col.get_csv_metadata(
            path=str(path), delimiter=None))).log

    into_anki(source)
    assert (col.note_count(), col.card_count()) == (1, 2)
    deck_file = own_decks_only(home) / "capitals.toml"
    assert runner.invoke(app, ["import", str(source), "-o", str(deck_file)]).exit_code == 0
    assert [c.prompt for c in load_file(deck_file).cards] == [
        "{{Paris}} is the capital of France", "Paris is the capital of {{France}}"]
    back = tmp_path / "back.txt"
    assert runner.invoke(app, ["export", "text", "-o", str(back)]).exit_code == 0
    rows = [line.split("\t") for line in back.read_text(encoding="utf-8").splitlines()
            if line.startswith("g5")]
    assert [row[3] for row in rows] == ["{{c1::Paris}} is the capital of {{c2::France}}"]
    log = into_anki(back)
    assert len(log.new) == 0 and (col.note_count(), col.card_count()) == (1, 2)
    deck_file.write_text(deck_file.read_text(encoding="utf-8").replace(
        "Paris is the capital of {{France}}", "Paris is the capital of {{la France}}"),
        encoding="utf-8")
    assert runner.invoke(app, ["export", "text", "-o", str(back)]).exit_code == 0
    fronts = [line.split("\t")[3] for line in back.read_text(encoding="utf-8").splitlines()
              if "capital" in line]
    assert fronts == ["{{c1::Paris}} is the capital of {{c2::France}}",
                      "Paris is the capital of {{c1::la France}}"]
    col.close()


HTML_BITS = ["a", " ", "\xa0", "\u2003", "\u200b", "\n", "\t", "<", ">", "&", ";", "&amp;",
             "&nbsp;", "&nb", "sp;", "&#32;", "&#x41;", "<b>", "</b>", "<br/>", "<div class=x>",
             "<img src=a>", "</img>", "<IMG>", "<imgx>", "<script>", "</script>", "<Style x>",
             "</style>", "<!--", "-->", "<![CDATA[", "]]>", "<?x>", "<!x>", "<a\nhref=b>"]


@given(st.lists(st.sampled_from(HTML_BITS), max_size=14).map("".join))
def test_a_field_is_filled_exactly_when_its_text_is_not_blank(value: str) -> None:
    """The section test's shortcut (the text between plain tags, looked at piece by piece)
    gives what reading the field as HTML gives."""
    from pmquiz.interop.html import has_text, to_text

    assert has_text(value) == bool(to_text(value).strip())


def test_media_writes_run_side_by_side_in_order_per_file_and_report_a_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Media files are written by a few threads: a file given twice ends as given last,
    no more than the window waits in memory, every file is whole, and a write that fails
    is raised once the started ones have ended (those not started are dropped)."""
    import threading

    from pmquiz.errors import WriteError
    from pmquiz.interop import media

    monkeypatch.setattr(media._Writes, "WINDOW", 100)  # bytes: a few files at a time
    with media._Writes() as writes:
        for n in range(40):
            writes.add(tmp_path / f"f{n}.bin", bytes([n]) * 30)
            assert writes.size <= 100 or len(writes.waiting) == 1
        writes.add(tmp_path / "f3.bin", b"again")
    assert (tmp_path / "f3.bin").read_bytes() == b"again"
    assert all((tmp_path / f"f{n}.bin").read_bytes() == bytes([n]) * 30
               for n in range(40) if n != 3)
    assert not list(tmp_path.glob(".*.tmp"))
    assert not [t for t in threading.enumerate() if t.name.startswith("pmquiz-media")]  # all ended
    (tmp_path / "wall").write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(WriteError, match=r"cannot write .*wall"), media._Writes() as writes:
        writes.add(tmp_path / "ok.bin", b"fine")
        writes.add(tmp_path / "wall" / "x.bin", b"cannot")
        writes.add(tmp_path / "ok2.bin", b"fine too")
    assert (tmp_path / "ok.bin").read_bytes() == b"fine"
    # a write not yet started when the failure is raised is dropped (it once failed the test
    # on a busy machine): whole or absent, never half-written
    assert not (tmp_path / "ok2.bin").exists() or \
        (tmp_path / "ok2.bin").read_bytes() == b"fine too"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_media_file_that_cannot_be_written_stops_the_import_before_the_deck(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deck that names media files is written only once they are all on disk: one that
    fails leaves no deck and no origins."""
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.errors import WriteError
    from pmquiz.interop import media

    from helpers import own_decks_only

    written = media._write

    def failing(target: Path, data: bytes) -> None:
        if target.name == "hello.mp3":
            raise WriteError(f"cannot write {target}: No space left on device; nothing was "
                             "changed")
        written(target, data)

    monkeypatch.setattr(media, "_write", failing)
    own = own_decks_only(home)
    package = media_package(tmp_path / "anki", legacy=False)
    result = CliRunner().invoke(app, ["import", str(package), "-o", str(own / "art.toml")])
    assert result.exit_code != 0
    assert "No space left on device" in result.output
    assert not (own / "art.toml").exists() and not (own / "art.anki.json").exists()
    monkeypatch.setattr(media, "_write", written)
    result = CliRunner().invoke(app, ["import", str(package), "-o", str(own / "art.toml")])
    assert result.exit_code == 0, result.output
    assert (own / "media" / "art" / "hello.mp3").read_bytes() == b"ID3 not really a sound"
    assert "(media/art/hello.mp3)" in (own / "art.toml").read_text(encoding="utf-8")


def test_a_media_file_whose_compressed_stream_is_broken_is_skipped_by_name(
        tmp_path: Path) -> None:
    """A deflated media file whose stream cannot be inflated (not only a bad checksum) is
    named as damaged; the files beside it are saved."""
    import json
    import zipfile

    from pmquiz.interop.media import save_media

    package = tmp_path / "broken.apkg"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("media", json.dumps({"0": "bad.png", "1": "good.png"}))
        out.writestr("0", b"picture " * 500)
        out.writestr("1", b"fine " * 500)
    raw = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("0")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start] = 0xFF  # a block type deflate does not have
    package.write_bytes(bytes(raw))
    saved, warnings = save_media(package, {"bad.png", "good.png"}, tmp_path / "out")
    assert list(saved) == ["good.png"]
    assert (tmp_path / "out" / "good.png").read_bytes() == b"fine " * 500
    assert [w.message.split(" (")[0] for w in warnings] == [
        'media "bad.png" skipped: damaged in the package']


PIECES = st.sampled_from(["<b>", "</b>", "<div class=x>", "</div>", "<br>", "&amp;", "&#x1F600;",
                          "&CounterClockwiseContourIntegral;", " ", "\n", "a", "word ",
                          "<!-- c -->", "<!--", "-->", "<script>", "</script>", "<", ">",
                          "<img src=a.png>", "\xa0", "&", ";", "<span style='x'>",
                          "word word word word "])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2000), st.lists(PIECES, max_size=400))
# 30 letters of text and an entity the head's end cuts after "&CounterClockwise": the head
# reads 47 characters of text, the whole 31
@example_case(pad=1953, pieces=["a"] * 30 + ["&CounterClockwiseContourIntegral;"])
def test_a_long_value_is_told_long_as_its_whole_text_says(pad: int, pieces: list[str]) -> None:
    """`templates._long` reads a long value's head first: its verdict is the whole text's,
    also when the head is cut inside an entity, a tag, a comment or a script."""
    from pmquiz.interop.html import to_text
    from pmquiz.interop.templates import REPEAT_CHARS, _long

    value = "<i></i>" * (pad // 7) + "".join(pieces)
    assert _long(value) == (len(to_text(value)) >= REPEAT_CHARS)


@pytest.mark.parametrize("language", ["fr_FR", "de_DE", "ja_JP"])
def test_a_text_export_from_anki_in_another_language_makes_anki_s_cards(
        home: Path, tmp_path: Path, language: str) -> None:
    """Anki names its stock note types in the learner's language ("Généralités (deux sens)",
    "Einfach (und wahlweise die umgekehrte Richtung)", "基本 (表面と裏面を反転したカードも作成)"):
    a text export made by Anki in French, German or Japanese gives the cards Anki makes of
    it (7 of these 4 notes; the reverse cards were missing before: 5)."""
    import anki.lang
    from anki.collection import Collection, DeckIdLimit
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.deck import load_file

    source = tmp_path / "words.txt"
    anki.lang.set_lang(language)
    try:
        col = Collection(str(tmp_path / "collection.anki2"))
        names = {m.get("originalStockKind"): m["name"] for m in col.models.all()}
        deck = col.decks.id("Words")
        for kind, fields in ((2, ["chien", "dog"]), (3, ["chat", "cat", "y"]),
                             (3, ["vache", "cow", ""]),
                             (5, ["The {{c1::vision}} and the {{c2::strategy}}", ""])):
            note = col.new_note(col.models.by_name(names[kind]))
            for index, value in enumerate(fields):
                note.fields[index] = value
            col.add_note(note, deck)
        cards = col.card_count()
        col.export_note_csv(out_path=str(source), limit=DeckIdLimit(deck), with_html=True,
                            with_tags=True, with_deck=True, with_notetype=True, with_guid=True)
        col.close()
    finally:
        anki.lang.set_lang("en_US")
    assert cards == 7
    out = tmp_path / "words.toml"
    result = CliRunner().invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(c.prompt for c in load_file(out).cards) == sorted([
        "chien", "dog", "chat", "cat", "vache", "The {{vision}} and the strategy",
        "The vision and the {{strategy}}"])


def test_notes_whose_guids_start_with_a_hash_or_a_quote_come_through_a_text_export(
        home: Path, tmp_path: Path) -> None:
    """Anki's own library exports notes whose GUIDs start with "#" or a quote and imports
    all of them again; pmquiz imports all of them too (a random GUID starting with "#"
    once lost its note here)."""
    from anki.collection import Collection, DeckIdLimit
    from anki.import_export_pb2 import ImportCsvRequest
    from typer.testing import CliRunner

    from pmquiz.cli import app
    from pmquiz.deck import load_file

    source = tmp_path / "words.txt"
    col = Collection(str(tmp_path / "collection.anki2"))
    deck = col.decks.id("Words")
    for guid, front in (("#abc!x", "chien"), ('"q', "vache"), ("plain1", "chat")):
        note = col.new_note(col.models.by_name("Basic"))
        note.fields[0], note.fields[1] = front, f"{front} in English"
        col.add_note(note, deck)
        note.guid = guid
        col.update_note(note)
    col.export_note_csv(out_path=str(source), limit=DeckIdLimit(deck), with_html=True,
                        with_tags=True, with_deck=True, with_notetype=True, with_guid=True)
    col.close()
    again = Collection(str(tmp_path / "again.anki2"))
    again.import_csv(ImportCsvRequest(path=str(source),
                                      metadata=again.get_csv_metadata(str(source), None)))
    assert again.note_count() == 3
    again.close()
    out = tmp_path / "words.toml"
    result = CliRunner().invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    assert sorted(c.prompt for c in load_file(out).cards) == ["chat", "chien", "vache"]
