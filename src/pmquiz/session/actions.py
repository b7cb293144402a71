"""What the learner may do instead of rating a card: undo, suspend, bury, flag, edit. A new
action is one name in `ACTIONS` and one branch here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pmquiz.model import StoredCard
from pmquiz.recorder import Recorder
from pmquiz.scheduler import Scheduler
from pmquiz.store import Store

ACTIONS = ("undo", "suspend", "bury", "flag", "edit")


@dataclass
class Step:
    """What became of one card put to the learner: the card after its answer (None when it
    was not answered: suspended, buried, edited, or the answer before it undone), and cards
    to ask next, first to last."""

    after: StoredCard | None
    again: list[StoredCard] = field(default_factory=list)



class Notices(Protocol):
    """The part of the screen an action speaks to."""

    def notice(self, text: str, moves_on: bool = True) -> None:
        """Say what an action did (`moves_on`: the card leaves the screen, so the words are
        said again on the next one)."""


class Session(Protocol):
    """What an action needs of the session it runs in."""

    store: Store
    scheduler: Scheduler
    recorder: Recorder
    clock: Callable[[], datetime]
    editor: Callable[[StoredCard], tuple[StoredCard | None, str]] | None

    @property
    def ui(self) -> Notices:
        """The screen."""

    def unrecord(self) -> None:
        """Take the newest answer out of the summary."""


def act(study: Session, action: str, stored: StoredCard) -> Step | None:
    """Carry out an action chosen instead of a rating; None means rate the card still
    (after a flag, or when there was nothing to undo)."""
    from pmquiz import card_actions

    if action == "flag":
        flagged = card_actions.toggle_flag(study.store, stored)
        study.ui.notice("Flagged: pmquiz search --flagged lists it." if flagged else
                        "Flag removed.", moves_on=False)
        return None
    if action == "suspend":
        card_actions.suspend(study.store, stored)
        study.ui.notice(f"Suspended: it will not be asked until pmquiz unsuspend "
                       f"{stored.card.key}.")
        return Step(None)
    if action == "bury":
        card_actions.bury(study.store, study.scheduler.settings, stored, study.clock())
        study.ui.notice("Buried until the next learning day.")
        return Step(None)
    if action == "edit":
        if study.editor is None:
            study.ui.notice(f"Editing needs a terminal: pmquiz edit {stored.card.key}",
                            moves_on=False)
            return None
        edited, outcome = study.editor(stored)
        study.ui.notice(outcome)
        return Step(None, [edited] if edited is not None else [])
    if action == "undo":
        previous = study.recorder.undo_last()
        if previous is None:
            study.ui.notice("Nothing to undo yet in this session.", moves_on=False)
            return None
        study.unrecord()
        study.ui.notice("Undone: that card again.")
        return Step(None, [previous, stored])
    raise ValueError(f"unknown action {action!r}")

