"""pmquiz benchmarks: one small runner over one module per measurement group (`startup`,
`session`, `grading`, `memory`, `imports`, `scale`, `long_histories` at 100k; shared
helpers in `common`). A new measurement goes in its group's `run`, a new group in a module
of its own listed here.

Measured: start-up, due, stats, first question, queue, answers, drills, sync,
compile, at 1k, 10k and 100k cards. Prints a Markdown table and writes bench/RESULTS.md.

    python bench/run.py              # all sizes (generates bench/out/* on first run)
    python bench/run.py --sizes 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the group modules beside this file

import cohort_report
import grading
import imports
import long_histories
import memory
import scale
import session
import startup
from common import BENCH, Results, home_env


def measure(sizes: list[int], repeat: int) -> Results:
    """Every group, in order: start-up, the shipped decks, then each generated size."""
    results = Results()
    with Progress() as progress:
        task = progress.add_task("benchmarks", total=2 + len(sizes))
        startup.run(results, repeat)
        progress.advance(task)
        with tempfile.TemporaryDirectory() as tmp:  # the shipped decks, as a new user has them
            env = home_env(Path(tmp))
            session.run(results, env, repeat)
            grading.run(results, env, repeat)
            memory.run(results, env, Path(tmp))
            imports.run(results, env, Path(tmp), repeat)
            cohort_report.run(results, env, repeat)
        progress.advance(task)
        for cards in sizes:
            scale.run(results, cards, repeat)
            if cards == 100_000:  # doctor, optimize and import beside their floors
                long_histories.run(results, scale.ensure_home(cards))
            progress.advance(task)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    results = measure(args.sizes, args.repeat)
    machine = (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
               f"{os.cpu_count()} CPUs, {platform.machine()}, "
               f"{datetime.now(UTC):%Y-%m-%d}; {args.repeat} runs each "
               f"(in-process timings: at least 20); took {time.perf_counter() - started:.0f} s")
    text = f"{results.table()}\n\n{machine}\n"
    print(text)
    (BENCH / "RESULTS.md").write_text(
        "# Benchmark results\n\nMade by `python bench/run.py`; generated collections come "
        "from `bench/generate.py` (cards of all five kinds over 5 phases, modules of 500 "
        "cards, 10 reviews per card, the last ones in the final 45 days).\n\n" + text,
        encoding="utf-8")


if __name__ == "__main__":
    main()
