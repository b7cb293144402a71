"""Grading lists and cloze gaps, with the rules a careful teacher keeps:
- A list item may have alternatives (`"Launch | Commercialisation"`): any of them names it.
- A closed list is right only with every item and nothing that is not in the list; a missing
  item or a wrong extra fails the card (Again), still saying how many were named ("3 of 4").
- An ordered list (`ordered`, or a prompt that says "in order") must also come in order;
  the right items in another order fail it, and the right order is shown.
- An open list (`pick = N`: "name N of these") is right with N of its items; other answers
  are shown as not among the course's examples, never counted against the learner.
- An item given in another form of its word (maturation for Maturity) makes the list close
  (Hard) at best, never silently right.
- Cloze gaps are graded each as typed text; with `any_order`, gaps joined only by "and" or
  "or" may take their answers in either order (each gap still needs its own answer: the same
  word twice fills one gap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import permutations

from pmquiz.grading import RANK, Grade, Outcome, WordDiff, _best, compare_words


def split_items(text: str) -> list[str]:
    """Items typed one per line and/or separated by commas or semicolons."""
    return [part.strip() for part in re.split(r"[\n,;]+", text) if part.strip()]


def alternatives(item: str) -> list[str]:
    """The names an item accepts: `"Launch | Commercialisation"` -> both."""
    return [name.strip() for name in item.split("|") if name.strip()] or [item]


def shown_item(item: str) -> str:
    """An item as the learner reads it: `Launch (or Commercialisation)`."""
    names = alternatives(item)
    return names[0] + (f" (or {', '.join(names[1:])})" if len(names) > 1 else "")


@dataclass(frozen=True)
class ListGrade(Grade):
    """A list's grade, with what the screen says beyond matched, missed and extra."""

    out_of_order: bool = False  # every item named, in another order
    asked: int = 0  # how many items were asked for (the list, or `pick` of it)
    exact: bool = True  # every item named as the course words it


def _match(attempt: str, item: str, known: frozenset[str]) -> Outcome:
    return min((compare_words(attempt, name, known).outcome for name in alternatives(item)),
               key=RANK.index)


def grade_list(attempts: list[str], items: list[str], known: frozenset[str] = frozenset(),
               ordered: bool = False, pick: int = 0) -> ListGrade:
    """A list answer graded by the rules in this module's docstring."""
    asked = pick or len(items)
    if len(attempts) > 3 * len(items) + 10:
        return ListGrade(Outcome.WRONG, 0.0, (), tuple(items), tuple(attempts[:50]),
                         asked=asked)
    remaining = list(items)
    matched: list[str] = []
    extra: list[str] = []
    order: list[int] = []  # each matched item's place in the list, in the order given
    exact = True
    for attempt in attempts:
        found = None
        outcome = Outcome.WRONG
        for item in [*remaining, *matched]:
            outcome = _match(attempt, item, known)
            if outcome in (Outcome.RIGHT, Outcome.CLOSE):
                found = item
                break
        if found is None:
            extra.append(attempt)
        elif found in remaining:
            remaining.remove(found)
            matched.append(found)
            order.append(items.index(found))
            exact = exact and outcome is Outcome.RIGHT
        # an item named twice is neither new credit nor a wrong extra
    out_of_order = ordered and order != sorted(order)
    named = len(matched)
    score = min(1.0, named / asked) if asked else 0.0
    # an open list: other answers are other examples, not wrong ones
    passed = named >= pick if pick else not remaining and not extra and not out_of_order
    outcome = (Outcome.RIGHT if exact else Outcome.CLOSE) if passed else Outcome.WRONG
    return ListGrade(outcome, score, tuple(matched), tuple(remaining), tuple(extra),
                     out_of_order=out_of_order, asked=asked, exact=exact)


def _placed(answers: list[str], group: list[int], order: tuple[str, ...]) -> list[str]:
    placed = list(answers)
    for index, answer in zip(group, order, strict=True):
        placed[index] = answer
    return placed


def split_gaps(text: str, count: int) -> list[str]:
    """The answers of a cloze with `count` gaps: separated by `;`, else by `,` or new lines."""
    if count <= 1:
        return [text.strip()]
    breaks = text.count(";") + text.count("\n")
    for separator, found in ((r"[;\n]", breaks), (r"[,;\n]", breaks + text.count(","))):
        if found + 1 == count:  # counted first: a 200 KB answer is split once, not thrice
            return [p.strip() for p in re.split(separator, text)]
    return [p.strip() for p in re.split(r"[,;\n]", text)]


MAX_ANY_ORDER = 6  # gaps of a group tried in every order (720 orders); more are kept as typed


# what may stand between two interchangeable gaps: punctuation with a comma, "and" or "or"
JOINED = re.compile(r"^(?=.*(?:,|\band\b|\bor\b))[\W_]*(?:\b(?:and|or)\b[\W_]*)?$",
                    re.IGNORECASE)


def interchangeable(prompt: str) -> list[list[int]]:
    """The gaps of a cloze in groups whose answers may swap: gaps joined only by a comma,
    "and" or "or" (`the “{{why}}” and “{{what}}”`; not with the `{{how}}` of the next
    clause, nor two gaps of one phrase)."""
    from pmquiz.model import CLOZE_GAP

    groups: list[list[int]] = []
    end = None
    for index, match in enumerate(CLOZE_GAP.finditer(prompt)):
        if end is not None and JOINED.match(prompt[end:match.start()]):
            groups[-1].append(index)
        else:
            groups.append([index])
        end = match.end()
    return groups


def grade_cloze(attempts: list[str], gaps: list[list[str]],
                known: frozenset[str] = frozenset(),
                groups: list[list[int]] | None = None) -> Grade:
    """Each gap is graded as typed text; all right -> right, all at least close -> close,
    any gap wrong -> wrong (the score still counts the gaps filled). With `groups` (gaps
    whose answers may swap, see `interchangeable`), the answers within a group are matched
    to its gaps in the order that suits them best."""
    padded = [attempts[i] if i < len(attempts) else "" for i in range(len(gaps))]
    candidates = [padded]
    for group in groups or []:
        if 1 < len(group) <= MAX_ANY_ORDER:
            candidates = [_placed(c, group, order) for c in candidates
                          for order in permutations([c[i] for i in group])]
    best = None
    for candidate in candidates:
        results = [_best(candidate[i], accepted, known) for i, accepted in enumerate(gaps)]
        key = (sum(RANK.index(r.outcome) for r in results), -sum(r.found for r in results))
        if best is None or key < best[0]:
            best = (key, results)
    assert best is not None
    results = best[1]
    outcomes = [r.outcome for r in results]
    right = outcomes.count(Outcome.RIGHT)
    close = outcomes.count(Outcome.CLOSE)
    score = (right + 0.5 * close) / len(gaps) if gaps else 0.0
    if gaps and right == len(gaps):
        outcome = Outcome.RIGHT
    elif gaps and right + close == len(gaps):
        outcome = Outcome.CLOSE
    else:  # a gap not filled is the card not known, as a list's missing item
        outcome = Outcome.WRONG
    missed = tuple(gaps[i][0] for i, o in enumerate(outcomes) if o is not Outcome.RIGHT)
    diffs: tuple[WordDiff, ...] = tuple(r.diff for r in results)
    return Grade(outcome, score, missed=missed, diffs=diffs)
