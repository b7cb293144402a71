"""Where `pmquiz optimize` spends its time, phase by phase, on a copy of a generated home
(the same steps as the command, timed one after the other):

    python bench/optimize_phases.py bench/out/100k
"""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common import NOW


def main(home: Path) -> None:
    os.environ["PMQUIZ_NOW"] = NOW
    import fsrs_rs_python as fsrs_rs

    from pmquiz import optimize
    from pmquiz.log_items import fsrs_items, own_log_items
    from pmquiz.scheduler import Scheduler
    from pmquiz.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "home"
        shutil.copytree(home, copy)
        marks = [("open", time.perf_counter())]
        ws = open_workspace(copy, [])
        marks.append(("open the home", time.perf_counter()))
        known = ws.store.log.known_log()
        marks.append(("read (card, time, rating)", time.perf_counter()))
        items = own_log_items(known.columns, ws.settings.day_starts_at, ws.settings.timezone)
        marks.append(("make the items", time.perf_counter()))
        batch = fsrs_items(items)
        marks.append(("make the fsrs-rs items", time.perf_counter()))
        new = [float(w) for w in fsrs_rs.FSRS([]).compute_parameters(batch)]
        del batch
        marks.append(("fit", time.perf_counter()))
        made = items.made
        cells = optimize.cell_numbers(optimize.bin_cells(items, made))
        for parameters in (optimize.default_parameters(), new):
            optimize.evaluate_all(items, parameters, made, cells)
        del items
        marks.append(("evaluate both parameter sets", time.perf_counter()))
        ws.store.log.rebuild_states(
            Scheduler(replace(ws.settings, parameters=tuple(new))), known=known)
        marks.append(("reschedule (rebuild the states)", time.perf_counter()))
        ws.store.close()
    for (_, before), (label, after) in itertools.pairwise(marks):
        print(f"{label:34} {after - before:6.2f} s")
    print(f"{'total':34} {marks[-1][1] - marks[0][1]:6.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
