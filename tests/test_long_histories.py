"""Long histories: a progress file is read and written a line at a time, so importing four
times as many reviews costs time, not memory."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pmquiz.deck import discover, load_file
from pmquiz.store.rewriting import drop_review_indexes as drop_indexes

SHIPPED = Path(__file__).resolve().parents[1] / "decks"
PEAK = ("import resource, sys\n"
        "from pmquiz.entry import main\n"
        "sys.argv = ['pmquiz', 'progress', 'import', sys.argv[1], '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")


def progress_file(path: Path, reviews: int) -> None:
    """`reviews` answers over the shipped cards, two years up to yesterday."""
    cards = [(deck.module.slug, card.id) for deck in map(load_file, discover([SHIPPED]))
             for card in deck.cards]
    rng = random.Random(reviews)
    end = datetime(2026, 11, 29, tzinfo=UTC)
    step = timedelta(days=730) / reviews
    with path.open("w", encoding="utf-8") as out:
        for n in range(reviews):
            module, card = cards[n % len(cards)]
            out.write(json.dumps({
                "id": f"long-{n}", "module": module, "card": card,
                "time": (end - step * (reviews - n)).isoformat(),
                "rating": rng.choices([1, 2, 3, 4], [15, 10, 65, 10])[0],
                "duration_ms": 4000, "answer": "", "correct": True, "grade": "self",
                "mode": "study"}) + "\n")


def imported(tmp_path: Path, reviews: int) -> tuple[dict[str, int], int]:
    source = tmp_path / f"log-{reviews}.jsonl"
    progress_file(source, reviews)
    env = dict(os.environ, PMQUIZ_HOME=str(tmp_path / f"home-{reviews}"))
    result = subprocess.run([sys.executable, "-c", PEAK, str(source)], env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    peak = int(result.stderr.split("PEAK")[-1].split()[0])  # KiB
    return json.loads(result.stdout), peak


def test_importing_four_times_the_reviews_takes_no_more_memory(tmp_path: Path) -> None:
    small, small_peak = imported(tmp_path, 50_000)
    large, large_peak = imported(tmp_path, 200_000)
    assert (small["added"], large["added"]) == (50_000, 200_000)
    shipped = sum(len(load_file(path).cards) for path in discover([SHIPPED]))
    assert small["cards_rebuilt"] == large["cards_rebuilt"] == shipped == 76
    print(f"peak: {small_peak / 1024:.0f} MB for 50k lines, {large_peak / 1024:.0f} MB for "
          "200k")
    assert large_peak - small_peak < 50 * 1024


drops: list[int] = []
dropped_names: list[str] = []


def found_states(store: object) -> list[object]:
    return store.conn.execute("SELECT card FROM card_state").fetchall()  # type: ignore[attr-defined]


def rescheduled(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int
                ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[str]]:
    """Import a log, then reschedule it with other parameters (as optimize does, here
    reading the log again); the review rows, the card states and the review indexes after
    it."""
    from pmquiz.config import Settings
    from pmquiz.scheduler import Scheduler
    from pmquiz.store import Store, log_arrays, rewriting

    monkeypatch.setattr(rewriting, "BULK", bulk)
    monkeypatch.setattr(rewriting, "BATCH", 500)
    monkeypatch.setattr(log_arrays, "RUN_REVIEWS", 700)  # several runs

    def spy(conn: sqlite3.Connection, *args: object, **kwargs: object) -> list[str]:
        drops.append(bulk)
        made = drop_indexes(conn, *args, **kwargs)  # type: ignore[arg-type]
        dropped_names.extend(sorted(sql.split('"')[1] for sql in made))
        return made

    monkeypatch.setattr(rewriting, "drop_review_indexes", spy)
    env = os.environ | {"PMQUIZ_HOME": str(home), "PMQUIZ_NOW": "2026-11-30T09:00:00+00:00"}
    history = tmp_path / f"log-{bulk}.jsonl"
    progress_file(history, 3000)
    subprocess.run([sys.executable, "-m", "pmquiz", "progress", "import", str(history)],
                   env=env, check=True, capture_output=True)
    store = Store.open(home / "pmquiz.db")
    parameters = list(Scheduler(Settings()).parameters)
    parameters[0] *= 1.5
    parameters[8] *= 0.8
    ticks: list[tuple[int, int]] = []
    store.log.rebuild_states(Scheduler(Settings(parameters=tuple(parameters))),
                             lambda done, total: ticks.append((done, total)))
    # the bar only moves forward, to the end
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)
    assert ticks[-1][0] == ticks[-1][1] == len(found_states(store))
    conn = store.conn
    found = (conn.execute("SELECT uid, state_before, stability, difficulty, due, due_before, "
                          "next_time FROM reviews ORDER BY uid").fetchall(),
             conn.execute("SELECT * FROM card_state ORDER BY card").fetchall(),
             sorted(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = "
                                               "'index' AND tbl_name = 'reviews'")))
    store.close()
    return [tuple(r) for r in found[0]], [tuple(r) for r in found[1]], found[2]


def test_rescheduling_most_of_a_long_log_drops_its_indexes_and_makes_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past BULK reviews, a rebuild that rewrites most rows drops the review indexes over
    the columns it writes and makes them again: the same rows and states as updating
    them in place, and the same indexes after."""
    drops.clear()
    dropped_names.clear()
    in_place = rescheduled(tmp_path / "a", tmp_path, monkeypatch, bulk=10**9)
    dropped = rescheduled(tmp_path / "b", tmp_path, monkeypatch, bulk=1000)
    assert dropped == in_place
    assert drops == [1000]  # dropped once, and only past BULK
    # new parameters move memory states and due dates, not the states before each review:
    # the index over (time, state_before) stays as it is, and the one runs are read by
    assert dropped_names == ["idx_reviews_next_time"]
    assert any("next_time" in (sql or "") for sql in dropped[2])


