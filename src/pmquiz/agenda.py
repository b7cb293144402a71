"""What may be asked on a learning day, decided in one place: the session asks it, `due`, the
overview and stats count it, and the forecast runs the same rules over the days ahead.

Siblings (cards that share a group, or where one shows the other's answer) are not asked on
one day: when several are due, the one due longest is asked and the others are held back a
day. A held card records the day it was first held (`held_since`); from the next day on it
is asked whatever its siblings do, so no card waits more than one learning day, however big
its group. Learning cards are never held: their steps are minutes apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from pmquiz.config import Settings
from pmquiz.days import day_bounds, day_start, learning_day, local_zone
from pmquiz.model import State, StoredCard
from pmquiz.store import Scope, Store

SIBLING_WINDOW = 8  # new cards looked at per card wanted, to find ones of other groups
KIND_REACH = 4  # new cards looked at per card wanted, to find cards of other kinds
LEARNING_BATCH = 200  # learning cards loaded at a time (a learner back from a break)
REVIEW_MARGIN = 50  # due reviews loaded beyond the day's limit, for the ones held back


def interleave(cards: Iterable[StoredCard]) -> list[StoredCard]:
    """Round-robin across modules, keeping each module's own order."""
    by_module: dict[str, list[StoredCard]] = {}
    for stored in cards:
        by_module.setdefault(stored.card.deck, []).append(stored)
    columns = list(by_module.values())
    mixed: list[StoredCard] = []
    for i in range(max((len(c) for c in columns), default=0)):
        mixed.extend(column[i] for column in columns if i < len(column))
    return mixed


def mix_kinds(cards: Iterable[StoredCard]) -> list[StoredCard]:
    """The cards with each kind spread evenly over the list (a kind with a third of the
    cards takes every third place), each kind keeping its own order: a day does not open
    with a run of two-option classify cards."""
    ordered = list(cards)
    counts: dict[str, int] = {}
    for stored in ordered:
        counts[stored.card.kind.value] = counts.get(stored.card.kind.value, 0) + 1
    seen: dict[str, int] = {}
    keyed = []
    for index, stored in enumerate(ordered):
        kind = stored.card.kind.value
        rank = seen.get(kind, 0)
        seen[kind] = rank + 1
        keyed.append((rank / counts[kind], index, stored))  # each kind starts at once
    return [stored for *_, stored in sorted(keyed, key=lambda k: (k[0], k[1]))]


def _waited(rows: frozenset[int], day_began: datetime, stored: StoredCard) -> bool:
    return stored.row in rows or exempt(stored, day_began)


def exempt(stored: StoredCard, day_began: datetime) -> bool:
    """Held back on an earlier day: asked today whatever its siblings do."""
    return stored.held is not None and stored.held < day_began


@dataclass
class Settled:
    """Cards one day takes, in the order given, and the ones held back for a sibling."""

    taken: list[StoredCard] = field(default_factory=list)
    held: list[StoredCard] = field(default_factory=list)


def settle(cards: list[StoredCard], keys: set[str], day_began: datetime, limit: int,
           is_exempt: Callable[[StoredCard], bool] | None = None) -> Settled:
    """Up to `limit` of `cards`, one of each sibling group: cards held back on an earlier
    day first, then the rest in order, each skipped (held) when it shares a key with a card
    taken or with `keys` (cards answered or learning today). `keys` grows with the taken
    cards' keys."""
    first = is_exempt or (lambda s: exempt(s, day_began))
    chosen: set[int] = set()
    settled = Settled()
    for stored in cards:
        if len(chosen) < limit and first(stored):
            chosen.add(stored.row)
            keys |= stored.sibling_keys
    for stored in cards:
        if len(chosen) >= limit:
            break
        if stored.row in chosen:
            continue
        if stored.sibling_keys & keys:
            settled.held.append(stored)
            continue
        chosen.add(stored.row)
        keys |= stored.sibling_keys
    settled.taken = [s for s in cards if s.row in chosen]
    return settled


def by_recall(cards: list[StoredCard], now: datetime) -> list[StoredCard]:
    """Lowest predicted recall first: FSRS recall falls as elapsed time / stability grows,
    whatever the weights, so the ratio orders cards without computing recall."""
    def ratio(stored: StoredCard) -> float:
        state = stored.state
        if state.last_review is None or not state.stability:
            return 0.0
        return (now - state.last_review).total_seconds() / state.stability
    return sorted(cards, key=lambda s: (-ratio(s), s.row))


@dataclass
class TodaysCards:
    """What a session started now takes: reviews, learning cards, new cards; the sibling
    keys of the cards answered today; and the cards held back for a sibling."""

    reviews: list[StoredCard]
    learning: list[StoredCard]
    new: list[StoredCard]
    buried: frozenset[str]
    day_end: datetime
    held: list[StoredCard] = field(default_factory=list)  # reviews due today, held back
    held_new: list[StoredCard] = field(default_factory=list)  # new cards that waited
    day_start: datetime | None = None


