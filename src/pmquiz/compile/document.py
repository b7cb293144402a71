"""What a reader makes of module text, whatever its format: one tree of sections (headings
with levels), paragraphs, lists (bulleted or numbered), tables, term lists (a "Key terms"
block, `<dl>`) and meta lines, each with its source line. Cards are made from these
structures (`extract.py`), so each structure is recognised once for page text, Markdown and
HTML; every block records whether it made a card, for the coverage report."""

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
    """One structure of the page.

    `kind` is "heading" (`level` 1-6; 0 in page text, which has no levels), "paragraph",
    "bullets" (a list: `items`, `ordered` for a numbered one), "table" (`rows` of cells, the
    first row the header), "terms" (a term list: `items` with `term` and `description`) or
    "meta" (an author, date or reading-time line: never content)."""

    kind: str
    text: str
    line: int
    items: list[Item] = field(default_factory=list)
    level: int = 0
    ordered: bool = False
    rows: list[list[str]] = field(default_factory=list)
    made: int = 0  # cards made from this block
    reason: str = ""  # why it made none, when a rule looked at it and said no


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


# A line about the page, not its subject: "6 min read · Updated March 2024", "By Dana
# Whitfield", "Last updated 12 February 2024", "Published on 3 May".
META_LINE = re.compile(
    r"^(?:(?:by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})|(?:\d+\s*(?:-\s*)?min(?:ute)?s?"
    r"(?:\s+read)?)|(?:(?:last\s+)?(?:updated|published|posted|reviewed|edited)\b[^.!?]{0,40})"
    r"|(?:reading time\b[^.!?]{0,20}))"
    r"(?:\s*[·•|,–—-]\s*(?:(?:by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})|"
    r"(?:\d+\s*(?:-\s*)?min(?:ute)?s?(?:\s+read)?)|(?:(?:last\s+)?(?:updated|published|"
    r"posted|reviewed|edited)\b[^.!?·|]{0,40})))*\.?$", re.IGNORECASE)
PHASE_LABEL = re.compile(r"^Phase\s+\d+$", re.IGNORECASE)


def is_meta_line(text: str) -> bool:
    """A byline, date or reading time: a fact about the page, never module content."""
    line = " ".join(text.split())
    return len(line) <= 90 and (META_LINE.match(line) is not None or
                                PHASE_LABEL.match(line) is not None)


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
