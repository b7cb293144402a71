"""`pmquiz compile`: the real page, pages it has never seen, recompiles that keep ids."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.compile import compile_module
from pmquiz.compile.glued import split_glued
from pmquiz.errors import CompileError
from pmquiz.model import Kind

from conftest import SHIPPED
from helpers import own_decks_only

runner = CliRunner()
PAGE = SHIPPED / "phase-0" / "intro-pm.page.txt"
NAVIGATION = ("Open Resource", "Done with this module", "Back to Phase", "Next module",
              "Next Module", "Phase progress", "Home /", "completed", "Resources")

OTHER_PAGE = """Home / Phase-3 / Discovery and Delivery

Phase 3

Discovery and Delivery

Phase progress1 / 4 completed
Product discovery is the work of deciding what to build before building it. Teams skip it.

Discovery versus Delivery

Discovery

  • Tests ideas with customers before code is written.
  • Reduces the risk that nobody wants the feature.

Delivery

  • Ships working software to production.
  • Tracks velocity and release dates.

Habits of strong teams

Strong teams keep three habits:

  • Talk to customers weeklyshare what you learn with the whole team.
  • Prototype cheaplytest the riskiest assumption first.
  • Measure outcomesreplace output targets with customer behaviour.

Resources

Acme

A Guide to Discovery

Open Resource
Done with this module?
Back to Phase 3

Next module:

Roadmaps

