"""HTML converted once for every text of the same shape: a package's fields and rendered
sides repeat one structure thousands of times (a list of two items and a link; a template's
divs around a word) with other words in it. Each plain word run is put in as a marker, the
marked HTML is converted to Markdown once, and each text's own words replace the markers
in the Markdown.

That gives the text converting it whole gives only where the conversion cannot read a
value otherwise than its marker: `unsafe` finds the places where it could (after an
entity's start, a `[` or a `<`, inside a comment, in a tag other than as a quoted
attribute, in a tag with a style or class when hidden elements are taken out), and
`links_agree` the comparison a value can change (a link whose text is its target is written
`<url>`). A value is one line of printable text without `<`, `>`, `&`, `[`, `]`, with
single spaces inside and none at its ends. `tests/test_template_sides.py` and
`tests/test_markdown_shapes.py` check both ways agree."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import cycle

from pmquiz.interop.html_scan import ATTRIBUTE, TOKEN

MARK = "\ua66e"  # a letter no text here holds (a text with it is not plain)
MARKER = re.compile(MARK + r"(\d+)" + MARK)
PLAIN = re.compile(r"[^\s<>&\[\]" + MARK + r"]+(?: [^\s<>&\[\]" + MARK + r"]+)*")
# a marker right after an entity's start, a "[" (a `[sound:` made across the join) or a
# tag's start
JOINED = re.compile(r"&[#\w]*" + MARK + r"|\[[^\[\]]*" + MARK + r"|</?[\w-]*" + MARK)
ANCHOR = re.compile(r"<a\b([^<>]*)>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
ANCHOR_OPEN = re.compile(r"<a\b", re.IGNORECASE)
TAGS = re.compile(r"<[^<>]*>")
LOOSE = re.compile(r"[\s*~`]+")

Parts = tuple[str | int, ...]  # a text as its pieces: literal text, or a value's index
Links = tuple[tuple[Parts, Parts], ...]  # (target, text) of links a value may make equal


def parts_of(text: str) -> Parts:
    """A marked text as literal pieces and value indexes."""
    return tuple(int(piece) if odd else piece
                 for odd, piece in zip(cycle((False, True)), MARKER.split(text)))


def filled(parts: Parts, values: Sequence[str]) -> str:
    """The text with each marker's value put in."""
    if len(parts) == 1:
        return parts[0]  # type: ignore[return-value]
    return "".join([values[part] if isinstance(part, int) else part for part in parts])


def loose(text: str) -> str:
    """A link's text or target without what Markdown and HTML may add or drop (emphasis,
    spaces, entities): two that differ here differ as the converter compares them."""
    import html

    return LOOSE.sub("", html.unescape(text))


def unsafe(text: str, hiding: bool = True) -> set[int] | None:
    """The values whose markers stand in attributes, or None if a marker stands where the
    conversion could read its value otherwise: after an entity's start, a `[` or a `<`, in
    a comment or declaration, in a tag other than inside a quoted attribute value, or (with
    `hiding`: elements a style or a class hides are taken out) in a tag with a style or a
    class."""
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
        if hiding and ("style" in lowered or "class" in lowered):
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


def links(texts: Sequence[str]) -> Links | None:
    """The links of these marked texts whose target or text holds a marker (a value may
    make one equal the other), or None where that cannot be told from the HTML."""
    found = []
    for text in texts:
        if len(ANCHOR.findall(text)) != len(ANCHOR_OPEN.findall(text)):
            return None  # a link left open or nested: not read here
        for attributes, inner in ANCHOR.findall(text):
            targets = [value for name, value in ATTRIBUTE.findall(attributes)
                       if name.lower() == "href"]
            if not targets or (MARK not in targets[-1] and MARK not in inner):
                continue  # no target (its text is shown as it is), or no value in it
            if "<img" in inner.lower() or "[sound:" in inner:
                return None
            target, words = targets[-1].strip("\"'"), TAGS.sub("", inner)
            if loose(target) == loose(words):
                return None
            if MARK not in words and len(loose(MARKER.sub("", target))) > len(loose(words)):
                continue  # its target is longer than its text whatever the values
            found.append((parts_of(target), parts_of(words)))
    return tuple(found)


