"""HTML field text -> plain text, and plain text -> HTML for Anki fields."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

BLOCK = {"br", "div", "p", "li", "tr", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "img":
            values = dict(attrs)
            label = values.get("alt") or values.get("src") or "image"
            self.parts.append(f"[image: {label}]")
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, images named."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    """True when the text holds tags or entities."""
    return bool(re.search(r"</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;", text))


def to_html(text: str) -> str:
    """Plain text as an HTML field (escaped, new lines as <br>)."""
    return html.escape(text).replace("\n", "<br>")
