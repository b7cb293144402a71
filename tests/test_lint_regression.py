"""The lint rules on input they were not tuned on: the Phase 0 decks as they shipped at the
start of round 3 (tests/data/lint_regression/decks, unchanged), against the problems a
strict teacher found in them, written down before the rules were built
(tests/data/lint_regression/expected.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import discover, load_decks
from pmquiz.lint import RULES, lint

runner = CliRunner()
DATA = Path(__file__).parent / "data" / "lint_regression"
SHIPPED = Path(__file__).resolve().parents[1] / "decks"


def expected() -> list[dict[str, object]]:
    problems: list[dict[str, object]] = tomllib.loads(
        (DATA / "expected.toml").read_text(encoding="utf-8"))["problem"]
    return problems


def test_the_linter_finds_at_least_30_of_the_teachers_40_problems() -> None:
    found = {(f.card, f.rule) for f in lint(load_decks(discover([DATA / "decks"])))}
    issue = [p for p in expected() if p["issue"]]
    hit = [p for p in issue if (p["card"], p["rule"]) in found]
    missed = "\n".join(f"  {p['rule'] or '(no rule)'}: {p['card']} ({p['why']})"
                       for p in issue if (p["card"], p["rule"]) not in found)
    assert len(hit) >= 30, f"{len(hit)} of {len(issue)} found; missed:\n{missed}"
    # every problem a rule was expected to find names a rule that exists, or says why not
    for problem in expected():
        assert problem["rule"] in (*RULES, "", "plain-meaning"), problem


def test_each_new_rule_finds_its_case_on_the_old_decks() -> None:
    found = {f.rule for f in lint(load_decks(discover([DATA / "decks"])))}
    new = {"explain-restates", "no-explanation", "same-question", "category-word",
           "order-unmarked", "open-set", "title-cloze", "count-only-set", "contrast-unrelated",
           "gaps-any-order", "gap-has-alternative", "overloaded-answer"}
    assert new <= found, sorted(new - found)


def test_todays_decks_pass_every_rule() -> None:
    result = runner.invoke(app, ["lint", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "ok: nothing to fix in 2 deck files" in result.output
