"""Whether a statement is about the course at all: a line through sentence-vector space
fitted between what the course is about (a comparison's cards and sections, and every
worked example) and what it is not (the everyday yardstick and the statement files'
unrelated sentences). The nearest-sentence test (`statement_check`) refuses a sentence whose
topic the yardstick covers; a sentence on a topic it does not cover but worded with a
course word ("She made beeswax candles for the market.") passed it. A fitted line weighs
what sets the course's sentences apart from everyday ones, whatever the topic.

Chosen leave-one-file-out on the twelve statement files up to round 12 (each file's
examples and unrelated sentences out of the fit that scores it; the 13 yardstick sentences
written after rounds 10 and 12 also out for those rounds): a related statement that passed
the nearest-sentence test scored -0.08 or more, an unrelated one -0.37 or less (the candles
-0.72); the least score is set between them. As a test on its own the line was as good as
the nearest-sentence test (2 related statements refused against 5, no unrelated sentence
passing at -0.1), but the two together refuse no related statement the old test kept.
A weighted ridge fit, the classes weighed alike: one 384 x 384 solve a comparison, cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.store.cache import Cache

RIDGE = 0.001  # 0.003 left the gap between the two groups narrower (-0.10 against -0.32)
LEAST = -0.22  # the least score of a statement about the course (midway in the gap)


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
    import numpy as np

    which = hashlib.sha1(name.encode()).hexdigest()
    key = f"topic:{which}:" + hashlib.sha1(
        "\n".join([repr(RIDGE), *texts]).encode()).hexdigest()
    kept = cache.get([key]).get(key)
    if kept is not None and len(kept) == 8 * len(said):
        return score(np.frombuffer(kept, dtype=np.float32), said)
    fitted = fit(*rows())
    cache.drop_prefix(f"topic:{which}:")  # one fit a comparison: a newer one replaces it
    cache.put({key: fitted.tobytes()})
    return score(fitted, said)
