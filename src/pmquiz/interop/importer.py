"""`pmquiz import`: any supported file -> pmquiz deck files (one per module of a package),
keeping ids of a deck that is already there."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pmquiz.compile import existing_deck
from pmquiz.compile.document import Warning_, slugify
from pmquiz.compile.merge import MergeReport, merge
from pmquiz.deck import checked_text, free_id, write_atomic
from pmquiz.errors import DeckErrors, ImportFormatError
from pmquiz.interop.records import ReadNotes
from pmquiz.interop.valid_cards import valid_cards
from pmquiz.model import Card, Deck, Module, copied

if TYPE_CHECKING:
    from pmquiz.durable_batch import DurableBatch


@dataclass
class Imported:
    """The deck written (its module and its cards of each kind: a forked copy that wrote it
    sends back no cards, which are in the file) and what happened on the way."""

    module: Module
    kinds: dict[str, int]
    path: Path
    format: str
    warnings: list[Warning_] = field(default_factory=list)
    report: MergeReport = field(default_factory=MergeReport)
    suspended: list[str] = field(default_factory=list)  # card ids suspended in Anki
    more: list[Imported] = field(default_factory=list)  # the package's other modules


def _no_cards(source: Path, tried: list[tuple[str, ReadNotes]]) -> str:
    """One line naming every format the file was tried as, then each reader's reasons."""
    from pmquiz.interop.formats import ALL

    lines = [f"{source}: no cards found; tried as " + ", ".join(label for label, _ in tried)
             + " (pmquiz reads " + ", ".join(f.label for f in ALL) + "); nothing written"]
    for label, read in tried:
        reasons = [w.describe(str(source)) if w.line else f"{source}: {w.message}"
                   for w in read.warnings[:10]]
        more = [f"… and {len(read.warnings) - 10} more"] if len(read.warnings) > 10 else []
        if reasons:
            lines.append(f"  as {label}:")
            lines.extend("    " + reason for reason in reasons + more)
    return "\n".join(lines)


def _unique(cards: list[Card], deck: str) -> list[Card]:
    """The cards of module `deck`, each id once (one copy a card: 6,148 cards copied three
    times took a tenth of an import)."""
    taken: set[str] = set()
    return [copied(card, deck=deck, id=free_id(card.id, taken), line=0) for card in cards]


def import_file(source: Path, target: Path | None, home_decks: Path, phase: int | None,
                title: str | None,
                progress: Callable[[int, int], None] | None = None,
                options: dict[str, object] | None = None,
                loaded: Callable[[], list[tuple[Path, Path]]] | None = None) -> Imported:
    """Read `source`, write the deck (atomically), return the report. `options` are reader
    settings (`sr`: Obsidian Spaced Repetition separators and tags). A package holding
    several modules (Anki decks) writes one deck per module unless `target` names one
    file or `title` one module; the others are in `Imported.more`. `loaded` lists the deck
    files this home loads, each with the file a change to it goes to (the learner's copy of
    a shipped deck).

    Python's cycle collector is paused meanwhile: an import makes hundreds of thousands of
    objects that reference counting frees (element trees, cards, field texts, none in a
    cycle), and each collection walked every one still alive, a tenth of a large package's
    reading. What a cycle holds is collected when the import ends."""
    import gc

    was_on = gc.isenabled()
    gc.disable()
    try:
        return _import_file(source, target, home_decks, phase, title, progress, options,
                            loaded)
    finally:
        if was_on:
            gc.enable()


