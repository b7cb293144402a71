"""Module text -> deck: read a course page or Markdown file, extract cards, keep ids."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmquiz.compile.document import Document, Warning_, slugify
from pmquiz.compile.merge import MergeReport, merge
from pmquiz.deck import load_file, parse_deck
from pmquiz.deck_text import render_deck
from pmquiz.errors import CompileError, DeckErrors
from pmquiz.model import Deck, Module

if TYPE_CHECKING:  # the readers and the rules load when a page is compiled, not on import
    from pmquiz.compile.extract import Left

HEADER = ("Made by `pmquiz compile` from {source}. Edit the source and recompile; cards with\n"
          "keep = true are hand-written additions that recompiling keeps.")


@dataclass
class Compiled:
    """A compiled deck with what the compiler has to say about it."""

    deck: Deck
    text: str
    warnings: list[Warning_] = field(default_factory=list)
    report: MergeReport = field(default_factory=MergeReport)
    left_out: list[Left] = field(default_factory=list)
    blocks: int = 0  # blocks of content read

    def coverage_line(self) -> str:
        """One line for the normal output: how much of the page made cards."""
        used = self.blocks - sum(1 for left in self.left_out
                                 if left.what not in {"meta line", "list item"})
        return (f"coverage: {used} of {self.blocks} blocks made cards; "
                f"{len(self.left_out)} left out" +
                (" (`--coverage` lists them)" if self.left_out else ""))

    @property
    def kinds(self) -> dict[str, int]:
        """Cards per kind."""
        return dict(sorted(Counter(c.kind.value for c in self.deck.cards).items()))


def read_source(path: Path) -> tuple[str, Document]:
    """Read a module source file as text and parse it in the right format."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CompileError(f"{path}: cannot read it ({exc.strerror})") from None
    if not raw.strip():
        raise CompileError(f"{path}: the file is empty; copy a module page or write Markdown "
                           "into it first")
    if b"\x00" in raw:
        raise CompileError(f"{path}: this is a binary file, not module text; give a page "
                           "copied as text (.txt) or a Markdown file (.md)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CompileError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from None
    from pmquiz.compile.html import looks_like_html, read_html
    from pmquiz.compile.markdown import read_markdown
    from pmquiz.compile.overrides import read_overrides
    from pmquiz.compile.page import looks_like_page, read_page

    text = read_overrides(path).apply_reword(text, path)
    if path.suffix.lower() in (".html", ".htm") or looks_like_html(text):
        return "html", read_html(text)
    if path.suffix.lower() in (".md", ".markdown"):
        return "markdown", read_markdown(text)
    if looks_like_page(text):
        return "page", read_page(text)
    return "markdown", read_markdown(text)


def _stem(path: Path) -> str:
    return path.name.removesuffix(".md").removesuffix(".txt").removesuffix(".html") \
        .removesuffix(".htm").removesuffix(".page")


def planned_location(path: Path, document: tuple[str, Document],
                     phase: int | None = None) -> tuple[int | None, str]:
    """The phase and slug a new deck compiled from this source gets (to name its file)."""
    doc = document[1]
    return (phase if phase is not None else doc.phase), doc.slug or slugify(_stem(path), 8)


def compile_module(path: Path, phase: int | None = None, existing: Deck | None = None,
                   slug: str | None = None, source_name: str | None = None,
                   document: tuple[str, Document] | None = None) -> Compiled:
    """Compile one module source (already read: `document`, from `read_source`); merge into
    `existing` to keep its ids."""
    from pmquiz.compile.extract import extract
    from pmquiz.compile.overrides import read_overrides

    fmt, doc = document or read_source(path)
    stem = _stem(path)
    module_slug = slug or (existing.module.slug if existing else "") or doc.slug or \
        slugify(stem, 8)
    overrides = read_overrides(path)
    extraction = extract(doc, module_slug, overrides.terms)
    warnings = doc.warnings + extraction.warnings
    if not extraction.cards:
        counts = Counter(b.kind for b in doc.blocks)
        left = "\n".join(f"  {path}:{x.line}: {x.what}: {x.reason}"
                         for x in extraction.left_out[:20])
        raise CompileError(
            f"{path}: no cards could be made. Found {counts['heading']} headings, "
            f"{counts['paragraph']} paragraphs, {counts['bullets']} lists, {counts['table']} "
            f"tables and {counts['terms']} term lists ({fmt} format), but no comparison (a "
            "heading `A vs B` or `A, B and C` then a heading with bullets per side, or a table "
            "whose header names the sides), no definition (`X is a …`), no term list and no "
            "list introduced by a sentence ending in `:`." + (f"\n{left}" if left else ""))
    resolved_phase = phase if phase is not None else doc.phase
    if resolved_phase is None and existing is not None:
        resolved_phase = existing.module.phase
    if resolved_phase is None:
        raise CompileError(f"{path}: no phase found (no `Home / Phase-N / …` breadcrumb or "
                           "`phase:` front matter); pass --phase N")
    old = existing.module if existing else None
    title = doc.title or (old.title if old else stem)
    module = Module(
        slug=module_slug, title=title, phase=resolved_phase,
        phase_title=doc.phase_title or (old.phase_title if old else ""),
        order=doc.order if doc.order is not None else (old.order if old else 0),
        source=source_name or path.name, resources=tuple(doc.resources),
        next_module=doc.next_module)
    # a retired id's reviews belong to a question no longer asked: no new card takes it
    kept_ids = [c for c in existing.cards if c.id not in overrides.retire] if existing else []
    cards, report = merge(overrides.apply_cards(overrides.apply_drop(extraction.cards)),
                          kept_ids)
    report.retired = sorted({*report.retired, *(c.id for c in existing.cards
                                                if c.id in overrides.retire)}) \
        if existing else report.retired
    sets = dict(extraction.sets)
    if existing:
        for name, categories in existing.category_sets.items():
            if any(c.categories == categories for c in cards) and categories not in \
                    sets.values():
                sets[name] = categories
        # Keep the existing name of a set with the same categories (stable `--set` names).
        for name, categories in existing.category_sets.items():
            for new_name, new_categories in list(sets.items()):
                if new_categories == categories and new_name != name:
                    del sets[new_name]
                    sets[name] = categories
    deck = Deck(module=module, cards=tuple(cards), path="", category_sets=dict(sorted(
        sets.items())))
    text = render_deck(deck, HEADER.format(source=module.source))
    try:  # the compiler must only ever write decks that load
        parse_deck(Path(module.source), text.encode("utf-8"))
    except DeckErrors as exc:
        raise CompileError(f"{path}: the cards made from this text do not form a valid deck:\n"
                           f"{exc}") from None
    return Compiled(deck=deck, text=text, warnings=warnings, report=report,
                    left_out=extraction.left_out, blocks=extraction.blocks)


def existing_deck(path: Path) -> Deck | None:
    """The deck already at the output path, if any (its ids are kept)."""
    if not path.exists():
        return None
    try:
        return load_file(path)
    except DeckErrors as exc:
        raise CompileError(f"{path} exists but is not a valid deck, so its card ids cannot be "
                           f"kept:\n{exc}\nFix it or choose another output.") from None


@dataclass
class CheckResult:
    """One shipped deck checked against its source."""

    deck: Path
    source: Path | None
    ok: bool
    message: str


def check_decks(folder: Path) -> list[CheckResult]:
    """Recompile every deck whose `source` file sits beside it; compare the bytes."""
    from pmquiz.deck import discover

    results = []
    for path in discover([folder]):
        deck = existing_deck(path)
        if deck is None or not deck.module.source:
            continue
        source = path.parent / deck.module.source
        if not source.exists():
            results.append(CheckResult(path, None, True, "no source beside it; not compiled"))
            continue
        compiled = compile_module(source, existing=deck, source_name=deck.module.source)
        same = compiled.text == path.read_text(encoding="utf-8")
        results.append(CheckResult(path, source, same, "up to date" if same else
                                   f"differs from what {source.name} compiles to; run "
                                   f"`pmquiz compile {source} -o {path}`"))
    return results
