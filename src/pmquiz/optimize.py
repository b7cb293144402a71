"""Personal FSRS parameters and how well they predict recall, without torch (fsrs-rs-python).

Training items follow fsrs-rs and Anki: for each card, in time order, every review after the
first that comes at least a day after the one before is one item (its history is every
earlier review of the card, same-day ones included); a card with more than MAX_CARD_ITEMS
such reviews keeps that many, evenly spaced. Days are learning days (the configured
day start and zone) for the learner's own log, and 24-hour periods for a CSV without zone.

Metrics, as srs-benchmark computes them:
- log loss: mean binary cross-entropy of predicted recall against passed (rating > 1); on all
  history it is weighted towards recent items as fsrs-rs and Anki weight it
  (0.25 + 0.75·(i/(n-1))³), and also given unweighted;
- RMSE(bins): items binned by elapsed days, review count and lapse count (fsrs-rs's bins);
  the weighted root mean square gap between mean prediction and mean outcome per bin;
- AUC: the chance a passed item is predicted higher than a failed one;
- 5-fold time-series split: items in time order cut into 6 segments; fold k fits on segments
  0..k and scores segment k+1 (constant weights), as fsrs-rs's evaluate_with_time_series_splits.
"""

from __future__ import annotations

import csv
import itertools
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pmquiz.errors import ImportFormatError
from pmquiz.log_items import MAX_CARD_ITEMS, Histories, LogItems, distinct_of, fsrs_items
from pmquiz.memory import call_fsrs_rs

MIN_ITEMS = 100
SPLITS = 5


@dataclass(frozen=True, slots=True)
class Item:
    """One scored review with the card's history: (rating, days since previous) pairs."""

    time: float
    card: str
    reviews: tuple[tuple[int, int], ...]

    @property
    def passed(self) -> float:
        """1.0 when the scored review was not Again."""
        return 1.0 if self.reviews[-1][0] > 1 else 0.0

    def bin(self) -> tuple[int, int, int]:
        """fsrs-rs's RMSE bin: elapsed days, long-term review count, lapses."""
        long_term = sum(1 for _, days in self.reviews if days > 0)
        lapses = sum(1 for rating, days in self.reviews[:-1] if rating == 1 and days > 0)
        return elapsed_band(self.reviews[-1][1]), length_band(long_term), lapse_band(lapses)


def elapsed_band(elapsed: int) -> int:
    """fsrs-rs's bin of elapsed days."""
    return round(2.48 * 3.62 ** math.floor(math.log(elapsed, 3.62)) * 100)


def length_band(long_term: int) -> int:
    """fsrs-rs's bin of the count of reviews a day or more apart."""
    return round(1.99 * 1.89 ** math.floor(math.log(long_term + 1, 1.89)))


def lapse_band(lapses: int) -> int:
    """fsrs-rs's bin of lapses."""
    return 0 if lapses == 0 else round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73)))


@dataclass(frozen=True)
class Metrics:
    """How well predictions matched outcomes."""

    log_loss: float
    log_loss_unweighted: float
    rmse_bins: float
    rmse_bins_unweighted: float
    auc: float | None
    items: int

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return asdict(self)


Review = tuple[str, float, int]  # card, unix time, rating


def items_from(reviews: Iterable[Review], days_between: Callable[[float, float], int],
               grouped: bool = False) -> list[Item]:
    """Scored items in time order (see the module docstring). `grouped`: the reviews come
    card by card in time order (the learner's own log), so each card's items are made as
    its reviews go by and the log is never held whole."""
    items: list[Item] = []
    if grouped:
        for card, rows in itertools.groupby(reviews, key=lambda r: r[0]):
            items += _card_items(card, [(when, rating) for _, when, rating in rows],
                                 days_between)
    else:
        by_card: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for card, when, rating in reviews:
            by_card[card].append((when, rating))
        for card, times in by_card.items():
            times.sort()
            items += _card_items(card, times, days_between)
    items.sort(key=operator.attrgetter("time", "card"))
    return items



