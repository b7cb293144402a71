"""Siblings apart: cards that test the same fact are not asked on the same day, and a day's
session over the shipped decks rarely asks for what an earlier card just showed."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pexpect

from pmquiz.grading import normalize
from pmquiz.model import Card

from helpers import own_decks_only, scripted_session, spawn, write_deck

DEFINITION = ('[[cards]]\nid = "what-is"\nkind = "basic"\nprompt = "What is a widget?"\n'
              'answer = "A small part that does one job."\ngroup = "widget"\n\n'
              '[[cards]]\nid = "widget-cloze"\nkind = "cloze"\n'
              'prompt = "A widget is a small {{part}} that does one job."\ngroup = "widget"\n\n'
              '[[cards]]\nid = "other"\nkind = "basic"\nprompt = "What is a gadget?"\n'
              'answer = "A clever device."\n')


def asked(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return [r[0] for r in conn.execute(
            "SELECT c.card_id FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id")]
    finally:
        conn.close()


def test_a_definitions_cloze_waits_for_the_next_day(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", DEFINITION)
    child = spawn(home, "study")
    child.expect("What is a widget")
    child.expect("Your answer:")
    child.sendline("a small part")
    child.expect("rate:")
    child.send("4")  # Easy: the card is done for today
    child.expect("What is a gadget")  # the cloze sibling is skipped
    child.expect("Your answer:")
    child.sendline("a device")
    child.expect("rate:")
    child.send("4")
    child.expect("Session")
    child.expect(pexpect.EOF)
    child.close()
    assert asked(home) == ["what-is", "other"]
    # the next learning day the cloze comes
    child = spawn(home, "study", PMQUIZ_NOW="2026-03-03T09:00:00+00:00")
    child.expect("A widget is a small _____ that does one job")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


def test_bury_siblings_can_be_turned_off(home: Path) -> None:
    from typer.testing import CliRunner

    from pmquiz.cli import app

    write_deck(own_decks_only(home), "alpha", DEFINITION)
    (home / "config.toml").write_text("shipped_decks = false\nbury_siblings = false\n",
                                      encoding="utf-8")
    CliRunner().invoke(app, ["study"], input="x\neasy\npart\n\nx\neasy\n",
                       env={"PMQUIZ_NOW": "2026-03-02T09:00:00+00:00"})
    assert sorted(asked(home)) == ["other", "what-is", "widget-cloze"]


def _shown(card: Card) -> str:
    return " ".join([card.prompt, card.answer, card.explain, *card.options, *card.items])


def answer_of(card: Card) -> list[str]:
    """What a card asks the learner to produce (classify categories excepted)."""
    if card.kind.value == "cloze":
        return [g[0] for g in card.gaps]
    if card.kind.value == "list":
        return list(card.items)
    if card.kind.value == "classify":
        return []
    return [card.answer]


def test_one_days_session_over_the_shipped_decks_leaks_few_answers(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('timezone = "UTC"\nnew_per_day = 1000\n',
                                      encoding="utf-8")
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    scripted_session(home, now.isoformat(), random.Random(7), right=0.9, rating="easy")
    conn = sqlite3.connect(home / "pmquiz.db")
    import json

    order = [Card.from_dict(json.loads(body)) for (body,) in conn.execute(
        "SELECT c.body FROM reviews r JOIN cards c ON c.id = r.card ORDER BY r.id")]
    conn.close()
    first_time = []
    seen_keys: set[str] = set()
    for card in order:  # each card's first showing
        if card.key not in seen_keys:
            seen_keys.add(card.key)
            first_time.append(card)
    leaks = []
    for index, card in enumerate(first_time):
        earlier = normalize(" ".join(_shown(c) for c in first_time[:index]))
        if any(len(normalize(a)) > 3 and f" {normalize(a)} " in f" {earlier} "
               for a in answer_of(card)):
            leaks.append(card.key)
    assert len(first_time) >= 20  # one card of each sibling group (shared facts) a day
    print(f"{len(leaks)} leaks in {len(first_time)} cards: {leaks}")
    assert len(leaks) <= 0.10 * len(first_time), leaks
