"""What every benchmark group shares: where things are, timing a command, peak memory,
and the results table the groups fill."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

REPO = BENCH.parent

OUT = BENCH / "out"

NOW = "2026-11-27T09:00:00+00:00"

PMQUIZ = [sys.executable, "-m", "pmquiz"]

PROMPTS = ["Your answer:", r"your answer \[", "Items:"]


def stats_of(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run_command(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def base_env() -> dict[str, str]:
    """The environment for timed runs: byte-code caching on, as for an installed pmquiz (an
    environment that sets PYTHONDONTWRITEBYTECODE would recompile pmquiz at every start)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NO_COLOR", None)
    return env


def home_env(home: Path) -> dict[str, str]:
    return base_env() | {"PMQUIZ_HOME": str(home), "PMQUIZ_NOW": NOW, "COLUMNS": "120"}


def peak_memory_mb(args: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of a command, in MB (its exit code does not matter)."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return wait_with_peak(proc, args)[1]


def wait_with_peak(proc: subprocess.Popen, args: list[str]  # type: ignore[type-arg]
                   ) -> tuple[int, float, float]:
    """Wait for a process; its exit status, its own peak resident memory in MB (the
    high-water mark the kernel keeps for it, `VmHWM`, read until it exits), and the most
    memory its forked copies (`pmquiz.side_work`) held of their own at any one reading, in
    MB (pages they share with it are counted once, in its figure). `ru_maxrss` is not
    used: a child started from a large benchmark process counts the parent's pages from
    before it ran the command (a 20 MB insert measured 169 MB)."""
    import time

    status_file = Path(f"/proc/{proc.pid}/status")
    command = Path(f"/proc/{proc.pid}/cmdline")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    wanted = [os.fsencode(str(a)) for a in args]
    peak = copies = 0.0
    while True:
        try:
            # only once it runs the command: before, it is a copy of this process
            if command.read_bytes().split(b"\0")[:-1] == wanted:
                for line in status_file.read_text(encoding="ascii").splitlines():
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) / 1024
                copies = max(copies, sum(_own_memory(int(child)) for child in
                                         children.read_text(encoding="ascii").split()))
        except OSError:
            pass
        done, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if done:
            proc.returncode = os.waitstatus_to_exitcode(status)
            # gone before a reading: the kernel's figure, which is at least the true one
            return proc.returncode, peak or usage.ru_maxrss / 1024, copies
        time.sleep(0.02)


def _own_memory(pid: int) -> float:
    """The pages a process holds that no other does, in MB (0 once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii")
    except OSError:
        return 0.0
    return sum(int(line.split()[1]) for line in text.splitlines()
               if line.startswith(("Private_Clean:", "Private_Dirty:"))) / 1024


class Results:
    """Rows by measurement, one column per setting (start-up, shipped decks, 1k cards…)."""

    def __init__(self) -> None:
        self.columns: list[str] = []
        self.rows: dict[str, dict[str, str]] = {}

    def put(self, name: str, column: str, value: tuple[float, float]) -> None:
        """A median / p95 (or p50 / p99) pair in milliseconds."""
        self.text(name, column, f"{value[0]:.1f} / {value[1]:.1f}")

    def text(self, name: str, column: str, value: str) -> None:
        """Any other figure, as written."""
        if column not in self.columns:
            self.columns.append(column)
        self.rows.setdefault(name, {})[column] = value

    def table(self) -> str:
        """The Markdown table."""
        lines = ["| measurement (ms: median / p95) | " + " | ".join(self.columns) + " |",
                 "|---|" + "---|" * len(self.columns)]
        for name, values in self.rows.items():
            lines.append(f"| {name} | " +
                         " | ".join(values.get(c, "") for c in self.columns) + " |")
        return "\n".join(lines)
