"""A learner who studies every day for 30 days, a little earlier each evening, answering
through the line protocol of the real `pmquiz study` process with a fixed seed. The figures
must agree with each other every day."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import scripted_session, terminal_env

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def pmquiz_json(home: Path, now: datetime, *args: str) -> dict[str, object]:
    env = terminal_env(home) | {"PMQUIZ_NOW": now.isoformat(), "PMQUIZ_FREEZE": "1"}
    out = subprocess.run([sys.executable, "-m", "pmquiz", *args, "--json"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def test_thirty_days_of_study(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    rng = random.Random(2026)
    cards = int(pmquiz_json(home, START, "due")["phases"][0]["cards"])  # type: ignore[index]
    seen = 0
    studied = 0  # days the session asked anything: a day with nothing due has no session
    forecast_tomorrow = None
    for day in range(30):
        now = START + timedelta(days=day, minutes=-20 * day)  # a little earlier each day
        due = pmquiz_json(home, now, "due")
        due_now = int(due["learning"]) + int(due["review"])  # type: ignore[call-overload]
        if forecast_tomorrow is not None:
            assert due_now == forecast_tomorrow, day  # yesterday's forecast held
        offered = int(due["new"])  # type: ignore[call-overload]
        # 10 new cards a day, fewer only when the rest are siblings of cards met today
        assert offered <= min(10, cards - seen) and (day > 0 or offered == 10), day
        studied += scripted_session(home, now.isoformat(), rng) > 0
        after = now + timedelta(hours=1)  # the evening, after the session
        stats = pmquiz_json(home, after, "stats", "--days", "14")
        phases = stats["phases"]
        assert isinstance(phases, list)
        now_seen = sum(int(p["seen"]) for p in phases)
        assert now_seen - seen == offered, day  # the session took what `due` announced
        seen = now_seen
        forecast = stats["forecast"]
        assert isinstance(forecast, list)
        for phase in phases:
            assert phase["readiness"] <= phase["mastery"] + 1e-9, day
        # the 7-day column and the bars count the same days
        assert sum(p["due_next_7_days"] for p in phases) == sum(f["due"] for f in forecast)
        # what is still due today plus tomorrow's bar is what the learner meets tomorrow
        forecast_tomorrow = forecast[0]["due"] + forecast[1]["due"]
        streak = stats["streak"]
        assert isinstance(streak, dict)
        # never broken: a day with nothing due (review ids seed the fuzz, so some runs
        # have one) neither breaks the streak nor counts in it
        assert streak["current"] == streak["longest"] == studied, day
    assert studied >= 25  # the learner really studied most days
    # Nearly all met: a new card waits while a sibling of it is reviewed that day.
    assert seen >= 0.95 * cards
