"""Module pages of other shapes than the two the compiler was built on: each page's expected
cards were written down before the compiler ran on it (tests/data/pages/expected), and the
compiler is held to them, for the page text and for the saved HTML of the same page."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.compile import compile_module
from pmquiz.model import Card, Kind

PAGES = Path(__file__).parent / "data" / "pages"
EXPECTED = sorted((PAGES / "expected").glob("*.toml"))
CHROME = ("cookie", "Cookie", "Accept", "Share", "Twitter", "LinkedIn", "Open Resource",
          "Privacy", "©", "In this phase", "Phase progress", "min read", "Log in", "Next module",
          "Back to Phase", "Done with this module", "Phase 2 modules", "Copy link",
          "All rights reserved")


def expected(name: str) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((PAGES / "expected" / f"{name}.toml").read_text(encoding="utf-8"))


def sources(name: str) -> list[Path]:
    """The page text, and its saved HTML when the expectations name one."""
    found = [PAGES / f"{name}.page.txt"]
    html = expected(name).get("html")
    if html:
        found.append(PAGES / html)
    return found


CASES = [(e.stem, src) for e in EXPECTED for src in sources(e.stem)]


def card_text(card: Card) -> str:
    return " ".join([card.prompt, card.answer, card.explain, *card.options, *card.items,
                     *card.categories, card.source])


@pytest.mark.parametrize(("name", "source"), CASES, ids=[f"{n}-{s.suffix}" for n, s in CASES])
def test_page_gives_the_cards_a_teacher_expects(name: str, source: Path) -> None:
    want = expected(name)
    compiled = compile_module(source)
    deck = compiled.deck
    cards = list(deck.cards)
    assert deck.module.title == want["title"]
    assert deck.module.phase == want["phase"]

    for comparison in want.get("comparisons", []):
        sides = tuple(comparison["sides"])
        classify = [c for c in cards if c.kind is Kind.CLASSIFY and c.categories == sides]
        got = {side: sorted(c.prompt for c in classify if c.answer == side) for side in sides}
        assert got == {side: sorted(s) for side, s in comparison["statements"].items()}
        assert sides in deck.category_sets.values()
        choices = [c for c in cards if c.kind is Kind.CHOICE and c.prompt.startswith(
            "Which of these belongs to") and c.source == classify[0].source]
        assert len(choices) == comparison["choice_cards"]
        for choice in choices:  # N sides: the prompt names every other side
            assert choice.prompt.count(" or ") == len(sides) - 2
            assert choice.answer not in choice.options
        for statement, contrast in comparison.get("contrasts", {}).items():
            card = next(c for c in classify if c.prompt == statement)
            assert contrast in card.explain, card.explain

    basics = {c.prompt: c for c in cards if c.kind is Kind.BASIC}
    for definition in want.get("definitions", []):
        card = basics.get(definition["prompt"])
        assert card is not None, (definition["prompt"], sorted(basics))
        assert card.answer == definition["answer"]
        for word in definition.get("explain_not", []):
            assert word not in card.explain.lower()
        if "stands_for" in definition:
            prompt, answer = definition["stands_for"]
            assert basics[prompt].answer == answer

    for wanted in want.get("lists", []):
        lists = [c for c in cards if c.kind is Kind.LIST and list(c.items) == wanted["items"]]
        assert lists, [c.items for c in cards if c.kind is Kind.LIST]
        assert ("in order" in lists[0].prompt) == wanted["ordered"]
        for term, meaning in zip(wanted["items"], wanted.get("meanings", []), strict=False):
            assert any(f"“{term}”" in p and c.answer == meaning for p, c in basics.items()), term

    for wanted in want.get("item_cards", []):
        for term, meaning in zip(wanted["terms"], wanted["meanings"], strict=True):
            assert any(f"“{term}”" in p and c.answer == meaning for p, c in basics.items()), term

    for term in want.get("terms", []):
        assert any(f"“{term['term']}”" in p and c.answer == term["meaning"]
                   for p, c in basics.items()), term

    for card in cards:
        text = card_text(card)
        assert not [w for w in CHROME if w in text], (card.id, text)
        if card.kind is Kind.CLOZE:
            for gap in card.gaps:
                assert gap[0].split()[0].lower() not in ("a", "an", "the"), card.prompt
                assert gap[0].lower() not in want.get("no_cloze_gap", []), card.prompt
        if card.kind is Kind.BASIC and card.prompt.startswith("What is "):
            assert not card.prompt.startswith(("What is A ", "What is The ", "What is An "))

    if source.suffix == ".txt":  # warnings and coverage name lines of the page text
        lines = source.read_text(encoding="utf-8").splitlines()
        for left in want.get("left_out", []):
            entry = next((x for x in compiled.left_out if left["text"] in x.text), None)
            assert entry is not None, (left, compiled.left_out)
            assert left["reason"] in entry.reason or left["reason"] in entry.what, entry
            assert left["text"] in lines[entry.line - 1]
        named = {x.text[:30] for x in compiled.left_out}
        assert len(compiled.left_out) == len(want.get("left_out", [])), named
        for warning in want.get("warnings", []):
            hit = [w for w in compiled.warnings if warning["text"] in w.message]
            assert hit and warning["text"] in lines[hit[0].line - 1]


@pytest.mark.parametrize("name", [e.stem for e in EXPECTED if expected(e.stem).get("html")])
def test_saved_html_gives_the_same_cards_as_the_page_text(name: str) -> None:
    text = compile_module(PAGES / f"{name}.page.txt").deck
    html = compile_module(PAGES / expected(name)["html"]).deck

    def shape(cards: tuple[Card, ...]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return sorted((c.kind.value, c.prompt, c.answer, c.items) for c in cards)

    assert shape(html.cards) == shape(text.cards)
    assert html.module.resources == text.module.resources


def test_coverage_report_on_the_command_line_and_in_json(home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    page = PAGES / "discovery.page.txt"
    result = runner.invoke(app, ["compile", str(page), "-o", str(tmp_path / "d.toml"),
                                 "--coverage"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "coverage: 5 of 6 blocks made cards; 2 left out" in flat
    assert f"{page}:27: list item" in flat and f"{page}:31: paragraph" in flat
    result = runner.invoke(app, ["compile", str(page), "-o", str(tmp_path / "d.toml"), "--json"])
    data = json.loads(result.output)
    assert [x["line"] for x in data["coverage"]["left_out"]] == [27, 31]
    assert "takeaway" in data["coverage"]["left_out"][1]["reason"]


def test_a_term_named_by_hand_is_cut_and_kept_on_recompile(tmp_path: Path) -> None:
    page = tmp_path / "discovery.page.txt"
    page.write_text((PAGES / "discovery.page.txt").read_text(encoding="utf-8"), encoding="utf-8")
    before = compile_module(page)
    assert not [c for c in before.deck.cards if c.kind is Kind.LIST and len(c.items) == 5]
    (tmp_path / "discovery.compile.toml").write_text('terms = ["Research repository"]\n',
                                                     encoding="utf-8")
    after = compile_module(page)
    habits = next(c for c in after.deck.cards if c.kind is Kind.LIST and len(c.items) == 5)
    assert habits.items[-1] == "Research repository"
    card = next(c for c in after.deck.cards if "“Research repository”" in c.prompt)
    assert card.answer == "3 folders per quarter, one for each product area."
    assert not [w for w in after.warnings if "Research repository3" in w.message]
    again = compile_module(page, existing=after.deck)
    assert again.text == after.text


def test_a_broken_overrides_file_is_a_clear_error(tmp_path: Path) -> None:
    runner = CliRunner()
    page = tmp_path / "discovery.page.txt"
    page.write_text((PAGES / "discovery.page.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "discovery.compile.toml").write_text("terms = [1, 2]\n", encoding="utf-8")
    result = runner.invoke(app, ["compile", str(page), "-o", str(tmp_path / "d.toml")])
    assert result.exit_code == 1
    assert "discovery.compile.toml" in result.output and "list of strings" in result.output


def test_markdown_tables_definition_lists_and_numbered_lists(tmp_path: Path) -> None:
    module = tmp_path / "m.md"
    module.write_text("""---
