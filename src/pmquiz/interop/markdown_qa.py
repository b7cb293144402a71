"""Markdown flashcard files, in the dialects people write:

- **Q/A pairs** wherever they stand (under headings, after code, in any order of blank
  lines): `Q:`/`A:`, `Question:`/`Answer:`, bold `**Q:**`/`**A**:`, the question also as a
  heading (`## Q: …`); HTML comments between are no text (they show nowhere); an answer
  may follow a blank line and may be made of paragraphs, lists, tables or code; lettered options
  (`A)`, `B.`, `(c)`) with `Answer: B` make a choice card; `---` or a blank line separates.
- **Fenced blocks**: ```` ```flashcards ```` (or `cards`) holding Q/A pairs, and
  ```` ```quiz ```` holding a question, `- ( )` / `- (x)` options and `>` explanations.
- **MkDocs Material quizzes**: `#### 1. Question` headings, numbered options (often inside
  `<div class="upper-alpha">`), and an admonition (`??? question "Show Answer"`) saying
  "The correct answer is **B**", followed by the explanation.
- **Obsidian Spaced Repetition**, by the plugin's rules: only in a note tagged `#flashcards`
  (or a nested tag such as `#flashcards/physics`; other tags with `--tag`), `Question::Answer`
  (and `:::`, which adds the reverse card), multi-line cards split by a line holding `?` (or
  `??`, reversed too) and ending at a blank line, and `==highlighted==` clozes, one card per
  highlight. Tags, separators and cloze markers other than the defaults come from the
  vault's own plugin settings, `--tag`/`--separator` or the front matter (`sr-inline`,
  `sr-inline-reversed`, `sr-multiline`, `sr-multiline-reversed`), see `obsidian_sr`.
  Separators inside code or `$math$` are text, and `<!--SR:…-->` scheduling comments are
  dropped.

The block structure (fenced and indented code, headings of both styles, rules) comes from
markdown-it-py's CommonMark parser; the card syntaxes above are read over it line by line.
Every line that ends up in no card is reported with its line number and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pmquiz.compile.document import Warning_
from pmquiz.errors import ImportFormatError
from pmquiz.interop.obsidian_sr import (
    CODE_SPAN,
    SR_COMMENT,
    SR_KEYS,
    SpacedRepetition,
    one_line_side,
    vault_settings,
)
from pmquiz.interop.records import Parts, ReadNotes, cloze_ids, gap_prompts, id_for
from pmquiz.model import Card, Kind

# Also as list items ("- **Q:** …" then "- **A:** …"), as revision notes often keep them.
# The bold may hold the colon or not ("**Q:**", "**Q**:").
QUESTION = re.compile(r"^\s*(?:(?:\d+[.)]|[-*+])\s+)?(?:\*\*|__)?Q(?:uestion)?(?:\*\*|__)?"
                      r"\s*[:.](?:\*\*|__)?\s*(.*)$", re.IGNORECASE)
# "A." is left to lettered options; an answer line is "A:" or "Answer:".
ANSWER = re.compile(r"^\s*(?:(?:\d+[.)]|[-*+])\s+)?(?:\*\*|__)?(?:A(?:\*\*|__)?\s*:|"
                    r"Answer(?:\*\*|__)?\s*[:.])(?:\*\*|__)?\s*(.*)$", re.IGNORECASE)
OPTION = re.compile(r"^\s*(?:\(([A-Ha-h])\)|([A-Ha-h])[).])\s+(.+)$")
RULE = re.compile(r"^\s*(?:---+|\*\*\*+|___+)\s*$")
FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w-]*)")
HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
NUMBERED_HEADING = re.compile(r"^\s*#{1,6}\s+\d+[.)]\s+(.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+(.+)$")
QUIZ_OPTION = re.compile(r"^\s*[-*]\s*\(([ xX])\)\s*(.+)$")
TAGS_ONLY = re.compile(r"^\s*(?:#[\w/-]+\s*)+$")  # Obsidian tags: metadata, not text
HTML_LINE = re.compile(r"^\s*</?(?:div|span|p|section)\b[^>]*>\s*$", re.IGNORECASE)
COMMENTS = re.compile(r"\s*(?:<!--.*?-->\s*)+", re.DOTALL)  # an HTML block of comments only
FLASHCARD_FENCES = {"flashcards", "flashcard", "cards", "anki", "qa"}


@dataclass
class Pending:
    """A card being read: its question and answer lines, options, first line."""

    line: int
    question: list[str] = field(default_factory=list)
    answer: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    in_answer: bool = False
    reverse: bool = False  # Obsidian `??`: the reverse card too
    ends_at_blank: bool = False  # an Obsidian multi-line card ends at a blank line
    end_marker: str = ""  # ... or, where the vault sets one, at a line holding this marker
    indent: int = 0  # the question's indentation: the answer ends with a less indented one


class Reader:
    """Reads one file's lines (or a fenced block's) into cards and warnings."""

    def __init__(self, deck: str, result: ReadNotes, sr: SpacedRepetition | None = None):
        self.deck = deck
        self.result = result
        self.sr = sr  # None: the note is not tagged for the plugin, so its syntax is text
        self.in_math = False  # inside a $$ display-math block
        self.card: Pending | None = None
        self.loose: list[tuple[int, str]] = []  # lines in no card yet (maybe an SR card)

    # ---- output -------------------------------------------------------------------------

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(Warning_(line, message))

    def add(self, card: Card) -> None:
        self.result.cards.append(card)

    def drop_loose(self, reason: str = "text outside any card ignored") -> None:
        if self.loose:
            self.warn(self.loose[0][0], f"{reason}: {self.loose[0][1].strip()[:60]}")
            self.loose = []

    # ---- Q/A cards --------------------------------------------------------------------------

    def close(self) -> None:
        """Finish the card being read, if any."""
        card, self.card = self.card, None
        if card is None:
            return
        prompt = "\n".join(card.question).strip()
        reply = "\n".join(card.answer).strip()
        if not prompt or not reply:
            self.warn(card.line, "a question without an answer (or an answer without a "
                                 "question); skipped")
            return
        if card.options:
            letter = re.match(r"^\(?([A-Ha-h])\)?(?:[).:]|\s|$)", reply)
            chosen = dict(card.options).get(letter.group(1).upper()) if letter else None
            chosen = chosen or next((text for _, text in card.options
                                     if text.casefold() == reply.casefold()), None)
            if chosen is None:
                self.warn(card.line, f'answer "{reply}" names none of the options; skipped')
                return
            self.add(Card(deck=self.deck, id=id_for(None, prompt), kind=Kind.CHOICE,
                          prompt=prompt, answer=chosen, line=card.line,
                          options=tuple(t for _, t in card.options if t != chosen)))
            return
        self.add(Card(deck=self.deck, id=id_for(None, prompt), kind=Kind.BASIC,
                      prompt=prompt, answer=reply, line=card.line))
        if card.reverse:
            self.add(Card(deck=self.deck, id=id_for(None, reply), kind=Kind.BASIC,
                          prompt=reply, answer=prompt, line=card.line))

    # ---- the scan ---------------------------------------------------------------------------

    def read(self, lines: list[str], offset: int = 0) -> None:
        """Scan lines (numbered from `offset + 1`)."""
        blocks = _structure(lines)
        index = 0
        blank_before = False
        while index < len(lines):
            number = offset + index + 1
            line = lines[index]
            kind, end, info = blocks.get(index, ("", index, ""))
            if kind in ("fence", "code_block"):
                body = lines[index + 1:end] if kind == "fence" else lines[index:end + 1]
                self.fenced(info if kind == "fence" else "", body, number,
                            lines[index:end + 1], blank_before)
                index = end + 1
                blank_before = False
                continue
            if kind == "comment":  # shows nowhere: no card's text, and no card's end
                index = end + 1
                continue
            heading = HEADING.match(line) if kind == "heading" else None
            if heading and QUESTION.match(heading.group(1)):
                self.line(heading.group(1), number, blank_before)  # "## Q: …" asks
                index = end + 1
                blank_before = False
                continue
            if kind in ("heading", "hr") and not NUMBERED_HEADING.match(line):
                self.close()
                self.finish_loose()
                index = end + 1
                blank_before = False
                continue
            if not line.strip():
                self.blank()
                blank_before = True
                index += 1
                continue
            numbered = NUMBERED_HEADING.match(line)
            if numbered:
                index = self.mkdocs(lines, index, offset, numbered.group(1))
                continue
            self.line(line, number, blank_before)
            blank_before = False
            index += 1
        self.close()
        self.finish_loose()

    def blank(self) -> None:
        card = self.card
        if card is not None and card.ends_at_blank:
            self.close()
        elif card is not None and card.in_answer and card.answer:
            card.answer.append("")  # an answer may go on after a blank line (a list…)
        self.finish_loose()

    def finish_loose(self) -> None:
        """Loose lines that turned out to be no card: a cloze, or text reported."""
        if not self.loose:
            return
        text = "\n".join(t for _, t in self.loose)
        clozes = self.sr.clozes() if self.sr is not None else None
        if clozes is not None and clozes.search(text):
            parts: Parts = []
            last = 0
            for found in clozes.finditer(text):
                gap = next(g for g in found.groups() if g is not None)
                parts += [("text", text[last:found.start()]), ("gap", gap)]
                last = found.end()
            prompts = gap_prompts([*parts, ("text", text[last:])])  # one card per highlight
            for card_id, prompt in zip(cloze_ids(text, len(prompts)), prompts, strict=True):
                self.add(Card(deck=self.deck, id=card_id, kind=Kind.CLOZE, prompt=prompt,
                              line=self.loose[0][0]))
            self.loose = []
            return
        self.drop_loose()

    def line(self, line: str, number: int, blank_before: bool = False) -> None:
        """One non-blank line outside fences."""
        stripped = line.strip()
        question, answer = QUESTION.match(line), ANSWER.match(line)
        card = self.card
        indent = len(line) - len(line.lstrip())
        if card is not None and card.end_marker and stripped == card.end_marker:
            self.close()  # the vault's end marker: the multi-line card ends here, blank
            return  # lines and all
        if card is not None and card.in_answer and blank_before and indent < card.indent:
            # a paragraph less indented than the card: the list item the card stood in
            # (or its quote) has ended, and the answer with it
            self.close()
            card = None
        if question:
            self.close()
            self.finish_loose()
            # a Markdown hard line break (a trailing backslash) ends the question's line
            asked = question.group(1).strip().removesuffix("\\").rstrip()
            self.card = Pending(number, [asked], indent=indent)
            return
        if HEADING.match(line) or RULE.match(line):
            self.close()
            self.finish_loose()
            return
        if answer and card is not None and not card.in_answer:
            card.in_answer = True
            card.answer.append(answer.group(1).strip())
            return
        if card is not None and card.in_answer:
            if said := _separator_in_answer(stripped, self.sr, card):
                self.warn(number, said)
            # An answer runs on, paragraphs and all, to the next question, heading or rule
            # (or the end of the list item the card stands in).
            while card.answer and card.answer[-1] == "" and not any(
                    a.strip() for a in card.answer):
                card.answer.pop()
            # the plugin's scheduling comment under a multi-line answer (or at its end)
            # is bookkeeping, not the answer
            kept = SR_COMMENT.sub("", line).rstrip() if "<!--SR:" in line else line.rstrip()
            if kept.strip():
                card.answer.append(kept[min(indent, card.indent):])  # the card's margin
            return
        if card is not None:
            option = OPTION.match(line)
            if option:
                card.options.append(((option.group(1) or option.group(2)).upper(),
                                     option.group(3).strip()))
            else:
                card.question.append(stripped)
            return
        if answer:
            self.warn(number, "an answer without a question ignored")
            return
        if HTML_LINE.match(line) or TAGS_ONLY.match(line):
            return
        self.sr_line(line, number)

    def sr_line(self, line: str, number: int) -> None:
        """Obsidian Spaced Repetition: `::`, `:::`, and `?`/`??` separators."""
        stripped = SR_COMMENT.sub("", line).strip()
        sr = self.sr
        opens_math = stripped.startswith("$$") and not (len(stripped) > 2 and
                                                        stripped.endswith("$$"))
        if self.in_math or opens_math:
            self.in_math = self.in_math != (stripped.count("$$") % 2 == 1)
        if sr is None or not stripped or self.in_math or opens_math or stripped == "$$":
            if stripped:  # display math and untagged notes: text, never a card
                self.loose.append((number, line.rstrip()))
            return
        if stripped in (sr.multiline, sr.multiline_reversed):
            if not self.loose:
                self.warn(number, f'"{stripped}" with no question above it ignored')
                return
            question = "\n".join(t.strip() for _, t in self.loose)
            start = self.loose[0][0]
            self.loose = []
            self.close()
            self.card = Pending(start, [question], in_answer=True,
                                reverse=stripped == sr.multiline_reversed,
                                ends_at_blank=not sr.end_marker, end_marker=sr.end_marker)
            return
        if stripped.startswith("|"):  # a table row: its cells are no card's sides
            self.loose.append((number, line.rstrip()))
            return
        for pattern, both in sr.patterns():
            # `code spans` may hold anything, `::` included: match with them masked
            found = pattern.match(CODE_SPAN.sub(lambda m: "\0" * len(m.group(0)), stripped))
            if found and not stripped.startswith("http"):
                self.finish_loose()
                prompt = one_line_side(stripped[found.start("q"):found.end("q")], True)
                reply = one_line_side(stripped[found.start("a"):found.end("a")])
                self.add(Card(deck=self.deck, id=id_for(None, prompt), kind=Kind.BASIC,
                              prompt=prompt, answer=reply, line=number))
                if both:
                    self.add(Card(deck=self.deck, id=id_for(None, reply), kind=Kind.BASIC,
                                  prompt=reply, answer=prompt, line=number))
                return
        self.loose.append((number, line.rstrip()))

    # ---- fenced blocks and quizzes -------------------------------------------------------

    def fenced(self, info: str, inner: list[str], number: int, whole: list[str],
               blank_before: bool = False) -> None:
        if info in FLASHCARD_FENCES:
            self.close()
            self.finish_loose()
            Reader(self.deck, self.result, self.sr).read(inner, number)
            return
        if info == "quiz":
            self.close()
            self.finish_loose()
            self.quiz(inner, number)
            return
        card = self.card
        if card is not None and card.in_answer:
            has_answer = any(a.strip() for a in card.answer)
            if not has_answer or not blank_before:
                while card.answer and not card.answer[-1].strip():
                    card.answer.pop()
                card.answer.extend(w.rstrip() for w in whole)  # code as the answer
                return
            self.close()  # code after a finished answer is not part of it
        elif card is not None:
            card.question.extend(w.rstrip() for w in whole)
            return
        self.finish_loose()
        self.warn(number, "a code block outside any card ignored")

    def quiz(self, inner: list[str], number: int) -> None:
        """```quiz: question lines, `- ( )`/`- (x)` options, `>` explanation lines."""
        question: list[str] = []
        options: list[tuple[bool, str]] = []
        explain: list[str] = []
        for line in inner:
            option = QUIZ_OPTION.match(line)
            if option:
                options.append((option.group(1).lower() == "x", option.group(2).strip()))
            elif line.lstrip().startswith(">"):
                explain.append(line.lstrip()[1:].strip())
            elif line.strip() and not options:
                question.append(line.strip())
        right = [text for correct, text in options if correct]
        prompt = "\n".join(question).strip()
        if not prompt or len(right) != 1:
            self.warn(number, "a quiz block needs a question and exactly one (x) option; "
                              "skipped")
            return
        self.add(Card(deck=self.deck, id=id_for(None, prompt), kind=Kind.CHOICE,
                      prompt=prompt, answer=right[0], line=number,
                      options=tuple(t for c, t in options if not c),
                      explain=" ".join(e for e in explain if e)))

    def mkdocs(self, lines: list[str], index: int, offset: int, question: str) -> int:
        """A numbered heading: a MkDocs Material quiz question when options and "the correct
        answer is X" follow; otherwise an ordinary heading. Returns the next line."""
        from pmquiz.interop.material_quiz import material_question

        self.close()
        self.finish_loose()
        found, end = material_question(self.deck, lines, index, offset, question)
        if isinstance(found, str):
            self.warn(offset + index + 1, found)
        elif found is not None:
            self.add(found)
        return end


def _structure(lines: list[str]) -> dict[int, tuple[str, int, str]]:
    """First line -> (kind, last line, fence info) of each top-level fenced or indented code
    block, heading (ATX or setext), rule and HTML block of comments only, as CommonMark
    reads them."""
    from markdown_it import MarkdownIt

    found: dict[int, tuple[str, int, str]] = {}
    for token in MarkdownIt("commonmark").parse("\n".join(lines)):
        if token.level != 0 or not token.map:
            continue
        start, end = token.map[0], token.map[1] - 1
        if token.type == "fence":
            # an unclosed fence runs to the end; its last line is content, not a fence
            closed = end > start and FENCE.match(lines[end]) is not None
            found[start] = ("fence", end if closed else end + 1,
                            token.info.strip().split(" ")[0].lower())
        elif token.type == "code_block":
            found[start] = ("code_block", end, "")
        elif token.type == "heading_open":
            found[start] = ("heading", end, "")
        elif token.type == "hr":
            found[start] = ("hr", end, "")
        elif token.type == "html_block" and COMMENTS.fullmatch(token.content):
            found[start] = ("comment", end, "")
    return found


def _separator_in_answer(line: str, sr: SpacedRepetition | None, card: Pending) -> str:
    """What to say of a multi-line separator inside an Obsidian card's answer (questions
    written one under the other with no blank line): the plugin reads one card."""
    if sr is None or line not in (sr.multiline, sr.multiline_reversed) or \
            not (card.ends_at_blank or card.end_marker):
        return ""
    return (f'"{line}" inside the answer of the card at line {card.line}: one card, as the '
            "plugin reads it (a blank line before a question makes it a card of its own)")


def _structured(line: str) -> bool:
    """A list item, table row, quote or indented line: it continues an answer."""
    return bool(LIST_ITEM.match(line)) or line.lstrip().startswith(("|", ">")) or \
        line.startswith(("    ", "\t"))


def read_qa(path: Path, deck_slug: str, text: str | None = None,
            sr: dict[str, object] | None = None) -> ReadNotes:
    """Parse a Markdown flashcard file into basic, choice and cloze cards. `sr` holds the
    Obsidian Spaced Repetition settings given on the command line, over those of the vault
    the file is in (see `obsidian_sr`)."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFormatError(f"{path}: not UTF-8 text") from None
    result = ReadNotes(format_name="markdown")
    lines = text.splitlines()
    title, settings = _front_matter(lines)
    if title:
        result.decks.append(title)  # the module's title, unless --module gives one
    vault = vault_settings(path)
    if vault.problem:
        result.warnings.append(Warning_(0, f"{vault.source}: {vault.problem}"))
    result.warnings += [Warning_(0, f"{vault.source}: the plugin's {what}")
                        for what in vault.unapplied]
    layered: dict[str, Any] = {**vault.settings, **(sr or {}), **settings}
    config = replace(SpacedRepetition(), **layered)
    tagged = config.tagged(text)
    Reader(deck_slug, result, config if tagged else None).read(lines)
    result.cards = [_tidy(card) for card in result.cards]
    if tagged and result.cards:
        result.format_name = "obsidian-sr"
        if "![[" in text:
            from pmquiz.interop.obsidian_embeds import with_embeds

            result.cards = with_embeds(path, result)
    if not tagged and not result.cards:
        tags = ", ".join("#" + t.lstrip("#") for t in config.tags)
        result.warnings.insert(0, Warning_(0, f"no {tags} tag: the Obsidian Spaced "
                                              "Repetition plugin reads cards only in notes "
                                              "tagged for it (add the tag, or pass --tag)"))
    return result


FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")


def _front_matter(lines: list[str]) -> tuple[str, dict[str, str]]:
    """YAML front matter (`---` lines around `key: value` lines at the top of the file):
    blanked out of the lines so no key reads as a card; its `title` and the Spaced
    Repetition separators it sets."""
    if not lines or lines[0].strip() != "---":
        return "", {}
    end = next((i for i, line in enumerate(lines[1:50], 1) if line.strip() in ("---", "...")),
               None)
    if end is None:
        return "", {}
    title = ""
    settings: dict[str, str] = {}
    for index in range(end + 1):
        found = FRONT_MATTER_KEY.match(lines[index].strip())
        key = found.group(1).lower() if found else ""
        value = found.group(2).strip().strip("\"'") if found else ""
        if key == "title":
            title = value
        elif key in SR_KEYS and value:
            settings[SR_KEYS[key]] = value
        lines[index] = ""
    return title, settings


def _tidy(card: Card) -> Card:
    """Trailing blank lines out of an answer."""
    return replace(card, answer=card.answer.strip("\n"), prompt=card.prompt.strip())
