"""Markdown question/answer files.

    Q: What is product-led thinking?
    A: An approach where the product itself drives growth.

    ---

    **Q:** Which principle is about the "aha!" moment?
    A) Drive virality
    B) Deliver value fast
    Answer: B

Cards are separated by blank lines or `---`; a question or answer may run over several lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.errors import ImportFormatError
from pmquiz.interop.records import ReadNotes, id_for
from pmquiz.model import Card, Kind

QUESTION = re.compile(r"^\s*(?:\*\*)?Q(?:uestion)?\s*[:.](?:\*\*)?\s*(.*)$", re.IGNORECASE)
# "A." is left to lettered options; an answer line is "A:" or "Answer:".
ANSWER = re.compile(r"^\s*(?:\*\*)?(?:A\s*:|Answer\s*[:.])(?:\*\*)?\s*(.*)$", re.IGNORECASE)
OPTION = re.compile(r"^\s*(?:\(([A-Ha-h])\)|([A-Ha-h])[).])\s+(.+)$")
RULE = re.compile(r"^\s*(?:---+|\*\*\*+|___+)\s*$")


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        if not line.strip() or RULE.match(line):
            if current:
                blocks.append((start, current))
                current = []
            continue
        if QUESTION.match(line) and current and any(ANSWER.match(c) for c in current):
            blocks.append((start, current))  # a new question without a blank line before it
            current = []
        if not current:
            start = number
        current.append(line.rstrip())
    if current:
        blocks.append((start, current))
    # A question whose answer follows a blank line: join the two blocks.
    joined: list[tuple[int, list[str]]] = []
    for start, block in blocks:
        if joined and not any(ANSWER.match(line) for line in joined[-1][1]) and \
                QUESTION.match(joined[-1][1][0]) and not QUESTION.match(block[0]):
            joined[-1] = (joined[-1][0], joined[-1][1] + block)
        else:
            joined.append((start, block))
    return joined


def read_qa(path: Path, deck_slug: str) -> ReadNotes:
    """Parse a Q/A Markdown file into basic and choice cards."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text") from None
    result = ReadNotes()
    for start, block in _blocks(text.splitlines()):
        first = QUESTION.match(block[0])
        if not first:
            if any(line.lstrip().startswith("#") for line in block):
                continue  # headings between cards
            result.warnings.append(Warning_(start, "text outside a Q:/A: pair ignored"))
            continue
        question: list[str] = [first.group(1)]
        options: list[tuple[str, str]] = []
        answer: list[str] = []
        in_answer = False
        for line in block[1:]:
            option = OPTION.match(line)
            match = ANSWER.match(line)
            if match and not in_answer:
                in_answer = True
                answer.append(match.group(1))
            elif in_answer:
                answer.append(line.strip())
            elif option:
                options.append(((option.group(1) or option.group(2)).upper(),
                                option.group(3).strip()))
            else:
                question.append(line.strip())
        prompt = "\n".join(q for q in question if q).strip()
        reply = "\n".join(a for a in answer if a).strip()
        if not prompt or not reply:
            result.warnings.append(Warning_(start, "a question without an answer (or an "
                                            "answer without a question); skipped"))
            continue
        card_id = id_for(None, prompt)
        if options:
            letter = re.match(r"^\(?([A-Ha-h])\)?(?:[).:]|\s|$)", reply)
            chosen = dict(options).get(letter.group(1).upper()) if letter else None
            chosen = chosen or next((text for _, text in options
                                     if text.casefold() == reply.casefold()), None)
            if chosen is None:
                result.warnings.append(Warning_(start, f'answer "{reply}" names none of the '
                                                "options; skipped"))
                continue
            result.cards.append(Card(deck=deck_slug, id=card_id, kind=Kind.CHOICE,
                                     prompt=prompt, answer=chosen,
                                     options=tuple(t for _, t in options if t != chosen),
                                     line=start))
        else:
            result.cards.append(Card(deck=deck_slug, id=card_id, kind=Kind.BASIC,
                                     prompt=prompt, answer=reply, line=start))
    return result
