"""The worked examples and the verdict fitted on them (issue #26)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pmquiz.check_examples import examples_for, leaving_out
from pmquiz.meaning import unit_rows
from pmquiz.worked_verdict import fit, scores_of


def test_the_fit_puts_first_the_category_whose_examples_a_statement_is_like() -> None:
    rng = np.random.default_rng(7)
    shared = rng.normal(size=32)  # what every sentence has in common, as with e5
    a, b = rng.normal(size=32), rng.normal(size=32)
    rows = unit_rows(np.vstack([shared * 4 + a + rng.normal(scale=0.3, size=(20, 32)),
                                shared * 4 + b + rng.normal(scale=0.3, size=(20, 32))]))
    named = ["A"] * 20 + ["B"] * 20
    near_a = unit_rows((shared * 4 + a)[None, :])[0]
    near_b = unit_rows((shared * 4 + b)[None, :])[0]
    for said, first in ((near_a, "A"), (near_b, "B")):
        fitted = fit(rows, named, ("A", "B"))
        assert fitted is not None
        scores = scores_of(fitted, ("A", "B"), said)
        assert max(scores, key=lambda c: scores[c]) == first
    # a category with no example, or a single category: nothing to fit
    assert fit(rows, named, ("A", "B", "C")) is None
    assert fit(rows[:20], named[:20], ("A",)) is None


def test_examples_belong_to_a_comparison_of_exactly_their_categories() -> None:
    pm = examples_for(("Project management", "Product management"))
    assert len(pm) > 100 and {c for _, c in pm} == {"Product management", "Project management"}
    assert ("Keeps the Gantt chart up to date.", "Project management") in pm
    # a comparison with one more category, or another pair, takes none of them
    assert examples_for(("Product management", "Project management", "Marketing")) == []
    assert examples_for(("Product management", "Marketing")) == []


def test_a_file_scored_leaves_its_own_examples_out() -> None:
    pm = ("Product management", "Project management")
    everything = examples_for(pm)
    with leaving_out("classify_tuning.toml"):
        left = examples_for(pm)
    assert ("Keeps the Gantt chart up to date.", "Project management") not in left
    assert len(everything) - len(left) == 10
    assert examples_for(pm) == everything  # back once the evaluation is over


def test_a_statement_far_from_the_cards_but_near_the_examples_gets_its_verdict(
        tmp_path: Path) -> None:
    """Round 8's "Why customers abandon their shopping carts." is farther from the
    problem-space cards than from an everyday sentence (a shop, a cart), but near the worked
    examples of the other files: problem space, not "unrelated". An unrelated sentence stays
    unrelated."""
    from check_eval import DATA, SHIPPED
    from pmquiz.classify import set_names
    from pmquiz.compile import compile_module
    from pmquiz.deck import discover, parse_deck, write_deck
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope, Store

    compiled = tmp_path / "compiled"
    compiled.mkdir()
    write_deck(compile_module(DATA / "pages" / "problem-solution.page.txt").deck,
               compiled / "problem-solution.toml")
    store = Store.open(tmp_path / "pmquiz.db")
    try:
        store.decks.sync(discover([SHIPPED, compiled]), parse_deck)
        name = set_names(store)["problem-space-vs-solution-space"]
        with leaving_out("classify_holdout_round8.toml"):
            check = check_statement(store, Scope(), "Why customers abandon their shopping carts.",
                                    name)
            assert check.related < -0.013  # the cards alone: unrelated
            assert (check.category, check.reason) == ("Problem space", "")
            cooking = check_statement(store, Scope(), "Add a pinch of salt to the soup.", name)
            assert cooking.category is None and cooking.reason == "unrelated"
    finally:
        store.close()


def test_a_fit_is_made_once_and_kept_until_its_rows_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz import worked_verdict
    from pmquiz.store import Store
    from pmquiz.worked_verdict import cached_scores

    rng = np.random.default_rng(3)
    rows = unit_rows(rng.normal(size=(30, 16)))
    named = ["A", "B"] * 15
    said = unit_rows(rng.normal(size=(1, 16)))[0]
    made: list[int] = []
    real_fit = worked_verdict.fit
    monkeypatch.setattr(worked_verdict, "fit", lambda *a: made.append(1) or real_fit(*a))
    store = Store.open(tmp_path / "pmquiz.db")
    try:
        fitted = worked_verdict.fit(rows, named, ("A", "B"))
        assert fitted is not None and len(made) == 1
        fresh = scores_of(fitted, ("A", "B"), said)
        first = cached_scores(store.cache, "A/B", rows, named, ("A", "B"), said)
        again = cached_scores(store.cache, "A/B", rows, named, ("A", "B"), said)
        assert len(made) == 2  # fitted once for the cache, then read from it
        assert first is not None and again == first
        assert all(abs(first[c] - fresh[c]) < 1e-4 for c in fresh)
        changed = rows.copy()
        changed[0] = unit_rows(rng.normal(size=(1, 16)))[0]
        cached_scores(store.cache, "A/B", changed, named, ("A", "B"), said)
        assert len(made) == 3  # other rows: fitted anew, and the old fit dropped
        assert store.cache.drop_prefix("fit:") == 1
    finally:
        store.close()


def test_the_examples_come_in_the_same_order_in_every_process() -> None:
    """A comparison's fit is cached under its rows: examples in another order (a set's
    order differs with the hash seed) made a new fit in every process."""
    import subprocess
    import sys

    code = ("from pmquiz.check_examples import examples_for; "
            "print(examples_for(('Product management', 'Project management'))[:3])")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": seed},
                           check=True).stdout for seed in ("1", "2", "3")}
    assert len(seen) == 1
