"""What a shared log line holds (the columns every engine reads), and the cohort's error."""

from __future__ import annotations

from pmquiz.errors import PmquizError

COLUMNS = {"learner": "VARCHAR", "id": "VARCHAR", "phase": "INTEGER", "module": "VARCHAR",
           "card": "VARCHAR", "kind": "VARCHAR", "time": "VARCHAR", "rating": "INTEGER",
           "duration_ms": "BIGINT", "correct": "BOOLEAN", "grade": "VARCHAR",
           "mode": "VARCHAR", "override": "VARCHAR", "answer": "VARCHAR"}


class CohortError(PmquizError):
    """Logs that cannot be read, or none given."""
