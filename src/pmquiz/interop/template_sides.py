"""A note type's rendered sides converted once, not once per note: most real packages are
vocabulary notes whose fields are short plain text (a word, its reading, its meaning) shown
through templates full of markup (divs, links to dictionaries, an SVG grid). Such a field
is put into the template as a marker, the side is converted to Markdown once for every
note of that shape, and each note's values replace the markers in the Markdown.

That gives the same text as converting the note's own side only where nothing in the
conversion can read a value differently from its marker; `markers.unsafe` lists those places (a
value inside a tag other than as a quoted attribute, after an `&` or a `[`, in a style or
class), and a note whose values could change a comparison the conversion makes (a link's
text against its target, the back's start against the front) is converted in full.
`tests/test_template_sides.py` checks both ways give the same cards, on every sample
package and on generated templates and values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmquiz.interop.html import to_markdown, without_hidden
from pmquiz.interop.markers import (
    MARK,
    MISSING,
    PLAIN,
    Links,
    Parts,
    filled,
    links,
    links_agree,
    parts_of,
    unsafe,
)
from pmquiz.interop.templates import (
    ANSWER_RULE,
    REPEAT_CHARS,
    NoteType,
    Template,
    placed_back,
    render,
)

# A value inside a quoted attribute (a dictionary link's `?q={{Word}}`): what a URL needs
# no escaping for, and no ":" (an attribute starting "javascript:" is dropped)
IN_TAG = re.compile(r"[\w.~%+,-]+")
MAX_SIDE = 50_000  # a longer side is converted per note (far under html.MARKUP_LIMIT)
MAX_SHAPES = 4096  # note shapes kept for one package
MAX_KEPT = 8_000_000  # characters of skeletons kept for one package (some 16 MB at most)


@dataclass(frozen=True)
class Skeleton:
    """A template's two sides for one shape of note, as Markdown with markers, and what a
    note of that shape must satisfy for its values to be put in."""

    front: Parts
    back: Parts
    in_tags: tuple[int, ...]  # fields whose marker stands in an attribute
    anchors: Links  # (target, text) of links a value may make equal
    # the sides as HTML, when the answer is what follows the front (no `<hr id=answer>`)
    front_html: Parts | None
    back_html: Parts
    starts_so: bool  # whether the back starts with the front, markers for values


class SideCache:
    """The skeletons of one package's note types, by note type, template and note shape
    (which fields are empty, which are equal): one reading of a package keeps one."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, int, tuple[object, ...]], Skeleton | None] = {}
        self._kept = 0  # characters the skeletons hold
        self._last: tuple[list[str] | None, tuple[object, ...] | None] = (None, None)

    def sides(self, note_type: NoteType, fields: list[str],
              template: Template) -> tuple[str, str] | None:
        """(front, back) as `package_notes.note_cards` converts them, or None when this
        note is to be converted in full (a field with markup, a long one, or values that
        could read otherwise than their markers)."""
        last, shape = self._last
        if last is not fields:  # a note's shape is found once for all its templates
            shape = _shape(fields[:len(note_type.fields)])
            self._last = fields, shape
        if shape is None:
            return None
        key = (id(note_type), template.ord, shape)
        skeleton = self._made.get(key, MISSING)
        if skeleton is MISSING:
            if len(self._made) >= MAX_SHAPES or self._kept >= MAX_KEPT:
                return None
            skeleton = self._made[key] = _skeleton(note_type, template, shape)
            if skeleton is not None:
                self._kept += sum(len(part) for parts in (
                    skeleton.front, skeleton.back, skeleton.front_html or (), skeleton.back_html)
                    for part in parts if isinstance(part, str))
        if not isinstance(skeleton, Skeleton):
            return None
        if any(not IN_TAG.fullmatch(fields[index]) for index in skeleton.in_tags):
            return None
        if skeleton.anchors and not links_agree(skeleton.anchors, fields):
            return None  # a link whose text may be its target: written another way
        if skeleton.front_html is not None and filled(skeleton.back_html, fields).startswith(
                filled(skeleton.front_html, fields)) != skeleton.starts_so:
            return None
        return filled(skeleton.front, fields), filled(skeleton.back, fields)



def _shape(fields: list[str]) -> tuple[object, ...] | None:
    """Which fields are empty ("") and which equal (the first one's index), or None if a
    field is no short plain text: notes of one shape share their converted sides."""
    shape: list[object] = []
    first: dict[str, int] = {}
    for index, value in enumerate(fields):
        if not value:
            shape.append("")
        elif len(value) < REPEAT_CHARS and PLAIN.fullmatch(value) and value.isprintable():
            shape.append(first.setdefault(value, index))
        else:
            return None  # a shape of its own: no use keeping it
    return tuple(shape)


def _skeleton(note_type: NoteType, template: Template,
              shape: tuple[object, ...]) -> Skeleton | None:
    """The template's sides for notes of this shape, or None where a marker could be read
    otherwise than its value."""
    values = {name: f"{MARK}{part}{MARK}" if isinstance(part, int) else ""
              for name, part in zip(note_type.fields, shape, strict=False)}
    if MARK in template.front or MARK in template.back:
        return None
    front_raw = render(template.front, values, "front")
    front = without_hidden(front_raw, note_type.hidden)
    back_raw, back_shown, back, placed = placed_back(template.back, values, front,
                                                     note_type.hidden)
    texts = (front_raw, front, back_raw, back_shown, back)
    if MARK not in "".join(texts):
        return None  # nothing of the note's own: converted per note as before (cached)
    if any(len(text) > MAX_SIDE for text in texts):
        return None
    in_tags: set[int] = set()
    for text in texts:
        found = unsafe(text)
        if found is None:
            return None
        in_tags |= found
    anchors = links((front, back))
    if anchors is None:
        return None
    # a back cut where {{FrontSide}} stands is cut so for any values: nothing to compare
    compared = not ANSWER_RULE.search(back_shown) and not placed and bool(front)
    return Skeleton(parts_of(to_markdown(front)), parts_of(to_markdown(back)),
                    tuple(sorted(in_tags)), anchors,
                    parts_of(front) if compared else None, parts_of(back_shown),
                    back_shown.startswith(front))
