"""The study loop. It takes a UI and a clock, so it never prints and never reads the time itself.

Order, as in Anki: learning cards whose step is due, then due reviews (lowest predicted recall
first), then today's new cards interleaved across modules; a learning card due within the
learn-ahead window is shown early when nothing else is left.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from pmquiz import grading
from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.kinds import Question, Rated, Verdict, kind_of
from pmquiz.model import Answer, Rating, State, StoredCard
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Scope, Store
from pmquiz.today import LEARNING_BATCH, todays_cards

Clock = Callable[[], datetime]


class StudyUI(Protocol):
    """What the study loop needs from a screen: ask, then show the verdict and get a rating."""

    def ask(self, question: Question) -> str:
        """Show the question and return the raw answer (lists: one item per line)."""

    def rate(self, verdict: Verdict) -> Rated:
        """Show the verdict; return the rating (self-rated; or as graded, Easy after a right
        answer, or the learner's override)."""

    def saved(self, rating: Rating) -> None:
        """The answer is in the database (shown only once it is)."""


@dataclass
class Summary:
    """How a session went."""

    answered: int = 0
    correct: int = 0
    ratings: dict[str, int] = field(default_factory=dict)
    started: datetime | None = None
    ended: datetime | None = None
    seconds: float = 0.0
    next_due: datetime | None = None
    stopped_by: str = ""
    nothing_due: bool = False
    missed: list[StoredCard] = field(default_factory=list)
    new_learned: int = 0  # new cards met this session
    due_tomorrow: int = 0  # cards due by the end of tomorrow's learning day
    unseen: int = 0  # new cards still waiting (for "nothing due")

    @property
    def accuracy(self) -> float | None:
        """Share of correct answers, None before any answer."""
        return self.correct / self.answered if self.answered else None


@dataclass
class Plan:
    """Today's queue and the learning cards that may come back."""

    queue: list[StoredCard]
    learning: dict[int, StoredCard]
    day_end: datetime
    scope: Scope = field(default_factory=Scope)
    limit: int | None = None  # at most this many cards asked, learning cards included
    buried: frozenset[str] = frozenset()  # sibling keys answered earlier today


def plan_session(store: Store, settings: Settings, now: datetime, scope: Scope,
                 limit: int | None = None) -> Plan:
    """Today's due reviews (within the daily limit), then new cards (within theirs)."""
    cards = todays_cards(store, settings, now, scope)
    queue = cards.reviews + cards.new
    if limit is not None:
        queue = queue[:limit]
    learning = {s.row: s for s in cards.learning}
    return Plan(queue=queue, learning=learning, day_end=cards.day_end, scope=scope,
                limit=limit, buried=cards.buried)


class Study:
    """One session: asks, grades, and records each answer through a `Recorder`."""

    def __init__(self, store: Store, scheduler: Scheduler, ui: StudyUI, clock: Clock,
                 mode: str = "study", rng: random.Random | None = None,
                 timer: Callable[[], float] = time.monotonic):
        self.store = store
        self.scheduler = scheduler
        self.ui = ui
        self.clock = clock
        self.rng = rng or random.Random()
        self.timer = timer  # durations: a stopwatch, independent of the (maybe frozen) clock
        self.recorder = Recorder(store, scheduler, clock, mode)
        self._started = 0.0
        self.summary = Summary()
        self._deck_cache: dict[str, list[StoredCard]] = {}
        self._vocabulary: dict[str, frozenset[str]] = {}

    def begin(self) -> None:
        """Open the session record."""
        self.summary.started = self.recorder.begin()
        self._started = self.timer()

    def finish(self, scope: Scope, stopped_by: str = "") -> Summary:
        """Close the session record and fill in the summary."""
        self.summary.ended = self.recorder.finish()
        self.summary.stopped_by = stopped_by
        self.summary.seconds = self.timer() - self._started
        self.summary.next_due = self.store.next_due(scope)
        settings = self.scheduler.settings
        _, today_end = day_bounds(self.clock(), settings.day_starts_at,
                                  local_zone(settings.timezone))
        _, tomorrow_end = day_bounds(today_end + timedelta(hours=1), settings.day_starts_at,
                                     local_zone(settings.timezone))
        self.summary.due_tomorrow = self.store.due_count(scope, tomorrow_end)
        self.summary.unseen = self.store.unseen_count(scope, self.clock())
        return self.summary

    def run(self, plan: Plan, scope: Scope) -> Summary:
        """Ask every card of the plan (and failed ones again when due) until done or stopped."""
        self.begin()
        from pmquiz import words

        words.warm()  # typed answers need the dictionary; load it while the learner reads
        learn_ahead = timedelta(minutes=self.scheduler.settings.learn_ahead_minutes)
        queue = list(plan.queue)
        learning = dict(plan.learning)
        for queued in queue:
            learning.pop(queued.row, None)
        number = 0
        stopped = ""
        bury = self.scheduler.settings.bury_siblings
        buried = set(plan.buried)
        try:
            while plan.limit is None or number < plan.limit:
                now = self.clock()
                stored: StoredCard | None = _soonest(learning, now)
                if stored is None and queue:
                    stored = queue.pop(0)
                    if bury and stored.card.sibling_keys & buried:
                        continue  # a sibling was answered today: this one waits for tomorrow
                if stored is None:
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    for waiting in self.store.learning_cards(plan.scope, now,
                                                             now + learn_ahead,
                                                             LEARNING_BATCH):
                        learning.setdefault(waiting.row, waiting)
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    break
                learning.pop(stored.row, None)
                number += 1
                after = self.ask_and_record(stored, number, len(queue) + len(learning))
                buried |= stored.card.sibling_keys
                if after.state.state in (State.LEARNING, State.RELEARNING) and after.state.due \
                        and after.state.due < plan.day_end:
                    learning[after.row] = after
        except EOFError:
            stopped = "eof"
        except KeyboardInterrupt:
            stopped = "interrupt"
        if number == 0 and not stopped:
            self.summary.nothing_due = True
        return self.finish(scope, stopped)

    def question_for(self, stored: StoredCard, number: int, remaining: int) -> Question:
        """Build the question; its kind draws the options (choice, classify)."""
        card = stored.card
        options = kind_of(card).options(card, [s.card for s in self._deck_cards(card.deck)],
                                        self.rng) if kind_of(card).answer_mode == "choose" \
            else ()
        return Question(stored=stored, number=number, remaining=remaining, options=options)

    def _deck_cards(self, deck: str) -> list[StoredCard]:
        if deck not in self._deck_cache:
            self._deck_cache[deck] = self.store.cards_in_scope(Scope(module=deck))
        return self._deck_cache[deck]

    def vocabulary(self, deck: str) -> frozenset[str]:
        """Every word of a module's cards: a typed word found there is a course word, never a
        typo of another."""
        if deck not in self._vocabulary:
            texts: list[str] = []
            for s in self._deck_cards(deck):
                card = s.card
                texts += [card.prompt, card.answer, card.explain, *card.options, *card.items]
            self._vocabulary[deck] = grading.vocabulary(texts)
        return self._vocabulary[deck]

    def ask_and_record(self, stored: StoredCard, number: int, remaining: int) -> StoredCard:
        """Ask one card, grade it, get the rating, and commit the review with the new state."""
        question = self.question_for(stored, number, remaining)
        shown = self.timer()
        response = self.ui.ask(question)
        known = self.vocabulary(stored.card.deck) \
            if kind_of(stored.card).uses_vocabulary else frozenset()
        verdict = judge(question, response, known)
        verdict = replace(verdict, intervals=self.scheduler.preview(stored.state, self.clock()))
        stop: BaseException | None = None
        try:
            rated = self.ui.rate(verdict)
        except (EOFError, KeyboardInterrupt) as exc:
            if verdict.grade is None:
                raise  # a self-rated card is answered only once it is rated
            # The answer was given and graded; only the optional Easy upgrade or an
            # override was not.
            rated, stop = Rated(verdict.grade.rating), exc
        rating = rated.rating
        answered = self.clock()
        took = self.timer() - shown
        if rated.override:
            correct = rated.override == "right"
        else:
            correct = verdict.grade.correct if verdict.grade else rating is not Rating.AGAIN
        grade = verdict.grade.outcome.value if verdict.grade else "self"
        answer = Answer(rating=rating, response=response, correct=correct, grade=grade,
                        duration_ms=max(0, int(took * 1000)), override=rated.override)
        after = self.record(stored, answer, answered)
        if stop is not None:
            raise stop
        self.ui.saved(rating)
        return after

    def record(self, stored: StoredCard, answer: Answer, when: datetime) -> StoredCard:
        """Commit one answer (through the recorder) and count it in the summary."""
        after = self.recorder.record(stored, answer, when)
        summary = self.summary
        summary.new_learned += int(stored.state.state is State.NEW)
        summary.answered += 1
        summary.correct += int(bool(answer.correct))
        summary.ratings[answer.rating.label] = summary.ratings.get(answer.rating.label, 0) + 1
        if not answer.correct:
            summary.missed.append(stored)
        return after


def judge(question: Question, response: str, known: frozenset[str] = frozenset()) -> Verdict:
    """Grade a raw response the way the card's kind grades (basic cards are self-rated, with
    a hint). `known` is the module's vocabulary (see `grading.vocabulary`)."""
    return kind_of(question.card).judge(question, response, known)


def _soonest(learning: dict[int, StoredCard], until: datetime) -> StoredCard | None:
    ready = [s for s in learning.values() if s.state.due is not None and s.state.due <= until]
    return min(ready, key=lambda s: (s.state.due, s.row)) if ready else None
