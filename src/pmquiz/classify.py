"""Classification drills and statement checks, for any category set a deck defines.

A drill answer is a real review: it goes through `Study.record`, the same transaction and
FSRS update as `pmquiz study`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.errors import UsageError
from pmquiz.grading import grade_choice, normalize, statement_similarity
from pmquiz.model import Answer, Phase, Rating, StoredCard
from pmquiz.scheduler import Scheduler
from pmquiz.session import Question, Study
from pmquiz.store import Scope, Store

MATCH = 0.55  # statement similarity from which a check names a category


@dataclass
class Round:
    """One drill answer."""

    stored: StoredCard
    chosen: str
    correct: bool
    seconds: float


@dataclass
class DrillResult:
    """How a drill went: rounds, score, streaks, confusion per category set."""

    rounds: list[Round] = field(default_factory=list)
    stopped_by: str = ""

    @property
    def score(self) -> int:
        """Right answers."""
        return sum(r.correct for r in self.rounds)

    @property
    def best_streak(self) -> int:
        """Longest run of right answers."""
        best = run = 0
        for r in self.rounds:
            run = run + 1 if r.correct else 0
            best = max(best, run)
        return best

    @property
    def missed(self) -> list[StoredCard]:
        """Cards answered wrong, once each, in drill order."""
        seen: dict[int, StoredCard] = {}
        for r in self.rounds:
            if not r.correct:
                seen.setdefault(r.stored.row, r.stored)
        return list(seen.values())

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
        return {
            "rounds": len(self.rounds), "score": self.score,
            "accuracy": self.score / len(self.rounds) if self.rounds else None,
            "best_streak": self.best_streak,
            "seconds_per_item": sum(seconds) / len(seconds) if seconds else None,
            "confusion": self.confusion(),
            "missed": [{"card": s.card.key, "statement": s.card.prompt,
                        "category": s.card.answer} for s in self.missed],
            "answers": [{"card": r.stored.card.key, "chosen": r.chosen, "correct": r.correct,
                         "seconds": round(r.seconds, 3)} for r in self.rounds],
            "stopped_by": self.stopped_by or None,
        }


class DrillUI(Protocol):
    """What a drill needs from a screen."""

    def ask(self, question: Question, score: int, streak: int) -> str:
        """Show the statement and categories; return the chosen category."""

    def verdict(self, question: Question, chosen: str, correct: bool) -> None:
        """Say right or wrong at once (with the explanation when wrong)."""

    def again(self, missed: list[StoredCard]) -> bool:
        """Offer to drill the missed statements again."""


def category_sets(store: Store, scope: Scope) -> list[str]:
    """The category sets of the classify cards in scope, e.g. `A/B`."""
    where, params = scope.where()
    return [r[0] for r in store.conn.execute(
        f"SELECT DISTINCT c.category_set FROM cards c WHERE c.kind = 'classify' AND {where} "
        "ORDER BY c.category_set", params)]


def set_names(store: Store) -> dict[str, str]:
    """Deck-level set names (`pm-vs-project`) -> category sets (`A/B`)."""
    import json

    names: dict[str, str] = {}
    for (meta,) in store.conn.execute("SELECT meta FROM decks"):
        names.update(json.loads(meta or "{}").get("sets", {}))
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
                rng: random.Random) -> list[StoredCard]:
    """Due or weak cards first (lowest predicted recall first), then the rest shuffled."""
    cards = [s for s in store.cards_in_scope(scope, kinds=["classify"])
             if category_set is None or s.card.category_set == category_set]
    _, day_end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))

    def urgent(stored: StoredCard) -> bool:
        state = stored.state
        if state.phase is Phase.NEW:
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
    return (first + rest)[:rounds]


class Drill:
    """Fast rounds over classify cards; every answer recorded as a review."""

    def __init__(self, study: Study, ui: DrillUI, timer: Callable[[], float] = time.monotonic):
        self.study = study
        self.ui = ui
        self.timer = timer

    def run(self, cards: list[StoredCard]) -> DrillResult:
        """Drill the cards; then, if the learner wants, the missed ones again."""
        result = DrillResult()
        self.study.begin()
        try:
            batch = cards
            while batch:
                self._rounds(batch, result)
                missed = [s for s in result.missed if s.row in {b.row for b in batch}]
                batch = [self.study.store.stored_card(s.row) for s in missed] \
                    if missed and self.ui.again(missed) else []
        except EOFError:
            result.stopped_by = "eof"
        except KeyboardInterrupt:
            result.stopped_by = "interrupt"
        self.study.finish(Scope(), result.stopped_by)
        return result

    def _rounds(self, cards: list[StoredCard], result: DrillResult) -> None:
        streak = 0
        for number, stored in enumerate(cards, 1):
            question = Question(stored=stored, number=number, remaining=len(cards) - number,
                                options=stored.card.categories)
            started = self.timer()
            chosen = self.ui.ask(question, result.score, streak)
            seconds = self.timer() - started
            grade = grade_choice(chosen, stored.card.answer)
            self.study.record(stored, Answer(
                rating=Rating.GOOD if grade.correct else Rating.AGAIN, response=chosen,
                correct=grade.correct, grade=grade.outcome.value,
                duration_ms=int(seconds * 1000)), self.study.clock())
            result.rounds.append(Round(stored, chosen, grade.correct, seconds))
            streak = streak + 1 if grade.correct else 0
            self.ui.verdict(question, chosen, grade.correct)


@dataclass(frozen=True)
class Match:
    """A classify card close to a statement."""

    card: StoredCard
    score: float

    def to_dict(self) -> dict[str, object]:
        """The JSON form."""
        card = self.card.card
        return {"card": card.key, "statement": card.prompt, "category": card.answer,
                "category_set": card.category_set, "module": self.card.module_title,
                "phase": self.card.phase_number, "score": round(self.score, 3),
                "source": card.source}


def check_statement(store: Store, scope: Scope, statement: str,
                    category_set: str | None = None, nearest: int = 3) -> list[Match]:
    """Classify cards ranked by similarity to the statement, best first."""
    cards = [s for s in store.cards_in_scope(scope, kinds=["classify"])
             if category_set is None or s.card.category_set == category_set]
    ranked = sorted((Match(s, statement_similarity(statement, s.card.prompt)) for s in cards),
                    key=lambda m: (-m.score, m.card.row))
    return ranked[:nearest]


