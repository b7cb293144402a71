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


def counted(parent: int, fail_at: int | None = None, stop_at: int | None = None):
    """Items 0..11,999, each with the pid that made it; the copy (not this process) fails
    at `fail_at` or dies at `stop_at`."""
    def items():
        for n in range(12_000):
            if os.getpid() != parent and n == fail_at:
                raise ValueError(f"line {n}: not a review")
            if os.getpid() != parent and n == stop_at:
                os._exit(3)
            yield n, os.getpid()
    return items


def test_streamed_items_are_made_in_the_copy_in_order(forking: None) -> None:
    stream = side_work.Streamed(counted(os.getpid()))
    found = list(stream)
    assert [n for n, _ in found] == list(range(12_000))  # several batches, in order
    assert {pid for _, pid in found} == {stream_pid(found)} != {os.getpid()}


def stream_pid(found: list[tuple[int, int]]) -> int:
    return found[0][1]


def test_an_error_in_the_copy_is_raised_here_after_the_items_before_it(forking: None) -> None:
    stream = side_work.Streamed(counted(os.getpid(), fail_at=7_000))
    found = []
    with pytest.raises(ValueError, match="line 7000: not a review"):
        for item in stream:
            found.append(item)
    assert [n for n, _ in found] == list(range(7_000))


def test_when_the_copy_dies_the_rest_is_made_here(forking: None) -> None:
    parent = os.getpid()
    found = list(side_work.Streamed(counted(parent, stop_at=5_000)))
    assert [n for n, _ in found] == list(range(12_000))  # each once
    assert found[0][1] != parent and found[-1][1] == parent


def test_a_stream_closed_early_stops_its_copy(forking: None) -> None:
    stream = side_work.Streamed(counted(os.getpid()))
    child = stream.child
    assert child and next(stream)[0] == 0
    stream.close()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # gone, and waited for


def test_with_other_threads_running_the_stream_is_made_here() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        stream = side_work.Streamed(counted(os.getpid()))
        assert stream.child == 0
        assert [pid for _, pid in stream] == [os.getpid()] * 12_000
    finally:
        stop.set()
        thread.join()
