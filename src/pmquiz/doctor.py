"""`pmquiz doctor`, as Anki's Check Database: SQLite's integrity and foreign keys, every card
state against a replay of its log, each review's link to the next, and reviews from the
future. `repair` backs the database up, then rebuilds every state and link from the log.

The review log is the source of truth, so a state that disagrees with its replay is the
state's fault, never the log's.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pmquiz.model import CardState, Rating
from pmquiz.scheduler import Scheduler
from pmquiz.store import Store, from_ts, to_ts
from pmquiz.store import stats as queries

if TYPE_CHECKING:
    from pmquiz.salvage import Salvage

FUTURE_ALLOWANCE = timedelta(days=1)  # clocks of two machines may disagree a little


@dataclass
class Finding:
    """One problem: what kind, where, and what was found."""

    check: str
    where: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form."""
        return {"check": self.check, "where": self.where, "detail": self.detail}


@dataclass
class Diagnosis:
    """What the doctor found, and what a repair did."""

    cards: int = 0
    reviews: int = 0
    findings: list[Finding] = field(default_factory=list)
    repaired: int = 0
    backup: str = ""
    salvaged: Salvage | None = None  # a damaged file rebuilt before the repair

    @property
    def ok(self) -> bool:
        """Nothing found."""
        return not self.findings

    def count(self, check: str) -> int:
        """Findings of one kind."""
        return sum(1 for f in self.findings if f.check == check)

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        checks = ("integrity", "foreign keys", "state", "next review link", "future review")
        return {"ok": self.ok, "cards": self.cards, "reviews": self.reviews,
                "problems": {c: self.count(c) for c in checks},
                "findings": [f.to_dict() for f in self.findings[:200]],
                "repaired": self.repaired, "backup": self.backup or None,
                "salvaged": asdict(self.salvaged) if self.salvaged else None}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def state_differences(stored: CardState, replayed: CardState) -> list[str]:
    """Fields where a stored state and its replay disagree."""
    pairs: list[tuple[str, float | None, float | None]] = [
        ("state", int(stored.state), int(replayed.state)),
        ("step", stored.step, replayed.step),
        ("stability", stored.stability, replayed.stability),
        ("difficulty", stored.difficulty, replayed.difficulty),
        ("due", to_ts(stored.due), to_ts(replayed.due)),
        ("last_review", to_ts(stored.last_review), to_ts(replayed.last_review)),
        ("reps", stored.reps, replayed.reps), ("lapses", stored.lapses, replayed.lapses)]
    return [name for name, a, b in pairs if not _same(a, b)]


REPLAY_BATCH = 2000  # cards replayed together


def _replayed(store: Store, scheduler: Scheduler) -> Iterator[tuple[int, str, list[Any],
                                                                   CardState, CardState]]:
    """Each card (row, key, log) with its stored state and the state its log replays to,
    both read and replayed in batches."""
    batch: list[tuple[int, str, list[Any]]] = []

    def flush() -> Iterator[tuple[int, str, list[Any], CardState, CardState]]:
        logs = [[(Rating(r["rating"]), from_ts(r["time"]), r["uid"]) for r in log]
                for _, _, log in batch]
        stored = store.log.card_states([row for row, _, _ in batch])
        for (row, key, log), steps in zip(batch, scheduler.replay_many(logs),  # type: ignore[arg-type]
                                          strict=True):
            yield row, key, log, stored[row], steps[-1] if steps else CardState()

    for entry in queries.card_logs(store):
        batch.append(entry)
        if len(batch) >= REPLAY_BATCH:
            yield from flush()
            batch = []
    yield from flush()


def examine(store: Store, scheduler: Scheduler, now: datetime,
            progress: Callable[[int, int], None] | None = None) -> Diagnosis:
    """Every check, read only."""
    try:
        problems = queries.integrity_problems(store)
        found = Diagnosis(cards=queries.card_count(store), reviews=store.log.review_count())
    except sqlite3.DatabaseError as exc:  # too damaged to check: nothing else can be read
        found = Diagnosis(cards=0, reviews=0)
        found.findings.append(Finding("integrity", "database", f"{exc}: `pmquiz doctor "
                                      "--repair` rebuilds it from what can be read and "
                                      "the backups beside it"))
        return found
    found.findings += [Finding("integrity", "database", p) for p in problems]
    found.findings += [Finding("foreign keys", f"{row[0]} row {row[1]}",
                               f"points to a missing {row[2]}")
                       for row in queries.foreign_key_problems(store)]
    limit = to_ts(now + FUTURE_ALLOWANCE) or 0.0
    for done, (_, key, log, stored, replayed) in enumerate(_replayed(store, scheduler), 1):
        differences = state_differences(stored, replayed)
        if differences:
            found.findings.append(Finding("state", key, "differs from its log's replay in "
                                          + ", ".join(differences)))
        for here, following in zip(log, [*log[1:], None] if log else [], strict=True):
            expected = following["time"] if following is not None else None
            if not _same(here["next_time"], expected):
                found.findings.append(Finding("next review link", key,
                                              f"review {here['uid']} links to the wrong "
                                              "next review"))
                break
        late = [r for r in log if r["time"] > limit]
        if late:
            found.findings.append(Finding(
                "future review", key, f"{len(late)} review(s) dated after "
                f"{datetime.fromtimestamp(limit).date()} (first "
                f"{from_ts(late[0]['time'])}); a clock or a progress file was wrong"))
        if progress and (done % 500 == 0 or done == found.cards):
            progress(done, found.cards)
    return found


def repair(store: Store, scheduler: Scheduler, now: datetime,
           progress: Callable[[int, int], None] | None = None) -> Diagnosis:
    """Back up, then rebuild every card state and review link from the log (one
    transaction), and examine again. Integrity and future reviews are reported, not
    changed: the log is the learner's."""
    before = examine(store, scheduler, now)
    if before.count("state") or before.count("next review link"):
        backup = store.backup("doctor")
        repaired = store.log.rebuild_states(scheduler.replay_many, progress)
        after = examine(store, scheduler, now)
        after.repaired = repaired
        after.backup = str(backup)
        return after
    return before


def quick_check(store: Store, now: datetime) -> str:
    """The cheap part, run when a session starts: reviews from the future (one index
    seek). Returns a warning, or "" when all is well."""
    late = queries.future_reviews(store, to_ts(now + FUTURE_ALLOWANCE) or 0.0)
    if late:
        return (f"{late} review(s) in the log are dated in the future; run `pmquiz doctor` "
                "to see which")
    return ""
