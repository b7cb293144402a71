"""A learner who answers `pmquiz study` through the line protocol, in this process: the real
CLI reads from an object that looks at what was printed and types a reply, as a person at a
pipe would. Used by the 30-day tests, where a subprocess per day would cost minutes."""

from __future__ import annotations

import io
import json
import random
import re
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.grading import normalize
from pmquiz.model import Card, Kind

runner = CliRunner()


class Screen(io.StringIO):
    """What pmquiz printed (not a terminal)."""

    def isatty(self) -> bool:
        return False


class Learner(io.TextIOBase):
    """Standard input that answers the prompt on `screen`: the first option of a choice,
    "x" for a typed card, two items for a list; a self-rating of good (or again), and "I was
    right" after an automatic verdict, each with probability `right`."""

    def __init__(self, screen: Screen, rng: random.Random, right: float):
        self.screen = screen
        self.rng = rng
        self.right = right
        self.read_up_to = 0

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # noqa: ARG002
        text = self.screen.getvalue()
        fresh, self.read_up_to = text[self.read_up_to:], len(text)
        prompt = text.rsplit("\n", 1)[-1]
        keys = re.findall(r"^  (\S+)\) ", fresh, re.MULTILINE)
        if prompt.startswith("answer> ") and keys:
            return keys[0] + "\n"
        if prompt.startswith("answer> "):
            return "x\n"
        if prompt.startswith("items> "):
            return "a, b\n"
        if prompt.startswith("more> "):
            return "\n"
        if prompt.startswith("rate "):
            return ("good" if self.rng.random() < self.right else "again") + "\n"
        if prompt.startswith("next "):
            return ("r" if self.rng.random() < self.right else "") + "\n"
        return ""  # an unknown prompt: end of input


def at(monkeypatch: pytest.MonkeyPatch, now: datetime) -> None:
    monkeypatch.setenv("PMQUIZ_NOW", now.isoformat())


def run_json(monkeypatch: pytest.MonkeyPatch, now: datetime, *args: str) -> dict[str, object]:
    at(monkeypatch, now)
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def study(monkeypatch: pytest.MonkeyPatch, now: datetime, rng: random.Random,
          right: float = 0.8, args: tuple[str, ...] = ()) -> str:
    """One `pmquiz study` through the line protocol; returns everything it printed."""
    at(monkeypatch, now)
    screen = Screen()
    learner = Learner(screen, rng, right)
    monkeypatch.setattr(sys, "stdin", learner)
    monkeypatch.setattr(sys, "stdout", screen)
    # Repeatable runs: the options' order and the review ids (which seed the fuzz) drawn
    # from the learner's generator.
    import types

    from pmquiz.session import loop

    seed = rng.random()
    monkeypatch.setattr(loop, "random", types.SimpleNamespace(
        Random=lambda: random.Random(seed)))
    monkeypatch.setattr(loop, "new_uid", lambda: f"{rng.getrandbits(128):032x}")
    try:
        app(["study", *args], standalone_mode=False)
    finally:
        monkeypatch.setattr(sys, "stdin", sys.__stdin__)
        monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    return screen.getvalue()


@dataclass
class Session:
    """The cards one session asked, in order, with the state each was in when first asked,
    and the text printed for each card."""

    asked: list[tuple[int, Card, int]] = field(default_factory=list)  # (row, card, state)
    blocks: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Distinct cards by their state when first asked: new, learning, review."""
        seen: dict[int, int] = {}
        for row, _, state in self.asked:
            seen.setdefault(row, state)
        names = {0: "new", 1: "learning", 3: "learning", 2: "review"}
        found = {"new": 0, "learning": 0, "review": 0}
        for state in seen.values():
            found[names[state]] += 1
        return found

    def leaks(self) -> list[str]:
        """Cards asked for the first time after their answer was printed for another card
        this session (the answer of a basic card, a gap, a list item, a classify
        statement)."""
        found = []
        firsts: set[int] = set()
        for index, (row, card, _) in enumerate(self.asked):
            if row in firsts:
                continue
            firsts.add(row)
            before = [block for (other, _, _), block in zip(self.asked[:index],
                                                             self.blocks[:index], strict=True)
                      if other != row]
            earlier = " " + normalize(" ".join(before)) + " "
            # a choice card's answer offered among another card's options tells nothing its
            # own options do not show: only where else it is printed counts
            told = " " + normalize(" ".join(OPTION_LINE.sub("", b) for b in before)) + " " \
                if card.kind is Kind.CHOICE else earlier
            if any(len(normalize(a)) > 3 and f" {normalize(a)} " in told
                   for a in answers_of(card)) and asked_too(card, earlier):
                found.append(card.key)
        return found


OPTION_LINE = re.compile(r"^ +\d+\) .*$", re.MULTILINE)  # "  2) Deliver value fast"


def asked_too(card: Card, earlier: str) -> bool:
    """A choice card is given away only with what it asks: its answer offered among another
    card's options, or named in a list of the same things, tells nothing its own options
    do not show. Half its question's longer words must be on screen too."""
    if card.kind is not Kind.CHOICE:
        return True
    asked = {w for w in normalize(card.prompt).split() if len(w) > 4}
    shown = set(earlier.split())
    return len(asked & shown) >= 0.5 * len(asked)


def answers_of(card: Card) -> list[str]:
    """What would give the card away if shown before it is asked."""
    if card.kind is Kind.CLOZE:  # each gap with the words around it
        found = []
        for match in re.finditer(r"\{\{(.+?)\}\}", card.prompt):
            before = re.sub(r"\{\{(.+?)\}\}", "", card.prompt[:match.start()]).split()[-2:]
            after = re.sub(r"\{\{(.+?)\}\}", "", card.prompt[match.end():]).split()[:2]
            gap = match.group(1).split("::")[0].split("|")[0]
            found.append(" ".join([*before, gap, *after]))
        return found
    if card.kind is Kind.LIST:
        return [i for i in card.items if len(i.split()) > 1]
    if card.kind is Kind.CLASSIFY:
        return [card.prompt]
    return [card.answer] if len(card.answer.split()) > 1 else []


def last_session(home: Path, printed: str) -> Session:
    """The newest session's answers from the database, with the printed text of each."""
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        session = conn.execute("SELECT max(id) FROM sessions").fetchone()[0]
        rows = conn.execute(
            "SELECT r.card, c.body, r.state_before FROM reviews r JOIN cards c ON c.id = r.card "
            "WHERE r.session = ? ORDER BY r.id", (session,)).fetchall()
    finally:
        conn.close()
    blocks = re.split(r"\n(?=\[card \d+ of )", printed)[1:]
    found = Session(asked=[(row, Card.from_dict(json.loads(body)), state)
                           for row, body, state in rows], blocks=blocks)
    assert len(found.blocks) == len(found.asked), (len(blocks), len(rows))
    return found


def waiting_reviews(home: Path, day_end: datetime) -> set[int]:
    """Review cards due before the end of the day that were not asked."""
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return {r[0] for r in conn.execute(
            "SELECT s.card FROM card_state s JOIN cards c ON c.id = s.card WHERE s.state = 2 "
            "AND s.due < ? AND c.retired = 0 AND c.suspended = 0",
            (day_end.timestamp(),))}
    finally:
        conn.close()


def unseen(home: Path) -> int:
    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return int(conn.execute(
            "SELECT count(*) FROM card_state s JOIN cards c ON c.id = s.card "
            "WHERE s.state = 0 AND c.retired = 0").fetchone()[0])
    finally:
        conn.close()
