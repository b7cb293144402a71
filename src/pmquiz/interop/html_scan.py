"""A linear scan of HTML into text and tags: the one reader every HTML step here shares."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def attributes_of(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'"))
            for name, value in ATTRIBUTE.findall(text)}


SPECIAL = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<!", ">"), ("<?", ">"))


def scan(fragment: str) -> Iterator[tuple[str, str, bool, str]]:
    """The pieces of an HTML fragment, in order: ("text", decoded text, False, ""), or
    ("tag", name, closing, attributes). Comments, CDATA and declarations are skipped, and
    text inside script and style is dropped. Linear in the input (Python's HTMLParser takes
    minutes on some malformed fields and asserts on others): each `<` is looked at once,
    and a tag's pattern cannot run past the next `<`."""
    skip = 0
    i, size = 0, len(fragment)
    while i < size:
        start = fragment.find("<", i)
        if start < 0:
            start = size
        if start > i and not skip:
            yield "text", html.unescape(fragment[i:start]), False, ""
        if start >= size:
            break
        special = fragment[start + 1:start + 2] in ("!", "?")  # most tags are not
        for opening, closing in SPECIAL if special else ():
            if fragment.startswith(opening, start):
                end = fragment.find(closing, start + len(opening))
                i = size if end < 0 else end + len(closing)
                break
        else:
            match = TAG.match(fragment, start)
            if match is None:
                if not skip:
                    yield "text", "<", False, ""
                i = start + 1
                continue
            closing_tag, tag = match.group(1) == "/", match.group(2).lower()
            i = match.end()
            if tag in ("script", "style"):
                skip = max(0, skip - 1) if closing_tag else skip + 1
            elif not skip:
                yield "tag", tag, closing_tag, match.group(3)
