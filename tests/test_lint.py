"""`pmquiz lint`: one hand-made bad card per rule, a good deck with no finding, and the
message format `path:line: card "id": what is wrong — how to fix it`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_decks
from pmquiz.lint import RULES, lint
from pmquiz.lint.catalog import CATALOG, EXAMPLE_SETS, EXAMPLE_TITLE, Rule

from helpers import write_deck

runner = CliRunner()
SETS = ('[sets]\npp = ["Product management", "Project management"]\n'
        'lc = ["Product life cycle", "Product development lifecycle"]\n')


def card(id_: str, kind: str, prompt: str, **keys: object) -> str:
    lines = [f'[[cards]]\nid = "{id_}"\nkind = "{kind}"\nprompt = {json.dumps(prompt)}']
    for key, value in keys.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n\n"


def rules_for(tmp_path: Path, cards: str) -> list[tuple[str, str]]:
    path = write_deck(tmp_path / "decks", "alpha", cards, extra=SETS)
    return [(f.card, f.rule) for f in lint(load_decks([path]))]


GOOD = (card("vision", "classify", "Owns the vision and strategy of what gets built.",
             categories="pp", answer="Product management",
             explain="Product management owns the vision; its counterpart, project "
                     "management, owns the execution.")
        + card("budget", "classify", "Keeps the delivery on time and on budget.",
               categories="pp", answer="Project management",
               explain="Project management owns delivery; product management decides what is "
                       "worth delivering.")
        + card("what-pm", "basic", "What is product management?",
               answer="The practice of guiding a product from idea to launch and beyond.",
               explain="It balances customer needs, business goals and technical realities.")
        + card("stages", "list", "Name the four stages of the product life cycle, in order.",
               items=["Introduction", "Growth", "Maturity", "Decline"], ordered=True,
               explain="Sales rise, peak and fall; most products sit in maturity.")
        + card("which-stage", "choice", "Which stage has the highest sales and many "
               "competitors?", answer="Maturity", options=["Introduction", "Growth", "Decline"],
               explain="Growth slows in maturity; decline follows when demand falls."))


def test_a_good_deck_has_no_findings(tmp_path: Path) -> None:
    assert rules_for(tmp_path, GOOD) == []


BAD_CARDS = [
    # two cards asking one thing with different answers
    (card("a", "basic", "What is product management?", answer="The discipline of guiding.")
     + card("b", "basic", "What is product management?", answer="The strategic practice."),
     ("b", "same-question")),
    # near-duplicate statements, here across two category sets
    (card("a", "classify", "Runs as a repeatable sequence so teams can deliver reliably.",
          categories="lc", answer="Product development lifecycle")
     + card("b", "classify", "Is made repeatable so that teams deliver reliably.",
            categories="pp", answer="Project management"),
     ("b", "near-duplicate")),
    # the only option sharing a content word with the prompt
    (card("c", "choice", "Which of these belongs to product management?",
          answer="Owns the vision of a product.",
          options=["Owns the execution.", "Tracks the timelines.", "Manages dependencies."]),
     ("c", "guessable-option")),
    # the right option much longer than the wrong ones
    (card("c", "choice", "Which is the engine of growth?",
          answer="The product itself, through its own use and sharing by its users",
          options=["Sales", "Marketing", "Ads"]),
     ("c", "guessable-option")),
    # a sentence among names
    (card("c", "choice", "Which fits best?", answer="Keep it as it is, with little spend.",
          options=["Harvest", "Reposition", "Discontinue"]),
     ("c", "guessable-option")),
    # "which … is this" followed by a statement
    (card("w", "choice", "Which core principle is this: Help users reach the aha moment.",
          answer="Deliver value fast", options=["Drive virality", "Build recurring value"]),
     ("w", "which-statement")),
    # a one-word classify statement
    (card("s", "classify", "Introduction", categories="lc", answer="Product life cycle"),
     ("s", "short-statement")),
    # the answer in its own prompt
    (card("p", "basic", "Why does a product manager lead through influence?",
          answer="lead through influence"),
     ("p", "answer-in-prompt")),
    (card("l", "list", "Name the stages: introduction, growth, maturity and decline.",
          items=["Introduction", "Growth", "Maturity", "Decline"]),
     ("l", "answer-in-prompt")),
    # explanations that teach nothing
    (card("e", "classify", "Owns the vision and strategy.", categories="pp",
          answer="Product management",
          explain="The course lists this under Product management in “PM vs Project”."),
     ("e", "explain-restates")),
    (card("e", "basic", "What is the introduction stage?",
          answer="Customers start to hear of the product.",
          explain="Introduction — customers start to hear of the product."),
     ("e", "explain-restates")),
    # a list item that is the list's own subject
    (card("l", "list", "Name the eight stages of the product development lifecycle.",
          items=["Idea generation", "Screening", "Product development", "Launch"]),
     ("l", "item-names-subject")),
]


@pytest.mark.parametrize(("cards", "expected"), BAD_CARDS)
def test_each_rule_finds_its_card(tmp_path: Path, cards: str,
                                  expected: tuple[str, str]) -> None:
    assert expected in rules_for(tmp_path, cards)


def catalog_deck(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = write_deck(tmp_path / "decks", "example", text, title=EXAMPLE_TITLE,
                      extra=f"[sets]\n{EXAMPLE_SETS}\n")
    return [(f.card, f.rule) for f in lint(load_decks([path]))]


@pytest.mark.parametrize("rule", CATALOG, ids=[r.name for r in CATALOG])
def test_each_rule_finds_its_bad_example_and_passes_its_good_one(tmp_path: Path,
                                                                 rule: Rule) -> None:
    """The examples `pmquiz lint --explain` prints are true: the bad card is found by its
    rule, the good one has no finding at all."""
    assert rule.name in {r for _, r in catalog_deck(tmp_path / "bad", rule.bad)}
    assert catalog_deck(tmp_path / "good", rule.good) == []


def test_every_rule_has_an_example_and_a_hand_made_bad_card() -> None:
    assert [r.name for r in CATALOG] == list(RULES)
    assert {rule for _, (_, rule) in BAD_CARDS} <= set(RULES)


def test_explain_prints_every_rule_with_its_examples() -> None:
    result = runner.invoke(app, ["lint", "--explain"])
    assert result.exit_code == 0, result.output
    for rule in CATALOG:
        assert f"\n{rule.name}\n" in result.output
    assert result.output.count("Bad (found):") == len(CATALOG) == \
        result.output.count("Good (passes):")
    assert 'prompt = "What is maturity?"' in result.output
    data = json.loads(runner.invoke(app, ["lint", "--explain", "--json"]).output)
    assert [r["rule"] for r in data["rules"]] == list(RULES)
    assert data["module_title"] == EXAMPLE_TITLE


def test_cli_reports_path_line_and_fix_and_exits_1(home: Path, tmp_path: Path) -> None:
    bad = write_deck(tmp_path / "bad", "alpha",
                     card("s", "classify", "Launch", categories="lc",
                          answer="Product development lifecycle",
                          explain="Launch releases the product; market stages follow it."),
                     extra=SETS)
    result = runner.invoke(app, ["lint", str(bad)])
    assert result.exit_code == 1
    line = bad.read_text(encoding="utf-8").split("\n").index("[[cards]]") + 1
    assert f'{bad}:{line}: card "s": the statement "Launch" is one or two words' in \
        result.output
    assert " — write what the term does or means" in result.output
    data = json.loads(runner.invoke(app, ["lint", str(bad), "--json"]).output)
    assert data["findings"][0]["rule"] == "short-statement"
    assert data["findings"][0]["line"] == line
    good = write_deck(tmp_path / "good", "beta", GOOD, extra=SETS)
    result = runner.invoke(app, ["lint", str(good)])
    assert result.exit_code == 0 and "ok: nothing to fix in 1 deck file" in result.output
