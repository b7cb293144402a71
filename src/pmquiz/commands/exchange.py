"""Decks in and out: `compile`, `import`, `export`, `progress`."""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pmquiz import paths
from pmquiz.commands.base import (
    JsonOpt,
    PhaseOpt,
    app,
    console,
    fail,
    options,
    print_json,
    reports_errors,
    say_lines,
    with_progress,
    workspace,
)
from pmquiz.errors import StoreError
from pmquiz.ui.text import say

if TYPE_CHECKING:
    from pmquiz.interop.importer import Imported
    from pmquiz.model import Deck


@app.command("compile")
@reports_errors
def compile_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(
        exists=True, readable=True,
        help="A course page copied as text, or a Markdown module (with --check: a folder "
             "of decks).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Deck file to write (default: your decks folder, "
                               "phase-N/<module>.toml). An existing deck keeps its ids.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", min=0,
                                              help="Phase number, if the text has none.")] = None,
    check_only: Annotated[bool, typer.Option(
        "--check", help="Exit 1 if a deck differs from what its source compiles to.")] = False,
    coverage: Annotated[bool, typer.Option(
        "--coverage", help="List every paragraph, list, table and term list that made no "
                           "card, with its line and why.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Compile module text into a deck you can study at once.

    Hand edits live beside the source in <page>.compile.toml and apply on every recompile:
    terms = [...] (list terms to cut), reword = [["old", "new"]] (corrections to the page's
    text), drop = [ids] (compiled cards not to make), retire = [ids] (deck ids never to
    reuse), and [cards."id"] tables setting prompt, answer, explain, also, items, options,
    ordered, pick or any_order."""
    from pmquiz.compile import (
        check_decks,
        compile_module,
        existing_deck,
        planned_location,
        read_source,
    )
    from pmquiz.deck import write_atomic
    from pmquiz.errors import CompileError

    if check_only:
        if not source.is_dir():
            raise fail(f"--check takes a folder of decks; {source} is not one", 2)
        results = check_decks(source)
        stale = [r for r in results if not r.ok]
        if as_json:
            print_json({"ok": not stale, "decks": [
                {"deck": str(r.deck), "source": str(r.source) if r.source else None,
                 "ok": r.ok, "message": r.message} for r in results]})
        else:
            for r in results:
                say(console(), f"{'ok  ' if r.ok else 'FAIL'} {r.deck}: {r.message}",
                                markup=False)
        if stale:
            raise typer.Exit(1)
        return
    if source.is_dir():
        raise fail(f"{source} is a folder: give a module's text file (or use --check)", 2)
    document = read_source(source)
    target = output
    if target is None:
        planned_phase, slug = planned_location(source, document, phase)
        if planned_phase is None:
            raise CompileError(f"{source}: no phase found (no `Home / Phase-N / …` breadcrumb "
                               "or `phase:` front matter); pass --phase N")
        target = paths.user_decks_dir(options(ctx).home) / f"phase-{planned_phase}" / \
            f"{slug}.toml"
    existing = existing_deck(target)
    source_name = source.name if source.resolve().parent == target.resolve().parent \
        else str(source.resolve())
    compiled = compile_module(source, phase=phase, existing=existing, source_name=source_name,
                              document=document)
    write_atomic(target, compiled.text)
    report = compiled.report
    if as_json:
        print_json({"deck": str(target), "module": compiled.deck.module.to_dict(),
                    "cards": len(compiled.deck.cards), "kinds": compiled.kinds,
                    "added": report.added, "changed": report.changed, "kept": report.kept,
                    "retired": report.retired, "hand_written": report.hand_written,
                    "warnings": [w.describe(str(source)) for w in compiled.warnings],
                    "coverage": {"blocks": compiled.blocks,
                                 "left_out": [x.to_dict() for x in compiled.left_out]}})
        return
    out = console()
    kinds = ", ".join(f"{k} {v}" for k, v in compiled.kinds.items())
    say(out, f"Wrote {target}: {len(compiled.deck.cards)} cards ({kinds})")
    if existing is not None:
        say(out, f"  ids kept: {len(report.kept)} unchanged, {len(report.changed)} reworded; "
                  f"{len(report.added)} added; {len(report.hand_written)} hand-written kept; "
                  f"{len(report.retired)} retired")
        for card_id in report.retired:
            say(out, f"  retired: {card_id}")
    for warning in compiled.warnings:
        say(out, f"warning: {warning.describe(str(source))}", style="yellow")
    say(out, compiled.coverage_line())
    if coverage:
        for left in compiled.left_out:
            say(out, f"  {source}:{left.line}: {left.what} “{left.text[:60]}”: {left.reason}")


export_app = typer.Typer(help="Export decks for Anki.", add_completion=False,
                         rich_markup_mode=None)
progress_app = typer.Typer(help="Move your review history between machines.",
                           add_completion=False, rich_markup_mode=None)
app.add_typer(export_app, name="export")
app.add_typer(progress_app, name="progress")


def decks_in_scope(ctx: typer.Context, phase: int | None) -> list["Deck"]:
    """The decks pmquiz loads (validated), narrowed to a phase."""
    from pmquiz.config import load_settings
    from pmquiz.deck import load_decks
    from pmquiz.workspace import deck_files

    opts = options(ctx)
    shipped = load_settings(paths.config_path(opts.home)).shipped_decks
    found = load_decks(deck_files(opts.home, opts.decks, shipped))
    chosen = [d for d in found if phase is None or d.module.phase == phase]
    if not chosen:
        raise StoreError(f"no decks{f' in phase {phase}' if phase is not None else ''} "
                         "to export")
    return sorted(chosen, key=lambda d: (d.module.phase, d.module.order, d.module.slug))


OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")]


@export_app.command("anki")
@reports_errors
def export_anki(ctx: typer.Context, phase: PhaseOpt = None, output: OutputOpt = None) -> None:
    """An Anki package (.apkg): one deck per module under pmquiz::Phase N."""
    from pmquiz.interop.apkg import write_package
    from pmquiz.workspace import export_stamps

    chosen = decks_in_scope(ctx, phase)
    target = output or Path(f"pmquiz{f'-phase-{phase}' if phase is not None else ''}.apkg")
    problems: list[str] = []
    with workspace(ctx) as ws:
        stamps = export_stamps(ws.store, chosen)
        notes = write_package(chosen, target, stamps, problems)
    warn_all(problems)
    say(console(), f"Wrote {target}: {notes} notes in {len(chosen)} decks.")


def warn_all(problems: list[str], shown: int = 20) -> None:
    """Each problem on stderr (the first `shown`, then how many more)."""
    err = console(stderr=True)
    for problem in problems[:shown]:
        say(err, f"pmquiz: {problem}", style="yellow", soft_wrap=True)
    if len(problems) > shown:
        say(err, f"pmquiz: … and {len(problems) - shown} more like these", style="yellow")


@export_app.command("text")
@reports_errors
def export_text(ctx: typer.Context, phase: PhaseOpt = None, output: OutputOpt = None) -> None:
    """Anki "notes in plain text" with #guid, #deck, #notetype and #tags columns."""
    from pmquiz.deck import write_atomic
    from pmquiz.interop.anki_text import write_text_export

    problems: list[str] = []
    text = write_text_export(decks_in_scope(ctx, phase), problems)
    warn_all(problems)
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)
    say(console(stderr=True), f"Wrote {output}.")


@app.command("import")
@reports_errors
def import_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False, readable=True,
        help="A file to import: an Anki package or text export, a CrowdAnki deck.json, "
             "Markdown cards (Q/A, Obsidian SR, quizzes), hashcards, mkdocs-quiz, org-drill "
             "or Logseq.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Deck file to write (default: your decks folder, "
                               "imported/<name>.toml). An existing deck keeps its ids.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", min=0)] = None,
    module: Annotated[str | None, typer.Option("--module", "-m",
                                               help="Module title for the deck.")] = None,
    separator: Annotated[list[str] | None, typer.Option(
        "--separator", help="Obsidian Spaced Repetition separator: TEXT for the inline one, "
                            "or inline=, inline-reversed=, multiline=, multiline-reversed= "
                            "TEXT (repeatable; default: the vault's plugin settings).")] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", help="Obsidian Spaced Repetition flashcard tag (default: the vault's plugin "
                      "settings, else flashcards; repeatable).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Turn flashcards kept elsewhere (Anki, CrowdAnki, Markdown, Obsidian, hashcards,
    mkdocs-quiz, org-drill, Logseq) into a pmquiz deck you can study and edit."""
    from pmquiz.interop.importer import import_file

    home_decks = paths.user_decks_dir(options(ctx).home)
    settings = _spaced_repetition(separator or [], tag or [])
    def loaded() -> list[tuple[Path, Path]]:
        from pmquiz.config import load_settings
        from pmquiz.workspace import deck_files, override_of

        home = options(ctx).home
        shipped = load_settings(paths.config_path(home)).shipped_decks
        return [(path, override_of(path, home) or path)
                for path in deck_files(home, list(options(ctx).decks), shipped)]

    result = with_progress("notes", lambda progress: import_file(
        source, output, home_decks, phase, module, progress, {"sr": settings}, loaded))
    parts = [result, *result.more]
    warnings = [w.describe(str(source)) if w.line else f"{source}: {w.message}"
                for part in parts for w in part.warnings]
    suspended, not_here = _suspend_imported(ctx, parts)
    if not_here:
        warnings.append(f"{source}: {not_here} cards are suspended in Anki, but the deck is "
                        "outside your decks folder, so they are not suspended here")

    def summary(part: "Imported") -> dict[str, object]:
        report = part.report
        return {"deck": str(part.path), "module": part.module.slug,
                "phase": part.module.phase, "cards": sum(part.kinds.values()),
                "added": len(report.added), "updated": len(report.changed),
                "unchanged": len(report.kept), "retired": report.retired,
                "suspended": len(part.suspended)}

    if as_json:
        print_json({**summary(result), "format": result.format, "warnings": warnings,
                    "modules": [summary(part) for part in parts]})
        return
    lines: list[tuple[str, str]] = []
    for part in parts:
        report = part.report
        kinds = part.kinds
        verb = "Wrote" if report.added or report.changed or report.retired or \
            not part.report.kept else "Unchanged"
        lines.append((f"{verb} {part.path}: {sum(kinds.values())} cards ("
                      + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + f") read as "
                      f"{result.format}; {len(report.added)} new, {len(report.changed)} "
                      f"updated, {len(report.retired)} retired.", ""))
    if suspended:
        lines.append((f"{suspended} cards suspended in Anki stay suspended (pmquiz search "
                      "--suspended lists them).", ""))
    lines.extend((f"warning: {warning}", "yellow") for warning in warnings)
    say_lines(lines)


def _suspend_imported(ctx: typer.Context, parts: list["Imported"]) -> tuple[int, int]:
    """Mark, in this home's store, the imported cards Anki had suspended, to be suspended
    when their deck is next read (no sync here: the import stays quick): (cards marked,
    cards whose deck this home does not load)."""
    wanted = [(part, card_id) for part in parts for card_id in part.suspended]
    if not wanted:
        return 0, 0
    import json

    from pmquiz.config import load_settings
    from pmquiz.store.decks import PENDING_SUSPEND
    from pmquiz.workspace import deck_files

    opts = options(ctx)
    shipped = load_settings(paths.config_path(opts.home)).shipped_decks
    loaded = {p.resolve() for p in deck_files(opts.home, list(opts.decks), shipped)}
    here = [f"{part.module.slug}/{card_id}" for part, card_id in wanted
            if part.path.resolve() in loaded]
    if here:
        with workspace(ctx, sync=False) as ws:
            before = json.loads(ws.store.meta.get(PENDING_SUSPEND) or "[]")
            ws.store.meta.set(PENDING_SUSPEND, json.dumps(sorted({*before, *here})))
    return len(here), len(wanted) - len(here)


def _spaced_repetition(separators: list[str], tags: list[str]) -> dict[str, object]:
    """The Obsidian Spaced Repetition settings `--separator` and `--tag` set (over the
    vault's own and the plugin's defaults)."""
    from pmquiz.errors import ImportFormatError

    names = {"inline": "inline", "inline-reversed": "inline_reversed",
             "multiline": "multiline", "multiline-reversed": "multiline_reversed"}
    given: dict[str, object] = {}
    for value in separators:
        key, found, text = value.partition("=")
        if found and key.strip() in names:
            given[names[key.strip()]] = text
        elif found and key.strip():
            raise ImportFormatError(f"--separator {value!r}: the kind must be one of "
                                    + ", ".join(names) + " (or give TEXT alone for inline)")
        else:
            given["inline"] = value
    if any(not str(v) for v in given.values()):
        raise ImportFormatError("--separator needs some text to split on")
    if tags:
        given["tags"] = tuple(t.lstrip("#") for t in tags)
    return given


@progress_app.command("export")
@reports_errors
def progress_export(
    ctx: typer.Context, output: OutputOpt = None,
    share: Annotated[bool, typer.Option(
        "--share", help="For a course author's cohort report: your random learner id on "
                        "every review, card kinds and phases; no name, no path.")] = False,
    with_answers: Annotated[bool, typer.Option(
        "--with-answers", help="With --share: include your typed answers too (the option "
                               "you picked on a choice card is always included).")] = False,
) -> None:
    """Your review log as JSON Lines (one review a line), for another machine, or with
    --share for a course author."""
    from pmquiz.deck import replace_atomically
    from pmquiz.interop.progress import export_lines, share_lines

    if with_answers and not share:
        raise typer.BadParameter("--with-answers goes with --share", param_hint="--with-answers")
    # line by line from the database cursor: memory stays flat however long the log
    written = 0
    with workspace(ctx) as ws:
        def lines() -> Iterator[str]:
            return share_lines(ws.store, with_answers) if share else export_lines(ws.store)

        if output is None:
            for line in lines():
                sys.stdout.write(line + "\n")
            return

        def write(tmp: Path) -> None:
            nonlocal written
            with tmp.open("w", encoding="utf-8", newline="\n") as handle:
                for line in lines():
                    handle.write(line + "\n")
                    written += 1

        replace_atomically(output, write)
    say(console(stderr=True), f"Wrote {output}: {written} reviews.", markup=False)


@progress_app.command("import")
@reports_errors
def progress_import(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                           help="A file made by `pmquiz progress export`.")],
    as_json: JsonOpt = False,
) -> None:
    """Merge another machine's review log; card states are rebuilt from the merged log."""
    from pmquiz.interop.progress import import_progress, review_lines
    from pmquiz.workspace import make_clock

    with workspace(ctx) as ws:
        scheduler = ws.scheduler()
        now = make_clock()()
        lines = review_lines(source, now)  # read by a copy from now on
        result = with_progress("cards", lambda progress: import_progress(
            ws.store, source, scheduler, now, progress, lines))
    if as_json:
        print_json({"read": result.read, "added": result.added, "skipped": result.skipped,
                    "cards_rebuilt": result.cards})
        return
    say(console(), f"Read {result.read} reviews: {result.added} new, {result.skipped} already "
                    f"here; {result.cards} cards rescheduled.")
