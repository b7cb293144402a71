"""Every registered card kind, end to end: deck file -> question -> a right and a wrong answer
-> Anki note -> back. A new kind added to the registry is tested here without a new test."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pmquiz.deck import parse_deck
from pmquiz.grading import Outcome
from pmquiz.interop.anki_text import note_guid, note_tags
from pmquiz.interop.records import note_card
from pmquiz.kinds import REGISTRY, Question, kind_of, question_text
from pmquiz.model import CardState, Kind, StoredCard

from helpers import write_deck

CARDS = {
    Kind.BASIC: ('[[cards]]\nid = "basic"\nkind = "basic"\nprompt = "What is product '
                 'management?"\nanswer = "Guiding a product through its lifecycle"\n\n'),
    Kind.CHOICE: ('[[cards]]\nid = "choice"\nkind = "choice"\nprompt = "Which stage comes '
                  'first?"\nanswer = "Introduction"\noptions = ["Growth", "Maturity", '
                  '"Decline"]\n\n'),
    Kind.CLASSIFY: ('[[cards]]\nid = "classify"\nkind = "classify"\ncategories = "pp"\n'
                    'prompt = "Tracks the budget"\nanswer = "Project management"\n\n'),
    Kind.LIST: ('[[cards]]\nid = "list"\nkind = "list"\nprompt = "Name the four stages."\n'
                'items = ["Introduction", "Growth", "Maturity", "Decline"]\n\n'),
    Kind.CLOZE: ('[[cards]]\nid = "cloze"\nkind = "cloze"\nprompt = "Sales level off in '
                 '{{maturity}} and fall in {{decline}}."\n\n'),
}
SETS = '[sets]\npp = ["Product management", "Project management"]\n'
# (right answer, wrong answer) as a learner types or picks them
ANSWERS = {
    Kind.BASIC: ("guiding a product through its lifecycle", "running the sprint"),
    Kind.CHOICE: ("Introduction", "Decline"),
    Kind.CLASSIFY: ("Project management", "Product management"),
    Kind.LIST: ("decline, growth, introduction, maturity", "launch, growth"),
    Kind.CLOZE: ("maturity; decline", "majority; define"),
}


def test_every_kind_has_a_case() -> None:
    assert set(REGISTRY) == set(Kind) == set(CARDS)


@pytest.mark.parametrize("kind", list(REGISTRY))
def test_kind_from_deck_to_anki_and_back(kind: Kind, tmp_path: Path) -> None:
    path = write_deck(tmp_path, "alpha", "".join(CARDS.values()), extra=SETS)
    deck = parse_deck(path, path.read_bytes())
    card = next(c for c in deck.cards if c.kind is kind)
    spec = kind_of(card)
    assert spec.kind is kind
    stored = StoredCard(row=1, card=card, phase_number=0, module_title="Alpha",
                        state=CardState())
    options = spec.options(card, deck.cards, random.Random(1)) \
        if spec.answer_mode == "choose" else ()
    question = Question(stored, 1, 0, options)
    assert question_text(card)
    if kind is Kind.CLOZE:
        assert "{{" not in question_text(card) and "_____" in question_text(card)
    if options:
        assert card.answer in options
    right, wrong = ANSWERS[kind]
    good = spec.judge(question, right)
    bad = spec.judge(question, wrong)
    if good.grade is None:  # self-rated: the hint says right and wrong apart
        assert good.hint is Outcome.RIGHT and bad.hint is Outcome.WRONG
    else:
        assert good.grade.outcome is Outcome.RIGHT
        assert bad.grade is not None and bad.grade.outcome is Outcome.WRONG
        assert spec.expected_answer(card) in " ".join(t for t, _ in spec.feedback(bad))
    note = spec.to_anki(card)
    assert note.cloze is (kind is Kind.CLOZE)
    back = note_card(card.deck, note_guid(card), note.front, note.back, card.source,
                     cloze=note.cloze, tags=" ".join(note_tags(deck, card)))
    assert back is not None
    assert (back.id, back.kind, back.prompt, back.answer, set(back.options), back.categories,
            back.items) == (card.id, card.kind, card.prompt, card.answer, set(card.options),
                            card.categories, card.items)
