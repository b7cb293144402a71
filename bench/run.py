"""pmquiz benchmarks: start-up, due, stats, first question, queue, answers, drills, sync,
compile, at 1k, 10k and 100k cards. Prints a Markdown table and writes bench/RESULTS.md.

    python bench/run.py              # all sizes (generates bench/out/* on first run)
    python bench/run.py --sizes 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.progress import Progress

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
NOW = "2026-11-27T09:00:00+00:00"
PMQUIZ = [sys.executable, "-m", "pmquiz"]


def stats_of(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run_command(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def first_question(env: dict[str, str]) -> float:
    """Seconds from starting `pmquiz study` to its first answer prompt (line protocol)."""
    started = time.perf_counter()
    proc = subprocess.Popen([*PMQUIZ, "study"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    seen = b""
    while b"> " not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    elapsed = time.perf_counter() - started
    proc.kill()
    proc.wait()
    if b"> " not in seen:
        raise RuntimeError("study showed no question")
    return elapsed


def base_env() -> dict[str, str]:
    """The environment for timed runs: byte-code caching on, as for an installed pmquiz (an
    environment that sets PYTHONDONTWRITEBYTECODE would recompile pmquiz at every start)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NO_COLOR", None)
    return env


PROMPTS = ["Your answer:", r"your answer \[", "Items:"]