def merged(home: Path, history: Path, monkeypatch: pytest.MonkeyPatch, bulk: int,
           staged: bool = False) -> tuple[object, ...]:
    """A progress file merged into a home in process, with BULK set (and, `staged`, by the
    way a merge into a log with reviews goes even if the log is empty); what the database
    holds after it."""
    from pmquiz.interop.progress import import_progress
    from pmquiz.store import log
    from pmquiz.workspace import open_workspace

    monkeypatch.setattr(log, "BULK", bulk)
    monkeypatch.setattr(log.ReviewLog, "staged_merge", staged)
    with open_workspace(home, []) as ws:
        result = import_progress(ws.store, history, ws.scheduler(),
                                 datetime(2026, 11, 30, tzinfo=UTC))
        conn = ws.store.conn
        return (result, conn.execute(
            "SELECT uid, card, time, rating, state_before, stability, difficulty, due, "
            "due_before, next_time FROM reviews ORDER BY uid").fetchall(),
            conn.execute("SELECT * FROM card_state ORDER BY card").fetchall(),
            sorted(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = "
                                              "'index' AND tbl_name = 'reviews'")))


def test_a_merge_that_dwarfs_the_log_drops_its_indexes_first_with_the_same_result(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = tmp_path / "log.jsonl"
    progress_file(history, 3000)
    drops.clear()
    dropped_names.clear()
    monkeypatch.setattr("pmquiz.store.log.drop_review_indexes", lambda conn, *names: (
        drops.append(names), drop_indexes(conn, *names))[1])
    kept = merged(tmp_path / "a", history, monkeypatch, bulk=10**9, staged=True)
    assert drops == []
    dropped = merged(tmp_path / "b", history, monkeypatch, bulk=1000, staged=True)
    # once before inserting, then the review ids' index (ids already in the log are left
    # out by a lookup first); the rebuild does not drop them again
    assert drops == [(), (("idx_reviews_uid",),)]
    assert dropped == kept
    assert kept[0].added == 3000  # type: ignore[attr-defined]


@pytest.mark.parametrize("repeat", [True, False])
def test_a_bulk_merge_skips_ids_the_log_has_and_keeps_the_first_of_a_repeated_id(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repeat: bool) -> None:
    """The bulk path leaves review ids out by lookup instead of the unique index: a log
    that already holds some of the file's reviews, and a file that gives one id twice (or
    none: then the file's ids are not grouped), come out as the ordinary path makes
    them."""
    history = tmp_path / "log.jsonl"
    progress_file(history, 3000)
    lines = history.read_text(encoding="utf-8").splitlines()
    head = tmp_path / "head.jsonl"
    head.write_text("\n".join(lines[:400]) + "\n", encoding="utf-8")
    again = json.loads(lines[10]) | {"rating": 1}  # a later line with a taken id loses
    history.write_text("\n".join([*lines, *[json.dumps(again)] * repeat]) + "\n",
                       encoding="utf-8")
    results = []
    for name, bulk in (("plain", 10**9), ("bulk", 1000)):
        home = tmp_path / name
        merged(home, head, monkeypatch, bulk=10**9)
        results.append(merged(home, history, monkeypatch, bulk=bulk))
    assert results[0] == results[1]
    assert results[1][0].added == 2600  # type: ignore[attr-defined]
    ratings = {uid: rating for uid, _, _, rating, *_ in results[1][1]}
    assert ratings["long-10"] == json.loads(lines[10])["rating"]


@pytest.mark.parametrize("bulk", [10**9, 1000])
def test_an_id_given_twice_in_a_file_keeps_its_first_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int) -> None:
    """Into a fresh home (no logged id to look up), a review id the file gives twice is
    imported once, as its first line has it, in the plain and the bulk path."""
    history = tmp_path / "log.jsonl"
    progress_file(history, 3000)
    lines = history.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[2500])
    again = first | {"rating": 2 if first["rating"] == 1 else 1}
    history.write_text("\n".join([*lines, json.dumps(again)]) + "\n", encoding="utf-8")
    result, rows, _, _ = merged(tmp_path / "home", history, monkeypatch, bulk)
    assert (result.read, result.added) == (3001, 3000)  # type: ignore[attr-defined]
    ratings = {uid: rating for uid, _, _, rating, *_ in rows}  # type: ignore[attr-defined]
    assert ratings["long-2500"] == first["rating"]


def test_a_merge_among_logged_reviews_stores_what_a_full_replay_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviews merged between, before and after the ones a card already has are inserted
    with the states of replaying the whole log, and the logged ones they move are updated:
    a full replay afterwards finds nothing to change, in both the plain and the bulk path."""
    from pmquiz.config import Settings
    from pmquiz.scheduler import Scheduler
    from pmquiz.store import Store

    history = tmp_path / "log.jsonl"
    progress_file(history, 3000)
    lines = history.read_text(encoding="utf-8").splitlines()
    every_third = tmp_path / "third.jsonl"
    every_third.write_text("\n".join(lines[::3]) + "\n", encoding="utf-8")
    for name, bulk in (("plain", 10**9), ("bulk", 1000)):
        home = tmp_path / name
        merged(home, every_third, monkeypatch, bulk=10**9)
        after = merged(home, history, monkeypatch, bulk=bulk)
        assert after[0].added == 2000  # type: ignore[attr-defined]
        store = Store.open(home / "pmquiz.db")
        changes = store.conn.total_changes
        store.log.rebuild_states(Scheduler(Settings()))
        assert store.conn.total_changes == changes  # nothing left to rewrite
        store.close()