def links_agree(found: Links, values: Sequence[str]) -> bool:
    """Whether with these values no link's text becomes its target (as with the markers)."""
    return all(loose(filled(target, values)) != loose(filled(text, values))
               for target, text in found)


# What stands as a marker in a field: a text run's words (between tags, its spaces at either
# end kept as they are), and a link's or an image's address with no space or parenthesis (a
# target with one is written between angle brackets), no quote, nothing to unescape. One
# pattern, so that the values come in the order of their markers.
VALUE = re.compile(r"(^|>)(\s*)([^<>\s](?:[^<>]*[^<>\s])?)(?=\s*(?:<|$))"
                   r"|(\b(?:href|src)\s*=\s*)([\"'])([^\s\"'<>&()\[\]]+)(?=[\"'])", re.IGNORECASE)
SLOT = MARK + MARK  # a value's place in a shape (numbered only when the shape is converted)
# shapes whose Markdown is kept (the oldest dropped first), each of a text of at most
# `MAX_FRAGMENT` characters (a longer one rarely shares its shape): at most some 16 MB
SHAPES = 1024
MAX_FRAGMENT = 4_000
_shapes: OrderedDict[str, tuple[Parts, Links] | None] = OrderedDict()
# Shapes made and shapes used again in this process: a shape made costs about two
# conversions, one used again saves about half of one, so where shapes are seldom shared
# (each card's own markup) they are only tried now and then.
_made, _reused, _calls = 0, 0, 0


def shaped_markdown(fragment: str, convert: Callable[[str], str]) -> str | None:
    """`convert(fragment)` made from the Markdown of the fragment's shape (`convert` called
    once per shape), or None when the fragment has a text run that is not plain, or no run
    at all, or shapes are seldom shared here: it is then converted whole."""
    global _made, _reused, _calls  # noqa: PLW0603 (one tally for the one process)
    if len(fragment) > MAX_FRAGMENT or "&" in fragment or "[" in fragment or \
            "<!" in fragment or MARK in fragment:
        return None  # an entity, a sound, a comment: converted whole (found at once here;
        # the steps below would refuse them too, one by one)
    _calls += 1
    if _made >= 32 and _reused < 4 * _made and _calls % 16:
        return None
    values: list[str] = []

    def slot(match: re.Match[str]) -> str:
        core = match.group(3)
        if core is not None:
            if not PLAIN.fullmatch(core) or not core.isprintable():
                raise _NotPlain
            values.append(core)
            return f"{match.group(1)}{match.group(2)}{SLOT}"
        address = match.group(6)
        if address.lower().startswith(("javascript:", "data:")) or not address.isprintable():
            return match.group(0)
        values.append(address)
        return f"{match.group(4)}{match.group(5)}{SLOT}"

    try:
        shape = VALUE.sub(slot, fragment)
    except _NotPlain:
        return None
    if not values:
        return None
    known = _shapes.get(shape, MISSING)
    if known is MISSING:
        _made += 1
        known = _shape_markdown(shape, convert)
        if len(_shapes) >= SHAPES:
            _shapes.popitem(last=False)
        _shapes[shape] = known
    else:
        _reused += 1
    if not isinstance(known, tuple):
        return None
    markdown, found = known
    if found and not links_agree(found, values):
        return None
    return filled(markdown, values)


class _NotPlain(Exception):
    """A text run that cannot stand as a marker."""


MISSING = object()  # a cache's "not looked at yet" (None is a kept answer: "convert whole")


def _shape_markdown(shape: str, convert: Callable[[str], str]) -> tuple[Parts, Links] | None:
    numbers = iter(range(len(shape)))
    marked = re.sub(SLOT, lambda _: f"{MARK}{next(numbers)}{MARK}", shape)
    if len(marked) > MAX_FRAGMENT or unsafe(marked, hiding=False) is None:
        return None
    found = links([marked])
    if found is None:
        return None
    return parts_of(convert(marked)), found
