"""Long histories: `progress export` and `progress import` of a generated home's whole log
(1M reviews at 100k cards), against a plain streamed insert of the same lines, the floor
an import could reach. Time and peak memory of each, as whole processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import PMQUIZ, Results, home_env, wait_with_peak

# The floor: read each line, parse it, insert it in batches in one transaction into a
# table with a unique review id, as a tool that only stores the log would.
STREAMED_INSERT = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE reviews (uid TEXT UNIQUE, module TEXT, card TEXT, time TEXT, "
             "rating INT, duration_ms INT, answer TEXT, correct INT, grade TEXT, mode TEXT)")
batch = []
with conn, open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        d = json.loads(line)
        batch.append((d["id"], d["module"], d["card"], d["time"], d["rating"],
                      d.get("duration_ms"), d.get("answer"), d.get("correct"),
                      d.get("grade"), d.get("mode")))
        if len(batch) >= 10000:
            conn.executemany("INSERT OR IGNORE INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    conn.executemany("INSERT OR IGNORE INTO reviews VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
"""


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds, peak resident memory (MB) of one process, and of its forked copies' own."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    status, peak, copies = wait_with_peak(proc, args)
    if status:
        raise SystemExit(f"{args} failed ({status})")
    return time.perf_counter() - started, peak, copies


def run(results: Results, home: Path, column: str) -> None:
    """Export `home`'s log, import it into a fresh home with the same decks, and insert it
    plainly; one run each (minutes at 1M reviews)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.jsonl"
        seconds, peak, _ = timed([*PMQUIZ, "progress", "export", "-o", str(log)],
                                 home_env(home))
        lines = sum(1 for _ in log.open(encoding="utf-8"))
        results.text("reviews in the progress file", column, f"{lines:,}")
        results.text("`pmquiz progress export`: s / peak MB", column, f"{seconds:.1f} / "
                     f"{peak:.0f}")
        fresh = Path(tmp) / "fresh"
        shutil.copytree(home / "decks", fresh / "decks")
        shutil.copy(home / "config.toml", fresh / "config.toml")
        subprocess.run([*PMQUIZ, "due"], env=home_env(fresh), check=True,
                       stdout=subprocess.DEVNULL)
        imported, imported_peak, copy_peak = timed(
            [*PMQUIZ, "progress", "import", str(log), "--json"], home_env(fresh))
        floor, floor_peak, _ = timed([sys.executable, "-c", STREAMED_INSERT, str(log),
                                   str(Path(tmp) / "floor.db")], dict(os.environ))
        results.text("`pmquiz progress import` into a fresh home: s / peak MB (+ its "
                     "forked line reader's own)", column,
                     f"{imported:.1f} / {imported_peak:.0f} (+{copy_peak:.0f})")
        results.text("streamed insert of the same lines: s / peak MB", column,
                     f"{floor:.1f} / {floor_peak:.0f}")
        results.text("import / streamed insert (target ≤ 1.5, under 200 MB)", column,
                     f"{imported / floor:.2f}")
        reviews = sqlite3.connect(fresh / "pmquiz.db").execute(
            "SELECT count(*) FROM reviews").fetchone()[0]
        results.text("reviews after the import", column, f"{reviews:,}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("home", type=Path)
    parser.add_argument("--column", default="this home")
    args = parser.parse_args()
    found = Results()
    run(found, args.home, args.column)
    print(found.table())
    json.dumps(found.rows)
