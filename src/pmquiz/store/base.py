"""What every room of the store shares: time as unix seconds, the scope of a command, and
the room base class."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmquiz.store import Store


def to_ts(moment: datetime | None) -> float | None:
    """A datetime as unix seconds (how the database keeps time)."""
    return None if moment is None else moment.timestamp()


def from_ts(value: float | None) -> datetime | None:
    """Unix seconds back to an aware UTC datetime."""
    return None if value is None else datetime.fromtimestamp(value, UTC)


@dataclass(frozen=True)
class Scope:
    """Which cards a command looks at: everything, one phase, or one module."""

    phase: int | None = None
    module: str | None = None

    def where(self, alias: str = "c", asking: datetime | None = None
              ) -> tuple[str, list[object]]:
        """SQL conditions (always including `not retired`) and their parameters. With
        `asking` (a moment), only cards that may be asked then: not suspended, not buried."""
        clauses = [f"{alias}.retired = 0"]
        params: list[object] = []
        if asking is not None:
            clauses.append(askable(alias))
            params.append(to_ts(asking))
        if self.phase is not None:
            clauses.append(f"{alias}.phase = ?")
            params.append(self.phase)
        if self.module is not None:
            clauses.append(f"{alias}.deck = ?")
            params.append(self.module)
        return " AND ".join(clauses), params


def askable(alias: str = "c") -> str:
    """The condition (one parameter: the moment) for a card that may be asked."""
    return f"{alias}.suspended = 0 AND coalesce({alias}.buried_until, 0) <= ?"



class Room:
    """One job of the store over its connection; rooms reach each other through `store`."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        """The store's connection."""
        return self.store.conn

    def write(self, card_checks: bool = True) -> AbstractContextManager[sqlite3.Connection]:
        """One immediate transaction (see `Store.write`)."""
        return self.store.write(card_checks)


# a review's columns a replay computes: the state before it, its memory state and due date,
# the due date it was answered against, and the time of the card's next review
DERIVED = ("state_before", "stability", "difficulty", "due", "due_before", "next_time")
