"""`list`: name every item (in any order); wrong extras cost as much as missing items."""

from __future__ import annotations

import re
from typing import Any

from pmquiz import grading
from pmquiz.grading import Outcome
from pmquiz.kinds.base import (
    EXPLAIN_RULE,
    VERDICT_STYLE,
    VERDICT_WORDS,
    AnkiNote,
    CardKind,
    Fail,
    Question,
    Verdict,
)
from pmquiz.model import Card, Kind


class ListKind(CardKind):
    """A list to recall."""

    kind = Kind.LIST
    required = ("items",)
    answer_mode = "items"
    hint = "name every item: comma-separated, or one per line and an empty line to end"
    uses_vocabulary = True

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """At least one item."""
        fields = super().check(raw, sets, fail)
        items = raw.get("items")
        if isinstance(items, list) and all(isinstance(v, str) for v in items) and \
                not any(v.strip() for v in items):
            fail('"items" is empty: a list card needs at least one item', "items")
        return fields

    def expected_answer(self, card: Card) -> str:
        """The items, separated by semicolons."""
        return "; ".join(card.items)

    def teaches(self, card: Card) -> list[str]:
        """What the list is about (the prompt without its request to name the items) and
        every item."""
        about = re.sub(r"\s*Name all \w+(?:, in order)?[.?]?\s*$", "", card.prompt)
        about = re.sub(r"^\s*Name (?:the )?", "", about).strip()
        return [text for text in (about, *card.items) if text]

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:
        """Items matched word by word; extras shown and counted against the grade."""
        return Verdict(question, response, grading.grade_list(
            grading.split_items(response), list(question.card.items), known))

    def feedback(self, verdict: Verdict) -> list[tuple[str, str]]:
        """How many items, the ones missed and the ones that are not in the list."""
        card = verdict.question.card
        grade = verdict.grade
        assert grade is not None
        mark = {Outcome.RIGHT: "✓", Outcome.WRONG: "✗"}.get(grade.outcome, "~")
        lines = [(f"{mark} {VERDICT_WORDS[grade.outcome]} "
                  f"({len(grade.matched)} of {len(card.items)})", VERDICT_STYLE[grade.outcome])]
        if grade.missed:
            lines.append(("Missed: " + "; ".join(grade.missed), "yellow"))
        if grade.extra:
            lines.append(("Not in the list: " + "; ".join(grade.extra), "red"))
        if grade.outcome is not Outcome.RIGHT:
            lines.append((f"Answer: {self.expected_answer(card)}", "bold"))
        return lines + self.explanation(verdict)

    def to_anki(self, card: Card) -> AnkiNote:
        """Back: the items as a Markdown-style list."""
        explain = f"{EXPLAIN_RULE}{card.explain}" if card.explain else ""
        return AnkiNote(card.prompt, "\n".join(f"- {item}" for item in card.items) + explain)

    def from_anki(self, card: Card) -> Card | None:
        """The items come back from the back's list."""
        items = tuple(line[2:].strip() for line in card.answer.split("\n")
                      if line.startswith("- "))
        if not items:
            return None
        return Card(deck=card.deck, id=card.id, kind=Kind.LIST, prompt=card.prompt,
                    items=items, explain=card.explain, source=card.source)


KIND = ListKind()
