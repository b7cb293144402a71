"""The learner's own log as fitting items over arrays: what `optimize.own_items` makes as one
`Item` per scored review, made here from the (card, time, rating) columns at once, for
`pmquiz optimize` at any size (760k items at 100k cards: a Python object per item and per
history took 6 s before the fit began).

The items are the same, in the same order (tests/test_log_items.py checks each one against
`own_items`): a card's every review at least a learning day after the one before is scored,
with its history up to it; a card stops at a rating outside 1-4; past MAX_CARD_ITEMS scored
reviews a card keeps that many, evenly spaced; items run in (time, card key) order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MAX_CARD_ITEMS = 64  # scored items kept per card (evenly spaced, the last always kept)
Histories = tuple[Any, Any, Any]  # starts, pairs, where: see `optimize.histories`


@dataclass
class LogItems:
    """Scored items as arrays. Card i's reviews (rating, learning days since the one before,
    0 for its first) are `pairs[starts[i]:starts[i+1]]`; item j is the review at
    `pairs[where[j]]` with the card's reviews before it as its history, scored at
    `times[j]`."""

    starts: np.ndarray
    pairs: np.ndarray
    where: np.ndarray
    times: np.ndarray

    def __len__(self) -> int:
        return len(self.where)

    @property
    def made(self) -> Histories:
        """The arrays `optimize.histories` makes from `Item`s, for the evaluations."""
        return self.starts, self.pairs, self.where

    def reviews(self, item: int) -> tuple[tuple[int, int], ...]:
        """Item `item`'s history, its scored review last (`Item.reviews`)."""
        import numpy as np

        end = int(self.where[item]) + 1
        start = int(self.starts[np.searchsorted(self.starts, end - 1, side="right") - 1])
        return tuple((int(r), int(d)) for r, d in self.pairs[start:end].tolist())


def learning_days(times: np.ndarray, day_start_hour: int, zone_name: str) -> np.ndarray:
    """The learning day (an ordinal) of each unix time. Every UTC offset is a multiple of 15
    minutes, so a learning day never starts inside a quarter hour: one lookup per distinct
    quarter hour is exact."""
    import numpy as np

    from pmquiz.days import learning_day, local_zone

    zone = local_zone(zone_name)
    quarters, inverse = np.unique(np.floor_divide(times, 900).astype(np.int64),
                                  return_inverse=True)
    days = np.array([learning_day(datetime.fromtimestamp(q * 900, UTC), day_start_hour,
                                  zone).toordinal() for q in quarters.tolist()],
                    dtype=np.int64)
    found: np.ndarray = days[inverse.reshape(-1)] if len(days) else np.zeros(0, np.int64)
    return found


def log_items(cards: np.ndarray, times: np.ndarray, ratings: np.ndarray,
              day_of: Callable[[np.ndarray], np.ndarray]) -> LogItems:
    """The scored items of a log given card by card, each card's reviews in time order
    (`cards` as integers, ascending; `day_of` gives each time's learning day)."""
    import numpy as np

    n = len(cards)
    if n == 0:
        empty = np.zeros(0, np.int64)
        return LogItems(np.zeros(1, np.int64), np.zeros((0, 2), np.int64), empty,
                        np.zeros(0))
    first = np.ones(n, bool)
    first[1:] = cards[1:] != cards[:-1]
    card_starts = np.flatnonzero(first)
    card_of = np.cumsum(first) - 1  # each review's card number
    day = day_of(times)
    days = np.zeros(n, np.int64)
    days[1:] = np.maximum(0, day[1:] - day[:-1])
    days[first] = 0
    # A card's history stops at a rating fsrs-rs cannot take (no item may hold it).
    bad = (ratings < 1) | (ratings > 4)
    bad_so_far = np.cumsum(bad)
    before_card: np.ndarray = bad_so_far[card_starts] - bad[card_starts]
    kept: np.ndarray = (bad_so_far - before_card[card_of]) == 0
    position = np.arange(n) - card_starts[card_of]
    scored = np.flatnonzero(kept & (position > 0) & (days > 0))
    scored = _spaced(scored, card_of[scored])
    # Cards with an item keep their reviews (up to a bad rating) as the histories.
    with_item = np.zeros(len(card_starts), bool)
    with_item[card_of[scored]] = True
    rows = np.flatnonzero(kept & with_item[card_of])
    new_index = np.full(n, -1, np.int64)
    new_index[rows] = np.arange(len(rows))
    pairs = np.column_stack([ratings[rows], days[rows]]).astype(np.int64)
    starts = np.append(np.flatnonzero(first[rows] if len(rows) else first[:0]),
                       len(rows)).astype(np.int64)
    # Items run in (time, card key) order; card keys are the rows' text, as `own_items`
    # compares them ("10" before "9"), and ties keep the log's order (a stable sort).
    distinct = cards[card_starts]
    as_text = np.array([str(c) for c in distinct.tolist()], dtype=object)
    text_rank = np.empty(len(distinct), np.int64)
    text_rank[np.argsort(as_text, kind="stable")] = np.arange(len(distinct))
    order = np.lexsort((text_rank[card_of[scored]], times[scored]))
    chosen = scored[order]
    return LogItems(starts=starts, pairs=pairs, where=new_index[chosen],
                    times=times[chosen].astype(np.float64))


