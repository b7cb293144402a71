"""Markdown quiz pages: a heading per question (`#### Q1. …`, `### MCQ: …`), its options as
a list, and the right option marked by `- [x]` (the others `- [ ]`), by **bold** text, or
named in a `<details>` block ("Answer: B" or the option's text) whose other text explains
it. Text after the options (sources, notes) is the explanation. An open question (no
options) whose model answer is in a `<details>` block is a basic card, as is a follow-up
question (`1. Q: …`) with a `<details>` block of its own under it. A first heading with no
options names the module."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import ReadNotes, choice_card, id_for
from pmquiz.model import Card, Kind

HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
# a question's label: "Q1.", "Question 2:", "3)", "Q:", "MCQ:"
NUMBER = re.compile(r"^(?:(?:MCQ|Q(?:uestion)?)\s*\d*|\d+)\s*[.):]\s*", re.I)
# a follow-up question in a question's text: "1. Q: …", "- **Q:** …"
FOLLOW_UP = re.compile(r"^\s*(?:\d+[.)]\s+|[-*+]\s+)?(?:\*\*|__)?Q(?:uestion)?(?:\*\*|__)?\s*:"
                       r"(?:\*\*|__)?\s*(\S.*)$", re.I)
SUMMARY = re.compile(r"</?details[^>]*>|<summary>.*?</summary>", re.I | re.S)
CHECKBOX = re.compile(r"^\s*[-*+]\s+\[([ xX]?)\]\s+(.*)$")
ITEM = re.compile(r"^\s*(?:[-*+]|[A-Ha-h][.):])\s+(.*)$")
LETTERED = re.compile(r"^([A-Ha-h])\s*[:.)]\s+(.*)$")
BOLD = re.compile(r"^\*\*(.+)\*\*$|^__(.+)__$")
ANSWER_IS = re.compile(r"answer\s*(?:is)?\s*[:：]?\s*\**\s*([A-Ha-h])\b|answer\s*[:：]\s*(.+)",
                       re.I)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
RULE = re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$")


def looks_like(text: str) -> bool:
    """Checkbox options under headings, options with a <details> answer, or `Q:` headings
    over a <details> model answer."""
    if re.search(r"^\s*[-*+]\s+\[[xX]\]\s+\S", text, re.M):
        return True
    if not re.search(r"^\s{0,3}#{1,6}\s+\S", text, re.M):
        return False
    in_details = "<details" in text and bool(re.search(r"answer\s*[:：]", text, re.I))
    bold_option = re.search(r"^\s*[-*+]\s+(?:\*\*[^*\n]+\*\*|__[^_\n]+__)\s*$", text, re.M)
    open_question = "<details" in text and bool(
        re.search(r"^\s{0,3}#{1,6}\s+(?:MCQ|Q(?:uestion)?)\s*\d*\s*[.):]", text, re.M | re.I))
    return in_details or bool(bold_option) or open_question


@dataclass
class Question:
    line: int
    title: str
    text: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    marked: list[bool] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    follow_up: bool = False  # a `Q:` item under another question, not a heading


def read_checkbox_quiz(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    result = ReadNotes(format_name="checkbox-quiz")
    questions: list[Question] = []
    before: list[int] = []  # lines above the first heading
    current: Question | None = None
    in_details = in_fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_fence = not in_fence
        lowered = line.strip().lower()
        if not in_fence and lowered.startswith("<details"):
            in_details = True
        if in_details:
            if current is not None:
                current.details.append(line)
            if "</details>" in lowered:
                in_details = False
            continue
        heading = None if in_fence else HEADING.match(line)
        if heading:
            current = Question(number, NUMBER.sub("", heading.group(2)).strip())
            questions.append(current)
            continue
        if current is None:
            if line.strip():
                before.append(number)
            continue
        if not in_fence and RULE.match(line):
            continue  # a separator between questions, no text of either
        follow_up = None if in_fence or current.options else FOLLOW_UP.match(line)
        if follow_up:  # its own question, answered by the <details> under it
            current = Question(number, follow_up.group(1).strip(), follow_up=True)
            questions.append(current)
            continue
        checkbox = None if in_fence else CHECKBOX.match(line)
        item = None if in_fence else ITEM.match(line)
        if checkbox and not current.after:
            current.options.append(checkbox.group(2).strip())
            current.marked.append(checkbox.group(1) in ("x", "X"))
        elif item and not current.after:
            current.options.append(item.group(1).strip())
            current.marked.append(False)
        elif current.options or current.details:
            current.after.append(line)  # after the options, or after a model answer
        else:
            current.text.append(line)
    for question in questions:
        _add(result, deck_slug, question, questions[0] is question)
    if before:
        result.warnings.append(Warning_(before[0], f"{len(before)} lines above the first "
                                                   "question are no question; not imported"))
    return result


def _has_text(question: Question) -> bool:
    return any(line.strip() for line in question.text)


def _add(result: ReadNotes, deck: str, question: Question, first: bool) -> None:
    if len(question.options) == 1:  # one list item under a heading: text, not a question
        question.text.append(f"- {question.options[0]}")
        question.options, question.marked = [], []
    if not question.options:
        answer = _model_answer(question.details)
        if answer:
            prompt = "\n".join([question.title, *question.text]).strip()
            result.cards.append(Card(deck=deck, id=id_for(None, prompt), kind=Kind.BASIC,
                                     prompt=prompt, answer=answer, line=question.line,
                                     explain="\n".join(question.after).strip()))
        elif first and not _has_text(question) and not question.follow_up:
            result.decks.append(question.title)  # the page's title
        elif question.follow_up:
            result.warnings.append(Warning_(question.line, "a question with no options and "
                                            "no answer in <details>; skipped"))
        elif _has_text(question) or question.details:
            result.warnings.append(Warning_(question.line, "a heading with text but no "
                                            "options is not a question; skipped"))
        return
    options = [LETTERED.sub(r"\2", option) if LETTERED.match(option) else option
               for option in question.options]
    marked = list(question.marked)
    explain = "\n".join(question.after).strip()
    if not any(marked):
        for index, option in enumerate(options):  # the right option in bold
            bold = BOLD.match(option)
            if bold:
                marked[index], options[index] = True, (bold.group(1) or bold.group(2))
    if not any(marked) and question.details:
        explain = _from_details(question, options, marked) or explain
    prompt = "\n".join([question.title, *question.text]).strip()
    card = choice_card(deck, prompt, list(zip(marked, options, strict=True)), explain,
                       question.line)
    if card is None:
        result.warnings.append(Warning_(question.line, "no option is marked right ([x], "
                                        "bold, or an answer in <details>); skipped"))
    else:
        result.cards.append(card)


def _model_answer(details: list[str]) -> str:
    """The text of a `<details>` block, without its tags and summary ("Model answer"), as
    written but for the indentation of the list item it stands in."""
    text = SUMMARY.sub("", "\n".join(details))
    return textwrap.dedent(text).strip()


def _from_details(question: Question, options: list[str], marked: list[bool]) -> str:
    """Mark the option a <details> block names; return the block's other text."""
    kept: list[str] = []
    letters = [m.group(1).upper() if (m := LETTERED.match(o)) else chr(65 + i)
               for i, o in enumerate(question.options)]
    for line in question.details:
        plain = re.sub(r"<[^>]+>", "", line).strip().lstrip("#").strip()
        found = ANSWER_IS.search(plain) if not any(marked) else None
        if found and found.group(1) and found.group(1).upper() in letters:
            marked[letters.index(found.group(1).upper())] = True
            continue
        if found and found.group(2):
            wanted = found.group(2).strip().strip("*").casefold()
            hits = [i for i, o in enumerate(options) if o.casefold() == wanted]
            if hits:
                marked[hits[0]] = True
                continue
        if plain and plain.lower() not in ("answer", "show answer", "solution"):
            kept.append(plain)
    return "\n".join(kept).strip()
