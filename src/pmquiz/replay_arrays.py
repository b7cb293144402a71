"""Replaying many cards' logs at once over numpy arrays, bit for bit as answering each review
through py-fsrs's `review_card` (`Scheduler.replay_steps`): every card's k-th review is
computed in the same step, so a 1M-review log costs a few hundred array operations instead
of a million Python loops. Rebuilds, merges, repairs, the doctor and the evaluations of
`optimize` replay with it; a single answer is scheduled by `Scheduler.review`.

Exactness, operation by operation:
- `+ - * /`, `min`, `max` and `round` (half to even, `np.rint`) are IEEE operations that
  numpy and Python compute identically when applied in the same order; the formulas below
  keep py-fsrs's order.
- `x ** y` is not: numpy's SIMD `power` differs from the C library's `pow` (which Python
  uses) in the last bit of about one result in twenty on this machine. Every power that
  depends on a card is computed by Python (`_pow`, about 0.2 µs each); those that do not are
  constants computed once, in Python, by py-fsrs's own methods.
- Times are whole microseconds, as `datetime` keeps them: stored unix seconds are rounded
  exactly as `datetime.fromtimestamp` rounds them, and a due date is a sum of microseconds.
- The learning-step machine (`_transition`, py-fsrs's `review_card` state machine) is a
  table made by asking it for each (phase, step, rating), and the fuzz draw is
  `scheduler._draw` of the review's id.
tests/test_replay_arrays.py holds this to `Scheduler.replay_steps`, field for field, on the
real log in two time zones and on generated histories with any steps, fuzz on and off.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from pmquiz.model import CardState, Rating, State

if TYPE_CHECKING:
    from pmquiz.scheduler import Scheduler

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_US = 86_400_000_000
NO_STEP = -1
REVIEW_INTERVAL = -1  # in the step table: the interval comes from the stability


def micros(seconds: np.ndarray) -> np.ndarray:
    """Unix seconds as the microseconds `datetime.fromtimestamp(s, UTC)` keeps (CPython
    splits off the fraction and rounds it half to even)."""
    fraction, whole = np.modf(seconds)
    part = np.rint(fraction * 1e6)
    up = part >= 1e6
    down = part < 0
    part = np.where(up, part - 1e6, np.where(down, part + 1e6, part))
    whole = np.where(up, whole + 1, np.where(down, whole - 1, whole))
    found: np.ndarray = whole.astype(np.int64) * 1_000_000 + part.astype(np.int64)
    return found


def seconds(us: np.ndarray) -> np.ndarray:
    """Microseconds as `datetime.timestamp()` gives them (an exact integer division)."""
    return us.astype(np.float64) / 1e6


def _pow(base: np.ndarray, exponent: float | np.ndarray) -> np.ndarray:
    """`base ** exponent` by Python's (the C library's) pow, element by element."""
    if isinstance(exponent, np.ndarray):
        return np.array([b ** e for b, e in zip(base.tolist(), exponent.tolist(), strict=True)],
                        dtype=np.float64)
    return np.array([b ** exponent for b in base.tolist()], dtype=np.float64)


def _exp_pow(exponent: np.ndarray) -> np.ndarray:
    """`math.e ** exponent` by Python's pow, element by element."""
    e = math.e
    return np.array([e ** x for x in exponent.tolist()], dtype=np.float64)


@dataclass
class Replayed:
    """The state after each review (arrays in the order of the reviews given). `due` is -1
    where it was not asked for (`dues="last"`)."""

    state: np.ndarray
    step: np.ndarray  # NO_STEP for None
    stability: np.ndarray
    difficulty: np.ndarray
    due: np.ndarray  # microseconds
    when: np.ndarray  # microseconds: the review's time, never before the previous one's
    reps: np.ndarray
    lapses: np.ndarray

    def card_state(self, at: int) -> CardState:
        """The state after review `at`, as the scheduler gives it."""
        step = int(self.step[at])
        due = int(self.due[at])
        return CardState(state=State(int(self.state[at])),
                         step=None if step == NO_STEP else step,
                         stability=float(self.stability[at]),
                         difficulty=float(self.difficulty[at]),
                         due=None if due < 0 else EPOCH + timedelta(microseconds=due),
                         last_review=EPOCH + timedelta(microseconds=int(self.when[at])),
                         reps=int(self.reps[at]), lapses=int(self.lapses[at]))


