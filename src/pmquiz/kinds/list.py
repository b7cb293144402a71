"""`list`: name every item (in order when the card says so), or `pick` of them for an open
list; the rules are `grading_lists`'."""

from __future__ import annotations

import re
from typing import Any

from pmquiz import grading, grading_lists
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
        ordered = raw.get("ordered", False)
        if not isinstance(ordered, bool):
            fail('"ordered" must be true or false (the items must come in order)', "ordered")
        elif ordered:
            fields["ordered"] = True
        if "pick" in raw:
            pick = raw["pick"]
            count = len(items) if isinstance(items, list) else 0
            if not isinstance(pick, int) or isinstance(pick, bool) or not 1 <= pick <= count:
                fail(f'"pick" is how many of the items to name (an open list): 1 to {count}',
                     "pick")
            else:
                fields["pick"] = pick
        return fields

    def teaches(self, card: Card) -> list[str]:
        """What the list is about (the prompt without its request to name the items) and
        every item."""
        about = re.sub(r"\s*Name all \w+(?:, in order)?[.?]?\s*$", "", card.prompt)
        about = re.sub(r"^\s*Name (?:the )?", "", about).strip()
        return [text for text in (about, *card.items) if text]

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:
        """Items matched word by word, by the rules of `grading_lists` (order, open lists,
        alternatives)."""
        card = question.card
        return Verdict(question, response, grading_lists.grade_list(
            grading_lists.split_items(response), list(card.items), known,
            ordered=is_ordered(card), pick=card.pick))

    def feedback(self, verdict: Verdict) -> list[tuple[str, str]]:
        """How many items; the order when it was wrong; the ones missed; the ones not in the
        list (or, in an open list, not among its examples); and the course's items whenever
        the answer differs from them."""
        card = verdict.question.card
        grade = verdict.grade
        assert isinstance(grade, grading_lists.ListGrade)
        mark = {Outcome.RIGHT: "✓", Outcome.WRONG: "✗"}.get(grade.outcome, "~")
        asked = grade.asked or len(card.items)
        lines = [(f"{mark} {VERDICT_WORDS[grade.outcome]} "
                  f"({min(len(grade.matched), asked)} of {asked})",
                  VERDICT_STYLE[grade.outcome])]
        if grade.out_of_order:
            lines.append(("The right items in another order. In order: " + " → ".join(
                grading_lists.shown_item(i) for i in card.items), "yellow"))
        if grade.missed and (not card.pick or grade.outcome is Outcome.WRONG):
            lines.append(("Missed: " + "; ".join(grading_lists.shown_item(i)
                                                 for i in grade.missed), "yellow"))
        if grade.extra:
            label = "Not among the course's examples: " if card.pick else "Not in the list: "
            lines.append((label + "; ".join(grade.extra), "dim" if card.pick else "red"))
        if grade.outcome is not Outcome.RIGHT or self._differs(card, verdict.response):
            lines.append((f"Answer: {self.expected_answer(card)}", "bold"))
        return lines + self.explanation(verdict)

    def expected_answer(self, card: Card) -> str:
        """The items, in order with arrows for an ordered list, else with semicolons; an
        open list says how many of them to name."""
        shown = [grading_lists.shown_item(i) for i in card.items]
        if is_ordered(card):
            return " → ".join(shown)
        if card.pick:
            return f"any {card.pick} of: " + "; ".join(shown)
        return "; ".join(shown)

    @staticmethod
    def _differs(card: Card, response: str) -> bool:
        """The answer is not worded exactly as the course's items (spelling, forms)."""
        names = {grading.normalize(name) for item in card.items
                 for name in grading_lists.alternatives(item)}
        return any(grading.normalize(given) not in names
                   for given in grading_lists.split_items(response))

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


def is_ordered(card: Card) -> bool:
    """Its items must come in order: the deck says so, or its prompt does ("in order")."""
    return card.ordered or bool(re.search(r"\bin order\b", card.prompt, re.IGNORECASE))


KIND = ListKind()
