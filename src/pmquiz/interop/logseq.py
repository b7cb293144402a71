"""Logseq pages: an outline of `- ` blocks; a block tagged `#card` or `[[card]]` is a card,
its text the question and its child blocks the answer. `{{cloze …}}` (or `{{c1 …}}`) in a
card makes it a cloze. Block properties (`card-repeats:: 1`, `id:: …`, `collapsed:: true`)
and page properties are metadata, never card text; a page's `title::` names the module."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import ReadNotes, id_for
from pmquiz.model import Card, Kind

BULLET = re.compile(r"^(\s*)- ?(.*)$")
PROPERTY = re.compile(r"^\s*[A-Za-z][\w-]*:: ")
CARD_TAG = re.compile(r"(?:^|\s)(?:#card|#\[\[card\]\]|\[\[card\]\])(?=\s|$)", re.I)
CLOZE = re.compile(r"\{\{(?:cloze|c\d+)\s+(.*?)\}\}")
HEADING = re.compile(r"^#{1,6}\s+")


def looks_like(text: str) -> bool:
    return bool(re.search(r"^\s*- .*(?:#card\b|\[\[card\]\])", text, re.M | re.I))


@dataclass
class Block:
    depth: int
    line: int
    lines: list[str] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(line for line in self.lines if not PROPERTY.match(line)).strip()


def _width(indent: str) -> int:
    return len(indent.replace("\t", "    "))


def _blocks(lines: list[str]) -> tuple[list[Block], str]:
    roots: list[Block] = []
    stack: list[Block] = []
    title = ""
    for number, line in enumerate(lines, 1):
        bullet = BULLET.match(line)
        if bullet:
            block = Block(_width(bullet.group(1)), number, [bullet.group(2)])
            while stack and stack[-1].depth >= block.depth:
                stack.pop()
            (stack[-1].children if stack else roots).append(block)
            stack.append(block)
        elif stack and line.strip():
            stack[-1].lines.append(line.strip())
        elif not stack and line.strip().lower().startswith("title::"):
            title = line.split("::", 1)[1].strip()
    return roots, title


def _outline(blocks: list[Block], depth: int = 0) -> list[str]:
    """Child blocks as a nested Markdown list (cards among them are left to themselves)."""
    out: list[str] = []
    for block in blocks:
        text = block.text()
        if CARD_TAG.search(text) or not text:
            continue
        first, *rest = text.splitlines()
        out.append("  " * depth + "- " + first)
        out.extend("  " * (depth + 1) + line for line in rest)
        out.extend(_outline(block.children, depth + 1))
    return out


def read_logseq(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    result = ReadNotes(format_name="logseq")
    roots, title = _blocks(text.splitlines())
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
        prompt = HEADING.sub("", CARD_TAG.sub(" ", text_).strip()).strip()
        prompt = re.sub(r"[ \t]{2,}", " ", prompt)
        answer = "\n".join(_outline(block.children)).strip()
        if CLOZE.search(prompt):
            cloze = CLOZE.sub(lambda m: "{{" + " ".join(m.group(1).split()) + "}}", prompt)
            result.cards.append(Card(deck=deck_slug, id=id_for(None, cloze), kind=Kind.CLOZE,
                                     prompt=cloze, explain=answer, line=block.line))
        elif not prompt or not answer:
            result.warnings.append(Warning_(block.line, "a #card block with no question or "
                                                        "no child blocks to answer it; "
                                                        "skipped"))
        else:
            result.cards.append(Card(deck=deck_slug, id=id_for(None, prompt), kind=Kind.BASIC,
                                     prompt=prompt, answer=answer, line=block.line))
    if other:
        result.warnings.append(Warning_(other[0].line, f"{len(other)} blocks without #card "
                                                       "are notes, not cards; not imported"))
    return result


def _holds_card(block: Block) -> bool:
    """Whether a card's child block is (or holds) a card of its own."""
    return bool(CARD_TAG.search(block.text())) or any(_holds_card(c) for c in block.children)
