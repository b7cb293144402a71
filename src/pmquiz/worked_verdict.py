"""A comparison's verdict learnt from its worked examples: a ridge regression from sentence
vectors to categories, fitted on the comparison's evidence (its cards, their course
sections) and its worked examples (`check_examples`) when a check first needs it, then kept
in the cache. The average direction of each
category weighs every dimension alike; the fit finds the few that tell the categories apart
("who decides" against "when it is due"), which averages of everyday-sounding sentences blur.

Chosen leave-one-file-out on held-out rounds 5 to 8 (each scored with its own statements
left out of the examples): right / wrong per 100 went from 92/5, 92/2, 89/1, 89/3 with the
average direction to 96/1, 98/0, 94/0, 88/0 with RIDGE = 0.1 and a least lead of 0.2 (0.3:
93/1, 94/0, 91/0, 85/0; RIDGE 1.0: 78/0 to 81/0); the lead was lowered after round 11.
A closed-form solve of one 384 x 384 system per comparison, a few milliseconds."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from pmquiz.store.cache import Cache

RIDGE = 0.1  # the penalty on the weights: smaller follows the examples more closely
# The least lead of the first category's score over the second's for a verdict: 0.2 until
# round 11; then, leave-one-file-out on the ten statement files up to round 11 (each scored
# without its own examples, all the others among them), right / wrong per file at 0.2 ->
# 0.15: tuning 25/1 -> 26/1 of 30, first set 84/2 -> 84/2 of 90, round 4 87/0 -> 89/0 of
# 96, rounds 5 to 11 of 100: 94/1 -> 97/1, 96/1 -> 98/1, 95/0 -> 96/0, 98/0 -> 98/0,
# 96/0 -> 96/0, 93/0 -> 94/0, 87/2 -> 90/3 (0.1: 13 more right and 3 more wrong over the ten).
# Lowered to 0.08 after rounds 14 to 16 joined the examples: leave-one-file-out on the 15
# files up to round 16 (1,416 statements), right / wrong 1,350 / 8 at 0.15, 1,362 / 11 at
# 0.1, 1,370 / 13 at 0.08, 1,372 / 17 at 0.05: about four right for each wrong down to
# 0.08, one for one below it (round 15 alone: 88/2 at 0.15, 94/2 at 0.08). Rounds 17 and 18
# were written before this and run once after.
MARGIN = 0.08
# The leads from which a verdict is "sure" / "fairly sure", set by hand. Measured after
# round 14 (every statement file leave-one-file-out, 1,161 verdicts): sure 976 right and 1
# wrong, fairly sure 105 and 2, leaning 74 and 3: wrong 0.1, 1.9 and 3.9 % of the time
# (`python bench/course_line.py --confidence`).
SURE = (0.5, 0.35)
# A statement the course's cards and sections find unrelated (its nearest no closer than
# its nearest everyday sentence) is about the comparison when its nearest worked example is
# this much closer than that everyday sentence. Chosen leave-one-file-out on the statement
# files up to round 9 (716 statements, 97 unrelated sentences checked in every comparison):
# the nearest example of an unrelated sentence was at most 0.013 closer; 8 of the 10
# statements refused as unrelated were 0.02 or more closer, each with the right verdict.
EXAMPLES_RELATED = 0.02


def fit(rows: np.ndarray, named: list[str], categories: tuple[str, ...]
        ) -> np.ndarray | None:
    """The fit of `rows` (unit rows) to their categories `named`, as one array: the rows'
    centre, then a column of weights a category; None when a category has no row."""
    import numpy as np

    labels = np.array(named)
    if len(categories) < 2 or any(not (labels == c).any() for c in categories):
        return None
    centre = rows.mean(axis=0)
    centred = (rows - centre).astype(np.float64)
    # one column a category: 1 - 1/k for its own rows, -1/k for the others'
    targets = (labels[:, None] == np.array(categories)[None, :]).astype(np.float64) \
        - 1.0 / len(categories)
    weights = np.linalg.solve(centred.T @ centred + RIDGE * np.eye(rows.shape[1]),
                              centred.T @ targets)
    return np.concatenate([centre, weights.T.ravel()]).astype(np.float32)


def scores_of(fitted: np.ndarray, categories: tuple[str, ...], said: np.ndarray
              ) -> dict[str, float]:
    """Each category's score for the statement `said` (a unit row) by a `fit`."""
    dim = len(said)
    centre, weights = fitted[:dim], fitted[dim:].reshape(len(categories), dim)
    found = weights @ (said - centre)
    return {c: float(found[i]) for i, c in enumerate(categories)}


def kept_fit(cache: Cache, kind: str, name: str, made_from: bytes, size: int,
             make: Callable[[], np.ndarray | None]) -> np.ndarray | None:
    """A fit of `size` float32 values kept in the cache under `kind`, `name` and a hash of
    what it is `made_from`; made by `make` (None: nothing to fit) when the cache has none.
    One fit a name: a newer one replaces the older."""
    import numpy as np

    which = hashlib.sha1(name.encode()).hexdigest()
    key = f"{kind}:{which}:" + hashlib.sha1(made_from).hexdigest()
    kept = cache.get([key]).get(key)
    if kept is not None and len(kept) == 4 * size:
        return np.frombuffer(kept, dtype=np.float32)
    fitted = make()
    if fitted is not None:
        cache.drop_prefix(f"{kind}:{which}:")
        cache.put({key: fitted.astype(np.float32).tobytes()})
    return fitted


def cached_scores(cache: Cache, name: str, rows: np.ndarray, named: list[str],
                  categories: tuple[str, ...], said: np.ndarray) -> dict[str, float] | None:
    """Each category's score for `said` by the `fit` of comparison `name`'s rows (None:
    nothing to fit), the fit kept in the cache under its rows: a solve of about 10 ms a
    comparison, a third of a warm check, is made once."""
    fitted = kept_fit(cache, "fit", name, rows.tobytes() + "\n".join(
        [*named, "", *categories]).encode(), len(said) * (len(categories) + 1),
        lambda: fit(rows, named, categories))
    return None if fitted is None else scores_of(fitted, categories, said)
