"""The check mode's worked examples (`check_examples.json`: JSON, read in about 1 ms
where the same in TOML took 36): statements already labelled with their category, for the
course's comparisons. They join a comparison's evidence when its categories are exactly
theirs, averaged in with its cards (unlike a learner's label, which a close paraphrase
follows), and teach its fitted verdict (`worked_verdict`). With the average directions
alone they took the four held-out files before round 9, leave-one-file-out, from 73-86 %
right and 4-8 % wrong to 89-92 % and 1-5 % (README, "Checking a statement")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

EXAMPLES = Path(__file__).with_name("check_examples.json")
_left_out: set[str] = set()  # statement files an evaluation leaves out (`leaving_out`)


Example = tuple[str, frozenset[str], str, str]  # source file, categories, category, statement


@lru_cache(maxsize=1)
def _read() -> tuple[tuple[Example, ...], tuple[tuple[str, str], ...]]:
    """(source file, categories, category, statement) of every example, and (source file,
    sentence) of every unrelated sentence; none when the file is missing or unreadable (the
    check works on the cards alone then)."""
    try:
        data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
        found: list[Example] = []
        for entry in data["sets"]:
            given = entry["examples"]
            # in the file's order, so a comparison's evidence (and its cached fit) is the
            # same in every run
            found += [(str(entry["source"]), frozenset(given), category, str(statement))
                      for category in given for statement in given[category]]
        # (a file written before the unrelated sentences were kept has none: the examples
        # still count)
        unrelated = [(str(entry["source"]), str(sentence))
                     for entry in data.get("unrelated", []) for sentence in entry["sentences"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return (), ()
    return tuple(found), tuple(unrelated)


def _all() -> tuple[Example, ...]:
    """Every example, left-out files included."""
    return _read()[0]


def examples_for(categories: tuple[str, ...]) -> list[tuple[str, str]]:
    """(statement, category) of the examples of a comparison of exactly these categories."""
    wanted = frozenset(categories)
    return [(statement, category) for source, group, category, statement in _all()
            if group == wanted and source not in _left_out]


def every_example() -> list[str]:
    """The statements of every comparison's examples: what the course is about."""
    return [statement for source, _, _, statement in _all() if source not in _left_out]


def unrelated_sentences() -> list[str]:
    """The statement files' sentences about nothing the course teaches."""
    return [sentence for source, sentence in _read()[1] if source not in _left_out]


@contextmanager
def leaving_out(source: str) -> Iterator[None]:
    """Checks made inside leave out one statement file's examples: a held-out file is
    scored without its own statements as evidence."""
    _left_out.add(source)
    try:
        yield
    finally:
        _left_out.discard(source)
