"""CrowdAnki exports (`deck.json`), the way shared Anki decks are kept on GitHub: notes
through their templates as Anki makes cards of them, subdecks as modules, media from the
folder beside the file, and a clear refusal of what is not such a deck (issue #28)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_file

SAMPLES = Path(__file__).parent / "data" / "samples" / "import"
GEOGRAPHY = SAMPLES / "ultimate-geography" / "Ultimate_Geography.json"
runner = CliRunner()


def anki_cards(deck: dict[str, Any], folder: Path) -> dict[str, int]:
    """The cards Anki's own library makes of a CrowdAnki deck's notes, by template."""
    from anki.collection import Collection

    col = Collection(str(folder / "collection.anki2"))
    made: dict[str, Any] = {}
    for model in deck["note_models"]:
        note_type = col.models.new(model["name"])
        for field in model["flds"]:
            col.models.add_field(note_type, col.models.new_field(field["name"]))
        for template in model["tmpls"]:
            added = col.models.new_template(template["name"])
            added["qfmt"], added["afmt"] = template["qfmt"], template["afmt"]
            col.models.add_template(note_type, added)
        note_type["css"] = model["css"]
        col.models.add(note_type)
        made[model["crowdanki_uuid"]] = col.models.by_name(model["name"])
    deck_id = col.decks.id(deck["name"])
    for item in deck["notes"]:
        note = col.new_note(made[item["note_model_uuid"]])
        for index, value in enumerate(item["fields"]):
            note.fields[index] = value
        col.add_note(note, deck_id)
    counts: dict[str, int] = {}
    for card_id in col.find_cards(""):
        name = col.get_card(card_id).template()["name"]
        counts[name] = counts.get(name, 0) + 1
    col.close()
    return counts


def test_the_expected_count_is_the_one_ankis_library_makes(tmp_path: Path) -> None:
    """`expected.toml`'s 1,095 cards for Ultimate Geography: what Anki makes of its notes."""
    pytest.importorskip("anki")
    expected = tomllib.loads((SAMPLES / "expected.toml").read_text(encoding="utf-8"))
    counts = anki_cards(json.loads(GEOGRAPHY.read_text(encoding="utf-8")), tmp_path)
    assert counts == {"Country > Capital": 259, "Capital > Country": 259,
                      "Flag > Country": 260, "Map > Country": 317}
    assert sum(counts.values()) == \
        expected["files"]["ultimate-geography/Ultimate_Geography.json"]["count"]


def small_deck(folder: Path) -> Path:
    """A CrowdAnki deck with a subdeck, a note type whose third field no template shows,
    media beside it (one file missing, one name reaching outside), and a broken note."""
    model = {"__type__": "NoteModel", "crowdanki_uuid": "m-1", "name": "Word", "type": 0,
             "css": ".card {}\n.off { display: none }",
             "flds": [{"name": "Word"}, {"name": "Meaning"}, {"name": "Plural"}],
             "tmpls": [{"name": "Forward", "ord": 0, "qfmt": "{{Word}}<div class=off>"
                        "{{Meaning}}</div>", "afmt": "{{FrontSide}}<hr id=answer>{{Meaning}}"},
                       {"name": "Back", "ord": 1, "qfmt": "{{#Meaning}}{{Meaning}}{{/Meaning}}",
                        "afmt": "{{FrontSide}}<hr id=answer>{{Word}}"}]}
    deck = {"__type__": "Deck", "name": "German", "note_models": [model], "notes": [
        {"__type__": "Note", "guid": "g-1", "note_model_uuid": "m-1", "tags": ["noun"],
         "fields": ['Hund <img src="hund.png">', "dog", "Hunde"]},
        {"__type__": "Note", "guid": "g-2", "note_model_uuid": "m-1", "tags": [],
         "fields": ["Katze", "", "Katzen"]},
        {"__type__": "Note", "guid": "g-3", "note_model_uuid": "m-1", "fields": "broken"}],
        "children": [{"__type__": "Deck", "name": "Verbs", "note_models": [], "children": [],
                      "notes": [{"__type__": "Note", "guid": "g-4", "note_model_uuid": "m-1",
                                 "tags": [], "fields": ['gehen <img src="../../escape.png">'
                                                        ' <img src="gone.png">', "to go",
                                                        ""]}]}]}
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "hund.png").write_bytes(b"\x89PNG a dog")
    (folder / "escape.png").write_bytes(b"outside the media folder")
    path = folder / "deck.json"
    path.write_text(json.dumps(deck), encoding="utf-8")
    return path


