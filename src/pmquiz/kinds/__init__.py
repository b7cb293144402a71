"""Card kinds, one module each (basic, choice, classify, list, cloze), and their registry.

Deck validation, the study loop, the screens, the importers and exporters look a kind up here
instead of testing `card.kind` themselves: adding a kind is one module (a `CardKind` subclass
and its `KIND` instance) plus a line in `REGISTRY`, and its tests.
"""

from __future__ import annotations

from pmquiz.kinds import basic, choice, classify, cloze
from pmquiz.kinds import list as list_kind
from pmquiz.kinds.base import AnkiNote, CardKind, Question, Rated, Verdict
from pmquiz.model import Card, Kind

REGISTRY: dict[Kind, CardKind] = {
    k.kind: k for k in (basic.KIND, choice.KIND, classify.KIND, list_kind.KIND, cloze.KIND)}

__all__ = ["REGISTRY", "AnkiNote", "CardKind", "Question", "Rated", "Verdict", "kind_of",
           "question_text", "shown_text"]


def kind_of(card: Card | Kind) -> CardKind:
    """The kind module's object for a card (or a kind)."""
    return REGISTRY[card.kind if isinstance(card, Card) else card]


def question_text(card: Card) -> str:
    """The prompt as the learner is asked it (cloze gaps blanked)."""
    return kind_of(card).question_text(card)


def shown_text(card: Card) -> str:
    """The card as a learner knows it, for lists of cards (stats, summaries): a cloze with
    its answers filled in and marked [like this], never raw braces."""
    return kind_of(card).shown_text(card)


def expected_answer(card: Card) -> str:
    """The answer as shown after an attempt."""
    return kind_of(card).expected_answer(card)
