"""Work done by a forked copy of this process while this one goes on: how `optimize` uses
the second core (it scores the current parameters while fsrs-rs fits new ones, a call that
holds the GIL, so a thread would wait), and how `progress import` reads and checks its
lines while this process stores them, and how an import writes a large package's later
modules. Where fork is not safe (not Linux, other threads running) or the copy fails, the
work is done here when its result is asked for."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from itertools import islice
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")


def started(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work` (a picklable result; no side effects, or only ones that doing the work
    again here repeats exactly, such as writing the same files whole) in a forked copy;
    returns what gives its result, computed here instead if the copy could not give it."""
    if not _can_fork():
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


def _can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1


class Streamed(Iterator[T]):
    """The items of `items()`, made by a forked copy started at once (before any thread
    that would make forking unsafe) and sent back pickled, `BATCH` at a time. An error
    the copy meets is raised here, after the items before it. If the copy cannot start or
    dies, the items it did not send are made here. `close()` (or the end) stops the copy."""

    BATCH = 2_000

    def __init__(self, items: Callable[[], Iterator[T]]):
        self.items = items
        self.given = 0
        self.batch: Iterator[T] = iter(())
        self.source: Any = None
        self.child = 0
        self.here: Iterator[T] | None = None
        if not _can_fork():
            self.here = items()
            return
        try:
            reading, writing = os.pipe()
            self.child = os.fork()
        except OSError:
            self.here = items()
            return
        if self.child == 0:
            _stream_in_child(items, reading, writing, self.BATCH)
        with suppress(OSError):  # a bigger pipe lets the copy run further ahead
            import fcntl

            fcntl.fcntl(reading, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        os.close(writing)
        self.source = os.fdopen(reading, "rb")

    def __next__(self) -> T:
        while True:
            if self.here is not None:
                return next(self.here)
            found = next(self.batch, _END)
            if found is not _END:
                self.given += 1
                return found  # type: ignore[return-value]
            self._receive()

    def _receive(self) -> None:
        """The copy's next frame: a batch, its error, or its end."""
        import pickle

        try:
            kind, value = pickle.load(self.source)
        except Exception:  # the copy died: make the rest here
            self.close()
            self.here = islice(self.items(), self.given, None)
            return
        if kind == "items":
            self.batch = iter(value)
            return
        self.close()
        if kind == "error":
            raise value
        self.here = iter(())

    def close(self) -> None:
        """Stop the copy (if it still runs) and wait for it."""
        import signal

        if self.child:
            self.source.close()
            with suppress(ProcessLookupError):
                os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
            self.child = 0

    def __del__(self) -> None:
        with suppress(Exception):  # at interpreter exit os may be gone
            self.close()


_END = object()
PIPE_BYTES = 1 << 20  # Linux's usual most for a pipe


def _stream_in_child(items: Callable[[], Iterator[object]], reading: int, writing: int,
                     size: int) -> NoReturn:
    """The copy: send the items, a pickled batch at a time, then ("end", None); an error
    is sent as ("error", it) and ends the stream."""
    code = 1
    try:
        import pickle

        os.close(reading)
        with os.fdopen(writing, "wb") as out:
            batch: list[object] = []
            try:
                for item in items():
                    batch.append(item)
                    if len(batch) >= size:
                        pickle.dump(("items", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                        batch = []
                pickle.dump(("items", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("end", None), out)
            except Exception as exc:  # the parent raises it, after the items before it
                pickle.dump(("items", batch), out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("error", exc), out)
        code = 0
    except BaseException:  # the parent makes the rest itself
        code = 1
    finally:
        os._exit(code)


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


def near_equal_shares(sizes: list[int], count: int) -> list[list[int]]:
    """The job numbers (indexes of `sizes`) in `count` shares of near-equal size (largest
    job first into the smallest share), each share in job order; the first share is the
    one done here, the others by forked copies."""
    shares: list[list[int]] = [[] for _ in range(count)]
    totals = [0] * count
    for job in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        least = totals.index(min(totals))
        shares[least].append(job)
        totals[least] += sizes[job]
    return [sorted(share) for share in shares if share]
