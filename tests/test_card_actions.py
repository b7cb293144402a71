"""One card at a time from the command line: search (FTS5), suspend, unsuspend, bury, flag,
and undo naming its question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import own_decks_only, write_deck

runner = CliRunner()
DECK = ('[[cards]]\nid = "vision"\nkind = "basic"\nprompt = "Who owns the product vision?"\n'
        'answer = "The product manager."\nexplain = "Customers shape it through discovery."\n\n'
        '[[cards]]\nid = "budget"\nkind = "basic"\nprompt = "Who tracks the budget?"\n'
        'answer = "The project manager."\n\n'
        '[[cards]]\nid = "stages"\nkind = "list"\nprompt = "Name the stages, in order."\n'
        'items = ["Introduction", "Growth", "Maturity", "Decline"]\n')


def cli(*args: str, now: str = "2026-03-02T09:00:00+00:00", stdin: str = "") -> str:
    result = runner.invoke(app, list(args), input=stdin, env={"PMQUIZ_NOW": now})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def deck(home: Path) -> Path:
    return write_deck(own_decks_only(home), "alpha", DECK)


def found(text: str, *options: str) -> list[str]:
    return [c["card"] for c in json.loads(cli("search", text, *options, "--json"))["cards"]]


def test_search_finds_prompts_answers_explanations_and_list_items(deck: Path) -> None:
    assert found("vision") == ["alpha/vision"]
    assert found("custom") == ["alpha/vision"]  # a word's start, in the explanation
    assert found("project manager") == ["alpha/budget"]  # every word must be there
    assert found("maturity") == ["alpha/stages"]  # a list's items
    assert sorted(found("who")) == ["alpha/budget", "alpha/vision"]
    assert found("nothing like this") == []
    out = cli("search", "budget")
    assert "alpha/budget" in out and "Who tracks the budget?" in out
    assert "No card matches" in cli("search", "zebra")


def test_search_index_follows_deck_edits(deck: Path) -> None:
    assert found("budget") == ["alpha/budget"]
    deck.write_text(deck.read_text(encoding="utf-8").replace("the budget", "the spending"),
                    encoding="utf-8")
    assert found("budget") == []
    assert found("spending") == ["alpha/budget"]


def test_suspend_unsuspend_bury_and_flag(deck: Path) -> None:
    assert "Suspended alpha/vision: Who owns the product vision?" in cli("suspend", "vision")
    today = json.loads(cli("due", "--json"))
    assert today["suspended"] == 1 and today["new"] == 2
    suspended = json.loads(cli("search", "--suspended", "--json"))["cards"]
    assert [c["card"] for c in suspended] == ["alpha/vision"] and suspended[0]["suspended"]
    # a session never asks it
    out = cli("study", stdin="\ngood\n" * 3 + "a, b\n\n")
    assert "Who owns the product vision?" not in out
    assert "Unsuspended" in cli("unsuspend", "alpha/vision")
    assert json.loads(cli("due", "--json"))["suspended"] == 0
    assert "Buried alpha/vision until the next learning day" in cli("bury", "vision")
    assert json.loads(cli("due", "--json"))["buried"] == 1
    tomorrow = json.loads(cli("due", "--json", now="2026-03-03T09:00:00+00:00"))
    assert tomorrow["buried"] == 0
    assert "Flagged alpha/vision" in cli("flag", "vision")
    assert found("vision", "--flagged") == ["alpha/vision"]
    assert "Unflagged alpha/vision" in cli("flag", "vision")
    assert json.loads(cli("search", "--flagged", "--json"))["cards"] == []


def test_stats_and_decks_count_suspended_cards(deck: Path) -> None:
    cli("suspend", "budget")
    modules = json.loads(cli("decks", "--json"))["modules"]
    assert modules[0]["suspended"] == 1 and modules[0]["cards"] == 3
    cli("study", stdin="\ngood\n" + "a, b\n\n")
    stats = json.loads(cli("stats", "--json"))
    assert stats["phases"][0]["suspended"] == 1
    assert "1 card suspended" in cli("stats")


def test_unknown_and_ambiguous_cards_are_clear_errors(deck: Path, home: Path) -> None:
    write_deck(home / "decks", "beta", DECK.replace("Who owns", "Who holds"))
    result = runner.invoke(app, ["suspend", "vision"])
    assert result.exit_code == 1 and 'card id "vision" is in 2 modules' in result.output
    result = runner.invoke(app, ["flag", "alpha/nope"])
    assert result.exit_code == 1 and 'no card "alpha/nope"' in result.output
    assert "Traceback" not in result.output


def test_undo_names_the_question(deck: Path) -> None:
    cli("study", "--limit", "1", stdin="\nagain\n")
    assert "Undid Again on “Who owns the product vision?” (alpha/vision" in cli("undo")


def test_an_older_database_gets_its_cards_indexed(home: Path, deck: Path) -> None:
    """A database from before card marks existed: the migration fills the search index."""
    from pmquiz import migrations
    from pmquiz.deck import discover, parse_deck
    from pmquiz.store import Store

    older = tuple(m for m in migrations.MIGRATIONS if m is not migrations.card_marks)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", older)
        patch.setattr(migrations, "NAMES", tuple(m.__name__ for m in older))
        store = Store.open(home / "pmquiz.db")
        store.decks.sync(discover([home / "decks"]), parse_deck)  # cards, but no marks, no index
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(cards)")]
        assert "suspended" not in columns and store.conn.execute(
            "SELECT count(*) FROM cards").fetchone()[0] == 3
        store.close()
    assert found("maturity") == ["alpha/stages"]
    assert json.loads(cli("due", "--json"))["suspended"] == 0


def test_the_line_protocol_takes_the_action_words(deck: Path, home: Path) -> None:
    import sqlite3

    # vision (basic): "?" lists the words, "flag" flags it and the rating follows;
    # stages (list): "bury" instead of the last word; budget (basic): "undo" takes back
    # vision's answer and asks it again
    out = cli("study", stdin="x\n?\nflag\ngood\na, b\nbury\nx\nundo\n")
    for word in ("undo:", "suspend:", "bury:", "flag:", "edit:"):
        assert word in out
    assert "Flagged" in out and "Buried until the next learning day." in out
    assert "Undone: that card again." in out
    conn = sqlite3.connect(home / "pmquiz.db")
    marks = dict(conn.execute("SELECT card_id, flag + 10 * (buried_until IS NOT NULL) "
                              "FROM cards"))
    assert marks == {"vision": 1, "stages": 10, "budget": 0}
    # vision's answer was taken back; stages was buried, budget never rated
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    assert out.count("Who owns the product vision?") == 2  # asked again after the undo