def todays_cards(store: Store, settings: Settings, now: datetime, scope: Scope
                 ) -> TodaysCards:
    """Due reviews (within the daily limit, lowest recall first), learning cards within the
    learn-ahead window, and new cards (within their limit, modules in turn, kinds mixed);
    with `bury_siblings`, one card of each sibling group (see the module's text)."""
    start, end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))
    reviews_left = max(0, settings.reviews_per_day -
                       store.queue.answered_since(start, State.REVIEW))
    new_left = max(0, settings.new_per_day - store.queue.answered_since(start, State.NEW))
    ahead = now + timedelta(minutes=settings.learn_ahead_minutes)
    learning = store.queue.learning_cards(scope, now, ahead, LEARNING_BATCH)
    if not settings.bury_siblings:
        reviews = store.queue.due_reviews(scope, end, now, reviews_left)
        return TodaysCards(reviews=reviews, learning=learning, day_end=end, buried=frozenset(),
                           new=pick_new(store, scope, now, new_left, None, start)[0],
                           day_start=start)
    buried = store.queue.sibling_keys_since(start)
    # Learning cards due at any time today keep their groups: a review or new card of the
    # group waits for tomorrow.
    keys = set(buried) | {k for s in store.queue.learning_cards(scope, now, end, LEARNING_BATCH)
                          for k in s.sibling_keys}
    wanted = reviews_left + REVIEW_MARGIN
    while True:
        due = store.queue.due_by_date(scope, end, now, wanted)
        settled = settle(due, set(keys), start, reviews_left)
        if len(settled.taken) >= reviews_left or len(due) < wanted:
            break
        wanted *= 2
    keys |= {k for s in settled.taken for k in s.sibling_keys}
    new, held_new = pick_new(store, scope, now, new_left, keys, start)
    return TodaysCards(reviews=by_recall(settled.taken, now), learning=learning, new=new,
                       buried=buried, day_end=end, held=settled.held, held_new=held_new,
                       day_start=start)


def pick_new(store: Store, scope: Scope, now: datetime, count: int, keys: set[str] | None,
             day_began: datetime) -> tuple[list[StoredCard], list[StoredCard]]:
    """Today's new cards, modules taking turns and kinds mixed (`mix_kinds`, drawing on four
    times today's share, so a module that opens with many cards of one kind still gives a
    mixed day); with `keys`, one of each sibling group and none of a group met or due today
    (new cards that waited a day come first). Returns the cards and those that waited."""
    reach = count * KIND_REACH
    if keys is None:
        window = interleave(store.queue.new_cards(scope, now, reach, reach))
        return mix_kinds(mix_kinds(window)[:count]), []
    wide = count * SIBLING_WINDOW
    window = interleave(store.queue.new_cards(scope, now, wide, wide))
    settled = settle(window, keys, day_began, len(window))
    first = [s for s in settled.taken if exempt(s, day_began)][:count]
    rest = mix_kinds(s for s in settled.taken[:reach] if not exempt(s, day_began))
    picked = mix_kinds([*first, *rest[:count - len(first)]])
    # A card held is one that would have been picked but for its group: before the last
    # card picked in course order.
    last = max((window.index(s) for s in picked), default=-1)
    held = [s for s in settled.held if window.index(s) < last]
    return picked, held


def forecast(store: Store, settings: Settings, now: datetime, scope: Scope, days: int,
             today: TodaysCards | None = None) -> list[tuple[date, dict[str, int]]]:
    """Seen cards a learner will be asked on each learning day from today, per module, as
    the session will ask them: today what is still to ask (learning steps due later today
    included); then each day the cards falling due, held back and within the review limit
    as that day's session will settle them, assuming each day's cards are answered that
    day."""
    zone = local_zone(settings.timezone)
    today = today or todays_cards(store, settings, now, scope)
    first = learning_day(now, settings.day_starts_at, zone)
    starts = [day_start(first + timedelta(days=i), settings.day_starts_at, zone)
              for i in range(days + 1)]
    planned = {s.row for s in today.reviews}
    cards = [s for s in store.queue.seen_due_before(scope, starts[-1])
             if s.row not in planned]
    learning_today = [s for s in cards if s.state.state is not State.REVIEW
                      and s.state.due is not None and s.state.due < starts[1]]
    plan = [[*today.reviews, *learning_today]]
    done = {s.row for s in learning_today}
    held = {s.row for s in today.held}
    for day in range(1, days):
        begin, end = starts[day], starts[day + 1]
        due = [s for s in cards if s.row not in done and s.state.due is not None
               and s.state.due < end]
        learning = [s for s in due if s.state.state is not State.REVIEW]
        reviews = [s for s in due if s.state.state is State.REVIEW]
        if settings.bury_siblings:
            keys = {k for s in learning for k in s.sibling_keys}
            waited = frozenset(held)
            settled = settle(reviews, keys, begin, settings.reviews_per_day,
                             partial(_waited, waited, begin))
        else:
            settled = Settled(taken=reviews[:settings.reviews_per_day])
        held = {s.row for s in settled.held}
        done |= {s.row for s in learning} | {s.row for s in settled.taken}
        plan.append([*learning, *settled.taken])
    result = []
    for offset, asked in enumerate(plan):
        modules: dict[str, int] = {}
        for stored in asked:
            modules[stored.card.deck] = modules.get(stored.card.deck, 0) + 1
        result.append((first + timedelta(days=offset), modules))
    return result
