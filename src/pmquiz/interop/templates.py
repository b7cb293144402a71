"""Anki card templates: a note type's templates rendered from a note's fields, so that any
note type gives the cards Anki would show (a vocabulary note with a forward and a reverse
template gives two cards; a field used by no template never becomes a question).

Supported, as Anki's template syntax defines them: `{{Field}}`, `{{FrontSide}}`,
`{{#Field}}…{{/Field}}` (shown when the field is not empty), `{{^Field}}…{{/Field}}` (shown
when it is), and filters before the field name, chained right to left: `text:` (HTML
dropped), `hint:` (the field, as the hint it reveals), `type:` (the answer box: nothing on
the front, the field on the back), `cloze:` (handled by the cloze reader), and any other
filter (`furigana:`, `kana:`, `tts en_US:`…) read as the plain field.

A side shows a long field value once, also when a second field holds its text in other
markup: note types built as carousels (Lapis shows a "primary definition" and the
"glossaries" one at a time, by script, and Yomitan fills both with the same glossary,
sometimes with a `<tbody>` more) would otherwise print the same 12 KB twice on one card.
Short values (under `REPEAT_CHARS` characters of text) may repeat: a word and its reading
can be equal.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pmquiz.interop.html import PLAIN_TAG, has_text, text_once, to_text, without_hidden
from pmquiz.interop.tex_macros import without_definitions

TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
ANSWER_RULE = re.compile(r"<hr[^>]*\bid\s*=\s*[\"']?answer[\"']?[^>]*>", re.IGNORECASE)
LEADING_RULES = re.compile(r"^(?:\s|<br\s*/?>|<hr[^>]*>)+", re.IGNORECASE)
# stands for {{FrontSide}} while a back is rendered, to see what of the back comes before it
FRONT_MARK = "\ue000"
OPENING_MARKUP = re.compile(r"(?:\s|<[^<>]*>)*")  # whole tags and spaces: nothing shown
# what closes the element that wrapped the front, and layout between it and the answer
CLOSING_MARKUP = re.compile(r"(?:\s|</[^<>]*>|<br\s*/?>|<hr[^>]*>|<p>\s*</p>)*", re.IGNORECASE)
MAX_DEPTH = 20  # nested sections; deeper is a malformed template
REPEAT_CHARS = 40  # of a field's text: a longer value already on this side is not repeated


@dataclass(frozen=True)
class Template:
    """One card template of a note type: its order, name, front and back formats."""

    ord: int
    name: str
    front: str
    back: str
    # front and back as the note type has them (`front` and `back` are what cards show)
    written: tuple[str, str] = field(default=("", ""), init=False)

    def __post_init__(self) -> None:
        # a preamble of TeX macro definitions shows nothing: taken out once here, not from
        # each card's side (a mathematics note type repeats ~800 characters of them); the
        # note type goes back to Anki as it was written
        object.__setattr__(self, "written", (self.front, self.back))
        object.__setattr__(self, "front", without_definitions(self.front))
        object.__setattr__(self, "back", without_definitions(self.back))


@dataclass
class NoteType:
    """A note type: its field names, whether it is a cloze type, its templates."""

    name: str
    cloze: bool
    fields: list[str]
    templates: list[Template] = field(default_factory=list)
    hidden: frozenset[str] = frozenset()  # class names the note type's CSS hides

    def cloze_field(self) -> int | None:
        """The index of the field a cloze template shows (`{{cloze:Text}}`)."""
        for template in self.templates:
            found = re.search(r"\{\{[^}]*cloze:([^}]+)\}\}", template.front)
            if found and found.group(1).strip() in self.fields:
                return self.fields.index(found.group(1).strip())
        return None

    def unshown_fields(self) -> list[str]:
        """Fields no template shows (a "Plural" or "Example" of a vocabulary note whose
        templates only show two): kept with the card as its explanation."""
        shown = {name for t in self.templates for name in _names(t.front) + _names(t.back)}
        return [name for name in self.fields if name not in shown]

    def back_fields(self) -> list[int]:
        """Fields the back of a template shows besides the front's (a cloze's extra)."""
        front = {name for t in self.templates for name in _names(t.front)}
        return [self.fields.index(name) for t in self.templates for name in _names(t.back)
                if name in self.fields and name not in front and name != "FrontSide"]


@lru_cache(maxsize=256)
def _names(fmt: str) -> tuple[str, ...]:
    """The field names a template's tags use: once per template, not once per note."""
    return tuple(tag.strip().lstrip("#^/").split(":")[-1].strip() for tag in TAG.findall(fmt))


SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=256)
def _parts(fmt: str) -> list[str]:
    """A template split into text and tags, scripts and style sheets left out (a card never
    shows them, and a note type's back template can be 13 KB of JavaScript): once per
    template, not once per note."""
    return TAG.split(SCRIPTS.sub("", fmt))


def render(fmt: str, values: dict[str, str], side: str = "front",
           front_side: str = "") -> str:
    """A template filled in from a note's field values (HTML in, HTML out)."""
    parts = _parts(fmt)
    # parts alternate: text, tag, text, tag, …
    out, _ = _render(parts, 0, values, side, front_side, None, 0, set())
    return out


def _render(parts: list[str], start: int, values: dict[str, str], side: str,
            front_side: str, closing: str | None, depth: int, shown: set[str]
            ) -> tuple[str, int]:
    """Render from `parts[start]` until the `{{/closing}}` tag; returns (text, next index)."""
    out: list[str] = []
    index = start
    while index < len(parts):
        if index % 2 == 0:
            out.append(parts[index])
            index += 1
            continue
        tag = parts[index].strip()
        index += 1
        if tag.startswith("/"):
            if closing is not None and tag[1:].strip() == closing:
                return "".join(out), index
            continue  # a stray closing tag: Anki shows nothing for it
        if tag[:1] in ("#", "^") and depth < MAX_DEPTH:
            name = tag[1:].strip()
            before = set(shown)
            inner, index = _render(parts, index, values, side, front_side, name, depth + 1,
                                   shown)
            filled = has_text(values.get(name, ""))
            if filled == (tag[0] == "#"):
                out.append(inner)
            else:  # what the section would have shown is not on the side
                shown.intersection_update(before)
            continue
        value = _field(tag, values, side, front_side)
        if (value in shown or _twin_shown(value, shown)) and _long(value):
            continue
        if len(value) >= REPEAT_CHARS:  # its text can be no longer than it
            shown.add(value)
        out.append(value)
    return "".join(out), index


# how much longer or shorter the same text's markup may be: a tenth, at least 64 characters
TWIN_SLACK, TWIN_CHARS = 0.1, 64


def _twin_shown(value: str, shown: set[str]) -> bool:
    """Whether a value already on this side has the same text in other markup (Yomitan
    fills Lapis's two glossary panels with one glossary, one table with `<tbody>`, one
    without): only values of about the same length are compared."""
    if len(value) < REPEAT_CHARS or not shown or not _bare(value):
        return False  # short, or no text to compare (two pictures are not one)
    slack = max(TWIN_CHARS, len(value) * TWIN_SLACK)
    return any(abs(len(other) - len(value)) <= slack and _bare(other) == _bare(value)
               for other in shown)


@lru_cache(maxsize=64)
def _bare(value: str) -> str:
    """A value's words with every tag read as a space and entities decoded: equal for the
    same text in other markup (`&nbsp;` in one, U+00A0 in the other)."""
    text = PLAIN_TAG.sub(" ", value)
    return " ".join((html.unescape(text) if "&" in text else text).split())


HEAD_CHARS = 2_000  # of a long value, read first to tell that its text is long
ENTITY_CHARS = 32  # the most a cut entity ("&CounterClockwiseContourIntegral") adds


def _long(value: str) -> bool:
    """`len(to_text(value)) >= REPEAT_CHARS`, its first `HEAD_CHARS` read first (a 12 KB
    glossary repeated on a side was converted whole for each note): the text of a head cut
    before a tag can be longer than the whole's only by an entity cut short."""
    if len(value) > HEAD_CHARS:
        head = value[:HEAD_CHARS]
        opened = head.rfind("<")
        if opened > head.rfind(">"):
            head = head[:opened]
        if len(text_once(head)) >= REPEAT_CHARS + ENTITY_CHARS:
            return True
    return len(to_text(value)) >= REPEAT_CHARS


