"""A package's modules come back as their modules and phases; cards already there (same
GUID) are updated, never duplicated; cards suspended in Anki stay suspended (issue #28,
items 2 and 5)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_file
from test_hostile_packages import collection, package

from helpers import basic_cards, write_deck

runner = CliRunner()


def run(home: Path, *args: str) -> str:
    result = runner.invoke(app, ["--home", str(home), *args])
    assert result.exit_code == 0, result.output
    return result.output


def modules(home: Path) -> dict[str, tuple[int, int]]:
    """Module slug -> (phase, cards) as `pmquiz` loads them in that home."""
    data = json.loads(run(home, "decks", "--json"))
    return {m["slug"]: (m["phase"], m["cards"]) for m in data["modules"]}


def test_three_modules_exported_together_come_back_as_three(tmp_path: Path) -> None:
    first, fresh = tmp_path / "first", tmp_path / "fresh"
    write_deck(first / "decks", "my-notes", basic_cards(3), phase=1, title="My notes")
    package_file = tmp_path / "all.apkg"
    run(first, "export", "anki", "-o", str(package_file))
    before = modules(first)
    assert len(before) == 3

    out = json.loads(run(fresh, "import", str(package_file), "--json"))
    assert sorted(m["module"] for m in out["modules"]) == sorted(before)
    assert modules(fresh) == before  # same modules, phases and card counts: no duplicates
    assert load_file(fresh / "decks" / "imported" / "my-notes.toml").module.title == "My notes"
    # the shipped decks were the same: no copy of them was made
    assert sorted(p.name for p in (fresh / "decks").rglob("*.toml")) == ["my-notes.toml"]

    again = json.loads(run(fresh, "import", str(package_file), "--json"))
    assert all(m["added"] == 0 and m["updated"] == 0 for m in again["modules"])
    assert modules(fresh) == before


def test_an_edited_shipped_card_updates_the_learners_copy_in_place(tmp_path: Path) -> None:
    first, fresh = tmp_path / "first", tmp_path / "fresh"
    run(first, "stats")  # the shipped decks, as they are
    from pmquiz import paths

    shipped = next(paths.shipped_decks_dir().rglob("intro-pm.toml"))
    copy = first / "decks" / shipped.relative_to(paths.shipped_decks_dir())
    copy.parent.mkdir(parents=True)
    text = shipped.read_text(encoding="utf-8")
    card = load_file(shipped).cards[0]
    copy.write_text(text.replace(card.prompt, card.prompt + " (edited)", 1), encoding="utf-8")
    package_file = tmp_path / "edited.apkg"
    run(first, "export", "anki", "-o", str(package_file))

    run(fresh, "import", str(package_file))
    own = fresh / "decks" / copy.relative_to(first / "decks")
    assert own.is_file()  # the learner's copy of the shipped deck, made by the import
    mine = load_file(own)
    assert [c.id for c in mine.cards] == [c.id for c in load_file(shipped).cards]
    edited = next(c for c in mine.cards if c.id == card.id)
    assert edited.prompt.endswith("(edited)")
    assert modules(fresh) == modules(first)


def test_cards_suspended_in_anki_stay_suspended(home: Path, tmp_path: Path) -> None:
    models = json.dumps({"1": {
        "id": 1, "name": "Basic", "type": 0,
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}",
                   "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}], "css": ""}})
    rows = [(n, f"guid-{n}", 1, f"Question {n}?\x1fAnswer {n}", "") for n in (1, 2, 3)]
    db = collection(tmp_path / "c.db", models=models, rows=rows)
    conn = sqlite3.connect(db)
    conn.executescript("DROP TABLE cards; CREATE TABLE cards (id, nid, did, ord, queue);")
    conn.executemany("INSERT INTO cards VALUES (?, ?, 1, 0, ?)",
                     [(101, 1, 0), (102, 2, -1), (103, 3, 2)])
    conn.commit()
    conn.close()
    source = package(tmp_path, db)
    out = runner.invoke(app, ["import", str(source)])
    assert out.exit_code == 0, out.output
    assert "1 cards suspended in Anki stay suspended" in out.output
    found = runner.invoke(app, ["search", "--suspended", "--json"])
    assert [row["prompt"] for row in json.loads(found.output)["cards"]] == ["Question 2?"]
    elsewhere = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "x.toml")])
    assert "1 cards are suspended in Anki, but the deck is outside your decks folder" in \
        " ".join(elsewhere.output.split())


def _anki_package(path: Path, decks: dict[str, list[str]]) -> Path:
    """A package made as Anki makes one (genanki): one Basic note per name, by deck."""
    import genanki

    model = genanki.Model(1607392319, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    made = []
    for number, (name, notes) in enumerate(decks.items()):
        deck = genanki.Deck(7000 + number, name)
        for note in notes:
            deck.add_note(genanki.Note(model=model, fields=[f"{note}?", f"{note}!"],
                                       guid=f"guid-{note}"))
        made.append(deck)
    genanki.Package(made).write_to_file(str(path))
    return path


def test_two_anki_decks_with_the_same_last_name_become_two_modules(tmp_path: Path) -> None:
    """"French::Words" and "Spanish::Words" once went to one file, the second retiring the
    first's cards; each is now a module titled by its path."""
    home = tmp_path / "home"
    package_file = _anki_package(tmp_path / "languages.apkg", {
        "French::Words": ["chien", "chat"], "Spanish::Words": ["perro", "gato", "pez"]})
    out = json.loads(run(home, "import", str(package_file), "--json"))
    assert sorted((m["module"], m["added"], len(m["retired"])) for m in out["modules"]) == [
        ("french-words", 2, 0), ("spanish-words", 3, 0)]
    imported = home / "decks" / "imported"
    assert load_file(imported / "french-words.toml").module.title == "French / Words"
    assert load_file(imported / "spanish-words.toml").module.title == "Spanish / Words"
    again = json.loads(run(home, "import", str(package_file), "--json"))
    assert all(m["added"] == m["updated"] == len(m["retired"]) == 0 for m in again["modules"])
    assert modules(home)["spanish-words"] == (0, 3)


