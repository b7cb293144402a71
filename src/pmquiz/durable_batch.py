"""Many files written whole or not at all, made durable by one flush of their filesystem.

A package of 155 Anki decks becomes 310 files (a deck and its notes' origins each); flushing
each before its rename took most of their writing (ext4 commits its journal for every
fsync, and the next file's creation waits on it). Here each file goes to a temporary name
beside its target, one `syncfs` flushes them all, and only then is each renamed over its
target: a crash leaves every target old or new, never half-written, as `write_atomic` does.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from pmquiz.errors import WriteError


class DurableBatch:
    """Files added with `add` appear at their targets at `commit`, each whole."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def add(self, target: Path, data: bytes) -> None:
        """Write `data` beside `target` under a temporary name (an old file's permissions
        kept); a full disk or a missing permission is a `WriteError` naming the file."""
        tmp = temporary_beside(target)
        try:
            mode = mode_to_keep(target)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            self.pending.append((tmp, target))
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                if mode is not None:
                    os.fchmod(out.fileno(), mode)
        except OSError as exc:
            self.discard()
            raise WriteError(f"cannot write {target}: {exc.strerror or exc}; nothing was "
                             "changed") from None

    def commit(self) -> None:
        """Flush what was added to disk, then rename each file over its target."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        try:
            folders = {target.parent for _, target in pending}
            if not all(_flush_filesystem(folder) for folder in folders):
                for tmp, _ in pending:  # no syncfs here: each file flushed on its own
                    _fsync(tmp)
            for tmp, target in pending:
                tmp.replace(target)
            for folder in folders:
                _fsync(folder)  # the renames themselves
        except OSError as exc:
            for tmp, _ in pending:
                tmp.unlink(missing_ok=True)
            raise WriteError(f"cannot write {pending[0][1].parent}: {exc.strerror or exc}"
                             ) from None

    def discard(self) -> None:
        """Remove what was added and not committed."""
        pending, self.pending = self.pending, []
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)


def temporary_beside(target: Path) -> Path:
    """This process's temporary name for `target`, in its folder (what a sweep of the folder
    for killed writes finds: `.name.….tmp`)."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def mode_to_keep(target: Path) -> int | None:
    """An existing file's permissions, for its new content; None for a new file (the usual
    0666 less the umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return None


def _flush_filesystem(folder: Path) -> bool:
    """Flush the filesystem holding `folder` (Linux's `syncfs`); False where there is none."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(folder, os.O_RDONLY)
    try:
        return bool(call(fd) == 0)
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
