"""Scores per phase and module, history, calendar, forecast, hardest cards, confusion.

Returns data; never prints. Definitions (also in the README):
- accuracy: share of correct answers among reviews in the window;
- true retention: among reviews of cards that were due (the card was in review state and its
  due date had come by the end of that learning day), counting only a card's first review each
  learning day, the share rated Hard or better (Anki's definition; learning reviews excluded);
- mastery: mean predicted recall now (FSRS retrievability) over cards seen;
- readiness: mean predicted recall now over all cards, unseen cards counting 0;
- history: readiness at the end of each day (windows up to 14 days) or week, from the state
  each card had after its last review before that moment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pmquiz import agenda
from pmquiz.config import Settings
from pmquiz.days import day_bounds, day_start, learning_day, local_zone
from pmquiz.kinds import shown_text
from pmquiz.model import Card
from pmquiz.scheduler import forgetting_curve_constants
from pmquiz.store import Scope, Store, to_ts
from pmquiz.store import stats as queries

CALENDAR_WEEKS = 26
FORECAST_DAYS = 7
HARDEST = 10


@dataclass
class Scores:
    """The figures of one phase or module."""

    cards: int = 0
    new: int = 0
    learning: int = 0
    review: int = 0
    reviews: int = 0
    correct: int = 0
    retention_reviews: int = 0
    retention_passed: int = 0
    recall_sum: float = 0.0
    seen: int = 0
    due_today: int = 0
    due_week: int = 0
    suspended: int = 0

    def add(self, other: Scores) -> None:
        """Accumulate a module into its phase."""
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    @property
    def accuracy(self) -> float | None:
        """Share of correct answers in the window."""
        return self.correct / self.reviews if self.reviews else None

    @property
    def true_retention(self) -> float | None:
        """Passed share of due reviews (first of the day)."""
        return self.retention_passed / self.retention_reviews if self.retention_reviews else None

    @property
    def mastery(self) -> float | None:
        """Mean predicted recall over cards seen."""
        return self.recall_sum / self.seen if self.seen else None

    @property
    def readiness(self) -> float:
        """Mean predicted recall over all cards, unseen counting 0."""
        return self.recall_sum / self.cards if self.cards else 0.0

    def to_dict(self) -> dict[str, object]:
        """Raw figures for JSON."""
        return {"cards": self.cards, "new": self.new, "learning": self.learning,
                "review": self.review, "reviews": self.reviews, "correct": self.correct,
                "accuracy": self.accuracy, "retention_reviews": self.retention_reviews,
                "retention_passed": self.retention_passed,
                "true_retention": self.true_retention, "mastery": self.mastery,
                "readiness": self.readiness, "seen": self.seen, "due_today": self.due_today,
                "due_next_7_days": self.due_week, "suspended": self.suspended}


@dataclass
class ModuleStats:
    """A module's scores."""

    phase: int
    slug: str
    title: str
    scores: Scores


@dataclass
class PhaseStats:
    """A phase's scores and its modules."""

    phase: int
    scores: Scores
    modules: list[ModuleStats] = field(default_factory=list)
    history: list[tuple[date, float]] = field(default_factory=list)


@dataclass
class HardCard:
    """A card that gives trouble."""

    key: str
    module: str
    prompt: str
    lapses: int
    leech: bool
    recall: float
    relearning: bool = False  # failed and in its steps again: not remembered yet


