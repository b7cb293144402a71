"""Deck files: the shipped decks load; every kind of mistake is reported at path:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.deck import discover, load_decks, load_file, parse_deck, write_deck
from pmquiz.deck_text import render_deck
from pmquiz.errors import DeckErrors
from pmquiz.model import Kind

from conftest import SHIPPED

HEAD = '[module]\nslug = "m"\ntitle = "M"\nphase = 1\n\n'


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "deck.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeckErrors) as caught:
        load_file(path)
    return [e.describe() for e in caught.value.errors]


def test_shipped_phase0_deck_loads_with_every_kind() -> None:
    decks = load_decks(discover([SHIPPED]))
    intro = next(d for d in decks if d.module.slug == "intro-pm")
    kinds = {c.kind for c in intro.cards}
    assert kinds == set(Kind)
    classify = [c for c in intro.cards if c.kind is Kind.CLASSIFY]
    assert len(classify) >= 8
    assert {c.answer for c in classify} == {"Product management", "Project management"}
    principles = next(c for c in intro.cards if c.id == "principles/all")
    assert principles.items == ("Deliver value fast", "Build recurring value", "Drive virality",
                                "Create high switching costs")


def test_unknown_kind_names_file_line_and_card(tmp_path: Path) -> None:
    text = HEAD + '[[cards]]\nid = "a"\nkind = "essay"\nprompt = "P"\n'
    [message] = errors_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'deck.toml'}:8: card \"a\": unknown kind \"essay\"")
    assert "basic" in message


def test_missing_field_is_reported_on_the_card_line(tmp_path: Path) -> None:
    text = HEAD + '[[cards]]\nid = "a"\nkind = "basic"\nprompt = "P"\n'
    [message] = errors_of(tmp_path, text)
    assert message.endswith(':6: card "a": kind "basic" needs "answer"')


def test_duplicate_id_points_at_both_lines(tmp_path: Path) -> None:
    card = '[[cards]]\nid = "a"\nkind = "basic"\nprompt = "P"\nanswer = "A"\n\n'
    [message] = errors_of(tmp_path, HEAD + card + card)
    assert ':12: card "a": duplicate id (first used at line 6)' in message


def test_classify_category_not_in_its_set(tmp_path: Path) -> None:
    text = (HEAD.replace("\n\n", "\n\n[sets]\npm = [\"Product\", \"Project\"]\n\n") +
            '[[cards]]\nid = "c"\nkind = "classify"\ncategories = "pm"\nprompt = "S"\n'
            'answer = "Programme"\n')
    [message] = errors_of(tmp_path, text)
    assert ':14: card "c": answer "Programme" is not one of its categories: Product, Project' \
        in message


def test_classify_with_unknown_set_and_empty_list(tmp_path: Path) -> None:
    text = HEAD + ('[[cards]]\nid = "c"\nkind = "classify"\ncategories = "nope"\nprompt = "S"\n'
                   'answer = "X"\n\n[[cards]]\nid = "l"\nkind = "list"\nprompt = "L"\n'
                   "items = []\n")
    messages = errors_of(tmp_path, text)
    assert any(':9: card "c": categories "nope" is not a set' in m for m in messages)
    assert any(':17: card "l": "items" is empty' in m for m in messages)


def test_bad_toml_reports_its_line(tmp_path: Path) -> None:
    [message] = errors_of(tmp_path, HEAD + '[[cards]]\nid = "a\nkind = "basic"\n')
    assert ":7: not valid TOML" in message


def test_not_utf8_and_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_bytes(HEAD.encode() + b'[[cards]]\nid = "\xff"\n')
    with pytest.raises(DeckErrors) as caught:
        load_file(path)
    assert ":7: the file is not UTF-8" in caught.value.errors[0].describe()
    path.write_bytes(HEAD.encode() + b"\x00")
    with pytest.raises(DeckErrors, match="NUL byte"):
        load_file(path)


def test_cloze_without_gap_and_unknown_key(tmp_path: Path) -> None:
    text = HEAD + '[[cards]]\nid = "z"\nkind = "cloze"\nprompt = "no gap"\nanswr = "x"\n'
    messages = errors_of(tmp_path, text)
    assert any(':10: card "z": unknown key "answr"' in m for m in messages)
    assert any(':9: card "z": kind "cloze" needs at least one {{gap}}' in m for m in messages)


def test_duplicate_module_slug_across_files(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.toml").write_text(
            HEAD + '[[cards]]\nid = "a"\nkind = "basic"\nprompt = "P"\nanswer = "A"\n')
    with pytest.raises(DeckErrors, match='module slug "m" is already used'):
        load_decks(discover([tmp_path]))


def test_render_then_parse_gives_the_same_deck(tmp_path: Path) -> None:
    [deck] = [d for d in load_decks(discover([SHIPPED])) if d.module.slug == "intro-pm"]
    out = tmp_path / "copy.toml"
    write_deck(deck, out)
    again = parse_deck(out, out.read_bytes())
    assert [c.to_dict() | {"line": 0} for c in again.cards] == \
        [c.to_dict() | {"line": 0} for c in deck.cards]
    assert again.module == deck.module
    assert render_deck(again) == out.read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_a_deck_or_located_errors(text: str) -> None:
    try:
        parse_deck(Path("x.toml"), text.encode("utf-8", "surrogatepass"))
    except DeckErrors as exc:
        assert exc.errors
        assert all(e.describe().startswith("x.toml") for e in exc.errors)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(
    st.sampled_from(["id", "kind", "prompt", "answer", "items", "options", "categories",
                     "explain", "zz"]),
    st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=8), max_size=3),
              st.sampled_from([k.value for k in Kind])), max_size=6), max_size=5))
def test_any_card_tables_give_a_deck_or_errors(cards: list[dict[str, object]]) -> None:
    import tomllib

    from pmquiz.deck_text import _toml_value

    body = HEAD + "".join(
        "[[cards]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in card.items()) + "\n"
        for card in cards)
    tomllib.loads(body)
    try:
        deck = parse_deck(Path("x.toml"), body.encode())
    except DeckErrors as exc:
        assert all(e.describe().startswith("x.toml") for e in exc.errors)
    else:
        assert len(deck.cards) == len(cards)


def test_also_lists_other_right_wordings_of_a_basic_answer(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('[module]\nslug = "a"\ntitle = "A"\nphase = 0\n\n[[cards]]\nid = "x"\n'
                    'kind = "basic"\nprompt = "What is X?"\nanswer = "One thing."\n'
                    'also = "Another wording."\n\n[[cards]]\nid = "y"\nkind = "basic"\n'
                    'prompt = "What is Y?"\nanswer = "Y."\nalso = ["Why.", "Wye."]\n',
                    encoding="utf-8")
    deck = load_file(path)
    assert [c.also for c in deck.cards] == [("Another wording.",), ("Why.", "Wye.")]
    again = tmp_path / "b.toml"
    write_deck(deck, again)
    assert [c.also for c in load_file(again).cards] == [("Another wording.",), ("Why.", "Wye.")]
    path.write_text(path.read_text(encoding="utf-8").replace('also = "Another wording."',
                                                             "also = 3"), encoding="utf-8")
    with pytest.raises(DeckErrors) as caught:
        load_file(path)
    assert ':11: card "x": "also" must be another wording of the answer' in str(caught.value)


def test_a_deck_nested_too_deep_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    raw = ("x = " + "[" * 100_000 + "]" * 100_000 + "\n").encode()
    with pytest.raises(DeckErrors) as caught:
        parse_deck(path, raw)
    assert "nested too deep" in str(caught.value) and str(path) in str(caught.value)


TEXT = st.text(max_size=8)
WORDS = st.tuples(TEXT, TEXT).map(tuple)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({"deck": TEXT, "id": TEXT, "kind": st.sampled_from(list(Kind)),
                              "prompt": TEXT}, optional={
    "answer": TEXT, "options": WORDS, "categories": WORDS, "items": WORDS, "explain": TEXT,
    "source": TEXT, "line": st.integers(0, 99), "keep": st.booleans(), "groups": WORDS,
    "also": WORDS, "ordered": st.booleans(), "pick": st.integers(0, 9),
    "any_order": st.booleans(), "links": WORDS, "told": WORDS}))
def test_a_card_is_made_as_its_dataclass_fields_say(values: dict[str, object]) -> None:
    """Card's one-update `__init__` (`model._filled_at_once`) gives what the dataclass's
    own did: every field given or defaulted, by keyword or by position, still frozen, and
    `replace` and equality work on it."""
    import dataclasses

    from pmquiz.model import Card

    card = Card(**values)  # type: ignore[arg-type]
    fields = dataclasses.fields(Card)
    expected = {f.name: values.get(f.name, f.default) for f in fields}
    assert dataclasses.asdict(card) == expected
    assert Card(*expected.values()) == card  # type: ignore[arg-type]
    assert dataclasses.replace(card, prompt="changed").prompt == "changed"
    assert dataclasses.replace(card, prompt=card.prompt) == card
    with pytest.raises(dataclasses.FrozenInstanceError):
        card.id = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Card(deck="d", id="i", kind=Kind.BASIC)  # type: ignore[call-arg]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(['"', "\\", "\n", "\t", "\r", "\x00", "\x1f", "\x7f", "a",
                                 " ", "é", "犬", "\\n", "u"]), max_size=30).map("".join))
def test_a_toml_string_reads_back_as_its_value_in_the_bytes_decks_always_had(
        value: str) -> None:
    """Deck files keep their bytes across versions (a deck rewritten unchanged shows no
    change): each character escaped as the one-pass escaper before did, and TOML reads the
    value back."""
    import re
    import tomllib

    from pmquiz.deck_text import _toml_string

    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
    before = '"' + re.sub(r'["\\\x00-\x1f\x7f]', lambda m: escapes.get(m.group(0)) or
                          f"\\u{ord(m.group(0)):04x}", value) + '"'
    assert _toml_string(value) == before
    assert tomllib.loads(f"x = {_toml_string(value)}")["x"] == value
