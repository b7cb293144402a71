"""Learning days: a day starts at `day_starts_at` local time (04:00 by default), as in Anki."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

# Moments pmquiz accepts from outside (PMQUIZ_NOW, progress files): past these, dates from
# FSRS intervals overflow Python's year 9999, and nobody studied before 1970.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def local_zone(name: str) -> tzinfo | None:
    """The configured zone, or None for the system's local time."""
    if not name:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _localize(moment: datetime, zone: tzinfo | None) -> datetime:
    return moment.astimezone(zone) if zone else moment.astimezone()


def learning_day(moment: datetime, day_start_hour: int, zone: tzinfo | None = None) -> date:
    """The calendar date a moment counts towards (before 04:00 counts as the day before)."""
    return (_localize(moment, zone) - timedelta(hours=day_start_hour)).date()


def day_start(day: date, day_start_hour: int, zone: tzinfo | None = None) -> datetime:
    """When a learning day begins, in UTC. Handles DST: the hour is local wall-clock time."""
    naive = datetime(day.year, day.month, day.day, day_start_hour)
    local = naive.replace(tzinfo=zone) if zone else naive.astimezone()
    return local.astimezone(UTC)


def day_bounds(moment: datetime, day_start_hour: int,
               zone: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The start of the learning day holding `moment` and the start of the next one (UTC)."""
    today = learning_day(moment, day_start_hour, zone)
    return (day_start(today, day_start_hour, zone),
            day_start(today + timedelta(days=1), day_start_hour, zone))
