"""Field HTML to Markdown in one process, on every distinct HTML field of the test packages
(and the generated 6,148-note one): `python bench/field_markdown.py [RUNS]` prints the
fields, and the fastest of RUNS passes in CPU milliseconds (each field converted afresh,
not from the cache)."""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import REPO
from imports import large_package


def html_fields(packages: list[Path]) -> list[str]:
    """The distinct fields of these packages' notes that hold markup."""
    from pmquiz.interop.html import looks_like_html

    found: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        for package in packages:
            with zipfile.ZipFile(package) as archive:
                names = archive.namelist()
                member = next((n for n in ("collection.anki21", "collection.anki2")
                               if n in names), None)
                if member is None:
                    continue
                copy = Path(folder) / "collection"
                copy.write_bytes(archive.read(member))
            conn = sqlite3.connect(copy)
            try:
                for (fields,) in conn.execute("SELECT flds FROM notes"):
                    found.update(fields.split("\x1f"))
            finally:
                conn.close()
    return sorted(f for f in found if looks_like_html(f))


def main() -> None:
    from pmquiz.interop.html import _to_markdown

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        packages = sorted((REPO / "tests" / "data").rglob("*.apkg"))
        fields = html_fields([*packages, large_package(Path(folder) / "large.apkg")])
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        for field in fields:
            _to_markdown(field)
        best = min(best, time.process_time() - start)
    print(f"{len(fields)} HTML fields: {best * 1000:.0f} ms (fastest of {runs})")


if __name__ == "__main__":
    main()
