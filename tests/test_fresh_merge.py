"""A merge into an empty log (`store.fresh_merge`) replays the file from arrays instead of
staging it: it must store exactly what the staged merge stores, row for row (in the file's
order, where the staged merge inserts card by card), with review ids given twice, reviews of
a card at the same moment, cards not in the decks, several runs and batches, and the bulk
path's indexes dropped and made again."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from test_long_histories import progress_file


def whole(home: Path, history: Path, monkeypatch: pytest.MonkeyPatch, bulk: int,
          staged: bool) -> tuple[object, ...]:
    """Import `history` into a fresh home in process; the result, every column of every
    review (by review id, with its row's position among them), the card states, the cards
    and the review indexes."""
    from pmquiz.interop.progress import import_progress
    from pmquiz.store import fresh_merge, log, log_arrays
    from pmquiz.workspace import open_workspace

    monkeypatch.setattr(log, "BULK", bulk)
    monkeypatch.setattr(log.ReviewLog, "staged_merge", staged)
    monkeypatch.setattr(log_arrays, "MERGE_RUN_REVIEWS", 400)  # several runs
    monkeypatch.setattr(fresh_merge, "BATCH", 150)  # and batches within a run
    ticks: list[tuple[int, int]] = []
    with open_workspace(home, []) as ws:
        result = import_progress(ws.store, history, ws.scheduler(),
                                 datetime(2026, 11, 30, tzinfo=UTC),
                                 lambda done, total: ticks.append((done, total)))
        conn = ws.store.conn
        assert ticks and ticks[-1][0] == ticks[-1][1] == result.cards
        columns = [r[1] for r in conn.execute("PRAGMA table_info(reviews)") if r[1] != "id"]
        return (result, conn.execute(f"SELECT {', '.join(columns)}, rank() OVER (ORDER BY id) "
                                     "FROM reviews ORDER BY uid").fetchall(),
                conn.execute("SELECT * FROM card_state ORDER BY card").fetchall(),
                conn.execute("SELECT id, deck, card_id, retired FROM cards ORDER BY id"
                             ).fetchall(),
                sorted(r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE "
                                                  "type = 'index' AND tbl_name = 'reviews'")))


def awkward_file(path: Path) -> list[dict[str, object]]:
    """3,000 reviews over the shipped cards, then: an id given again with another rating,
    three reviews of one card at one moment whose ids sort against the file's order, and
    two reviews of a card no deck has."""
    progress_file(path, 3000)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    again = lines[1200] | {"rating": 1 if lines[1200]["rating"] != 1 else 3}
    moment = lines[2990]
    tied = [moment | {"id": name, "rating": rating}
            for name, rating in (("tie-c", 1), ("tie-a", 4), ("tie-b", 2))]
    stranger = [{"id": f"elsewhere-{n}", "module": "not-a-module", "card": "gone",
                 "time": lines[100 + n]["time"], "rating": 3, "duration_ms": 1000,
                 "answer": "typed ✓", "correct": None, "grade": "typed", "mode": "study"}
                for n in range(2)]
    extra = [again, *tied, *stranger]
    path.write_text("".join(json.dumps(line) + "\n" for line in [*lines, *extra]),
                    encoding="utf-8")
    return extra


@pytest.mark.parametrize("bulk", [10**9, 1000])
def test_a_merge_into_an_empty_log_stores_what_the_staged_merge_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: int) -> None:
    history = tmp_path / "log.jsonl"
    extra = awkward_file(history)
    fresh = whole(tmp_path / "fresh", history, monkeypatch, bulk, staged=False)
    staged = whole(tmp_path / "staged", history, monkeypatch, bulk, staged=True)

    def without_position(found: tuple[object, ...]) -> tuple[object, ...]:
        return (*found[:1], [row[:-1] for row in found[1]], *found[2:])  # type: ignore[attr-defined]

    assert without_position(fresh) == without_position(staged)
    result, rows = fresh[0], fresh[1]
    assert (result.read, result.added) == (3006, 3005)  # type: ignore[attr-defined]
    by_uid = {row[0]: row for row in rows}  # type: ignore[attr-defined]
    assert by_uid["long-1200"][3] != extra[0]["rating"]  # the first line of an id wins
    assert by_uid["elsewhere-1"][5] == "typed ✓"
    assert len(rows) == 3005  # type: ignore[arg-type]
    # the rows are in the file's order (a log grown day by day is in time order too)
    position = {row[0]: row[-1] for row in rows}  # type: ignore[attr-defined]
    assert [position[f"long-{n}"] for n in range(3000)] == list(range(1, 3001))
    assert position["tie-c"] < position["tie-a"] < position["tie-b"]


def test_a_bulk_merge_into_an_empty_log_makes_every_review_index_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past BULK the indexes go first (the unique review id too: the merge leaves out a
    repeated id itself) and come back, the same as a merge that kept them."""
    history = tmp_path / "log.jsonl"
    awkward_file(history)
    kept = whole(tmp_path / "kept", history, monkeypatch, 10**9, staged=False)
    dropped = whole(tmp_path / "dropped", history, monkeypatch, 1000, staged=False)
    assert dropped == kept
    names = [sql for sql in kept[4] if sql]  # type: ignore[attr-defined]
    assert any("UNIQUE" in sql and "uid" in sql for sql in names)
    conn = sqlite3.connect(tmp_path / "dropped" / "pmquiz.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@pytest.mark.parametrize("staged", [False, True])
def test_a_merge_that_would_write_a_review_of_no_card_keeps_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staged: bool) -> None:
    """A merge does not have SQLite look up each review's card (it writes only cards it has
    just read or made); the one check at its end still refuses a review of a card that does
    not exist, keeps nothing, and leaves the card checks on for every later write."""
    from pmquiz.errors import StoreError
    from pmquiz.interop.progress import import_progress
    from pmquiz.store import log
    from pmquiz.workspace import open_workspace

    history = tmp_path / "log.jsonl"
    awkward_file(history)
    monkeypatch.setattr(log.ReviewLog, "staged_merge", staged)
    monkeypatch.setattr(log, "_placeholder", lambda *_: 10**9)  # a bug's row
    with open_workspace(tmp_path / "home", []) as ws:
        with pytest.raises(StoreError, match="1 cards that do not exist; nothing was imported"):
            import_progress(ws.store, history, ws.scheduler(), datetime(2026, 11, 30, tzinfo=UTC))
        conn = ws.store.conn
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO reviews (uid, card, time, rating) VALUES ('x', ?, 0, 3)",
                         (10**9,))


def test_a_bad_line_deep_in_a_long_file_stops_the_real_command_and_keeps_nothing(
        tmp_path: Path) -> None:
    """`pmquiz progress import` reads its lines in a forked copy: a bad line several batches
    in is still named by its number and the import keeps nothing; the command ends (a copy
    left running would hold its output open)."""
    import os
    import subprocess
    import sys

    history = tmp_path / "log.jsonl"
    progress_file(history, 9000)
    lines = history.read_text(encoding="utf-8").splitlines()
    lines[8123] = lines[8123].replace('"rating": ', '"rating": 9, "was": ')
    history.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = os.environ | {"PMQUIZ_HOME": str(tmp_path / "home"),
                        "PMQUIZ_NOW": "2026-11-30T09:00:00+00:00"}
    done = subprocess.run([sys.executable, "-m", "pmquiz", "progress", "import", str(history)],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert f"{history}:8124: not a pmquiz review" in message
    assert "nothing was imported" in message
    conn = sqlite3.connect(tmp_path / "home" / "pmquiz.db")
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    conn.close()
