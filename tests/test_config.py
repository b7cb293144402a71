"""config.toml: every value checked, every mistake named with the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmquiz.config import Settings, load_settings, parse_duration
from pmquiz.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "config.toml") == Settings()


def test_values_are_read(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, 'desired_retention = 0.85\nnew_per_day = 5\n'
                                   'learning_steps = ["30s", "5m"]\nfuzz = false\n'
                                   'timezone = "Europe/Prague"\nday_starts_at = 3\n'))
    assert settings.desired_retention == 0.85 and settings.new_per_day == 5
    assert [d.total_seconds() for d in settings.learning_deltas()] == [30, 300]
    assert settings.fuzz is False and settings.timezone == "Europe/Prague"


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 1\n", 'unknown setting "colour"'),
    ("new_per_day = 1.5\n", '"new_per_day" must be a whole number'),
    ("fuzz = 1\n", '"fuzz" must be true or false'),
    ('desired_retention = "high"\n', '"desired_retention" must be a number'),
    ("learning_steps = \"1m\"\n", '"learning_steps" must be a list'),
    ('learning_steps = ["soon"]\n', '"soon" is not a step'),
    ("desired_retention = 0.5\n", "desired_retention must be between 0.70 and 0.99"),
    ("day_starts_at = 24\n", "day_starts_at must be an hour from 0 to 23"),
    ('timezone = "Mars/Olympus"\n', 'timezone "Mars/Olympus" is not a known time zone'),
    ("parameters = [1.0, 2.0]\n", "parameters must hold 21 FSRS weights"),
    ("parameters = [" + ", ".join(["0.5"] * 19) + "]\n", "parameters must hold 21 FSRS weights"),
    ("new_per_day = \n", "not valid TOML"),
    # within ±1000 but outside py-fsrs's own bounds: it raised ValueError at study
    ("parameters = [" + ", ".join(["0.5"] * 20) + ", 50.0]\n",
     "parameters[20] = 50.0 is outside FSRS's bounds"),
    ("parameters = [" + ", ".join(["-1.0"] + ["0.5"] * 20) + "]\n",
     "parameters[0] = -1.0 is outside FSRS's bounds"),
    ("a = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deep"),
])
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_durations() -> None:
    assert parse_duration("90s").total_seconds() == 90
    assert parse_duration(" 1.5h ").total_seconds() == 5400
    assert parse_duration("2d").total_seconds() == 172800
    with pytest.raises(ConfigError):
        parse_duration("10 minutes")


def test_config_parameters_within_fsrs_bounds_schedule(tmp_path: Path) -> None:
    """What the check accepts, the scheduler takes (the bounds are py-fsrs's own)."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    from pmquiz.scheduler import Scheduler

    for edge in (LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS):
        path = write(tmp_path, "parameters = [" + ", ".join(map(str, edge)) + "]\n")
        Scheduler(load_settings(path))  # no ValueError
