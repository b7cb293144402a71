"""`pmquiz import` of one package from two source trees, alternating run by run so that a
busy machine slows both alike: how a change to the importer is measured as a whole process.

    git worktree add /tmp/before <commit>
    python bench/import_ab.py /tmp/before/src src PACKAGE [RUNS]

Each run imports into a fresh home that has its database; the medians are printed."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import PMQUIZ, base_env, run_command


def main() -> None:
    trees = [str(Path(sys.argv[1]).resolve()), str(Path(sys.argv[2]).resolve())]
    package = sys.argv[3]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 11
    times: dict[str, list[float]] = {tree: [] for tree in trees}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            for tree in trees:
                env = base_env() | {"PYTHONPATH": tree}
                home = Path(folder) / f"home-{n}"
                shutil.rmtree(home, ignore_errors=True)
                run_command([*PMQUIZ, "--home", str(home), "due"], env)
                times[tree].append(run_command([*PMQUIZ, "--home", str(home), "import",
                                                package], env))
    for tree, samples in times.items():
        print(f"{tree}: median {statistics.median(samples) * 1000:.0f} ms over {runs} "
              f"({min(samples) * 1000:.0f}-{max(samples) * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
