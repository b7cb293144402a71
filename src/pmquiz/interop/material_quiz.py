"""MkDocs Material quizzes inside Markdown flashcard files: a `#### 1. Question` heading,
numbered options (often inside `<div class="upper-alpha">`), and an admonition
(`??? question "Show Answer"`) saying "The correct answer is **B**", then the explanation."""

from __future__ import annotations

import re

from pmquiz.interop.records import id_for
from pmquiz.model import Card, Kind

HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w-]*)")
LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+(.+)$")
ADMONITION = re.compile(r"^\s*(?:\?\?\?\+?|!!!)\s*\w+")
CORRECT = re.compile(r"(?:correct answer is|answer:)\s*\**\s*\(?([A-Ha-h1-9])\)?\b\**\.?",
                     re.IGNORECASE)


def material_question(deck: str, lines: list[str], index: int, offset: int,
                      question: str) -> tuple[Card | str | None, int]:
    """The choice card of the question whose heading is `lines[index]` (or why it makes
    none, or None for an ordinary numbered heading), and the line after it."""
    options: list[str] = []
    explain: list[str] = []
    letter = ""
    end = index + 1
    in_admonition = False
    while end < len(lines) and not HEADING.match(lines[end]):
        text = lines[end]
        if FENCE.match(text) or (in_admonition and text.strip() and
                                 not text[:1].isspace() and not ADMONITION.match(text)):
            break  # the admonition's indented text has ended
        item = LIST_ITEM.match(text)
        if ADMONITION.match(text):
            in_admonition = True
        elif in_admonition and text.strip():
            found = CORRECT.search(text)
            if found and not letter:
                letter = found.group(1).upper()
                rest = text[found.end():].strip()
                if rest:
                    explain.append(rest)
            elif letter:
                explain.append(text.strip())
        elif item and not in_admonition:
            options.append(item.group(1).strip())
        end += 1
    if not options or not letter:
        return None, index + 1  # an ordinary numbered heading
    position = ord(letter) - ord("A") if letter.isalpha() else int(letter) - 1
    if not 0 <= position < len(options):
        return (f'the correct answer "{letter}" is not one of the {len(options)} options; '
                "skipped"), end
    return Card(deck=deck, id=id_for(None, question), kind=Kind.CHOICE, prompt=question,
                answer=options[position], line=offset + index + 1,
                options=tuple(o for i, o in enumerate(options) if i != position),
                explain=" ".join(explain)), end
