"""Whether a statement is about the course at all: a line through sentence-vector space
fitted between what the course is about (a comparison's cards and sections, and every
worked example) and what it is not (the everyday yardstick and the statement files'
unrelated sentences). The nearest-sentence test (`statement_check`) refuses a sentence whose
topic the yardstick covers; a sentence on a topic it does not cover but worded with a
course word ("She made beeswax candles for the market.") passed it. A fitted line weighs
what sets the course's sentences apart from everyday ones, whatever the topic.

Chosen leave-one-file-out (each file's examples and unrelated sentences out of the fit
that scores it; the 13 yardstick sentences written after rounds 10 and 12 also out for
rounds 10 to 13), counting only statements the nearest-sentence test lets through:
- on the twelve files up to round 12, related statements scored -0.08 or more and
  unrelated ones -0.37 or less (the candles -0.72): the least score was -0.22, midway;
- round 13's first run then gave one unrelated sentence a verdict in three comparisons
  ("Calligraphy takes a steady hand and good ink.", -0.19). On the thirteen files up to
  round 13: related statements -0.091 or more, unrelated ones -0.184 or less: the least
  score is now -0.14, midway (penalty 0.003: -0.092 and -0.167; 0.0003: -0.108 and -0.169).
`python bench/course_line.py` prints these figures. On the fifteen files up to round 16 the
same: a gap from -0.183 (unrelated) to -0.1 (related), one greenhouse statement aside.
Since round 19 the line judges every comparison, also one without worked examples (a page
compiled by the learner): its own cards beside every worked example on the course's side.
There it is less clean: over the six comparisons the held-out pages compile to, one
unrelated sentence ("I pay the electricity bill at the start of each month.") scores -0.03
in leading vs lagging indicators, and three related statements score -0.26 or less.
As a test on its own the line did about as well as the nearest-sentence test; the two
together refuse no related statement the old test kept.
A weighted ridge fit, the classes weighed alike: one 384 x 384 solve a comparison, cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.store.cache import Cache

RIDGE = 0.001  # the penalty on the line's weights (see above for 0.003 and 0.0003)
LEAST = -0.14  # the least score of a statement about the course (midway in the gap)


def fit(about: np.ndarray, not_about: np.ndarray) -> np.ndarray:
    """The line between two groups of unit rows, as one array: the centre, then weights."""
    import numpy as np

    rows = np.vstack([about, not_about]).astype(np.float64)
    target = np.r_[np.ones(len(about)), -np.ones(len(not_about))]
    weight = np.r_[np.full(len(about), 0.5 / len(about)),
                   np.full(len(not_about), 0.5 / len(not_about))]
    centre = weight @ rows
    centred = rows - centre
    weighted = centred * weight[:, None]
    line = np.linalg.solve(weighted.T @ centred + RIDGE * np.eye(rows.shape[1]),
                           weighted.T @ target)
    return np.concatenate([centre, line]).astype(np.float32)


def score(fitted: np.ndarray, said: np.ndarray) -> float:
    """How far the statement `said` (a unit row) lies on the course's side of a `fit`."""
    dim = len(said)
    return float((said - fitted[:dim]) @ fitted[dim:])


def cached_score(cache: Cache, name: str, texts: list[str],
                 rows: Callable[[], tuple[np.ndarray, np.ndarray]], said: np.ndarray
                 ) -> float:
    """The statement's `score` by comparison `name`'s fit, made from `rows()` (about, not
    about) when the cache has no fit for these `texts` (the rows' texts: the same texts give
    the same vectors, and hashing them spares reading a thousand vectors a check)."""
    from pmquiz.worked_verdict import kept_fit

    fitted = kept_fit(cache, "topic", name, "\n".join([repr(RIDGE), *texts]).encode(),
                      2 * len(said), lambda: fit(*rows()))
    assert fitted is not None  # a line can always be fitted
    return score(fitted, said)
