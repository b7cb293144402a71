"""A note type's rendered sides converted once, not once per note: most real packages are
vocabulary notes whose fields are short plain text (a word, its reading, its meaning) shown
through templates full of markup (divs, links to dictionaries, an SVG grid). Such a field
is put into the template as a marker, the side is converted to Markdown once for every
note of that shape, and each note's values replace the markers in the Markdown.

That gives the same text as converting the note's own side only where nothing in the
conversion can read a value differently from its marker; `_unsafe` lists those places (a
value inside a tag other than as a quoted attribute, after an `&` or a `[`, in a style or
class), and a note whose values could change a comparison the conversion makes (a link's
text against its target, the back's start against the front) is converted in full.
`tests/test_template_sides.py` checks both ways give the same cards, on every sample
package and on generated templates and values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import cycle

from pmquiz.interop.html import to_markdown, without_hidden
from pmquiz.interop.html_scan import ATTRIBUTE, TOKEN
from pmquiz.interop.templates import (
    ANSWER_RULE,
    REPEAT_CHARS,
    NoteType,
    Template,
    answer_part,
    render,
)

MARK = "\ua66e"  # a letter no template or field of ours holds (a field with it is not plain)
MARKER = re.compile(MARK + r"(\d+)" + MARK)
# A value shown as its marker: one line of printable text, single spaces inside, nothing
# that starts a tag, an entity or a `[sound:…]`.
PLAIN = re.compile(r"[^\s<>&\[\]" + MARK + r"]+(?: [^\s<>&\[\]" + MARK + r"]+)*")
# A value inside a quoted attribute (a dictionary link's `?q={{Word}}`): what a URL needs
# no escaping for, and no ":" (an attribute starting "javascript:" is dropped)
IN_TAG = re.compile(r"[\w.~%+,-]+")
# a marker right after an entity's start, a "[" (a `[sound:` made across the join) or a
# tag's start
JOINED = re.compile(r"&[#\w]*" + MARK + r"|\[[^\[\]]*" + MARK + r"|</?[\w-]*" + MARK)
ANCHOR = re.compile(r"<a\b([^<>]*)>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
ANCHOR_OPEN = re.compile(r"<a\b", re.IGNORECASE)
TAGS = re.compile(r"<[^<>]*>")
LOOSE = re.compile(r"[\s*~`]+")
MAX_SIDE = 50_000  # a longer side is converted per note (far under html.MARKUP_LIMIT)
MAX_SHAPES = 4096  # note shapes kept for one package


Parts = tuple[str | int, ...]  # a text as its pieces: literal text, or a field's index


@dataclass(frozen=True)
class Skeleton:
    """A template's two sides for one shape of note, as Markdown with markers, and what a
    note of that shape must satisfy for its values to be put in."""

    front: Parts
    back: Parts
    in_tags: tuple[int, ...]  # fields whose marker stands in an attribute
    anchors: tuple[tuple[Parts, Parts], ...]  # (target, text) of links a value may make equal
    front_html: Parts  # the sides as HTML, when the back's start is compared with the front
    back_html: Parts
    starts_so: bool  # whether the back starts with the front, markers for values


class SideCache:
    """The skeletons of one package's note types, by note type, template and note shape
    (which fields are empty, which are equal): one reading of a package keeps one."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, int, tuple[object, ...]], Skeleton | None] = {}
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
            if len(self._made) >= MAX_SHAPES:
                return None
            skeleton = self._made[key] = _skeleton(note_type, template, shape)
        if not isinstance(skeleton, Skeleton):
            return None
        if any(not IN_TAG.fullmatch(fields[index]) for index in skeleton.in_tags):
            return None
        for target, text in skeleton.anchors:
            if _loose(_filled(target, fields)) == _loose(_filled(text, fields)):
                return None  # a link whose text may be its target: written another way
        if skeleton.front_html != ('',) and _filled(skeleton.back_html, fields).startswith(
                _filled(skeleton.front_html, fields)) != skeleton.starts_so:
            return None
        return _filled(skeleton.front, fields), _filled(skeleton.back, fields)