class _Formulas:
    """py-fsrs's memory formulas over arrays, with its constants computed by py-fsrs."""

    def __init__(self, scheduler: Scheduler):
        import fsrs

        model = scheduler.fsrs_model
        self.model = model
        self.p = [float(w) for w in model.parameters]
        self.decay = model._DECAY
        self.factor = model._FACTOR
        grades = [fsrs.Rating(r) for r in range(1, 5)]
        self.initial_s = np.array([0.0, *(model._initial_stability(rating=g) for g in grades)])
        self.initial_d = np.array([0.0, *(model._initial_difficulty(rating=g, clamp=True)
                                          for g in grades)])
        p = self.p
        # the per-rating and constant powers, as py-fsrs writes them
        self.short_gain = np.array([0.0, *(math.e ** (p[17] * (r - 3 + p[18]))
                                           for r in range(1, 5))])
        self.recall_gain = math.e ** p[8]
        self.forget_short = math.e ** (p[17] * p[18])
        self.mean_d = model._initial_difficulty(rating=fsrs.Rating.Easy, clamp=False)
        self.interval_factor = (model.desired_retention ** (1 / self.decay)) - 1
        self.maximum = model.maximum_interval
        from fsrs.scheduler import MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN
        self.min_s, self.min_d, self.max_d = STABILITY_MIN, MIN_DIFFICULTY, MAX_DIFFICULTY

    def recall(self, stability: np.ndarray, elapsed: np.ndarray) -> np.ndarray:
        return _pow(1 + self.factor * elapsed / stability, self.decay)

    def short_term(self, stability: np.ndarray, rating: np.ndarray) -> np.ndarray:
        gain = self.short_gain[rating] * _pow(stability, -self.p[19])
        gain = np.where(rating >= 2, np.maximum(gain, 1.0), gain)
        found: np.ndarray = np.maximum(stability * gain, self.min_s)
        return found

    def after_recall(self, difficulty: np.ndarray, stability: np.ndarray,
                     rating: int, s_power: np.ndarray,
                     r_power: np.ndarray) -> np.ndarray:
        """`_next_recall_stability` for one of Hard, Good, Easy, clamped; `s_power` and
        `r_power` are the card's `stability ** -p9` and `e ** ((1 - recall) * p10)`."""
        p = self.p
        value = self.recall_gain * (11 - difficulty) * s_power * (r_power - 1)
        if rating == 2:
            value = value * p[15]
        elif rating == 4:
            value = value * p[16]
        found: np.ndarray = np.maximum(stability * (1 + value), self.min_s)
        return found

    def after_forget(self, difficulty: np.ndarray, stability: np.ndarray,
                     recall: np.ndarray) -> np.ndarray:
        p = self.p
        long_term = (p[11] * _pow(difficulty, -p[12]) * (_pow(stability + 1, p[13]) - 1)
                     * _exp_pow((1 - recall) * p[14]))
        short_term = stability / self.forget_short
        found: np.ndarray = np.maximum(np.minimum(long_term, short_term), self.min_s)
        return found

    def next_difficulty(self, difficulty: np.ndarray, rating: np.ndarray) -> np.ndarray:
        p = self.p
        delta = -(p[6] * (rating - 3))
        moved = difficulty + (10.0 - difficulty) * delta / 9.0
        return np.clip(p[7] * self.mean_d + (1 - p[7]) * moved, self.min_d, self.max_d)

    def interval(self, stability: np.ndarray) -> np.ndarray:
        """`_next_interval`: whole days."""
        days = np.rint((stability / self.factor) * self.interval_factor)
        found: np.ndarray = np.minimum(np.maximum(days, 1), self.maximum).astype(np.int64)
        return found


class _Steps:
    """The learning-step machine as a table over (phase, step, rating), made by asking
    `_transition` for every entry."""

    def __init__(self, scheduler: Scheduler):
        model = scheduler.fsrs_model
        self.top = max(len(model.learning_steps), len(model.relearning_steps)) + 1
        shape = (4, self.top + 1, 5)
        self.state = np.zeros(shape, dtype=np.int8)
        self.step = np.full(shape, NO_STEP, dtype=np.int64)
        self.delta = np.zeros(shape, dtype=np.int64)
        for phase in (State.LEARNING, State.REVIEW, State.RELEARNING):
            for at in range(self.top + 1):
                for rating in Rating:
                    after, step, interval = _transition(model, phase, at, rating, 1.0)
                    where = (int(phase), at, int(rating))
                    self.state[where] = int(after)
                    self.step[where] = NO_STEP if step is None else step
                    self.delta[where] = REVIEW_INTERVAL if after is State.REVIEW else \
                        interval // timedelta(microseconds=1)


