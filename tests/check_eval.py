"""Scores `pmquiz classify "STATEMENT"` on a statement file (held-out or tuning), against the
shipped decks. Used by tests/test_check_mode.py and bench/course_line.py."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmquiz.check_examples import leaving_out
from pmquiz.classify import set_names
from pmquiz.deck import discover, parse_deck
from pmquiz.statement_check import check_statement
from pmquiz.store import Scope, Store

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = Path(__file__).resolve().parents[1] / "decks"


@dataclass
class Score:
    """Counts for one statement file."""

    statements: int = 0
    verdicts: int = 0
    right: int = 0
    right_without_set: int = 0  # without --set: the leading comparison's verdict is right
    wrong_without_set: int = 0  # … and wrong (no comparison leading is neither)
    unrelated: int = 0
    unrelated_silent: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    per_set: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        """Right verdicts over all related statements (no verdict counts as not right)."""
        return self.right / self.statements

    @property
    def precision(self) -> float:
        """Right verdicts over verdicts given."""
        return self.right / self.verdicts if self.verdicts else 0.0

    @property
    def silent_on_unrelated(self) -> float:
        """Share of unrelated sentences that got no verdict."""
        return self.unrelated_silent / self.unrelated if self.unrelated else 1.0


def evaluate(name: str, db: Path, pages: tuple[str, ...] = ()) -> Score:
    """Check every statement of tests/data/NAME against its category set, in a home with
    the shipped decks and the decks compiled from tests/data/pages/PAGE.page.txt."""
    data = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
    store = compiled_home(db, pages)
    try:
        with leaving_out(name):  # a file's own statements are never its evidence
            return _scored(store, data)
    finally:
        store.close()


def compiled_home(db: Path, pages: tuple[str, ...]) -> Store:
    """A home whose database is `db`, with the shipped decks and the decks compiled from
    tests/data/pages/PAGE.page.txt beside it (the caller closes the store)."""
    from pmquiz.compile import compile_module
    from pmquiz.deck import write_deck

    compiled = db.parent / "compiled"
    compiled.mkdir(exist_ok=True)
    for page in pages:
        write_deck(compile_module(DATA / "pages" / f"{page}.page.txt").deck,
                   compiled / f"{page}.toml")
    store = Store.open(db)
    store.decks.sync(discover([SHIPPED, compiled]), parse_deck)
    return store


def _scored(store: Store, data: dict[str, Any]) -> Score:
    """Every statement of a file checked in this home, counted."""
    names = set_names(store)
    score = Score()
    for entry in data["sets"]:
        category_set = names[entry["name"]]
        counts = [0, 0, 0]
        for category, statements in entry.items():
            if category == "name":
                continue
            for statement in statements:
                check = check_statement(store, Scope(), statement, category_set)
                score.statements += 1
                counts[0] += 1
                if check.category is not None:
                    score.verdicts += 1
                    counts[1] += 1
                if check.category == category:
                    score.right += 1
                    counts[2] += 1
                elif check.category is not None:
                    score.wrong.append((statement, category, check.category))
                free = check_statement(store, Scope(), statement)
                score.right_without_set += free.category == category
                score.wrong_without_set += free.category not in (None, category)
        score.per_set[entry["name"]] = (counts[0], counts[1], counts[2])
    for statement in data["unrelated"]:
        score.unrelated += 1
        check = check_statement(store, Scope(), statement)
        # silent: no verdict, and none in any comparison ("no single verdict" lists them)
        score.unrelated_silent += check.category is None and \
            all(other.category is None for other in check.others)
    return score
