"""`classify`: which category of a set does this statement belong to (Product management or
Project management...)? The categories come from the deck's `[sets]` or are listed inline."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from pmquiz import grading
from pmquiz.kinds.base import EXPLAIN_RULE, AnkiNote, CardKind, Fail, Question, Verdict
from pmquiz.model import Card, Kind


class Classify(CardKind):
    """A statement and its category."""

    kind = Kind.CLASSIFY
    required = ("categories", "answer")
    answer_mode = "choose"

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """Categories (a set's name or a list of two or more) and an answer among them."""
        super().check(raw, sets, fail)
        answer = raw.get("answer")
        if isinstance(answer, str) and "answer" in raw and not answer.strip():
            fail('"answer" is empty', "answer")
        categories: tuple[str, ...] = ()
        if "categories" in raw:
            value = raw["categories"]
            if isinstance(value, str):
                if value not in sets:
                    fail(f'categories "{value}" is not a set in [sets]; define it there or '
                         "list the categories inline", "categories")
                categories = sets.get(value, ())
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                fail('"categories" must be a list of strings', "categories")
            else:
                categories = tuple(v.strip() for v in value if v.strip())
                if len(categories) < 2:
                    fail('"categories" needs two or more names', "categories")
            if categories and isinstance(answer, str) and answer.strip() not in categories:
                fail(f'answer "{answer}" is not one of its categories: ' + ", ".join(categories),
                     "answer")
        return {"categories": categories}

    def options(self, card: Card, module_cards: Iterable[Card],  # noqa: ARG002
                rng: random.Random) -> tuple[str, ...]:  # noqa: ARG002
        """The categories, always in the set's order (so keys stay the same)."""
        return card.categories

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:  # noqa: ARG002
        """The chosen category is the answer or it is not."""
        return Verdict(question, response, grading.grade_choice(response, question.card.answer))

    def to_anki(self, card: Card) -> AnkiNote:
        """Front: the statement and `(A or B?)`; back: the category."""
        explain = f"{EXPLAIN_RULE}{card.explain}" if card.explain else ""
        return AnkiNote(f"{card.prompt}\n({' or '.join(card.categories)}?)",
                        card.answer + explain)

    def from_anki(self, card: Card) -> Card | None:
        """The categories come back from the front's last line."""
        lines = card.prompt.split("\n")
        if len(lines) < 2 or not lines[-1].startswith("("):
            return None
        categories = tuple(c.strip() for c in lines[-1].strip("()?").split(" or "))
        if card.answer not in categories:
            return None
        return Card(deck=card.deck, id=card.id, kind=Kind.CLASSIFY,
                    prompt="\n".join(lines[:-1]), answer=card.answer, categories=categories,
                    explain=card.explain, source=card.source)


KIND = Classify()