def _field(tag: str, values: dict[str, str], side: str, front_side: str) -> str:
    """One `{{filter:…:Field}}` replacement."""
    *filters, name = [part.strip() for part in tag.split(":")]
    if name == "FrontSide" and not filters:
        return front_side if side == "back" else ""
    value = values.get(name, "")
    for spec in reversed(filters):
        kind = spec.split(" ", 1)[0].lower()
        if kind == "type":
            return "" if side == "front" else value
        if kind == "text":
            value = to_text(value)
        elif kind == "hint":
            value = f"(hint: {to_text(value)})" if to_text(value).strip() else ""
        # cloze:, furigana:, kana:, kanji:, tts…: the field as it is
    return value


TYPED = re.compile(r"\{\{type:(?:[^{}:]*:)?([^{}]+)\}\}")


def typed_field(front_format: str, values: dict[str, str]) -> str:
    """The field a front's answer box (`{{type:Field}}`) checks: the right answer Anki's
    back shows in the box's place, so the card's answer ("" when the front has no box)."""
    found = TYPED.search(front_format)
    return values.get(found.group(1).strip(), "") if found else ""


def placed_back(back_format: str, values: dict[str, str], front: str,
                hidden: frozenset[str]) -> tuple[str, str, str, bool]:
    """A back rendered, as (rendered, without its hidden elements, the answer part, whether
    the answer part was found by where `{{FrontSide}}` stands). Without Anki's answer rule,
    a back that opens with the front wrapped in markup only (`<div class=off>{{FrontSide}}
    </div>`: Anki shows the question dimmed above the answer) answers with what follows it;
    otherwise the answer is as `answer_part` finds it."""
    raw = render(back_format, values, "back", front)
    shown = without_hidden(raw, hidden)
    if "FrontSide" in back_format and front and not ANSWER_RULE.search(shown) and \
            not shown.startswith(front) and FRONT_MARK not in front and \
            not any(FRONT_MARK in value for value in values.values()):
        # rendered once more with a mark for the front, to see what stands before it
        marked = without_hidden(render(back_format, values, "back", FRONT_MARK), hidden)
        opening = OPENING_MARKUP.match(marked)
        start = opening.end() if opening else 0
        if marked.startswith(FRONT_MARK, start) and shown[:start] == marked[:start] and \
                shown.startswith(front, start):
            rest = shown[start + len(front):]
            closing = CLOSING_MARKUP.match(rest)
            return raw, shown, rest[closing.end() if closing else 0:], True
    return raw, shown, answer_part(shown, front), False


def answer_part(back: str, front: str) -> str:
    """What the back adds to the front: the part after Anki's `<hr id=answer>` rule, or the
    back with the front's text taken off its start."""
    found = ANSWER_RULE.search(back)
    if found:  # a second rule or line breaks after it are layout too
        return LEADING_RULES.sub("", back[found.end():])
    if front and back.startswith(front):
        # a plain <hr> or line breaks between the two are layout, not answer
        return LEADING_RULES.sub("", back[len(front):])
    return back


def parse_template_config(blob: bytes) -> tuple[str, str]:
    """(front format, back format) from a newer collection's template `config`: a protobuf
    message whose fields 1 and 2 are the two formats (read with the wire format, so no
    protobuf library is needed)."""
    found: dict[int, str] = {}
    index = 0
    while index < len(blob):
        key, index = _varint(blob, index)
        number, wire = key >> 3, key & 7
        if wire == 2:
            size, index = _varint(blob, index)
            if number in (1, 2):
                found[number] = blob[index:index + size].decode("utf-8", "replace")
            index += size
        elif wire == 0:
            _, index = _varint(blob, index)
        elif wire == 1:
            index += 8
        elif wire == 5:
            index += 4
        else:
            break  # a group or garbage: stop, keeping what was read
    return found.get(1, ""), found.get(2, "")


def _varint(blob: bytes, index: int) -> tuple[int, int]:
    value, shift = 0, 0
    while index < len(blob):
        byte = blob[index]
        index += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, index
        shift += 7
        if shift > 63:
            break
    return value, len(blob)