def test_another_packages_deck_of_the_same_name_gets_a_module_of_its_own(
        tmp_path: Path) -> None:
    """An unrelated package with a "Words" deck once merged into the first one's "Words"
    module and retired its cards."""
    home = tmp_path / "home"
    german = _anki_package(tmp_path / "german.apkg", {"German::Words": ["hund", "katze"],
                                                       "German::Verbs": ["gehen"]})
    dutch = _anki_package(tmp_path / "dutch.apkg", {"Dutch::Words": ["hond"],
                                                     "Dutch::Verbs": ["gaan", "zijn"]})
    run(home, "import", str(german))
    out = json.loads(run(home, "import", str(dutch), "--json"))
    assert sorted((m["module"], m["added"], len(m["retired"])) for m in out["modules"]) == [
        ("verbs-2", 2, 0), ("words-2", 1, 0)]
    assert modules(home)["words"] == (0, 2) and modules(home)["words-2"] == (0, 1)
    again = json.loads(run(home, "import", str(german), "--json"))  # each finds its own
    assert sorted((m["module"], m["added"], len(m["retired"])) for m in again["modules"]) == [
        ("verbs", 0, 0), ("words", 0, 0)]


def test_an_anki_deck_named_like_a_shipped_module_leaves_that_module_alone(
        tmp_path: Path) -> None:
    """An Anki deck "Intro PM" once merged into the shipped intro-pm module, retiring 20 of
    its cards; then, given that slug under imported/, it made the home unloadable."""
    home = tmp_path / "home"
    shipped = modules(home)["intro-pm"]
    package_file = _anki_package(tmp_path / "course.apkg", {
        "Course::Intro PM": ["vision", "strategy"], "Course::Other": ["roadmap"]})
    out = json.loads(run(home, "import", str(package_file), "--json"))
    assert sorted((m["module"], m["added"], len(m["retired"])) for m in out["modules"]) == [
        ("intro-pm-2", 2, 0), ("other", 1, 0)]
    assert modules(home)["intro-pm"] == shipped
    assert not list((home / "decks").rglob("intro-pm.toml"))  # no copy of the shipped deck


