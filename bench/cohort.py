"""A cohort simulator for `pmquiz cohort` tests and the benchmark.

Learners have an ability (standard normal); each card of the shipped Phase 0 decks has a
difficulty and a discrimination (a two-parameter logistic model); a learner meets ten new
cards a study day and reviews them at expanding intervals (1, 3, 7, 16, 35 days; back to 1
after a miss), and some stop early. Defects are planted on named cards, one of each kind the
report flags:

- too-easy: almost everyone right, fast;       - too-hard: almost everyone wrong;
- low-discrimination: ability hardly matters;  - negative-discrimination: the weak do better;
- likely-wrong-key: the deck's key is wrong
  (those who know pick another option);        - dead-distractor: one option never picked;
- often-overruled: learners overrule the grader on many reviews;
- frequent-wrong-answer: many type the same wrong answer.

`python bench/cohort.py OUT --learners N [--parquet]` writes the logs (JSON Lines, one file
per learner; or Parquet, one file per 1,000 learners) and `truth.json` (the planted cards).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pmquiz.deck import discover, load_decks  # noqa: E402
from pmquiz.model import Card, Kind  # noqa: E402

START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
DAYS = 60
INTERVALS = (1, 3, 7, 16, 35)
NEW_PER_DAY = 10
JUNK = [f"not sure {n}" for n in range(40)] + ["scope", "the team", "deadlines", "users",
                                               "budget", "strategy", "growth", "a plan"]


@dataclass
class Item:
    card: Card
    a: float
    b: float
    defect: str = ""
    options: list[str] = field(default_factory=list)  # choice/classify: what can be picked
    truth: str = ""  # the option that is really right (differs from the key when wrong)


def cards() -> list[Card]:
    """The shipped Phase 0 cards, in deck order."""
    from pmquiz import paths

    decks = load_decks(discover([paths.shipped_decks_dir()]))
    return [card for deck in decks for card in deck.cards]


def _choices(card: Card) -> list[str]:
    if card.kind is Kind.CHOICE:
        return [card.answer, *card.options]
    if card.kind is Kind.CLASSIFY:
        return [card.answer, *[c for c in card.categories if c != card.answer]]
    return []


def plant(rng: random.Random) -> tuple[list[Item], dict[str, str]]:
    """Every card with its parameters; one card of each defect kind, chosen by `rng`."""
    items = []
    for card in cards():
        items.append(Item(card, rng.uniform(1.2, 2.4), rng.uniform(-1.0, 0.6),
                          options=_choices(card), truth=card.answer))
    choice = [i for i in items if i.card.kind is Kind.CHOICE and len(i.options) >= 3]
    typed = [i for i in items if i.card.kind in (Kind.BASIC, Kind.CLOZE)]
    other = [i for i in items if i.card.kind is not Kind.CHOICE]
    rng.shuffle(choice)
    rng.shuffle(typed)
    rng.shuffle(other)
    truth: dict[str, str] = {}

    def mark(item: Item, defect: str) -> None:
        item.defect = defect
        truth[defect] = item.card.key

    mark(choice[0], "likely-wrong-key")
    choice[0].truth = choice[0].options[1]
    mark(choice[1], "dead-distractor")
    mark(typed[0], "often-overruled")
    mark(typed[1], "frequent-wrong-answer")
    free = [i for i in other if not i.defect]
    mark(free[0], "too-easy")
    free[0].b = -5.0
    mark(free[1], "too-hard")
    free[1].b = 3.5
    mark(free[2], "negative-discrimination")
    free[2].a, free[2].b = -1.8, 0.0
    low = next(i for i in free[3:] if i.card.kind in (Kind.BASIC, Kind.CLOZE, Kind.LIST))
    mark(low, "low-discrimination")
    low.a, low.b = 0.15, -0.5
    return items, truth


def _p(item: Item, ability: float, wins: int) -> float:
    """Chance of knowing the answer: first meeting, then better with each success."""
    boost = 0.0 if wins == 0 else 1.2 + 0.5 * wins
    if item.defect in ("negative-discrimination", "low-discrimination"):
        boost = 0.0
    x = item.a * (ability - item.b) + boost
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def _answer(item: Item, knows: bool, rng: random.Random, first: bool) -> tuple[str, bool]:
    """What the learner gives, and whether the grader (the deck's key) says right."""
    card = item.card
    if item.options:
        if knows:
            picked = item.truth
        else:
            pool = item.options[:-1] if item.defect == "dead-distractor" else item.options
            picked = rng.choice(pool)
        return picked, picked == card.answer
    if knows:
        return card.answer or "ok", True
    if item.defect == "frequent-wrong-answer" and first and rng.random() < 0.6:
        return "the project manager", False
    return rng.choice(JUNK), False


def learner_reviews(number: int, items: list[Item], rng: random.Random) -> list[dict[str, object]]:
    """One learner's log lines."""
    ability = rng.gauss(0.0, 1.0)
    learner = f"l{number:06d}"
    start = START + timedelta(days=rng.randrange(0, 10))
    stop_day = rng.randrange(8, DAYS) if rng.random() < 0.12 else DAYS
    due: dict[int, tuple[int, int, int]] = {}  # item -> (day, step, wins)
    lines: list[dict[str, object]] = []
    order = list(range(len(items)))
    rng.shuffle(order)
    seq = 0
    for day in range(stop_day):
        today = [i for i, (d, _, _) in due.items() if d == day]
        new = [i for i in order if i not in due][:NEW_PER_DAY]
        for index in today + new:
            item = items[index]
            _, step, wins = due.get(index, (day, 0, 0))
            first = index not in due
            knows = rng.random() < _p(item, ability, wins)
            answer, right = _answer(item, knows, rng, first)
            seconds = rng.lognormvariate(math.log(1.5 if item.defect == "too-easy" else 7.0),
                                         0.4)
            override = None
            if item.defect == "often-overruled" and not right and rng.random() < 0.6:
                override, right = "right", True
            seq += 1
            when = start + timedelta(days=day, minutes=seq)
            lines.append({
                "learner": learner, "id": f"{learner}-{seq}", "phase": 0,
                "module": item.card.deck, "card": item.card.id, "kind": item.card.kind.value,
                "time": when.isoformat(), "rating": 3 if right else 1,
                "duration_ms": int(seconds * 1000), "correct": right,
                "grade": "right" if right else "wrong", "mode": "study",
                "override": override, "answer": answer})
            if right:
                wins += 1
                step = min(step + 1, len(INTERVALS) - 1)
                due[index] = (day + INTERVALS[step], step, wins)
            else:
                due[index] = (day + 1, 0, wins)
    return lines


def simulate(out: Path, learners: int, seed: int = 7, parquet: bool = False) -> dict[str, str]:
    """Write the cohort's logs and truth.json under `out`; return the planted cards."""
    rng = random.Random(seed)
    items, truth = plant(rng)
    out.mkdir(parents=True, exist_ok=True)
    batch: list[dict[str, object]] = []
    for number in range(learners):
        lines = learner_reviews(number, items, rng)
        if parquet:
            batch += lines
            if (number + 1) % 1000 == 0 or number + 1 == learners:
                _parquet(out / f"cohort-{number // 1000:04d}.parquet", batch)
                batch = []
        else:
            with (out / f"{lines[0]['learner'] if lines else number}.jsonl").open(
                    "w", encoding="utf-8") as handle:
                handle.writelines(json.dumps(line) + "\n" for line in lines)
    (out / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return truth


def _parquet(path: Path, rows: list[dict[str, object]]) -> None:
    """Rows to a Parquet file, through JSON Lines (DuckDB reads those fast)."""
    import duckdb

    scratch = path.with_suffix(".tmp.jsonl")
    with scratch.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)
    conn = duckdb.connect()
    try:
        conn.execute(f"COPY (SELECT * FROM read_json('{scratch}', format = "
                     "'newline_delimited', columns = {learner: 'VARCHAR', id: 'VARCHAR', "
                     "phase: 'INTEGER', module: 'VARCHAR', card: 'VARCHAR', kind: 'VARCHAR', "
                     "time: 'VARCHAR', rating: 'INTEGER', duration_ms: 'BIGINT', "
                     "correct: 'BOOLEAN', grade: 'VARCHAR', mode: 'VARCHAR', "
                     f"override: 'VARCHAR', answer: 'VARCHAR'}})) TO '{path}' (FORMAT parquet)")
    finally:
        conn.close()
        scratch.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--parquet", action="store_true")
    args = parser.parse_args()
    truth = simulate(args.out, args.learners, args.seed, args.parquet)
    print(json.dumps(truth, indent=1))


if __name__ == "__main__":
    main()
