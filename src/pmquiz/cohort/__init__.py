"""What a cohort's shared review logs say about each card, for course authors (`pmquiz cohort`).

Learners share their logs with `pmquiz progress export --share`; the author points
`pmquiz cohort report` at the files where they lie (JSON Lines or Parquet, files, folders or
globs). The analysis is SQL that DuckDB runs in process (`analysis.py`), item analysis as quiz
platforms report it (facility, discrimination, distractors) plus what spaced-repetition logs
add (lapses, answer times, overrides, mastery over weeks); `flags.py` turns the figures into
findings with the thresholds the README lists; `render.py` and `page.py` show them.
"""
