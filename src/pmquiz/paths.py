"""Where pmquiz keeps its files. `PMQUIZ_HOME` (or `--home`) overrides everything."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

HOME_ENV = "PMQUIZ_HOME"


def home_dir() -> Path:
    """The user's pmquiz folder: `$PMQUIZ_HOME`, else the platform's user data dir."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("pmquiz", appauthor=False))


def database_path(home: Path) -> Path:
    """The SQLite file holding cards, states and the review log."""
    return home / "pmquiz.db"


def config_path(home: Path) -> Path:
    """The optional settings file."""
    return home / "config.toml"


def user_decks_dir(home: Path) -> Path:
    """Decks the user adds by dropping TOML files here."""
    return home / "decks"


@lru_cache(maxsize=1)  # where pmquiz is installed does not change while it runs
def shipped_decks_dir() -> Path:
    """The decks that come with pmquiz: package data once installed, `decks/` in a checkout."""
    packaged = Path(__file__).parent / "decks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "decks"
