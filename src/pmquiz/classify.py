"""Classification drills and statement checks, for any category set a deck defines.

A drill answer is a real review: it goes through `Study.record`, the same transaction and
FSRS update as `pmquiz study`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.errors import UsageError
from pmquiz.grading import grade_choice, normalize
from pmquiz.kinds import Question
from pmquiz.model import Answer, Rating, State, StoredCard
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Scope, Store
from pmquiz.store import stats as queries


@dataclass
class Round:
    """One drill answer."""

    stored: StoredCard
    chosen: str
    correct: bool
    seconds: float


@dataclass
class DrillResult:
    """How a drill went: its passes (the first over the statements, then each "again" over
    the ones missed, with a score of its own), streaks, confusion per category set."""

    rounds: list[Round] = field(default_factory=list)
    stopped_by: str = ""
    starts: list[int] = field(default_factory=lambda: [0])  # where each pass begins
    left_out: int = 0  # statements never met, left for study days (new-card limit)

    def begin_pass(self) -> None:
        """An "again" pass starts: it keeps its own score."""
        self.starts.append(len(self.rounds))

    @property
    def passes(self) -> list[list[Round]]:
        """The rounds of each pass, first pass first."""
        ends = [*self.starts[1:], len(self.rounds)]
        return [self.rounds[a:b] for a, b in zip(self.starts, ends, strict=True)]

    @property
    def score(self) -> int:
        """Right answers in the current pass."""
        return sum(r.correct for r in self.passes[-1])

    @property
    def best_streak(self) -> int:
        """Longest run of right answers within a pass."""
        best = 0
        for rounds in self.passes:
            run = 0
            for r in rounds:
                run = run + 1 if r.correct else 0
                best = max(best, run)
        return best

    @property
    def still_missed(self) -> list[StoredCard]:
        """Cards whose latest answer was wrong: what a drill-again pass is for, and what the
        summary lists as missed."""
        latest: dict[int, Round] = {}
        for r in self.rounds:
            latest.pop(r.stored.row, None)
            latest[r.stored.row] = r
        return [r.stored for r in latest.values() if not r.correct]

    def confusion(self) -> dict[str, dict[str, dict[str, int]]]:
        """category set -> true category -> chosen category -> count."""
        table: dict[str, dict[str, dict[str, int]]] = {}
        for r in self.rounds:
            card = r.stored.card
            rows = table.setdefault(card.category_set, {
                c: dict.fromkeys(card.categories, 0) for c in card.categories})
            rows[card.answer][r.chosen] += 1
        return table

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        seconds = [r.seconds for r in self.rounds]
        first = self.passes[0]
        right = sum(r.correct for r in first)
        return {
            "rounds": len(first), "score": right,
            "accuracy": right / len(first) if first else None,
            "again": [{"rounds": len(p), "score": sum(r.correct for r in p)}
                      for p in self.passes[1:]],
            "best_streak": self.best_streak,
            "seconds_per_item": sum(seconds) / len(seconds) if seconds else None,
            "confusion": self.confusion(),
            "missed": [{"card": s.card.key, "statement": s.card.prompt,
                        "category": s.card.answer} for s in self.still_missed],
            "left_out_unseen": self.left_out,
            "answers": [{"card": r.stored.card.key, "chosen": r.chosen, "correct": r.correct,
                         "seconds": round(r.seconds, 3)} for r in self.rounds],
            "stopped_by": self.stopped_by or None,
        }


class DrillUI(Protocol):
    """What a drill needs from a screen."""

    def ask(self, question: Question, score: int, streak: int) -> str:
        """Show the statement and categories; return the chosen category."""

    def verdict(self, question: Question, chosen: str, correct: bool) -> str:
        """Say right or wrong at once (with the explanation when wrong); after a wrong
        answer, wait for the learner's last word: "right" to overrule, or ""."""

    def again(self, missed: list[StoredCard], result: DrillResult) -> bool:
        """Show how the drill went so far, then offer to drill the missed statements
        again."""


def category_sets(store: Store, scope: Scope) -> list[str]:
    """The category sets of the classify cards in scope, e.g. `A/B`."""
    where, params = scope.where()
    return queries.category_sets(store, where, params)


def set_names(store: Store) -> dict[str, str]:
    """Deck-level set names (`pm-vs-project`) -> category sets (`A/B`)."""
    import json

    names: dict[str, str] = {}
    for meta in queries.deck_metadata(store):
        names.update(json.loads(meta).get("sets", {}))
    return names