def test_a_crowdanki_deck_imports_as_anki_would_show_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = small_deck(tmp_path / "German")
    result = runner.invoke(app, ["--home", str(home), "import", str(source), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert sorted((m["module"], m["cards"]) for m in report["modules"]) == [
        ("german", 2), ("verbs", 2)]
    warnings = "\n".join(report["warnings"])
    # Katze has no meaning: Anki makes no "Back" card, and a "Forward" card with no answer
    # is nothing to quiz on, so it is left out and said
    assert "note 2 (Word) has a question but no answer to grade it by; skipped" in warnings
    assert 'note 3 of "German": its fields are not a list of texts; skipped' in warnings
    assert 'media "gone.png" is not in' in warnings
    imported = home / "decks" / "imported"
    german = load_file(imported / "german.toml")
    dog = next(c for c in german.cards if c.prompt.startswith("Hund"))
    # the hidden element stays hidden; the image is saved beside the deck
    assert dog.prompt == "Hund [image: hund.png] (media/german/hund.png)"
    assert dog.answer == "dog"
    assert "Plural: Hunde" in dog.explain  # the field no template shows
    assert (imported / "media" / "german" / "hund.png").read_bytes() == b"\x89PNG a dog"
    verbs = load_file(imported / "verbs.toml")
    assert verbs.module.title == "Verbs"
    go = next(c for c in verbs.cards if c.prompt.startswith("gehen"))
    # a name reaching outside the media folder is looked up inside it only
    assert not (imported / "media" / "verbs" / "escape.png").exists()
    assert "[image: ../../escape.png]" in go.prompt and "(media/" not in go.prompt
    again = json.loads(runner.invoke(app, ["--home", str(home), "import", str(source),
                                           "--json"]).output)
    assert all(m["added"] == m["updated"] == 0 for m in again["modules"])


@pytest.mark.parametrize(("text", "reason"), [
    ('{"__type__": "Deck", "name": "x", "notes": [', "not valid JSON"),
    ('{"__type__": "Deck", "name": "x", "notes": []}', "the deck holds no notes"),
])
def test_what_is_not_a_crowdanki_deck_is_refused_with_its_reason(
        tmp_path: Path, text: str, reason: str) -> None:
    source = tmp_path / "deck.json"
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), "import", str(source)])
    assert result.exit_code != 0
    assert "tried as a CrowdAnki deck (deck.json)" in result.output
    assert reason in result.output
    assert not (tmp_path / "home" / "decks" / "imported").exists()


def test_ultimate_geography_goes_back_to_anki_as_its_319_notes(tmp_path: Path) -> None:
    """Exported again, the 1,095 cards go back as the notes they came from (their GUIDs,
    note type and fields): Anki makes the same 1,095 cards of them."""
    pytest.importorskip("anki")
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    home = tmp_path / "home"
    assert runner.invoke(app, ["--home", str(home), "import", str(GEOGRAPHY)]).exit_code == 0
    package = tmp_path / "back.apkg"
    done = runner.invoke(app, ["--home", str(home), "export", "anki", "-o", str(package)])
    assert done.exit_code == 0, done.output
    col = Collection(str(tmp_path / "collection.anki2"))
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package),
                                                     options=ImportAnkiPackageOptions()))
    deck = next(d for d in col.decks.all_names_and_ids() if d.name.endswith("Geography"))
    assert len(col.find_notes(f"did:{deck.id}")) == 319
    assert len(col.find_cards(f"did:{deck.id}")) == 1095
    finland = col.get_note(col.find_notes('"Country:Finland"')[0])
    assert finland.guid == "k}A9]O:0xw" and finland["Capital"] == "Helsinki"
    col.close()


def test_a_hostile_crowdanki_file_is_read_as_far_as_it_makes_sense(tmp_path: Path) -> None:
    """Values of the wrong type, notes with no note type and subdecks nested past reason
    are warnings with the note's place in the file; the rest imports."""
    deep: dict[str, Any] = {"__type__": "Deck", "name": 5, "note_models": {"not": "a list"},
                            "notes": [{"fields": [1, 2]},
                                      {"fields": ["Question?", "Answer"], "tags": "x",
                                       "guid": 7, "note_model_uuid": None}],
                            "children": []}
    here = deep
    for depth in range(60):
        child = {"__type__": "Deck", "name": f"level {depth}", "children": [],
                 "notes": [{"fields": [f"Deep {depth}?", "yes"], "guid": f"d{depth}"}]}
        here["children"].append(child)
        here = child
    source = tmp_path / "deck.json"
    source.write_text(json.dumps(deep), encoding="utf-8")
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), "import", str(source),
                                 "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    warnings = "\n".join(report["warnings"])
    assert 'note 1 of "5": its fields are not a list of texts; skipped' in warnings
    assert 'note 2 of "5": its note type "" is not in the file' in warnings
    assert "subdecks nested deeper than 50" in warnings
    assert sum(m["cards"] for m in report["modules"]) == 1 + 50  # levels 0 to 49: depth 50


def test_json_nested_too_deep_is_refused_without_a_traceback(tmp_path: Path) -> None:
    source = tmp_path / "deck.json"
    source.write_text('{"__type__": "Deck", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
                      encoding="utf-8")
    result = runner.invoke(app, ["--home", str(tmp_path / "home"), "import", str(source)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "JSON nested too deeply" in result.output
