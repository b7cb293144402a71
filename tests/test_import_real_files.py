"""Real files from public repositories, in every text format `pmquiz import` reads, against
`tests/data/samples/import/expected.toml`: counts from each format's own parser or rules and
three cards per file field by field, written before the readers (issue #28)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_file

SAMPLES = Path(__file__).parent / "data" / "samples" / "import"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (SAMPLES / "expected.toml").read_text(encoding="utf-8"))["files"]
runner = CliRunner()


def _matches(card: Any, want: dict[str, Any]) -> bool:
    checks = {
        "kind": lambda v: card.kind.value == v,
        "prompt": lambda v: card.prompt == v,
        "prompt_has": lambda v: v in card.prompt,
        "answer": lambda v: card.answer == v,
        "answer_has": lambda v: v in card.answer,
        "options": lambda v: sorted(card.options) == sorted(v),
        "items": lambda v: list(card.items) == v,
        "explain_has": lambda v: v in card.explain,
        # text inside one of a cloze prompt's gaps, which must each stay on one line
        "gap_has": lambda v: any(v in gap and "\n" not in gap
                                 for gap in re.findall(r"\{\{(.*?)\}\}", card.prompt,
                                                       re.DOTALL)),
    }
    return all(checks[key](value) for key, value in want.items())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_file_imports_as_its_format_says(name: str, tmp_path: Path) -> None:
    want = EXPECTED[name]
    out = tmp_path / "deck.toml"
    result = runner.invoke(app, ["import", str(SAMPLES / name), "-o", str(out), "--json"])
    if "refused" in want:
        assert result.exit_code != 0
        assert want["refused"] in result.output
        assert "tried as" in result.output and not out.exists()
        return
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["format"] == want["format"]
    deck = load_file(out)
    assert len(deck.cards) == want["count"] == report["cards"]
    for expected in want["cards"]:
        assert any(_matches(card, expected) for card in deck.cards), \
            f"no card like {expected}; cards: {[(c.kind.value, c.prompt) for c in deck.cards]}"


def test_org_drill_reports_the_empty_items_it_leaves_out(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(SAMPLES / "org-drill" / "spanish-robot.org"),
                                 "-o", str(tmp_path / "d.toml"), "--json"])
    warnings = json.loads(result.output)["warnings"]
    assert [w.split(": ", 1)[1] for w in warnings if "empty item" in w] == [
        '"Imperfect tense": an empty item (org-drill skips it until it has a body); left out',
        '"Future tense": an empty item (org-drill skips it until it has a body); left out']
    assert all(w.startswith(str(SAMPLES / "org-drill" / "spanish-robot.org") + ":")
               for w in warnings)
    # nothing read is dropped in silence: the notes between the items are reported too
    assert any(w.endswith(":170: 2 headings without :drill: hold notes, not items; not "
                          "imported") for w in warnings)


def test_a_quiz_page_reports_its_own_text_with_the_first_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(SAMPLES / "mkdocs-quiz" / "multiple-choice.md"),
                                 "-o", str(tmp_path / "d.toml"), "--json"])
    assert any(w.endswith("multiple-choice.md:1: 165 lines outside <quiz> blocks are the "
                          "page's own text, not quizzes; not imported")
               for w in json.loads(result.output)["warnings"])


def test_a_file_in_no_known_format_is_refused_in_one_line(tmp_path: Path) -> None:
    notes = tmp_path / "lecture.md"
    notes.write_text("# Lecture 3\n\nThe set $S = \\{x :: x > 0\\}$ is open.\n\n"
                     "Time complexity :: see the slides.\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(notes)])
    assert result.exit_code != 0
    first = result.output.splitlines()[0]
    assert "no cards found; tried as Markdown flashcards" in first
    assert "hashcards" in first and "org-drill" in first and "Logseq" in first
    assert "no #flashcards tag" in result.output


def test_a_package_card_suspended_in_anki_is_suspended_here(home: Path) -> None:
    """The real Japanese package has one suspended card (Anki's library says so): after
    the import, the next command suspends it, and nothing of the note type's CSS, scripts
    or template syntax reaches a card."""
    package = SAMPLES.parent / "anki" / "mauriciopoppe-anki-decks" / \
        "Language_Japanese_Mining_20260328.apkg"
    result = runner.invoke(app, ["import", str(package)])
    assert result.exit_code == 0, result.output
    assert "1 cards suspended in Anki stay suspended" in result.output
    found = json.loads(runner.invoke(app, ["search", "--suspended", "--json"]).output)
    assert len(found["cards"]) == 1 and "進む" in found["cards"][0]["prompt"]
    deck = load_file(next((home / "decks" / "imported").glob("*.toml")))
    for card in deck.cards:
        text = card.prompt + card.answer + card.explain
        assert ":root" not in text and "{{" not in text and "<script" not in text
    # Lapis shows its primary definition and its glossaries one at a time (Yomitan fills
    # both with the same glossary): the answer shows it once
    first = next(card for card in deck.cards if card.prompt.startswith("私\n"))
    assert first.answer.count("JMdict") == 1
    # also where the two hold it in other markup (19 of the 355 cards showed a glossary
    # twice before: one panel's tables had a <tbody>, one had &nbsp; for U+00A0)
    for card in deck.cards:
        paragraphs = [p for p in card.answer.split("\n\n") if len(p) > 200]
        assert len(paragraphs) == len(set(paragraphs)), card.prompt
    # the note behind each card is kept beside the deck (ASCII JSON, \u escapes) for the
    # way back to Anki: the same fields, Japanese and all
    sidecar = next((home / "decks" / "imported").glob("*.anki.json"))
    assert sidecar.read_bytes().isascii()
    origin = json.loads(sidecar.read_text(encoding="ascii"))["cards"][first.id]
    assert origin["fields"][0] == "私" and origin["prompt"] == first.prompt
    assert first.answer.count("I could hear someone calling my name") == 1


@pytest.mark.parametrize("name", ["My_french_words_and_phrases_20260328.apkg",
                                  "Language_Japanese_Mining_20260328.apkg"])
def test_a_package_read_in_two_halves_is_read_as_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """From SPLIT_NOTES notes a forked copy makes the later half's cards: the cards, their
    order, warnings, origins, note types, modules, decks and suspended cards are what one
    pass gives (real packages: 1,639 cloze notes; 355 notes of a 22-field note type with
    one suspended card)."""
    import os

    from pmquiz import side_work
    from pmquiz.interop import apkg

    package = SAMPLES.parent / "anki" / "mauriciopoppe-anki-decks" / name
    monkeypatch.setattr(side_work.threading, "active_count", lambda: 1)  # other tests' threads
    copies: list[int] = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: (copies.append(1), fork())[1])
    halves = apkg.read_package(package, "imported")
    assert copies == [1]
    monkeypatch.setattr(apkg, "SPLIT_NOTES", 10**9)
    whole = apkg.read_package(package, "imported")
    assert copies == [1]
    assert halves == whole
    assert len(whole.cards) > 300 and whole.origins and whole.notetypes


def test_an_import_pauses_the_cycle_collector_and_holds_back_little(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`import_file` runs with Python's cycle collector paused (a tenth of a large
    package's reading was spent in collections that found nothing) and turns it back on
    after, also when the import fails; reading a real package leaves next to no garbage
    in cycles for the pause to hold back (the Japanese package: the few tables whose
    reader is a recursive closure)."""
    import gc

    from pmquiz.errors import ImportFormatError
    from pmquiz.interop import apkg, importer

    anki = SAMPLES.parent / "anki" / "mauriciopoppe-anki-decks"
    seen: list[bool] = []
    reading = apkg.read_package
    monkeypatch.setattr(apkg, "read_package",
                        lambda *a, **k: (seen.append(gc.isenabled()), reading(*a, **k))[1])
    assert gc.isenabled()
    importer.import_file(anki / "My_french_words_and_phrases_20260328.apkg",
                         tmp_path / "fr.toml", tmp_path, None, None)
    assert seen == [False] and gc.isenabled()
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ImportFormatError):
        importer.import_file(broken, tmp_path / "b.toml", tmp_path, None, None)
    assert gc.isenabled()

    gc.collect()
    gc.disable()
    try:
        for name in ("My_french_words_and_phrases_20260328.apkg",
                     "Language_Japanese_Mining_20260328.apkg"):
            reading(anki / name, "x")
            assert gc.collect() < 3_000, name
    finally:
        gc.enable()


