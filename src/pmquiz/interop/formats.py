"""The formats `pmquiz import` reads, in the order a file is tried as them: each names its
reader module (imported only when used), how a file is recognised, and what is read.

A file is tried as every format its first bytes, its name or its text point to; the first
that gives cards wins. A file that gives none is refused in one line naming every format it
was tried as, with each reader's reason."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pmquiz.errors import ImportFormatError
from pmquiz.interop.records import ReadNotes


@dataclass(frozen=True)
class Format:
    """One importable format."""

    name: str
    label: str
    module: str  # pmquiz.interop.<module>
    reader: str  # its function: (path, deck slug, text) -> ReadNotes
    suffixes: tuple[str, ...] = ()
    sniff: str = ""  # the module's function telling the format from the file's text

    def recognises(self, text: str) -> bool:
        if not self.sniff:
            return False
        found: Callable[[str], bool] = getattr(importlib.import_module(
            f"pmquiz.interop.{self.module}"), self.sniff)
        return found(text)

    def read(self, path: Path, slug: str, text: str, **options: object) -> ReadNotes:
        reader = getattr(importlib.import_module(f"pmquiz.interop.{self.module}"),
                         self.reader)
        return reader(path, slug, text, **options)  # type: ignore[no-any-return]


APKG = Format("apkg", "an Anki package", "apkg", "read_package", (".apkg", ".colpkg"))
# Text formats, most specific first: a file is tried as each one whose marks it holds.
TEXT_FORMATS = (
    Format("crowdanki", "a CrowdAnki deck (deck.json)", "crowdanki", "read_crowdanki",
           (".json",), "looks_like"),
    Format("org-drill", "org-drill items", "org_drill", "read_org_drill", (".org",),
           "looks_like"),
    Format("mkdocs-quiz", "mkdocs-quiz <quiz> blocks", "mkdocs_quiz", "read_mkdocs_quiz",
           (), "looks_like"),
    Format("hashcards", "a hashcards deck", "hashcards", "read_hashcards", (), "looks_like"),
    Format("logseq", "Logseq #card blocks", "logseq", "read_logseq", (), "looks_like"),
    Format("checkbox-quiz", "a Markdown checkbox quiz", "checkbox_quiz", "read_checkbox_quiz",
           (), "looks_like"),
    Format("markdown", "Markdown flashcards (Q/A, quiz blocks, Obsidian SR)", "markdown_qa",
           "read_qa", (".md", ".markdown")),
    Format("text", "an Anki text export", "anki_text", "read_text_export",
           (".txt", ".csv", ".tsv")),
)
ALL = (APKG, *TEXT_FORMATS)
NAMES = {f.name: f for f in ALL}
OPTIONS = {"markdown": ("sr",)}  # reader keyword arguments a format takes


def candidates(path: Path) -> tuple[list[Format], str]:
    """The formats to try, in order, and the file's text (empty for packages)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if path.name.lower().endswith(".page.txt"):  # its tables would read as an Anki export
        raise ImportFormatError(f"{path}: a course page, not flashcards: `pmquiz compile "
                                f"{path}` turns it into a deck")
    if head.startswith(b"PK\x03\x04") or head == b"SQLi":
        return [APKG], ""  # a zip holding a collection, or a bare collection
    if suffix in APKG.suffixes:
        raise ImportFormatError(f"{path}: named {path.suffix} but not a zip file, so not an "
                                "Anki package")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFormatError(f"{path}: a binary file, not one pmquiz can import (it reads "
                                + ", ".join(f.label for f in ALL) + ")")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ImportFormatError(f"{path}:{line}: not UTF-8 text") from None
    text = text.replace("\r\n", "\n")
    chosen = [f for f in TEXT_FORMATS if suffix in f.suffixes or f.recognises(text)]
    if suffix == ".org" or re.search(r"^#\+(?:TITLE|STARTUP)", text, re.M | re.I):
        return [NAMES["org-drill"]], text  # Org text is never an Anki export
    if not any(f.name in ("markdown", "text") for f in chosen):
        chosen.append(NAMES["text"] if suffix in NAMES["text"].suffixes or "\t" in text
                      else NAMES["markdown"])
    return chosen, text
