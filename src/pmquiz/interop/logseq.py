"""Logseq pages: an outline of `- ` blocks (the first one maybe without its dash); a block
tagged `#card` or `[[card]]` is a card, its text the question and its child blocks the
answer, as Logseq shows them (a child that is a card of its own is part of the answer too).
`{{cloze …}}` (or `{{c1 …}}`) in a card makes it a cloze; outside a card it is text, as in
Logseq. Block properties (`card-repeats:: 1`, `id:: …`, `logseq.order-list-type:: number`)
and page properties are metadata, never card text; a page's `title::` (or front matter
`title:`) names the module. A page reference `[[Ed]]` reads "Ed", and bold around a whole
question is dropped: cards show text as it is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import ReadNotes, id_for
from pmquiz.model import Card, Kind

BULLET = re.compile(r"^(\s*)- ?(.*)$")
RULE = re.compile(r"^\s*-{3,}\s*$")
PROPERTY = re.compile(r"^\s*[A-Za-z][\w.-]*:: ")
CARD_TAG = re.compile(r"(?:^|\s)(?:#card|#\[\[card\]\]|\[\[card\]\])(?=\s|$)", re.I)
CLOZE = re.compile(r"\{\{(?:cloze|c\d+)\s+(.*?)\}\}")
HEADING = re.compile(r"^#{1,6}\s+")
PAGE_REF = re.compile(r"(`[^`\n]*`)|#?\[\[([^\[\]\n]+)\]\]|\^\^([^\^\n]+?)\^\^")
FENCE = re.compile(r"^\s*(```|~~~)")
BOLD = re.compile(r"^(\*\*|__)(?!.*\1.+\1)(.+)\1$", re.S)
FRONT_TITLE = re.compile(r"^---\n(?:.*\n)*?title:\s*(.+?)\s*\n(?:.*\n)*?---\n")


# A page's first block as Logseq writes it when it is a heading: no dash, its child blocks
# indented under it (its own properties between)
DASHLESS_CARD = re.compile(r"^[^\s-][^\n]*(?:#card\b|\[\[card\]\])[^\n]*\n"
                           r"(?:[A-Za-z][\w.-]*:: [^\n]*\n)*[ \t]+- ", re.M | re.I)


def looks_like(text: str) -> bool:
    """A `#card` block, or an outline with `key:: value` properties (a Logseq page with no
    card is then refused by name, not read as other Markdown first)."""
    return bool(re.search(r"^\s*- .*(?:#card\b|\[\[card\]\])", text, re.M | re.I)) or (
        bool(re.search(r"^\s*- \S", text, re.M)) and
        bool(re.search(r"^\s*[A-Za-z][\w.-]*:: \S", text, re.M))) or \
        bool(DASHLESS_CARD.search(text))


def _plain(text: str) -> str:
    """Page references as their names (`[[Ed]]` reads "Ed") and `^^highlights^^` as their
    text; code spans untouched."""
    return PAGE_REF.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)


def _revealed(text: str) -> str:
    """A card's back as the review shows it once answered: `{{cloze X}}` reads "X"."""
    return CLOZE.sub(lambda m: m.group(1).partition(" \\\\ ")[0].strip(), text)


@dataclass
class Block:
    depth: int
    line: int
    lines: list[str] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)
    margin: str = ""  # what starts each of its continuation lines (its bullet's indent + 2)

    def text(self) -> str:
        kept, fenced = [], False
        for line in self.lines:
            if FENCE.match(line):
                fenced = not fenced
            if fenced or not PROPERTY.match(line):
                kept.append(line)
        return "\n".join(kept).strip()


def _width(indent: str) -> int:
    return len(indent.replace("\t", "    "))