def test_a_large_module_s_origins_encoded_by_a_copy_are_the_same_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module of 1,000 cards or more written alone has its origins file encoded by a
    forked copy while the deck is rendered and checked: the file is the one this process
    writes by itself (the real French package, one deck of 1,639 cloze notes)."""
    from pmquiz import side_work
    from pmquiz.interop import importer

    package = SAMPLES.parent / "anki" / "mauriciopoppe-anki-decks" / \
        "My_french_words_and_phrases_20260328.apkg"
    forks: list[int] = []
    starting = side_work.started
    monkeypatch.setattr(side_work, "started",
                        lambda work: (forks.append(1), starting(work))[1])
    importer.import_file(package, tmp_path / "a" / "fr.toml", tmp_path, None, None)
    assert len(forks) == 2  # the package's later half of notes, then the origins
    monkeypatch.setattr(side_work, "_can_fork", lambda: False)
    importer.import_file(package, tmp_path / "b" / "fr.toml", tmp_path, None, None)
    sidecars = [(tmp_path / side / "fr.anki.json").read_bytes() for side in ("a", "b")]
    assert sidecars[0] == sidecars[1] and len(sidecars[0]) > 100_000
    assert (tmp_path / "a" / "fr.toml").read_bytes() == (tmp_path / "b" / "fr.toml").read_bytes()


PACKAGES = Path(__file__).parent / "data" / "samples" / "anki"


def test_a_real_packages_empty_cards_are_named_and_the_others_imported(tmp_path: Path) -> None:
    """deepabjoshi/anki_decks' package holds 4 cloze cards whose gap number the text no
    longer has (Anki's own library: 239 cards, 4 of them in its Empty Cards report): each
    is named with its note and number, the other 235 are made (expected.toml, written
    before the change)."""
    folder = PACKAGES / "deepabjoshi-anki-decks"
    want = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    out = tmp_path / "deck.toml"
    result = runner.invoke(app, ["import", str(folder / "math_ml_data_science.apkg"), "-o",
                                 str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    deck = load_file(out)
    assert len(deck.cards) == want["count"] == report["cards"] == want["anki_cards"] - 4
    empty = [w.split(": ", 1)[1] for w in report["warnings"] if "is empty" in w]
    assert [w.split(" (its text")[0] for w in empty] == want["warnings"]
    assert all(w.endswith("; not imported") for w in empty)
    for expected in want["cards"]:
        assert any(_matches(card, expected) for card in deck.cards), expected
