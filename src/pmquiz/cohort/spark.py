"""The same cohort analysis on Spark, for cohorts that outgrow one machine: the DuckDB SQL
of `analysis.py`, transpiled to Spark SQL by SQLGlot, over the logs read by Spark (JSON
Lines or Parquet, local or on a cluster's storage). Needs the `pmquiz[spark]` extra (pyspark,
sqlglot) and a Java runtime. Locally it runs Spark in local mode on every core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pmquiz.cohort.schema import COLUMNS, CohortError

SPARK_TYPES = {"VARCHAR": "string", "INTEGER": "int", "BIGINT": "bigint",
               "BOOLEAN": "boolean"}


def to_spark(sql: str) -> str:
    """DuckDB SQL as Spark SQL."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark")[0]


class Spark:
    """The engine on a Spark session (local mode unless a master is configured)."""

    def __init__(self, files: list[Path]):
        try:
            from pyspark.errors import PySparkException
            from pyspark.sql import SparkSession
        except ImportError:
            raise CohortError("the Spark engine needs the spark extra: pip install "
                              "'pmquiz[spark]' (and a Java runtime)") from None
        self.error: Any = PySparkException
        self.spark = (SparkSession.builder.appName("pmquiz-cohort")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.session.timeZone", "UTC")
                      .config("spark.sql.shuffle.partitions", "8")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        schema = ", ".join(f"`{k}` {SPARK_TYPES[v]}" for k, v in COLUMNS.items())
        frames = []
        jsons = [str(p) for p in files if p.suffix.lower() != ".parquet"]
        parquets = [str(p) for p in files if p.suffix.lower() == ".parquet"]
        if jsons:
            frames.append(self.spark.read.schema(schema).json(jsons))
        if parquets:
            frames.append(self.spark.read.parquet(*parquets).selectExpr(
                *[f"CAST(`{k}` AS {SPARK_TYPES[v]}) AS `{k}`" for k, v in COLUMNS.items()]))
        source = frames[0]
        for frame in frames[1:]:
            source = source.unionByName(frame)
        source.createOrReplaceTempView("source")

    def table(self, name: str, sql: str) -> None:
        self.spark.sql(to_spark(sql)).cache().createOrReplaceTempView(name)

    def rows(self, sql: str) -> list[dict[str, Any]]:
        import math

        return [{k: None if isinstance(v, float) and math.isnan(v) else v
                 for k, v in row.asDict().items()}
                for row in self.spark.sql(to_spark(sql)).collect()]

    def close(self) -> None:
        for name in ("r", "firsts", "ability"):
            self.spark.catalog.dropTempView(name)
