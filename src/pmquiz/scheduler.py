"""FSRS scheduling. The only module that imports `fsrs` (but for `config`, which reads its
parameter bounds to check config.toml).

Elapsed time between reviews is counted in learning days (a day starts at `day_starts_at` in
the learner's time zone), as Anki and pmquiz's own `optimize` and `evaluate` count it, not in
whole 24-hour periods as py-fsrs does: a card reviewed at 20:00 and again the next evening at
19:00 is one day older, not zero. py-fsrs reads the last review only to count those days, so
it is handed a last review exactly that many days before the answer. Reviews on the same
learning day keep FSRS-6's short-term update. Predicted recall (the queue, stats) counts the
same way.

Fuzz is applied here rather than inside py-fsrs, from a seed derived from the review's id,
so replaying the review log gives exactly the stored state (py-fsrs draws from the global
random generator, which a replay cannot reproduce).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from pmquiz.config import Settings
from pmquiz.days import learning_day, local_zone
from pmquiz.model import CardState, Rating, State

if TYPE_CHECKING:
    import fsrs

# Where `pmquiz optimize` keeps fitted parameters (the meta table): a JSON record whose
# text changes with every fit, so it also tells a running session that they changed.
PARAMETERS_KEY = "fsrs_parameters"


def fitted_parameters(record: str | None) -> tuple[float, ...]:
    """The parameters of a stored fit record (empty: none, or unreadable: FSRS defaults)."""
    import json

    if not record:
        return ()
    try:
        return tuple(float(w) for w in json.loads(record)["parameters"])
    except (ValueError, KeyError, TypeError):
        return ()


# Anki's fuzz: the interval may move by a share of itself that shrinks as it grows.
FUZZ_BANDS = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, float("inf"), 0.05))


class Scheduler:
    """Turns a card state and a rating into the next state, with the learner's settings."""

    def __init__(self, settings: Settings):
        import fsrs

        self.settings = settings
        self._zone = local_zone(settings.timezone)
        self._days: dict[int, int] = {}
        options: dict[str, object] = {}
        if settings.parameters:
            options["parameters"] = tuple(settings.parameters)
        self._fsrs = fsrs.Scheduler(
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_deltas(),
            relearning_steps=settings.relearning_deltas(),
            maximum_interval=settings.maximum_interval,
            enable_fuzzing=False,
            **options,  # type: ignore[arg-type]
        )

    def with_parameters(self, parameters: tuple[float, ...]) -> Scheduler:
        """The same settings with other FSRS weights (empty: the defaults)."""
        from dataclasses import replace

        return Scheduler(replace(self.settings, parameters=parameters))

    @property
    def fsrs_model(self) -> fsrs.Scheduler:
        """The py-fsrs scheduler (its interval and stability formulas, for
        `replay_arrays`)."""
        return self._fsrs

    @property
    def parameters(self) -> tuple[float, ...]:
        """The FSRS weights in use."""
        return tuple(self._fsrs.parameters)

    def elapsed_days(self, last: datetime, now: datetime) -> int:
        """Learning days from `last` to `now` (0 on the same learning day)."""
        return max(0, self._day(now) - self._day(last))

    def _day(self, moment: datetime) -> int:
        """The learning day of a moment, as an ordinal. Every UTC offset is a multiple of 15
        minutes, so a learning day never starts inside a quarter hour: one lookup per
        quarter hour is exact (a replay of a long log asks for the same ones again and
        again)."""
        quarter = int(moment.timestamp() // 900)
        found = self._days.get(quarter)
        if found is None:
            found = self._days[quarter] = learning_day(
                moment, self.settings.day_starts_at, self._zone).toordinal()
        return found

    def _to_fsrs(self, state: CardState, now: datetime) -> fsrs.Card:
        import fsrs

        if state.state is State.NEW:
            return fsrs.Card(card_id=1)
        # py-fsrs counts (now - last_review).days: give it the learning days instead.
        anchor = None if state.last_review is None else \
            now - timedelta(days=self.elapsed_days(state.last_review, now))
        return fsrs.Card(card_id=1, state=fsrs.State(int(state.state)), step=state.step,
                         stability=state.stability, difficulty=state.difficulty,
                         due=state.due, last_review=anchor)

    def review(self, state: CardState, rating: Rating, when: datetime, seed: str) -> CardState:
        """The state after answering with `rating` at `when`. Never moves time backwards."""
        import fsrs

        if state.last_review is not None and when < state.last_review:
            when = state.last_review  # the clock went back: treat it as no time passed
        card, _ = self._fsrs.review_card(self._to_fsrs(state, when), fsrs.Rating(int(rating)),
                                         when)
        due = card.due
        if state.state is State.REVIEW and rating is not Rating.AGAIN:
            due = when + timedelta(days=self._review_days(state, when, seed)[rating])
        elif self.settings.fuzz and card.state == fsrs.State.Review:
            due = when + self._fuzzed(due - when, seed)
        lapses = state.lapses + (1 if state.state is State.REVIEW and rating is Rating.AGAIN else 0)
        return CardState(state=State(int(card.state)), step=card.step, stability=card.stability,
                         difficulty=card.difficulty, due=due, last_review=when,
                         reps=state.reps + 1, lapses=lapses)

    def _review_days(self, state: CardState, when: datetime, seed: str) -> dict[Rating, int]:
        """Days until the next review after Hard, Good and Easy on a review card: each
        fuzzed with the same draw, then kept apart as Anki keeps them (Good at least a day
        more than Hard, Easy a day more than Good, all within the maximum interval)."""
        return self._spread(self._review_intervals(state, when), seed)

    def _spread(self, intervals: dict[Rating, timedelta], seed: str) -> dict[Rating, int]:
        """Hard, Good and Easy intervals fuzzed with one draw, then kept a day apart."""
        days: dict[Rating, int] = {}
        for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
            interval = intervals[rating]
            if self.settings.fuzz:
                interval = self._fuzzed(interval, seed)
            days[rating] = max(1, round(interval / timedelta(days=1)))
        top = self.settings.maximum_interval
        days[Rating.GOOD] = min(max(days[Rating.GOOD], days[Rating.HARD] + 1), top)
        days[Rating.EASY] = min(max(days[Rating.EASY], days[Rating.GOOD] + 1), top)
        return days

    FORMULAS = True  # False: every interval through review_card (the equality test's baseline)

    def _review_intervals(self, state: CardState, when: datetime) -> dict[Rating, timedelta]:
        """The interval Hard, Good and Easy give a review card: py-fsrs's own stability and
        interval formulas, called directly (what `review_card` does for a review card,
        without copying the card three times: a replay of a long log spent most of its time
        there). Falls back to `review_card` should a py-fsrs release rename them."""
        import fsrs

        card = self._to_fsrs(state, when)
        model = self._fsrs
        found: dict[Rating, timedelta] = {}
        if self.FORMULAS and card.last_review is not None and card.stability is not None \
                and card.difficulty is not None:
            try:
                same_day = (when - card.last_review).days < 1
                recall = 0.0 if same_day else \
                    float(model.get_card_retrievability(card, current_datetime=when))
                for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
                    grade = fsrs.Rating(int(rating))
                    stability = model._short_term_stability(
                        stability=card.stability, rating=grade) if same_day else \
                        model._next_stability(difficulty=card.difficulty,
                                              stability=card.stability,
                                              retrievability=recall, rating=grade)
                    found[rating] = timedelta(days=model._next_interval(stability=stability))
                return found
            except AttributeError:
                found = {}
        for rating in (Rating.HARD, Rating.GOOD, Rating.EASY):
            after, _ = model.review_card(card, fsrs.Rating(int(rating)), when)
            found[rating] = after.due - when
        return found

    def preview(self, state: CardState, when: datetime, seed: str = "preview"
                ) -> dict[Rating, timedelta]:
        """The interval each rating would give now (for the rating keys); nothing is written.
        With the seed the answer will be recorded under (its review id), each key shows
        exactly what that rating stores, fuzz included."""
        shown: dict[Rating, timedelta] = {}
        for rating in Rating:
            after = self.review(state, rating, when, seed)
            if after.due is not None:
                shown[rating] = max(timedelta(0), after.due - max(when, state.last_review or when))
        return shown

    def _fuzzed(self, interval: timedelta, seed: str) -> timedelta:
        days = interval.days
        if days < 2.5:
            return interval
        low, high = _fuzz_range(days, self.settings.maximum_interval)
        draw = _draw(seed)
        return timedelta(days=min(round(draw * (high - low + 1) + low),
                                  self.settings.maximum_interval))

    def retrievability(self, state: CardState, now: datetime) -> float:
        """Predicted chance of recalling the card now (0 for a card never seen)."""
        if state.state is State.NEW or state.stability is None or state.last_review is None:
            return 0.0
        return float(self._fsrs.get_card_retrievability(self._to_fsrs(state, now), now))

    def replay(self, log: Iterable[tuple[Rating, datetime, str]]) -> CardState:
        """Rebuild a card's state from its reviews (rating, time, review id) in time order."""
        steps = self.replay_steps(log)
        return steps[-1] if steps else CardState()

    def replay_steps(self, log: Iterable[tuple[Rating, datetime, str]]) -> list[CardState]:
        """The state after each review of a card's log, in order."""
        steps: list[CardState] = []
        state = CardState()
        for rating, when, seed in log:
            state = self.review(state, rating, when, seed)
            steps.append(state)
        return steps


@lru_cache(maxsize=4096)
def _fuzz_range(days: int, maximum: int) -> tuple[int, int]:
    """The days an interval of `days` may be fuzzed to (Anki's bands)."""
    delta = 1.0 + sum(factor * max(min(float(days), end) - start, 0.0)
                      for start, end, factor in FUZZ_BANDS)
    high = min(round(days + delta), maximum)
    return min(max(2, round(days - delta)), high), high


@lru_cache(maxsize=1024)
def _draw(seed: str) -> float:
    """The fuzz draw of one answer (its review id): the same for its Hard, Good and Easy
    intervals, so it is made once. A 53-bit fraction of the id's 64-bit BLAKE2b hash:
    uniform, the same on every machine, and cheap enough to redraw for a whole log (seeding
    a Mersenne Twister per review, as before, took 5.7 µs of every review replayed)."""
    return (int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=8).digest(), "big")
            >> 11) * DRAW_UNIT


DRAW_UNIT = 2.0 ** -53  # 53 bits of a hash as a float in [0, 1), exactly


def forgetting_curve_constants(parameters: tuple[float, ...]) -> tuple[float, float]:
    """DECAY and FACTOR of FSRS's power forgetting curve, for computing recall in SQL."""
    decay = -parameters[20] if len(parameters) > 20 else -0.5
    return decay, 0.9 ** (1 / decay) - 1