@dataclass
class Report:
    """Everything `pmquiz stats` shows."""

    now: datetime
    days: int
    total_reviews: int
    phases: list[PhaseStats]
    calendar: list[tuple[date, int]]
    streak_current: int
    streak_longest: int
    forecast: list[tuple[date, int]]
    hardest: list[HardCard]
    leeches: int
    confusion: dict[str, dict[str, dict[str, int]]]

    @property
    def empty(self) -> bool:
        """No review has been recorded yet (in scope)."""
        return self.total_reviews == 0

    def to_dict(self) -> dict[str, object]:
        """The JSON form (fields documented in the README)."""
        return {
            "now": self.now.isoformat(), "days": self.days,
            "total_reviews": self.total_reviews,
            "phases": [{"phase": p.phase, **p.scores.to_dict(),
                        "history": [{"date": d.isoformat(), "readiness": r}
                                    for d, r in p.history],
                        "modules": [{"module": m.slug, "title": m.title, **m.scores.to_dict()}
                                    for m in p.modules]} for p in self.phases],
            "calendar": [{"date": d.isoformat(), "reviews": n} for d, n in self.calendar],
            "streak": {"current": self.streak_current, "longest": self.streak_longest},
            "forecast": [{"date": d.isoformat(), "due": n} for d, n in self.forecast],
            "hardest": [asdict(h) for h in self.hardest],
            "leeches": self.leeches,
            "confusion": self.confusion,
        }


class _Days:
    """Learning-day arithmetic for one report (the zone and the day start hour)."""

    def __init__(self, settings: Settings):
        self.hour = settings.day_starts_at
        self.zone = local_zone(settings.timezone)

    def of(self, ts: float) -> date:
        return learning_day(datetime.fromtimestamp(ts, UTC), self.hour, self.zone)

    def start(self, day: date) -> datetime:
        return day_start(day, self.hour, self.zone)


def report(store: Store, settings: Settings, parameters: tuple[float, ...], now: datetime,
           scope: Scope, days: int = 30) -> Report:
    """Compute every figure for the scope and window."""
    queries.ensure_math(store)
    decay, factor = forgetting_curve_constants(parameters)
    calendar_days = _Days(settings)
    _, today_end = day_bounds(now, settings.day_starts_at, calendar_days.zone)
    since = today_end - timedelta(days=days)
    where, params = scope.where()
    offset = _utc_offset(now, calendar_days) - calendar_days.hour * 3600
    recall = queries.recall_sql(decay, factor, "?", "s.last_review", "s.stability", offset)
    points = [to_ts(p) or 0.0 for p in checkpoints(now, days, calendar_days)]
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1)
    side_future = pool.submit(_side_figures, store.path, settings, calendar_days, since,
                              now, recall, scope, where, params)
    pool.shutdown(wait=False)
    # Readiness history, part one, in the same scan: a card not reviewed since a checkpoint
    # still has its current state then (one column per checkpoint).
    history = [
        f"total(CASE WHEN s.state > 0 AND s.last_review <= {t!r} THEN "
        f"{queries.recall_sql(decay, factor, repr(t), 's.last_review', 's.stability', offset)}"
        " END)"
        for t in points]
    modules: dict[str, ModuleStats] = {}
    history_sums: dict[tuple[int, int], float] = {}
    total = 0
    for row in queries.module_scores(store, recall, history, to_ts(now) or 0.0, where, params):
        modules[row["deck"]] = ModuleStats(row["phase"], row["deck"], row["title"], Scores(
            cards=row["cards"], new=row["new"], learning=row["learning"], review=row["review"],
            seen=row["seen"], recall_sum=row["recall_sum"], suspended=row["suspended"] or 0))
        total += int(row["reps"])  # every review adds one to its card's `reps`
        for index in range(len(points)):
            key = (index, row["phase"])
            history_sums[key] = history_sums.get(key, 0.0) + row[f"h{index}"]
    later_reviews = _later_reviews(store, decay, factor, points, where, params, offset)
    side = side_future.result()
    # Due today and over the next 7 days: what the sessions will ask (`agenda.forecast`).
    for number, (_, per_module) in enumerate(side.forecast):
        for deck, count in per_module.items():
            if deck in modules:
                modules[deck].scores.due_week += count
                if number == 0:
                    modules[deck].scores.due_today += count
    for deck, (count, correct, retention, passed) in side.window.items():
        if deck in modules:
            scores = modules[deck].scores
            scores.reviews, scores.correct = count, correct
            scores.retention_reviews, scores.retention_passed = retention, passed
    phases: dict[int, PhaseStats] = {}
    for module in modules.values():
        phase = phases.setdefault(module.phase, PhaseStats(module.phase, Scores()))
        phase.modules.append(module)
        phase.scores.add(module.scores)
    for key, value in later_reviews.items():
        history_sums[key] = history_sums.get(key, 0.0) + value
    _history(phases, calendar_days, points, history_sums)
    return Report(now=now, days=days, total_reviews=int(total),
                  phases=sorted(phases.values(), key=lambda p: p.phase),
                  calendar=side.calendar[0], streak_current=side.calendar[1],
                  streak_longest=side.calendar[2],
                  forecast=[(d, sum(m.values())) for d, m in side.forecast],
                  hardest=side.hardest[0], leeches=side.hardest[1], confusion=side.confusion)


