"""Memory states (stability, difficulty) of whole review histories at once, from fsrs-rs.

py-fsrs schedules one answer at a time in Python (about 23 µs a review, three times more for
a review card's Hard/Good/Easy previews); fsrs-rs computes the states of every review of
thousands of cards in one call (0.002 s for the 12,580 reviews of the real log in the test
data, against 0.52 s for replaying them through py-fsrs). On that log the two agree on every
review to a relative 1.5e-4 (fsrs-rs computes in 32-bit floats), same-day reviews and
learning steps included (tests/test_memory.py). A history is a card's reviews as (rating,
learning days since the previous review, 0 for the first).

pmquiz stores and evaluates states replayed with py-fsrs's own formulas over arrays
(`pmquiz.replay_arrays`), which change no digit of what an answer stores; this module keeps
fsrs-rs's states beside them, and the test that the two engines agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pmquiz.errors import PmquizError

History = Sequence[tuple[int, int]]


def call_fsrs_rs(what: str, call: Callable[[], Any]) -> Any:
    """Run a fsrs-rs call; its Rust panics arrive as BaseException, turned into an error."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # pyo3 delivers Rust panics as BaseException
        raise PmquizError(f"fsrs-rs could not {what}: {exc}") from None


def memory_states(histories: Sequence[History], parameters: Sequence[float]
                  ) -> list[list[tuple[float, float]]]:
    """For each history, (stability, difficulty) after each of its reviews. A history must
    start on day 0 with ratings 1-4 (fsrs-rs panics otherwise: that is an error here)."""
    import fsrs_rs_python as fsrs_rs

    for number, history in enumerate(histories):
        if not history or history[0][1] != 0 or not all(1 <= r <= 4 for r, _ in history):
            raise PmquizError(f"history {number} cannot be replayed: it must start on day 0 "
                              "with ratings 1-4")
    model = fsrs_rs.FSRS(list(parameters))
    items = [fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(r, d) for r, d in h]) for h in histories]
    found = call_fsrs_rs("compute memory states",
                         lambda: model.historical_memory_state_batch(items))
    return [[(s.stability, s.difficulty) for s in states] for states in found]
