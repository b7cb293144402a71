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


ACTIONS = ("undo", "suspend", "bury", "flag", "edit")


class StudyUI(Protocol):
    """What the study loop needs from a screen: ask, then show the verdict and get a rating
    or one of `ACTIONS`."""

    def ask(self, question: Question) -> str:
        """Show the question and return the raw answer (lists: one item per line)."""

    def rate(self, verdict: Verdict) -> Rated | str:
        """Show the verdict; return the rating (self-rated; or as graded, Easy after a right
        answer, or the learner's override), or an action the learner chose instead."""

    def saved(self, rating: Rating) -> None:
        """The answer is in the database (shown only once it is)."""

    def notice(self, text: str) -> None:
        """Say what an action did."""


# Opens a card in $EDITOR: the card as it is afterwards (None: gone) and what happened.
Editor = Callable[[StoredCard], "tuple[StoredCard | None, str]"]


@dataclass
class Step:
    """What became of one card put to the learner: the card after its answer (None when it
    was not answered: suspended, buried, edited, or the answer before it undone), and cards
    to ask next, first to last."""

    after: StoredCard | None
    again: list[StoredCard] = field(default_factory=list)


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
                 timer: Callable[[], float] = time.monotonic, editor: Editor | None = None):
        self.store = store
        self.scheduler = scheduler
        self.ui = ui
        self.clock = clock
        self.rng = rng or random.Random()
        self.timer = timer  # durations: a stopwatch, independent of the (maybe frozen) clock
        self.recorder = Recorder(store, scheduler, clock, mode)
        self._started = 0.0
        self.summary = Summary()
        self.editor = editor  # opens a card in $EDITOR (a terminal session only)
        self._answers: list[tuple[StoredCard, Answer]] = []  # for undo
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
        first: list[StoredCard] = []  # asked before anything else (undone, edited)
        try:
            while plan.limit is None or number < plan.limit:
                now = self.clock()
                stored: StoredCard | None = first.pop(0) if first else None
                if stored is None:
                    stored = _soonest(learning, now)
                if stored is None and queue:
                    stored = queue.pop(0)
                    if bury and stored.card.sibling_keys & buried:
                        continue  # a sibling was answered today: this one waits for tomorrow
                if stored is None:
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    for later in self.store.learning_cards(plan.scope, now,
                                                           now + learn_ahead, LEARNING_BATCH):
                        learning.setdefault(later.row, later)
                    stored = _soonest(learning, now + learn_ahead)
                if stored is None:
                    break
                learning.pop(stored.row, None)
                number += 1
                hidden = buried | stored.card.sibling_keys if bury else set()
                waiting = _distinct([stored, *first, *(c for c in queue
                                                       if not c.card.sibling_keys & hidden),
                                     *learning.values()])
                if plan.limit is not None:
                    waiting = waiting[:plan.limit - number + 1]
                step = self.ask_and_record(stored, number, len(waiting) - 1, _counts(waiting))
                if step.again:
                    number -= 1 + int(step.after is None and len(step.again) > 1)
                    for card in step.again:
                        learning.pop(card.row, None)
                    first = step.again + [c for c in first
                                          if c.row not in {a.row for a in step.again}]
                if step.after is None:
                    continue
                after = step.after
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

    def question_for(self, stored: StoredCard, number: int, remaining: int,
                     counts: tuple[int, int, int] = (0, 0, 0)) -> Question:
        """Build the question; its kind draws the options (choice, classify)."""
        card = stored.card
        options = kind_of(card).options(card, [s.card for s in self._deck_cards(card.deck)],
                                        self.rng) if kind_of(card).answer_mode == "choose" \
            else ()
        return Question(stored=stored, number=number, remaining=remaining, options=options,
                        counts=counts, done=self.summary.answered)

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

    def ask_and_record(self, stored: StoredCard, number: int, remaining: int,
                       counts: tuple[int, int, int] = (0, 0, 0)) -> Step:
        """Ask one card, grade it, get the rating (or carry out the action chosen instead),
        and commit the review with the new state."""
        question = self.question_for(stored, number, remaining, counts)
        shown = self.timer()
        response = self.ui.ask(question)
        known = self.vocabulary(stored.card.deck) \
            if kind_of(stored.card).uses_vocabulary else frozenset()
        verdict = judge(question, response, known)
        verdict = replace(verdict, intervals=self.scheduler.preview(stored.state, self.clock()))
        stop: BaseException | None = None
        while True:
            try:
                chosen = self.ui.rate(verdict)
            except (EOFError, KeyboardInterrupt) as exc:
                if verdict.grade is None:
                    raise  # a self-rated card is answered only once it is rated
                # The answer was given and graded; only the optional Easy upgrade or an
                # override was not.
                chosen, stop = Rated(verdict.grade.rating), exc
            if isinstance(chosen, Rated):
                rated = chosen
                break
            step = self.act(chosen, stored)
            if step is not None:
                return step
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
        return Step(after)

    def act(self, action: str, stored: StoredCard) -> Step | None:
        """Carry out an action chosen instead of a rating; None means rate the card still
        (after a flag, or when there was nothing to undo)."""
        from pmquiz import card_actions

        if action == "flag":
            flagged = card_actions.toggle_flag(self.store, stored)
            self.ui.notice("Flagged: pmquiz search --flagged lists it." if flagged else
                           "Flag removed.")
            return None
        if action == "suspend":
            card_actions.suspend(self.store, stored)
            self.ui.notice(f"Suspended: it will not be asked until pmquiz unsuspend "
                           f"{stored.card.key}.")
            return Step(None)
        if action == "bury":
            card_actions.bury(self.store, self.scheduler.settings, stored, self.clock())
            self.ui.notice("Buried until the next learning day.")
            return Step(None)
        if action == "edit":
            if self.editor is None:
                self.ui.notice(f"Editing needs a terminal: pmquiz edit {stored.card.key}")
                return None
            edited, outcome = self.editor(stored)
            self.ui.notice(outcome)
            return Step(None, [edited] if edited is not None else [])
        if action == "undo":
            previous = self.recorder.undo_last()
            if previous is None:
                self.ui.notice("Nothing to undo yet in this session.")
                return None
            self.unrecord()
            self.ui.notice("Undone: that card again.")
            return Step(None, [previous, stored])
        raise ValueError(f"unknown action {action!r}")

    def unrecord(self) -> None:
        """Take the newest answer out of the summary (it was undone)."""
        stored, answer = self._answers.pop()
        summary = self.summary
        summary.new_learned -= int(stored.state.state is State.NEW)
        summary.answered -= 1
        summary.correct -= int(bool(answer.correct))
        label = answer.rating.label
        summary.ratings[label] -= 1
        if not summary.ratings[label]:
            del summary.ratings[label]
        if not answer.correct and stored in summary.missed:
            summary.missed.remove(stored)

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
        self._answers.append((stored, answer))
        return after


def judge(question: Question, response: str, known: frozenset[str] = frozenset()) -> Verdict:
    """Grade a raw response the way the card's kind grades (basic cards are self-rated, with
    a hint). `known` is the module's vocabulary (see `grading.vocabulary`)."""
    return kind_of(question.card).judge(question, response, known)


def _distinct(cards: list[StoredCard]) -> list[StoredCard]:
    """Each card once, first place kept."""
    seen: set[int] = set()
    kept = []
    for stored in cards:
        if stored.row not in seen:
            seen.add(stored.row)
            kept.append(stored)
    return kept


def _counts(waiting: list[StoredCard]) -> tuple[int, int, int]:
    """(new, learning, review) among the cards still to ask today (learning cards waiting
    out a step included)."""
    new = learning = review = 0
    for stored in waiting:
        state = stored.state.state
        if state is State.NEW:
            new += 1
        elif state is State.REVIEW:
            review += 1
        else:
            learning += 1
    return new, learning, review


def _soonest(learning: dict[int, StoredCard], until: datetime) -> StoredCard | None:
    ready = [s for s in learning.values() if s.state.due is not None and s.state.due <= until]
    return min(ready, key=lambda s: (s.state.due, s.row)) if ready else None
