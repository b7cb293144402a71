"""`pmquiz classify "STATEMENT"` on statements that are on no card, held out of all tuning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from check_eval import evaluate
from pmquiz.cli import app

from helpers import own_decks_only, write_deck

runner = CliRunner()
# Floors for the held-out set, just under what was measured on it the first (and only) time
# it was run: 66 of 90 right, 66 of 82 verdicts right, 13 of 15 unrelated sentences silent.
ACCURACY_FLOOR = 0.70
PRECISION_FLOOR = 0.78
UNRELATED_FLOOR = 0.85


def test_held_out_statements(tmp_path: Path) -> None:
    score = evaluate("classify_holdout.toml", tmp_path / "pmquiz.db")
    assert score.statements == 90
    print(f"held out: {score.right}/{score.statements} right, {score.verdicts} verdicts, "
          f"precision {score.precision:.2f}, unrelated silent {score.unrelated_silent}/"
          f"{score.unrelated}, wrong: {score.wrong}")
    assert score.accuracy >= ACCURACY_FLOOR
    assert score.precision >= PRECISION_FLOOR
    assert score.silent_on_unrelated >= UNRELATED_FLOOR
    for name, (asked, _verdicts, right) in score.per_set.items():
        assert right >= 0.5 * asked, name  # every category set, not only product vs project


# The second held-out set (issue #26: four comparisons, two from pages the check never saw),
# first run on 2026-11-30: 73 of 96 right, 73 of 81 verdicts right, 8 of 10 unrelated
# sentences silent; per comparison 19, 18, 16 and 20 of 24 right. Floors just under.
ROUND4_PAGES = ("problem-solution", "customer-discovery")


def test_second_held_out_set_over_four_comparisons(tmp_path: Path) -> None:
    score = evaluate("classify_holdout_round4.toml", tmp_path / "pmquiz.db", ROUND4_PAGES)
    assert score.statements == 96 and len(score.per_set) == 4
    print(f"held out (round 4): {score.right}/{score.statements} right, {score.verdicts} "
          f"verdicts, per set {score.per_set}, wrong: {score.wrong}")
    assert score.accuracy >= 0.74
    assert score.precision >= 0.88
    assert score.silent_on_unrelated >= 0.8
    for name, (asked, _verdicts, right) in score.per_set.items():
        assert right >= 0.62 * asked, name


def test_the_issue_examples_get_a_verdict() -> None:
    for statement, category in [
            ("Tracks the budget", "Project management"),
            ("Manages the sprint schedule and the budget", "Project management"),
            ("Sets the product vision", "Product management"),
            ("Coordinates dependencies between teams", "Project management")]:
        data = json.loads(runner.invoke(app, ["classify", "--json", statement]).stdout)
        assert data["category"] == category, statement
        assert data["confidence"] in ("sure", "fairly sure", "leaning")
        assert len(data["nearest"]) == 3


def test_unrelated_text_gets_no_verdict_and_says_why() -> None:
    result = runner.invoke(app, ["classify", "Bakes sourdough bread on Sundays"])
    assert "No verdict: this does not read like anything in" in result.output
    assert "Nearest cards" in result.output
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
            "sys.argv = ['pmquiz', 'classify', '--json', 'Tracks the budget']\n"
            "main()\n")
    env = dict(os.environ, PMQUIZ_HOME=str(home), HF_HUB_OFFLINE="0")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["category"] == "Project management"
    assert "wordllama.inference" not in result.stderr


def test_a_label_decides_a_close_paraphrase_and_removing_it_restores_the_verdict(
        home: Path) -> None:
    pm = "Product management/Project management"
    paraphrase = "Holds interviews with users to check a feature idea"

    def check() -> dict[str, object]:
        out = runner.invoke(app, ["classify", "--set", pm, "--json", paraphrase])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    before = check()
    assert before["category"] != "Product management"  # no verdict on the course alone
    given = runner.invoke(app, ["classify", "--set", pm, "--is", "Product management",
                                "Runs user interviews to validate a new feature idea"])
    assert given.exit_code == 0 and "Label 1 kept" in given.output
    after = check()
    assert after["category"] == "Product management"
    listed = json.loads(runner.invoke(app, ["classify", "--labels", "--json"]).stdout)
    assert [x["category"] for x in listed["labels"]] == ["Product management"]
    exact = runner.invoke(app, ["classify", "--set", pm, "--json",
                                "Runs user interviews to validate a new feature idea"])
    assert json.loads(exact.stdout)["confidence"] == "your label"
    assert runner.invoke(app, ["classify", "--unlabel", "1"]).exit_code == 0
    assert check()["category"] == before["category"]  # the old verdict is back
    wrong = runner.invoke(app, ["classify", "--set", pm, "--is", "Marketing", paraphrase])
    assert wrong.exit_code != 0 and "is not a category" in wrong.output


def test_without_a_set_every_comparison_is_judged_and_the_others_listed() -> None:
    data = json.loads(runner.invoke(app, ["classify", "--json", "Tracks the budget"]).stdout)
    others = {o["category_set"] for o in data["others"]}
    assert data["category_set"] not in others
    assert len(others) == 2  # the shipped decks hold three comparisons
    shown = runner.invoke(app, ["classify", "Sets the product vision"]).output
    assert shown.count("also judged in") == 2


def test_a_sets_evidence_is_cached_and_follows_its_deck_files(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first check embeds the set's statements and keeps them; the next embeds only the
    statement checked; a changed deck file is read again, so a check never answers from a
    statement that is gone."""
    from pmquiz import meaning

    embedded: list[int] = []
    real = meaning.Embedder.embed

    def counting(self: meaning.Embedder, texts: list[str]):  # type: ignore[no-untyped-def]
        embedded.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(meaning.Embedder, "embed", counting)
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
