"""Side work in a forked copy: its result comes back; when the copy cannot give it (the work
fails there, or fork is unsafe because other threads run) it is done here instead; and
`optimize` gives the same verdict either way."""

from __future__ import annotations

import os
import threading

import pytest

from pmquiz import side_work
from pmquiz.side_work import started


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads other tests left behind (a background model load) would make this process
    do the work itself: these tests are about the copy."""
    monkeypatch.setattr(side_work.threading, "active_count", lambda: 1)


def test_the_work_runs_in_another_process_and_its_result_comes_back(forking: None) -> None:
    result = started(lambda: (os.getpid(), [n * n for n in range(5)]))
    pid, squares = result()
    assert pid != os.getpid()
    assert squares == [0, 1, 4, 9, 16]


def test_work_that_fails_in_the_copy_is_done_here(forking: None) -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the copy")
        return os.getpid()

    assert started(work)() == parent


def test_with_other_threads_running_nothing_is_forked() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert started(os.getpid)() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_optimize_decides_the_same_with_and_without_the_copy(
        monkeypatch: pytest.MonkeyPatch, forking: None) -> None:
    from pmquiz.optimize import (
        default_parameters,
        items_from,
        optimize,
        read_revlog_csv,
        twenty_four_hour_days,
    )

    from conftest import SAMPLES

    revlog = next((SAMPLES / "revlogs").glob("review_logs_*.csv"))
    items = items_from(read_revlog_csv(revlog), twenty_four_hour_days)
    copies: list[int] = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: (copies.append(1), fork())[1])
    forked = optimize(items, default_parameters())
    assert copies == [1]
    monkeypatch.setattr(side_work, "started", lambda work: work)
    here = optimize(items, default_parameters())
    assert forked == here
    assert forked.old_all is not None and forked.old_all.items == len(items)