def _import_file(source: Path, target: Path | None, home_decks: Path, phase: int | None,
                 title: str | None, progress: Callable[[int, int], None] | None,
                 options: dict[str, object] | None,
                 loaded: Callable[[], list[tuple[Path, Path]]] | None) -> Imported:
    wanted = slugify(title or source.stem, 6)
    read, kind = _read(source, wanted, progress, options)
    # a package's Anki decks become modules, unless one file or one module title is asked for
    groups = _modules(read) if target is None and title is None and \
        kind in ("apkg", "crowdanki") else []
    if len(groups) > 1 or any(group.slug for group in groups):
        decks = [(path, writes_to, _slug_of(path)) for path, writes_to in
                 (loaded() if loaded else [])]
        _tell_apart(groups)
        claimed: set[Path] = set()
        plans = [_plan_module(source, group, home_decks, phase, read, decks, claimed)
                 for group in groups]
        written = _write_modules(source, kind, read, list(zip(groups, plans, strict=True)))
        first = written[0]
        first.more = written[1:]
        first.warnings = read.warnings + first.warnings
        return first
    notes: list[Warning_] = []
    free = wanted
    if target is None:
        # Another file's import may already use this name: the same file again updates
        # it; a different file gets a free name, never merged into the other's cards.
        folder = home_decks / "imported"
        others = {_slug_of(path) for path, _ in (loaded() if loaded else [])
                  if path.parent != folder}
        target, free = _free_target(folder, wanted, source.name, {c.id for c in read.cards},
                                    others)
        if free != wanted:
            where = "a deck this home loads" if wanted in others else \
                f"another import in {target.parent}"
            notes.append(Warning_(0, f'module slug "{wanted}" is taken by {where}; this one '
                                  f'is "{free}" (pass -o to choose the file)'))
    existing = existing_deck(target)
    slug = existing.module.slug if existing else _free_slug(target.parent, free, target)
    module_title = title or (existing.module.title if existing else "") or \
        (read.decks[-1].split("::")[-1].strip() if read.decks else "") or source.stem
    module = Module(slug=slug, title=module_title,
                    phase=phase if phase is not None else (existing.module.phase
                                                           if existing else 0),
                    order=existing.module.order if existing else 0, source=source.name)
    done = _write(source, kind, read, list(range(len(read.cards))), module, target,
                  existing, alone=True)
    done.warnings = notes + done.warnings + read.warnings
    return done


def _read(source: Path, wanted: str, progress: Callable[[int, int], None] | None,
          options: dict[str, object] | None) -> tuple[ReadNotes, str]:
    """The cards of the first format (of those the file is tried as) that gives any, and
    that format's name; a file that gives none is refused naming every format tried."""
    from pmquiz.interop.formats import OPTIONS, candidates

    chosen, text = candidates(source)
    tried: list[tuple[str, ReadNotes]] = []
    read = ReadNotes()
    for fmt in chosen:
        if fmt.name == "apkg":
            from pmquiz.interop.apkg import read_package

            read = read_package(source, wanted, progress)
        else:
            given = {k: v for k, v in (options or {}).items() if k in OPTIONS.get(fmt.name, ())}
            read = fmt.read(source, wanted, text, **given)
        tried.append((fmt.label, read))
        if read.cards:
            return read, read.format_name or fmt.name
    raise ImportFormatError(_no_cards(source, tried))


@dataclass
class Group:
    """The cards of one module (one Anki deck) of a package."""

    deck_name: str
    slug: str  # the pmquiz module its cards' GUIDs name, or "" for an Anki deck
    indexes: list[int] = field(default_factory=list)
    full_title: str = ""  # the deck's whole path, when its last name is not enough

    @property
    def title(self) -> str:
        return self.full_title or self.deck_name.split("::")[-1].strip()

    @property
    def phase(self) -> int | None:
        found = re.search(r"(?:^|::)\s*Phase\s+(\d+)\s*(?:::|$)", self.deck_name)
        return int(found.group(1)) if found else None


def _modules(read: ReadNotes) -> list[Group]:
    """The package's cards by Anki deck (a pmquiz export makes one per module)."""
    groups: dict[str, Group] = {}
    for index, card in enumerate(read.cards):
        module = read.modules[index] if index < len(read.modules) else ""
        group = groups.setdefault(card.source, Group(card.source, ""))
        group.indexes.append(index)
        group.slug = group.slug or module
    return list(groups.values())


SIDE_CARDS = 1_000  # cards from which a package's later modules are written by copies
SIDE_ORIGINS = 1_000  # cards of a module written alone from which a copy encodes its origins
WRITERS = 3  # processes that write a large package's modules: this one and two copies


