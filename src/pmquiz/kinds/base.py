"""What every card kind provides, and the question and verdict types the study loop, the
drill and the screens share. A kind module subclasses `CardKind` and registers an instance in
`pmquiz.kinds`."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

from pmquiz.grading import Grade, Outcome, normalize
from pmquiz.model import Card, Kind, Rating, StoredCard

Fail = Callable[..., None]  # fail(message, key=None): report a deck error at the key's line


@dataclass(frozen=True)
class Question:
    """A card as put to the learner: its options (choice/classify) and where it stands."""

    stored: StoredCard
    number: int
    remaining: int
    options: tuple[str, ...] = ()
    counts: tuple[int, int, int] = (0, 0, 0)  # new, learning, review still to ask, this one in
    done: int = 0  # cards answered this session

    @property
    def card(self) -> Card:
        """The card being asked."""
        return self.stored.card


@dataclass(frozen=True)
class Verdict:
    """What the learner answered and how it compares; `grade` is None for self-rated cards."""

    question: Question
    response: str
    grade: Grade | None
    hint: Outcome | None = None
    key_words: tuple[int, int] = (0, 0)  # basic cards: key words of the answer in the attempt
    intervals: dict[Rating, timedelta] = field(default_factory=dict)  # shown on the keys


def interval_label(interval: timedelta) -> str:
    """`1m`, `10m`, `5h`, `4d`, `1.5mo`, `2.1y`, as Anki labels its rating keys."""
    minutes = interval.total_seconds() / 60
    if minutes < 60:
        return f"{max(1, round(minutes))}m"
    if minutes < 24 * 60:
        return f"{round(minutes / 60)}h"
    days = minutes / (24 * 60)
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


@dataclass(frozen=True)
class Rated:
    """The learner's last word on a verdict: the rating, and `override` ("right" or "wrong")
    when they overruled the automatic verdict."""

    rating: Rating
    override: str = ""


class AnkiNote(NamedTuple):
    """A card as a two-sided Anki note (plain text): Basic or Cloze."""

    front: str
    back: str
    cloze: bool = False


EXPLAIN_RULE = "\n---\n"  # on an Anki note's back, the explanation follows this line

VERDICT_WORDS = {Outcome.RIGHT: "right", Outcome.CLOSE: "close", Outcome.PARTIAL: "partly right",
                 Outcome.WRONG: "wrong"}
VERDICT_STYLE = {Outcome.RIGHT: "bold green", Outcome.CLOSE: "bold yellow",
                 Outcome.PARTIAL: "bold yellow", Outcome.WRONG: "bold red"}


class CardKind(ABC):
    """One kind of card: its deck keys, question, answer reading, grading, hints, Anki form."""

    kind: Kind
    required: tuple[str, ...] = ()  # deck keys a card of this kind must have
    answer_mode = "text"  # how the answer is read: "text", "items" or "choose"
    hint = "press a key"  # the line under the question in a terminal
    uses_vocabulary = False  # grading needs the module's words (typed answers)

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """Validate this kind's deck keys (`raw` is the card's TOML table; `fail(message,
        key)` reports an error); returns this kind's extra Card fields."""
        del sets  # only classify cards read the deck's category sets
        for key in self.required:
            if key not in raw:
                fail(f'kind "{self.kind.value}" needs "{key}"')
        return {}

    def check_in_deck(self, card: Card, deck_cards: list[Card]) -> str:  # noqa: ARG002
        """A problem only the whole deck shows (empty when there is none)."""
        return ""

    def question_text(self, card: Card) -> str:
        """The prompt as asked."""
        return card.prompt

    def expected_answer(self, card: Card) -> str:
        """The answer as shown to the learner after they tried."""
        return card.answer

    def shown_text(self, card: Card) -> str:
        """The card in a list of cards (stats, summaries)."""
        return card.prompt

    def teaches(self, card: Card) -> list[str]:
        """The card's content as plain sentences (evidence for the statement check)."""
        return [card.prompt]

    def options(self, card: Card, module_cards: Iterable[Card],  # noqa: ARG002
                rng: random.Random) -> tuple[str, ...]:  # noqa: ARG002
        """The options to choose from (choice and classify), in the order shown."""
        return ()

    @abstractmethod
    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:
        """Grade a raw response. `known` is the module's vocabulary."""

    def feedback(self, verdict: Verdict) -> list[tuple[str, str]]:
        """(text, style) lines telling the learner how they did and what was expected."""
        card = verdict.question.card
        grade = verdict.grade
        lines: list[tuple[str, str]] = []
        if grade is not None:
            mark = {Outcome.RIGHT: "✓", Outcome.WRONG: "✗"}.get(grade.outcome, "~")
            lines.append((f"{mark} {VERDICT_WORDS[grade.outcome]}",
                          VERDICT_STYLE[grade.outcome]))
            expected = self.expected_answer(card)
            # whenever the answer differs from the course's text in any way (a typo, the
            # other spelling, another form), the course's text is shown
            if grade.outcome is not Outcome.RIGHT or \
                    normalize(verdict.response) != normalize(expected):
                lines.append((f"Answer: {expected}", "bold"))
        lines += self.explanation(verdict)
        return lines

    def explanation(self, verdict: Verdict) -> list[tuple[str, str]]:
        """The card's explanation, unless the answer was right or it only restates it."""
        card = verdict.question.card
        grade = verdict.grade
        if card.explain and (grade is None or grade.outcome is not Outcome.RIGHT) and \
                not restates(card.explain, self.expected_answer(card)):
            return [(card.explain, "dim")]
        return []

    def to_anki(self, card: Card) -> AnkiNote:
        """The card as an Anki note; the explanation follows the answer after a `---` line."""
        return AnkiNote(card.prompt, card.answer + _explained(card))

    def from_anki(self, card: Card) -> Card | None:
        """Turn a Basic note that pmquiz exported (read as a basic card: front as prompt, back
        as answer) back into a card of this kind; None when the note does not fit."""
        return card


def _explained(card: Card) -> str:
    return f"{EXPLAIN_RULE}{card.explain}" if card.explain else ""


def restates(explain: str, answer: str) -> bool:
    """The explanation only says the answer again (a definition quoted in full)."""
    said, expected = normalize(explain), normalize(answer)
    return bool(expected) and expected in said and len(said) < 1.5 * len(expected) + 30
