"""Work done by a forked copy of this process while this one goes on: how `optimize` uses
the second core (it scores the current parameters while fsrs-rs fits new ones, a call that
holds the GIL, so a thread would wait). Where fork is not safe (not Linux, other threads
running) or the copy fails, the work is done here when its result is asked for."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn, TypeVar

T = TypeVar("T")


def started(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` (no side effects, a picklable result) in a forked copy; returns what
    gives its result, computed here instead if the copy could not give it."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return work
    try:
        reading, writing = os.pipe()
        child = os.fork()
    except OSError:
        return work
    if child == 0:
        _run_in_child(work, reading, writing)
    os.close(writing)

    def result() -> T:
        import pickle

        with os.fdopen(reading, "rb") as source:
            data = source.read()
        _, status = os.waitpid(child, 0)
        if status == 0 and data:
            found: T = pickle.loads(data)
            return found
        return work()

    return result


def _run_in_child(work: Callable[[], object], reading: int, writing: int) -> NoReturn:
    """The copy: run, send the pickled result, and leave without running any of the
    parent's exit handlers or flushing its buffers (os._exit)."""
    code = 1
    try:
        import pickle

        os.close(reading)
        data = pickle.dumps(work())
        with os.fdopen(writing, "wb") as out:
            out.write(data)
        code = 0
    except BaseException:  # whatever went wrong, the parent does the work itself
        code = 1
    finally:
        os._exit(code)