Next Module"""


def compiled_page(path: Path = PAGE):  # type: ignore[no-untyped-def]
    return compile_module(path)


def test_the_real_page_gives_eight_classify_cards_with_the_right_category() -> None:
    deck = compiled_page().deck
    classify = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.CLASSIFY}
    product = [p for p, a in classify.items() if a == "Product management"]
    project = [p for p, a in classify.items() if a == "Project management"]
    assert len(product) == 4 and len(project) == 4
    assert any(p.startswith("Owns the vision and strategy") for p in product)
    assert any(p.startswith("Leads through influence") for p in product)
    assert any(p.startswith("Owns the execution") for p in project)
    assert any(p.startswith("Ensures workflows, tasks, and dependencies") for p in project)


def test_the_four_principles_are_split_from_their_glued_descriptions() -> None:
    deck = compiled_page().deck
    [principles] = [c for c in deck.cards if c.kind is Kind.LIST and "principles" in c.prompt]
    assert principles.items == ("Deliver value fast", "Build recurring value", "Drive virality",
                                "Create high switching costs")
    meanings = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert meanings["Product-Led Thinking: what does “Deliver value fast” mean?"] == \
        "Help users reach the “aha!” moment within minutes."
    assert meanings["Product-Led Thinking: what does “Build recurring value” mean?"] == \
        "Ensure customers keep coming back as the product proves its worth."
    assert meanings["Product-Led Thinking: what does “Drive virality” mean?"] == \
        "Design for natural sharing, network effects, and organic growth."
    assert meanings["Product-Led Thinking: what does “Create high switching costs” mean?"] == \
        "Make the product integral to workflows so leaving is costly."


def test_both_definitions_are_there() -> None:
    deck = compiled_page().deck
    answers = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert answers["What is product management?"].startswith(
        "The strategic practice of guiding a product from idea to launch and beyond")
    assert answers["What is product-led thinking?"] == \
        "An approach where the product itself becomes the primary engine of growth."
    clozes = [c.prompt for c in deck.cards if c.kind is Kind.CLOZE]
    # intro-pm.compile.toml drops the definition's cloze: "the discipline" is as right as
    # the gapped "strategic practice"
    assert not any("{{strategic practice}}" in c for c in clozes)


def test_navigation_and_widgets_never_reach_card_text() -> None:
    result = compiled_page()
    for card in result.deck.cards:
        text = " ".join([card.prompt, card.answer, card.explain, *card.options, *card.items])
        for marker in NAVIGATION:
            assert marker not in text, (card.id, marker)
    module = result.deck.module
    assert module.phase == 0
    assert module.title == "Introduction to Product Management and Product-Led Thinking"
    assert module.next_module == "The Product Lifecycle"
    assert module.resources[0] == "IBM: What is Product Management"
    assert len(module.resources) == 4


def test_shipped_decks_are_what_their_sources_compile_to() -> None:
    result = runner.invoke(app, ["compile", "--check", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert result.output.count("up to date") == 2


# SHA-256 of the course page as copied from the site (the course's own copy of it)
COURSE_PAGE_SHA256 = "fb2f2787d1723357fd72aa17796d253e3dd476290e616302575b896e5998c840"


def test_shipped_page_is_the_course_page_unedited() -> None:
    import hashlib

    assert hashlib.sha256(PAGE.read_bytes()).hexdigest() == COURSE_PAGE_SHA256


def test_a_page_it_has_never_seen(tmp_path: Path) -> None:
    page = tmp_path / "discovery.page.txt"
    page.write_text(OTHER_PAGE, encoding="utf-8")
    result = compile_module(page)
    deck = result.deck
    assert deck.module.phase == 3
    assert deck.module.title == "Discovery and Delivery"
    assert deck.module.next_module == "Roadmaps"
    assert deck.module.resources == ("Acme: A Guide to Discovery",)
    classify = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.CLASSIFY}
    assert classify == {
        "Tests ideas with customers before code is written.": "Discovery",
        "Reduces the risk that nobody wants the feature.": "Discovery",
        "Ships working software to production.": "Delivery",
        "Tracks velocity and release dates.": "Delivery",
    }
    [habits] = [c for c in deck.cards if c.kind is Kind.LIST]
    assert habits.items == ("Talk to customers weekly", "Prototype cheaply", "Measure outcomes")
    meanings = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert meanings["Habits of strong teams: what does “Prototype cheaply” mean?"] == \
        "Test the riskiest assumption first."
    assert meanings["What is product discovery?"] == \
        "The work of deciding what to build before building it."
    for card in deck.cards:
        assert "Open Resource" not in card.prompt + card.answer


def test_unsure_glue_is_a_warning_with_its_line(tmp_path: Path) -> None:
    page = tmp_path / "x.page.txt"
    page.write_text(OTHER_PAGE.replace("Prototype cheaplytest", "Prototype zqxwtest"))
    result = compile_module(page)
    warnings = [w.describe(str(page)) for w in result.warnings]
    assert len(warnings) == 1
    assert ":27: unsure where the term ends" in warnings[0] and "zqxw" in warnings[0]


def test_glue_splitting_rules() -> None:
    assert split_glued("Deliver value fasthelp users win").term == "Deliver value fast"  # type: ignore[union-attr]
    split = split_glued("Drive viralitydesign for sharing")
    assert split is not None and split.term == "Drive virality" and split.sure
    assert split.description == "Design for sharing"
    assert split_glued("Owns the vision and strategy") is None


def test_markdown_module_with_terms_and_comparison(tmp_path: Path) -> None:
    source = tmp_path / "pricing.md"
    source.write_text("""---
phase: 2
---
# Pricing

Value-based pricing is a pricing strategy that sets prices by the value customers perceive.

## Freemium vs Free trial

### Freemium

- Free forever for a limited plan.

### Free trial

- Full product for a limited time.

## Levers

Pricing has three levers:

- **Price point**: what one unit costs.
- **Packaging** — which features go together.
- **Metric**: what the customer pays per.
""", encoding="utf-8")
    deck = compile_module(source).deck
    assert deck.module.phase == 2 and deck.module.title == "Pricing"
    assert {c.prompt: c.answer for c in deck.cards if c.kind is Kind.CLASSIFY} == {
        "Free forever for a limited plan.": "Freemium",
        "Full product for a limited time.": "Free trial"}
    [levers] = [c for c in deck.cards if c.kind is Kind.LIST]
    assert levers.items == ("Price point", "Packaging", "Metric")
    assert any(c.answer == "Which features go together." for c in deck.cards)


def test_output_is_deterministic_and_studyable(home: Path, tmp_path: Path) -> None:
    out1, out2 = tmp_path / "a.toml", tmp_path / "b.toml"
    for out in (out1, out2):
        result = runner.invoke(app, ["compile", str(PAGE), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert out1.read_bytes() == out2.read_bytes()
    assert "Wrote" in result.output and "classify 8" in result.output


def test_default_output_goes_to_the_users_decks(home: Path, tmp_path: Path) -> None:
    own_decks_only(home)
    page = tmp_path / "discovery.page.txt"
    page.write_text(OTHER_PAGE, encoding="utf-8")
    result = runner.invoke(app, ["compile", str(page)])
    assert result.exit_code == 0, result.output
    assert (home / "decks" / "phase-3" / "discovery.toml").exists()
    due = json.loads(runner.invoke(app, ["due", "--json"]).output)
    assert due["phases"][0]["phase"] == 3 and due["new"] > 0


def test_recompile_keeps_ids_reports_retired_and_keeps_reviews(home: Path,
                                                               tmp_path: Path) -> None:
    own_decks_only(home)
    # every card answered on one day: siblings are not buried here
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    page = tmp_path / "discovery.page.txt"
    page.write_text(OTHER_PAGE, encoding="utf-8")
    deck_path = home / "decks" / "discovery.toml"
    assert runner.invoke(app, ["compile", str(page), "-o", str(deck_path)]).exit_code == 0
    first = compile_module(page).deck
    ships = next(c for c in first.cards if c.prompt.startswith("Ships working"))
    # answer everything once, so every card has history
    answers = "\n".join(["x\n1\n"] * 40)
    runner.invoke(app, ["study", "--new-per-day", "50"], input=answers,
                  env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    conn = sqlite3.connect(home / "pmquiz.db")
    before = dict(conn.execute("SELECT c.card_id, count(*) FROM reviews r JOIN cards c "
                               "ON c.id = r.card GROUP BY c.card_id").fetchall())
    assert before.get(ships.id)
    page.write_text(OTHER_PAGE.replace("Ships working software to production.",
                                       "Ships working software to production quickly.")
                    .replace("  • Tracks velocity and release dates.\n", ""), encoding="utf-8")
    result = runner.invoke(app, ["compile", str(page), "-o", str(deck_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert ships.id in report["changed"]
    assert any("tracks-velocity" in r for r in report["retired"])
    assert report["added"] == []
    runner.invoke(app, ["due"])
    kept = conn.execute("SELECT c.retired, json_extract(c.body, '$.prompt'), count(r.id) FROM "
                        "cards c JOIN reviews r ON r.card = c.id WHERE c.card_id = ?",
                        (ships.id,)).fetchone()
    assert kept == (0, "Ships working software to production quickly.", before[ships.id])
    retired = conn.execute("SELECT retired FROM cards WHERE card_id LIKE '%tracks-velocity%'"
                           ).fetchone()
    assert retired == (1,)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    (b"just some words\nand more words\n", "no cards could be made"),
    (b"# Title\n\nSome prose that defines nothing at all. More prose here.\n",
     "no cards could be made"),
    (b"\xff\xfe bad", "not UTF-8"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path: Path, content: bytes,
                                                       message: str) -> None:
    source = tmp_path / "module.md"
    source.write_bytes(content)
    out = tmp_path / "deck.toml"
    result = runner.invoke(app, ["compile", str(source), "-o", str(out), "--phase", "1"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "module.md"]


PIECES = ["a", "b", " ", "•", "\n", "\n\n", ":", ".", "#", "- ", "* ", "X is the thing", "Phase 1",
          "Home / Phase-1 / T", "A vs B", "A", "B", "**t** — d", "Resources", "Open Resource",
          "Next module:", "growthhelp", "\x1b[31m", "é"]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.sampled_from([".md", ".txt"]))
def test_any_text_gives_a_deck_or_a_clear_error(tmp_path: Path, pieces: list[str],
                                               suffix: str) -> None:
    source = tmp_path / f"any{suffix}"
    source.write_text("".join(pieces), encoding="utf-8")
    try:
        result = compile_module(source, phase=1)
    except CompileError as exc:
        assert str(exc)
    else:
        assert result.deck.cards
        from pmquiz.deck import parse_deck

        parse_deck(Path("x.toml"), result.text.encode())


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_give_a_deck_or_a_clear_error(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "any.txt"
    source.write_bytes(data)
    try:
        compile_module(source, phase=0)
    except CompileError as exc:
        assert str(exc).startswith(str(source))


THIRD_PAGE = """Home / Phase-2 / Roadmaps and Outcomes