@dataclass
class _Side:
    """The figures computed on a second connection while the first does the rest."""

    window: dict[str, tuple[int, int, int, int]]
    calendar: tuple[list[tuple[date, int]], int, int]
    hardest: tuple[list[HardCard], int]
    forecast: list[tuple[date, dict[str, int]]]
    confusion: dict[str, dict[str, dict[str, int]]]


def _side_figures(path: Path, settings: Settings, days: _Days, since: datetime, now: datetime,
                  recall: str, scope: Scope, where: str, params: list[object]) -> _Side:
    # SQLite releases the GIL while it works, so on a second connection these queries run
    # on the other core (WAL lets readers work side by side).
    store = Store.open(path)
    try:
        queries.ensure_math(store)
        return _Side(window=_window_counts(store, days, since, now, where, params),
                     calendar=_calendar(store, days, now),
                     hardest=_hardest(store, settings, recall, now, where, params),
                     forecast=agenda.forecast(store, settings, now, scope, FORECAST_DAYS),
                     confusion=_confusion(store, since, where, params))
    finally:
        store.close()


def _window_counts(store: Store, days: _Days, since: datetime, now: datetime,
                   where: str, params: list[object]) -> dict[str, tuple[int, int, int, int]]:
    """Accuracy and true retention over the window, in one pass over its reviews.

    True retention counts reviews of cards in review state that were due by the end of that
    learning day: each review keeps the due date it was answered against (`due_before`). A
    card reviewed twice on one day is in review state and due only at the first of the two
    (a pass moves its due date past the day's end; a lapse puts it in relearning), so this
    also counts only the first review of a card each day. Day ends use the UTC offset in
    force now."""
    offset = _utc_offset(now, days) - days.hour * 3600
    return {row["deck"]: (row["reviews"], int(row["correct"]), int(row["due"]),
                          int(row["passed"]))
            for row in queries.window_counts(store, offset, to_ts(since) or 0.0, where, params)}


def checkpoints(now: datetime, days: int, calendar_days: _Days) -> list[datetime]:
    """Ends of each day (windows up to 14 days) or week in the window, then now."""
    step = 1 if days <= 14 else 7
    today = learning_day(now, calendar_days.hour, calendar_days.zone)
    points = []
    for back in range(days - step, 0, -step):
        points.append(calendar_days.start(today - timedelta(days=back - 1)))
    points.append(now)
    return points


def _later_reviews(store: Store, decay: float, factor: float, points: list[float],
                   where: str, params: list[object], offset: int
                   ) -> dict[tuple[int, int], float]:
    """Readiness history, part two: cards reviewed again after a checkpoint count with the
    review in force at that moment, the one with time <= T < next_time."""
    expressions = [
        f"total(CASE WHEN r.time <= {t!r} AND r.next_time > {t!r} THEN "
        f"{queries.recall_sql(decay, factor, repr(t), 'r.time', 'r.stability', offset)} END)"
        for t in points]
    return {(index, row["phase"]): row[f"h{index}"]
            for row in queries.later_reviews(store, expressions, points[0], points[-1], where,
                                             params)
            for index in range(len(points))}


