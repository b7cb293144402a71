"""The cohort analysis: SQL that DuckDB runs in process over the shared logs where they lie
(JSON Lines or Parquet; no import step).

Definitions (all per card within its module, on each learner's first meeting of the card
unless said otherwise):

- facility: the share of learners right at their first meeting;
- item-rest correlation: Pearson's r between the card's first-meeting score (0/1) and the
  learner's share right on the module's other cards (the corrected item-total
  correlation), over learners who met at least two cards of the module;
- upper-lower: facility in the top third of learners (by share right in the module) minus
  facility in the bottom third;
- lapse rate: the share of later reviews (second and after) answered wrong;
- median answer time: over all reviews; first-meeting time: over first meetings;
- override rate: the share of reviews whose grade the learner overruled, and the share of
  the grades "wrong" that the learner overruled;
- picks: for choice and classify cards, first-meeting answers by option and ability third;
- wrong answers: the most frequent wrong typed answers at first meeting (case and outer
  spaces folded), with how many first answers and wrong first answers there were.

Per module and per phase: learners, reviews, retention (later reviews right), the share of
learners who mastered it (met every card, last answer to each right), the median days from
their first review to mastery (when the last card's final run of right answers began), and
learners who stopped (not mastered, no review in the last 14 days of the cohort's log).
"""

from __future__ import annotations

import glob
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmquiz.cohort.schema import COLUMNS, CohortError

SUFFIXES = (".jsonl", ".ndjson", ".parquet")  # what a folder is searched for (a .json file
# is read when named, as one JSON Lines file)
STOPPED_DAYS = 14
MEMORY_LIMIT = "1GB"
__all__ = ["CohortError", "Figures", "analyse", "log_files"]


@dataclass
class Figures:
    """What the SQL found: rows as dictionaries."""

    cards: list[dict[str, Any]] = field(default_factory=list)
    picks: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    modules: list[dict[str, Any]] = field(default_factory=list)
    phases: list[dict[str, Any]] = field(default_factory=list)
    curves: list[dict[str, Any]] = field(default_factory=list)  # retention by review number
    learners: int = 0
    reviews: int = 0
    files: int = 0
    left_out: int = 0  # log lines without learner, module, card or time, or a bad rating


def log_files(sources: list[str]) -> list[Path]:
    """Files, folders (every log file below them) and globs, as paths; none is an error."""
    found: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            matched = sorted(Path(p) for p in glob.glob(source, recursive=True))  # noqa: PTH207
            if not matched:
                raise CohortError(f"{source}: no such file, folder or matching files")
            found += [p for p in matched if p.is_file()]
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise CohortError("no log files found (give files, folders or globs of .jsonl or "
                          ".parquet logs from `pmquiz progress export --share`)")
    return unique


def _source_sql(files: list[Path]) -> str:
    """One relation over every file, JSON Lines and Parquet alike, with the shared columns."""
    def quoted(paths: list[Path]) -> str:
        return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"

    parts = []
    jsons = [p for p in files if p.suffix.lower() != ".parquet"]
    parquets = [p for p in files if p.suffix.lower() == ".parquet"]
    names = ", ".join(COLUMNS)
    if jsons:
        columns = ", ".join(f"'{k}': '{v}'" for k, v in COLUMNS.items())
        parts.append(f"SELECT {names} FROM read_json({quoted(jsons)}, "
                     f"format = 'newline_delimited', columns = {{{columns}}})")
    if parquets:
        casts = ", ".join(f"CAST({k} AS {v}) AS {k}" for k, v in COLUMNS.items())
        parts.append(f"SELECT {casts} FROM read_parquet({quoted(parquets)}, "
                     "union_by_name = true)")
    return " UNION ALL ".join(parts)


