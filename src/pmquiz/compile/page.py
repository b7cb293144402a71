"""Reader for course page text as a browser copies it (see shared/course/*/ *.page.txt).

The page is plain text: a breadcrumb (`Home / Phase-0 / Title`), a `Phase N` line, the title,
a progress widget (`Phase progress0 / 2 completed`), then headings, paragraphs, `•` bullets,
numbered lists (`1. …`), tables (a browser copies each row as one line of TAB-separated cells),
term lists (a short term on one line, its meaning on the next, with no blank line between:
a "Key terms" block) and meta lines (`6 min read · Updated March 2024`), then navigation
(`Resources`, entries ending in `Open Resource`, `Done with this module?`,
`Back to Phase N`, `Next module:` + title, `Next Module`). Navigation and widgets are metadata,
never content.
"""

from __future__ import annotations

import re

from pmquiz.compile.document import Block, Document, Item, Warning_, is_meta_line

BREADCRUMB = re.compile(r"^Home\s*/\s*Phase[- ](\d+)\s*/\s*(.+)$", re.IGNORECASE)
PHASE_LINE = re.compile(r"^Phase\s+(\d+)(?:\s*[:·—-]\s*(.+))?$", re.IGNORECASE)
PROGRESS = re.compile(r"^Phase progress\s*\d+\s*/\s*\d+\s*completed\s*$", re.IGNORECASE)
BULLET = re.compile(r"^\s*[•●▪◦·]\s*(.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.*)$")
GLOSSARY = re.compile(r"\b(?:key terms|glossary|definitions|terms|vocabulary|jargon)\b",
                      re.IGNORECASE)
MAX_TERM_WORDS = 6
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
        elif not doc.title and index < 6 and _is_heading(lines, index) and \
                not is_meta_line(line):
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
        BULLET.match(lines[index + 1]) is not None or NUMBERED.match(lines[index + 1]) is not None
    return before and after and (line[0].isupper() or line[0].isdigit())


def _is_term_line(line: str) -> bool:
    """A term standing alone: a few words, no closing punctuation."""
    words = line.split()
    return 0 < len(words) <= MAX_TERM_WORDS and line[-1] not in ".,;:!?" and \
        not BULLET.match(line) and not NUMBERED.match(line) and "\t" not in line


def _is_meaning_line(line: str) -> bool:
    return len(line.split()) >= 3 and line[-1] in ".!?" and "\t" not in line


def _term_pairs(lines: list[str], index: int, end: int, glossary: bool) -> int:
    """How many lines from `index` form term/meaning pairs (0 when they do not): at least
    two pairs, or one under a heading such as "Key terms"."""
    at = index
    while at + 1 < end and _is_term_line(lines[at].strip()) and \
            _is_meaning_line(lines[at + 1].strip()) and \
            (at == index or lines[at - 1].strip()):
        at += 2
    pairs = (at - index) // 2
    if pairs >= 2 or (pairs == 1 and glossary):
        return at - index
    return 0


def _read_body(lines: list[str], start: int, end: int, doc: Document) -> None:
    blocks = doc.blocks
    index = start
    in_header = True  # meta lines stand between the title and the first heading
    while index < end:
        raw = lines[index]
        line = raw.strip()
        previous = lines[index - 1] if index > 0 else ""
        if not line or PROGRESS.match(line):
            index += 1
            continue
        bullet = BULLET.match(raw)
        numbered = NUMBERED.match(raw) if not bullet else None
        heading = blocks[-1].text if blocks and blocks[-1].kind == "heading" else ""
        glossary = bool(GLOSSARY.search(heading))
        pairs = 0 if bullet or numbered else _term_pairs(lines, index, end, glossary)
        if bullet or numbered:
            text = (bullet.group(1) if bullet else numbered.group(2)).strip()  # type: ignore[union-attr]
            if text:
                kind_before = BULLET.match(previous) if bullet else NUMBERED.match(previous)
                if not blocks or blocks[-1].kind != "bullets" or \
                        blocks[-1].ordered != bool(numbered) or \
                        (previous.strip() and not kind_before):
                    blocks.append(Block("bullets", "", index + 1, ordered=bool(numbered)))
                blocks[-1].items.append(Item(text, index + 1))
        elif "\t" in raw.strip("\n") and len(raw.strip("\n").split("\t")) >= 2:
            cells = [" ".join(c.split()) for c in raw.rstrip("\n").split("\t")]
            if not blocks or blocks[-1].kind != "table" or "\t" not in previous:
                blocks.append(Block("table", "", index + 1))
            blocks[-1].rows.append(cells)
        elif pairs:
            block = Block("terms", "", index + 1)
            for at in range(index, index + pairs, 2):
                term = lines[at].strip()
                meaning = lines[at + 1].strip()
                block.items.append(Item(f"{term} — {meaning}", at + 1, term=term,
                                        description=meaning))
            blocks.append(block)
            index += pairs
            continue
        elif _is_heading(lines, index):
            blocks.append(Block("heading", line, index + 1))
            in_header = False
        elif in_header and is_meta_line(line):
            blocks.append(Block("meta", line, index + 1))
        else:
            blocks.append(Block("paragraph", line, index + 1))
        index += 1
    if not blocks:
        doc.warnings.append(Warning_(start + 1, "no content found after the page header"))