def _write_modules(source: Path, kind: str, read: ReadNotes,
                   jobs: list[tuple[Group, tuple[Module, Path, Deck | None]]]) -> list[Imported]:
    """Write each planned module. A large package's modules are shared among `WRITERS`
    processes, this one and forked copies meanwhile (`side_work`; each module has its own
    deck, origins and media files, so no two write the same file, and a copy that fails
    has its modules written here again, which gives the same files or the same error).
    Three writers on two cores: three equal modules take the time of one and a half."""
    def write(part: list[int]) -> list[tuple[Imported, list[Warning_]]]:
        from pmquiz.durable_batch import DurableBatch

        done = []
        batch = DurableBatch()  # the share's decks and origins made durable together
        try:
            for job in part:
                mine = replace(read, warnings=[])  # what this module adds, told back
                done.append((_write(source, kind, mine, jobs[job][0].indexes, *jobs[job][1],
                                    swept=True, batch=batch), mine.warnings))
        except BaseException:
            batch.discard()
            raise
        batch.commit()
        return done

    from pmquiz.deck import sweep_stale_temporaries
    from pmquiz.side_work import near_equal_shares, started

    for folder in {target.parent for _, (_, target, _) in jobs}:
        sweep_stale_temporaries(folder)  # once, not once a file (155 modules' 310 files)

    sizes = [len(group.indexes) for group, _ in jobs]
    shares = [list(range(len(jobs)))]
    if sum(sizes) >= SIDE_CARDS and len(jobs) > 1:
        shares = near_equal_shares(sizes, min(WRITERS, len(jobs)))
    later = [started(partial(write, part)) for part in shares[1:]]
    written = dict(zip(shares[0], write(shares[0]), strict=True))
    for part, result in zip(shares[1:], later, strict=True):
        written.update(zip(part, result(), strict=True))
    for job in range(len(jobs)):  # the warnings in module order, as one pass says them
        read.warnings.extend(written[job][1])
    return [written[job][0] for job in range(len(jobs))]


def _tell_apart(groups: list[Group]) -> None:
    """Anki decks of one package that end in the same name ("French::Words" and
    "Spanish::Words") are titled by their whole path ("French / Words"): one module each,
    never one written over the other."""
    titles = [group.title for group in groups]
    for group in groups:
        if not group.slug and titles.count(group.title) > 1:
            group.full_title = " / ".join(part.strip() for part in group.deck_name.split("::")
                                          if part.strip())


def _plan_module(source: Path, group: Group, home_decks: Path, phase: int | None,
                 read: ReadNotes, loaded: list[tuple[Path, Path, str]], claimed: set[Path]
                 ) -> tuple[Module, Path, Deck | None]:
    """Where one module of a package goes, and the deck there now: the deck this home has
    for that module (a pmquiz export's module, or a deck holding cards of this Anki deck:
    the learner's own copy of a shipped deck is made only when something changed), else
    a deck under `imported/` that no other import and no other module of this package
    holds. `claimed` gathers this package's targets."""
    slug = group.slug or slugify(group.title or source.stem, 6)
    ids = {read.cards[i].id for i in group.indexes}
    existing, target = None, None
    for path, writes_to, its_slug in loaded:
        if writes_to not in claimed and its_slug == slug:
            deck = existing_deck(path)
            if group.slug or (deck is not None and ids & {c.id for c in deck.cards}):
                existing, target = deck, writes_to
                break
    if target is None:
        folder = home_decks / "imported"
        others = {its_slug for path, _, its_slug in loaded if path.parent != folder}
        target, slug = _module_target(folder, slug, ids, claimed, others)
        existing = existing_deck(target)
        if existing:
            slug = existing.module.slug
    claimed.add(target)
    module = existing.module if existing else Module(
        slug=slug, title=group.title or source.stem,
        phase=phase if phase is not None else (group.phase or 0), source=source.name)
    if phase is not None:
        module = replace(module, phase=phase)
    return module, target, existing


def _module_target(folder: Path, wanted: str, ids: set[str], claimed: set[Path],
                   others: set[str]) -> tuple[Path, str]:
    """The deck file in `folder` that already holds cards of this module (an earlier import
    of it), else the first name whose slug no deck in the folder has, no other loaded
    deck (`others`: a shipped module) has, and no other module of this import took."""
    slug, n = wanted, 2
    while True:
        target = folder / f"{slug}.toml"
        if target not in claimed:
            existing = existing_deck(target) if target.exists() else None
            if existing is None and slug not in others and \
                    slug not in _slugs_in(folder, target):
                return target, slug
            if existing is not None and ids & {c.id for c in existing.cards}:
                return target, slug
        slug, n = f"{wanted}-{n}", n + 1


