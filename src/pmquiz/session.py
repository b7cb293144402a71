"""The study loop. It takes a UI and a clock, so it never prints and never reads the time itself.

Order, as in Anki: learning cards whose step is due, then due reviews (lowest predicted recall
first), then today's new cards interleaved across modules; a learning card due within the
learn-ahead window is shown early when nothing else is left.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from pmquiz import grading
from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.deck import distractors
from pmquiz.grading import Grade, Outcome
from pmquiz.model import Answer, Card, Kind, Rating, State, StoredCard
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Scope, Store

Clock = Callable[[], datetime]
# Learning cards are loaded this many at a time, as they come due (a learner back from a
# break may have thousands waiting; the first question must not wait for all of them).
LEARNING_BATCH = 200


@dataclass(frozen=True)
class Question:
    """A card as put to the learner: its options (choice/classify) and where it stands."""

    stored: StoredCard
    number: int
    remaining: int
    options: tuple[str, ...] = ()

    @property
    def card(self) -> Card:
        """The card being asked."""
        return self.stored.card


@dataclass(frozen=True)
class Verdict:
    """What the learner answered and how it compares; `grade` is None for self-rated cards."""

    question: Question
    response: str
    grade: Grade | None
    hint: Outcome | None = None
    key_words: tuple[int, int] = (0, 0)  # basic cards: key words of the answer in the attempt


@dataclass(frozen=True)
class Rated:
    """The learner's last word on a verdict: the rating, and `override` ("right" or "wrong")
    when they overruled the automatic verdict."""

    rating: Rating
    override: str = ""


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

    @property
    def accuracy(self) -> float | None:
        """Share of correct answers, None before any answer."""
        return self.correct / self.answered if self.answered else None


def interleave(cards: Iterable[StoredCard]) -> list[StoredCard]:
    """Round-robin across modules, keeping each module's own order."""
    by_module: dict[str, list[StoredCard]] = {}
    for stored in cards:
        by_module.setdefault(stored.card.deck, []).append(stored)
    columns = list(by_module.values())
    mixed: list[StoredCard] = []
    for i in range(max((len(c) for c in columns), default=0)):
        mixed.extend(column[i] for column in columns if i < len(column))
    return mixed


@dataclass
class Plan:
    """Today's queue and the learning cards that may come back."""

    queue: list[StoredCard]
    learning: dict[int, StoredCard]
    day_end: datetime
    scope: Scope = field(default_factory=Scope)


def plan_session(store: Store, settings: Settings, now: datetime, scope: Scope,
                 limit: int | None = None) -> Plan:
    """Today's due reviews (within the daily limit), then new cards (within theirs)."""
    zone = local_zone(settings.timezone)
    start, end = day_bounds(now, settings.day_starts_at, zone)
    reviews_left = max(0, settings.reviews_per_day - store.answered_since(start, State.REVIEW))
    new_left = max(0, settings.new_per_day - store.answered_since(start, State.NEW))
    reviews = store.due_reviews(scope, end, now, reviews_left)
    new = interleave(store.new_cards(scope, new_left))[:new_left]
    queue = reviews + new
    if limit is not None:
        queue = queue[:limit]
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning = {s.row: s for s in store.learning_cards(scope, ahead, LEARNING_BATCH)}
    return Plan(queue=queue, learning=learning, day_end=end, scope=scope)


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
        try:
            while True:
                now = self.clock()
                stored: StoredCard | None = _soonest(learning, now)
                if stored is None and queue:
                    stored = queue.pop(0)
                if stored is None:
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    for waiting in self.store.learning_cards(plan.scope, now + learn_ahead,
                                                             LEARNING_BATCH):
                        learning.setdefault(waiting.row, waiting)
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    break
                learning.pop(stored.row, None)
                number += 1
                after = self.ask_and_record(stored, number, len(queue) + len(learning))
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
        """Build the question, drawing and shuffling options for choice cards."""
        card = stored.card
        options: tuple[str, ...] = ()
        if card.kind is Kind.CHOICE:
            siblings = self._deck_cards(card.deck)
            wrong = list(distractors(card, [s.card for s in siblings]))
            picked = self.rng.sample(wrong, min(3, len(wrong)))
            choices = [*picked, card.answer]
            self.rng.shuffle(choices)
            options = tuple(choices)
        elif card.kind is Kind.CLASSIFY:
            options = card.categories
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
            if stored.card.kind in (Kind.BASIC, Kind.CLOZE, Kind.LIST) else frozenset()
        verdict = judge(question, response, known)
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
        summary.answered += 1
        summary.correct += int(bool(answer.correct))
        summary.ratings[answer.rating.label] = summary.ratings.get(answer.rating.label, 0) + 1
        if not answer.correct:
            summary.missed.append(stored)
        return after


def judge(question: Question, response: str, known: frozenset[str] = frozenset()) -> Verdict:
    """Grade a raw response by card kind (basic cards are self-rated, with a hint). `known`
    is the module's vocabulary (see `grading.vocabulary`)."""
    card = question.stored.card
    if card.kind is Kind.BASIC:
        if not response.strip():
            return Verdict(question, response, None)
        hint = grading.compare_words(response, card.answer, known).outcome
        return Verdict(question, response, None, hint,
                       grading.key_words_covered(response, card.answer, known))
    if card.kind in (Kind.CHOICE, Kind.CLASSIFY):
        return Verdict(question, response, grading.grade_choice(response, card.answer))
    if card.kind is Kind.LIST:
        return Verdict(question, response, grading.grade_list(
            grading.split_items(response), list(card.items), known))
    gaps = card.gaps
    return Verdict(question, response, grading.grade_cloze(
        grading.split_gaps(response, len(gaps)), gaps, known))


def _soonest(learning: dict[int, StoredCard], until: datetime) -> StoredCard | None:
    ready = [s for s in learning.values() if s.state.due is not None and s.state.due <= until]
    return min(ready, key=lambda s: (s.state.due, s.row)) if ready else None