MISSING = object()


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


def _split(text: str) -> Parts:
    return tuple(int(piece) if odd else piece
                 for odd, piece in zip(cycle((False, True)), MARKER.split(text)))


def _filled(parts: Parts, fields: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]  # type: ignore[return-value]
    return "".join([fields[part] if isinstance(part, int) else part for part in parts])


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
    back_raw = render(template.back, values, "back", front)
    back_shown = without_hidden(back_raw, note_type.hidden)
    back = answer_part(back_shown, front)
    texts = (front_raw, front, back_raw, back_shown, back)
    if MARK not in "".join(texts):
        return None  # nothing of the note's own: converted per note as before (cached)
    if any(len(text) > MAX_SIDE for text in texts):
        return None
    in_tags: set[int] = set()
    for text in texts:
        found = _unsafe(text)
        if found is None:
            return None
        in_tags |= found
    anchors = []
    for text in (front, back):
        if len(ANCHOR.findall(text)) != len(ANCHOR_OPEN.findall(text)):
            return None  # a link left open or nested: not read here
        for attributes, inner in ANCHOR.findall(text):
            targets = [value for name, value in ATTRIBUTE.findall(attributes)
                       if name.lower() == "href"]
            if not targets or (MARK not in targets[-1] and MARK not in inner):
                continue  # no target (its text is shown as it is), or nothing of a note's
            if "<img" in inner.lower() or "[sound:" in inner:
                return None
            target, words = targets[-1].strip("\"'"), TAGS.sub("", inner)
            if _loose(target) == _loose(words):
                return None
            if MARK not in words and len(_loose(MARKER.sub("", target))) > len(_loose(words)):
                continue  # its target is longer than its text whatever the values
            anchors.append((_split(target), _split(words)))
    compared = not ANSWER_RULE.search(back_shown) and bool(front)
    return Skeleton(_split(to_markdown(front)), _split(to_markdown(back)),
                    tuple(sorted(in_tags)), tuple(anchors),
                    _split(front) if compared else ("",), _split(back_shown),
                    back_shown.startswith(front))


def _loose(text: str) -> str:
    """A link's text or target without what Markdown and HTML may add or drop (emphasis,
    spaces, entities): two that differ here differ as the converter compares them."""
    import html

    return LOOSE.sub("", html.unescape(text))


def _unsafe(text: str) -> set[int] | None:
    """The fields whose markers stand in attributes, or None if a marker stands where the
    conversion could read its value otherwise: after an entity's start, a `[` or a `<`, in
    a comment or declaration, in a tag other than inside a quoted attribute value, in a
    tag with a style or a class (which can hide its element)."""
    if MARK not in text:
        return set()
    if JOINED.search(text):
        return None
    in_tags: set[int] = set()
    seen = 0
    # `TOKEN.split`: text, then a tag's slash, name and attributes (None for a comment,
    # CDATA or declaration, whose text it drops), then text
    for index, piece in enumerate(TOKEN.split(text)):
        if not piece or MARK not in piece:
            continue
        seen += piece.count(MARK)
        if index % 4 == 0:
            continue  # text: a value holds no "<" or ">", so every tag ends where it did
        lowered = piece.lower()
        if "style" in lowered or "class" in lowered:
            return None
        left = piece
        for match in reversed([m for m in ATTRIBUTE.finditer(piece)
                               if m.group(2)[:1] in ("'", '"')]):
            in_tags.update(int(n) for n in MARKER.findall(match.group(2)))
            left = left[:match.start(2)] + left[match.end(2):]
        if MARK in left:
            return None
    if seen != text.count(MARK):
        return None  # a marker inside a comment, CDATA or declaration
    return in_tags
