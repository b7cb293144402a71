"""Lenient matching, list partial credit and the answer -> rating map."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.grading import (
    Outcome,
    compare,
    edit_distance,
    grade_choice,
    grade_cloze,
    grade_list,
    grade_text,
    normalize,
    split_gaps,
    split_items,
)
from pmquiz.model import Rating

PRINCIPLES = ["Deliver value fast", "Build recurring value", "Drive virality",
              "Create high switching costs"]


@pytest.mark.parametrize(("attempt", "expected", "outcome"), [
    ("Deliver value fast", "Deliver value fast", Outcome.RIGHT),
    ("deliver VALUE fast!", "Deliver value fast", Outcome.RIGHT),
    ("  deliver   value, fast ", "Deliver value fast", Outcome.RIGHT),
    ("Délivér value fast", "Deliver value fast", Outcome.RIGHT),
    ("the customer journey", "customer journey", Outcome.RIGHT),
    ("“aha!” moment", '"aha" moment', Outcome.RIGHT),
    ("Delivr value fsat", "Deliver value fast", Outcome.RIGHT),  # two small typos
    ("Drive viral growth", "Drive virality", Outcome.CLOSE),
    ("Build network effects", "Drive virality", Outcome.WRONG),
    ("why", "why", Outcome.RIGHT),
    ("who", "why", Outcome.WRONG),  # short words must match exactly
    ("", "anything", Outcome.WRONG),
])
def test_compare(attempt: str, expected: str, outcome: Outcome) -> None:
    assert compare(attempt, expected) is outcome


def test_outcomes_map_to_ratings() -> None:
    assert grade_text("Drive virality", ["Drive virality"]).rating is Rating.GOOD
    assert grade_text("Drive viral growth", ["Drive virality"]).rating is Rating.HARD
    assert grade_text("nope", ["Drive virality"]).rating is Rating.AGAIN
    assert grade_choice("A", "A").rating is Rating.GOOD
    assert grade_choice("B", "A").rating is Rating.AGAIN


def test_list_in_any_order_with_typos_is_right() -> None:
    grade = grade_list(["drive virality", "create high switchng costs", "Deliver value fast",
                        "build recurring value"], PRINCIPLES)
    assert grade.outcome is Outcome.RIGHT
    assert grade.score == 1.0


def test_list_partial_credit() -> None:
    half = grade_list(["Drive virality", "Deliver value fast", "go viral"], PRINCIPLES)
    assert half.outcome is Outcome.PARTIAL and half.rating is Rating.HARD
    assert half.score == 0.5
    assert set(half.missed) == {"Build recurring value", "Create high switching costs"}
    assert half.extra == ("go viral",)
    one = grade_list(["Drive virality"], PRINCIPLES)
    assert one.outcome is Outcome.WRONG and one.rating is Rating.AGAIN


def test_an_item_counts_once() -> None:
    grade = grade_list(["Drive virality", "drive virality"], ["Drive virality", "Other thing"])
    assert grade.matched == ("Drive virality",)
    assert grade.outcome is Outcome.PARTIAL


def test_split_items_and_gaps() -> None:
    assert split_items("a, b;c\nd") == ["a", "b", "c", "d"]
    assert split_gaps("why; what", 2) == ["why", "what"]
    assert split_gaps("why, what", 2) == ["why", "what"]
    assert split_gaps("customer needs, business goals, technical realities", 3) == \
        ["customer needs", "business goals", "technical realities"]


def test_cloze_alternatives_and_partial() -> None:
    gaps = [["product"], ["growth", "expansion"]]
    assert grade_cloze(["product", "expansion"], gaps).outcome is Outcome.RIGHT
    assert grade_cloze(["product", "sales"], gaps).outcome is Outcome.PARTIAL
    assert grade_cloze(["", ""], gaps).outcome is Outcome.WRONG


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.lists(st.text(max_size=30), min_size=1, max_size=4))
def test_grading_never_crashes_and_scores_stay_in_range(attempt: str, accepted: list[str]) -> None:
    grade = grade_text(attempt, accepted)
    assert 0.0 <= grade.score <= 1.0
    listed = grade_list(split_items(attempt), accepted)
    assert 0.0 <= listed.score <= 1.0


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=6, max_size=40))
def test_exact_answers_are_always_right(answer: str) -> None:
    if normalize(answer):
        assert compare(answer.upper(), answer) in (Outcome.RIGHT,) or \
            normalize(answer.upper()) != normalize(answer)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=12, max_size=40),
       st.integers(min_value=0, max_value=1000))
def test_one_typo_in_a_long_answer_is_forgiven(answer: str, where: int) -> None:
    if len(normalize(answer)) < 12:
        return
    i = where % len(answer)
    typo = answer[:i] + ("x" if answer[i] != "x" else "y") + answer[i + 1:]
    assert compare(typo, answer) is Outcome.RIGHT


@given(st.text(max_size=25), st.text(max_size=25))
def test_edit_distance_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a)
    assert edit_distance(a, b) <= max(len(a), len(b))
    assert (edit_distance(a, b) == 0) == (a == b)
