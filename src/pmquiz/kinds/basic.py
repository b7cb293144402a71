"""`basic`: a question and its answer; the learner types an attempt (or nothing), sees the
answer and rates themselves, helped by a word-level hint."""

from __future__ import annotations

from typing import Any

from pmquiz import grading
from pmquiz.grading import Outcome
from pmquiz.kinds.base import CardKind, Fail, Question, Verdict
from pmquiz.model import Card, Kind


class Basic(CardKind):
    """Self-rated question and answer."""

    kind = Kind.BASIC
    required = ("answer",)
    hint = "type your answer (or just Enter), then rate yourself"
    uses_vocabulary = True

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """Needs a non-empty answer; `also` lists other wordings that are right too."""
        fields = super().check(raw, sets, fail)
        if isinstance(raw.get("answer"), str) and not raw["answer"].strip():
            fail('"answer" is empty', "answer")
        also = raw.get("also", [])
        if isinstance(also, str):
            also = [also]
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip()
                                                 for a in also):
            fail('"also" must be another wording of the answer, or a list of them', "also")
        else:
            fields["also"] = tuple(a.strip() for a in also)
        return fields

    def teaches(self, card: Card) -> list[str]:
        """The question and its answers."""
        return [card.prompt, card.answer, *card.also]

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:
        """No grade (the learner rates); a hint: matches, close, or key words found."""
        card = question.card
        if not response.strip():
            return Verdict(question, response, None)
        # the hint measures the attempt against the wording it comes closest to
        def fit(accepted: str) -> tuple[bool, float]:
            found, total = grading.key_words_covered(response, accepted, known)
            right = grading.compare_words(response, accepted, known).outcome is Outcome.RIGHT
            return right, found / max(1, total)

        best = max((card.answer, *card.also), key=fit) if card.also else card.answer
        hint = grading.compare_words(response, best, known).outcome
        return Verdict(question, response, None, hint,
                       grading.key_words_covered(response, best, known))

    def feedback(self, verdict: Verdict) -> list[tuple[str, str]]:
        """The hint, then the answer and explanation."""
        lines: list[tuple[str, str]] = []
        if verdict.hint is Outcome.RIGHT:
            lines.append(("Your answer matches.", "green"))
        elif verdict.hint is Outcome.CLOSE:
            lines.append(("Your answer is close.", "yellow"))
        elif verdict.key_words[0]:
            found, total = verdict.key_words
            lines.append((f"Your answer has {found} of the {total} key words.", "yellow"))
        card = verdict.question.card
        lines.append((f"Answer: {self.expected_answer(card)}", "bold"))
        lines += [(f"Also right: {other}", "") for other in card.also]
        return lines + self.explanation(verdict)


KIND = Basic()
