"""Attacks on timing (issue 24): what a hostile or unlucky user does while pmquiz works. Each
test names the attack; the next person adds theirs here."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.model import Answer, Rating
from pmquiz.recorder import Recorder
from pmquiz.store import Scope
from pmquiz.workspace import open_workspace

from helpers import basic_cards, own_decks_only, write_deck

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_session_open_across_optimize_schedules_with_the_new_parameters(home: Path) -> None:
    write_deck(own_decks_only(home), "alpha", basic_cards(4))
    with open_workspace(home, []) as session:
        recorder = Recorder(session.store, session.scheduler(), lambda: T0)
        cards = session.store.queue.cards_in_scope(Scope())
        for stored in cards:  # learned before the fit
            recorder.record(stored, Answer(Rating.GOOD, "", True, "self", 1000), T0)
        with open_workspace(home, []) as other:  # `pmquiz optimize` in another terminal
            weights = list(other.scheduler().parameters)
            weights[2] *= 4  # a Good first answer now means a much longer memory
            other.save_parameters(weights, T0, reviews=4)
        for stored in cards:  # the session goes on, with the parameters in force
            current = recorder.current(stored)
            recorder.record(current, Answer(Rating.GOOD, "", True, "self", 1000),
                            T0 + timedelta(days=3))
        assert recorder.scheduler.parameters[2] == weights[2]
    out = CliRunner().invoke(app, ["doctor", "--json"])
    problems = json.loads(out.output)["problems"]
    assert problems.get("state", 0) == 0, out.output  # every state equals its log's replay
