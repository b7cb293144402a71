"""One answer = one transaction. The study loop and the classify drill both record through a
`Recorder`, which tests can build without any UI.

An answer is scheduled from the card's state as it is in the database at that moment, read
inside the answer's own `BEGIN IMMEDIATE` transaction, never from the state a session loaded
when it began: two sessions, a drill and an import can run on one home at once and the stored
states still equal a replay of the log.
"""

from __future__ import annotations

import signal
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from pmquiz.model import Answer, CardState, StoredCard
from pmquiz.scheduler import PARAMETERS_KEY, Scheduler, fitted_parameters
from pmquiz.store import ReviewRecord, Store

Clock = Callable[[], datetime]


class Recorder:
    """Opens a session record, commits answers, closes the session record."""

    def __init__(self, store: Store, scheduler: Scheduler, clock: Clock, mode: str = "study"):
        self.store = store
        self.scheduler = scheduler
        self.clock = clock
        self.mode = mode
        self.session: int | None = None
        self.recorded: list[tuple[StoredCard, str]] = []  # (card before, review uid), in order
        self._fit = store.meta.get(PARAMETERS_KEY)  # the fit record the scheduler began with

    def refresh(self) -> Scheduler:
        """The scheduler with the parameters in force now: when `pmquiz optimize` saved new
        ones since this session began (the fit record changed), and the session was using
        the fitted ones (not config.toml's), it schedules with the new ones from here on.
        Called inside each answer's transaction, so an answer never uses parameters older
        than the states it reads."""
        record = self.store.meta.get(PARAMETERS_KEY)
        if record != self._fit:
            if tuple(self.scheduler.settings.parameters) == fitted_parameters(self._fit):
                self.scheduler = self.scheduler.with_parameters(fitted_parameters(record))
            self._fit = record
        return self.scheduler

    def begin(self) -> datetime:
        """Open the session record; returns when it began."""
        now = self.clock()
        self.session = self.store.log.start_session(uuid.uuid4().hex, self.mode, now)
        return now

    def finish(self) -> datetime:
        """Close the session record; returns when it ended."""
        now = self.clock()
        if self.session is not None:
            self.store.log.end_session(self.session, now)
        return now

    def current(self, stored: StoredCard) -> StoredCard:
        """The card as the database has it now (another session may have answered it)."""
        return self.store.queue.stored_card(stored.row)

    def record(self, stored: StoredCard, answer: Answer, when: datetime,
               uid: str | None = None) -> StoredCard:
        """Schedule and store one answer in one transaction; the card as it is afterwards.
        `uid` is the review's id, which seeds its fuzz: the one the rating keys were
        previewed with (`new_uid`)."""
        uid = uid or new_uid()

        def schedule(current: CardState) -> tuple[CardState, ReviewRecord]:
            moment = when
            last = current.last_review
            if last is not None and moment <= last:
                # Keep each card's reviews strictly ordered in time (a frozen or backward
                # clock), so replaying the log meets them in the order they were given.
                moment = last + timedelta(milliseconds=1)
            after = self.refresh().review(current, answer.rating, moment, uid)
            return after, ReviewRecord(
                uid=uid, time=moment, rating=answer.rating, duration_ms=answer.duration_ms,
                answer=answer.response, correct=answer.correct, grade=answer.grade,
                mode=self.mode, override=answer.override)

        with interrupts_deferred():
            after = self.store.log.record_answer(stored.row, schedule, self.session)
        self.recorded.append((stored, uid))
        return StoredCard(row=stored.row, card=stored.card, phase_number=stored.phase_number,
                          module_title=stored.module_title, state=after)


    def undo_last(self) -> StoredCard | None:
        """Take back this session's newest answer: its review is deleted and the card's
        state rebuilt from the rest of its log. The card as it is again, or None when this
        session has recorded nothing (or its answer is already gone)."""
        while self.recorded:
            stored, uid = self.recorded.pop()
            review = self.store.log.review_id(uid)
            if review is None:
                continue  # undone elsewhere (`pmquiz undo` in another terminal)
            with interrupts_deferred():
                state = self.store.log.undo(review, self.refresh().replay)
            return StoredCard(row=stored.row, card=stored.card,
                              phase_number=stored.phase_number,
                              module_title=stored.module_title, state=state)
        return None


def new_uid() -> str:
    """A fresh review id."""
    return uuid.uuid4().hex


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C while an answer is being committed, then deliver it: an answer given is
    never lost to a badly timed Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *args: pending.append(args))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt
