"""The interval on each rating key is exactly what that rating stores (fuzz on), and on a
review card Hard < Good < Easy."""

from __future__ import annotations

import random
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.config import Settings
from pmquiz.model import CardState, Rating, State
from pmquiz.scheduler import Scheduler
from simulated_learner import Screen, at

from helpers import basic_cards, own_decks_only, write_deck

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FUZZED = Scheduler(Settings(fuzz=True, timezone="UTC"))

histories = st.lists(st.tuples(st.sampled_from(list(Rating)), st.integers(0, 60 * 24 * 90)),
                     min_size=1, max_size=12)


def replayed(history: list[tuple[Rating, int]]) -> tuple[CardState, datetime]:
    state, when = CardState(), T0
    for number, (rating, minutes) in enumerate(history):
        when += timedelta(minutes=minutes)
        state = FUZZED.review(state, rating, when, f"r{number}")
    return state, when


@settings(max_examples=300, deadline=None)
@given(histories, st.integers(0, 60 * 24 * 200), st.text(min_size=1, max_size=8))
def test_each_key_shows_what_its_rating_stores(history: list[tuple[Rating, int]], wait: int,
                                               seed: str) -> None:
    state, last = replayed(history)
    when = last + timedelta(minutes=wait)
    shown = FUZZED.preview(state, when, seed)
    for rating in Rating:
        after = FUZZED.review(state, rating, when, seed)
        assert after.due is not None
        assert shown[rating] == after.due - when, rating
    if state.state is State.REVIEW:
        assert shown[Rating.HARD] < shown[Rating.GOOD] < shown[Rating.EASY], shown


def test_review_keys_are_apart_over_many_states() -> None:
    rng = random.Random(5)
    checked = 0
    for _ in range(400):
        history = [(rng.choice(list(Rating)), rng.randrange(60 * 24 * 60)) for _ in range(6)]
        state, last = replayed(history)
        if state.state is not State.REVIEW:
            continue
        days = FUZZED.preview(state, last + timedelta(days=rng.randrange(90)), "x")
        assert days[Rating.HARD] < days[Rating.GOOD] < days[Rating.EASY]
        checked += 1
    assert checked > 100


class Rater(Screen):
    """Types "x" for each card, then a random rating, noting the interval its key showed."""

    def __init__(self, screen: Screen, chosen: list[tuple[str, str]], rng: random.Random):
        super().__init__()
        self.screen, self.chosen, self.rng = screen, chosen, rng

    def readline(self, size: int | None = -1) -> str:  # noqa: ARG002
        prompt = self.screen.getvalue().rsplit("\n", 1)[-1]
        if prompt.startswith("answer> "):
            return "x\n"
        if prompt.startswith("rate ["):
            keys = dict(re.findall(r"\d (\w+) (\S+?)(?:,|\])", prompt))
            word = self.rng.choice(["again", "hard", "good", "easy"])
            self.chosen.append((word, keys[word]))
            return word + "\n"
        return ""


def test_the_study_screen_shows_the_interval_the_answer_gets(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the line protocol with fuzz on: a learner rates basic cards for 40 days; the
    interval each prompt showed for the rating chosen is the one stored."""
    import sys

    from pmquiz.cli import app

    write_deck(own_decks_only(home), "alpha", basic_cards(6))
    (home / "config.toml").write_text('shipped_decks = false\nfuzz = true\ntimezone = "UTC"\n',
                                      encoding="utf-8")
    rng = random.Random(3)
    checked = 0
    for day in range(40):
        now = T0 + timedelta(days=day)
        at(monkeypatch, now)
        screen = Screen()
        chosen: list[tuple[str, str]] = []  # (rating word, interval label shown for it)

        monkeypatch.setattr(sys, "stdin", Rater(screen, chosen, rng))
        monkeypatch.setattr(sys, "stdout", screen)
        try:
            app(["study"], standalone_mode=False)
        finally:
            monkeypatch.setattr(sys, "stdin", sys.__stdin__)
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
        conn = sqlite3.connect(home / "pmquiz.db")
        stored = conn.execute(
            "SELECT time, due FROM reviews WHERE session = (SELECT max(id) FROM sessions) "
            "ORDER BY id").fetchall()
        conn.close()
        assert len(stored) == len(chosen)
        from pmquiz.kinds.base import interval_label

        for (word, label), (time, due) in zip(chosen, stored, strict=True):
            assert interval_label(timedelta(seconds=due - time)) == label, (day, word)
            checked += label.endswith("d") and int(label[:-1]) >= 3
    assert checked >= 10  # fuzzed intervals (3 days and more) among them