def _write(source: Path, kind: str, read: ReadNotes, indexes: list[int], module: Module,
           target: Path, existing: Deck | None, alone: bool = False,
           swept: bool = False, batch: DurableBatch | None = None) -> Imported:
    """Merge the cards at `indexes` into `existing` and write the deck (unless nothing
    changed in a deck that is there already) with the notes' origins beside it. `alone`:
    no other process writes a module meanwhile, so a large new deck's origins file is
    encoded by a forked copy while this one renders and checks the deck. `swept`: what
    killed writes left in the target's folder was removed already; `batch`: the files go
    to it, to be written with others at its commit."""
    slug = module.slug
    taken = [read.cards[i] for i in indexes]
    origins = [read.origins[i] if i < len(read.origins) else None for i in indexes]
    uniqued = _unique(taken, slug)
    origin_of = {card.id: origin for card, origin in zip(uniqued, origins, strict=True)}
    renamed = {old.id: new.id for old, new in zip(taken, uniqued, strict=True)}
    if kind in ("apkg", "crowdanki") or read.media_files:
        uniqued = _with_media(source, kind, uniqued, target.parent, slug, read)
    cards = uniqued
    if existing is not None:
        own = {read.cards[i].id for i in indexes if i < len(read.modules) and read.modules[i]}
        mine = {c.id: c for c in existing.cards}
        cards = [_kept_fields(c, mine[c.id]) if c.id in own and c.id in mine else c
                 for c in cards]
    header = f"Imported by `pmquiz import` from {source.name}."

    def build(these: list[Card]) -> tuple[Deck, MergeReport]:
        merged, report = merge(these, list(existing.cards) if existing else [],
                               by_similarity=not read.guided)
        return Deck(module=replace(module, source=module.source or source.name),
                    cards=tuple(merged),
                    category_sets=dict(existing.category_sets) if existing else {}), report

    # One pass when every card is valid (the usual case): the deck is rendered and checked
    # as it will be read, once; only a deck that fails is checked card by card, to mend or
    # leave out what fails.
    notes: list[Warning_] = []
    first = cards
    encoding = None
    if alone and existing is None and len(cards) >= SIDE_ORIGINS and \
            any(o is not None for o in origin_of.values()):
        from pmquiz.interop.anki_notes import origins_text
        from pmquiz.side_work import started

        encoding = started(lambda: origins_text(first, [origin_of.get(c.id) for c in first],
                                                read.notetypes))
    deck, report = build(cards)
    try:
        text = checked_text(target, deck, header)
    except DeckErrors:
        if encoding is not None:  # the copy encoded the cards before mending: waited for,
            encoding()  # so that no copy outlives a failed import, and not used
            encoding = None
        cards, notes = valid_cards(cards, target, slug)
        if not cards and not existing:
            raise ImportFormatError(f"{source}: no card it holds is valid; nothing written:\n  "
                                    + "\n  ".join(f"{source}: {w.message}" for w in notes[:10])
                                    ) from None
        deck, report = build(cards)
        try:
            text = checked_text(target, deck, header)
        except DeckErrors as exc:
            raise ImportFormatError(f"{source}: the imported cards do not form a valid "
                                    f"deck:\n{exc}") from None
    made = encoding() if encoding is not None else None  # the copy's text, for these cards
    suspended = sorted(renamed[i] for i in read.suspended if i in renamed)
    kinds = dict(Counter(card.kind.value for card in deck.cards))
    done = Imported(module=deck.module, kinds=kinds, path=target, format=kind,
                    warnings=notes, report=report, suspended=suspended)
    unchanged = existing is not None and not (report.added or report.changed or
                                              report.retired)
    if unchanged and existing is not None and not target.exists():
        done.path = Path(existing.path)  # a shipped deck that is the same: no copy made
        return done
    target.parent.mkdir(parents=True, exist_ok=True)
    if batch is not None:
        batch.add(target, text.encode("utf-8"))
    else:
        write_atomic(target, text, sweep=not swept)
    if any(o is not None for o in origin_of.values()):
        from pmquiz.interop.anki_notes import write_origins

        write_origins(target, cards, [origin_of.get(c.id) for c in cards], read.notetypes,
                      made, sweep=not swept, batch=batch)
    return done


