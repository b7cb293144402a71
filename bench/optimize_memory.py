"""Peak memory of `pmquiz optimize` and of the copy it forks to score the current parameters
(`pmquiz.side_work`), on a copy of a generated home: each one's high-water mark (VmHWM,
which counts the pages the two share in both) and the copy's own private pages at most
(Private_Clean + Private_Dirty from smaps_rollup, polled):

    python bench/optimize_memory.py bench/out/100k
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PMQUIZ, home_env


def field(path: Path, name: str) -> int:
    """A kB figure from a /proc status-like file (0 when gone)."""
    try:
        for line in path.read_text(encoding="ascii").splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(home: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "home"
        shutil.copytree(home, copy)
        proc = subprocess.Popen([*PMQUIZ, "optimize", "--json"], env=home_env(copy) | {
            "TZ": "UTC"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        main_peak = copy_peak = copy_private = 0
        while proc.poll() is None:
            main_peak = max(main_peak, field(Path(f"/proc/{proc.pid}/status"), "VmHWM:"))
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            try:
                pids = children.read_text(encoding="ascii").split()
            except OSError:
                pids = []
            for pid in pids:
                rollup = Path(f"/proc/{pid}/smaps_rollup")
                copy_peak = max(copy_peak, field(Path(f"/proc/{pid}/status"), "VmHWM:"))
                copy_private = max(copy_private, field(rollup, "Private_Clean:") +
                                   field(rollup, "Private_Dirty:"))
            time.sleep(0.02)
    print(f"optimize: peak {main_peak / 1024:.0f} MB")
    print(f"its forked copy: peak {copy_peak / 1024:.0f} MB (pages shared with it included), "
          f"at most {copy_private / 1024:.0f} MB of its own")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