title: Metrics that matter
phase: 3
---

# Metrics that matter

By Sam Lee · 4 min read

## Vanity vs Actionable vs Health metrics

| | Vanity metrics | Actionable metrics | Health metrics |
|---|---|---|---|
| Example | Total sign-ups ever | Weekly active teams | Error rate |
| Tells you | How big the number looks | What to do next | What might be breaking |

## Key terms

Cohort
:   A group of users who started in the same week.

Churn
:   The share of customers who leave in a period.

## Setting up a dashboard

Set it up in this order:

1. Pick the North Star metric.
2. Add its input metrics.
3. Add the health metrics last.
""", encoding="utf-8")
    compiled = compile_module(module)
    cards = compiled.deck.cards
    sides = ("Vanity metrics", "Actionable metrics", "Health metrics")
    classify = [c for c in cards if c.kind is Kind.CLASSIFY]
    assert {(c.prompt, c.answer) for c in classify} == {
        ("Example: total sign-ups ever", "Vanity metrics"),
        ("Example: weekly active teams", "Actionable metrics"),
        ("Example: error rate", "Health metrics"),
        ("Tells you: how big the number looks", "Vanity metrics"),
        ("Tells you: what to do next", "Actionable metrics"),
        ("Tells you: what might be breaking", "Health metrics")}
    assert all(c.categories == sides for c in classify)
    # a table row is a real contrast: its cells are paired in the explanation
    row = next(c for c in classify if c.prompt == "Example: total sign-ups ever")
    assert "weekly active teams" in row.explain
    basics = {c.prompt: c.answer for c in cards if c.kind is Kind.BASIC}
    assert basics["What does “Cohort” mean?"] == "A group of users who started in the same week."
    steps = next(c for c in cards if c.kind is Kind.LIST)
    assert steps.items == ("Pick the North Star metric", "Add its input metrics",
                           "Add the health metrics last")
    assert "in order" in steps.prompt
    assert [x.what for x in compiled.left_out] == ["meta line"]


def test_a_key_takeaway_never_becomes_a_definition(tmp_path: Path) -> None:
    module = tmp_path / "m.md"
    module.write_text("---\ntitle: PRDs\nphase: 2\n---\n\n# PRDs\n\nA spec is a written "
                      "description of what to build.\n\n## Key takeaway\n\nA PRD is a promise, "
                      "not a contract.\n", encoding="utf-8")
    compiled = compile_module(module)
    prompts = [c.prompt for c in compiled.deck.cards]
    assert "What is a spec?" in prompts
    assert not [p for p in prompts if "PRD" in p]
    assert [x.what for x in compiled.left_out] == ["paragraph"]


def test_a_table_that_compares_nothing_is_reported(tmp_path: Path) -> None:
    module = tmp_path / "m.md"
    module.write_text("---\ntitle: Cadence\nphase: 1\n---\n\n# Cadence\n\nA sprint is a "
                      "fixed period of work.\n\n## Calendar\n\n| Week | Focus |\n|---|---|\n"
                      "| 1 | Discovery |\n| 2 | Delivery |\n", encoding="utf-8")
    compiled = compile_module(module)
    left = [x for x in compiled.left_out if x.what == "table"]
    assert left and "header row" in left[0].reason and left[0].line == 12


def test_lists_carry_their_rules_into_the_deck(tmp_path: Path) -> None:
    """Written before the compiler set them: a numbered list is an ordered list card; a
    list the page introduces with "such as" is an open list (name any two)."""
    module = tmp_path / "m.md"
    module.write_text("---\ntitle: Pricing\nphase: 1\n---\n\n# Pricing\n\n## Launch steps\n\n"
                      "The launch steps, in order:\n\n1. Research\n2. Price\n3. Announce\n\n"
                      "## Strategies\n\nTeams use pricing strategies such as:\n\n"
                      "- Skimming\n- Penetration pricing\n- Bundling\n- Freemium\n",
                      encoding="utf-8")
    lists = [c for c in compile_module(module).deck.cards if c.kind is Kind.LIST]
    steps = next(c for c in lists if "Research" in c.items)
    strategies = next(c for c in lists if "Skimming" in c.items)
    assert steps.ordered and steps.pick == 0
    assert strategies.pick == 2 and not strategies.ordered
    assert "any two" in strategies.prompt


STAGES = """---
title: Development stages
phase: 1
---

