"""Every test gets its own PMQUIZ_HOME; typer's terminal detection is fixed before import."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

# Typer reads these at import time: plain output, fixed width, no colour.
os.environ["TERMINAL_WIDTH"] = "100"
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"
os.environ.pop("FORCE_COLOR", None)
os.environ.pop("GITHUB_ACTIONS", None)
os.environ["COLUMNS"] = "100"
os.environ["NO_COLOR"] = "1"
# PMQUIZ_NOW is frozen in tests (for users time moves on from it); tests of the moving clock
# unset this.
os.environ["PMQUIZ_FREEZE"] = "1"

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "decks"
SAMPLES = REPO / "tests" / "data" / "samples"  # real files, with their licences


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh pmquiz home for each test."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("PMQUIZ_HOME", str(folder))
    monkeypatch.delenv("PMQUIZ_NOW", raising=False)
    yield folder


@pytest.fixture
def db(home: Path) -> Iterator[sqlite3.Connection]:
    """A read connection to the test home's database (open it after the CLI made it)."""
    conn = sqlite3.connect(home / "pmquiz.db")
    yield conn
    conn.close()