def first_question_terminal(env: dict[str, str]) -> float:
    """The same in a real terminal (pexpect), where questionary and prompt_toolkit load."""
    import pexpect

    env = env | {"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    started = time.perf_counter()
    child = pexpect.spawn(PMQUIZ[0], [*PMQUIZ[1:], "study"], env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=30)
    child.expect(PROMPTS)
    elapsed = time.perf_counter() - started
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    return elapsed


def key_to_next_card(env: dict[str, str], cards: int) -> list[float]:
    """Seconds from the key that rates a card to the next card's answer prompt, in a real
    terminal (pexpect), for the first `cards` cards of a session: the answer is recorded,
    the next card chosen, the screen cleared and redrawn in that time."""
    import pexpect

    env = env | {"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    child = pexpect.spawn(PMQUIZ[0], [*PMQUIZ[1:], "study"], env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=30)
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
    samples = []
    kind = child.expect(PROMPTS)
    for _ in range(cards):
        if kind == 0:  # typed: answer, then a rating key
            child.sendline("x")
            child.expect(["rate:", "Enter next"])
            key = "3" if child.after == "rate:" else "\r"
        elif kind == 1:  # a choice: one key, then Enter for next
            child.send("1")
            child.expect("Enter next")
            key = "\r"
        else:  # a list
            child.sendline("a, b")
            child.expect("Enter next")
            key = "\r"
        started = time.perf_counter()
        child.send(key)
        kind = child.expect(PROMPTS)
        samples.append(time.perf_counter() - started)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    return samples


def home_env(home: Path) -> dict[str, str]:
    return base_env() | {"PMQUIZ_HOME": str(home), "PMQUIZ_NOW": NOW, "COLUMNS": "120"}


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
    from pmquiz.model import Answer, Rating
    from pmquiz.recorder import Recorder
    from pmquiz.scheduler import Scheduler
    from pmquiz.session import Question, plan_session
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
        store.sync(files, parse_deck)  # paths in the copy point at the same deck files
        # A learner who has not studied yet today: a full day's queue (200 reviews, 10 new),
        # whatever the generated log already holds for today.
        from dataclasses import replace

        from pmquiz.days import day_bounds
        from pmquiz.model import State

        start, _ = day_bounds(now, settings.day_starts_at)
        settings = replace(settings,
                           reviews_per_day=200 + store.answered_since(start, State.REVIEW),
                           new_per_day=10 + store.answered_since(start, State.NEW))
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
        for stored in [store.stored_card(row) for row in rows]:
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

        cards = store.cards_in_scope(Scope(), kinds=["classify"])[:200]
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
            store.sync(files, parse_deck)
            samples.append(time.perf_counter() - started)
        results["deck sync, nothing changed"] = stats_of(samples)
        samples = []
        victim = files[0]
        original = victim.read_bytes()
        try:
            for i in range(repeat):
                victim.write_bytes(original + f"\n# edit {i}\n".encode())
                started = time.perf_counter()
                store.sync(files, parse_deck)
                samples.append(time.perf_counter() - started)
        finally:
            victim.write_bytes(original)
            store.sync(files, parse_deck)
        results["deck sync, one file changed"] = stats_of(samples)
        store.close()
    return results


def grading_times() -> tuple[float, float]:
    """Grading one typed answer (p50 / p99, ms): cloze gaps, lists and self-rated hints, short
    answers with typos and swaps, and 200 KB answers to a long cloze."""
    from pmquiz import words
    from pmquiz.grading import (
        grade_cloze,
        grade_list,
        key_words_covered,
        split_gaps,
        split_items,
        vocabulary,
    )

    words.zipf("warm")  # the dictionary loads off the path to the first question
    rng = random.Random(7)
    definition = ("The strategic practice of guiding a product from idea to launch and beyond, "
                  "balancing customer needs, business goals, and technical realities.")
    known = vocabulary([definition, "Introduction Growth Maturity Decline"])
    gaps = [["customer needs"], ["business goals"], ["technical realities"]]
    stages = ["Introduction", "Growth", "Maturity", "Decline"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    huge = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
                    for _ in range(40_000))[:200_000]
    prose = (definition + " ") * (200_000 // (len(definition) + 1))
    jobs = [
        lambda: grade_cloze(split_gaps("custmer needs; business goals; technical realites", 3),
                            gaps, known),
        lambda: grade_cloze(split_gaps("project needs, market goals, budgets", 3), gaps, known),
        lambda: grade_list(split_items("introduction, growth, majority, decline, launch"),
                           stages, known),
        lambda: key_words_covered("guiding a prodcut from idea to launch for customers",
                                  definition, known),
        lambda: grade_cloze(split_gaps(huge, 3), gaps, known),
        lambda: grade_cloze(split_gaps(prose, 3), gaps, known),
        lambda: grade_list(split_items(huge), stages, known),
        lambda: key_words_covered(huge, definition, known),
        lambda: key_words_covered(prose, definition, known),
    ]
    samples = []
    for _ in range(30):
        for job in jobs:
            started = time.perf_counter()
            job()
            samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.99 * (len(ordered) - 1))] * 1000


def bomb_packages(folder: Path) -> dict[str, Path]:
    """A 1 GB zip bomb (deflate, about 1 MB) and a 4 GB zstd bomb (about 64 KB)."""
    import zipfile

    import zstandard

    chunk = b"\0" * (1 << 20)
    made = {}
    zip_bomb = folder / "zip-bomb.apkg"
    with zipfile.ZipFile(zip_bomb, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("collection.anki21", "w", force_zip64=True) as entry:
        for _ in range(1024):
            entry.write(chunk)
    made[f"zip bomb ({zip_bomb.stat().st_size // 1024} KB -> 1 GB)"] = zip_bomb
    compressor = zstandard.ZstdCompressor(level=3).compressobj()
    parts = [compressor.compress(chunk) for _ in range(4096)]
    data = b"".join(parts) + compressor.flush()
    zstd_bomb = folder / "zstd-bomb.apkg"
    with zipfile.ZipFile(zstd_bomb, "w") as archive:
        archive.writestr("collection.anki21b", data)
    made[f"zstd bomb ({zstd_bomb.stat().st_size // 1024} KB -> 4 GB)"] = zstd_bomb
    return made


def peak_memory_mb(args: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of a command, in MB (its exit code does not matter)."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    return usage.ru_maxrss / 1024


def measure(sizes: list[int], repeat: int) -> tuple[list[str], dict[str, dict[str, str]]]:
    rows: dict[str, dict[str, str]] = {}
    columns: list[str] = []

    def put(name: str, column: str, value: tuple[float, float]) -> None:
        rows.setdefault(name, {})[column] = f"{value[0]:.1f} / {value[1]:.1f}"

    with Progress() as progress:
        task = progress.add_task("benchmarks", total=2 + len(sizes))
        # Start-up: pmquiz --help against a minimal typer app with as many commands.
        from typer.main import get_command

        from pmquiz.cli import app

        commands = len(get_command(app).commands)  # type: ignore[attr-defined]
        env = base_env()
        run_command([*PMQUIZ, "--help"], env)  # warm: write byte code
        run_command([sys.executable, str(BENCH / "minimal_app.py"), str(commands), "--help"],
                    env)
        ours, minimal = [], []
        for _ in range(repeat * 2):
            ours.append(run_command([*PMQUIZ, "--help"], env))
            minimal.append(run_command([sys.executable, str(BENCH / "minimal_app.py"),
                                        str(commands), "--help"], env))
        columns.append("start-up")
        put("`pmquiz --help`", "start-up", stats_of(ours))
        put(f"minimal typer app, {commands} commands, `--help`", "start-up", stats_of(minimal))
        rows["ratio pmquiz / minimal (medians)"] = {
            "start-up": f"{statistics.median(ours) / statistics.median(minimal):.2f}"}
        progress.advance(task)
        # The shipped decks, as a new user has them.
        with tempfile.TemporaryDirectory() as tmp:
            env = home_env(Path(tmp))
            run_command([*PMQUIZ, "due"], env)  # creates and migrates the database
            columns.append("shipped decks")
            put("`pmquiz due`", "shipped decks",
                stats_of([run_command([*PMQUIZ, "due"], env) for _ in range(repeat)]))
            first_question(env)
            put("first question of `pmquiz study`", "shipped decks",
                stats_of([first_question(env) for _ in range(repeat)]))
            put("first question of `pmquiz study` in a terminal", "shipped decks",
                stats_of([first_question_terminal(env) for _ in range(repeat)]))
            with tempfile.TemporaryDirectory() as fresh:  # a home of its own: new cards
                put("key press to the next card in a terminal (8 cards a run)",
                    "shipped decks", stats_of([t for _ in range(repeat) for t in
                                               key_to_next_card(home_env(Path(fresh)), 8)]))
            run_command([*PMQUIZ, "classify", "Tracks the budget"], env)
            put('`pmquiz classify "Tracks the budget"` (whole process)', "shipped decks",
                stats_of([run_command([*PMQUIZ, "classify", "Tracks the budget"], env)
                          for _ in range(repeat)]))
            put("grade one typed answer, 200 KB answers included (p50 / p99)",
                "shipped decks", grading_times())
            for label, bomb in bomb_packages(Path(tmp)).items():
                peak = peak_memory_mb([*PMQUIZ, "import", str(bomb), "-o",
                                       str(Path(tmp) / "bomb.toml")], env)
                rows.setdefault(f"`pmquiz import` of a {label}: peak memory", {})[
                    "shipped decks"] = f"{peak:.0f} MB"
            started = time.perf_counter()
            from pmquiz.compile import compile_module

            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                for source in ("intro-pm.page.txt", "the-product-lifecycle.md"):
                    compile_module(REPO / "decks" / "phase-0" / source)
                samples.append(time.perf_counter() - started)
            put("compile both Phase 0 modules (in process)", "shipped decks", stats_of(samples))
            pages = REPO / "tests" / "data" / "pages"
            for page in ("roadmaps.page.txt", "roadmaps.html"):
                args = [*PMQUIZ, "compile", str(pages / page), "-o",
                        str(Path(tmp) / f"{page}.toml")]
                run_command(args, env)
                put(f"`pmquiz compile {page}` (whole process)", "shipped decks",
                    stats_of([run_command(args, env) for _ in range(repeat)]))
            shared = REPO / "tests" / "data" / "samples"
            package = shared / "anki" / "mauriciopoppe-anki-decks" / \
                "My_french_words_and_phrases_20260328.apkg"
            revlog = next((shared / "revlogs").glob("review_logs_*.csv"), None)
            if package.exists():
                put("`pmquiz import` of the 1,639-note .apkg", "shipped decks", stats_of(
                    [run_command([*PMQUIZ, "import", str(package), "-o",
                                  str(Path(tmp) / "french.toml")], env)
                     for _ in range(repeat)]))
            if revlog is not None:
                for command in ("evaluate", "optimize"):
                    put(f"`pmquiz {command} --reviews` (12,580 reviews)", "shipped decks",
                        stats_of([run_command([*PMQUIZ, command, "--reviews", str(revlog)],
                                              env) for _ in range(repeat)]))
        progress.advance(task)
        for cards in sizes:
            home = ensure_home(cards)
            column = f"{cards // 1000}k cards"
            columns.append(column)
            env = home_env(home)
            reviews = sqlite3.connect(home / "pmquiz.db").execute(
                "SELECT count(*) FROM reviews").fetchone()[0]
            rows.setdefault("reviews in the log", {})[column] = f"{reviews:,}"
            for label, args in (("`pmquiz due`", ["due"]), ("`pmquiz stats`", ["stats"]),
                                ("`pmquiz stats --phase 0`", ["stats", "--phase", "0"])):
                run_command([*PMQUIZ, *args], env)  # warm the page cache
                put(label, column, stats_of([run_command([*PMQUIZ, *args], env)
                                             for _ in range(repeat)]))
            put("first question of `pmquiz study`", column,
                stats_of([first_question(env) for _ in range(repeat)]))
            for name, value in in_process(home, max(repeat, 20)).items():
                put(name, column, value)
            progress.advance(task)
    return columns, rows


def table(columns: list[str], rows: dict[str, dict[str, str]]) -> str:
    lines = ["| measurement (ms: median / p95) | " + " | ".join(columns) + " |",
             "|---|" + "---|" * len(columns)]
    for name, values in rows.items():
        lines.append(f"| {name} | " + " | ".join(values.get(c, "") for c in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    columns, rows = measure(args.sizes, args.repeat)
    machine = (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
               f"{os.cpu_count()} CPUs, {platform.machine()}, "
               f"{datetime.now(UTC):%Y-%m-%d}; {args.repeat} runs each "
               f"(in-process timings: at least 20); took {time.perf_counter() - started:.0f} s")
    text = f"{table(columns, rows)}\n\n{machine}\n"
    print(text)
    (BENCH / "RESULTS.md").write_text(
        "# Benchmark results\n\nMade by `python bench/run.py`; generated collections come "
        "from `bench/generate.py` (cards of all five kinds over 5 phases, modules of 500 "
        "cards, 10 reviews per card, the last ones in the final 45 days).\n\n" + text,
        encoding="utf-8")


if __name__ == "__main__":
    main()
