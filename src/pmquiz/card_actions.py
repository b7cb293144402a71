"""What a learner does to a card besides answering it, from a session or the command line:
suspend, bury until the next learning day, flag, and edit its deck file in `$EDITOR`.

A shipped deck is never edited in place: the card is edited in a copy of its deck file in
the learner's decks folder, which overrides the shipped file (`workspace.without_overridden`);
module slug and card ids stay, so every card keeps its history.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pmquiz.config import Settings
from pmquiz.days import day_bounds, local_zone
from pmquiz.deck import parse_deck, replace_atomically
from pmquiz.errors import DeckErrors, StoreError, UsageError
from pmquiz.model import StoredCard
from pmquiz.store import Store
from pmquiz.workspace import Workspace, override_of

FLAG = 1  # one flag colour for now; the column holds Anki's 0-7


def bury(store: Store, settings: Settings, stored: StoredCard, now: datetime) -> datetime:
    """Keep the card out of sessions until the next learning day starts; returns when."""
    _, day_end = day_bounds(now, settings.day_starts_at, local_zone(settings.timezone))
    store.marks.set_marks(stored.row, buried_until=day_end)
    return day_end


def suspend(store: Store, stored: StoredCard, suspended: bool = True) -> None:
    """Suspend (never asked, still counted) or unsuspend a card; unsuspending unburies too."""
    if suspended:
        store.marks.set_marks(stored.row, suspended=True)
    else:
        store.marks.set_marks(stored.row, suspended=False, buried_until=None)


def toggle_flag(store: Store, stored: StoredCard) -> bool:
    """Flag an unflagged card, unflag a flagged one; returns whether it is flagged now."""
    _, _, flag = store.marks.of(stored.row)
    store.marks.set_marks(stored.row, flag=0 if flag else FLAG)
    return not flag


@dataclass
class EditResult:
    """How an edit ended: the card as it is now (None: it left its deck), the file edited,
    and whether that file is a new override of a shipped deck."""

    card: StoredCard | None
    path: Path
    new_override: bool
    discarded: bool = False
    reason: str = ""  # why it was discarded (the editor failed, the file went, no change)


def editor_command(path: Path, line: int) -> list[str]:
    """`$VISUAL` or `$EDITOR` (else vi) opened at a line: `+LINE path`, which vi, vim,
    nano, emacs, micro and most others take; VS Code takes `-g path:line`."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    words = shlex.split(editor)
    if not words:
        raise UsageError("$EDITOR is empty: set it to your editor, e.g. EDITOR=nano")
    name = Path(words[0]).name
    if name in ("code", "codium", "code-insiders"):
        return [*words, "-g", f"{path}:{max(line, 1)}"]
    return [*words, f"+{max(line, 1)}", str(path)]


def card_file(ws: Workspace, stored: StoredCard) -> tuple[Path, bool]:
    """The deck file to edit a card in, and whether it is a new copy of a shipped deck
    (made here, byte for byte, so line numbers stay right)."""
    found = ws.store.conn.execute("SELECT path FROM decks WHERE slug = ?",
                                  (stored.card.deck,)).fetchone()
    if found is None or not found[0] or not Path(found[0]).is_file():
        raise UsageError(f'the deck file of "{stored.card.key}" is not there any more')
    path = Path(found[0])
    own = override_of(path, ws.home)
    if own is None:
        return path, False
    if own.is_file():
        return own, False
    replace_atomically(own, lambda tmp: shutil.copyfile(path, tmp))
    return own, True


Ask = Callable[[str], bool]


def _edited_problem(path: Path, code: int, before: bytes, was_link: bool) -> str:
    """Why what the editor left is not an edit to keep ("" when it is one)."""
    if code != 0:
        return f"the editor exited with status {code}"
    if path.is_symlink() and not was_link:
        return "the editor left a link in place of the file"
    if path.is_dir():
        return "the editor left a folder in place of the file"
    if not path.exists():
        return "the editor removed the file"
    try:
        if path.read_bytes() == before:
            return "no change"
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    return ""


def _put_back(path: Path, before: bytes, new_override: bool) -> None:
    """The deck file as it was before the edit (a new override copy: no file at all); a
    folder or link the editor left is moved aside, never deleted."""
    if (path.is_symlink() and not path.is_file()) or (path.exists() and not path.is_file()):
        path.rename(path.with_name(f"{path.name}.left-by-editor-{int(time.time())}"))
    if new_override:
        path.unlink(missing_ok=True)
    else:
        replace_atomically(path, lambda tmp: tmp.write_bytes(before))


def edit_card(ws: Workspace, stored: StoredCard, run: Callable[[list[str]], int] | None = None,
              again: Ask | None = None, report: Callable[[str], None] | None = None
              ) -> EditResult:
    """Open the card's deck file in the editor at the card's line; when it closes, read the
    deck again and validate it. While it has errors, `report` shows them and `again` asks
    whether to edit once more; a no puts the file back as it was (a new override copy is
    removed). Then the store is synced and the card read back by its id."""
    run = run or subprocess.call
    path, new_override = card_file(ws, stored)
    before = path.read_bytes()
    was_link = path.is_symlink()
    line = stored.card.line
    while True:
        command = editor_command(path, line)
        try:
            code = run(command)
        except OSError as exc:
            if new_override:
                path.unlink(missing_ok=True)
            raise UsageError(f"could not start the editor {command[0]!r} ({exc.strerror}); "
                             "set $EDITOR to your editor, e.g. EDITOR=nano") from None
        problem = _edited_problem(path, code, before, was_link)
        if problem:
            _put_back(path, before, new_override)
            return EditResult(stored, path, False, discarded=True, reason=problem)
        try:
            parse_deck(path, path.read_bytes())
            break
        except DeckErrors as exc:
            if report:
                report("\n".join(e.describe() for e in exc.errors))
            if again is None or not again("Edit again to fix it? (n puts the file back)"):
                _put_back(path, before, new_override)
                return EditResult(stored, path, False, discarded=True,
                                  reason="the deck has errors")
            first = exc.errors[0].line if exc.errors else None
            line = first or line
    ws.resync()
    try:
        card = ws.store.queue.find_card(stored.card.key)
    except StoreError:  # the learner renamed or removed the card
        card = None
    return EditResult(card, path, new_override)
