"""`pmquiz import`: any supported file -> one pmquiz deck file, keeping ids of a deck that
is already there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pmquiz.compile import existing_deck
from pmquiz.compile.document import Warning_, slugify
from pmquiz.compile.merge import MergeReport, merge
from pmquiz.deck import free_id, parse_deck, render_deck, write_atomic
from pmquiz.errors import DeckErrors, ImportFormatError
from pmquiz.interop.records import ReadNotes
from pmquiz.model import Card, Deck, Module


@dataclass
class Imported:
    """The deck written and what happened on the way."""

    deck: Deck
    path: Path
    format: str
    warnings: list[Warning_] = field(default_factory=list)
    report: MergeReport = field(default_factory=MergeReport)


def detect(path: Path) -> str:
    """`apkg`, `markdown` or `text`, from the file's first bytes and name."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror})") from None
    if head.startswith(b"PK\x03\x04"):
        return "apkg"
    if path.suffix.lower() == ".apkg":
        raise ImportFormatError(f"{path}: named .apkg but not a zip file, so not an Anki "
                                "package")
    if path.suffix.lower() in (".md", ".markdown"):
        return "markdown"
    return "text"


def _unique(cards: list[Card]) -> list[Card]:
    taken: set[str] = set()
    return [replace(card, id=free_id(card.id, taken), line=0) for card in cards]


def import_file(source: Path, target: Path | None, home_decks: Path, phase: int | None,
                title: str | None,
                progress: Callable[[int, int], None] | None = None) -> Imported:
    """Read `source`, write the deck (atomically), return the report."""
    kind = detect(source)
    if target is None:
        target = home_decks / "imported" / f"{slugify(title or source.stem, 6)}.toml"
    existing = existing_deck(target)
    slug = existing.module.slug if existing else slugify(title or source.stem, 6)
    read: ReadNotes
    if kind == "apkg":
        from pmquiz.interop.apkg import read_package

        read = read_package(source, slug, progress)
    elif kind == "markdown":
        from pmquiz.interop.markdown_qa import read_qa

        read = read_qa(source, slug)
    else:
        from pmquiz.interop.anki_text import read_text_export

        read = read_text_export(source, slug)
    if not read.cards:
        raise ImportFormatError(f"{source}: no cards found ({kind} format); nothing written")
    module_title = title or (existing.module.title if existing else "") or \
        (read.decks[-1].split("::")[-1].strip() if read.decks else "") or source.stem
    cards = [replace(c, deck=slug) for c in _unique(read.cards)]
    merged, report = merge(cards, list(existing.cards) if existing else [],
                           by_similarity=not read.guided)
    module = Module(slug=slug, title=module_title,
                    phase=phase if phase is not None else (existing.module.phase
                                                           if existing else 0),
                    order=existing.module.order if existing else 0, source=source.name)
    deck = Deck(module=module, cards=tuple(merged), category_sets=dict(
        existing.category_sets) if existing else {})
    text = render_deck(deck, f"Imported by `pmquiz import` from {source.name}.")
    try:
        parse_deck(target, text.encode("utf-8"))
    except DeckErrors as exc:
        raise ImportFormatError(f"{source}: the imported cards do not form a valid deck:\n"
                                f"{exc}") from None
    write_atomic(target, text)
    return Imported(deck=deck, path=target, format=kind, warnings=read.warnings, report=report)
