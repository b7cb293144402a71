"""hashcards decks (eudoxia0/hashcards): `Q:`/`A:` cards and `C:` clozes whose deletions are
in [square brackets], one card per deletion; `---` lines separate cards; TOML front matter
may name the deck. Rules follow hashcards' own parser (`src/parser.rs`): a line opens a side
only when it starts with the tag, text outside a card is an error there and a warning here,
`![…]` images and `\\[`/`\\]` escapes are not deletions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import Parts, ReadNotes, cloze_ids, gap_prompts, id_for
from pmquiz.model import Card, Kind

TAG = re.compile(r"^(Q|A|C):")
NAME = re.compile(r"""^\s*name\s*=\s*["'](.*)["']\s*$""")


def looks_like(text: str) -> bool:
    """A file with a `C:` cloze line and `Q:`/`C:` cards at line starts (the generic
    Markdown reader takes files of `Q:`/`A:` pairs alone)."""
    return bool(re.search(r"^C:", text, re.M))


def cloze_parts(text: str) -> Parts:
    """Split a C: card's text into plain and deleted parts, as hashcards does."""
    parts: Parts = []
    plain: list[str] = []
    gap: list[str] | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1:index + 2] in ("[", "]"):
            (gap if gap is not None else plain).append(text[index + 1])
            index += 2
            continue
        if char == "!" and text[index + 1:index + 2] == "[" and gap is None:
            end = text.find("]", index)
            end = len(text) - 1 if end < 0 else end
            plain.append(text[index:end + 1])  # an image: shown as written
            index = end + 1
            continue
        if char == "[" and gap is None:
            parts.append(("text", "".join(plain)))
            plain, gap = [], []
        elif char == "]" and gap is not None:
            parts.append(("gap", "".join(gap)))
            gap = None
        else:
            (gap if gap is not None else plain).append(char)
        index += 1
    if gap is not None:  # an unclosed bracket is text
        plain = ["[", *gap]
    parts.append(("text", "".join(plain)))
    return parts


@dataclass
class Open:
    """The card being read: its tag (Q or C), first line and sides."""

    tag: str
    line: int
    question: list[str]
    answer: list[str] = field(default_factory=list)
    in_answer: bool = False


def read_hashcards(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    """The cards of one hashcards deck file."""
    result = ReadNotes(format_name="hashcards")
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                found = NAME.match(line)
                if found:
                    result.decks.append(found.group(1))
            start = end + 1
    card: Open | None = None

    def finish() -> None:
        nonlocal card
        if card is None:
            return
        done, card = card, None
        question, answer = "\n".join(done.question).strip(), "\n".join(done.answer).strip()
        if done.tag == "Q":
            if not answer:
                result.warnings.append(Warning_(done.line, "a Q: card without an A: answer; "
                                                           "skipped"))
                return
            result.cards.append(Card(deck=deck_slug, id=id_for(None, question),
                                     kind=Kind.BASIC, prompt=question, answer=answer,
                                     line=done.line))
            return
        prompts = gap_prompts(cloze_parts(question))
        if not prompts:
            result.warnings.append(Warning_(done.line, "a C: card with no [deletion]; "
                                                       "skipped"))
            return
        for card_id, prompt in zip(cloze_ids(question, len(prompts)), prompts, strict=True):
            result.cards.append(Card(deck=deck_slug, id=card_id, kind=Kind.CLOZE,
                                     prompt=prompt, line=done.line))

    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        tag = TAG.match(line)
        if tag and tag.group(1) in ("Q", "C"):
            finish()
            card = Open(tag.group(1), number, [line[2:].strip()])
        elif tag:  # A:
            if card is None or card.tag != "Q" or card.in_answer:
                result.warnings.append(Warning_(number, "an A: line without a Q: above it; "
                                                        "ignored"))
                continue
            card.answer, card.in_answer = [line[2:].strip()], True
        elif line.strip() == "---":
            finish()
        elif card is not None:
            (card.answer if card.in_answer else card.question).append(line)
        elif line.strip():
            result.warnings.append(Warning_(number, "text outside any Q:/C: card ignored: "
                                                    f"{line.strip()[:60]}"))
    finish()
    return result
