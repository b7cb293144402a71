"""Markdown flashcard dialects, on files written for each (tests/data/markdown) and on the
edge cases that used to lose cards: card text asserted, and every unused line reported."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.interop.markdown_qa import read_qa
from pmquiz.model import Kind

DATA = Path(__file__).parent / "data" / "markdown"
runner = CliRunner()


def cards(path: Path) -> list[tuple[str, str, str]]:
    return [(c.kind.value, c.prompt, c.answer) for c in read_qa(path, "x").cards]


def test_qa_pairs_wherever_they_stand() -> None:
    read = read_qa(DATA / "qa-styles.md", "x")
    found = {c.prompt: c.answer for c in read.cards}
    assert found == {
        "What does a product manager own?": "The product's vision and strategy.",
        "Who owns the delivery schedule?": "The project manager.",
        "What is a roadmap?": "A statement of intent, not a list of dates.",  # after code
        # **A:** alone, a blank line, then a list
        "Which practices belong to product discovery?":
            "- customer interviews\n- prototype tests\n- fake-door tests",
        "How do the two roles compare?":
            "| Product | Project |\n|---|---|\n| why and what | how and when |",
        # an answer runs on to the next question, paragraphs included (issue #28)
        "Which command lists today's cards?":
            "```\npmquiz due\n```\n\nSome stray notes that are in no card.",
        # inside a ```flashcards fence: the first pair kept, the last answer clean
        "What is MVP short for?": "Minimum viable product.",
        "What does PLG stand for?": "Product-led growth.",
    }
    assert [(w.line, w.message.split(":")[0]) for w in read.warnings] == [
        (10, "a code block outside any card ignored")]


def test_a_pair_right_under_a_heading(tmp_path: Path) -> None:
    path = tmp_path / "basics.md"
    path.write_text("## Basics\nQ: first?\nA: one\n\nQ: second?\nA: two\n", encoding="utf-8")
    assert cards(path) == [("basic", "first?", "one"), ("basic", "second?", "two")]


def test_mkdocs_material_and_fenced_quizzes() -> None:
    read = read_qa(DATA / "mkdocs-quiz.md", "x")
    assert read.warnings == []
    first, second, fenced = read.cards
    assert (first.kind, first.prompt, first.answer) == (
        Kind.CHOICE, "Which stage has sales levelling off and peaking?", "Maturity")
    assert first.options == ("Introduction", "Growth", "Decline")
    assert first.explain == "In maturity, sales growth slows and sales level off."
    assert (second.answer, second.options) == ("Harvest", ("Discontinue",))
    assert second.explain == "Harvesting is not discontinuing."
    assert fenced.prompt == "What does a fake-door test measure?"
    assert fenced.answer == "Interest in a feature before it is built"
    assert fenced.options == ("Revenue per user", "Page load time")
    assert fenced.explain == "It shows a button for a feature that does not exist yet."


def test_obsidian_spaced_repetition_syntax() -> None:
    read = read_qa(DATA / "obsidian-sr.md", "x")
    assert read.warnings == []  # the #tag line is metadata
    assert [(c.kind.value, c.prompt, c.answer) for c in read.cards] == [
        ("basic", "Product-led growth", "Growth driven by the product itself"),
        ("basic", "North Star metric", "The single number that best captures customer value"),
        ("basic", "The single number that best captures customer value", "North Star metric"),
        ("basic", "What are the four stages\nof the product life cycle?",
         "Introduction, growth, maturity, decline"),
        ("basic", "Harvest", "Cut spending and keep selling while profits last"),
        ("basic", "Cut spending and keep selling while profits last", "Harvest"),
        # one card per highlight, as the plugin asks them (issue #28)
        ("cloze", "The product life cycle starts with {{introduction}} and ends with "
                  "decline.", ""),
        ("cloze", "The product life cycle starts with introduction and ends with "
                  "{{decline}}.", ""),
    ]
    assert len({c.id for c in read.cards}) == len(read.cards)


def test_an_import_with_no_card_says_why(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nJust prose about products.\n\nA: an answer alone\n\n"
                    "```js\nlet x = 1\n```\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code != 0
    out = " ".join(result.output.split())
    assert "no cards found; tried as Markdown flashcards (Q/A, quiz blocks, Obsidian SR) " \
        "(pmquiz reads an Anki package, a CrowdAnki deck (deck.json), org-drill items," in out
    assert f"{path}:3: text outside any card ignored: Just prose about products." in out
    assert f"{path}:5: an answer without a question ignored" in out
    assert f"{path}:7: a code block outside any card ignored" in out


def test_importing_the_dialect_files(home: Path) -> None:
    for name, count in (("qa-styles.md", 8), ("mkdocs-quiz.md", 3), ("obsidian-sr.md", 8)):
        result = runner.invoke(app, ["import", str(DATA / name)])
        assert result.exit_code == 0, result.output
        assert f": {count} cards" in result.output
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_markdown_card_text_is_rendered_in_a_terminal_and_plain_in_the_line_protocol(
        home: Path, tmp_path: Path) -> None:
    import pexpect

    from helpers import own_decks_only, spawn

    own = own_decks_only(home)
    source = tmp_path / "shop.md"
    source.write_text("Q: What is **Liquid**?\nA: Shopify's templating language, see "
                      "[the docs](https://shopify.dev/liquid).\n\n"
                      "**Q:** Which plans exist?\n**A:**\n\n- Starter ($5)\n- Basic\n",
                      encoding="utf-8")
    done = runner.invoke(app, ["import", str(source), "-o", str(own / "shop.toml")])
    assert done.exit_code == 0, done.output
    out = runner.invoke(app, ["study"], input="\n\n\n\n",
                        env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"}).output
    assert "What is Liquid?" in out and "**" not in out
    assert "see the docs (https://shopify.dev/liquid)." in out
    assert "- Starter ($5)" in out and "\\$" not in out
    import io

    child = spawn(home, "study")
    child.logfile_read = io.StringIO()  # everything the terminal was sent
    child.expect("Your answer:")
    child.sendline("")
    child.expect("rate:")
    child.send("3")
    child.expect("Your answer:")
    child.sendline("")
    child.expect("rate:")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    from pmquiz.ui.text import clean

    seen = clean(child.logfile_read.getvalue())  # the text, colours and moves taken out
    assert "**Liquid**" not in seen and "What is Liquid?" in seen
    assert "• Starter ($5)" in seen  # a list, drawn as one
    assert "https://shopify.dev/liquid" in seen


PIECES = ["Q: q?", "A: a", "**Q:**", "**A:**", "", "---", "- item", "| a | b |", "```",
          "```flashcards", "```quiz", "- ( ) no", "- (x) yes", "> why", "#### 1. Which?",
          "1. one", "2. two", '??? question "Show Answer"', "    The correct answer is **B**.",
          "x::y", "x:::y", "?", "??", "==gap== here", "#tag", "<div>", "A) opt", "Answer: A",
          "plain words", "# Heading", "\t", "::", "?::?"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_arrangement_reads_without_error(tmp_path_factory: object, pieces: list[str]) -> None:
    path = Path(str(tmp_path_factory.mktemp("md"))) / "cards.md"  # type: ignore[attr-defined]
    path.write_text("\n".join(pieces), encoding="utf-8")
    read = read_qa(path, "x")
    lines = len(pieces)
    for card in read.cards:
        assert card.prompt.strip()
        assert card.kind is Kind.CLOZE or card.answer.strip()
        assert 1 <= card.line <= max(1, lines)
    for warning in read.warnings:
        assert 0 <= warning.line <= max(1, lines)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}#^/:ab <>", max_size=200),
       st.dictionaries(st.sampled_from(["a", "b", "ab"]), st.text(max_size=20)))
def test_any_template_renders_without_error(template: str, values: dict[str, str]) -> None:
    from pmquiz.interop.templates import render

    assert isinstance(render(template, values, "back", "F"), str)
