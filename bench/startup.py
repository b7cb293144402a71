"""Start-up: `pmquiz --help` against a minimal typer app with as many commands."""

from __future__ import annotations

import statistics
import sys

from common import (
    BENCH,
    PMQUIZ,
    Results,
    base_env,
    run_command,
    stats_of,
)


def run(results: Results, repeat: int) -> None:
    """`--help`, ours and the minimal app's, and their ratio."""
    from typer.main import get_command

    from pmquiz.cli import app

    commands = len(get_command(app).commands)  # type: ignore[attr-defined]
    env = base_env()
    run_command([*PMQUIZ, "--help"], env)  # warm: write byte code
    run_command([sys.executable, str(BENCH / "minimal_app.py"), str(commands), "--help"], env)
    ours, minimal = [], []
    for _ in range(repeat * 2):
        ours.append(run_command([*PMQUIZ, "--help"], env))
        minimal.append(run_command([sys.executable, str(BENCH / "minimal_app.py"),
                                    str(commands), "--help"], env))
    results.put("`pmquiz --help`", "start-up", stats_of(ours))
    results.put(f"minimal typer app, {commands} commands, `--help`", "start-up",
                stats_of(minimal))
    results.text("ratio pmquiz / minimal (medians)", "start-up",
                 f"{statistics.median(ours) / statistics.median(minimal):.2f}")
