"""Import and export: Anki text and packages, Markdown Q/A, progress between machines."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import discover, load_decks, load_file
from pmquiz.errors import ImportFormatError
from pmquiz.interop.anki_text import read_text_export
from pmquiz.interop.apkg import read_package
from pmquiz.interop.markdown_qa import read_qa
from pmquiz.kinds import question_text
from pmquiz.model import Kind

from conftest import SAMPLES, SHIPPED
from helpers import basic_cards, own_decks_only, write_deck

runner = CliRunner()
MOJE = SAMPLES / "anki" / "MojeKarticky"
APKG = SAMPLES / "anki" / "mauriciopoppe-anki-decks" / \
    "My_french_words_and_phrases_20260328.apkg"


def invoke(*args: str, input: str | None = None, now: str | None = None) -> str:
    result = runner.invoke(app, list(args), input=input,
                           env={"PMQUIZ_NOW": now} if now else {})
    assert result.exit_code == 0, result.output
    return result.output


def test_notes_in_plain_text_with_notetype_deck_and_tags_columns() -> None:
    result = read_text_export(MOJE / "notes-in-plain-text_Literatura.txt", "lit")
    assert len(result.cards) == 20
    # the file names its own note type, whose templates an export does not hold: said once
    assert [(w.line, w.message.split(" is ")[0]) for w in result.warnings] == [
        (6, 'note type "Literatura - Test kartičky." (20 notes)')]
    assert "other cards its templates make in Anki (a reverse card) are not made" in \
        result.warnings[0].message
    first = result.cards[0]
    assert (first.prompt, first.answer) == ("Májovci tvořili v", "v 2 polovině 19.století")
    assert result.decks == ["Literatura - Test kartičky."]
    assert first.source == "Literatura - Test kartičky."


def test_cards_in_plain_text_with_quoted_multiline_fields() -> None:
    result = read_text_export(MOJE / "cards-in-plain-text_Literatura.txt", "lit")
    assert len(result.cards) == 25
    # the back repeats the front before <hr id="answer">; only the answer is kept
    assert result.cards[1].answer == "Jan Neruda"
    assert all("<hr" not in c.answer and "answer" not in c.answer.lower()[:8]
               for c in result.cards)


def test_export_with_images_becomes_text() -> None:
    result = read_text_export(MOJE / "export-with-img_Abstraktni_umeni.txt", "art")
    assert len(result.cards) == 29
    # the image is named by its file (Markdown keeps the rest of the field)
    assert result.cards[0].prompt.startswith("[image: Wassily_Kandinsky_-_Color_Study")
    assert result.cards[0].answer == "Soustředné Kruhy"
    assert all("<img" not in c.prompt for c in result.cards)


def test_handmade_file_with_unknown_header() -> None:
    result = read_text_export(MOJE / "handmade_name-header_abstrakt_umeni.txt", "art")
    assert len(result.cards) == 20
    assert [(w.line, w.message) for w in result.warnings] == [
        (3, 'unknown header "#name" ignored')]


def test_hand_made_edge_cases(tmp_path: Path) -> None:
    path = tmp_path / "edge.txt"
    path.write_text(
        "\ufeff#separator:Comma\n#HTML:FALSE\n#guid column:1\n#notetype column:2\n"
        "# a comment line\n"
        'g1,Basic,"Multi\nline ""quoted"" front",Back one\n'
        "g2,Basic,Only front\n"
        "g3,Basic,Front three,Back three,extra\n"
        "g4,Cloze,The {{c1::product::thing}} drives {{c2::growth}},\n"
        "g5,Basic,Fifth,Back five\n", encoding="utf-8")
    result = read_text_export(path, "edge")
    prompts = {c.prompt: c for c in result.cards}
    assert 'Multi\nline "quoted" front' in prompts
    assert prompts["Front three"].answer == "Back three"
    # a card per cloze number, as Anki makes them
    first, second = (c for c in result.cards if c.kind is Kind.CLOZE)
    assert (first.prompt, second.prompt) == ("The {{product::thing}} drives growth",
                                             "The product drives {{growth}}")
    assert question_text(first) == "The _____ (thing) drives growth"
    assert first.gaps == [["product"]] and second.gaps == [["growth"]]
    lines = {w.line: w.message for w in result.warnings}
    assert "row skipped" in lines[8]
    assert "extra fields ignored" in lines[9]
    again = read_text_export(path, "edge")
    assert [c.id for c in again.cards] == [c.id for c in result.cards]


def test_a_short_row_that_still_makes_a_note_is_not_called_skipped(tmp_path: Path) -> None:
    """Seen in real GCSE exports: a cloze row that lost its empty Back Extra column, so its
    deck name sits in the field column. Anki imports it (the deck name as Back Extra, the
    deck column empty); pmquiz did too but warned "row skipped"."""
    path = tmp_path / "short.txt"
    path.write_text("#separator:tab\n#html:true\n#notetype column:1\n#deck column:4\n"
                    "Basic\tQ one?\tA one\tCS::Paper 2\n"
                    "Cloze\tSQL: {{c1::SELECT *}}\tCS::Paper 2\n"
                    "Cloze\t{{c1::FROM}} names the table\t\tCS::Paper 2\n"
                    "Cloze\t{{c1::WHERE}} filters rows\t\tCS::Paper 2\n"
                    "Basic\tQ three?\tA three\tCS::Paper 2\n"
                    "Basic\tonly a question\n", encoding="utf-8")
    result = read_text_export(path, "short")
    assert [c.prompt for c in result.cards] == [
        "Q one?", "SQL: {{SELECT *}}", "{{FROM}} names the table", "{{WHERE}} filters rows",
        "Q three?"]
    # widths are judged per note type (most Cloze rows have 4 fields, most Basic rows 4)
    assert {w.line: w.message for w in result.warnings} == {
        6: "3 fields where most rows have 4; read with the missing fields empty",
        10: "2 fields where most rows have 4; row skipped"}


def test_cloze_notes_make_a_card_per_number_as_anki_does(tmp_path: Path) -> None:
    """Seen in 38 real GCSE exports: Anki makes 2,677 cards of their 1,016 notes, one per
    cloze number, each with the other gaps' words shown; pmquiz made one card per note that
    blanked every gap (an example sentence with its term blanked too)."""
    path = tmp_path / "gcse.txt"
    path.write_text("#separator:tab\n#html:true\n#notetype column:1\n"
                    "Cloze\t{{c1::Alliteration}}: a repeated first sound, e.g. "
                    "{{c2::cold, crisp ice}}; with s: {{c3::sibilance}}\t\n"
                    "Cloze\t{{c1::Anaphora}} repeats {{c1::words}} at line starts\t\n"
                    "Basic\tWhat is a volta?\tA turn\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "-o", str(tmp_path / "g.toml"), "--json"])
    report = json.loads(result.output)
    assert report["cards"] == 5 and report["warnings"] == []
    cards = load_file(tmp_path / "g.toml").cards
    assert [c.prompt for c in cards] == [
        "{{Alliteration}}: a repeated first sound, e.g. cold, crisp ice; with s: sibilance",
        "Alliteration: a repeated first sound, e.g. {{cold, crisp ice}}; with s: sibilance",
        "Alliteration: a repeated first sound, e.g. cold, crisp ice; with s: {{sibilance}}",
        "{{Anaphora}} repeats {{words}} at line starts",  # one number: one card, both gaps
        "What is a volta?"]
    assert len({c.id for c in cards}) == 5 and len({c.groups for c in cards[:3]}) == 1


def test_malformed_inputs_are_clear_errors(tmp_path: Path, home: Path) -> None:
    fake = tmp_path / "fake.apkg"
    fake.write_text("not a zip")
    result = runner.invoke(app, ["import", str(fake)])
    assert result.exit_code == 1 and "not a zip file" in result.output
    empty_zip = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "hi")
    result = runner.invoke(app, ["import", str(empty_zip)])
    assert result.exit_code == 1 and "no collection.anki2/anki21/anki21b" in result.output
    binary = tmp_path / "data.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = runner.invoke(app, ["import", str(binary)])
    assert result.exit_code == 1 and "binary file" in result.output
    assert "Traceback" not in result.output
    assert not (home / "decks").exists()


def test_apkg_with_anki21_and_nested_deck(home: Path) -> None:
    result = read_package(APKG, "french")
    assert result.collection == "collection.anki21"
    # 1,639 notes; one's gap is typed "{{c1L::", which Anki reads as text: its card shows an
    # empty front there (Anki's Empty Cards lists it), and is named here, not made
    assert len(result.cards) == 1638
    assert [w.message for w in result.warnings] == [
        "note 1761540503238 (My Cloze) has no cloze gap ({{c1L::…}} is none: Anki reads "
        "{{c1::…}}, and shows this note's card empty); skipped"]
    # a field without tags keeps no character reference: "j&#x27;ai" reads "j'ai"
    assert not [c for c in result.cards if "&#" in c.prompt or "&#" in c.explain]
    assert any("j'ai pu me requinquer" in c.prompt for c in result.cards)
    assert all(c.kind is Kind.CLOZE for c in result.cards)
    assert "Language French::My french words and phrases" in result.decks
    first = result.cards[0]
    assert "{{de::of}}" in first.prompt and first.gaps == [["de"]]
    assert first.explain.startswith("**Sortir de** indicates")  # bold kept as Markdown
    out = invoke("import", str(APKG), "--json")
    data = json.loads(out)
    assert data["cards"] == 1638
    deck = load_file(Path(data["deck"]))
    assert deck.module.title == "My french words and phrases"


def test_apkg_anki21b_zstd_and_unsafe_zip_entries(tmp_path: Path) -> None:
    import zstandard

    with zipfile.ZipFile(APKG) as archive:
        collection = archive.read("collection.anki21")
    crafted = tmp_path / "new.apkg"
    with zipfile.ZipFile(crafted, "w") as archive:
        archive.writestr("collection.anki21b", zstandard.ZstdCompressor().compress(collection))
        archive.writestr("../../escaped.txt", "should never be written")
        archive.writestr("/abs/evil.txt", "nor this")
        archive.writestr("media", "{}")
    result = read_package(crafted, "french")
    assert result.collection == "collection.anki21b" and len(result.cards) == 1638
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert not Path("/abs/evil.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "new.apkg"]


def test_anki21b_without_zstandard_says_what_it_needs(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    crafted = tmp_path / "new.apkg"
    with zipfile.ZipFile(crafted, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if it were not installed
    with pytest.raises(ImportFormatError, match="needs the zstandard package"):
        read_package(crafted, "x")


def test_old_package_with_only_the_dummy_note(tmp_path: Path) -> None:
    db = tmp_path / "c.anki2"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE col (models TEXT, decks TEXT);"
        "CREATE TABLE notes (id INTEGER, guid TEXT, mid INTEGER, flds TEXT, tags TEXT);"
        "CREATE TABLE cards (nid INTEGER, did INTEGER);")
    conn.execute("INSERT INTO col VALUES (?, ?)", (json.dumps(
        {"1": {"name": "Basic", "type": 0, "flds": [{"name": "Front"}, {"name": "Back"}]}}),
        json.dumps({"1": {"name": "Default"}})))
    conn.execute("INSERT INTO notes VALUES (1, 'x', 1, ?, '')",
                 ("Please update to the latest Anki version, then import the .colpkg/.apkg "
                  "file again.\x1fThis file requires a newer version of Anki.",))
    conn.commit()
    conn.close()
    package = tmp_path / "old.apkg"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(db, "collection.anki2")
    with pytest.raises(ImportFormatError, match="needs a newer Anki to read"):
        read_package(package, "x")


def test_markdown_qa(tmp_path: Path) -> None:
    path = tmp_path / "qa.md"
    path.write_text("""# Product quiz

