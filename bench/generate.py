"""Generate a large pmquiz home: N cards of every kind across phases and modules, and about
`reviews-per-card` reviews each spread over a year, written through pmquiz's own store code.

    python bench/generate.py --cards 100000 --reviews-per-card 10 --home bench/out/100k
"""

from __future__ import annotations

import argparse
import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.progress import Progress

from pmquiz.config import Settings
from pmquiz.deck import discover, parse_deck, write_atomic
from pmquiz.model import CardState, Rating
from pmquiz.paths import database_path
from pmquiz.scheduler import Scheduler
from pmquiz.store import ReviewRecord, Store

CARDS_PER_MODULE = 500
PHASES = 5
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
KINDS = ("basic", "choice", "classify", "list", "cloze")


def card_toml(i: int) -> str:
    """One card of each kind in turn, valid for the deck format."""
    kind = KINDS[i % len(KINDS)]
    head = f'[[cards]]\nid = "c{i}"\nkind = "{kind}"\n'
    if kind == "basic":
        return head + f'prompt = "Question {i}?"\nanswer = "Answer {i}"\n\n'
    if kind == "choice":
        return head + (f'prompt = "Pick {i}"\nanswer = "Right {i}"\n'
                       f'options = ["Wrong {i}a", "Wrong {i}b", "Wrong {i}c"]\n\n')
    if kind == "classify":
        answer = "Product management" if i % 2 else "Project management"
        return head + f'categories = "pp"\nprompt = "Statement {i}"\nanswer = "{answer}"\n\n'
    if kind == "list":
        return head + f'prompt = "List {i}"\nitems = ["one {i}", "two {i}", "three {i}"]\n\n'
    return head + f'prompt = "Fill {{{{gap {i}}}}} here"\n\n'


def write_decks(home: Path, cards: int) -> None:
    """Deck files: modules of 500 cards spread over 5 phases."""
    decks = home / "decks"
    modules = max(1, (cards + CARDS_PER_MODULE - 1) // CARDS_PER_MODULE)
    for m in range(modules):
        first, last = m * CARDS_PER_MODULE, min(cards, (m + 1) * CARDS_PER_MODULE)
        body = "".join(card_toml(i) for i in range(first, last))
        text = (f'[module]\nslug = "module-{m:04d}"\ntitle = "Module {m}"\n'
                f"phase = {m % PHASES}\norder = {m}\n\n"
                '[sets]\npp = ["Product management", "Project management"]\n\n' + body)
        write_atomic(decks / f"phase-{m % PHASES}" / f"module-{m:04d}.toml", text)
    (home / "config.toml").write_text("shipped_decks = false\n", encoding="utf-8")


def card_history(scheduler: Scheduler, per_card: int, rng: random.Random
                 ) -> list[tuple[ReviewRecord, CardState, CardState]]:
    """`per_card` answers, each at the card's due time, shifted by whole days so the last one
    falls in the last 45 days (the states only depend on learning days between reviews,
    which a whole-day shift keeps)."""
    when = NOW - timedelta(days=1000)
    state = CardState()
    steps = []
    for _ in range(per_card):
        roll = rng.random()
        rating = Rating.AGAIN if roll < 0.15 else Rating.HARD if roll < 0.25 else Rating.GOOD
        uid = uuid.UUID(int=rng.getrandbits(128)).hex
        after = scheduler.review(state, rating, when, uid)
        steps.append((ReviewRecord(uid=uid, time=when, rating=rating,
                                   duration_ms=rng.randint(1500, 20000), answer="",
                                   correct=rating > 1, grade="self"), state, after))
        state = after
        assert after.due is not None
        # Review when due, or earlier for long intervals (a drill, a keen learner), so ten
        # answers span about a year rather than decades.
        when = min(after.due + timedelta(hours=rng.uniform(0, 30)),
                   when + timedelta(days=rng.uniform(5, 45)))
    # A whole number of days: the scheduler counts learning days, so a shift by part of a
    # day would move reviews across day boundaries and the log would no longer replay to
    # the states written here (`pmquiz doctor` flagged 80% of the cards before).
    shift = timedelta(days=round((NOW - steps[-1][0].time).total_seconds() / 86400
                                 - rng.uniform(0, 45)))

    def moved(s: CardState) -> CardState:
        return replace(s, due=s.due + shift if s.due else None,
                       last_review=s.last_review + shift if s.last_review else None)

    return [(replace(r, time=r.time + shift), moved(b), moved(a)) for r, b, a in steps]


def simulate(store: Store, scheduler: Scheduler, per_card: int, seed: int) -> int:
    """Give every card its history, in batches through `Store.insert_reviews`."""
    rng = random.Random(seed)
    rows = [r[0] for r in store.conn.execute("SELECT id FROM cards ORDER BY id")]
    added = 0
    with Progress() as progress:
        task = progress.add_task("reviews", total=len(rows))
        batch: list[tuple[int, ReviewRecord, CardState, CardState]] = []
        states: dict[int, CardState] = {}
        for row in rows:
            history = card_history(scheduler, per_card, rng)
            batch.extend((row, r, b, a) for r, b, a in history)
            states[row] = history[-1][2]
            if len(batch) > 50000:
                added += store.log.insert_reviews(batch, states)
                batch, states = [], {}
            progress.advance(task)
        added += store.log.insert_reviews(batch, states)
    return added


def generate(home: Path, cards: int, per_card: int, seed: int = 1) -> None:
    """Build the home from nothing (refuses to touch an existing database)."""
    if database_path(home).exists():
        raise SystemExit(f"{database_path(home)} exists; remove it or pick another --home")
    write_decks(home, cards)
    store = Store.open(database_path(home))
    store.decks.sync(discover([home / "decks"]), parse_deck)
    added = simulate(store, Scheduler(Settings()), per_card, seed)
    store.conn.execute("PRAGMA optimize")
    store.close()
    print(f"{home}: {cards} cards, {added} reviews")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--reviews-per-card", type=int, default=10)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.home, args.cards, args.reviews_per_card, args.seed)


if __name__ == "__main__":
    main()
