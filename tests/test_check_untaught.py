"""Check mode on comparisons without worked examples: the six compiled from the held-out
pages (roles, kano, prioritisation, roadmaps, product-metrics), against statement files
written for them before their rules (issue #26, rounds 19 and 20)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from check_eval import DATA, compiled_home, evaluate
from pmquiz.check_result import SEVERAL

PAGES = ("problem-solution", "customer-discovery", "roles", "kano", "prioritisation",
         "roadmaps", "product-metrics")
UNTAUGHT = {"Product manager/Designer/Tech lead", "Basic needs/Performance needs/Delighters",
            "Output/Outcome", "Leading indicators/Lagging indicators", "Now/Next/Later",
            "Roadmap/Release plan"}


# Round 19 (tests/data/classify_holdout_round19.toml: 114 statements, 20 unrelated
# sentences), committed before the course line judged these comparisons; first run after
# it: 68 right and 23 wrong of 114 (60 %, 20 % wrong: "Twelve features released this
# quarter." called an outcome, "far off and uncertain" next rather than later), 20 of 20
# unrelated sentences silent. Then such a comparison needed a lead of 0.03 (chosen on this
# file: 24 right and 0 wrong), so its figures since are not held out. Round 20 (132
# statements, 20 unrelated), committed before that lead was run on it, first run once:
# 19 right, 1 wrong ("Work lined up to follow this quarter's release." called now), 20 of
# 20 silent; per comparison 2, 2, 3, 3, 6 and 3 verdicts right. Floors just under.
@pytest.mark.parametrize(("name", "least_right", "most_wrong"), [
    ("classify_holdout_round19.toml", 23, 0), ("classify_holdout_round20.toml", 18, 1)])
def test_comparisons_without_examples_give_few_verdicts_and_seldom_a_wrong_one(
        name: str, least_right: int, most_wrong: int, tmp_path: Path) -> None:
    score = evaluate(name, tmp_path / "pmquiz.db", PAGES)
    print(f"{name}: {score.right}/{score.statements} right, {len(score.wrong)} wrong "
          f"{score.wrong}, per set {score.per_set}, unrelated silent "
          f"{score.unrelated_silent}/{score.unrelated}")
    assert len(score.per_set) == 6
    assert score.right >= least_right and len(score.wrong) <= most_wrong
    assert score.unrelated_silent == score.unrelated == 20


def test_no_unrelated_sentence_gets_a_verdict_in_a_comparison_without_examples(
        tmp_path: Path) -> None:
    """Before the course line judged them, 19 of the statement files' unrelated sentences
    got a verdict in these six comparisons ("Calligraphy takes a steady hand and good ink."
    a performance need, "The goldfish tank needs cleaning every fortnight." next); now none,
    with --set, in any of them."""
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope

    store = compiled_home(tmp_path / "pmquiz.db", PAGES)
    try:
        assert set(store.queue.statement_sets(Scope())) >= UNTAUGHT
        given = {}
        for path in sorted(DATA.glob("classify_*.toml")):
            for sentence in tomllib.loads(path.read_text(encoding="utf-8"))["unrelated"]:
                for name in UNTAUGHT:
                    check = check_statement(store, Scope(), sentence, name)
                    if check.category is not None:
                        given[sentence, name] = check.category
    finally:
        store.close()
    assert given == {}


def test_a_lone_verdict_beside_a_leaning_comparison_without_examples_does_not_lead(
        tmp_path: Path) -> None:
    """"Revenue at the end of the financial year." (a lagging indicator) leans to a category
    in the metrics comparison, short of its lead; the life-cycle comparison alone gives a
    verdict. That verdict no longer leads by itself: the comparisons are listed and none
    leads (31 of rounds 19 and 20's 246 statements were led by another comparison, 21 now)."""
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope

    store = compiled_home(tmp_path / "pmquiz.db", PAGES)
    try:
        check = check_statement(store, Scope(), "Revenue at the end of the financial year.")
    finally:
        store.close()
    assert check.category is None and check.reason == SEVERAL
    judged = {c.category_set: c for c in check.others}
    metrics = judged["Leading indicators/Lagging indicators"]
    assert metrics.category is None and metrics.reason == "no clear margin"
    assert max(metrics.scores, key=lambda c: metrics.scores[c]) == "Lagging indicators"
    assert [c.category_set for c in check.others if c.category] == [
        "Product life cycle/Product development lifecycle"]


def test_round_21_over_all_eleven_comparisons(tmp_path: Path) -> None:
    """Round 21 (tests/data/classify_holdout_round21.toml: ten statements for each of the
    five taught and six compiled comparisons, 20 unrelated sentences), committed before it
    was run, first run once: with --set 50 of 50 right in the taught comparisons, 16 of 60 in
    the compiled ones, none wrong; 20 of 20 unrelated sentences silent. Without --set the
    taught statements were led right 19 times and wrong once (the right category, product
    management, from the other comparison that has it), the compiled ones never right and
    5 times wrong. Floors just under."""
    score = evaluate("classify_holdout_round21.toml", tmp_path / "pmquiz.db", PAGES)
    taught = {"pm-vs-project", "product-life-cycle-vs-product-development",
              "product-management-vs-product-development", "problem-space-vs-solution-space",
              "interviews-vs-surveys"}
    assert sum(right for name, (_, _, right) in score.per_set.items() if name in taught) >= 49
    assert score.right >= 64 and not score.wrong
    assert score.unrelated_silent == score.unrelated == 20
