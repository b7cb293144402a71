"""Generated homes of 1k, 10k and 100k cards: due, stats, first question, and the queue,
answers, drills and sync timed in process."""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from common import (
    BENCH,
    NOW,
    OUT,
    PMQUIZ,
    Results,
    home_env,
    run_command,
    stats_of,
)
from session import first_question


def ensure_home(cards: int) -> Path:
    home = OUT / f"{cards // 1000}k"
    if not (home / "pmquiz.db").exists():
        shutil.rmtree(home, ignore_errors=True)
        subprocess.run([sys.executable, str(BENCH / "generate.py"), "--cards", str(cards),
                        "--home", str(home)], check=True)
    return home


def in_process(home: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Queue build, one answer, a drill answer and deck sync, timed inside one process."""
    from pmquiz.classify import Drill
    from pmquiz.config import load_settings
    from pmquiz.deck import discover, parse_deck
    from pmquiz.kinds import Question
    from pmquiz.model import Answer, Rating
    from pmquiz.recorder import Recorder
    from pmquiz.scheduler import Scheduler
    from pmquiz.session import plan_session
    from pmquiz.store import Scope, Store
    from pmquiz.workspace import parse_now

    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pmquiz.db"
        source = sqlite3.connect(home / "pmquiz.db")
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        settings = load_settings(home / "config.toml")
        store = Store.open(copy)
        now = parse_now(NOW)
        files = discover([home / "decks"])
        store.decks.sync(files, parse_deck)  # paths in the copy point at the same deck files
        # A learner who has not studied yet today: a full day's queue (200 reviews, 10 new),
        # whatever the generated log already holds for today.
        from dataclasses import replace

        from pmquiz.days import day_bounds
        from pmquiz.model import State

        start, _ = day_bounds(now, settings.day_starts_at)
        settings = replace(settings,
                           reviews_per_day=200 + store.queue.answered_since(start, State.REVIEW),
                           new_per_day=10 + store.queue.answered_since(start, State.NEW))
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            plan = plan_session(store, settings, now, Scope())
            samples.append(time.perf_counter() - started)
        results[f"build the session queue ({len(plan.queue)} cards)"] = stats_of(samples)
        scheduler = Scheduler(settings)
        study = Recorder(store, scheduler, lambda: now)
        study.begin()
        samples = []
        rng = random.Random(3)
        rows = [r[0] for r in store.conn.execute(
            "SELECT id FROM cards ORDER BY random() LIMIT 300")]
        for stored in [store.queue.stored_card(row) for row in rows]:
            rating = Rating.AGAIN if rng.random() < 0.2 else Rating.GOOD
            started = time.perf_counter()
            study.record(stored, Answer(rating, "", rating > 1, "self", 1000),
                         now + timedelta(seconds=1))
            samples.append(time.perf_counter() - started)
        ordered = sorted(samples)
        results["record one answer (p50 / p99)"] = (
            statistics.median(ordered) * 1000, ordered[int(0.99 * (len(ordered) - 1))] * 1000)

        class InstantUI:
            def __init__(self) -> None:
                self.marks: list[float] = []
                self.answered = 0.0

            def ask(self, question: Question, score: int, streak: int) -> str:  # noqa: ARG002
                self.answered = time.perf_counter()
                return question.options[0]

            def verdict(self, question: Question, chosen: str,  # noqa: ARG002
                        correct: bool) -> str:  # noqa: ARG002
                return ""

            def again(self, missed: object, result: object) -> bool:  # noqa: ARG002
                return False

        cards = store.queue.cards_in_scope(Scope(), kinds=["classify"])[:200]
        ui = InstantUI()
        drill_recorder = Recorder(store, scheduler, lambda: now, mode="classify")
        record = drill_recorder.record

        def timed_record(*args: Any) -> Any:
            done = record(*args)
            ui.marks.append(time.perf_counter() - ui.answered)  # verdict shown and recorded
            return done

        drill_recorder.record = timed_record  # type: ignore[method-assign]
        Drill(drill_recorder, ui).run(cards)
        results["classify: key press to verdict shown and recorded"] = stats_of(ui.marks)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            store.decks.sync(files, parse_deck)
            samples.append(time.perf_counter() - started)
        results["deck sync, nothing changed"] = stats_of(samples)
        samples = []
        victim = files[0]
        original = victim.read_bytes()
        try:
            for i in range(repeat):
                victim.write_bytes(original + f"\n# edit {i}\n".encode())
                started = time.perf_counter()
                store.decks.sync(files, parse_deck)
                samples.append(time.perf_counter() - started)
        finally:
            victim.write_bytes(original)
            store.decks.sync(files, parse_deck)
        results["deck sync, one file changed"] = stats_of(samples)
        store.close()
    return results


def moved_home(home: Path, repeat: int) -> tuple[list[float], list[float]]:
    """`pmquiz due` right after the home was moved (renamed, as `mv` does: every deck file
    known only by its old path), then again: the first run re-points the files by name,
    size and time (by content when those changed) and parses nothing."""
    first, next_ = [], []
    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp) / "home-0"
        shutil.copytree(home, here)
        run_command([*PMQUIZ, "due"], home_env(here))
        for turn in range(1, repeat + 1):
            there = Path(tmp) / f"home-{turn}"
            here.rename(there)
            here = there
            env = home_env(here)
            first.append(run_command([*PMQUIZ, "due"], env))
            next_.append(run_command([*PMQUIZ, "due"], env))
    return first, next_


def run(results: Results, cards: int, repeat: int) -> None:
    """One column: a generated home of `cards` cards."""
    home = ensure_home(cards)
    column = f"{cards // 1000}k cards"
    env = home_env(home)
    reviews = sqlite3.connect(home / "pmquiz.db").execute(
        "SELECT count(*) FROM reviews").fetchone()[0]
    results.text("reviews in the log", column, f"{reviews:,}")
    hostile = " ".join(["card"] * 5000 + [f"w{i}" for i in range(100)])
    for label, args in (("`pmquiz due`", ["due"]), ("`pmquiz stats`", ["stats"]),
                        ("`pmquiz stats --phase 0`", ["stats", "--phase", "0"]),
                        ("`pmquiz search` of 5,100 words (5,000 the same)",
                         ["search", hostile]),
                        ("`pmquiz search question`", ["search", "question"]),
                        ("`pmquiz classify \"Tracks the budget\"` (check; target 1 s at 100k)",
                         ["classify", "Tracks the budget"])):
        run_command([*PMQUIZ, *args], env)  # warm the page cache
        results.put(label, column, stats_of([run_command([*PMQUIZ, *args], env)
                                             for _ in range(repeat)]))
    results.put("first question of `pmquiz study`", column,
                stats_of([first_question(env) for _ in range(repeat)]))
    first, next_ = moved_home(home, repeat)
    results.put("`pmquiz due`, first after moving the home", column, stats_of(first))
    results.put("`pmquiz due`, the next one", column, stats_of(next_))
    results.text("moved home: first / next (target ≤ 1.2)", column,
                 f"{statistics.median(first) / statistics.median(next_):.2f}")
    for name, value in in_process(home, max(repeat, 20)).items():
        results.put(name, column, value)
