"""What a reader makes of module text: headings, paragraphs and bullet lists, with lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Item:
    """One bullet. `term` and `description` are set when the item is `term — description`."""

    text: str
    line: int
    term: str = ""
    description: str = ""


@dataclass
class Block:
    """A heading, a paragraph or a bullet list."""

    kind: str  # "heading", "paragraph" or "bullets"
    text: str
    line: int
    items: list[Item] = field(default_factory=list)


@dataclass
class Warning_:
    """Something the compiler was unsure about, with the source line."""

    line: int
    message: str

    def describe(self, path: str) -> str:
        """`path:line: message`."""
        return f"{path}:{self.line}: {self.message}"


@dataclass
class Document:
    """A module's content and metadata, whatever format it came from."""

    title: str = ""
    phase: int | None = None
    phase_title: str = ""
    slug: str = ""
    order: int | None = None
    blocks: list[Block] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    next_module: str = ""
    warnings: list[Warning_] = field(default_factory=list)


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])")


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (a full stop, ! or ? followed by a capital)."""
    return [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]


def slugify(text: str, words: int = 6) -> str:
    """`Product Management vs Project Management` -> `product-management-vs-project-management`."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", plain.lower())
    return "-".join(parts[:words]) or "item"


def sentence_case(text: str) -> str:
    """`Product Management` -> `Product management`; acronyms such as UX stay as they are."""
    words = text.split()
    out = words[:1]
    for word in words[1:]:
        out.append(word.lower() if word[:1].isupper() and word[1:].islower() else word)
    return " ".join(out)