def _history(phases: dict[int, PhaseStats], days: _Days, points: list[float],
             sums: dict[tuple[int, int], float]) -> None:
    """Readiness per phase at each checkpoint, from the summed predicted recall of its cards
    (each in the state it had after its last review before that moment)."""
    for number, phase_stats in phases.items():
        for index, point in enumerate(points):
            label = learning_day(datetime.fromtimestamp(point - 1, UTC), days.hour, days.zone)
            cards = phase_stats.scores.cards
            phase_stats.history.append((label, sums.get((index, number), 0.0) / cards
                                        if cards else 0.0))


def _calendar(store: Store, days: _Days,
              now: datetime) -> tuple[list[tuple[date, int]], int, int]:
    """Reviews per learning day for 26 weeks, and streaks over the whole log. Walks the time
    index a day at a time (one seek per day studied) instead of grouping every review."""
    today = learning_day(now, days.hour, days.zone)
    first = today - timedelta(days=today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    calendar = []
    for i in range((today - first).days + 1):
        day = first + timedelta(days=i)
        start, end = days.start(day).timestamp(), days.start(day + timedelta(days=1)).timestamp()
        calendar.append((day, queries.reviews_between(store, start, end)))
    studied: list[date] = []
    moment = queries.first_review_from(store)
    while moment is not None:
        day = days.of(moment)
        studied.append(day)
        moment = queries.first_review_from(store,
                                           days.start(day + timedelta(days=1)).timestamp())

    def kept(first: date, last: date) -> bool:
        """Days without study that do not break a streak: nothing was due on them."""
        return first > last or not queries.anything_due_between(
            store, days.start(first).timestamp(),
            days.start(last + timedelta(days=1)).timestamp())

    longest = run = 0
    runs: list[int] = []
    for i, day in enumerate(studied):
        previous = studied[i - 1] if i else None
        run = run + 1 if previous is not None and \
            kept(previous + timedelta(days=1), day - timedelta(days=1)) else 1
        runs.append(run)
        longest = max(longest, run)
    # Today is not over: a streak is current when every day since the last one studied, up
    # to yesterday, had nothing due.
    current = runs[-1] if studied and kept(studied[-1] + timedelta(days=1),
                                           today - timedelta(days=1)) else 0
    return calendar, current, longest


def _utc_offset(now: datetime, days: _Days) -> int:
    local = now.astimezone(days.zone) if days.zone else now.astimezone()
    offset = local.utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _hardest(store: Store, settings: Settings, recall: str, now: datetime,
             where: str, params: list[object]) -> tuple[list[HardCard], int]:
    import json

    leeches = queries.leech_count(store, settings.leech_lapses, where, params)
    rows = queries.hardest_cards(store, recall, to_ts(now) or 0.0, settings.desired_retention,
                                 HARDEST, where, params)
    hardest = [HardCard(key=row["key"], module=row["title"],
                        prompt=shown_text(Card.from_dict(json.loads(row["body"]))),
                        lapses=row["lapses"],
                        leech=row["lapses"] >= settings.leech_lapses, recall=row["recall"],
                        relearning=bool(row["relearning"]))
               for row in rows]
    return hardest, leeches


def _confusion(store: Store, since: datetime, where: str,
               params: list[object]) -> dict[str, dict[str, dict[str, int]]]:
    table: dict[str, dict[str, dict[str, int]]] = {}
    for row in queries.confusion_counts(store, to_ts(since) or 0.0, where, params):
        categories = row["category_set"].split("/")
        rows = table.setdefault(row["category_set"], {t: dict.fromkeys(categories, 0)
                                                      for t in categories})
        if row["truth"] in rows and row["chosen"] in rows[row["truth"]]:
            rows[row["truth"]][row["chosen"]] += row["count"]
    return table
