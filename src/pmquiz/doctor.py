"""`pmquiz doctor`, as Anki's Check Database: SQLite's integrity and foreign keys, every card
state against a replay of its log, each review's link to the next, and reviews from the
future. `repair` backs the database up, then rebuilds every state and link from the log.

The review log is the source of truth, so a state that disagrees with its replay is the
state's fault, never the log's.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pmquiz.model import CardState
from pmquiz.scheduler import Scheduler
from pmquiz.store import Store, from_ts, to_ts
from pmquiz.store import stats as queries

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.replay_arrays import Replayed
    from pmquiz.salvage import Salvage
    from pmquiz.store.log_arrays import LogRun

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


def examine(store: Store, scheduler: Scheduler, now: datetime,
            progress: Callable[[int, int], None] | None = None) -> Diagnosis:
    """Every check, read only. SQLite's integrity check (most of the time on a large file)
    runs on a second connection in a thread while the log is replayed here."""
    from pmquiz.replay_arrays import replay_arrays
    from pmquiz.store.log_arrays import log_runs

    sqlite_checks = _SqliteChecks(store)
    try:
        found = Diagnosis(cards=queries.card_count(store), reviews=store.log.review_count())
        limit = to_ts(now + FUTURE_ALLOWANCE) or 0.0
        per_card: list[tuple[int, int, Finding]] = []
        done = 0
        for run in log_runs(store.conn):
            replayed = replay_arrays(scheduler, run.starts, run.ratings, run.times, run.uids,
                                     dues="last")
            per_card += _state_findings(store, run, replayed)
            per_card += _link_findings(store, run) + _future_findings(store, run, limit)
            done += len(run.cards)
            if progress:
                progress(done, found.cards)
    except sqlite3.DatabaseError as exc:
        found = Diagnosis(cards=0, reviews=0)
        per_card = [(0, 0, Finding("integrity", "database", f"{exc}: `pmquiz doctor --repair` "
                                   "rebuilds it from what can be read and the backups "
                                   "beside it"))]
    problems, broken_links, failure = sqlite_checks.result()
    if failure is not None:  # too damaged to check: nothing else can be read
        damaged = Diagnosis(cards=0, reviews=0)
        damaged.findings.append(Finding("integrity", "database", f"{failure}: `pmquiz doctor "
                                        "--repair` rebuilds it from what can be read and "
                                        "the backups beside it"))
        return damaged
    found.findings += [Finding("integrity", "database", p) for p in problems]
    found.findings += [Finding("foreign keys", f"{row[0]} row {row[1]}",
                               f"points to a missing {row[2]}") for row in broken_links]
    found.findings += [f for _, _, f in sorted(per_card, key=lambda c: (c[0], c[1]))]
    return found


class _SqliteChecks:
    """SQLite's integrity and foreign-key checks on a read-only connection of their own, in
    a thread (sqlite3 lets other Python code run while SQLite works)."""

    def __init__(self, store: Store):
        import threading

        self.problems: list[str] = []
        self.links: list[tuple[object, ...]] = []
        self.failure: sqlite3.DatabaseError | None = None
        self.thread = threading.Thread(target=self._run, args=(store,), daemon=True)
        self.thread.start()

    def _run(self, store: Store) -> None:
        try:
            conn = sqlite3.connect(f"{store.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                self.problems = [r[0] for r in conn.execute("PRAGMA integrity_check")
                                 if r[0] != "ok"]
                self.links = [tuple(r) for r in conn.execute("PRAGMA foreign_key_check")]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            self.failure = exc

    def result(self) -> tuple[list[str], list[tuple[object, ...]],
                              sqlite3.DatabaseError | None]:
        self.thread.join()
        return self.problems, self.links, self.failure


def _key(store: Store, row: int) -> str:
    found = store.conn.execute("SELECT deck || '/' || card_id FROM cards WHERE id = ?",
                               (row,)).fetchone()
    return str(found[0]) if found else f"#{row}"


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`not _same(a, b)` element by element (NaN is NULL)."""
    import numpy as np

    a_null, b_null = np.isnan(a), np.isnan(b)
    with np.errstate(invalid="ignore"):
        close = np.abs(a - b) <= np.maximum(1e-9 * np.maximum(np.abs(a), np.abs(b)), 1e-6)
    found: np.ndarray = np.where(a_null | b_null, a_null != b_null, ~close)
    return found


def _state_findings(store: Store, run: LogRun, replayed: Replayed
                    ) -> list[tuple[int, int, Finding]]:
    """Cards whose stored state is not their log's replay: a quick comparison of every
    card over arrays, then the fields named for those that differ."""
    import numpy as np

    from pmquiz.store.rebuilt import final_states

    expected, stored = final_states(run, replayed)
    seen = np.diff(run.starts) > 0
    last = np.maximum(run.starts[1:] - 1, 0)
    suspects = np.flatnonzero(_differ(stored, expected).any(axis=1))
    found = []
    for i in suspects.tolist():
        replay = replayed.card_state(int(last[i])) if seen[i] else CardState()
        kept = store.log.card_states([int(run.cards[i])])[int(run.cards[i])]
        differences = state_differences(kept, replay)
        if differences:
            found.append((int(run.cards[i]), 0, Finding(
                "state", _key(store, int(run.cards[i])),
                "differs from its log's replay in " + ", ".join(differences))))
    return found


def _link_findings(store: Store, run: LogRun) -> list[tuple[int, int, Finding]]:
    """Cards with a review whose `next_time` is not the time of the card's next review (the
    first such review of each)."""
    import numpy as np

    following = np.append(run.times[1:], np.nan)[:run.reviews]
    ends = run.starts[1:] - 1
    following[ends[ends >= 0]] = np.nan  # a card's last review links to nothing
    wrong = np.flatnonzero(_differ(run.derived[:, 5], following))
    found: dict[int, tuple[int, int, Finding]] = {}
    for at in wrong.tolist():
        card = int(run.cards[np.searchsorted(run.starts, at, side="right") - 1])
        if card not in found:
            found[card] = (card, 1, Finding("next review link", _key(store, card),
                                            f"review {run.uids[at]} links to the wrong next "
                                            "review"))
    return list(found.values())


def _future_findings(store: Store, run: LogRun, limit: float
                     ) -> list[tuple[int, int, Finding]]:
    """Cards with reviews dated after `limit`."""
    import numpy as np

    late = np.flatnonzero(run.times > limit)
    by_card: dict[int, list[int]] = {}
    for at in late.tolist():
        card = int(run.cards[np.searchsorted(run.starts, at, side="right") - 1])
        by_card.setdefault(card, []).append(at)
    return [(card, 2, Finding(
        "future review", _key(store, card), f"{len(ats)} review(s) dated after "
        f"{datetime.fromtimestamp(limit).date()} (first {from_ts(float(run.times[ats[0]]))}); "
        "a clock or a progress file was wrong")) for card, ats in by_card.items()]


def repair(store: Store, scheduler: Scheduler, now: datetime,
           progress: Callable[[int, int], None] | None = None) -> Diagnosis:
    """Back up, then rebuild every card state and review link from the log (one
    transaction), and examine again. Integrity and future reviews are reported, not
    changed: the log is the learner's."""
    before = examine(store, scheduler, now)
    if before.count("state") or before.count("next review link"):
        backup = store.backup("doctor")
        repaired = store.log.rebuild_states(scheduler, progress)
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