# Development stages

## The stages of new-product development

New products move through these stages, in order:

1. idea generation
2. screening (drop weak ideas before they cost money)
3. concept testing (also called concept development)
4. business analysis
5. test marketing (also known as market testing)
6. commercialisation (or launch)
7. minimum viable product (MVP)
"""


def test_names_in_brackets_are_alternatives_and_notes_are_explained(tmp_path: Path) -> None:
    """A list item's other names in brackets ("(also called …)", "(or …)", an acronym) are
    alternatives the grade accepts, not words the learner must type; any other bracket is a
    note, kept in the card's explanation. Written before the rule: the compiler kept the
    brackets in the items, so "concept testing" was graded wrong."""
    from pmquiz.grading_lists import grade_list

    page = tmp_path / "stages.md"
    page.write_text(STAGES, encoding="utf-8")
    card = next(c for c in compile_module(page).deck.cards if c.kind is Kind.LIST)
    assert list(card.items) == [
        "idea generation", "screening", "concept testing | concept development",
        "business analysis", "test marketing | market testing", "commercialisation | launch",
        "minimum viable product | MVP"]
    assert "Screening: drop weak ideas before they cost money." in card.explain
    grade = grade_list(["idea generation", "screening", "concept development",
                        "business analysis", "test marketing", "launch", "MVP"],
                       list(card.items), ordered=card.ordered)
    assert grade.outcome.value == "right", grade


def test_a_phase_written_as_a_superscript_is_no_phase_and_no_crash(tmp_path: Path) -> None:
    """"²" is a digit to `str.isdigit` but no number `int` reads (it raised ValueError):
    the front matter gives no phase, which is said as for a page without one; with
    `--phase` the page compiles, its order left at 0."""
    from pmquiz.errors import CompileError

    module = tmp_path / "m.md"
    module.write_text("---\ntitle: Cadence\nphase: ²\norder: ❸\n---\n\n# Cadence\n\nA sprint is "
                      "a fixed period of work.\n", encoding="utf-8")
    with pytest.raises(CompileError, match="no phase found"):
        compile_module(module)
    compiled = compile_module(module, phase=1)
    assert (compiled.deck.module.phase, compiled.deck.module.order) == (1, 0)
    assert "What is a sprint?" in [c.prompt for c in compiled.deck.cards]
