"""The real CLI through CliRunner with a temporary PMQUIZ_HOME and the plain line protocol."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import basic_cards, own_decks_only, write_deck

runner = CliRunner()
NOW = "2026-03-02T09:00:00+00:00"


def run(*args: str, input: str | None = None, now: str | None = None,
        code: int = 0) -> str:
    env = {"PMQUIZ_NOW": now} if now else {}
    result = runner.invoke(app, list(args), input=input, env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_overview_shows_phase0_and_how_to_start() -> None:
    out = run()
    assert "Phase 0" in out
    assert "Introduction to Product Management" in out
    assert "pmquiz study" in out


def test_due_json_counts_the_shipped_deck() -> None:
    data = json.loads(run("due", "--json"))
    assert data["new"] == 10  # the daily limit
    assert data["review"] == 0 and data["learning"] == 0
    [phase0] = data["phases"]
    assert phase0["phase"] == 0 and phase0["cards"] >= 30


def test_decks_json_lists_modules_and_kinds() -> None:
    data = json.loads(run("decks", "--json"))
    intro = next(m for m in data["modules"] if m["slug"] == "intro-pm")
    assert intro["kinds"]["classify"] >= 8
    assert intro["phase"] == 0


def test_check_reports_path_line_and_exits_1(home: Path) -> None:
    bad = write_deck(home / "decks", "bad", '[[cards]]\nid = "a"\nkind = "basic"\nprompt = "P"\n')
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert f'{bad}:6: card "a": kind "basic" needs "answer"' in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["check", "--json", str(bad)])
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"][0]["line"] == 6


def test_every_deck_loading_command_refuses_a_broken_deck(home: Path) -> None:
    write_deck(home / "decks", "bad", '[[cards]]\nid = "a"\nkind = "essay"\nprompt = "P"\n')
    for command in (["due"], ["study"], ["decks"], []):
        result = runner.invoke(app, command, input="")
        assert result.exit_code == 1, command
        assert 'bad.toml:8: card "a": unknown kind "essay"' in result.output
    assert not (home / "pmquiz.db").exists() or sqlite3.connect(home / "pmquiz.db").execute(
        "SELECT count(*) FROM cards WHERE deck = 'bad'").fetchone()[0] == 0


def test_check_ok_on_shipped_decks() -> None:
    assert run("check").startswith("ok: ")


def test_study_through_a_pipe_records_answers(home: Path, db: sqlite3.Connection) -> None:
    decks = own_decks_only(home)
    write_deck(decks, "alpha", basic_cards(3))
    out = run("study", input="answer 1\ngood\n\nagain\nanswer three\neasy\n",
              now="2026-03-02T09:00:00+00:00")
    assert "Question 1?" in out and "Answer: answer 1" in out
    assert "Your answer matches." in out
    assert "Answered 3, 2 correct" in out
    rows = db.execute("SELECT r.rating, r.answer, c.card_id FROM reviews r JOIN cards c "
                      "ON c.id = r.card ORDER BY r.id").fetchall()
    assert rows[:3] == [(3, "answer 1", "q1"), (1, "", "q2"), (4, "answer three", "q3")]


def test_failed_card_comes_back_in_the_same_session(home: Path, db: sqlite3.Connection) -> None:
    decks = own_decks_only(home)
    write_deck(decks, "alpha", basic_cards(1))
    # Again -> relearning step 1m, shown again (learn-ahead 20 min), then Good -> step 10m,
    # shown again, then Good graduates it.
    out = run("study", input="\nagain\n\ngood\n\ngood\n", now="2026-03-02T09:00:00+00:00")
    assert out.split("╭")[0].count("Question 1?") == 3  # asked three times (then the summary)
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 3
    assert db.execute("SELECT state FROM card_state").fetchone()[0] == 2


def test_eof_mid_session_keeps_answers_and_exits_0(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", basic_cards(5))
    out = run("study", input="x\ngood\n", now="2026-03-02T09:00:00+00:00")
    assert "Input ended: every answer given is saved." in out
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_classify_and_choice_accept_numbers_letters_and_words(home: Path,
                                                              db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", extra='[sets]\npp = ["Product management", "Project management"]\n',
               cards='[[cards]]\nid = "c1"\nkind = "classify"\ncategories = "pp"\n'
                     'prompt = "Owns the vision"\nanswer = "Product management"\n\n'
                     '[[cards]]\nid = "c2"\nkind = "classify"\ncategories = "pp"\n'
                     'prompt = "Tracks the budget"\nanswer = "Project management"\n\n'
                     '[[cards]]\nid = "c3"\nkind = "choice"\nprompt = "Pick B"\nanswer = "B"\n'
                     'options = ["A", "C"]\n')
    # new cards of two kinds alternate: c1, then the choice card, then c2
    out = run("study", input="prod\n\nb\ne\n2\n\n", now="2026-03-02T09:00:00+00:00")
    assert "1) Product management" in out and "2) Project management" in out
    assert "✓ right" in out
    ratings = [tuple(r) for r in db.execute("SELECT c.card_id, r.rating FROM reviews r "
                                        "JOIN cards c ON c.id = r.card ORDER BY r.id")]
    assert ratings == [("c1", 3), ("c3", 4), ("c2", 3)]


def test_list_and_cloze_are_auto_graded(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha",
               '[[cards]]\nid = "l"\nkind = "list"\nprompt = "Name them"\n'
               'items = ["Deliver value fast", "Build recurring value", "Drive virality", '
               '"Create high switching costs"]\n\n'
               '[[cards]]\nid = "z"\nkind = "cloze"\n'
               'prompt = "The {{product}} drives {{growth}}"\n')
    out = run("study", input="drive virality, deliver value fast\n\nproduct; growth\n\n",
              now="2026-03-02T09:00:00+00:00", code=0)
    assert "wrong (2 of 4)" in out  # a missing item fails the card, still counted
    assert "Missed: Build recurring value; Create high switching costs" in out
    grades = db.execute("SELECT grade, rating FROM reviews ORDER BY id").fetchall()
    assert grades[:2] == [("wrong", 1), ("right", 3)]


def test_new_card_limit_and_day_start(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    (home / "config.toml").write_text('shipped_decks = false\nnew_per_day = 2\n'
                                      'timezone = "UTC"\nday_starts_at = 4\n')
    write_deck(own, "alpha", basic_cards(6))
    run("study", input="\ngood\n\ngood\n\ngood\n\ngood\n", now="2026-03-02T02:00:00+00:00")
    assert db.execute("SELECT count(DISTINCT card) FROM reviews").fetchone()[0] == 2
    # 03:59 is still the same learning day: no new cards left
    data = json.loads(run("due", "--json", now="2026-03-02T03:59:00+00:00"))
    assert data["new"] == 0
    # from 04:00 a new day begins
    data = json.loads(run("due", "--json", now="2026-03-02T04:00:00+00:00"))
    assert data["new"] == 2


def test_due_reviews_come_first_lowest_recall_first(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    (home / "config.toml").write_text('shipped_decks = false\nnew_per_day = 3\nfuzz = false\n')
    write_deck(own, "alpha", basic_cards(4))
    # q1 rated Good (short interval), q2 and q3 Easy (long intervals)
    run("study", "--limit", "3", input="\ngood\n\neasy\n\neasy\n\ngood\n",
        now="2026-03-02T09:00:00+00:00")
    out = run("study", "--new-per-day", "1", input="\ngood\n" * 5,
              now="2026-04-30T09:00:00+00:00")
    order = [line for line in out.splitlines() if line.startswith("Question")]
    assert order[:4] == ["Question 1?", "Question 2?", "Question 3?", "Question 4?"]
    assert "Answered" in out


def test_nothing_due_says_when_next(home: Path) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", basic_cards(1))
    run("study", input="\neasy\n", now="2026-03-02T09:00:00+00:00")
    out = run("study", input="", now="2026-03-02T10:00:00+00:00")
    assert "Nothing to study right now. Next card due in" in out


def test_undo_cli(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", basic_cards(2))
    run("study", input="\ngood\n\nagain\n", now="2026-03-02T09:00:00+00:00")
    assert "Undid Again on “Question 2?” (alpha/q2" in run("undo")  # names the question
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert db.execute("SELECT state FROM card_state cs JOIN cards c ON c.id = cs.card "
                      "WHERE c.card_id = 'q2'").fetchone()[0] == 0
    run("undo")
    result = runner.invoke(app, ["undo"])
    assert result.exit_code == 1 and "nothing to undo" in result.output


def test_card_text_is_printed_literally(home: Path) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", '[[cards]]\nid = "x"\nkind = "basic"\n'
               'prompt = "[bold red]Owns[/bold red] \\u001b[31mred\\u001b[0m [link=http://x]l[/link]"\n'
               'answer = "a"\n')
    out = run("study", input="\ngood\n", now="2026-03-02T09:00:00+00:00")
    assert "[bold red]Owns[/bold red] red [link=http://x]l[/link]" in out
    assert "\x1b" not in out


def test_bad_pmquiz_now_is_a_usage_error() -> None:
    result = runner.invoke(app, ["due"], env={"PMQUIZ_NOW": "next monday"})
    assert result.exit_code == 2
    assert "not an ISO 8601 time" in result.output


def test_corrupt_database_is_reported_and_untouched(home: Path) -> None:
    path = home / "pmquiz.db"
    path.write_bytes(b"this is not sqlite" * 100)
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    assert "not a pmquiz database" in result.output
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_bad_config_is_reported(home: Path) -> None:
    (home / "config.toml").write_text("desired_retention = 2\n")
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 1
    assert "desired_retention must be between 0.70 and 0.99" in result.output


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_commands(flag: str) -> None:
    out = run(flag)
    for command in ("study", "due", "decks", "check", "undo"):
        assert command in out


def test_study_flags_override_settings(home: Path, db: sqlite3.Connection) -> None:
    own = own_decks_only(home)
    write_deck(own, "alpha", basic_cards(3))
    out = run("study", "--new-per-day", "1", "--learning-steps", "5m", "--no-fuzz",
              input="\ngood\n", now="2026-03-02T09:00:00+00:00")
    assert "Answered 1" in out  # one new card; Good on the only step graduates it
    assert db.execute("SELECT state FROM card_state WHERE state > 0").fetchall() == [(2,)]
    result = runner.invoke(app, ["study", "--learning-steps", "soon"], input="")
    assert result.exit_code == 1 and '"soon" is not a step' in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["study", "--module", "nope"], "--module nope: no such module; modules: intro-pm"),
    (["due", "--phase", "7"], "--phase 7: no cards in that phase; phases: 0"),
    (["stats", "--module", "nope"], "no such module"),
    (["classify", "--phase", "7"], "no cards in that phase"),
])
def test_unknown_phase_or_module_is_a_usage_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_basic_answers_get_a_key_word_hint(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", '[[cards]]\nid = "d"\nkind = "basic"\n'
               'prompt = "What is product management?"\nanswer = "The strategic practice of '
               'guiding a product from idea to launch and beyond"\n')
    out = run("study", input="guiding a product to launch\ngood\n", now=NOW)
    assert "Your answer has 3 of the 7 key words." in out  # strategic practice guiding …


def test_limit_counts_learning_cards_too(home: Path, db: sqlite3.Connection) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(3))
    # The first card is failed: it would come back at once as a learning card.
    out = run("study", "--limit", "1", input="x\nagain\nx\ngood\nx\ngood\n", now=NOW)
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    assert "Answered 1," in out


def test_one_day_is_singular() -> None:
    from datetime import UTC, datetime, timedelta

    from pmquiz.ui.render import when

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert when(now + timedelta(days=1), now).startswith("in 1 day (")
    assert when(now + timedelta(days=3), now).startswith("in 3 days (")


def test_rating_keys_show_their_intervals(home: Path, db: sqlite3.Connection) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(1))
    out = run("study", input="x\ngood\n", now=NOW)
    assert "rate [1 again 1m, 2 hard 6m, 3 good 10m, 4 easy " in out
    # showing them wrote nothing: one answer, one review
    assert db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_nothing_due_offers_extra_new_cards_and_a_drill(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(14))
    (home / "config.toml").write_text("shipped_decks = false\nnew_per_day = 2\n",
                                      encoding="utf-8")
    answers = "x\neasy\n" * 2
    out = run("study", input=answers, now=NOW)
    assert "Answered 2, 2 correct (100%)" in out
    assert "New cards 2 · learning steps 0 · reviews 0" in out
    assert "Ratings Easy 2" in out and "Due by the end of tomorrow:" in out
    out = run("study", input="", now=NOW)
    assert "Nothing to study right now." in out
    assert "12 new cards still waiting: pmquiz study --extra-new 10" in out.replace("\n", " ")
    out = run("study", "--extra-new", "3", input="x\ngood\n" * 3, now=NOW)
    assert "Answered 3," in out and "New cards 3" in out
