"""A field converted from the Markdown of its shape (`markers.shaped_markdown`: its words and
addresses as markers, the shape converted once) reads as the field converted whole: on
generated HTML made to put words where they could read otherwise than their markers, on
cases written for each such place, and on fields of one shape with other words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.interop import markers
from pmquiz.interop.html import _html_markdown, to_markdown

PIECES = st.sampled_from([
    "<b>", "</b>", "<i>", "</i>", "<div>", "</div>", "<p>", "</p>", "<br>", "<hr>", " ", "\n",
    "  ", "\t", "word", "two words", "x", "(", ")", ">", "<", "< ", "\"", "'", "=", "*", ":",
    "<a href=\"", "<a href='", "<a href=", "\">", "'>", ">", "</a>", "<img src=\"",
    "<img alt=\"a b\" src=\"", "https://d.org/1", "javascript:x", "DATA:x", "source",
    "<ul><li>", "</li><li>", "</li></ul>", "<ol><li>", "</li></ol>", "<table><tr><td>",
    "</td><td>", "</td></tr></table>", "<h2>", "</h2>", "<pre>", "</pre>", "<code>", "</code>",
    "<blockquote>", "</blockquote>", "<span title=\"a>b\">", "</span>", "<script>", "</script>",
    "<style>", "</style>", "\xa0", "\u3000", "犬", "é", "href=\"x\"", "<a href=\"x\">x</a>",
])


def _fresh() -> None:
    """No shape kept and no tally: every conversion here makes or reuses shapes anew."""
    markers._shapes.clear()
    markers._made = markers._reused = markers._calls = 0


@settings(max_examples=600, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=24).map("".join), min_size=1, max_size=4))
def test_a_field_converted_by_its_shape_reads_as_the_field_converted_whole(
        fragments: list[str]) -> None:
    _fresh()
    for fragment in fragments:
        shaped = markers.shaped_markdown(fragment, _html_markdown)
        assert shaped is None or shaped == _html_markdown(fragment)


WORDS = ["word", "two words", "https://d.org/1", "source", "x", "犬 dog"]


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=24), st.lists(st.sampled_from(WORDS), min_size=3,
                                               max_size=3))
def test_fields_of_one_shape_with_other_words_read_as_converted_whole(
        pieces: list[str], words: list[str]) -> None:
    """The same markup with other words (a shape made by the first field, used by the
    others): a link whose text becomes its target is told apart."""
    _fresh()
    template = "".join(pieces) + "<a href=\"{0}\">{1}</a> <b>{2}</b>"
    for fragment in (template.format("https://d.org/1", "source", "x"),
                     template.format(*words), template.format(words[0], words[0], words[1])):
        shaped = markers.shaped_markdown(fragment, _html_markdown)
        assert shaped is None or shaped == _html_markdown(fragment)


@pytest.mark.parametrize("fragment", [
    '<a href="https://d.org">https://d.org</a>',  # a link whose text is its target: <url>
    '<a href="javascript:alert(1)">x</a>',  # dropped as a target
    '<a href="javascript:x">y</a> <b>z</b>', "<a href='DATA:x'>y</a> <b>z</b>",
    '<a href="https://d.org/a b">x</a>',  # a space: between angle brackets
    '<a href="https://d.org/(a)">x</a>',
    "<b>a</b> &amp; b",  # an entity
    "<b>a</b> [sound:x.mp3]",  # a sound
    "<b>a</b><!-- b --> c",  # a comment
    "<b>a</b><!-- x > y <b> --> c",  # words after a ">" inside it
    "<b>a</b>  b\tc",  # spaces inside a run
    '<span title="a>b">c</span>',  # a ">" inside an attribute ends the tag
    "<b>a</b> < b",  # a "<" that starts no tag
    "<pre>a\n  b</pre>",
    "<ul><li>a</li></ul>stray<table><tr><td>b</td></tr>c</table>",  # moved before the table
])
def test_a_field_reads_the_same_by_its_shape_where_a_word_could_read_otherwise(
        fragment: str) -> None:
    _fresh()
    shaped = markers.shaped_markdown(fragment, _html_markdown)
    assert shaped is None or shaped == _html_markdown(fragment)
    # a second field of the same shape, made from the first: its own words
    other = fragment.replace("a", "z")
    shaped = markers.shaped_markdown(other, _html_markdown)
    assert shaped is None or shaped == _html_markdown(other)


def test_fields_of_one_shape_are_converted_once_and_read_with_their_own_words() -> None:
    _fresh()
    converted: list[str] = []

    def convert(text: str) -> str:
        converted.append(text)
        return _html_markdown(text)

    fields = [f'<ul><li>{word} one</li><li><b>{word}</b></li></ul><br>'
              f'<a href="https://example.org/{n}">source</a>'
              for n, word in enumerate(["vision", "strategy", "roadmap", "source"])]
    made = [markers.shaped_markdown(field, convert) for field in fields]
    assert len(converted) == 1  # one shape for the four
    assert made[:3] == [_html_markdown(field) for field in fields[:3]]
    assert made[0] == "- vision one\n- **vision**\n\n[source](https://example.org/0)"
    # a target equal to its text would be written otherwise: converted whole (None here)
    assert markers.shaped_markdown(fields[3].replace("https://example.org/3", "source"),
                                   convert) is None


def test_where_shapes_are_seldom_shared_they_are_tried_now_and_then() -> None:
    """Each field of its own markup: after 32 shapes made and few used again, one field in
    16 is tried; every field still reads as converted whole."""
    _fresh()
    fields = ["<p>" + "<b>x</b>" * n + "</p>" for n in range(1, 200)]
    tried = [markers.shaped_markdown(field, _html_markdown) is not None for field in fields]
    assert all(tried[:32]) and 8 <= sum(tried[32:]) <= 16
    assert [to_markdown(field) for field in fields] == [_html_markdown(f) for f in fields]
