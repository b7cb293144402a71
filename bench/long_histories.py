"""Long histories (issue 25), each beside its floor, as whole processes on copies of the
generated homes: `pmquiz doctor` against SQLite's own integrity and foreign-key checks,
`pmquiz optimize` against fsrs-rs-python called directly on the same items, `optimize` on
300k reviews over 76 cards, and (`histories.run`) `progress import` of the whole log
against a plain streamed insert. Minutes at 100k cards: run with that size only.

    python bench/long_histories.py            # prints the rows
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import histories
from common import BENCH, OUT, PMQUIZ, Results, home_env, wait_with_peak

# Every review after a card's first that comes on a later learning day (04:00 UTC) is an
# item with the card's history, as `pmquiz optimize` makes them; then one fsrs-rs fit.
FSRS_RS_DIRECT = """
import itertools, sqlite3, sys
import fsrs_rs_python as fsrs_rs
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
shared, items = {}, []
rows = conn.execute("SELECT card, time, rating FROM reviews ORDER BY card, time")
for _, group in itertools.groupby(rows, key=lambda r: r[0]):
    history, previous = [], None
    for _, when, rating in group:
        day = int((when - 4 * 3600) // 86400)
        days = 0 if previous is None else max(0, day - previous)
        previous = day
        pair = (rating, days)
        review = shared.get(pair) or shared.setdefault(pair, fsrs_rs.FSRSReview(*pair))
        history.append(review)
        if len(history) > 1 and days > 0:
            items.append(fsrs_rs.FSRSItem(list(history)))
fsrs_rs.FSRS([]).compute_parameters(items)
print(len(items))
"""

SQLITE_CHECKS = """
import sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
conn.execute("PRAGMA integrity_check").fetchall()
conn.execute("PRAGMA foreign_key_check").fetchall()
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str, float]:
    """Seconds, peak resident memory (MB), standard output of one process, and the most
    its forked copies held of their own (MB). The output goes to a file, read after: read
    from a pipe, the wait for it kept the memory from being polled while the command ran."""
    import tempfile

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, text=True)
        status, peak, copies = wait_with_peak(proc, args)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    if status:
        raise SystemExit(f"{args} failed ({status})")
    return seconds, peak, text, copies


def utc(env: dict[str, str]) -> dict[str, str]:
    """Learning days in UTC, as the direct fit counts them."""
    return env | {"TZ": "UTC"}


def long_home(cards: int, per_card: int) -> Path:
    home = OUT / f"{cards}x{per_card}"
    if not (home / "pmquiz.db").exists():
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, str(BENCH / "generate.py"), "--cards", str(cards),
                        "--reviews-per-card", str(per_card), "--home", str(home)], check=True)
    return home


def run(results: Results, home: Path, column: str = "100k") -> None:
    """The rows for one generated home (and the 76-card one)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "home"
        shutil.copytree(home, copy)
        env = utc(home_env(copy))
        doctor, _, _, _ = timed([*PMQUIZ, "doctor", "--json"], env)
        checks, _, _, _ = timed([sys.executable, "-c", SQLITE_CHECKS, str(copy / "pmquiz.db")],
                             env)
        results.text("`pmquiz doctor`: s (SQLite's integrity + foreign-key checks: s)", column,
                     f"{doctor:.1f} ({checks:.1f})")
        results.text("doctor / SQLite's checks (target ≤ 1.5)", column,
                     f"{doctor / checks:.2f}")
        direct, direct_mb, direct_items, _ = timed(
            [sys.executable, "-c", FSRS_RS_DIRECT, str(copy / "pmquiz.db")], env)
        fitted, fitted_mb, out, fitted_copy = timed([*PMQUIZ, "optimize", "--json"], env)
        import json

        items = json.loads(out)["items"]
        results.text("`pmquiz optimize`: s / peak MB (+ its forked scorer's own) (items)",
                     column, f"{fitted:.1f} / {fitted_mb:.0f} (+{fitted_copy:.0f}) ({items:,})")
        results.text("fsrs-rs-python fit on the same items, directly: s / peak MB (items)",
                     column, f"{direct:.1f} / {direct_mb:.0f} ({int(direct_items):,})")
        results.text("optimize / fsrs-rs direct (target ≤ 3, under 500 MB)", column,
                     f"{fitted / direct:.2f}")
        long = Path(tmp) / "long"
        shutil.copytree(long_home(76, 3948), long)
        seconds, peak, out, copy_mb = timed([*PMQUIZ, "optimize", "--json"],
                                            utc(home_env(long)))
        results.text("`pmquiz optimize` on 300k reviews over 76 cards: s / peak MB (+ its "
                     "forked scorer's own) (target under 500 MB)", column,
                     f"{seconds:.1f} / {peak:.0f} (+{copy_mb:.0f})")
    histories.run(results, home, column)


if __name__ == "__main__":
    found = Results()
    run(found, OUT / "100k")
    print(found.table())
