"""The error classes. `cli.py` alone turns them into messages and exit codes."""

from __future__ import annotations

from pathlib import Path


class PmquizError(Exception):
    """Base of every error a user can cause; shown as a message, never a traceback."""

    exit_code = 1


class UsageError(PmquizError):
    """A command-line value that makes no sense (exit code 2)."""

    exit_code = 2


class DeckError(PmquizError):
    """A deck file that cannot be used, located at `path:line`."""

    def __init__(self, path: Path | str, line: int | None, message: str,
                 card_id: str | None = None):
        self.path = Path(path)
        self.line = line
        self.card_id = card_id
        self.detail = message
        super().__init__(self.describe())

    def describe(self) -> str:
        """`path:line: card "id": what is wrong`, leaving out the parts not known."""
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        card = f'card "{self.card_id}": ' if self.card_id else ""
        return f"{where}: {card}{self.detail}"


class DeckErrors(PmquizError):
    """Several deck errors found in one pass, reported together."""

    def __init__(self, errors: list[DeckError]):
        self.errors = errors
        super().__init__("\n".join(e.describe() for e in errors))


class StoreError(PmquizError):
    """The database cannot be opened, read or written; it is left as it was."""


class ConfigError(PmquizError):
    """`config.toml` holds a value pmquiz cannot use."""


class CompileError(PmquizError):
    """Module text that cannot be turned into a deck."""


class ImportFormatError(PmquizError):
    """A file given to `pmquiz import` that is not what it claims to be."""


class WriteError(PmquizError):
    """A file could not be written (disk full, no permission); the old file is unchanged."""
