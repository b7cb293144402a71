"""Reader for Markdown module files: the format authors use for modules that have no page.

Front matter (optional) between `---` lines gives `title`, `phase`, `phase_title`, `slug`,
`order`. Headings (`#`), paragraphs, `-`/`*`/`1.` lists; list items written as
`**term** — description` or `**term**: description` carry a term.
"""

from __future__ import annotations

import re

from pmquiz.compile.document import Block, Document, Item, Warning_

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
TERM_ITEM = re.compile(r"^\*\*(.+?)\*\*\s*(?:[—–:-]|\s-\s)?\s*(.*)$")
FRONT = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")


def read_markdown(text: str) -> Document:
    """Turn Markdown into a Document."""
    doc = Document()
    lines = text.splitlines()
    index = _front_matter(lines, doc)
    paragraph: list[str] = []
    paragraph_line = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            doc.blocks.append(Block("paragraph", " ".join(paragraph), paragraph_line))
            paragraph = []

    in_list = False
    for i in range(index, len(lines)):
        raw = lines[i]
        line = raw.strip()
        heading = HEADING.match(line)
        item = LIST_ITEM.match(raw)
        if not line:
            flush()
            in_list = False
            continue
        if heading:
            flush()
            in_list = False
            level, title = len(heading.group(1)), _plain(heading.group(2))
            if level == 1 and not doc.title:
                doc.title = title
            else:
                doc.blocks.append(Block("heading", title, i + 1))
            continue
        if item:
            flush()
            if not in_list or not doc.blocks or doc.blocks[-1].kind != "bullets":
                doc.blocks.append(Block("bullets", "", i + 1))
            in_list = True
            if item.group(1).strip():
                doc.blocks[-1].items.append(_item(item.group(1).strip(), i + 1))
            continue
        if in_list and raw[:1].isspace() and doc.blocks and doc.blocks[-1].items:
            last = doc.blocks[-1].items[-1]  # a wrapped list item continues
            extra = _plain(line)
            last.text += " " + extra
            if last.term:
                last.description = (last.description + " " + extra).strip()
            continue
        if not paragraph:
            paragraph_line = i + 1
        paragraph.append(_plain(line))
        in_list = False
    flush()
    if not doc.title:
        doc.warnings.append(Warning_(1, "no `# Title` heading: using the file name as title"))
    return doc


def _front_matter(lines: list[str], doc: Document) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for i in range(1, min(len(lines), 40)):
        line = lines[i].strip()
        if line == "---":
            return i + 1
        match = FRONT.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip().strip('"')
        if key == "title":
            doc.title = value
        elif key == "phase" and value.isdigit():
            doc.phase = int(value)
        elif key == "phase_title":
            doc.phase_title = value
        elif key == "slug":
            doc.slug = value
        elif key == "order" and value.isdigit():
            doc.order = int(value)
        elif key == "next_module":
            doc.next_module = value
    return 0


def _item(text: str, line: int) -> Item:
    match = TERM_ITEM.match(text)
    if match and match.group(2):
        term, description = _plain(match.group(1)), _plain(match.group(2))
        description = description[:1].upper() + description[1:]
        return Item(f"{term} — {description}", line, term=term.rstrip(":"),
                    description=description)
    return Item(_plain(text), line)


def _plain(text: str) -> str:
    """Drop emphasis and links, keep the words."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])", r"\2", text)
    return text.replace("`", "").strip()
