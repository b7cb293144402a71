"""Reader for course page text as a browser copies it (see shared/course/*/ *.page.txt).

The page is plain text: a breadcrumb (`Home / Phase-0 / Title`), a `Phase N` line, the title,
a progress widget (`Phase progress0 / 2 completed`), then headings, paragraphs and `•` bullets,
then navigation (`Resources`, entries ending in `Open Resource`, `Done with this module?`,
`Back to Phase N`, `Next module:` + title, `Next Module`). Navigation and widgets are metadata,
never content.
"""

from __future__ import annotations

import re

from pmquiz.compile.document import Block, Document, Item, Warning_

BREADCRUMB = re.compile(r"^Home\s*/\s*Phase[- ](\d+)\s*/\s*(.+)$", re.IGNORECASE)
PHASE_LINE = re.compile(r"^Phase\s+(\d+)(?:\s*[:·—-]\s*(.+))?$", re.IGNORECASE)
PROGRESS = re.compile(r"^Phase progress\s*\d+\s*/\s*\d+\s*completed\s*$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[•●▪◦·]\s*(.*)$")
NAV_START = re.compile(r"^(Resources|Done with this module\?)$", re.IGNORECASE)
NAV_LINES = re.compile(r"^(Open Resource|Done with this module\?|Back to Phase \d+|"
                       r"Next module:?|Next Module|Previous module:?|Mark as complete)$",
                       re.IGNORECASE)
MAX_HEADING_WORDS = 12


def looks_like_page(text: str) -> bool:
    """The site's page format has a breadcrumb or a progress widget near the top."""
    head = [line.strip() for line in text.splitlines()[:8]]
    return any(BREADCRUMB.match(line) or PROGRESS.match(line) for line in head)


def read_page(text: str) -> Document:
    """Turn page text into a Document: metadata apart, content as blocks."""
    doc = Document()
    lines = text.splitlines()
    content_end = _navigation_start(lines)
    _read_navigation(lines[content_end:], doc)
    index = 0
    # Header: breadcrumb, phase line, title, progress widget, in any order, before content.
    while index < content_end:
        line = lines[index].strip()
        crumb = BREADCRUMB.match(line)
        phase = PHASE_LINE.match(line)
        if not line:
            pass
        elif crumb:
            doc.phase = int(crumb.group(1))
            doc.title = crumb.group(2).strip()
        elif phase and index < 6:
            doc.phase = int(phase.group(1))
            doc.phase_title = (phase.group(2) or "").strip()
        elif PROGRESS.match(line) or (doc.title and line == doc.title):
            pass
        elif not doc.title and index < 6 and _is_heading(lines, index):
            doc.title = line
        else:
            break
        index += 1
    _read_body(lines, index, content_end, doc)
    return doc


def _navigation_start(lines: list[str]) -> int:
    for i in range(len(lines) - 1, -1, -1):
        if NAV_START.match(lines[i].strip()):
            # The earliest of a run of navigation starts (Resources comes before Done...).
            j = i
            for k in range(i - 1, -1, -1):
                if NAV_START.match(lines[k].strip()):
                    j = k
            return j
    return len(lines)


def _read_navigation(lines: list[str], doc: Document) -> None:
    stripped = [line.strip() for line in lines]
    for i, line in enumerate(stripped):
        if line.lower() == "open resource":
            start = i
            while start > 0 and stripped[start - 1].lower() != "open resource" and \
                    not NAV_START.match(stripped[start - 1]):
                start -= 1
            text = [s for s in stripped[start:i] if s and not NAV_LINES.match(s)]
            entry = ": ".join(text[-2:]) if len(text) >= 2 else "".join(text)
            if entry:
                doc.resources.append(entry)
        if re.match(r"^Next module:?$", line, re.IGNORECASE):
            following = [s for s in stripped[i + 1:] if s and not NAV_LINES.match(s)]
            if following:
                doc.next_module = following[0]


def _is_heading(lines: list[str], index: int) -> bool:
    """A short line without closing punctuation, standing alone between blank lines."""
    line = lines[index].strip()
    if not line or BULLET.match(lines[index]) or len(line) > 90:
        return False
    if line[-1] in ".,;:" or len(line.split()) > MAX_HEADING_WORDS:
        return False
    before = index == 0 or not lines[index - 1].strip()
    after = index + 1 >= len(lines) or not lines[index + 1].strip() or \
        BULLET.match(lines[index + 1]) is not None
    return before and after and (line[0].isupper() or line[0].isdigit())


def _read_body(lines: list[str], start: int, end: int, doc: Document) -> None:
    blocks = doc.blocks
    for index in range(start, end):
        raw = lines[index]
        line = raw.strip()
        if not line or PROGRESS.match(line):
            continue
        bullet = BULLET.match(raw)
        if bullet:
            text = bullet.group(1).strip()
            if not text:
                continue
            if not blocks or blocks[-1].kind != "bullets" or \
                    (index > 0 and not BULLET.match(lines[index - 1]) and lines[index - 1].strip()):
                blocks.append(Block("bullets", "", index + 1))
            blocks[-1].items.append(Item(text, index + 1))
        elif _is_heading(lines, index):
            blocks.append(Block("heading", line, index + 1))
        else:
            blocks.append(Block("paragraph", line, index + 1))
    if not blocks:
        doc.warnings.append(Warning_(start + 1, "no content found after the page header"))