def _card_items(card: str, log: list[tuple[float, int]],
                days_between: Callable[[float, float], int]) -> list[Item]:
    """One card's scored items: every review at least a day after the one before, with the
    history up to it. An item holds its card's whole history up to it, so a card reviewed
    n times makes items of n²/2 reviews in all (fsrs-rs copies each): past MAX_CARD_ITEMS
    of them, evenly spaced ones are kept (300k reviews over 76 cards made 600M before)."""
    history: list[tuple[int, int]] = []
    scored: list[tuple[float, int]] = []  # (time, history length) of each scored review
    previous: float | None = None
    for when, rating in log:
        days = 0 if previous is None else max(0, days_between(previous, when))
        history.append((rating, days))
        previous = when
        if not 1 <= rating <= 4:
            break  # fsrs-rs panics on such a rating: no item may hold it
        if len(history) > 1 and days > 0:
            scored.append((when, len(history)))
    if len(scored) > MAX_CARD_ITEMS:
        last = len(scored) - 1
        scored = [scored[round(i * last / (MAX_CARD_ITEMS - 1))] for i in range(MAX_CARD_ITEMS)]
    return [Item(when, card, tuple(history[:length])) for when, length in scored]


def twenty_four_hour_days(earlier: float, later: float) -> int:
    """Whole 24-hour periods between two unix times (for logs without a time zone)."""
    return int((later - earlier) // 86400)


def _fsrs_items(items: Sequence[Item]) -> list[Any]:
    """fsrs-rs items; one review object per distinct (rating, days) pair, shared by every
    item that holds it (fsrs-rs copies them into its own memory), so a million items do not
    make five million Python objects. A card's reviews are listed once, from its longest
    history; each item takes a slice of them."""
    import fsrs_rs_python as fsrs_rs

    shared: dict[tuple[int, int], Any] = {}

    def review(pair: tuple[int, int]) -> Any:
        found = shared.get(pair)
        if found is None:
            found = shared[pair] = fsrs_rs.FSRSReview(*pair)
        return found

    longest: dict[str, tuple[tuple[int, int], ...]] = {}
    for item in items:
        if len(item.reviews) > len(longest.get(item.card, ())):
            longest[item.card] = item.reviews
    listed = {card: [review(pair) for pair in history] for card, history in longest.items()}
    return [fsrs_rs.FSRSItem(listed[item.card][:len(item.reviews)]) for item in items]


def default_parameters() -> list[float]:
    """FSRS-6 default weights."""
    import fsrs_rs_python as fsrs_rs

    return list(fsrs_rs.DEFAULT_PARAMETERS)


def histories(items: Sequence[Item]) -> Histories:
    """Each card's longest history as flat arrays (every item's history is a prefix of its
    card's): the cards' starts, the (rating, days) pairs, and where each item's scored
    review is among them. Made once for both evaluations of an `optimize`."""
    import numpy as np

    longest: dict[str, tuple[tuple[int, int], ...]] = {}
    for item in items:
        if len(item.reviews) > len(longest.get(item.card, ())):
            longest[item.card] = item.reviews
    offset: dict[str, int] = {}
    at = 0
    for card, history in longest.items():
        offset[card] = at
        at += len(history)
    chain = itertools.chain.from_iterable
    pairs = np.fromiter(chain(chain(longest.values())), dtype=np.int64,
                        count=2 * at).reshape(-1, 2)
    starts = np.array([*offset.values(), at], dtype=np.int64)
    where = np.fromiter((offset[item.card] + len(item.reviews) - 1 for item in items),
                        dtype=np.int64, count=len(items))
    return starts, pairs, where


def bin_cells(items: Sized, made: Histories | None = None) -> Any:
    """`Item.bin` of every item, as rows of an array: the counts from running sums over the
    histories, each band once per distinct count."""
    import numpy as np

    starts, pairs, where = made or histories(items)  # type: ignore[arg-type]
    if not len(items):
        return np.zeros((0, 3), np.int64)
    long_term = np.cumsum(pairs[:, 1] > 0)
    lapsed = np.cumsum((pairs[:, 0] == 1) & (pairs[:, 1] > 0))
    first = starts[np.searchsorted(starts, where, side="right") - 1]
    before = np.maximum(first - 1, 0)
    counted = first > 0  # running sums just before the card's first review (0 for the first)
    long_terms = long_term[where] - np.where(counted, long_term[before], 0)
    lapses = lapsed[where - 1] - np.where(counted, lapsed[before], 0)

    def banded(values: Any, band: Callable[[int], int]) -> Any:
        distinct, inverse = distinct_of(values)
        return np.array([band(v) for v in distinct.tolist()], dtype=np.int64)[inverse]

    return np.column_stack([banded(pairs[where, 1], elapsed_band),
                            banded(long_terms, length_band), banded(lapses, lapse_band)])


def predictions(items: Sized, parameters: Sequence[float],
                made: Histories | None = None) -> Any:
    """Predicted recall for each item (an array: at 760k items, a list of floats took 24 MB
    more): the memory state after its history, then the power forgetting curve at the
    item's elapsed days. Each card's longest history is replayed once, every card at a time
    over arrays (`replay_arrays.memory_arrays`); an item's history is a prefix of it."""
    import numpy as np

    from pmquiz.config import Settings
    from pmquiz.replay_arrays import memory_arrays
    from pmquiz.scheduler import Scheduler

    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    starts, pairs, where = made or histories(items)  # type: ignore[arg-type]
    scheduler = Scheduler(Settings(parameters=tuple(parameters)))
    stabilities, _ = memory_arrays(scheduler, starts, pairs[:, 0], pairs[:, 1])
    elapsed = pairs[where, 1].astype(np.float64)
    recall = (1 + factor * elapsed / stabilities[where - 1]) ** decay
    return np.clip(recall, 1e-6, 1 - 1e-6)


def recency_weights(count: int) -> Any:
    """fsrs-rs's evaluation weights: later items count more (an array)."""
    import numpy as np

    span = max(1, count - 1)
    return 0.25 + 0.75 * (np.arange(count, dtype=np.float64) / span) ** 3


def auc(scores: Sequence[float] | Any, labels: Sequence[float] | Any) -> float | None:
    """Area under the ROC curve by ranks (ties share their mean rank)."""
    import numpy as np

    found = np.asarray(scores, dtype=np.float64)
    passed = np.asarray(labels, dtype=np.float64) > 0.5
    positives = int(passed.sum())
    negatives = len(found) - positives
    if not positives or not negatives:
        return None
    order = np.argsort(found, kind="stable")  # one sort (np.unique's inverse took more)
    ranked = found[order]
    starts = np.ones(len(ranked), dtype=bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    group = np.cumsum(starts) - 1  # each sorted score's number among the distinct ones
    counts = np.bincount(group)
    last = np.cumsum(counts)  # 1-based rank of each distinct score's last occurrence
    mean_rank = last - (counts - 1) / 2
    # ranks are halves of integers: their sum is exact in any order
    rank_sum = float(mean_rank[group][passed[order]].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def cell_numbers(bins: Any) -> Any:
    """Each row's number among the distinct rows of `bins` in sorted order, as
    `np.unique(bins, axis=0, return_inverse=True)` numbers them, from one key per row made
    of the three columns' ranks (0.6 s a call at 760k items the other way)."""
    import numpy as np

    key = np.zeros(len(bins), dtype=np.int64)
    for column in range(bins.shape[1]):
        distinct, rank = distinct_of(bins[:, column])
        key = key * len(distinct) + rank
    return distinct_of(key)[1]


def metrics(items: Sized, predicted: Sequence[float] | Any,
            weights: Sequence[float], made: Histories | None = None,
            cells: Any = None) -> Metrics:
    """Log loss (weighted and not), RMSE(bins) and AUC, over arrays (760k items at 100k
    cards: a second, where a loop over them took eight). `cells`: each item's bin number
    (`cell_numbers`), when already made for these items."""
    import numpy as np

    p = np.asarray(predicted, dtype=np.float64)
    if made is not None:  # `Item.passed` of every item, from the arrays
        y = (made[1][made[2], 0] > 1).astype(np.float64)
    else:
        y = np.fromiter((item.passed for item in items),  # type: ignore[attr-defined]
                        dtype=np.float64, count=len(items))
    w = np.asarray(weights, dtype=np.float64)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    cell = cells if cells is not None else cell_numbers(bin_cells(items, made))

    def rmse(weight: np.ndarray) -> float:
        count = np.bincount(cell)
        gap = (np.bincount(cell, weights=p) - np.bincount(cell, weights=y)) / count
        per_cell = np.bincount(cell, weights=weight)
        return float(math.sqrt(float((per_cell * gap ** 2).sum()) / float(per_cell.sum())))

    return Metrics(log_loss=float((w * loss).sum() / w.sum()),
                   log_loss_unweighted=float(loss.mean()),
                   rmse_bins=rmse(w), rmse_bins_unweighted=rmse(np.ones_like(p)),
                   auc=auc(p, y), items=len(items))


def evaluate_all(items: Sequence[Item] | LogItems, parameters: Sequence[float],
                 made: Histories | None = None, cells: Any = None) -> Metrics:
    """Every item scored with one set of parameters (recency-weighted, as fsrs-rs does);
    `cells` as `metrics` takes them."""
    made = made or _histories_of(items)
    return metrics(items, predictions(items, parameters, made),
                   recency_weights(len(items)), made, cells)


def _histories_of(items: Sequence[Item] | LogItems) -> Histories:
    return items.made if isinstance(items, LogItems) else histories(items)


def fit(items: Sequence[Item] | LogItems) -> list[float]:
    """FSRS parameters fitted to the items (fsrs-rs, no torch)."""
    import fsrs_rs_python as fsrs_rs

    batch = fsrs_items(items) if isinstance(items, LogItems) else _fsrs_items(items)
    return [float(w) for w in call_fsrs_rs(
        "fit parameters", lambda: fsrs_rs.FSRS([]).compute_parameters(batch))]


def evaluate_split(items: Sequence[Item], parameters: Sequence[float] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> Metrics | None:
    """5-fold time-series split: fit on the past (or use fixed `parameters`), score the next
    segment; None when there are too few items for six segments."""
    segment = len(items) // (SPLITS + 1)
    if segment == 0:
        return None
    scored: list[Item] = []
    predicted: list[float] = []
    for fold in range(SPLITS):
        start = (fold + 1) * segment
        end = len(items) if fold == SPLITS - 1 else (fold + 2) * segment
        weights = list(parameters) if parameters is not None else fit(items[:start])
        test = items[start:end]
        scored.extend(test)
        predicted.extend(predictions(test, weights).tolist())
        if progress:
            progress(fold + 1, SPLITS)
    return metrics(scored, predicted, [1.0] * len(scored))


def read_revlog_csv(path: Path) -> list[Review]:
    """The CSV of py-fsrs / fsrs-optimizer: card_id, review_time, review_rating[, duration]."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror})") from None
    reviews: list[Review] = []
    with handle:
        reader = csv.DictReader(handle)
        needed = {"card_id", "review_time", "review_rating"}
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise ImportFormatError(f"{path}:1: needs the columns card_id, review_time, "
                                    f"review_rating (found {reader.fieldnames})")
        for row in reader:
            try:
                when = datetime.fromisoformat(row["review_time"].replace("Z", "+00:00"))
                rating = int(row["review_rating"])
                if not 1 <= rating <= 4:
                    raise ValueError("rating must be 1-4")
            except (ValueError, TypeError) as exc:
                raise ImportFormatError(f"{path}:{reader.line_num}: {exc}") from None
            if when.tzinfo is None:
                from datetime import UTC

                when = when.replace(tzinfo=UTC)
            reviews.append((row["card_id"], when.timestamp(), rating))
    return reviews


@dataclass
class Evaluation:
    """Default and given parameters on all history and on a time-series split."""

    items: int
    default_all: Metrics | None
    default_split: Metrics | None
    current_all: Metrics | None
    current_split: Metrics | None
    fitted_split: Metrics | None
    parameters: list[float]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        def dump(m: Metrics | None) -> dict[str, Any] | None:
            return m.to_dict() if m else None

        return {"items": self.items, "parameters": self.parameters,
                "default": {"all": dump(self.default_all), "split": dump(self.default_split)},
                "current": {"all": dump(self.current_all), "split": dump(self.current_split)},
                "trained_on_past": {"split": dump(self.fitted_split)}}


def evaluate(items: Sequence[Item], parameters: Sequence[float],
             progress: Callable[[int, int], None] | None = None) -> Evaluation:
    """Everything `pmquiz evaluate` reports."""
    if not items:
        return Evaluation(0, None, None, None, None, None, list(parameters))
    defaults = default_parameters()
    return Evaluation(
        items=len(items), default_all=evaluate_all(items, defaults),
        default_split=evaluate_split(items, defaults),
        current_all=evaluate_all(items, parameters),
        current_split=evaluate_split(items, parameters),
        fitted_split=evaluate_split(items, None, progress) if len(items) >= MIN_ITEMS else None,
        parameters=list(parameters))


@dataclass
class Fitted:
    """What `optimize` found: the old and new parameters and how each predicts."""

    items: int
    old: list[float]
    new: list[float] | None
    old_all: Metrics | None
    new_all: Metrics | None
    adopted: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"items": self.items, "adopted": self.adopted, "reason": self.reason,
                "old_parameters": self.old, "new_parameters": self.new,
                "old": self.old_all.to_dict() if self.old_all else None,
                "new": self.new_all.to_dict() if self.new_all else None}


def optimize(items: Sequence[Item] | LogItems, current: Sequence[float]) -> Fitted:
    """Fit new parameters; adopt them only if they predict this history better (log loss)."""
    old = list(current)
    if len(items) < MIN_ITEMS:
        return Fitted(len(items), old, None, None, None, adopted=False, reason=(
            f"only {len(items)} reviews count for fitting (reviews after a card's first, at "
            f"least a day after the one before); {MIN_ITEMS} are needed. Keeping the "
            f"{'current' if old != default_parameters() else 'default'} parameters."))
    from pmquiz.side_work import started
    made = _histories_of(items)
    cells = cell_numbers(bin_cells(items, made))  # the same bins for both
    # the current parameters are scored by a copy of this process while fsrs-rs fits
    old_scored = started(lambda: evaluate_all(items, old, made, cells))
    new = fit(items)
    new_all = evaluate_all(items, new, made, cells)
    old_all = old_scored()
    better = new_all.log_loss < old_all.log_loss
    return Fitted(len(items), old, new, old_all, new_all, adopted=better,
                  reason="the fitted parameters predict your history better" if better else
                  "the fitted parameters do not predict your history better; keeping the "
                  "current ones")


def own_items(rows: Iterable[tuple[str, float, int]], day_start_hour: int,
              zone_name: str) -> list[Item]:
    """Items from the learner's own log, counting days as learning days."""
    from datetime import UTC

    from pmquiz.days import learning_day, local_zone

    zone = local_zone(zone_name)
    cache: dict[int, int] = {}

    def day(ts: float) -> int:
        # Every UTC offset is a multiple of 15 minutes, so a learning day never starts
        # inside a quarter hour: one lookup per quarter hour is exact.
        quarter = int(ts // 900)
        if quarter not in cache:
            cache[quarter] = learning_day(datetime.fromtimestamp(quarter * 900, UTC),
                                          day_start_hour, zone).toordinal()
        return cache[quarter]

    last: list[float] = [-1.0, 0]  # the previous call's later moment and its day

    def between(earlier: float, later: float) -> int:
        # called with each review and the one before it: the earlier day is the last one
        first = last[1] if earlier == last[0] else day(earlier)
        last[0], last[1] = later, day(later)
        return int(last[1] - first)

    return items_from(rows, between, grouped=True)
