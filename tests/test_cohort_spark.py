"""The cohort report on Spark (local mode) equals DuckDB's, number for number (issue #29):
the same SQL, transpiled by SQLGlot."""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from test_cohort import five_learners

if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("sqlglot") is None:
    pytest.skip("pyspark or sqlglot is not installed (pip install 'pmquiz[spark]')",
                allow_module_level=True)
if shutil.which("java") is None:
    pytest.skip("no Java runtime on this machine (.ci/run installs Debian's "
                "default-jre-headless where it can)", allow_module_level=True)

runner = CliRunner()


def same(a: Any, b: Any, path: str = "") -> None:
    """Equal JSON, floats to 1e-9 (summation order may differ between engines)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), path
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), (path, len(a), len(b))
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{index}]")
    else:
        assert a == b, (path, a, b)


def reports(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    out = []
    for engine in ("duckdb", "spark"):
        result = runner.invoke(app, ["cohort", "report", str(folder), "--json",
                                     "--engine", engine])
        assert result.exit_code == 0, result.output
        out.append(json.loads(result.output))
    return out[0], out[1]


def test_spark_and_duckdb_give_the_same_report(tmp_path: Path) -> None:
    small = tmp_path / "five"
    small.mkdir()
    five_learners(small)
    same(*reports(small))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from cohort import simulate

    simulated = tmp_path / "sixty"
    simulate(simulated, 60, seed=3)
    duck, spark = reports(simulated)
    assert duck["reviews"] > 20_000
    same(duck, spark)