def _three_decks(path: Path, notes: int = 400) -> Path:
    """Three decks, large enough for the later modules to be written by a forked copy; the
    last deck's first note names an image the package does not hold."""
    import genanki

    model = genanki.Model(1607392319, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    decks = [genanki.Deck(8000 + n, f"Course::Part {n}") for n in range(3)]
    for n, deck in enumerate(decks):
        for i in range(notes):
            picture = '<img src="missing.png">' if n == 2 and i == 0 else ""
            deck.add_note(genanki.Note(model=model, fields=[
                f"Question {n}.{i}?{picture}", f"<b>answer</b> {n}.{i}"], guid=f"p{n}-{i}"))
    genanki.Package(decks).write_to_file(str(path))
    return path


def _written(home: Path) -> dict[str, bytes]:
    folder = home / "decks" / "imported"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_large_packages_modules_written_by_copies_equal_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The modules of a large package are shared among this process and two forked copies
    (three decks: one each): the files, the report and the warnings (the missing image,
    named once) are those of one pass."""
    import sys

    from pmquiz import side_work
    from pmquiz.interop import importer

    if sys.platform != "linux":
        pytest.skip("forked copies run on Linux only")
    monkeypatch.setattr(side_work.threading, "active_count", lambda: 1)  # other tests' threads
    package_file = _three_decks(tmp_path / "course.apkg")
    forks: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted)
    split = run(tmp_path / "split", "import", str(package_file), "--json")
    assert len(forks) == 3  # the package's later notes, then its second and third module
    monkeypatch.setattr(importer, "SIDE_CARDS", 10**9)
    whole = run(tmp_path / "whole", "import", str(package_file), "--json")
    assert len(forks) == 4  # the notes only
    assert _written(tmp_path / "split") == _written(tmp_path / "whole")
    assert split.replace("split", "whole") == whole
    assert json.loads(split)["warnings"].count(
        f'{package_file}: media "missing.png" is not in the package; the card names it only'
    ) == 1


def test_modules_a_failed_copy_did_not_write_are_written_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy that fails (here: at its first deck) leaves its modules to this process,
    which writes them all, with the warnings said once."""
    import sys

    from pmquiz import side_work
    from pmquiz.interop import importer

    if sys.platform != "linux":
        pytest.skip("forked copies run on Linux only")
    monkeypatch.setattr(side_work.threading, "active_count", lambda: 1)  # other tests' threads
    package_file = _three_decks(tmp_path / "course.apkg")
    parent = os.getpid()
    real_write = importer._write

    def failing_in_the_copy(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            raise OSError("the copy fails")
        return real_write(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "_write", failing_in_the_copy)
    out = json.loads(run(tmp_path / "home", "import", str(package_file), "--json"))
    assert [(m["module"], m["added"]) for m in out["modules"]] == [
        ("part-0", 400), ("part-1", 400), ("part-2", 400)]
    assert sum("missing.png" in w for w in out["warnings"]) == 1
    assert modules(tmp_path / "home")["part-2"] == (0, 400)


def test_the_origins_file_is_the_sorted_json_of_each_cards_origin(tmp_path: Path) -> None:
    """A note's fields are encoded once, while notes are read; the sidecar still reads, line
    for line, as `json.dumps(origin, sort_keys=True)` in ASCII."""
    import genanki

    model = genanki.Model(1607392331, "Basic (and reversed card)",
                          fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'},
                                     {"name": "Card 2", "qfmt": "{{Back}}",
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Front}}'}])
    deck = genanki.Deck(9001, "Wörter")
    deck.add_note(genanki.Note(model=model, fields=["<b>犬</b> \"inu\"", "dog\\cat &amp; ü"],
                               guid="g-1"))
    package_file = tmp_path / "words.apkg"
    genanki.Package([deck]).write_to_file(str(package_file))
    run(tmp_path / "home", "import", str(package_file))
    text = (tmp_path / "home" / "decks" / "imported" / "words.anki.json").read_text(
        encoding="ascii")
    cards = json.loads(text)["cards"]
    assert len(cards) == 2
    for key, origin in cards.items():
        assert f"{json.dumps(key)}: {json.dumps(origin, sort_keys=True)}" in text
        assert origin["fields"] == ["<b>犬</b> \"inu\"", "dog\\cat &amp; ü"]


def test_a_card_placed_in_its_module_equals_the_dataclass_replace() -> None:
    from dataclasses import fields, replace

    from pmquiz.model import Card, Kind, copied

    card = Card(deck="x", id="a", kind=Kind.LIST, prompt="p", items=("i", "j"), line=7,
                groups=("g",), ordered=True, pick=1)
    placed = copied(card, deck="module", id="a-2", line=0)
    assert placed == replace(card, deck="module", id="a-2", line=0)
    assert hash(placed) == hash(replace(card, deck="module", id="a-2", line=0))
    assert card.deck == "x" and card.line == 7  # the card it came from is unchanged
    assert not hasattr(Card, "__post_init__")  # nothing a construction would check
    assert {f.name for f in fields(Card)} == set(placed.__dict__)


def test_a_package_file_named_like_a_shipped_module_takes_a_slug_of_its_own(
        tmp_path: Path) -> None:
    """A one-deck package saved as `intro-pm.apkg` once took the shipped module's slug, and
    the home no longer loaded (two modules with one slug)."""
    home = tmp_path / "home"
    shipped = modules(home)["intro-pm"]
    package_file = _anki_package(tmp_path / "intro-pm.apkg", {"My notes": ["vision"]})
    out = json.loads(run(home, "import", str(package_file), "--json"))
    assert out["module"] == "intro-pm-2"
    assert any('module slug "intro-pm" is taken' in w for w in out["warnings"])
    assert modules(home)["intro-pm"] == shipped and modules(home)["intro-pm-2"] == (0, 1)
    again = json.loads(run(home, "import", str(package_file), "--json"))
    assert again["module"] == "intro-pm-2" and again["added"] == 0


@given(st.integers(1, 40), st.text(max_size=30).filter(lambda t: "[[cards]]" not in t))
def test_a_decks_slug_is_read_from_its_head_alone(chunk: int, title: str) -> None:
    """An import looks up the slug of every deck the home loads: only the text before the
    first `[[cards]]` is read (cards that could not even be decoded do not matter), in
    chunks of any size."""
    import tempfile

    from pmquiz.deck_text import _toml_string
    from pmquiz.interop.importer import _head_of, _slug_of

    head = f'[module]\nslug = "big-deck"\ntitle = {_toml_string(title)}\nphase = 0\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.toml"
        path.write_bytes(head.encode() + b"\n[[cards]]\nid = \"a\"\nprompt = \"\xff\xfe\"\n")
        assert _head_of(path, chunk) == head
        assert _slug_of(path) == "big-deck"
        path.write_bytes(head.encode())  # no card at all: the whole file is the head
        assert _head_of(path, chunk) == head


# texts a placeholder could be mistaken in: quotes, backslashes, NUL, the placeholder's text
TRICKY = st.lists(st.sampled_from([*'ab"\\:, \x00{}', '"fields": "\\u0000"', "\u00fc",
                                   "\u72ac"]), max_size=12).map("".join)


@given(st.fixed_dictionaries({
    "prompt": TRICKY, "answer": TRICKY, "explain": TRICKY,
    "fields": st.lists(TRICKY, max_size=4), "mod": st.integers(0, 2**40),
    "prompt_field": st.none() | st.integers(0, 9)}))
@example({"prompt": "x", "answer": "\x00", "explain": '"fields": "\\u0000"',
          "fields": ["a"], "mod": 1, "prompt_field": None})
def test_an_origin_with_its_fields_encoded_ahead_reads_as_one_sorted_dump(
        origin: dict[str, object]) -> None:
    from pmquiz.interop.anki_notes import Encoded, _object

    ahead = {**origin, "fields": Encoded(json.dumps(origin["fields"]))}
    assert _object(ahead) == json.dumps(origin, sort_keys=True)


@given(st.lists(st.integers(1, 5000), min_size=1, max_size=12), st.integers(1, 4))
def test_module_shares_cover_every_module_once_and_stay_near_equal(
        sizes: list[int], count: int) -> None:
    """Each module is written by exactly one writer, a writer's modules in package order, and
    no share outweighs the lightest by more than one module (the greedy bound)."""
    from pmquiz.side_work import near_equal_shares as _shares

    shares = _shares(sizes, count)
    assert sorted(job for share in shares for job in share) == list(range(len(sizes)))
    assert all(share == sorted(share) for share in shares)
    assert len(shares) == min(count, len(sizes))
    totals = [sum(sizes[job] for job in share) for share in shares]
    assert max(totals) - min(totals) <= max(sizes)


@pytest.mark.parametrize(("text", "expected"), [
    ("**chien**", 0),  # the front's Markdown
    ("dog", 1),  # the back, a plain field
    ("- a pet\n- barks", 2),  # a list field
    ("dog\n\n- a pet\n- barks", None),  # a side made of two fields is no one field
    ("chien", None),  # the front's words in other markup: not its text
    ("", None),
])
def test_an_edited_card_goes_back_into_the_field_its_text_came_from(
        text: str, expected: int | None) -> None:
    """`field_index` finds, when an edited card is exported, the field whose Markdown is
    the card's text as imported (the origins file no longer says it for each card)."""
    from pmquiz.interop import html
    from pmquiz.interop.anki_notes import field_index

    html._markdown.clear()  # as in a later `export` process: nothing converted yet
    fields = ["<b>chien</b>", "dog", "<ul><li>a pet</li><li>barks</li></ul>", ""]
    assert field_index(fields, text) == expected


def test_an_origins_file_whose_note_type_id_is_a_superscript_is_reported_not_a_crash(
        tmp_path: Path) -> None:
    """A note type keyed "²" (a digit to `str.isdigit`, no number to `int`: it raised
    ValueError): that note type is reported as not valid, the file's other parts kept."""
    from pmquiz.interop.anki_notes import origins_path, read_origins

    deck = tmp_path / "deck.toml"
    origins_path(deck).write_text(json.dumps({"cards": {}, "notetypes": {"²": {}}}),
                                  encoding="utf-8")
    problems: list[str] = []
    read_origins(deck, problems)
    assert any("its id must be a positive 64-bit number" in p for p in problems), problems
