"""How much SQLite's helper threads (`PRAGMA threads`, which pmquiz sets to 2) save when an
index over the whole review log is made again, on a copy of a generated home's database:

    python bench/sort_threads.py bench/out/100k
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

INDEXES = ('CREATE INDEX "idx_reviews_next_time" ON "reviews" '
           '("next_time", "time", "stability", "card")',
           'CREATE UNIQUE INDEX "idx_reviews_uid" ON "reviews" ("uid")')


def main(home: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pmquiz.db"
        shutil.copy(home / "pmquiz.db", copy)
        for threads in (0, 2):
            conn = sqlite3.connect(copy, isolation_level=None)
            conn.execute(f"PRAGMA threads = {threads}")
            conn.execute("BEGIN")
            conn.execute("DROP INDEX idx_reviews_next_time")
            conn.execute("DROP INDEX idx_reviews_uid")
            for statement in INDEXES:
                started = time.perf_counter()
                conn.execute(statement)
                name = statement.split('"')[1]
                print(f"threads {threads}: {name:24} {time.perf_counter() - started:5.2f} s")
            conn.execute("ROLLBACK")
            conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