# The tables every query reads, in order: each is made once (DuckDB: a temporary table;
# Spark: a cached view).
TABLES = (
    ("r", """
SELECT learner, coalesce(phase, 0) AS phase, module, card, coalesce(kind, '') AS kind,
       CAST(time AS TIMESTAMPTZ) AS t, rating, duration_ms,
       coalesce(correct, rating > 1) AS ok, answer,
       nullif(trim(coalesce(override, '')), '') IS NOT NULL AS overruled,
       row_number() OVER (PARTITION BY learner, module, card
                          ORDER BY CAST(time AS TIMESTAMPTZ), id) AS n,
       row_number() OVER (PARTITION BY learner, module, card
                          ORDER BY CAST(time AS TIMESTAMPTZ) DESC, id DESC) AS back
FROM source
WHERE learner IS NOT NULL AND module IS NOT NULL AND card IS NOT NULL
  AND rating BETWEEN 1 AND 4 AND time IS NOT NULL
"""),
    ("firsts", """
SELECT learner, phase, module, card, kind, CAST(ok AS INTEGER) AS score, duration_ms,
       answer
FROM r WHERE n = 1
"""),
    ("ability", """
SELECT learner, module, sum(score) AS total, count(*) AS met,
       ntile(3) OVER (PARTITION BY module
                      ORDER BY CAST(sum(score) AS DOUBLE) / count(*), learner) AS third
FROM firsts GROUP BY learner, module
"""))

CARDS = """
WITH item AS (
    SELECT f.module, f.card, any_value(f.kind) AS kind, any_value(f.phase) AS phase,
           count(*) AS learners, avg(f.score) AS facility,
           corr(CAST(f.score AS DOUBLE), CAST(a.total - f.score AS DOUBLE) / (a.met - 1))
               FILTER (WHERE a.met > 1) AS item_rest,
           avg(f.score) FILTER (WHERE a.third = 3)
               - avg(f.score) FILTER (WHERE a.third = 1) AS upper_lower,
           median(f.duration_ms) AS first_ms
    FROM firsts f JOIN ability a USING (learner, module)
    GROUP BY f.module, f.card),
later AS (
    SELECT module, card, count(*) AS reviews,
           avg(CAST(NOT ok AS INTEGER)) FILTER (WHERE n > 1) AS lapse_rate,
           median(duration_ms) AS median_ms,
           avg(CAST(overruled AS INTEGER)) AS override_rate,
           CAST(sum(CAST(overruled AS INTEGER)) AS DOUBLE)
               / nullif(sum(CAST(overruled OR NOT ok AS INTEGER)), 0) AS overruled_of_wrong
    FROM r GROUP BY module, card)
SELECT * FROM item JOIN later USING (module, card) ORDER BY phase, module, card
"""

PICKS = """
SELECT f.module, f.card, f.answer, a.third, count(*) AS picks, max(f.score) AS right
FROM firsts f JOIN ability a USING (learner, module)
WHERE f.kind IN ('choice', 'classify') AND f.answer IS NOT NULL
GROUP BY f.module, f.card, f.answer, a.third
ORDER BY f.module, f.card, picks DESC, f.answer, a.third
"""

WRONG = """
SELECT module, card, said, times, answered, wrong FROM (
    SELECT module, card, lower(trim(answer)) AS said, count(*) AS times,
           any_value(answered) AS answered, any_value(wrong) AS wrong,
           row_number() OVER (PARTITION BY module, card
                              ORDER BY count(*) DESC, lower(trim(answer))) AS place
    FROM (SELECT *, sum(CASE WHEN answer IS NOT NULL AND trim(answer) <> '' THEN 1
                             ELSE 0 END) OVER (PARTITION BY module, card) AS answered,
                    sum(CASE WHEN answer IS NOT NULL AND trim(answer) <> '' AND score = 0
                             THEN 1 ELSE 0 END) OVER (PARTITION BY module, card) AS wrong
          FROM firsts)
    WHERE score = 0 AND answer IS NOT NULL AND trim(answer) <> ''
      AND kind NOT IN ('choice', 'classify')
    GROUP BY module, card, lower(trim(answer)))
WHERE place <= 3 ORDER BY module, card, times DESC, said
"""


CURVES = """
SELECT module, n AS review, count(*) AS reviews, avg(CAST(ok AS INTEGER)) AS retention
FROM r WHERE n BETWEEN 2 AND 8 GROUP BY module, n ORDER BY module, n
"""


