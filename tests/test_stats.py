"""Every figure of `pmquiz stats` on hand-built review logs whose answers are known."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.config import Settings
from pmquiz.deck import discover, parse_deck
from pmquiz.model import Answer, Rating
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.stats import report
from pmquiz.store import Scope, Store

from helpers import basic_cards, write_deck

SETTINGS = Settings(fuzz=False, timezone="UTC", day_starts_at=4)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
SNAPSHOT = Path(__file__).parent / "snapshots" / "stats_100.txt"
runner = CliRunner()


class Log:
    """A store plus a way to answer cards at chosen times."""

    def __init__(self, folder: Path, cards: int = 10, classify: bool = False):
        decks = folder / "decks"
        extra = '[sets]\npp = ["Product", "Project"]\n' if classify else ""
        body = basic_cards(cards)
        if classify:
            body += ('[[cards]]\nid = "c1"\nkind = "classify"\ncategories = "pp"\n'
                     'prompt = "Owns vision"\nanswer = "Product"\n\n'
                     '[[cards]]\nid = "c2"\nkind = "classify"\ncategories = "pp"\n'
                     'prompt = "Owns budget"\nanswer = "Project"\n')
        write_deck(decks, "alpha", body, phase=1, extra=extra)
        self.store = Store.open(folder / "pmquiz.db")
        self.store.decks.sync(discover([decks]), parse_deck)
        self.scheduler = Scheduler(SETTINGS)
        self.study = Recorder(self.store, self.scheduler, lambda: T0)

    def card(self, card_id: str):  # type: ignore[no-untyped-def]
        return next(c for c in self.store.queue.cards_in_scope(Scope()) if c.card.id == card_id)

    def answer(self, card_id: str, rating: Rating, when: datetime, response: str = "",
               correct: bool | None = None) -> None:
        stored = self.card(card_id)
        ok = rating is not Rating.AGAIN if correct is None else correct
        self.study.record(stored, Answer(rating, response, ok, "self", 1000), when)

    def graduate(self, card_id: str, when: datetime) -> None:
        self.answer(card_id, Rating.GOOD, when)
        self.answer(card_id, Rating.GOOD, when + timedelta(minutes=10))

    def report(self, now: datetime, days: int = 30, scope: Scope | None = None):  # type: ignore[no-untyped-def]
        return report(self.store, SETTINGS, self.scheduler.parameters, now, scope or Scope(),
                      days)


def test_ten_due_reviews_seven_passed_is_true_retention_0_7(tmp_path: Path) -> None:
    log = Log(tmp_path)
    for i in range(1, 11):
        log.graduate(f"q{i}", T0)
    review_day = T0 + timedelta(days=5)
    for i in range(1, 11):
        log.answer(f"q{i}", Rating.GOOD if i <= 7 else Rating.AGAIN, review_day)
    # Not counted: a relearning review the same day, and a drill of a card not yet due.
    log.answer("q8", Rating.GOOD, review_day + timedelta(minutes=10))
    log.answer("q1", Rating.GOOD, review_day + timedelta(hours=1))
    result = log.report(review_day + timedelta(hours=2))
    [phase] = result.phases
    assert phase.scores.retention_reviews == 10
    assert phase.scores.retention_passed == 7
    assert phase.scores.true_retention == pytest.approx(0.7)
    # accuracy counts every review in the window: 20 learning Goods + 7 + 2 extra right, 3 wrong
    assert phase.scores.reviews == 32
    assert phase.scores.accuracy == pytest.approx(29 / 32)


def test_first_review_of_each_day_only(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=1)
    log.graduate("q1", T0)
    day = T0 + timedelta(days=5)
    log.answer("q1", Rating.AGAIN, day)
    log.answer("q1", Rating.GOOD, day + timedelta(minutes=10))  # relearning: excluded
    [phase] = log.report(day + timedelta(hours=1)).phases
    assert (phase.scores.retention_reviews, phase.scores.retention_passed) == (1, 0)


def test_mastery_and_readiness_match_fsrs(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=4)
    log.graduate("q1", T0)
    log.graduate("q2", T0 + timedelta(days=1))
    now = T0 + timedelta(days=6)
    expected = [log.scheduler.retrievability(log.card(c).state, now) for c in ("q1", "q2")]
    [phase] = log.report(now).phases
    assert phase.scores.seen == 2 and phase.scores.cards == 4
    assert phase.scores.mastery == pytest.approx(sum(expected) / 2, abs=1e-9)
    assert phase.scores.readiness == pytest.approx(sum(expected) / 4, abs=1e-9)
    assert phase.scores.new == 2 and phase.scores.review == 2


def test_history_replays_readiness_per_week(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=2)
    log.graduate("q1", T0)
    log.graduate("q2", T0 + timedelta(days=14))
    now = T0 + timedelta(days=20)
    [phase] = log.report(now, days=28).phases
    dates = [d for d, _ in phase.history]
    values = [v for _, v in phase.history]
    assert len(values) == 4  # three week ends and now
    assert values[0] == 0.0  # before the first review nothing was known
    assert dates == sorted(dates)
    assert values[-1] == pytest.approx(phase.scores.readiness)
    assert 0 < values[1] <= 0.5  # one card of two known after week one
    assert values[2] < values[1]  # q1 fades while q2 is still unseen
    assert values[3] > values[2]  # the second card adds to readiness


def test_calendar_day_boundary_and_streaks(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=5)
    # 03:59 UTC belongs to the previous learning day (day starts 04:00); 04:00 to the new one.
    log.answer("q1", Rating.GOOD, datetime(2026, 3, 2, 3, 59, tzinfo=UTC))
    log.answer("q2", Rating.GOOD, datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    log.answer("q3", Rating.GOOD, datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    log.answer("q4", Rating.GOOD, datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    result = log.report(datetime(2026, 3, 5, 20, 0, tzinfo=UTC))
    days = dict(result.calendar)
    assert days[date(2026, 3, 1)] == 1
    assert days[date(2026, 3, 2)] == 1
    assert days[date(2026, 3, 3)] == 1
    assert days[date(2026, 3, 4)] == 0
    assert days[date(2026, 3, 5)] == 1
    assert result.streak_current == 1
    assert result.streak_longest == 3
    assert len(result.calendar) > 7 * 25  # 26 weeks, Monday-aligned
    assert result.calendar[0][0].weekday() == 0


def test_a_day_with_nothing_due_does_not_break_a_streak(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=3)
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log.graduate("q1", day)  # due again in a few days: nothing due on Mar 3
    log.answer("q1", Rating.EASY, day + timedelta(minutes=20))
    log.graduate("q2", day + timedelta(days=2))  # Mar 4: studied again
    result = log.report(day + timedelta(days=2, hours=1))
    assert dict(result.calendar)[date(2026, 3, 3)] == 0
    assert result.streak_current == result.streak_longest == 2  # Mar 3 did not break it
    # a day that had a due card and was skipped breaks it
    log.answer("q2", Rating.AGAIN, day + timedelta(days=2, hours=2))  # due again at once
    result = log.report(day + timedelta(days=4, hours=1))  # Mar 5 skipped, Mar 6 now
    assert result.streak_current == 0 and result.streak_longest == 2


def test_forecast_counts_due_cards_per_day(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=3)
    for card in ("q1", "q2", "q3"):
        log.graduate(card, T0)
    # fuzz off: graduated cards are due in 2 days, 09:10 UTC
    result = log.report(T0 + timedelta(hours=1))
    assert [n for _, n in result.forecast] == [0, 0, 3, 0, 0, 0, 0]
    assert result.forecast[0][0] == date(2026, 3, 2)
    [phase] = result.phases
    assert phase.scores.due_today == 0 and phase.scores.due_week == 3


def test_hardest_cards_and_leeches(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=2)
    when = T0
    log.graduate("q1", when)
    for _ in range(8):
        when += timedelta(days=3)
        log.answer("q1", Rating.AGAIN, when)
        log.answer("q1", Rating.GOOD, when + timedelta(minutes=10))
    result = log.report(when + timedelta(hours=1))
    assert result.leeches == 1
    assert result.hardest[0].key == "alpha/q1"
    assert result.hardest[0].lapses == 8 and result.hardest[0].leech


def test_confusion_table(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=0, classify=True)
    log.answer("c1", Rating.GOOD, T0, "Product", True)
    log.answer("c1", Rating.AGAIN, T0 + timedelta(days=1), "Project", False)
    log.answer("c2", Rating.AGAIN, T0 + timedelta(days=1), "Product", False)
    log.answer("c2", Rating.AGAIN, T0 + timedelta(days=2), "Product", False)
    result = log.report(T0 + timedelta(days=3))
    assert result.confusion == {"Product/Project": {"Product": {"Product": 1, "Project": 1},
                                                    "Project": {"Product": 2, "Project": 0}}}


def test_scope_narrows_to_a_phase(tmp_path: Path) -> None:
    log = Log(tmp_path, cards=2)
    log.graduate("q1", T0)
    assert log.report(T0, scope=Scope(phase=1)).phases[0].phase == 1
    assert log.report(T0, scope=Scope(phase=0)).phases == []


def scripted_history(home: Path) -> None:
    (home / "config.toml").write_text('shipped_decks = false\nfuzz = false\ntimezone = "UTC"\n')
    write_deck(home / "decks", "alpha", basic_cards(6), phase=0, title="Alpha module")
    write_deck(home / "decks", "beta", basic_cards(4, "b"), phase=1, title="Beta module")
    for day in range(14):
        now = (T0 + timedelta(days=day)).isoformat()
        answers = "".join("\n" + ("again" if (day + i) % 4 == 0 else "good") + "\n"
                          for i in range(12))
        runner.invoke(app, ["study"], input=answers + "\ngood\n" * 10, env={"PMQUIZ_NOW": now})


def test_stats_json_after_two_weeks(home: Path) -> None:
    scripted_history(home)
    result = runner.invoke(app, ["stats", "--json", "--days", "14"],
                           env={"PMQUIZ_NOW": (T0 + timedelta(days=14)).isoformat()})
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["phase"] for p in data["phases"]] == [0, 1]
    phase0 = data["phases"][0]
    assert phase0["cards"] == 6 and phase0["modules"][0]["module"] == "alpha"
    assert 0 < phase0["readiness"] <= 1 and 0 < phase0["accuracy"] < 1
    assert len(phase0["history"]) == 14
    for phase in data["phases"]:
        assert all(0 <= h["readiness"] <= 1 for h in phase["history"])
        assert phase["history"][-1]["readiness"] == pytest.approx(phase["readiness"])
    assert data["streak"]["longest"] >= 10
    assert len(data["forecast"]) == 7
    assert {"total_reviews", "calendar", "hardest", "leeches", "confusion"} <= set(data)


def test_stats_screen_snapshot(home: Path) -> None:
    scripted_history(home)
    env = {"PMQUIZ_NOW": (T0 + timedelta(days=14)).isoformat(), "COLUMNS": "100"}
    result = runner.invoke(app, ["stats", "--days", "14"], env=env)
    assert result.exit_code == 0, result.output
    if os.environ.get("PMQUIZ_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(result.output, encoding="utf-8")
    assert result.output == SNAPSHOT.read_text(encoding="utf-8")


def test_empty_state_is_friendly(home: Path) -> None:
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0
    assert "No reviews yet" in result.output and "pmquiz study" in result.output


def test_a_first_day_is_not_full_marks_and_a_card_failed_minutes_ago_is_relearning(
        tmp_path: Path) -> None:
    log = Log(tmp_path, cards=3)
    log.graduate("q1", T0)
    log.graduate("q2", T0)
    now = T0 + timedelta(hours=1)  # the same learning day
    [phase] = log.report(now).phases
    assert phase.scores.mastery is not None and phase.scores.mastery < 0.99
    tomorrow = [log.scheduler.retrievability(log.card(c).state, T0 + timedelta(days=1))
                for c in ("q1", "q2")]
    assert phase.scores.mastery == pytest.approx(sum(tomorrow) / 2, abs=1e-9)
    log.answer("q1", Rating.AGAIN, now)  # a lapse: relearning
    later = log.report(now + timedelta(minutes=5))
    [hard] = [h for h in later.hardest if h.key.endswith("/q1")]
    assert hard.relearning and hard.lapses == 1
