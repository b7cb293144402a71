"""Settings: defaults, overridden by `$PMQUIZ_HOME/config.toml`, overridden by flags."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from pmquiz.errors import ConfigError

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a session. Field names are the keys of config.toml."""

    desired_retention: float = 0.90
    learning_steps: tuple[str, ...] = ("1m", "10m")
    relearning_steps: tuple[str, ...] = ("10m",)
    new_per_day: int = 10
    reviews_per_day: int = 200
    day_starts_at: int = 4
    learn_ahead_minutes: int = 20
    maximum_interval: int = 36500
    fuzz: bool = True
    timezone: str = ""
    leech_lapses: int = 8
    shipped_decks: bool = True
    bury_siblings: bool = True  # once one card of a sibling group is answered, the rest wait
    parameters: tuple[float, ...] = ()

    def learning_deltas(self) -> tuple[timedelta, ...]:
        """`learning_steps` as durations."""
        return tuple(parse_duration(s) for s in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        """`relearning_steps` as durations."""
        return tuple(parse_duration(s) for s in self.relearning_steps)

    def with_overrides(self, **values: Any) -> Settings:
        """A copy with the flags the user gave (None means not given)."""
        given = {k: v for k, v in values.items() if v is not None}
        return check(replace(self, **given), "command line")


# (key, lowest, highest): what a session can use; beyond these numbers overflow dates or
# mean nothing (a day has 1,440 minutes).
LIMITS = (("new_per_day", 0, 10_000), ("reviews_per_day", 0, 100_000),
          ("day_starts_at", 0, 23), ("learn_ahead_minutes", 0, 1440),
          ("maximum_interval", 1, 36_500), ("leech_lapses", 1, 1000))
MAX_STEPS = 20
MAX_STEP = timedelta(days=365)
MAX_WEIGHT = 1000.0


def parse_duration(text: str) -> timedelta:
    """`90s`, `1m`, `10m`, `1h`, `1d` -> timedelta."""
    match = DURATION.match(text) if isinstance(text, str) and len(text) < 40 else None
    if not match:
        raise ConfigError(f'"{text}" is not a step; write a number and s, m, h or d, e.g. "10m"')
    seconds = float(match.group(1)) * UNIT_SECONDS[match.group(2)]
    if seconds > MAX_STEP.total_seconds():
        raise ConfigError(f'"{text}" is longer than {MAX_STEP.days} days; use a shorter step')
    return timedelta(seconds=seconds)


def _outside_fsrs_bounds(parameters: tuple[float, ...]) -> list[str]:
    """Weights py-fsrs would refuse (its own bounds, read from it: imported only when
    config.toml sets parameters)."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    return [f"parameters[{i}] = {w} is outside FSRS's bounds {low} to {high}"
            for i, (w, low, high) in enumerate(zip(parameters, LOWER_BOUNDS_PARAMETERS,
                                                   UPPER_BOUNDS_PARAMETERS, strict=True))
            if not low <= w <= high]


def check(settings: Settings, where: str) -> Settings:
    """Reject values FSRS or the session cannot use, naming the key."""
    problems = []
    if not 0.7 <= settings.desired_retention <= 0.99:
        problems.append("desired_retention must be between 0.70 and 0.99")
    for key, low, high in LIMITS:
        if not low <= getattr(settings, key) <= high:
            what = "an hour" if key == "day_starts_at" else "a number"
            problems.append(f"{key} must be {what} from {low} to {high}")
    if settings.parameters and (len(settings.parameters) != 21 or not all(
            isinstance(w, int | float) and not isinstance(w, bool) and math.isfinite(w)
            and abs(w) <= MAX_WEIGHT for w in settings.parameters)):
        problems.append(f"parameters must hold 21 FSRS weights, finite numbers within "
                        f"±{MAX_WEIGHT}")
    elif settings.parameters:
        problems += _outside_fsrs_bounds(settings.parameters)
    for name in ("learning_steps", "relearning_steps"):
        steps = getattr(settings, name)
        if len(steps) > MAX_STEPS:
            problems.append(f"{name} may hold at most {MAX_STEPS} steps")
        for step in steps:
            try:
                parse_duration(step)
            except ConfigError as exc:
                problems.append(str(exc))
    if settings.timezone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(settings.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f'timezone "{settings.timezone}" is not a known time zone name')
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    return settings


def loads_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads`, with nesting too deep for it (100,000 brackets) a decode error like
    any other instead of a RecursionError."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("arrays or tables nested too deep") from None


def load_settings(path: Path) -> Settings:
    """Defaults, then whatever config.toml sets. A missing file means all defaults."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc}); fix or remove the file") from None
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f'{path}: unknown setting "{key}"; known: ' + ", ".join(known))
        default = getattr(Settings(), key)
        if isinstance(default, tuple):
            if not isinstance(value, list):
                raise ConfigError(f'{path}: "{key}" must be a list')
            values[key] = tuple(value)
            continue
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f'{path}: "{key}" must be true or false')
        elif isinstance(default, float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f'{path}: "{key}" must be a number')
            values[key] = float(value)
            continue
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f'{path}: "{key}" must be a whole number')
        elif not isinstance(value, str):
            raise ConfigError(f'{path}: "{key}" must be a string')
        values[key] = value
    return check(replace(Settings(), **values), str(path))
