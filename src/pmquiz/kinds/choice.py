"""`choice`: pick the right answer among options (the card's own wrong options, or the
answers of sibling cards in the module), shuffled."""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from pmquiz import grading
from pmquiz.kinds.base import EXPLAIN_RULE, AnkiNote, CardKind, Fail, Question, Verdict
from pmquiz.model import Card, Kind


class Choice(CardKind):
    """Multiple choice."""

    kind = Kind.CHOICE
    required = ("answer",)
    answer_mode = "choose"

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """A non-empty answer that is not also listed among the (wrong) options."""
        fields = super().check(raw, sets, fail)
        answer = raw.get("answer")
        if isinstance(answer, str) and "answer" in raw and not answer.strip():
            fail('"answer" is empty', "answer")
        options = raw.get("options", [])
        if isinstance(answer, str) and isinstance(options, list) and answer in options:
            fail('"options" lists the wrong answers only; remove the right one', "options")
        return fields

    def check_in_deck(self, card: Card, deck_cards: list[Card]) -> str:
        """Wrong options must come from somewhere."""
        if not card.options and not sibling_answers(card, deck_cards):
            return ('kind "choice" needs "options" (wrong answers to show), or other cards in '
                    "the deck to draw them from")
        return ""

    def options(self, card: Card, module_cards: Iterable[Card],
                rng: random.Random) -> tuple[str, ...]:
        """Up to three wrong options and the answer, shuffled."""
        wrong = list(distractors(card, module_cards))
        picked = rng.sample(wrong, min(3, len(wrong)))
        choices = [*picked, card.answer]
        rng.shuffle(choices)
        return tuple(choices)

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:  # noqa: ARG002
        """The chosen option is the answer or it is not."""
        return Verdict(question, response, grading.grade_choice(response, question.card.answer))

    def to_anki(self, card: Card) -> AnkiNote:
        """Front: the prompt and the options as a list; back: the answer."""
        options = sorted([*card.options, card.answer]) if card.options else [card.answer]
        explain = f"{EXPLAIN_RULE}{card.explain}" if card.explain else ""
        return AnkiNote(card.prompt + "\n" + "\n".join(f"- {o}" for o in options),
                        card.answer + explain)

    def from_anki(self, card: Card) -> Card | None:
        """The options come back from the front's list."""
        lines = card.prompt.split("\n")
        options = [line[2:].strip() for line in lines[1:] if line.startswith("- ")]
        return Card(deck=card.deck, id=card.id, kind=Kind.CHOICE, prompt=lines[0],
                    answer=card.answer, options=tuple(o for o in options if o != card.answer),
                    explain=card.explain, source=card.source)


def sibling_answers(card: Card, cards: Iterable[Card]) -> list[str]:
    """Answers of other choice and basic cards of the module: candidate wrong options."""
    return sorted({c.answer for c in cards if c.kind in (Kind.CHOICE, Kind.BASIC)
                   and c.answer and c.answer != card.answer and len(c.answer) < 200})


def distractors(card: Card, module_cards: Iterable[Card]) -> tuple[str, ...]:
    """The wrong options of a choice card: its own, else answers of sibling cards."""
    return card.options or tuple(sibling_answers(card, module_cards)[:3])


KIND = Choice()
