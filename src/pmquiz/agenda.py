"""What may be asked on a learning day, decided in one place: the session asks it, `due`, the
overview and stats count it, and the forecast runs the same rules over the days ahead.

Siblings (cards that share a group, or where one shows the other's answer) are not asked on
one day: when several are due, the one due longest is asked and the others are held back a
day. A held card records the day it was first held (`held_since`); from the next day on it
is asked whatever its siblings do, so no card waits more than one learning day, however big
its group. Learning cards are never held: their steps are minutes apart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Generic, NamedTuple, Protocol, TypeVar

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


class Sibling(Protocol):
    """What settling siblings reads of a card (a `StoredCard`, or a forecast's `Due`)."""

    @property
    def row(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def group_keys(self) -> frozenset[str]: ...
    @property
    def links(self) -> tuple[str, ...]: ...
    @property
    def told(self) -> tuple[str, ...]: ...
    @property
    def held(self) -> datetime | None: ...


S = TypeVar("S", bound=Sibling)


def exempt(stored: Sibling, day_began: datetime) -> bool:
    """Held back on an earlier day: asked today whatever its siblings do."""
    return stored.held is not None and stored.held < day_began


@dataclass
class Met:
    """The cards a day has met or will meet, for settling siblings: their group keys, the
    keys of the cards whose answers they show, and those whose answers are on screen
    already (shown by cards answered or learning today)."""

    groups: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    printed: set[str] = field(default_factory=set)
    bare: set[str] = field(default_factory=set)  # shown by a screen without explanations
    held: Met | None = None  # the cards held back today: tomorrow asks them all

    def clashes(self, stored: Sibling) -> bool:
        """Asking the card today would give its answer away, or give away another's: it
        shares a group with a card met, its answer was printed today already, or it and a
        card met each show the other's answer (one-way showing is settled by order, see
        `shown_last`)."""
        return bool(stored.group_keys & self.groups) or stored.key in self.printed or \
            (stored.key in self.shown and bool(set(stored.links) & self.groups))

    def gives_away(self, stored: Sibling) -> bool:
        """Whatever the order, asking the card with the cards met shows an answer: its own
        was printed today, or it and a card met each show the other's without their
        explanations (an explanation's sentence that tells a card still to come is held
        back, `session.withheld`; a shared group alone shows nothing)."""
        return stored.key in self.printed or (
            stored.key in self.bare and bool(_bare(stored) & self.groups))

    def add(self, stored: Sibling, printed: bool = False) -> None:
        """Count a card as met today (`printed`: its screen is shown before the plan's)."""
        self.groups |= stored.group_keys
        (self.printed if printed else self.shown).update(stored.links)
        if not printed:
            self.bare |= _bare(stored)

    def hold(self, stored: Sibling) -> None:
        """Count a card as held back today, to be asked tomorrow."""
        if self.held is None:
            self.held = Met()
        self.held.add(stored)

    def holding_gives_away(self, stored: Sibling) -> bool:
        """Holding the card back would set it beside a held card tomorrow that gives it
        away, or that it gives away (`gives_away`)."""
        return self.held is not None and self.held.gives_away(stored)

    def copy(self) -> Met:
        """A copy to try a plan on."""
        return Met(set(self.groups), set(self.shown), set(self.printed), set(self.bare),
                   self.held.copy() if self.held is not None else None)


def _bare(stored: Sibling) -> set[str]:
    return set(stored.links) - set(stored.told)


@dataclass
class Settled(Generic[S]):
    """Cards one day takes, in the order given, and the ones held back for a sibling."""

    taken: list[S] = field(default_factory=list)
    held: list[S] = field(default_factory=list)


def settle(cards: Iterable[S], met: Met, limit: int,
           forced: Callable[[S], bool] | None = None, reviews: bool = False) -> Settled[S]:
    """Up to `limit` of `cards`, one of each sibling group: the `forced` ones (held back on
    an earlier day) whatever their siblings do, then the rest in order, each held back when
    it clashes with a card met today (`Met.clashes`). `met` grows with the taken cards.
    `reviews`: the cards held back are reviews, asked tomorrow whatever happens, so a card
    is not held beside one it would give away, or be given away by, if today can take it
    giving nothing away (`Met.gives_away`)."""
    listed = list(cards)
    chosen: dict[int, int] = {}  # row: place in `listed`
    settled: Settled[S] = Settled()
    if forced is not None:
        for place, stored in enumerate(listed):
            if len(chosen) < limit and forced(stored):
                chosen[stored.row] = place
                met.add(stored)
    for place, stored in enumerate(listed):
        if len(chosen) >= limit:
            break
        if stored.row in chosen:
            continue
        # A card that clashes only by group or by what an explanation tells is asked today
        # rather than held beside a card it would give away tomorrow (both must come then).
        if met.clashes(stored) and (not reviews or met.gives_away(stored) or
                                    not met.holding_gives_away(stored)):
            settled.held.append(stored)
            if reviews:
                met.hold(stored)
            continue
        chosen[stored.row] = place
        met.add(stored)
    settled.taken = [listed[place] for place in sorted(chosen.values())]
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


def shown_last(cards: list[StoredCard]) -> list[StoredCard]:
    """The cards in order, except that a card comes before any card that shows its answer
    (`Card.links`): a card may then be asked on the day another shows its answer, after it;
    only cards that show each other's answers are held apart (`Met.clashes`)."""
    ordered = list(cards)
    place = {s.card.key: i for i, s in enumerate(ordered)}
    # what an explanation tells is held back while the card it tells is still to come
    # (`session.withheld`): only what the screens show whole orders the day
    bare = {s.card.key: _bare(s) for s in ordered}
    for _ in range(len(ordered)):
        moved = False
        for index, stored in enumerate(ordered):
            later = [place[k] for k in bare[stored.card.key] if place.get(k, -1) > index and
                     stored.card.key not in bare[ordered[place[k]].card.key]]
            if later:
                ordered.insert(index, ordered.pop(max(later)))
                place = {s.card.key: i for i, s in enumerate(ordered)}
                moved = True
                break
        if not moved:
            break
    return ordered


@dataclass
class TodaysCards:
    """What a session started now takes: reviews, learning cards, new cards; the cards held
    back for a sibling; the day's bounds and what its limits still allow."""

    reviews: list[StoredCard]
    learning: list[StoredCard]
    new: list[StoredCard]
    day_start: datetime
    day_end: datetime
    new_left: int  # new cards today's limit still allows
    held: list[StoredCard] = field(default_factory=list)  # reviews due today, held back
    held_new: list[StoredCard] = field(default_factory=list)  # new cards that waited


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
    # Learning cards due at any time today (the ones within learn-ahead are asked now).
    learning_today = store.queue.learning_cards(scope, now, end, LEARNING_BATCH)
    learning = [s for s in learning_today if s.state.due is not None and s.state.due < ahead]
    if not settings.bury_siblings:
        reviews = store.queue.due_reviews(scope, end, now, reviews_left)
        window = interleave(store.queue.new_cards(scope, now, new_left * KIND_REACH,
                                                  new_left * KIND_REACH))
        return TodaysCards(reviews=reviews, learning=learning, day_start=start, day_end=end,
                           new=pick_new(window, [], None, new_left)[0], new_left=new_left)
    groups, printed = store.queue.met_since(start)
    # Learning cards count as met: a review or new card of their group waits for tomorrow.
    met = Met(groups=set(groups), printed=set(printed))
    for stored in learning_today:
        met.add(stored, printed=True)
    waited = partial(exempt, day_began=start)
    window = interleave(store.queue.new_cards(scope, now, new_left * SIBLING_WINDOW,
                                              new_left * SIBLING_WINDOW))
    wanted = reviews_left + REVIEW_MARGIN
    while True:
        due = store.queue.due_by_date(scope, end, now, wanted)
        # Reviews held yesterday come whatever happens; then new cards that waited a day
        # (before reviews, so a group always due cannot starve them); then the rest.
        trial = met.copy()
        late = settle([s for s in due if waited(s)], trial, reviews_left, waited)
        waited_new = settle([s for s in window if waited(s)], trial, new_left)
        rest = settle([s for s in due if not waited(s)], trial, reviews_left - len(late.taken),
                      reviews=True)
        if len(late.taken) + len(rest.taken) >= reviews_left or len(due) < wanted:
            break
        wanted *= 2
    new, held_new = pick_new(window, waited_new.taken, trial, new_left, waited)
    reviews = [*late.taken, *rest.taken]
    return TodaysCards(reviews=by_recall(reviews, now), learning=learning, new=new,
                       day_start=start, day_end=end, new_left=new_left, held=rest.held,
                       held_new=held_new)


def pick_new(window: list[StoredCard], first: list[StoredCard], met: Met | None,
             count: int, waited: Callable[[StoredCard], bool] | None = None
             ) -> tuple[list[StoredCard], list[StoredCard]]:
    """Today's new cards from `window` (unseen cards, modules taking turns): `first` (cards
    that waited a day), then kinds mixed (`mix_kinds`, drawing on four times today's share,
    so a module that opens with many cards of one kind still gives a mixed day); with
    `keys`, one of each sibling group and none of a group met or due today. Returns the
    cards and those held back that would have been picked but for their group."""
    reach = count * KIND_REACH
    if met is None:
        return mix_kinds(mix_kinds(window[:reach])[:count]), []
    taken = {s.row for s in first}
    settled = settle([s for s in window if s.row not in taken and
                      not (waited is not None and waited(s))], met, len(window))
    rest = mix_kinds(settled.taken[:reach])
    picked = mix_kinds([*first, *rest[:count - len(first)]])
    place = {s.row: i for i, s in enumerate(window)}
    last = max((place[s.row] for s in picked), default=-1)
    held = [s for s in settled.held if place[s.row] < last]
    return picked, held


class Due(NamedTuple):
    """A seen card in outline, as the forecast settles it (a tuple: 60k are made at once)."""

    row: int
    key: str
    module: str
    review: bool  # in review state (else learning or relearning)
    due: float
    group_keys: frozenset[str]
    links: tuple[str, ...]
    held: datetime | None
    told: tuple[str, ...] = ()


NO_KEYS: frozenset[str] = frozenset()


def _outline(store: Store, scope: Scope, until: datetime) -> list[Due]:
    import json

    rows = sorted(store.queue.due_outline(scope, until), key=lambda r: (r[2], r[0]))
    if not any(r[5] or r[6] for r in rows):  # nothing to settle: no keys needed
        review = int(State.REVIEW)
        return [Due(r[0], "", r[3], r[1] == review, r[2], NO_KEYS, (), None) for r in rows]
    found = []
    for row, state, due, module, card_id, siblings, held in rows:
        key = f"{module}/{card_id}"
        groups, links, *told = json.loads(siblings) if siblings else ((), ())
        found.append(Due(row, key, module, state == int(State.REVIEW), due,
                         frozenset((key, *groups)), tuple(links),
                         None if held is None else datetime.fromtimestamp(held, UTC),
                         tuple(told[0]) if told else ()))
    return found


def forecast(store: Store, settings: Settings, now: datetime, scope: Scope, days: int,
             today: TodaysCards | None = None) -> list[tuple[date, dict[str, int]]]:
    """Seen cards a learner will be asked on each learning day from today, per module, as
    the session will ask them: today what is still to ask (learning steps due later today
    included); then each day the cards falling due, held back and within the review limit
    as that day's session will settle them, assuming each day's cards are answered that
    day. Cards are read in outline (no bodies parsed)."""
    zone = local_zone(settings.timezone)
    today = today or todays_cards(store, settings, now, scope)
    first = learning_day(now, settings.day_starts_at, zone)
    starts = [day_start(first + timedelta(days=i), settings.day_starts_at, zone)
              for i in range(days + 1)]
    ends = [s.timestamp() for s in starts[1:]]
    planned = {s.row for s in today.reviews}
    arriving: list[list[Due]] = [[] for _ in range(days)]
    outline = _outline(store, scope, starts[-1])
    for card in outline:
        if card.row not in planned:
            arriving[bisect_right(ends, card.due)].append(card)
    waiting = store.queue.waiting_new(scope) if settings.bury_siblings else []
    # Nothing to settle (no groups, no links, nothing waiting): each day takes the first
    # cards up to the review limit.
    plain = not settings.bury_siblings or not (waiting or today.held or any(
        c.links or len(c.group_keys) > 1 or c.held for c in outline))
    counts = [_per_module(today.reviews)]
    for card in arriving[0]:
        if not card.review:  # learning steps later today
            counts[0][card.module] = counts[0].get(card.module, 0) + 1
    # reviews due today but held back or over the limit come tomorrow, in due order
    carried = [c for c in arriving[0] if c.review]
    held = {s.row for s in today.held}
    for day in range(1, days):
        learning = [c for c in arriving[day] if not c.review]
        reviews = [*carried, *(c for c in arriving[day] if c.review)]
        limit = settings.reviews_per_day
        if plain:
            taken, carried = reviews[:limit], reviews[limit:]
        else:
            met = Met()
            for card in learning:
                met.add(card, printed=True)
            waited = frozenset(held)
            late = [c for c in reviews if c.row in waited or exempt(c, starts[day])]
            settled = settle(late, met, limit, _always)
            if day == 1:  # new cards that waited today take their groups first tomorrow
                settle(interleave(waiting), met, settings.new_per_day)
            early = {c.row for c in late}
            rest = settle([c for c in reviews if c.row not in early], met,
                          limit - len(settled.taken), reviews=True)
            taken = [*settled.taken, *rest.taken]
            held = {c.row for c in rest.held}
            asked = {c.row for c in taken}
            carried = [c for c in reviews if c.row not in asked]
        per_module: dict[str, int] = {}
        for card in [*learning, *taken]:
            per_module[card.module] = per_module.get(card.module, 0) + 1
        counts.append(per_module)
    return [(first + timedelta(days=offset), counts[offset]) for offset in range(days)]


def _always(_: object) -> bool:
    return True


def _per_module(cards: Iterable[StoredCard]) -> dict[str, int]:
    found: dict[str, int] = {}
    for stored in cards:
        found[stored.card.deck] = found.get(stored.card.deck, 0) + 1
    return found