def _kept_fields(card: Card, mine: Card) -> Card:
    """A card pmquiz exported, back from Anki: what a note cannot hold (hand-written mark,
    sibling groups, other accepted wordings, list and cloze settings, the options' order,
    its section) comes from the deck's own card, so an unchanged card comes back unchanged."""
    options = mine.options if sorted(card.options) == sorted(mine.options) else card.options
    return replace(card, keep=mine.keep, groups=mine.groups, also=mine.also,
                   ordered=mine.ordered, pick=mine.pick, any_order=mine.any_order,
                   options=options, source=mine.source)


def _with_media(source: Path, kind: str, cards: list[Card], base: Path, slug: str,
                read: ReadNotes) -> list[Card]:
    """Save the images and sounds the cards use into `media/<slug>/` beside the deck (from
    the package, from the `media/` folder beside a CrowdAnki deck, or the files a Markdown
    note's embeds were found at), and point the cards' `[image: NAME]` at them."""
    from pmquiz.interop.media import (
        referenced,
        save_files,
        save_folder_media,
        save_media,
        with_paths,
    )

    names = referenced([t for c in cards for t in (c.prompt, c.answer, c.explain,
                                                   *c.options, *c.items)])
    if kind == "crowdanki":
        saved, skipped = save_folder_media(source.parent / "media", names,
                                           base / "media" / slug)
    elif kind == "apkg":
        saved, skipped = save_media(source, names, base / "media" / slug)
    else:  # a note's own `[image: NAME]` text is no embed: only what was found is saved
        saved, skipped = save_files(read.media_files, names & set(read.media_files),
                                    base / "media" / slug, str(source.parent))
    read.warnings.extend(skipped)
    if not saved:
        return cards

    def fix(text: str) -> str:
        return with_paths(text, saved, base)

    return [replace(c, prompt=fix(c.prompt), answer=fix(c.answer), explain=fix(c.explain),
                    options=tuple(fix(o) for o in c.options)) for c in cards]


def _slugs_in(folder: Path, besides: Path) -> set[str]:
    """Module slugs of the deck files in a folder (other than `besides`)."""
    return {slug for path in (folder.glob("*.toml") if folder.is_dir() else [])
            if path.resolve() != besides.resolve() and (slug := _slug_of(path))}


def _head_of(path: Path, chunk: int = 1 << 16) -> str:
    """A deck file's text before its first `[[cards]]` table, read a chunk at a time: an
    import looks at every deck of the home, and a large one is megabytes of cards."""
    mark = b"\n[[cards]]"
    head = b""
    with path.open("rb") as source:
        while block := source.read(chunk):
            start = max(0, len(head) - len(mark))
            head += block
            found = head.find(mark, start)
            if found >= 0:
                return head[:found].decode("utf-8")
    return head.decode("utf-8")


def _slug_of(path: Path) -> str:
    """A deck file's module slug, from its [module] table alone (the cards after it can be
    megabytes); "" when it has none or cannot be read."""
    import tomllib

    from pmquiz.config import loads_toml

    try:
        module = loads_toml(_head_of(path)).get("module", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    slug = module.get("slug") if isinstance(module, dict) else None
    return slug if isinstance(slug, str) else ""


def _free_slug(folder: Path, wanted: str, target: Path) -> str:
    """`wanted`, or `wanted-2`… so no other deck in the target's folder has the same slug."""
    taken = _slugs_in(folder, target)
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted}-{n}", n + 1
    return slug


def _free_target(folder: Path, wanted: str, source_name: str, ids: set[str],
                 others: set[str]) -> tuple[Path, str]:
    """The file and slug for an import into the default folder: the file this source made
    before (same file name and a card id in common: a newer export of the same deck), else
    the first name no other import holds and no other loaded deck (`others`: a shipped
    module) has as its slug."""
    slug, n = wanted, 2
    while True:
        target = folder / f"{slug}.toml"
        existing = existing_deck(target) if target.exists() else None
        if existing is None and slug not in others and slug not in _slugs_in(folder, target):
            return target, slug
        if existing is not None and existing.module.source == source_name and \
                ids & {c.id for c in existing.cards}:
            return target, slug
        slug, n = f"{wanted}-{n}", n + 1
