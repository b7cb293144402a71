"""Where `pmquiz progress import` of a whole log spends its time, step by step: the home's
log is exported, then imported in process into a fresh home with the same decks (a merge
into an empty log, `store.fresh_merge`), each step timed by wrapping it (one run; the steps
overlap nothing, so their sum is the import). The lines are read in the process here, so
that their time is seen: `pmquiz progress import` reads them in a forked copy meanwhile
(`side_work.Streamed`).

    python bench/import_phases.py bench/out/100k
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from common import NOW, PMQUIZ, home_env

spent: dict[str, float] = {}


def timed(module: Any, name: str, label: str) -> None:
    """Add the time of each call of `module.name` to `spent[label]`."""
    function = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def timed_items(module: Any, name: str, label: str) -> None:
    """The same for a generator: the time spent making each item."""
    function: Callable[..., Iterator[Any]] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        items = function(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
            yield item

    setattr(module, name, wrapper)


def main(home: Path) -> None:
    os.environ["PMQUIZ_NOW"] = NOW
    from pmquiz import side_work
    from pmquiz.interop import progress
    from pmquiz.store import fresh_merge, log_arrays, rebuilt
    from pmquiz.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "log.jsonl"
        subprocess.run([*PMQUIZ, "progress", "export", "-o", str(lines)], env=home_env(home),
                       check=True, stdout=subprocess.DEVNULL)
        fresh = Path(tmp) / "fresh"
        shutil.copytree(home / "decks", fresh / "decks")
        shutil.copy(home / "config.toml", fresh / "config.toml")
        side_work._can_fork = lambda: False  # the lines are read here, timed
        timed_items(progress, "_lines", "read and check the lines")
        timed(fresh_merge, "_hold", "hold their own columns, digest their ids")
        timed(fresh_merge, "_first_of_each", "leave out a repeated id")
        timed(fresh_merge, "_in_replay_order", "sort them into replay order")
        timed_items(log_arrays, "known_runs", "cut the sorted arrays into runs")
        timed(rebuilt, "replay_run", "replay them")
        timed(rebuilt, "final_states", "the cards' final states")
        timed(fresh_merge, "_insert", "insert them with their states")
        with open_workspace(fresh, []) as ws:
            started = time.perf_counter()
            progress.import_progress(ws.store, lines, ws.scheduler(),
                                     datetime.fromisoformat(NOW))
            total = time.perf_counter() - started
    spent["arrays, indexes again (the rest of the total)"] = total - sum(spent.values())
    for label, seconds in spent.items():
        print(f"{label:48} {seconds:6.2f} s")
    print(f"{'total':48} {total:6.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