def _fuzzed_days(scheduler: Scheduler, days: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """`Scheduler._fuzzed` of whole-day intervals with their draws (Anki's bands)."""
    from pmquiz.scheduler import FUZZ_BANDS

    top = scheduler.settings.maximum_interval
    whole = days.astype(np.float64)
    spread = np.zeros(len(days))
    for start, end, factor in FUZZ_BANDS:
        spread = spread + factor * np.maximum(np.minimum(whole, end) - start, 0.0)
    delta = 1.0 + spread
    high = np.minimum(np.rint(days + delta), top)
    low = np.minimum(np.maximum(2, np.rint(days - delta)), high)
    fuzzed = np.minimum(np.rint(draws * (high - low + 1) + low), top).astype(np.int64)
    return np.where(days < 2.5, days, fuzzed)


Seeds = Sequence[str] | np.ndarray  # review ids, or their digests (`seed_digests`)


def seed_digests(uids: Iterable[str]) -> bytes:
    """The 8-byte digests the fuzz draws of these review ids come from, one after another
    (`np.frombuffer(..., ">u8")` reads them): what a replay needs of an id, in 8 bytes
    where the id itself takes about 85."""
    import hashlib

    hashed = hashlib.blake2b
    return b"".join([hashed(uid.encode(), digest_size=8).digest() for uid in uids])


def _draws(seeds: Seeds, at: np.ndarray) -> np.ndarray:
    """The fuzz draws of these reviews (`Scheduler._draw` of their ids, hashed together:
    the shift and the scaling by a power of two are exact, so each equals the scalar)."""
    from pmquiz.scheduler import DRAW_UNIT

    if isinstance(seeds, np.ndarray) and seeds.dtype != object:
        digests = seeds[at].astype(np.uint64)
    else:
        digests = np.frombuffer(seed_digests([seeds[i] for i in at.tolist()]), dtype=">u8")
    bits = digests >> np.uint64(11)
    drawn: np.ndarray = bits.astype(np.float64) * DRAW_UNIT
    return drawn


def replay_arrays(scheduler: Scheduler, starts: np.ndarray, ratings: np.ndarray,
                  times: np.ndarray, seeds: Seeds, dues: str = "all") -> Replayed:
    """The state after every review of many cards. Card i's reviews are
    `starts[i]:starts[i+1]` of `ratings`, `times` (unix seconds) and `seeds` (review ids),
    in replay order. `dues="last"` computes each card's due date after its last review only
    (what a check of the stored states needs; the fuzz draws are the slow part)."""
    total = len(ratings)
    lengths = np.diff(starts)
    order = np.argsort(-lengths, kind="stable")
    first = starts[:-1][order].astype(np.int64)
    lengths = lengths[order]
    cards = len(order)
    longest = int(lengths[0]) if cards else 0
    active = np.searchsorted(-lengths, -np.arange(longest), side="left")
    when = micros(np.asarray(times, dtype=np.float64))
    for k in range(1, longest):  # a clock that went back: no time passed
        at = first[:active[k]] + k
        when[at] = np.maximum(when[at], when[at - 1])
    days = _days(scheduler, when)
    out = Replayed(state=np.zeros(total, np.int8), step=np.full(total, NO_STEP),
                   stability=np.zeros(total), difficulty=np.zeros(total),
                   due=np.full(total, -1, np.int64), when=when,
                   reps=np.zeros(total, np.int64), lapses=np.zeros(total, np.int64))
    engine = _Engine(scheduler, seeds, out, days)
    for k in range(longest):
        engine.step(first[:active[k]] + k, ratings[first[:active[k]] + k].astype(np.int64),
                    k, dues == "all" or None, lengths[:active[k]] == k + 1)
    return out


def _days(scheduler: Scheduler, when: np.ndarray) -> np.ndarray:
    """The learning day of each moment: one `Scheduler._day` call per quarter hour (a day
    never starts inside one)."""
    quarters, inverse = np.unique(when // 900_000_000, return_inverse=True)
    known = scheduler._days  # the scheduler's own cache, by quarter hour
    found = np.array([known[q] if q in known else
                      scheduler._day(EPOCH + timedelta(seconds=q * 900))
                      for q in quarters.tolist()], dtype=np.int64)
    return found[inverse.reshape(-1)] if len(quarters) else np.zeros(0, np.int64)


class _Engine:
    """The cards' current states (in the replay's card order) and one step of all of
    them: the k-th review of every card that has one."""

    def __init__(self, scheduler: Scheduler, seeds: Seeds, out: Replayed,
                 days: np.ndarray):
        self.scheduler = scheduler
        self.fuzz = scheduler.settings.fuzz
        self.top = scheduler.settings.maximum_interval
        self.f = _Formulas(scheduler)
        self.table = _Steps(scheduler)
        self.seeds = seeds
        self.out = out
        self.days = days

    def _start(self, count: int) -> None:
        self.s = np.zeros(count)
        self.d = np.zeros(count)
        self.st = np.zeros(count, np.int64)
        self.at = np.zeros(count, np.int64)
        self.last_day = np.zeros(count, np.int64)
        self.reps = np.zeros(count, np.int64)
        self.lapses = np.zeros(count, np.int64)

    def step(self, at: np.ndarray, rating: np.ndarray, k: int, all_dues: bool | None,
             last: np.ndarray) -> None:
        """Answer review `k` of the first `len(at)` cards with `rating`."""
        n = len(at)
        f = self.f
        day = self.days[at]
        if k == 0:
            self._start(n)
            before = np.zeros(n, np.int64)
            elapsed = np.zeros(n, np.int64)
            s, d = f.initial_s[rating], f.initial_d[rating]
            phase, step = np.full(n, int(State.LEARNING)), np.zeros(n, np.int64)
            previews = None
        else:
            before = self.st[:n]
            elapsed = np.maximum(0, day - self.last_day[:n])
            s, previews = _stability(f, self.s[:n], self.d[:n], elapsed, rating,
                                          before == int(State.REVIEW))
            d = f.next_difficulty(self.d[:n], rating)
            phase = before
            step = np.minimum(np.where(self.at[:n] == NO_STEP, 0, self.at[:n]),
                              self.table.top)
        after = self.table.state[phase, step, rating]
        next_step = self.table.step[phase, step, rating]
        delta = self.table.delta[phase, step, rating]
        to_review = delta == REVIEW_INTERVAL
        interval = f.interval(s)
        when = self.out.when[at]
        wanted = np.ones(n, bool) if all_dues else last
        due = when + np.where(to_review, interval * DAY_US, delta)
        spread = wanted & (before == int(State.REVIEW)) & (rating != int(Rating.AGAIN))
        if spread.any() and previews is not None:
            due[spread] = when[spread] + self._spread(previews, spread, at, rating) * DAY_US
        entering = wanted & ~spread & to_review & (interval >= 3) if self.fuzz else \
            np.zeros(n, bool)
        if entering.any():
            draws = _draws(self.seeds, at[entering])
            due[entering] = when[entering] + _fuzzed_days(
                self.scheduler, interval[entering], draws) * DAY_US
        self.reps[:n] += 1
        self.lapses[:n] += (before == int(State.REVIEW)) & (rating == int(Rating.AGAIN))
        self.s[:n], self.d[:n], self.st[:n], self.at[:n] = s, d, after, next_step
        self.last_day[:n] = day
        out = self.out
        out.state[at], out.step[at], out.stability[at], out.difficulty[at] = \
            after, next_step, s, d
        out.due[at] = np.where(wanted, due, -1)
        out.reps[at], out.lapses[at] = self.reps[:n], self.lapses[:n]

    def _spread(self, previews: dict[int, np.ndarray], spread: np.ndarray, at: np.ndarray,
                rating: np.ndarray) -> np.ndarray:
        """`Scheduler._spread`: the days of the rating given, after fuzzing Hard, Good and
        Easy with one draw and keeping them a day apart."""
        f = self.f
        days = {r: f.interval(previews[r][spread]) for r in (2, 3, 4)}
        if self.fuzz:
            needs = (days[2] >= 3) | (days[3] >= 3) | (days[4] >= 3)
            draws = np.zeros(int(spread.sum()))
            if needs.any():
                draws[needs] = _draws(self.seeds, at[spread][needs])
            days = {r: _fuzzed_days(self.scheduler, v, draws) for r, v in days.items()}
        days = {r: np.maximum(1, v) for r, v in days.items()}
        days[3] = np.minimum(np.maximum(days[3], days[2] + 1), self.top)
        days[4] = np.minimum(np.maximum(days[4], days[3] + 1), self.top)
        given = rating[spread]
        return np.where(given == 2, days[2], np.where(given == 3, days[3], days[4]))


def _stability(f: _Formulas, s: np.ndarray, d: np.ndarray, elapsed: np.ndarray,
               rating: np.ndarray, review: np.ndarray
               ) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """The stability after each rating (`replay._memory`), and for review cards the
    stability Hard, Good and Easy would give (`Scheduler._review_intervals`), each as a
    full-length array (zero where not computed)."""
    found = np.zeros(len(s))
    short = elapsed < 1
    if short.any():
        found[short] = f.short_term(s[short], rating[short])
    previews = {r: np.zeros(len(s)) for r in (2, 3, 4)}
    asks = review & (rating != 1)  # a review card's Hard/Good/Easy preview
    short_asks = asks & short
    for r in (2, 3, 4):
        if short_asks.any():
            previews[r][short_asks] = f.short_term(
                s[short_asks], np.full(int(short_asks.sum()), r))
    far = ~short
    if far.any():
        recall = f.recall(s[far], elapsed[far])
        sf, df = s[far], d[far]
        again = rating[far] == 1
        result = np.zeros(len(sf))
        if again.any():
            result[again] = f.after_forget(df[again], sf[again], recall[again])
        kept = ~again
        if kept.any():
            s_power = _pow(sf[kept], -f.p[9])
            r_power = _exp_pow((1 - recall[kept]) * f.p[10])
            rk = rating[far][kept]
            for r in (2, 3, 4):
                value = f.after_recall(df[kept], sf[kept], r, s_power, r_power)
                chosen = np.zeros(len(sf), bool)
                chosen[np.flatnonzero(kept)] = rk == r
                result[chosen] = value[rk == r]
                spot = np.zeros(len(s), bool)
                spot[np.flatnonzero(far)[np.flatnonzero(kept)]] = True
                previews[r][spot] = value
        found[far] = result
    return found, previews


def memory_arrays(scheduler: Scheduler, starts: np.ndarray, ratings: np.ndarray,
                  elapsed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Stability and difficulty after each review of many histories, as py-fsrs computes
    them: card i's reviews are `starts[i]:starts[i+1]` of `ratings` and `elapsed` (learning
    days since the card's previous review; the first is ignored). For `evaluate` and
    `optimize`, which need memory states but no learning steps or due dates."""
    f = _Formulas(scheduler)
    total = len(ratings)
    lengths = np.diff(starts)
    order = np.argsort(-lengths, kind="stable")
    first = starts[:-1][order].astype(np.int64)
    lengths = lengths[order]
    longest = int(lengths[0]) if len(lengths) else 0
    active = np.searchsorted(-lengths, -np.arange(longest), side="left")
    stability, difficulty = np.zeros(total), np.zeros(total)
    no_review = np.zeros(int(active[0]) if longest else 0, bool)
    for k in range(longest):
        at = first[:active[k]] + k
        rating = ratings[at].astype(np.int64)
        if k == 0:
            stability[at], difficulty[at] = f.initial_s[rating], f.initial_d[rating]
            continue
        before_s, before_d = stability[at - 1], difficulty[at - 1]
        stability[at] = _stability(f, before_s, before_d, elapsed[at].astype(np.int64),
                                   rating, no_review[:len(at)])[0]
        difficulty[at] = f.next_difficulty(before_d, rating)
    return stability, difficulty


def _transition(model: Any, phase: State, step: int | None, rating: Rating,
                stability: float) -> tuple[State, int | None, timedelta]:
    """py-fsrs's state machine (review_card): the state, step and interval after a rating."""
    def review() -> tuple[State, int | None, timedelta]:
        return State.REVIEW, None, timedelta(days=model._next_interval(stability=stability))

    if phase is State.REVIEW:
        relearning = model.relearning_steps
        if rating is Rating.AGAIN and relearning:
            return State.RELEARNING, 0, relearning[0]
        return review()
    steps = model.learning_steps if phase is State.LEARNING else model.relearning_steps
    at = step or 0
    if not steps or (at >= len(steps) and rating is not Rating.AGAIN):
        return review()
    if rating is Rating.AGAIN:
        return phase, 0, steps[0]
    if rating is Rating.HARD:
        if at == 0 and len(steps) == 1:
            return phase, at, steps[0] * 1.5
        if at == 0:
            return phase, at, (steps[0] + steps[1]) / 2.0
        return phase, at, steps[at]
    if rating is Rating.GOOD:
        if at + 1 == len(steps):
            return review()
        return phase, at + 1, steps[at + 1]
    return review()
