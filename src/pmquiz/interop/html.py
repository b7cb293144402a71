"""HTML field text -> plain text, and plain text -> HTML for Anki fields."""

from __future__ import annotations

import html
import re

BLOCK = {"br", "div", "p", "li", "tr", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}


TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value.strip("\"'"))
            for name, value in ATTRIBUTE.findall(text)}


def to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, images named.

    A small scanner, linear in the input (Python's HTMLParser takes minutes on some
    malformed fields and asserts on others): each `<` is looked at once, and a tag's
    pattern cannot run past the next `<`."""
    parts: list[str] = []
    skip = 0
    i, size = 0, len(fragment)
    while i < size:
        start = fragment.find("<", i)
        if start < 0:
            start = size
        if start > i and not skip:
            parts.append(html.unescape(fragment[i:start]))
        if start >= size:
            break
        for opening, closing in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<!", ">"),
                                 ("<?", ">")):
            if fragment.startswith(opening, start):
                end = fragment.find(closing, start + len(opening))
                i = size if end < 0 else end + len(closing)
                break
        else:
            match = TAG.match(fragment, start)
            if match is None:
                if not skip:
                    parts.append("<")
                i = start + 1
                continue
            closing_tag, tag = match.group(1) == "/", match.group(2).lower()
            if tag in ("script", "style"):
                skip = max(0, skip - 1) if closing_tag else skip + 1
            elif tag == "img" and not closing_tag and not skip:
                values = _attributes(match.group(3))
                parts.append(f"[image: {values.get('alt') or values.get('src') or 'image'}]")
            elif tag in BLOCK and not skip:
                parts.append("\n")
            i = match.end()
    text = "".join(parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    """True when the text holds tags or entities."""
    return bool(re.search(r"</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;", text))


def to_html(text: str) -> str:
    """Plain text as an HTML field (escaped, new lines as <br>)."""
    return html.escape(text).replace("\n", "<br>")
