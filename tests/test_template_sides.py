"""A note type's sides converted once for every note of one shape (`template_sides`) give the
cards converting each note's own sides gives: on generated templates and values made to
hit every place a value could read otherwise than its marker, on a vocabulary package of
the shape real ones have, and on the sample packages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.interop.package_notes import note_cards
from pmquiz.interop.template_sides import SideCache
from pmquiz.interop.templates import NoteType, Template

SAMPLES = Path(__file__).parent / "data" / "samples" / "anki"

# Template pieces around the fields: tags, links whose target holds a field, entities and
# brackets a value could complete, comments, hidden elements, sections and filters.
TEMPLATE = st.sampled_from([
    "<div>", "</div>", "<b>", "</b>", "<br>", "<p>", "</p>", " ", "\n", "a", "x ", "(", ")",
    "&", "&amp;", "&am", "p;", "&#", "[", "]", "[sound:", "<", "</", ">", "<a href=\"", "\">",
    "</a>", "<a href=\"https://d.org/?q=", "<a href='", "'>", "<a href=", "<img src=\"",
    "<img src=", "<!--", "-->", "<!", "<span style=\"display:none\">", "</span>",
    "<div class=\"off\">", "<div class=\"", "<div title=\"", "<hr id=answer>", "<hr>", "*",
    "https://d.org", "<table><tr><td>", "</td><td>", "</td></tr></table>", "<ul><li>",
    "</li><li>", "</li></ul>", "<h2>", "</h2>", "<code>", "</code>", "<pre>", "</pre>",
    "{{F}}", "{{G}}", "{{H}}", "{{F}}", "{{G}}", "{{text:F}}", "{{hint:G}}", "{{type:H}}",
    "{{#F}}", "{{/F}}", "{{^G}}", "{{/G}}", "{{furigana:H}}",
])
BACK = st.sampled_from(["{{FrontSide}}", "{{FrontSide}}<hr id=answer>",
                        # the front wrapped, dimmed, in a section, or after a field
                        '<div class="dim">\n{{FrontSide}}\n</div>\n<p></p>',
                        "{{#F}}<div>{{FrontSide}}</div>{{/F}}", "{{G}}<br>{{FrontSide}}"])
# Values: plain words, what URLs and links hold, and what may not be put in as a marker.
VALUE = st.lists(st.sampled_from([
    "a", "word", " ", "(", ")", "x:", "p", "p;", "amp;", "https://d.org", "ound:", "-", "*",
    ".", "javascript:", "é", "犬", "\ua66e", "<", ">", "&", "[", "]", "\n", "\xa0", "  ",
    "style", "class", "off", "\"", "'", "=", "0", "1", "\ue000",
]), max_size=6).map("".join)
NOTE_TYPE_FIELDS = ["F", "G", "H"]


def _cards(note_type: NoteType, notes: list[list[str]],
           sides: SideCache | None) -> list[object]:
    return [note_cards("deck", f"guid{n}", note_type, fields, "Deck", "", None, sides)
            for n, fields in enumerate(notes)]


@settings(max_examples=400, deadline=None)
@given(st.lists(TEMPLATE, max_size=14), st.lists(TEMPLATE, max_size=10), BACK,
       st.lists(st.lists(VALUE, min_size=3, max_size=3), min_size=1, max_size=4))
def test_sides_converted_once_give_each_note_s_own_cards(
        front: list[str], back: list[str], lead: str, notes: list[list[str]]) -> None:
    note_type = NoteType("Words", False, NOTE_TYPE_FIELDS,
                         [Template(0, "Card 1", "".join(front), lead + "".join(back)),
                          Template(1, "Card 2", "".join(back), "".join(front))],
                         frozenset({"off"}))
    assert _cards(note_type, notes, SideCache()) == _cards(note_type, notes, None)


LONG = "word " * 9 + "word"  # 49 characters: a value this long is shown once on a side


# Each case is a place where a value would read otherwise than its marker: the template,
# and a note of each shape whose value changes the reading (checked against the code with
# each guard taken out: every case here then fails).
@pytest.mark.parametrize(("front", "back", "values"), [
    ("&am{{F}}", "{{FrontSide}}<hr id=answer>{{G}}", ["p;", "b", "c"]),  # an entity
    ("&#{{F}}", "{{FrontSide}}<hr id=answer>{{G}}", ["65;", "b", "c"]),
    ("[sou{{F}}]", "{{FrontSide}}<hr id=answer>{{G}}", ["nd:x.mp3", "b", "c"]),  # a sound
    ("<{{F}}>x</{{F}}>", "{{FrontSide}}<hr id=answer>{{G}}", ["b", "b", "c"]),  # a tag
    ("<a {{F}}>t</a>", "{{FrontSide}}<hr id=answer>{{G}}", ["href=x", "b", "c"]),
    ('<div class="{{F}}">hidden?</div>{{G}}', "{{FrontSide}}<hr id=answer>{{H}}",
     ["off", "b", "c"]),  # a class the note type's CSS hides
    ('<div style="display:{{F}}">hidden?</div>{{G}}', "{{FrontSide}}<hr id=answer>{{H}}",
     ["none", "b", "c"]),
    ("<b>a</b><!-- {{F}}> b -->{{G}}", "{{FrontSide}}<hr id=answer>{{H}}", ["--", "b", "c"]),
    ("{{F}}", "{{G}} more", ["a", "a b", "c"]),  # the back starting with the front
    ("{{F}} {{G}}", "{{FrontSide}}<hr id=answer>{{G}} {{H}}", [LONG, LONG, "c"]),
    ("{{F}} and {{F}}", "{{FrontSide}}<hr id=answer>{{H}}", [LONG, "b", "c"]),
])
def test_a_value_that_reads_otherwise_than_its_marker_is_converted_with_the_note(
        front: str, back: str, values: list[str]) -> None:
    note_type = NoteType("Words", False, NOTE_TYPE_FIELDS, [Template(0, "Card 1", front, back)],
                         frozenset({"off"}))
    plain = ["a", "b", "c"]
    for notes in ([plain, values], [values, plain]):
        assert _cards(note_type, notes, SideCache()) == _cards(note_type, notes, None)


def test_a_link_whose_text_is_its_target_reads_as_the_note_s_own() -> None:
    """A field's value can make a link's text equal to its target (Markdown writes that as
    `<url>`), or give its target a space (written between angle brackets): such notes are
    converted in full, and read the same."""
    note_type = NoteType("Links", False, ["F", "G"], [Template(
        0, "Card 1", '<a href="{{F}}">{{G}}</a>', '{{FrontSide}}<hr id=answer>'
        '<a href="https://d.org">{{G}}</a> <a href="https://d.org/?q={{F}}">look up</a>')])
    notes = [["https-x", "https-x"], ["a", "b"], ["https", "https://d.org"],
             ["d (x)", "https://d.org"], ["x", "y"]]
    sides = SideCache()
    assert _cards(note_type, notes, sides) == _cards(note_type, notes, None)
    made = _cards(note_type, notes, None)
    assert made[0][0][1].prompt == "<https-x>"  # type: ignore[index]
    assert "<https://d.org>" in made[2][0][1].answer  # type: ignore[index]


def vocabulary_package(folder: Path) -> Path:
    """A package shaped as real vocabulary decks are: four short plain fields (a number no
    template shows), a recognition and a writing template with a grid drawn in SVG,
    dictionary links built from the word, styled divs; some values with spaces and
    parentheses (a link target then needs angle brackets), some fields equal or empty."""
    import genanki

    grid = ('<div class="grid"><svg width="10" height="10"><rect width="100%" '
            'fill="none" stroke="gray"/></svg></div>')
    links = ('<div class="dicts"><a href="plecoapi://s?q={{Chinese}}">p</a> '
             '<a href="https://en.m.wiktionary.org/wiki/{{Chinese}}">w</a></div>')
    model = genanki.Model(
        1607392401, "Vocabulary", fields=[{"name": n} for n in
                                          ("Number", "Chinese", "Pinyin", "English")],
        templates=[{"name": "Recognition", "qfmt": '<div class="chinese">{{Chinese}}</div>',
                    "afmt": '{{FrontSide}}\n\n<hr id=answer>\n<div class="pinyin">{{Pinyin}}'
                            '</div>\n<div class="english">{{English}}</div>\n' + links},
                   {"name": "Writing", "qfmt": '<div class="english">{{English}}</div>\n'
                                               + grid,
                    "afmt": '{{FrontSide}}\n\n<hr id=answer>\n<div class="chinese">{{Chinese}}'
                            '</div>\n<div class="pinyin">{{Pinyin}}</div>\n' + links}],
        css=".card {text-align: center} .chinese {font-size: 70px}")
    deck = genanki.Deck(2059400301, "Chinese::Book 1")
    rows = [("B1:1", "您", "nín", "you (formal)"), ("B1:2", "是", "shì", "to be"),
            ("B1:3", "點(鐘)", "diǎn zhōng", "o'clock"), ("B1:4", "S V IO DO", "S V IO DO",
                                                         "(direct / indirect object)"),
            ("B1:5", "好", "hǎo", ""), ("B1:6", "他", "tā", "he & him"),
            ("B1:7", "<b>大</b>", "dà", "big"), ("B1:8", "小", "xiǎo", "small")]
    for number, (*fields,) in enumerate(rows * 3):
        deck.add_note(genanki.Note(model=model, fields=list(fields), guid=f"v{number}"))
    path = folder / "vocabulary.apkg"
    genanki.Package(deck).write_to_file(str(path))
    return path


def _read_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    from pmquiz.interop import apkg, template_sides

    monkeypatch.setattr(apkg, "SPLIT_NOTES", 10**9)  # one process: the patch reaches it
    fast = apkg.read_package(path, "words", None)
    monkeypatch.setattr(template_sides.SideCache, "sides", lambda *_: None)
    slow = apkg.read_package(path, "words", None)
    return fast, slow


def test_a_vocabulary_package_reads_the_same_with_its_sides_converted_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz.interop import template_sides

    made = []
    real = template_sides._skeleton
    monkeypatch.setattr(template_sides, "_skeleton",
                        lambda *args: made.append(args) or real(*args))
    fast, slow = _read_both_ways(vocabulary_package(tmp_path), monkeypatch)
    assert fast.cards == slow.cards  # type: ignore[attr-defined]
    assert fast.origins == slow.origins  # type: ignore[attr-defined]
    # two templates, and notes with an empty or a repeated field have shapes of their own:
    # a handful of conversions for 48 cards, not one per side
    assert 2 <= len(made) <= 6
    cards = {card.prompt: card for card in fast.cards}  # type: ignore[attr-defined]
    assert cards["點(鐘)"].answer.endswith(
        "[p](<plecoapi://s?q=點(鐘)>) [w](<https://en.m.wiktionary.org/wiki/點(鐘)>)")
    assert cards["you (formal)"].answer.startswith("您\n\nnín\n\n[p](plecoapi://s?q=您)")
    assert cards["he & him"].answer.startswith("他\n\ntā")
    assert cards["**大**"].answer.startswith("dà\n\nbig")


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*/*.apkg")), ids=lambda p: p.name[:20])
def test_sample_packages_read_the_same_with_their_sides_converted_once(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _read_both_ways(path, monkeypatch)
    assert fast.cards and fast.cards == slow.cards  # type: ignore[attr-defined]
    assert fast.warnings == slow.warnings  # type: ignore[attr-defined]


def test_a_package_of_many_shapes_keeps_a_bounded_number_of_skeletons(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Skeletons stop being kept once they hold `MAX_KEPT` characters (a package whose notes
    come in thousands of shapes would otherwise keep them all): the later notes are
    converted in full, and read the same."""
    from pmquiz.interop import template_sides

    monkeypatch.setattr(template_sides, "MAX_KEPT", 200)
    note_type = NoteType("Words", False, NOTE_TYPE_FIELDS, [Template(
        0, "Card 1", "<div>{{F}}</div>" + "<p>x</p>" * 20, "{{FrontSide}}<hr id=answer>{{G}}")])
    # empty and equal fields in turn: a shape per pattern
    notes = [["a", "b", "c"], ["a", "", "c"], ["a", "a", "c"], ["b", "c", ""], ["x", "y", "z"]]
    sides = SideCache()
    assert _cards(note_type, notes, sides) == _cards(note_type, notes, None)
    assert sum(skeleton is not None for skeleton in sides._made.values()) == 1
