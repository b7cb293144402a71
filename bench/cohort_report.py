"""`pmquiz cohort report` on simulated cohorts (`bench/cohort.py`): 300 learners (JSON Lines,
a file each) and 10,000 learners (Parquet, about 5.7 million reviews), whole processes.
Targets (issue #29): under 3 s for 300 learners; under 30 s and 2 GB for 10,000."""

from __future__ import annotations

from cohort import simulate
from common import BENCH, PMQUIZ, Results, peak_memory_mb, run_command, stats_of

COHORTS = ((300, False), (10_000, True))


def run(results: Results, env: dict[str, str], repeat: int) -> None:
    """Rows for each cohort size (made once under bench/out/ and kept)."""
    column = "cohort report"
    for learners, parquet in COHORTS:
        folder = BENCH / "out" / f"cohort-{learners}"
        if not (folder / "truth.json").exists():
            simulate(folder, learners, seed=7, parquet=parquet)
        args = [*PMQUIZ, "cohort", "report", str(folder), "--json"]
        runs = repeat if learners < 1000 else max(1, min(repeat, 3))
        results.put(f"`pmquiz cohort report`, {learners:,} learners (whole process)", column,
                    stats_of([run_command(args, env) for _ in range(runs)]))
        results.text(f"the same: peak memory, {learners:,} learners", column,
                     f"{peak_memory_mb(args, env):.0f} MB")

