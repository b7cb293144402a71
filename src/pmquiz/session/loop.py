"""The loop that asks and records. It takes a UI and a clock, so it never prints and never reads
the time itself; the plan, the actions and the summary have rooms of their own.

Order, as in Anki: learning cards whose step is due, then due reviews (lowest predicted recall
first), then today's new cards interleaved across modules; a learning card due within the
learn-ahead window is shown early when nothing else is left.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from pmquiz import grading
from pmquiz.kinds import Question, Rated, Verdict, kind_of
from pmquiz.model import Answer, Rating, State, StoredCard
from pmquiz.recorder import Recorder, new_uid
from pmquiz.scheduler import Scheduler
from pmquiz.session.actions import Step
from pmquiz.session.plan import Plan, counts, distinct, soonest
from pmquiz.session.summary import Summary
from pmquiz.session.withheld import Withheld
from pmquiz.store import Scope, Store
from pmquiz.today import LEARNING_BATCH

Clock = Callable[[], datetime]


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

    def notice(self, text: str, moves_on: bool = True) -> None:
        """Say what an action did (`moves_on`: the card leaves the screen)."""


# Opens a card in $EDITOR: the card as it is afterwards (None: gone) and what happened.
Editor = Callable[[StoredCard], "tuple[StoredCard | None, str]"]


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
        self._withheld = Withheld()  # explanation sentences that tell a card still to come

    def begin(self) -> None:
        """Open the session record."""
        self.summary.started = self.recorder.begin()
        self._started = self.timer()

    def finish(self, scope: Scope, stopped_by: str = "") -> Summary:
        """Close the session record and fill in the summary."""
        self.summary.ended = self.recorder.finish()
        self.summary.stopped_by = stopped_by
        self.summary.seconds = self.timer() - self._started
        self.summary.close(self.store, self.scheduler.settings, scope, self.clock())
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
        first: list[StoredCard] = []  # asked before anything else (undone, edited)
        try:
            while plan.limit is None or number < plan.limit:
                now = self.clock()
                stored: StoredCard | None = first.pop(0) if first else None
                if stored is None:
                    stored = soonest(learning, now)
                if stored is None and queue:
                    stored = queue.pop(0)  # siblings were settled by the plan (`agenda`)
                if stored is None:
                    stored = soonest(learning, now + learn_ahead)
                if stored is None:
                    for later in self.store.queue.learning_cards(plan.scope, now,
                                                           now + learn_ahead, LEARNING_BATCH):
                        learning.setdefault(later.row, later)
                    stored = soonest(learning, now + learn_ahead)
                if stored is None:
                    break
                learning.pop(stored.row, None)
                number += 1
                waiting = distinct([stored, *first, *queue, *learning.values()])
                if plan.limit is not None:
                    waiting = waiting[:plan.limit - number + 1]
                step = self.ask_and_record(stored, number, len(waiting) - 1, counts(waiting),
                                           upcoming=waiting)
                if step.again:
                    number -= 1 + int(step.after is None and len(step.again) > 1)
                    for card in step.again:
                        learning.pop(card.row, None)
                    first = step.again + [c for c in first
                                          if c.row not in {a.row for a in step.again}]
                if step.after is None:
                    continue
                after = step.after
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
            self._deck_cache[deck] = self.store.queue.cards_in_scope(Scope(module=deck))
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
                       counts: tuple[int, int, int] = (0, 0, 0),
                       upcoming: list[StoredCard] | None = None) -> Step:
        """Ask one card, grade it, get the rating (or carry out the action chosen instead),
        and commit the review with the new state. The screen shows no explanation sentence
        that tells a card of `upcoming` (`Withheld`)."""
        question = self.question_for(stored, number, remaining, counts)
        shown = self.timer()
        response = self.ui.ask(question)
        # the explanation as the verdict shows it (worked out once the question is up: it
        # reads the word stems, which load with the dictionary)
        question = replace(question, stored=self._withheld.shown(stored, upcoming or []))
        known = self.vocabulary(stored.card.deck) \
            if kind_of(stored.card).uses_vocabulary else frozenset()
        verdict = judge(question, response, known)
        uid = new_uid()  # the review's id seeds its fuzz: the keys show what is stored
        # the parameters in force now (`pmquiz optimize` may have saved new ones)
        verdict = replace(verdict, intervals=self.recorder.refresh().preview(
            stored.state, self.clock(), uid))
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
        after = self.record(stored, answer, answered, uid)
        if stop is not None:
            raise stop
        self.ui.saved(rating)
        return Step(after)

    def act(self, action: str, stored: StoredCard) -> Step | None:
        """Carry out an action chosen instead of a rating (see `actions`)."""
        from pmquiz.session.actions import act

        return act(self, action, stored)

    def unrecord(self) -> None:
        """Take the newest answer out of the summary (it was undone)."""
        self.summary.uncount(*self._answers.pop())

    def record(self, stored: StoredCard, answer: Answer, when: datetime,
               uid: str | None = None) -> StoredCard:
        """Commit one answer (through the recorder) and count it in the summary."""
        after = self.recorder.record(stored, answer, when, uid)
        self.summary.count(stored, answer)
        self._answers.append((stored, answer))
        return after


def judge(question: Question, response: str, known: frozenset[str] = frozenset()) -> Verdict:
    """Grade a raw response the way the card's kind grades (basic cards are self-rated, with
    a hint). `known` is the module's vocabulary (see `grading.vocabulary`)."""
    return kind_of(question.card).judge(question, response, known)


