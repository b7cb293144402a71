"""New cards mixed: kinds spread over the day, each kind in its deck order, modules in turn."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from typer.testing import CliRunner

from pmquiz.cli import app

from helpers import own_decks_only, write_deck

runner = CliRunner()


def first_day(home: Path, new: int) -> list[dict[str, str]]:
    """The new cards a first session would take, in the order it asks them."""
    from datetime import UTC, datetime

    from pmquiz.store import Scope
    from pmquiz.today import todays_cards
    from pmquiz.workspace import open_workspace

    with open_workspace(home, []) as ws:
        from dataclasses import replace

        ws.settings = replace(ws.settings, new_per_day=new)
        cards = todays_cards(ws.store, ws.settings, datetime(2026, 3, 2, 9, tzinfo=UTC),
                             Scope())
    return [{"kind": s.card.kind.value, "id": s.card.id} for s in cards.new]


def longest_run(kinds: list[str]) -> int:
    best = run = 1
    for before, after in itertools.pairwise(kinds):
        run = run + 1 if before == after else 1
        best = max(best, run)
    return best


def test_a_day_on_the_shipped_decks_opens_with_mixed_kinds(home: Path) -> None:
    for new in (10, 20):
        day = first_day(home, new)
        kinds = [c["kind"] for c in day]
        assert len(day) == new
        assert len(set(kinds[:5])) >= 2, kinds
        assert longest_run(kinds) <= 2, kinds  # it was 12 classify cards in a row
        # a day asks cards of more than one kind, the way the decks hold them
        assert kinds.count("classify") <= 0.7 * new, kinds


def test_each_kind_keeps_its_deck_order(home: Path) -> None:
    cards = "".join(f'[[cards]]\nid = "b{i}"\nkind = "basic"\nprompt = "Basic {i}?"\n'
                    f'answer = "answer {i}"\n\n' for i in range(6))
    cards += "".join(f'[[cards]]\nid = "z{i}"\nkind = "cloze"\n'
                     f'prompt = "Gap number {{{{g{i}}}}} here."\n\n' for i in range(3))
    write_deck(own_decks_only(home), "alpha", cards)
    day = [c["id"] for c in first_day(home, 9)]
    assert [i for i in day if i.startswith("b")] == [f"b{i}" for i in range(6)]
    assert [i for i in day if i.startswith("z")] == ["z0", "z1", "z2"]
    assert day[:3] == ["b0", "z0", "b1"]  # a third of the cards are clozes: every third place
    out = runner.invoke(app, ["due", "--json"])
    assert json.loads(out.output)["new"] == 9