Q: What is product-led thinking?
A: An approach where the product
itself drives growth.

---

**Q:** Which principle is about the "aha!" moment?
A) Drive virality
B) Deliver value fast
C. Build recurring value
**Answer:** B

Q: Which one is project management?
(a) Owns the vision
(b) Tracks the budget
Answer: Tracks the budget

Q: A question without answer
""", encoding="utf-8")
    result = read_qa(path, "qa")
    basic, choice, choice2 = result.cards
    assert basic.kind is Kind.BASIC
    assert basic.answer == "An approach where the product\nitself drives growth."
    assert choice.kind is Kind.CHOICE and choice.answer == "Deliver value fast"
    assert set(choice.options) == {"Drive virality", "Build recurring value"}
    assert choice2.answer == "Tracks the budget" and choice2.options == ("Owns the vision",)
    assert [w.line for w in result.warnings] == [20]


def test_reimporting_a_newer_export_keeps_ids_and_history(home: Path, tmp_path: Path) -> None:
    own_decks_only(home)
    source = tmp_path / "anki.txt"
    source.write_text("#separator:tab\n#guid column:1\nA1\tCapital of France?\tParis\n"
                      "A2\tCapital of Spain?\tMadrid\n", encoding="utf-8")
    invoke("import", str(source), "--module", "Capitals")
    invoke("study", input="paris\ngood\nmadrid\ngood\n", now="2026-03-02T09:00:00+00:00")
    source.write_text("#separator:tab\n#guid column:1\nA1\tWhat is the capital of France?\t"
                      "Paris\nA3\tCapital of Italy?\tRome\n", encoding="utf-8")
    data = json.loads(invoke("import", str(source), "--module", "Capitals", "--json"))
    assert data["updated"] == 1 and data["added"] == 1 and len(data["retired"]) == 1
    invoke("due")
    conn = sqlite3.connect(home / "pmquiz.db")
    rows = conn.execute("SELECT json_extract(c.body, '$.prompt'), c.retired, s.reps FROM cards c "
                        "JOIN card_state s ON s.card = c.id ORDER BY c.id").fetchall()
    assert rows == [("What is the capital of France?", 0, 1), ("Capital of Spain?", 1, 1),
                    ("Capital of Italy?", 0, 0)]


def test_text_round_trip_keeps_ids_prompts_answers_and_kinds(tmp_path: Path, home: Path) -> None:
    exported = tmp_path / "phase0.txt"
    invoke("export", "text", "--phase", "0", "-o", str(exported))
    originals = {c.id: c for d in load_decks(discover([SHIPPED])) for c in d.cards}
    result = read_text_export(exported, "again")
    assert len(result.cards) == len(originals)
    for card in result.cards:
        original = originals[card.id]
        assert card.kind is original.kind, card.id
        assert card.prompt == original.prompt
        assert card.answer == original.answer
        assert card.items == original.items
        assert set(card.options) == set(original.options)
        assert card.categories == original.categories
        assert card.explain == original.explain


def test_apkg_export_opened_as_sqlite(tmp_path: Path) -> None:
    target = tmp_path / "pmquiz.apkg"
    invoke("export", "anki", "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        (tmp_path / "c.db").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.db")
    decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    names = {d["name"] for d in decks.values()}
    assert "pmquiz::Phase 0::Introduction to Product Management and Product-Led Thinking" \
        in names
    assert "pmquiz::Phase 0::The Product Lifecycle" in names
    notes = conn.execute("SELECT guid, flds, tags FROM notes").fetchall()
    originals = [c for d in load_decks(discover([SHIPPED])) for c in d.cards]
    assert len(notes) == len(originals)
    guids = {g for g, _, _ in notes}
    assert "pmquiz:intro-pm/pm-vs-project/owns-vision" in guids
    vision = next(n for n in notes if n[0] == "pmquiz:intro-pm/pm-vs-project/owns-vision")
    assert vision[1].split("\x1f")[1].startswith("Product management")
    assert "phase-0" in vision[2] and "kind-classify" in vision[2]
    models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
    assert {m["name"] for m in models.values()} >= {"pmquiz Basic", "pmquiz Cloze"}
    # exporting again gives the same GUIDs: Anki updates notes instead of duplicating them
    again = tmp_path / "again.apkg"
    invoke("export", "anki", "-o", str(again))
    with zipfile.ZipFile(again) as archive:
        (tmp_path / "d.db").write_bytes(archive.read("collection.anki2"))
    assert {g for (g,) in sqlite3.connect(tmp_path / "d.db").execute(
        "SELECT guid FROM notes")} == guids
    # and pmquiz reads its own package back with the same ids
    back = read_package(target, "x")
    assert {c.id for c in back.cards} == {c.id for c in originals}


def machine(root: Path, name: str) -> Path:
    home = root / name
    write_deck(own_decks_only(home), "alpha", basic_cards(6))
    return home


def run_in(home: Path, *args: str, input: str | None = None, now: str | None = None) -> str:
    env = {"PMQUIZ_HOME": str(home)}
    if now:
        env["PMQUIZ_NOW"] = now
    result = runner.invoke(app, list(args), input=input, env=env)
    assert result.exit_code == 0, result.output
    return result.output


def states(home: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return conn.execute(
            "SELECT c.deck, c.card_id, s.state, s.step, round(s.stability, 9), "
            "round(s.difficulty, 9), s.due, s.last_review, s.reps, s.lapses FROM cards c "
            "JOIN card_state s ON s.card = c.id ORDER BY c.deck, c.card_id").fetchall()
    finally:
        conn.close()


def test_two_machines_merge_to_identical_states(tmp_path: Path) -> None:
    a, b = machine(tmp_path, "a"), machine(tmp_path, "b")
    run_in(a, "study", "--limit", "3", input="\ngood\n\nagain\n\neasy\n\ngood\n\ngood\n",
           now="2026-03-02T09:00:00+00:00")
    run_in(b, "study", "--limit", "4", input="\nhard\n\ngood\n\nagain\n\ngood\n\ngood\n\ngood\n",
           now="2026-03-03T20:00:00+00:00")
    run_in(a, "study", input="\ngood\n" * 8, now="2026-03-05T09:00:00+00:00")
    log_a, log_b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_in(a, "progress", "export", "-o", str(log_a))
    run_in(b, "progress", "export", "-o", str(log_b))
    first = json.loads(log_a.read_text().splitlines()[0])
    assert {"id", "module", "card", "time", "rating", "duration_ms", "answer"} <= set(first)
    merged_a = json.loads(run_in(a, "progress", "import", str(log_b), "--json"))
    merged_b = json.loads(run_in(b, "progress", "import", str(log_a), "--json"))
    assert merged_a["added"] == len(log_b.read_text().splitlines())
    assert merged_b["added"] == len(log_a.read_text().splitlines())
    assert states(a) == states(b)
    before = states(a)
    again = json.loads(run_in(a, "progress", "import", str(log_b), "--json"))
    assert again["added"] == 0 and again["skipped"] == again["read"]
    assert states(a) == before


def test_progress_for_a_deck_this_machine_lacks_is_kept(tmp_path: Path) -> None:
    a = machine(tmp_path, "a")
    other = tmp_path / "other"
    write_deck(own_decks_only(other), "beta", basic_cards(2, "b"))
    run_in(other, "study", input="\ngood\n\ngood\n", now="2026-03-02T09:00:00+00:00")
    log = tmp_path / "o.jsonl"
    run_in(other, "progress", "export", "-o", str(log))
    run_in(a, "progress", "import", str(log))
    write_deck(a / "decks", "beta", basic_cards(2, "b"))
    run_in(a, "due")
    conn = sqlite3.connect(a / "pmquiz.db")
    assert conn.execute("SELECT c.retired, s.reps FROM cards c JOIN card_state s ON "
                        "s.card = c.id WHERE c.deck = 'beta'").fetchall() == [(0, 1), (0, 1)]


def test_bad_progress_file_imports_nothing(tmp_path: Path, home: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "module": "m", "card": "c", "time": "2026-01-01T00:00:00+00:00",'
                   ' "rating": 3}\nnot json\n')
    result = runner.invoke(app, ["progress", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl:2: not a pmquiz review" in result.output
    conn = sqlite3.connect(home / "pmquiz.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
