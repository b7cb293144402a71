"""mkdocs-quiz pages (ewels/mkdocs-quiz): `<quiz>` … `</quiz>` blocks holding a question,
`- [x]` / `- [ ]` answers (`*` bullets and `[]` too) and an optional content section shown
after answering; a quiz with no answers and `[[…]]` blanks is fill-in-the-blank. As the
plugin does, a `<quiz>` inside a fenced code block outside any quiz is an example, not a
quiz; quizzes indented inside content tabs count."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import ReadNotes, choice_card, id_for
from pmquiz.model import Card, Kind

QUIZ = re.compile(r"<quiz>(.*?)</quiz>", re.S)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
ANSWER = re.compile(r"^[-*]\s*\[([xX ]?)\]\s*(.*)$")
FEEDBACK = re.compile(r"^\s*>\s?(.*)$")
BLANK = re.compile(r"\[\[([^\]]+)\]\]")


def looks_like(text: str) -> bool:
    return "<quiz>" in text and "</quiz>" in text


def _fenced_spans(text: str, quizzes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans of fenced code blocks that do not overlap a quiz."""
    spans: list[tuple[int, int]] = []
    offset, opened, mark = 0, -1, ""
    for line in text.splitlines(keepends=True):
        found = FENCE.match(line)
        if found and opened < 0:
            opened, mark = offset, found.group(1)
        elif found and found.group(1)[0] == mark[0] and len(found.group(1)) >= len(mark):
            spans.append((opened, offset + len(line)))
            opened = -1
        offset += len(line)
    return [(a, b) for a, b in spans
            if not any(qa < a < qb or qa < b < qb for qa, qb in quizzes)]


def read_mkdocs_quiz(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    result = ReadNotes(format_name="mkdocs-quiz")
    quizzes = [(m.start(), m.end()) for m in QUIZ.finditer(text)]
    code = _fenced_spans(text, quizzes)
    used: list[tuple[int, int]] = []
    for found in QUIZ.finditer(text):
        if any(a <= found.start() < b for a, b in code):
            continue  # shown as an example in a code block
        used.append((found.start(), found.end()))
        line = text.count("\n", 0, found.start()) + 1
        card = _quiz_card(deck_slug, textwrap.dedent(found.group(1)), line)
        if isinstance(card, str):
            result.warnings.append(Warning_(line, card))
        else:
            result.cards.append(card)
    _report_page_text(text, used, result)
    return result


def _report_page_text(text: str, used: list[tuple[int, int]], result: ReadNotes) -> None:
    """One warning for the page's own text (prose, examples in code): read, not a quiz."""
    offset, lines = 0, []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if line.strip() and not any(a <= offset < b for a, b in used):
            lines.append(number)
        offset += len(line)
    if lines:
        result.warnings.append(Warning_(lines[0], f"{len(lines)} lines outside <quiz> blocks "
                                                  "are the page's own text, not quizzes; not "
                                                  "imported"))


def _quiz_card(deck: str, body: str, line: int) -> Card | str:
    """The card of one quiz body, or why it makes none."""
    lines = body.strip("\n").splitlines()
    question: list[str] = []
    options: list[tuple[bool, str]] = []
    content: list[str] = []
    feedback: list[str] = []  # per-answer feedback (`> …` under an answer): explained too
    in_fence = False
    for raw in lines:
        stripped = raw.strip()
        if FENCE.match(raw):
            in_fence = not in_fence
        answer = None if in_fence else ANSWER.match(stripped)
        if answer and not content:
            options.append((answer.group(1) in ("x", "X"), answer.group(2).strip()))
        elif options and FEEDBACK.match(raw) and not content:
            feedback.append(f"{options[-1][1]}: {FEEDBACK.match(raw).group(1)}")  # type: ignore[union-attr]
        elif options:
            content.append(raw)
        else:
            question.append(raw)
    prompt = "\n".join(question).strip()
    explain = "\n\n".join(filter(None, ["\n".join(content).strip(), *feedback]))
    if options:
        card = choice_card(deck, prompt, options, explain, line)
        return card if card is not None else "a quiz with no [x] answer; skipped"
    blanks = BLANK.findall(prompt)
    if blanks:
        cloze = BLANK.sub(lambda m: "{{" + " ".join(m.group(1).split()) + "}}", prompt)
        return Card(deck=deck, id=id_for(None, cloze), kind=Kind.CLOZE, prompt=cloze,
                    line=line)
    return "a quiz with neither answers nor [[blanks]]; skipped"
