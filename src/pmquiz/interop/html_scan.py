"""A linear scan of HTML into text and tags: the one reader every HTML step here shares."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def attributes_of(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'"))
            for name, value in ATTRIBUTE.findall(text)}


# One pattern for every piece that is not text: a comment, CDATA or declaration (to the end
# of the fragment when unclosed, as a browser reads them) or a tag, whose attributes never
# run past the next "<". Every alternative starts with "<", so the engine skips text fast.
TOKEN = re.compile(r"<!--.*?-->|<!--.*|<!\[CDATA\[.*?\]\]>|<!\[CDATA\[.*|<[!?][^>]*>|<[!?].*"
                   r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>", re.DOTALL)


def scan(fragment: str) -> Iterator[tuple[str, str, bool, str]]:
    """The pieces of an HTML fragment, in order: ("text", decoded text, False, ""), or
    ("tag", name, closing, attributes). Comments, CDATA and declarations are skipped, and
    text inside script and style is dropped; a "<" that starts no tag is text. Linear in
    the input (Python's HTMLParser takes minutes on some malformed fields and asserts on
    others): each alternative of `TOKEN` reads ahead at most to the fragment's end once."""
    skip = 0
    last = 0
    unescape = html.unescape
    for match in TOKEN.finditer(fragment):
        start = match.start()
        if start > last and not skip:
            yield "text", unescape(fragment[last:start]), False, ""
        last = match.end()
        name = match.group(2)
        if name is None:
            continue  # a comment, CDATA or a declaration
        tag, closing = name.lower(), match.group(1) == "/"
        if tag in ("script", "style"):
            skip = max(0, skip - 1) if closing else skip + 1
        elif not skip:
            yield "tag", tag, closing, match.group(3)
    if last < len(fragment) and not skip:
        yield "text", unescape(fragment[last:]), False, ""