Phase 2

Roadmaps and Outcomes

Phase progress0 / 3 completed
A product roadmap is a shared plan that shows where a product is heading and why. It changes.

Outputs vs Outcomes

Outputs

  • Features shipped in a release.
  • Story points completed in a sprint.
  • Documents and designs delivered.

Outcomes

  • A change in customer behaviour, such as more weekly active users.
  • Lower churn after onboarding improves.
  • Higher revenue per account.

What makes a good roadmap

Good roadmaps share four traits:

  • Focus on problemsname the customer problem before any feature.
  • Stay flexibleleave room to change course when evidence arrives.
  • Show confidencemark what is committed and what is exploratory.
  • Align teamsgive every team the same picture of priorities.

Resources

Roadmunk

Roadmap basics

Open Resource
Done with this module?
Back to Phase 2

Next module:

Prioritisation

Next Module"""


def test_another_page_with_other_headings(tmp_path: Path) -> None:
    page = tmp_path / "roadmaps.page.txt"
    page.write_text(THIRD_PAGE, encoding="utf-8")
    result = compile_module(page)
    deck = result.deck
    assert (deck.module.phase, deck.module.title) == (2, "Roadmaps and Outcomes")
    classify = [c for c in deck.cards if c.kind is Kind.CLASSIFY]
    assert len(classify) == 6
    assert {c.categories for c in classify} == {("Outputs", "Outcomes")}
    assert {c.prompt for c in classify if c.answer == "Outcomes"} == {
        "A change in customer behaviour, such as more weekly active users.",
        "Lower churn after onboarding improves.", "Higher revenue per account."}
    [traits] = [c for c in deck.cards if c.kind is Kind.LIST]
    assert traits.items == ("Focus on problems", "Stay flexible", "Show confidence",
                            "Align teams")
    meanings = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert meanings["What is a product roadmap?"] == \
        "A shared plan that shows where a product is heading and why."
    assert meanings["What makes a good roadmap: what does “Stay flexible” mean?"] == \
        "Leave room to change course when evidence arrives."
    assert not result.warnings
    assert deck.module.next_module == "Prioritisation"


# ---- pages written in the site's format after the rules were built (tests/data/pages) ----

PAGES = Path(__file__).parent / "data" / "pages"


def cards_of(name: str) -> list:  # type: ignore[type-arg]
    return list(compile_module(PAGES / name).deck.cards)


def test_glued_habits_split_with_the_dictionary() -> None:
    """Terms glued to descriptions that start with words no hand-made list had: keep,
    focus, spend, play."""
    result = compile_module(PAGES / "customer-discovery.page.txt")
    assert result.warnings == []
    cards = list(result.deck.cards)
    [habits] = [c for c in cards if c.kind is Kind.LIST]
    assert habits.items == ("Talk to customers weekly", "Ask about past behaviour",
                            "Test the riskiest assumption first", "Share raw evidence")
    assert habits.prompt == "Good interviewers keep four habits. Name all four."
    meaning = {c.prompt: c.answer for c in cards if c.kind is Kind.BASIC}
    assert meaning["Habits of good interviewers: what does “Share raw evidence” mean?"] == \
        "Play short clips of interviews to the whole team."
    assert meaning["Habits of good interviewers: what does “Ask about past behaviour” mean?"] \
        == "Focus on what people did, not on what they say they will do."
    which = {c.prompt: c.answer for c in cards if c.id.endswith("-which")}
    assert which["Which habit means: spend effort where being wrong would cost the most?"] == \
        "Test the riskiest assumption first"
    # the list card's explanation is what the page says after the list
    assert habits.explain.startswith("Discovery never really ends")


def test_glued_terms_of_other_lengths_and_rare_words() -> None:
    cards = cards_of("product-metrics.page.txt")
    [stack] = [c for c in cards if c.kind is Kind.LIST]
    assert stack.items == ("North Star metric", "Input metrics", "Health metrics")
    assert stack.prompt == "Name the three layers of the metrics stack, in order."
    explain = {c.id: c.explain for c in cards}
    # not "is the second of the three layers" (it restates the list): the item it is most
    # easily confused with, in the page's words
    assert explain["the-metrics-stack/input-metrics"].startswith("Not to be confused with “")
    techniques = [c for c in cards_of("prioritisation.page.txt") if c.kind is Kind.LIST]
    assert techniques[0].items == ("Value versus effort", "Cost of delay", "Opportunity scoring")
    assert techniques[0].prompt == "Product teams lean on a few simple techniques. Name all three."


def test_comparisons_teach_the_contrast_and_ask_real_questions() -> None:
    cards = cards_of("customer-discovery.page.txt")
    classify = {c.prompt: c for c in cards if c.kind is Kind.CLASSIFY}
    card = classify["Ask every respondent the same fixed questions."]
    assert card.answer == "Surveys"
    assert card.explain == ("Surveys ask every respondent the same fixed questions. By contrast, "
                            "interviews let the interviewer follow up on a surprising answer.")
    choices = {c.prompt: c for c in cards if c.kind is Kind.CHOICE and "which-is" in c.id}
    assert set(choices) == {"Which of these belongs to interviews, not surveys?",
                            "Which of these belongs to surveys, not interviews?"}
    for choice in choices.values():
        assert choice.explain.endswith((".", "surveys.", "interviews."))
        assert choice.answer not in choice.options
    metrics = {c.prompt for c in cards_of("product-metrics.page.txt")}
    assert "Which of these belongs to leading indicators, not lagging indicators?" in metrics


def test_definitions_and_their_clozes() -> None:
    cards = {c.id: c for c in cards_of("prioritisation.page.txt")}
    what = cards["introduction/what-is-prioritisation"]
    assert what.prompt == "What is prioritisation?"
    assert what.answer == ("The discipline of choosing what the team works on next and what it "
                           "leaves out.")
    assert what.explain == "Saying no is most of the job."  # the sentence after it
    roadmap = cards["why-it-matters/what-is-roadmap"]
    assert roadmap.prompt == "At its core, what is a roadmap?"
    assert roadmap.answer == "A statement of intent."
    metric = {c.id: c for c in cards_of("product-metrics.page.txt")}
    # "metric" is the module's own title term (Product Metrics): no cloze deletes it
    assert "introduction/metric-key-phrase" not in metric
    assert not [c for c in metric.values() if c.kind is Kind.CLOZE and
                any("metric" in g[0].lower() for g in c.gaps)]


def test_compiled_pages_and_shipped_decks_pass_the_linter(tmp_path: Path) -> None:
    import tomllib

    from pmquiz.deck import load_decks
    from pmquiz.lint import lint

    # each page is a module of its own course: linted on its own (two of them define
    # "roadmap", each in its own words); what remains is judged card by card in
    # lint-residual.toml, the same for a page's text and its saved HTML
    residual = {(f["page"].removesuffix(".page.txt"), f["rule"], f["card"]) for f in
                tomllib.loads((PAGES / "lint-residual.toml").read_text(encoding="utf-8"))
                ["finding"]}
    found = set()
    for page in sorted([*PAGES.glob("*.page.txt"), *PAGES.glob("*.html")]):
        out = tmp_path / f"{page.name}.toml"
        result = runner.invoke(app, ["compile", str(page), "-o", str(out)])
        assert result.exit_code == 0, result.output
        name = page.name.removesuffix(".page.txt").removesuffix(".html")
        found |= {(name, f.rule, f.card) for f in lint(load_decks([out]))}
    assert found == residual
    result = runner.invoke(app, ["lint", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "ok: nothing to fix in 2 deck files" in result.output


def test_one_definition_per_term_the_other_wording_also_right() -> None:
    cards = list(compiled_page().deck.cards)
    asked = [c for c in cards if c.kind is Kind.BASIC and "what is product management" in
             c.prompt.lower()]
    assert len(asked) == 1
    [card] = asked
    assert card.answer.startswith("The strategic practice of guiding a product")
    assert card.also == ("The discipline of guiding a product through its entire lifecycle.",)
    # the other section's cloze deleted the module's title term ("Introduction to Product
    # Management"): it is no longer made
    assert not [c for c in cards if c.kind is Kind.CLOZE and "At its core" in c.prompt]


def test_a_basic_cards_other_wording_is_right_too(tmp_path: Path) -> None:
    from pmquiz.kinds import Question, kind_of
    from pmquiz.model import Card, CardState, StoredCard

    card = Card(deck="m", id="pm", kind=Kind.BASIC, prompt="What is product management?",
                answer="The strategic practice of guiding a product from idea to launch.",
                also=("The discipline of guiding a product through its entire lifecycle.",))
    question = Question(StoredCard(1, card, 0, "M", CardState()), 1, 0)
    verdict = kind_of(card).judge(question, "the discipline of guiding a product through its "
                                            "entire lifecycle")
    assert verdict.hint is not None and verdict.hint.value == "right"
    lines = [text for text, _ in kind_of(card).feedback(verdict)]
    assert "Your answer matches." in lines
    assert "Also right: The discipline of guiding a product through its entire lifecycle." in lines


def test_a_saved_html_page_gives_the_main_content_only(home: Path, tmp_path: Path) -> None:
    page = PAGES / "experiments.html"
    result = compile_module(page)
    deck = result.deck
    assert result.warnings == []
    assert (deck.module.title, deck.module.phase) == ("Experiments", 3)
    assert deck.module.next_module == "Product Analytics"
    assert deck.module.resources == ("Growth Lab: Running Your First A/B Test",
                                     "Lean Notes: Fake Doors Explained")
    text = " ".join(" ".join([c.prompt, c.answer, c.explain, *c.options, *c.items])
                    for c in deck.cards)
    for furniture in ("Phases", "Profile", "Open Resource", "Done with this module",
                      "Back to Phase", "Phase progress", "analytics", "Resources"):
        assert furniture not in text, furniture
    cards = {c.id: c for c in deck.cards}
    assert cards["introduction/what-is-experiment"].answer == \
        "A small, time-boxed test that checks one assumption with real users."
    [parts] = [c for c in deck.cards if c.kind is Kind.LIST]
    assert parts.items == ("Hypothesis", "Metric", "Audience", "Stopping rule")  # bold terms
    assert parts.prompt == "A well-designed experiment has four parts. Name all four."
    meaning = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert meaning["Good experiment design: what does “Stopping rule” mean?"] == \
        "Decide in advance when the test ends, whatever the early numbers say."
    classify = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.CLASSIFY}
    assert classify["Need enough visitors for the difference to be statistically meaningful."] \
        == "A/B tests"  # emphasis kept as its words
    assert "Which of these belongs to A/B tests, not fake-door tests?" in \
        {c.prompt for c in deck.cards}
    out = tmp_path / "experiments.toml"
    done = runner.invoke(app, ["compile", str(page), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert runner.invoke(app, ["lint", str(out)]).exit_code == 0


def test_markdown_is_parsed_not_matched_line_by_line(tmp_path: Path) -> None:
    source = tmp_path / "m.md"
    source.write_text("""---
phase: 4
---
# Delivery *habits*

Continuous delivery is the practice of keeping every change ready to release.
It shortens the feedback loop.

## Team rituals

A delivery team keeps three rituals:

1. **Stand-up**: share what blocks you,
   in two minutes or less.
2. **Demo** — show working software, not slides.
3. __Retro__ look back and change one thing.
   - a nested note that belongs to the retro

Closing words with a [link](https://example.org) and `code`.
""", encoding="utf-8")
    deck = compile_module(source).deck
    assert deck.module.title == "Delivery habits"
    [rituals] = [c for c in deck.cards if c.kind is Kind.LIST]
    assert rituals.items[:3] == ("Stand-up", "Demo", "Retro")
    meaning = {c.prompt: c.answer for c in deck.cards if c.kind is Kind.BASIC}
    assert meaning["Team rituals: what does “Stand-up” mean?"] == \
        "Share what blocks you, in two minutes or less."  # a wrapped item is one item
    assert meaning["Team rituals: what does “Demo” mean?"] == \
        "Show working software, not slides."
    assert meaning["What is continuous delivery?"] == \
        "The practice of keeping every change ready to release."
    assert rituals.explain == "Closing words with a link and code."
