"""Everything a command needs, opened in one call: home, settings, decks in sync, the store."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pmquiz import paths
from pmquiz.config import Settings, load_settings
from pmquiz.deck import discover, parse_deck
from pmquiz.errors import UsageError
from pmquiz.migrations import REPLAY_KEY
from pmquiz.model import Deck
from pmquiz.scheduler import PARAMETERS_KEY
from pmquiz.store import Store

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmquiz.scheduler import Scheduler
    from pmquiz.store.log_arrays import KnownLog

NOW_ENV = "PMQUIZ_NOW"


@dataclass
class Workspace:
    """An open home: its settings and its synced store."""

    home: Path
    settings: Settings
    store: Store
    extra_decks: tuple[Path, ...] = ()
    parameters_from_config: bool = False  # config.toml's `parameters` win over fitted ones

    def scheduler(self) -> Scheduler:
        """The FSRS scheduler with this learner's settings (fsrs is imported here, lazily)."""
        from pmquiz.scheduler import Scheduler

        return Scheduler(self.settings)

    def resync(self) -> None:
        """Read changed deck files again (after an edit); invalid decks raise `DeckErrors`."""
        self.store.decks.sync(deck_files(self.home, list(self.extra_decks),
                                   self.settings.shipped_decks), synced_deck)

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def save_parameters(self, parameters: list[float], fitted_at: datetime, reviews: int,
                        progress: Callable[[int, int], None] | None = None,
                        known: KnownLog | None = None) -> int:
        """Keep fitted FSRS parameters and reschedule every card with them, in one
        transaction (a kill leaves the old parameters and the old schedule, never a mix);
        `known`: the log as the fit read it, replayed unread if nothing wrote since.
        Returns how many cards were rescheduled."""
        import json

        from pmquiz.scheduler import Scheduler

        scheduler = Scheduler(replace(self.settings, parameters=tuple(parameters)))
        record = json.dumps({"parameters": parameters, "fitted": fitted_at.isoformat(),
                             "reviews": reviews})
        return self.store.log.rebuild_states(scheduler, progress,
                                             meta={PARAMETERS_KEY: record}, known=known)


def deck_dirs(home: Path, extra: list[Path], shipped: bool = True) -> list[Path]:
    """Shipped decks (unless turned off), the user's own folder, then any `--decks` folders."""
    found = [paths.shipped_decks_dir()] if shipped else []
    found.append(paths.user_decks_dir(home))
    for item in extra:
        if not item.exists():
            raise UsageError(f"--decks {item}: no such file or folder")
        found.append(item)
    return found


def override_of(path: Path, home: Path) -> Path | None:
    """The learner's copy that overrides a shipped deck file (the same path below their decks
    folder), or None for a file that is not shipped."""
    shipped = paths.shipped_decks_dir()
    if path.is_relative_to(shipped):  # found in the shipped folder: no path resolved
        return paths.user_decks_dir(home) / path.relative_to(shipped)
    user = paths.user_decks_dir(home)
    if path.is_relative_to(user) and not user.is_relative_to(shipped):
        return None  # found in the learner's folder: no path resolved (under cProfile, a
        # home with 155 imported modules spent 86 ms resolving theirs)
    try:
        relative = path.resolve().relative_to(shipped.resolve())
    except ValueError:
        return None
    return paths.user_decks_dir(home) / relative


def is_override(path: Path, home: Path) -> bool:
    """Whether a deck file is the learner's copy of a shipped deck (same path below the
    decks folder) that overrides it."""
    try:
        relative = path.resolve().relative_to(paths.user_decks_dir(home).resolve())
    except ValueError:
        return False
    return (paths.shipped_decks_dir() / relative).is_file()


def without_overridden(files: list[Path], home: Path) -> list[Path]:
    """The deck files to load: a shipped file gives way to the learner's copy of it (made by
    `pmquiz edit` or by hand), which keeps its module slug, card ids and history."""
    kept = []
    for path in files:
        own = override_of(path, home)
        if own is None or not own.is_file():
            kept.append(path)
    return kept


def deck_files(home: Path, extra: list[Path], shipped: bool = True) -> list[Path]:
    """Every deck file a command loads, overrides applied."""
    return without_overridden(discover(deck_dirs(home, extra, shipped)), home)


