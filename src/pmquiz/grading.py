"""Pure grading: lenient text matching, list partial credit, and the answer -> rating map.

Matching rules (documented in the README):
- both texts are normalised: accents removed, case folded, typographic quotes and all
  punctuation turned into spaces, runs of spaces collapsed, a leading "the", "a" or "an" dropped;
- equal after normalising -> right;
- otherwise the similarity is 1 - (edit distance / length of the longer text), counting a
  swap of two neighbouring letters as one edit; >= MATCH (0.85) -> right (a small typo),
  >= CLOSE (0.65) -> close: shown the expected answer and rated Hard;
- texts of 4 characters or fewer must match exactly after normalising (too short for typos).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from pmquiz.model import Rating

MATCH = 0.85
CLOSE = 0.65
SHORT = 4
LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


class Outcome(StrEnum):
    """How an attempt compares with the expected answer."""

    RIGHT = "right"
    CLOSE = "close"
    PARTIAL = "partial"
    WRONG = "wrong"


OUTCOME_RATING = {
    Outcome.RIGHT: Rating.GOOD,
    Outcome.CLOSE: Rating.HARD,
    Outcome.PARTIAL: Rating.HARD,
    Outcome.WRONG: Rating.AGAIN,
}


@dataclass(frozen=True)
class Grade:
    """The verdict on one attempt: outcome, the rating it maps to, and the score (0..1)."""

    outcome: Outcome
    score: float
    matched: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    @property
    def rating(self) -> Rating:
        """wrong -> Again, close or partial -> Hard, right -> Good."""
        return OUTCOME_RATING[self.outcome]

    @property
    def correct(self) -> bool:
        """Right or close counts as correct for accuracy figures; partial and wrong do not."""
        return self.outcome in (Outcome.RIGHT, Outcome.CLOSE)


def normalize(text: str) -> str:
    """Fold case, accents, quotes and punctuation so only the words remain."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = NON_WORD.sub(" ", stripped.casefold()).strip()
    return LEADING_ARTICLE.sub("", words)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two neighbouring characters costs one edit."""
    if a == b:
        return 0
    if not a or not b:
        return max(len(a), len(b))
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """1.0 for the same words, falling towards 0.0 as more edits are needed."""
    na, nb = normalize(a), normalize(b)
    if na == nb:
        return 1.0
    if not na or not nb:
        return 0.0
    return 1.0 - edit_distance(na, nb) / max(len(na), len(nb))


def compare(attempt: str, expected: str) -> Outcome:
    """Right, close or wrong for one typed attempt against one accepted answer."""
    na, ne = normalize(attempt), normalize(expected)
    if not na:
        return Outcome.WRONG
    if na == ne:
        return Outcome.RIGHT
    if len(ne) <= SHORT or len(na) <= SHORT:
        return Outcome.WRONG
    score = 1.0 - edit_distance(na, ne) / max(len(na), len(ne))
    if score >= MATCH:
        return Outcome.RIGHT
    if score >= CLOSE:
        return Outcome.CLOSE
    return Outcome.WRONG


def grade_text(attempt: str, accepted: list[str]) -> Grade:
    """Grade a typed answer against any of the accepted answers (the best one counts)."""
    order = [Outcome.RIGHT, Outcome.CLOSE, Outcome.WRONG]
    best = min((compare(attempt, a) for a in accepted), key=order.index, default=Outcome.WRONG)
    score = {Outcome.RIGHT: 1.0, Outcome.CLOSE: 0.5}.get(best, 0.0)
    return Grade(best, score)


def split_items(text: str) -> list[str]:
    """Items typed one per line and/or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[\n,;]+", text) if part.strip()]


def grade_list(attempts: list[str], items: list[str]) -> Grade:
    """Partial credit for a list in any order: each expected item can be matched once.

    All items -> right; at least half -> partial (Hard); fewer -> wrong (Again), since
    recalling one principle of four is not a pass.
    """
    remaining = list(items)
    matched: list[str] = []
    extra: list[str] = []
    for attempt in attempts:
        found = next((item for item in remaining
                      if compare(attempt, item) in (Outcome.RIGHT, Outcome.CLOSE)), None)
        if found is None:
            extra.append(attempt)
        else:
            remaining.remove(found)
            matched.append(found)
    score = len(matched) / len(items) if items else 0.0
    if items and not remaining:
        outcome = Outcome.RIGHT
    elif score >= 0.5:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.WRONG
    return Grade(outcome, score, tuple(matched), tuple(remaining), tuple(extra))


def split_gaps(text: str, count: int) -> list[str]:
    """The answers of a cloze with `count` gaps: separated by `;`, else by `,` or new lines."""
    if count <= 1:
        return [text.strip()]
    for separator in (r"[;\n]", r"[,;\n]"):
        parts = [p.strip() for p in re.split(separator, text)]
        if len(parts) == count:
            return parts
    return [p.strip() for p in re.split(r"[,;\n]", text)]


def grade_cloze(attempts: list[str], gaps: list[list[str]]) -> Grade:
    """Each gap is graded as typed text; all right -> right, some right -> partial."""
    outcomes = [grade_text(attempts[i] if i < len(attempts) else "", accepted).outcome
                for i, accepted in enumerate(gaps)]
    right = outcomes.count(Outcome.RIGHT)
    close = outcomes.count(Outcome.CLOSE)
    score = (right + 0.5 * close) / len(gaps) if gaps else 0.0
    if right == len(gaps):
        outcome = Outcome.RIGHT
    elif right + close == len(gaps):
        outcome = Outcome.CLOSE
    elif right + close > 0:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.WRONG
    missed = tuple(gaps[i][0] for i, o in enumerate(outcomes) if o is not Outcome.RIGHT)
    return Grade(outcome, score, missed=missed)


def grade_choice(chosen: str, answer: str) -> Grade:
    """Multiple choice and classification: the chosen option is the answer or it is not."""
    return Grade(Outcome.RIGHT, 1.0) if chosen == answer else Grade(Outcome.WRONG, 0.0)


STOPWORDS = frozenset("""a an the and or of to for in on by with as at from that this these
those it its is are be being been their our your who whom which what when where how why does
do not so than then into over under""".split())


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    """The meaningful words of a statement, lightly stemmed (timelines -> timeline)."""
    return [_stem(w) for w in normalize(text).split() if w not in STOPWORDS]


def _shared_words(these: list[str], those: list[str]) -> int:
    """How many words of `these` appear in `those` (each once; a small typo still counts)."""
    unmatched = list(those)
    shared = 0
    for word in these:
        hit = next((w for w in unmatched if w == word or (
            min(len(w), len(word)) > 4 and
            1 - edit_distance(w, word) / max(len(w), len(word)) >= 0.8)), None)
        if hit is not None:
            unmatched.remove(hit)
            shared += 1
    return shared


def key_words_covered(attempt: str, expected: str) -> tuple[int, int]:
    """(key words of the expected answer found in the attempt, key words in all): a hint for
    self-rated answers that are neither right nor close."""
    wanted = content_words(expected)
    return _shared_words(wanted, content_words(attempt)), len(wanted)


def statement_similarity(a: str, b: str) -> float:
    """How close two statements are in meaning-bearing words (0..1), tolerant of rewording:
    the Dice overlap of their content words (words within a typo count as the same), or the
    plain text similarity when that is higher."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return similarity(a, b)
    dice = 2 * _shared_words(wa, wb) / (len(wa) + len(wb))
    return max(dice, similarity(a, b))
