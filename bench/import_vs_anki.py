"""`pmquiz import` against Anki's own library on the same package, whole processes,
alternating run by run so that a busy machine slows both alike (issue #28: at most 1.5x):
`python bench/import_vs_anki.py [RUNS] [ja|gen|fr|PACKAGE.apkg ...]`. Needs the `anki` test
extra."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import PMQUIZ, REPO, base_env, run_command
from imports import large_package

SAMPLES = REPO / "tests" / "data" / "samples" / "anki" / "mauriciopoppe-anki-decks"


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    which = sys.argv[2:] or ["fr", "ja", "gen"]
    env = base_env()
    anki = [sys.executable, str(Path(__file__).with_name("anki_import.py"))]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        packages = {"fr": SAMPLES / "My_french_words_and_phrases_20260328.apkg",
                    "ja": SAMPLES / "Language_Japanese_Mining_20260328.apkg",
                    "gen": large_package(tmp / "large.apkg") if "gen" in which else tmp}
        packages |= {label: Path(label) for label in which if label not in packages}
        for label in which:
            mine, theirs = [], []
            for n in range(runs):
                home = tmp / f"home-{n}"
                shutil.rmtree(home, ignore_errors=True)
                run_command([*PMQUIZ, "--home", str(home), "due"], env)  # the database exists
                mine.append(run_command([*PMQUIZ, "--home", str(home), "import",
                                         str(packages[label])], env))
                theirs.append(run_command([*anki, str(packages[label])], env))
            ours, reference = statistics.median(mine), statistics.median(theirs)
            print(f"{label}: pmquiz {ours * 1000:.0f} ms, Anki {reference * 1000:.0f} ms, "
                  f"ratio {ours / reference:.2f} (medians of {runs}; pmquiz "
                  f"{min(mine) * 1000:.0f}-{max(mine) * 1000:.0f} ms, Anki "
                  f"{min(theirs) * 1000:.0f}-{max(theirs) * 1000:.0f} ms)", flush=True)


if __name__ == "__main__":
    main()
