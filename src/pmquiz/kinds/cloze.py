"""`cloze`: fill the gaps of a sentence. `{{answer}}` marks a gap, `{{a|b}}` accepts either,
`{{answer::hint}}` shows a hint; Anki's `{{c1::answer::hint}}` converts both ways."""

from __future__ import annotations

import re
from typing import Any

from pmquiz import grading_lists
from pmquiz.kinds.base import AnkiNote, CardKind, Fail, Question, Verdict
from pmquiz.model import CLOZE_GAP, Card, Kind

ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


class Cloze(CardKind):
    """A sentence with gaps."""

    kind = Kind.CLOZE
    hint = "fill the gap(s); several gaps: separate with ;"
    uses_vocabulary = True

    def check(self, raw: dict[str, Any], sets: dict[str, tuple[str, ...]],
              fail: Fail) -> dict[str, Any]:
        """At least one gap in the prompt."""
        fields = super().check(raw, sets, fail)
        prompt = raw.get("prompt")
        if isinstance(prompt, str) and not CLOZE_GAP.search(prompt):
            fail('kind "cloze" needs at least one {{gap}} in its prompt', "prompt")
        any_order = raw.get("any_order", False)
        if not isinstance(any_order, bool):
            fail('"any_order" must be true or false (the gaps may be filled in any order)',
                 "any_order")
        elif any_order:
            fields["any_order"] = True
        return fields

    def question_text(self, card: Card) -> str:
        """The prompt with its gaps blanked out (hints kept)."""
        def blank(match: re.Match[str]) -> str:
            hint = match.group(1).split("::", 1)[1].strip() if "::" in match.group(1) else ""
            return f"_____ ({hint})" if hint else "_____"

        return CLOZE_GAP.sub(blank, card.prompt)

    def expected_answer(self, card: Card) -> str:
        """The first accepted answer of each gap."""
        return "; ".join(gap[0] for gap in card.gaps)

    def shown_text(self, card: Card) -> str:
        """The sentence with each gap's answer filled in and marked: "[maturity]"."""
        return CLOZE_GAP.sub(lambda m: "[" + m.group(1).split("::")[0].split("|")[0] + "]",
                             card.prompt)

    def teaches(self, card: Card) -> list[str]:
        """The sentence with its gaps filled in."""
        return [CLOZE_GAP.sub(lambda m: m.group(1).split("::")[0].split("|")[0], card.prompt)]

    def judge(self, question: Question, response: str,
              known: frozenset[str] = frozenset()) -> Verdict:
        """Each gap graded word by word."""
        gaps = question.card.gaps
        card = question.card
        return Verdict(question, response, grading_lists.grade_cloze(
            grading_lists.split_gaps(response, len(gaps)), gaps, known,
            grading_lists.interchangeable(card.prompt) if card.any_order else None))

    def feedback(self, verdict: Verdict) -> list[tuple[str, str]]:
        """A cloze always shows its answer, right or not."""
        lines = super().feedback(verdict)
        if not any(text.startswith("Answer: ") for text, _ in lines):
            lines.insert(1, (f"Answer: {self.expected_answer(verdict.question.card)}", "bold"))
        return lines

    def to_anki(self, card: Card) -> AnkiNote:
        """A Cloze note: numbered `{{c1::…}}` gaps; the explanation as its extra field."""
        return AnkiNote(gaps_to_anki_cloze(card.prompt), card.explain, cloze=True)


def has_anki_cloze(text: str) -> bool:
    """`{{c1::...}}` present."""
    return ANKI_CLOZE.search(text) is not None


def anki_cloze_to_gaps(text: str) -> str:
    """`{{c1::answer::hint}}` -> `{{answer::hint}}`, every number alike (an importer splits
    a note by number first where Anki would: `interop.records.cloze_cards`)."""
    def gap(match: re.Match[str]) -> str:
        answer = match.group(2).replace("|", "/").strip()
        hint = f"::{match.group(3).strip()}" if match.group(3) else ""
        return "{{" + answer + hint + "}}"

    return ANKI_CLOZE.sub(gap, text)


def gaps_to_anki_cloze(text: str) -> str:
    """pmquiz `{{a|b}}` gaps -> Anki `{{c1::a}}`, `{{c2::…}}` numbered in order."""
    counter = iter(range(1, 1000))

    def numbered(match: re.Match[str]) -> str:
        answer, _, hint = match.group(1).partition("::")
        suffix = f"::{hint.strip()}" if hint else ""
        return f"{{{{c{next(counter)}::{answer.split('|')[0].strip()}{suffix}}}}}"

    return re.sub(r"\{\{(.+?)\}\}", numbered, text)


KIND = Cloze()