def resolve_set(sets: list[str], wanted: str | None, names: dict[str, str] | None = None
                ) -> str | None:
    """Find the set a `--set` value names: its categories (`A/B`), its name in a deck
    (`pm-vs-project`), or a unique part of either."""
    if wanted is None:
        return None
    named = (names or {}).get(wanted)
    if named in sets:
        return named
    exact = [s for s in sets if normalize(s) == normalize(wanted)]
    partial = [s for s in sets if normalize(wanted) in normalize(s)]
    found = exact or partial
    if len(found) != 1:
        available = "; ".join(sets) or "none"
        raise UsageError(f'--set "{wanted}" matches {len(found)} category sets; '
                         f"available: {available}")
    return found[0]


def drill_cards(store: Store, settings: Settings, scheduler: Scheduler, now: datetime,
                scope: Scope, category_set: str | None, rounds: int,
                rng: random.Random) -> tuple[list[StoredCard], int]:
    """Due or weak cards first (lowest predicted recall first), then the rest shuffled. A
    statement never met counts against today's new-card limit, as in `study` (its answer
    starts its schedule): only as many as the limit still allows are taken. Returns the
    cards and how many never-met statements were left out for that reason."""
    cards = [s for s in store.queue.cards_in_scope(scope, kinds=["classify"])
             if category_set is None or s.card.category_set == category_set]
    day_start, day_end = day_bounds(now, settings.day_starts_at,
                                    local_zone(settings.timezone))
    new_left = max(0, settings.new_per_day - store.queue.answered_since(day_start, State.NEW))

    def urgent(stored: StoredCard) -> bool:
        state = stored.state
        if state.state is State.NEW:
            return False
        due = state.due is not None and state.due < day_end
        return due or scheduler.retrievability(state, now) < settings.desired_retention

    # Lowest predicted recall first; within a day recall rounds to 1, so the lower stability
    # (a card just failed) breaks the tie.
    first = sorted((s for s in cards if urgent(s)),
                   key=lambda s: (scheduler.retrievability(s.state, now),
                                  s.state.stability or 0.0, s.row))
    rest = [s for s in cards if not urgent(s)]
    rng.shuffle(rest)
    chosen = (first + rest)[:rounds]
    unseen = [s for s in chosen if s.state.state is State.NEW]
    if len(unseen) <= new_left:
        return chosen, 0
    dropped = {s.row for s in unseen[new_left:]}
    # fill the places with statements already met, if the drill has more
    more = [s for s in (first + rest)[rounds:] if s.state.state is not State.NEW]
    kept = [s for s in chosen if s.row not in dropped] + more[:len(dropped)]
    return kept, len(dropped)


class Drill:
    """Fast rounds over classify cards; every answer recorded as a review."""

    def __init__(self, recorder: Recorder, ui: DrillUI,
                 timer: Callable[[], float] = time.monotonic):
        self.recorder = recorder
        self.ui = ui
        self.timer = timer
        from pmquiz.session.withheld import Withheld

        self.withheld = Withheld()

    def run(self, cards: list[StoredCard]) -> DrillResult:
        """Drill the cards; then, if the learner wants, the missed ones again."""
        result = DrillResult()
        self.recorder.begin()
        try:
            batch = cards
            while batch:
                self._rounds(batch, result)
                missed = result.still_missed  # once answered right, a statement is done
                batch = [self.recorder.current(s) for s in missed] \
                    if missed and self.ui.again(missed, result) else []
                if batch:
                    result.begin_pass()
        except EOFError:
            result.stopped_by = "eof"
        except KeyboardInterrupt:
            result.stopped_by = "interrupt"
        self.recorder.finish()
        return result

    def _rounds(self, cards: list[StoredCard], result: DrillResult) -> None:
        streak = 0
        for number, stored in enumerate(cards, 1):
            question = Question(stored=stored, number=number, remaining=len(cards) - number,
                                options=stored.card.categories)
            started = self.timer()
            chosen = self.ui.ask(question, result.score, streak)
            # an explanation keeps back what tells a statement still to come in this round
            question = replace(question, stored=self.withheld.shown(stored, cards[number:]))
            seconds = self.timer() - started
            grade = grade_choice(chosen, stored.card.answer)
            override, stop = "", None
            try:
                # A wrong answer waits for a key: the learner may say "I was right".
                override = self.ui.verdict(question, chosen, grade.correct) or ""
            except (EOFError, KeyboardInterrupt) as exc:
                stop = exc  # the answer was given: record it as graded, then stop
            correct = grade.correct if not override else override == "right"
            self.recorder.record(stored, Answer(
                rating=Rating.GOOD if correct else Rating.AGAIN, response=chosen,
                correct=correct, grade=grade.outcome.value,
                duration_ms=int(seconds * 1000), override=override), self.recorder.clock())
            result.rounds.append(Round(stored, chosen, correct, seconds))
            streak = streak + 1 if correct else 0
            if stop is not None:
                raise stop