def _groups_sql(key: str) -> str:
    """Per module (`key` = module) or per phase: learners, reviews, retention, mastery,
    days to mastery, stopped."""
    return f"""
WITH size AS (SELECT {key}, count(DISTINCT module || '/' || card) AS cards
              FROM r GROUP BY {key}),
last AS (SELECT learner, {key}, count(*) AS met, bool_and(ok) AS all_ok
         FROM r WHERE back = 1 GROUP BY learner, {key}),
streak AS (
    SELECT learner, phase, module, card,
           min(t) FILTER (WHERE n > coalesce(last_fail, 0)) AS since
    FROM (SELECT *, max(CASE WHEN NOT ok THEN n END)
                        OVER (PARTITION BY learner, module, card) AS last_fail FROM r)
    GROUP BY learner, phase, module, card),
span AS (SELECT learner, {key}, min(t) AS began, max(t) AS ended, count(*) AS reviews,
                count(*) FILTER (WHERE n > 1) AS later,
                count(*) FILTER (WHERE n > 1 AND ok) AS later_ok
         FROM r GROUP BY learner, {key}),
reached AS (SELECT learner, {key}, max(since) AS reached_at FROM streak GROUP BY learner, {key}),
per AS (
    SELECT s.learner, s.{key}, s.began, s.ended, s.reviews, s.later, s.later_ok,
           (l.met = z.cards AND l.all_ok) AS mastered, x.reached_at
    FROM span s JOIN last l USING (learner, {key}) JOIN size z USING ({key})
         JOIN reached x USING (learner, {key})),
ends AS (SELECT max(t) AS cohort_end FROM r)
SELECT {key}, count(*) AS learners, sum(reviews) AS reviews,
       CAST(sum(later_ok) AS DOUBLE) / nullif(sum(later), 0) AS retention,
       avg(CAST(mastered AS INTEGER)) AS mastered,
       median((epoch(reached_at) - epoch(began)) / 86400.0)
           FILTER (WHERE mastered) AS days_to_mastery,
       count(*) FILTER (WHERE NOT mastered
                        AND ended < cohort_end - INTERVAL {STOPPED_DAYS} DAY) AS stopped
FROM per, ends GROUP BY {key} ORDER BY {key}
"""


def _rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    # DuckDB's corr() is NaN where a card's scores do not vary: no figure, as JSON has none
    return [{k: None if isinstance(v, float) and math.isnan(v) else v
             for k, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


class DuckDB:
    """The engine on one machine: DuckDB in process, reading the files where they lie."""

    def __init__(self, files: list[Path], threads: int | None = None):
        import duckdb

        self.error = duckdb.Error
        self.conn = duckdb.connect(":memory:")
        if threads:
            self.conn.execute(f"SET threads = {int(threads)}")
        # a cohort of 10,000 learners fits in this; larger ones spill to disk, not fail
        self.conn.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.conn.execute("SET preserve_insertion_order = false")
        self.conn.execute("SET TimeZone = 'UTC'")
        self.conn.execute(f"CREATE TEMP VIEW source AS {_source_sql(files)}")

    def table(self, name: str, sql: str) -> None:
        self.conn.execute(f"CREATE TEMP TABLE {name} AS {sql}")

    def rows(self, sql: str) -> list[dict[str, Any]]:
        return _rows(self.conn, sql)

    def close(self) -> None:
        self.conn.close()


def analyse(sources: list[str], threads: int | None = None, engine: str = "duckdb"
            ) -> Figures:
    """Run the analysis over the logs `sources` name (files, folders, globs), in DuckDB or
    (`engine="spark"`) in Spark: the same SQL, transpiled."""
    files = log_files(sources)
    if engine == "spark":
        from pmquiz.cohort.spark import Spark

        runner: Any = Spark(files)
    else:
        runner = DuckDB(files, threads)
    try:
        return _figures(runner, len(files))
    except runner.error as exc:  # a value the logs' columns cannot hold, a broken file
        raise CohortError(f"cannot read the logs: {str(exc).splitlines()[0]}") from None
    finally:
        runner.close()


def _figures(runner: Any, files: int) -> Figures:
    for name, sql in TABLES:
        runner.table(name, sql)
    counts = runner.rows("SELECT count(DISTINCT learner) AS learners, count(*) AS n FROM r")
    figures = Figures(files=files)
    figures.learners, figures.reviews = counts[0]["learners"], counts[0]["n"]
    figures.left_out = runner.rows("SELECT count(*) AS n FROM source")[0]["n"] - figures.reviews
    if not figures.reviews:
        raise CohortError("the logs hold no reviews (each line needs learner, module, card, "
                          "time and rating: `pmquiz progress export --share`)")
    figures.cards = runner.rows(CARDS)
    figures.picks = runner.rows(PICKS)
    figures.wrong = runner.rows(WRONG)
    figures.modules = runner.rows(_groups_sql("module"))
    figures.phases = runner.rows(_groups_sql("phase"))
    figures.curves = runner.rows(CURVES)
    return figures