def _spaced(scored: np.ndarray, card_of: np.ndarray) -> np.ndarray:
    """Scored reviews with each card's cut to MAX_CARD_ITEMS evenly spaced ones (its first
    and last kept), as `optimize._card_items` keeps them."""
    import numpy as np

    bounds = np.flatnonzero(np.diff(card_of)) + 1
    begins = np.concatenate([[0], bounds]).astype(np.int64)
    ends = np.concatenate([bounds, [len(scored)]]).astype(np.int64)
    long = np.flatnonzero(ends - begins > MAX_CARD_ITEMS)
    if not len(long):
        return scored
    keep = np.ones(len(scored), bool)
    for at in long.tolist():
        begin, end = int(begins[at]), int(ends[at])
        last = end - begin - 1
        keep[begin:end] = False
        keep[[begin + round(i * last / (MAX_CARD_ITEMS - 1))
              for i in range(MAX_CARD_ITEMS)]] = True
    found: np.ndarray = scored[keep]
    return found


def fsrs_items(items: LogItems) -> list[Any]:
    """fsrs-rs items, one review object per distinct (rating, days) pair shared by every
    item that holds it, and each card's reviews listed once, each item a slice of them
    (as `optimize._fsrs_items`)."""
    import fsrs_rs_python as fsrs_rs
    import numpy as np

    codes = items.pairs[:, 0] * (1 << 32) + items.pairs[:, 1]
    distinct, inverse = np.unique(codes, return_inverse=True)
    shared = [fsrs_rs.FSRSReview(int(c >> 32), int(c & 0xFFFFFFFF)) for c in distinct.tolist()]
    reviews = [shared[i] for i in inverse.reshape(-1).tolist()]
    listed = [reviews[a:b] for a, b in zip(items.starts[:-1].tolist(),
                                            items.starts[1:].tolist(), strict=True)]
    card = np.searchsorted(items.starts, items.where, side="right") - 1
    length = items.where - items.starts[card] + 1
    return [fsrs_rs.FSRSItem(listed[c][:k]) for c, k in zip(card.tolist(), length.tolist(),
                                                            strict=True)]


def own_log_items(rows: Sequence[np.ndarray], day_start_hour: int, zone_name: str
                  ) -> LogItems:
    """`log_items` of the learner's own log (card, unix time, rating columns), counting
    learning days."""
    cards, times, ratings = rows
    return log_items(cards, times, ratings,
                     lambda t: learning_days(t, day_start_hour, zone_name))


SMALL = 1 << 20  # integers below this are ranked by counting, not by sorting


def distinct_of(values: Any) -> tuple[Any, Any]:
    """`np.unique(values, return_inverse=True)` of integers (the inverse flat): counted in
    one pass when they are small and not negative (elapsed days, counts, bands), where a
    sort of 760k items took a tenth of a second a column."""
    import numpy as np

    values = np.asarray(values)
    if not len(values) or values.dtype.kind not in "iu" or values.min() < 0 or \
            values.max() >= SMALL:
        distinct, inverse = np.unique(values, return_inverse=True)
        return distinct, inverse.reshape(-1)
    present = np.zeros(int(values.max()) + 1, dtype=bool)
    present[values] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[values]