def _blocks(lines: list[str]) -> tuple[list[Block], str]:
    """The page's block tree, and its `title::`. Before the first bullet come the page's
    properties (or front matter), and maybe its first block without its dash: Logseq
    writes a heading first block so ("### Title" over its indented children)."""
    roots: list[Block] = []
    stack: list[Block] = []
    title = ""
    fenced = False  # inside a code block: every line is the block's, kept as written
    # front matter: from a first "---" line to the next (with no second one, no front matter)
    closing = next((i for i, line in enumerate(lines[1:], 2) if line.strip() == "---"), 0) \
        if lines and lines[0].strip() == "---" else 0
    for number, line in enumerate(lines, 1):
        if number <= closing or (not fenced and RULE.match(line)):
            continue  # front matter, or a rule: no block (`- ` would read "---" as one)
        if not roots and not fenced and line.strip() and not BULLET.match(line) \
                and not PROPERTY.match(line) and not line[:1].isspace():
            block = Block(0, number, [line.strip()])  # the first block, written dashless
            roots.append(block)
            stack.append(block)
            fenced = bool(FENCE.match(line))
            continue
        bullet = None if fenced else BULLET.match(line)
        if bullet:
            block = Block(_width(bullet.group(1)), number, [bullet.group(2)],
                          margin=bullet.group(1) + "  ")
            while stack and stack[-1].depth >= block.depth:
                stack.pop()
            (stack[-1].children if stack else roots).append(block)
            stack.append(block)
            fenced = bool(FENCE.match(bullet.group(2)))
        elif stack and (line.strip() or fenced):
            margin = stack[-1].margin
            kept = line[len(margin):] if line.startswith(margin) else line.strip()
            stack[-1].lines.append(kept.rstrip() if fenced else kept.strip())
            if FENCE.match(line):
                fenced = not fenced
        elif not stack and line.strip().lower().startswith("title::"):
            title = line.split("::", 1)[1].strip()
    return roots, title


def _back(children: list[Block]) -> str:
    """A card's back as Logseq shows it: its one child block's text, or the child blocks as a
    nested Markdown list."""
    shown = [c for c in children if _untagged(c.text())]
    if len(shown) == 1 and not any(_untagged(c.text()) for c in shown[0].children):
        return _revealed(_untagged(shown[0].text()))
    return _revealed("\n".join(_outline(shown)).strip())


def _untagged(text: str) -> str:
    """Block text without the card tag, page references as names (a line keeps its spaces
    unless the tag was on it: code keeps its indentation)."""
    lines = [" ".join(CARD_TAG.sub(" ", line).split()) if CARD_TAG.search(line) else line
             for line in text.splitlines()]
    return _plain("\n".join(lines).strip())


def _outline(blocks: list[Block], depth: int = 0) -> list[str]:
    """Child blocks as a nested Markdown list (a child card shows as its text)."""
    out: list[str] = []
    for block in blocks:
        text = _untagged(block.text())
        if not text:
            continue
        first, *rest = text.splitlines()
        out.append("  " * depth + "- " + first)
        out.extend("  " * (depth + 1) + line for line in rest)
        out.extend(_outline(block.children, depth + 1))
    return out


def read_logseq(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    result = ReadNotes(format_name="logseq")
    roots, title = _blocks(text.splitlines())
    front = FRONT_TITLE.match(text)
    title = title or (front.group(1).strip("\"'") if front else "")
    if title:
        result.decks.append(title)
    stack = list(reversed(roots))
    other: list[Block] = []
    while stack:
        block = stack.pop()
        text_ = block.text()
        if not CARD_TAG.search(text_):
            stack.extend(reversed(block.children))
            if text_:
                other.append(block)
            continue
        stack.extend(reversed([c for c in block.children if _holds_card(c)]))
        prompt = HEADING.sub("", _untagged(text_)).strip()
        bold = BOLD.match(prompt)
        prompt = bold.group(2).strip() if bold else prompt
        answer = _back(block.children)
        if CLOZE.search(prompt):
            cloze = CLOZE.sub(_gap, prompt)
            result.cards.append(Card(deck=deck_slug, id=id_for(None, cloze), kind=Kind.CLOZE,
                                     prompt=cloze, explain=answer, line=block.line))
        elif not prompt or not answer:
            result.warnings.append(Warning_(block.line, "a #card block with no question or "
                                                        "no child blocks to answer it; "
                                                        "skipped"))
        else:
            result.cards.append(Card(deck=deck_slug, id=id_for(None, prompt), kind=Kind.BASIC,
                                     prompt=prompt, answer=answer, line=block.line))
    if other and not result.cards and not result.warnings:
        result.warnings.append(Warning_(other[0].line, f"no block tagged #card or [[card]]: "
                                                       f"its {len(other)} blocks are notes"))
    elif other:
        result.warnings.append(Warning_(other[0].line, f"{len(other)} blocks without #card "
                                                       "are notes, not cards; not imported"))
    return result


def _gap(found: re.Match[str]) -> str:
    """A Logseq cloze as a pmquiz gap: `{{cloze red \\\\ colour}}` (a cue after two
    backslashes) becomes `{{red::colour}}`, the cue shown as the gap's hint."""
    answer, cue = (" ".join(part.split()) for part in found.group(1).partition(" \\\\ ")[::2])
    return "{{" + (f"{answer}::{cue}" if cue and answer else answer or cue) + "}}"


def _holds_card(block: Block) -> bool:
    """Whether a card's child block is (or holds) a card of its own."""
    return bool(CARD_TAG.search(block.text())) or any(_holds_card(c) for c in block.children)
