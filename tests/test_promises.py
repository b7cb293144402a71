"""What the screens promise is what the session does: a learner studies the shipped decks
through the line protocol for 30 days (three seeds; one at changing times of day with five
days skipped), and every day `due --json` equals what `study` then asks, yesterday's forecast
equals today's due, no review waits more than one day for a sibling, a card is rarely asked
after another card printed its answer (at most one a day, but for one day a month with two),
and by day 30 every shipped card was met."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from simulated_learner import last_session, run_json, study, unseen, waiting_reviews

START = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
SKIPPED = {9, 10, 16, 17, 18}  # the learner away: five days


def day_end(now: datetime) -> datetime:
    """The end of the learning day (04:00 UTC) holding `now`."""
    end = now.replace(hour=4, minute=0, second=0, microsecond=0)
    return end if end > now else end + timedelta(days=1)


def month(home: Path, monkeypatch: pytest.MonkeyPatch, seed: int, moving: bool
          ) -> list[dict[str, object]]:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    rng = random.Random(seed)
    hours = random.Random(seed + 1)
    days: list[dict[str, object]] = []
    promised: int | None = None
    waiting: set[int] = set()
    for day in range(30):
        if moving and day in SKIPPED:
            promised = None  # the forecast was for a day the learner did not study
            continue
        now = START + timedelta(days=day)
        if moving:  # morning, noon, late evening or after midnight
            now = now.replace(hour=0) + timedelta(hours=hours.choice([7, 12, 21, 26]),
                                                  minutes=hours.randrange(60))
        due = run_json(monkeypatch, now, "due")
        printed = study(monkeypatch, now, rng)
        session = last_session(home, printed)
        asked = session.counts()
        promise = {k: due[k] for k in ("new", "learning", "review")}
        record = {"day": day, "due": promise, "asked": asked, "held": due["held_back"],
                  "leaks": session.leaks(), "late": sorted(waiting - {r for r, _, _ in
                                                                      session.asked})}
        days.append(record)
        assert asked == promise, record
        if promised is not None:
            assert int(due["learning"]) + int(due["review"]) == promised, record  # type: ignore[call-overload]
        assert not record["late"], record  # held yesterday: asked today
        # Two cards held back yesterday that each show the other's answer are both asked
        # today (neither may wait two days): that day has a second leak.
        assert len(record["leaks"]) <= 2, record  # type: ignore[arg-type]
        after = run_json(monkeypatch, now, "stats")
        forecast = after["forecast"]
        assert isinstance(forecast, list)
        promised = forecast[0]["due"] + forecast[1]["due"]
        waiting = waiting_reviews(home, day_end(now))
    assert unseen(home) == 0, "every shipped card met by day 30"
    leaks = [len(d["leaks"]) for d in days]  # type: ignore[arg-type]
    # Measured over 3 runs each: 1-4 leaks in 30 evenings, none with two; 7-8 in the 25
    # days of the month with days away (1-2 days with two, after the absences).
    assert sum(n > 1 for n in leaks) <= 3, leaks
    assert sum(leaks) <= len(days) * 2 // 5, leaks
    return days


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_thirty_evenings(home: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    days = month(home, monkeypatch, seed, moving=False)
    assert sum(int(d["held"]) for d in days) > 0  # type: ignore[call-overload]


def test_thirty_days_at_changing_hours_with_days_away(home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    month(home, monkeypatch, 4, moving=True)