def open_workspace(home: Path, extra_decks: list[Path], overrides: dict[str, object] | None = None,
                   sync: bool = True, check_damage: bool = True,
                   progress: Callable[[int, int], None] | None = None,
                   replaying: Callable[[int, int], None] | None = None) -> Workspace:
    """Load settings, open (and migrate) the database, and sync the deck files into it
    (`progress` hears of each deck file parsed; `replaying`, of the cards rescheduled when
    a migration asks for the whole log to be replayed)."""
    settings = load_settings(paths.config_path(home))
    if overrides:
        settings = settings.with_overrides(**overrides)
    store = Store.open(paths.database_path(home), check_damage=check_damage)
    from_config = bool(settings.parameters)
    if not from_config:  # config.toml wins over fitted parameters
        settings = replace(settings, parameters=stored_parameters(store))
    try:
        if store.meta.get(REPLAY_KEY):
            finish_replay(store, settings, replaying)
        if sync:
            store.decks.sync(deck_files(home, extra_decks, settings.shipped_decks), synced_deck,
                             progress)
    except BaseException:
        store.close()
        raise
    return Workspace(home=home, settings=settings, store=store, extra_decks=tuple(extra_decks),
                     parameters_from_config=from_config)


STAMPS_KEY = "anki_export_stamps"


def export_stamps(store: Store, decks: list[Deck]) -> dict[str, int]:
    """Each card's note modification time for an Anki export: unchanged since the last
    export, the time it had then; changed or new, now (later than any earlier stamp). Kept
    in the database, so Anki updates exactly the notes whose content changed."""
    import hashlib
    import json
    import time

    from pmquiz.interop.apkg import note_content

    try:
        known = json.loads(store.meta.get(STAMPS_KEY) or "{}")
    except ValueError:
        known = {}
    if not isinstance(known, dict):
        known = {}
    now = int(time.time())
    stamps: dict[str, int] = {}
    for deck in decks:
        for card in deck.cards:
            digest = hashlib.sha1(note_content(deck, card).encode("utf-8")).hexdigest()[:16]
            old = known.get(card.key)
            if isinstance(old, list) and len(old) == 2 and old[0] == digest and \
                    isinstance(old[1], int):
                stamps[card.key] = old[1]
            else:
                earlier = old[1] if isinstance(old, list) and len(old) == 2 and \
                    isinstance(old[1], int) else 0
                stamps[card.key] = max(now, earlier + 1)
            known[card.key] = [digest, stamps[card.key]]
    store.meta.set(STAMPS_KEY, json.dumps(known, sort_keys=True))
    return stamps


def finish_replay(store: Store, settings: Settings,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Reschedule every card by replaying its log, as a migration asked (one transaction that
    also clears the request, so a kill means it is simply done again next time)."""
    from pmquiz.scheduler import Scheduler

    return store.log.rebuild_states(Scheduler(settings), progress, meta={REPLAY_KEY: None})


def stored_parameters(store: Store) -> tuple[float, ...]:
    """Parameters `pmquiz optimize` fitted and kept (empty: FSRS defaults)."""
    from pmquiz.scheduler import fitted_parameters

    return fitted_parameters(store.meta.get(PARAMETERS_KEY))


def parse_now(text: str) -> datetime:
    """`PMQUIZ_NOW` as an aware datetime; a value without offset is local time."""
    from pmquiz.days import EARLIEST, LATEST

    try:
        moment = datetime.fromisoformat(text)
        moment = moment.astimezone(UTC) if moment.tzinfo else \
            moment.astimezone().astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f'{NOW_ENV}="{text}" is not an ISO 8601 time, e.g. '
                         "2026-03-02T09:00:00+01:00") from None
    if not EARLIEST <= moment < LATEST:
        raise UsageError(f'{NOW_ENV}="{text}" is out of range: give a time from '
                         f"{EARLIEST:%Y} to {LATEST.year - 1}")
    return moment


FREEZE_ENV = "PMQUIZ_FREEZE"


def make_clock() -> Callable[[], datetime]:
    """The clock every command passes down: real time; or, with `PMQUIZ_NOW`, that moment when
    the run starts, from which time moves on as real time does (a what-if session behaves like
    a real one: learning steps come due). `PMQUIZ_FREEZE=1` stops it there, for tests."""
    import time

    fixed = os.environ.get(NOW_ENV)
    if not fixed:
        return lambda: datetime.now(UTC)
    moment = parse_now(fixed)
    if os.environ.get(FREEZE_ENV) == "1":
        return lambda: moment
    started = time.monotonic()
    return lambda: moment + timedelta(seconds=time.monotonic() - started)


def synced_deck(path: Path, raw: bytes) -> Deck:
    """A deck file as the store keeps it: parsed, each card knowing which others it shows
    the answer of (`siblings.links`)."""
    from pmquiz.siblings import with_links

    deck = parse_deck(path, raw)
    return replace(deck, cards=tuple(with_links(deck.cards)))
