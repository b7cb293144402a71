"""The benchmark measures a real home: `bench/generate.py` writes states that the log
replays to, so `pmquiz doctor` finds nothing on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pmquiz.cli import app

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_a_generated_home_is_one_doctor_finds_nothing_in(tmp_path: Path,
                                                          monkeypatch: object) -> None:
    home = tmp_path / "home"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--cards", "60",
                    "--reviews-per-card", "8", "--home", str(home)], check=True,
                   capture_output=True, timeout=120)
    monkeypatch.setenv("PMQUIZ_HOME", str(home))  # type: ignore[attr-defined]
    result = CliRunner().invoke(app, ["doctor", "--json"])
    data = json.loads(result.stdout)
    assert data["reviews"] == 480
    assert data["ok"], data["problems"]
