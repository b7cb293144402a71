"""The typer app: parse arguments, call one function, render, map errors to exit codes.

Exit codes: 0 ok, 1 error (bad deck, database problem...), 2 usage, 130 interrupted.
"""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at start-up (about 20 ms of `--help`); names only for type checking are quoted.
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from pmquiz import paths
from pmquiz.errors import DeckErrors, PmquizError, StoreError

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.model import Deck
    from pmquiz.store import Scope
    from pmquiz.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    help="Spaced-repetition quizzes for the product-management course.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Options:
    """Options given before the command name."""

    def __init__(self, home: Path, decks: list[Path] | None = None):
        self.home = home
        self.decks = decks or []


def console(stderr: bool = False) -> "Console":
    """A rich console; highlighting off so numbers in card text are not recoloured."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `pmquiz: message` on stderr and return the exit to raise."""
    err = console(stderr=True)
    err.print(f"pmquiz: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn pmquiz's own errors, SQLite failures and Ctrl-C into messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DeckErrors as exc:
            count = len(exc.errors)
            raise fail(f"{count} problem{'s' if count != 1 else ''} in deck files:\n"
                       + "\n".join(e.describe() for e in exc.errors)) from None
        except PmquizError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as exc:
            import sqlite3  # imported here: start-up does not pay for it

            if not isinstance(exc, sqlite3.Error):
                raise
            from pmquiz.store import describe_sqlite_error

            home = paths.home_dir()
            raise fail(describe_sqlite_error(paths.database_path(home), exc)) from None

    return wrapper  # type: ignore[return-value]


def options(ctx: typer.Context) -> Options:
    """The options given before the command (or their defaults)."""
    found = ctx.find_object(Options)
    return found if found is not None else Options(home=paths.home_dir())


def workspace(ctx: typer.Context, **overrides: object) -> "Workspace":
    """Open the learner's home with decks synced."""
    from pmquiz.workspace import open_workspace

    opts = options(ctx)
    return open_workspace(opts.home, opts.decks, overrides)


def scope_of(phase: int | None, module: str | None, ws: "Workspace | None" = None) -> "Scope":
    """The cards a command is narrowed to; a phase or module that does not exist is a usage
    error naming the ones that do."""
    from pmquiz.errors import UsageError
    from pmquiz.store import Scope

    if ws is not None and (phase is not None or module is not None):
        known = ws.store.modules()
        if module is not None and module not in {m["slug"] for m in known}:
            raise UsageError(f'--module {module}: no such module; modules: '
                             + ", ".join(str(m["slug"]) for m in known))
        if phase is not None and phase not in {m["phase"] for m in known}:
            raise UsageError(f"--phase {phase}: no cards in that phase; phases: "
                             + ", ".join(sorted({str(m["phase"]) for m in known})))
    return Scope(phase=phase, module=module)


def print_json(data: object) -> None:
    """Raw figures for scripts: ISO dates, fractions, counts."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


PhaseOpt = Annotated[int | None, typer.Option("--phase", "-p", help="Only this phase.")]
ModuleOpt = Annotated[str | None, typer.Option("--module", "-m", help="Only this module (slug).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option(
        "--home", metavar="DIR", help="Folder for the database, config and your decks "
                       "(default: $PMQUIZ_HOME or the user data folder).")] = None,
    decks: Annotated[list[Path] | None, typer.Option(
        "--decks", metavar="DIR",
        help="Also load deck files from this folder (repeatable).")] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    """Today at a glance when no command is given."""
    if version:
        from pmquiz import __version__

        typer.echo(f"pmquiz {__version__}")
        raise typer.Exit
    ctx.obj = Options(home=home.expanduser() if home else paths.home_dir(), decks=decks or [])
    if ctx.invoked_subcommand is None:
        overview(ctx)


def overview(ctx: typer.Context) -> None:
    """What is due today, per phase and module (`pmquiz` with no command)."""
    due(ctx, phase=None, module=None, as_json=False)


@app.command()
@reports_errors
def due(ctx: typer.Context, phase: PhaseOpt = None, module: ModuleOpt = None,
        as_json: JsonOpt = False) -> None:
    """Counts of new, learning and due cards for today."""
    from pmquiz.today import today
    from pmquiz.ui.render import today_table
    from pmquiz.workspace import make_clock

    ws = workspace(ctx)
    now = make_clock()()
    try:
        result = today(ws.store, ws.settings, now, scope_of(phase, module, ws))
    finally:
        ws.close()
    if as_json:
        print_json(result.to_dict())
    else:
        today_table(console(), result, now)


def interactive() -> bool:
    """Both ends are a terminal: use questionary and single keys, else the line protocol."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@app.command()
@reports_errors
def study(
    ctx: typer.Context,
    phase: PhaseOpt = None,
    module: ModuleOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1,
                                              help="Ask at most this many cards.")] = None,
    new_per_day: Annotated[int | None, typer.Option("--new-per-day", min=0)] = None,
    reviews_per_day: Annotated[int | None, typer.Option("--reviews-per-day", min=0)] = None,
    retention: Annotated[float | None, typer.Option(
        "--retention", help="Desired retention, 0.70-0.99 (default 0.90).")] = None,
    learning_steps: Annotated[str | None, typer.Option(
        "--learning-steps", help='Steps for new cards, e.g. "1m 10m".')] = None,
    relearning_steps: Annotated[str | None, typer.Option(
        "--relearning-steps", help='Steps after a lapse, e.g. "10m".')] = None,
    day_starts_at: Annotated[int | None, typer.Option(
        "--day-starts-at", min=0, max=23, help="Hour the learning day starts (default 4).")
    ] = None,
    fuzz: Annotated[bool | None, typer.Option("--fuzz/--no-fuzz",
                                              help="Anki's interval fuzz.")] = None,
) -> None:
    """The daily session: due reviews first, then new cards; failed cards come back."""
    from pmquiz.session import Study, plan_session
    from pmquiz.ui.render import summary_panel
    from pmquiz.workspace import make_clock

    ws = workspace(ctx, new_per_day=new_per_day, reviews_per_day=reviews_per_day,
                   desired_retention=retention, day_starts_at=day_starts_at, fuzz=fuzz,
                   learning_steps=tuple(learning_steps.split()) if learning_steps else None,
                   relearning_steps=tuple(relearning_steps.split())
                   if relearning_steps is not None else None)
    clock = make_clock()
    out = console()
    try:
        scope = scope_of(phase, module, ws)
        plan = plan_session(ws.store, ws.settings, clock(), scope, limit)
        ui: Any
        if interactive():
            from pmquiz.ui.study import TerminalStudyUI

            ui = TerminalStudyUI(out)
        else:
            from pmquiz.ui.study import LineStudyUI

            ui = LineStudyUI()
        summary = Study(ws.store, ws.scheduler(), ui, clock).run(plan, scope)
    finally:
        ws.close()
    summary_panel(out, summary, clock())
    if summary.stopped_by == "interrupt":
        raise typer.Exit(130)


@app.command()
@reports_errors
def stats(
    ctx: typer.Context,
    phase: PhaseOpt = None,
    module: ModuleOpt = None,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=3650,
                                      help="Window for accuracy, retention and history.")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """Scores per phase and module, readiness over time, calendar, forecast, hardest cards."""
    from pmquiz.stats import report
    from pmquiz.workspace import make_clock

    ws = workspace(ctx)
    now = make_clock()()
    try:
        result = report(ws.store, ws.settings, ws.scheduler().parameters, now,
                        scope_of(phase, module, ws), days)
    finally:
        ws.close()
    if as_json:
        print_json(result.to_dict())
        return
    from pmquiz.ui.stats_view import show_stats

    show_stats(console(), result)


@app.command()
@reports_errors
def classify(
    ctx: typer.Context,
    statement: Annotated[str | None, typer.Argument(
        help="Check which category this statement belongs to (no drill).")] = None,
    phase: PhaseOpt = None,
    module: ModuleOpt = None,
    category_set: Annotated[str | None, typer.Option(
        "--set", "-s", help='Category set, e.g. "Product management/Project management".')
    ] = None,
    rounds: Annotated[int, typer.Option("--rounds", "-r", min=1,
                                        help="Statements per drill.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """A fast drill: which category does each statement belong to? Or check one statement."""
    import random

    from pmquiz.classify import (
        MATCH,
        Drill,
        category_sets,
        check_statement,
        drill_cards,
        resolve_set,
        set_names,
    )
    from pmquiz.session import Study
    from pmquiz.workspace import make_clock

    ws = workspace(ctx)
    clock = make_clock()
    out = console(stderr=as_json)
    try:
        scope = scope_of(phase, module, ws)
        sets = category_sets(ws.store, scope)
        if not sets:
            raise StoreError("no classify cards here; compile a module with an `A vs B` "
                             "comparison or add classify cards to a deck")
        chosen_set = resolve_set(sets, category_set, set_names(ws.store))
        if statement is not None:
            matches = check_statement(ws.store, scope, statement, chosen_set)
            if as_json:
                best = matches[0] if matches and matches[0].score >= MATCH else None
                print_json({"statement": statement,
                            "match": best.to_dict() if best else None,
                            "category": best.card.card.answer if best else None,
                            "score": round(matches[0].score, 3) if matches else None,
                            "source": best.card.card.source if best else None,
                            "nearest": [m.to_dict() for m in matches]})
            else:
                from pmquiz.ui.drill import show_matches

                show_matches(out, statement, matches, MATCH)
            return
        ui: Any
        if interactive() and not as_json:
            from pmquiz.ui.drill import TerminalDrillUI

            if chosen_set is None and len(sets) > 1:
                import questionary

                picked = questionary.select(
                    "Which categories?", choices=[*sets, "All of them"]).unsafe_ask()
                chosen_set = None if picked == "All of them" else picked
            ui = TerminalDrillUI(out)
        else:
            from pmquiz.ui.drill import LineDrillUI

            ui = LineDrillUI(stdout=sys.stderr if as_json else sys.stdout)
        rng = random.Random()
        cards = drill_cards(ws.store, ws.settings, ws.scheduler(), clock(), scope, chosen_set,
                            rounds, rng)
        study = Study(ws.store, ws.scheduler(), None, clock, mode="classify",  # type: ignore[arg-type]
                      rng=rng)
        result = Drill(study, ui).run(cards)
    finally:
        ws.close()
    if as_json:
        print_json(result.to_dict())
    else:
        from pmquiz.ui.drill import drill_summary

        drill_summary(out, result)
    if result.stopped_by == "interrupt":
        raise typer.Exit(130)


@app.command()
@reports_errors
def decks(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Phases, modules and card counts."""
    from pmquiz.ui.render import decks_table

    ws = workspace(ctx)
    try:
        modules = ws.store.modules()
    finally:
        ws.close()
    if as_json:
        print_json({"modules": modules})
    else:
        decks_table(console(), modules)


@app.command()
@reports_errors
def check(
    ctx: typer.Context,
    targets: Annotated[list[Path] | None, typer.Argument(
        help="Deck files or folders (default: every deck pmquiz loads).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate deck files; exit 1 with path:line errors if any is wrong."""
    from pmquiz.config import load_settings
    from pmquiz.deck import discover, load_decks
    from pmquiz.workspace import deck_dirs

    opts = options(ctx)
    shipped = load_settings(paths.config_path(opts.home)).shipped_decks
    files = discover(targets or deck_dirs(opts.home, opts.decks, shipped))
    missing = [t for t in targets or [] if not t.exists()]
    if missing:
        raise fail(f"{missing[0]}: no such file or folder", 2)
    try:
        loaded = load_decks(files)
    except DeckErrors as exc:
        if as_json:
            print_json({"ok": False, "errors": [
                {"path": str(e.path), "line": e.line, "card": e.card_id, "message": e.detail}
                for e in exc.errors]})
            raise typer.Exit(1) from None
        raise
    cards = sum(len(d.cards) for d in loaded)
    if as_json:
        print_json({"ok": True, "decks": len(loaded), "cards": cards,
                    "files": [str(f) for f in files]})
    else:
        console().print(f"ok: {len(loaded)} deck{'s' if len(loaded) != 1 else ''}, "
                        f"{cards} cards")


@app.command("compile")
@reports_errors
def compile_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(
        help="A course page copied as text, or a Markdown module (with --check: a folder "
             "of decks).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Deck file to write (default: your decks folder, "
                               "phase-N/<module>.toml). An existing deck keeps its ids.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", min=0,
                                              help="Phase number, if the text has none.")] = None,
    check_only: Annotated[bool, typer.Option(
        "--check", help="Exit 1 if a deck differs from what its source compiles to.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Compile module text into a deck you can study at once."""
    from pmquiz.compile import check_decks, compile_module, existing_deck
    from pmquiz.deck import write_atomic

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
                console().print(f"{'ok  ' if r.ok else 'FAIL'} {r.deck}: {r.message}",
                                markup=False)
        if stale:
            raise typer.Exit(1)
        return
    if not source.is_file():
        raise fail(f"{source}: no such file", 2)
    target = output
    if target is None:
        first = compile_module(source, phase=phase)
        target = paths.user_decks_dir(options(ctx).home) / \
            f"phase-{first.deck.module.phase}" / f"{first.deck.module.slug}.toml"
    existing = existing_deck(target)
    source_name = source.name if source.resolve().parent == target.resolve().parent \
        else str(source.resolve())
    compiled = compile_module(source, phase=phase, existing=existing, source_name=source_name)
    write_atomic(target, compiled.text)
    report = compiled.report
    if as_json:
        print_json({"deck": str(target), "module": compiled.deck.module.to_dict(),
                    "cards": len(compiled.deck.cards), "kinds": compiled.kinds,
                    "added": report.added, "changed": report.changed, "kept": report.kept,
                    "retired": report.retired, "hand_written": report.hand_written,
                    "warnings": [w.describe(str(source)) for w in compiled.warnings]})
        return
    out = console()
    kinds = ", ".join(f"{k} {v}" for k, v in compiled.kinds.items())
    out.print(f"Wrote {target}: {len(compiled.deck.cards)} cards ({kinds})", markup=False)
    if existing is not None:
        out.print(f"  ids kept: {len(report.kept)} unchanged, {len(report.changed)} reworded; "
                  f"{len(report.added)} added; {len(report.hand_written)} hand-written kept; "
                  f"{len(report.retired)} retired", markup=False)
        for card_id in report.retired:
            out.print(f"  retired: {card_id}", markup=False)
    for warning in compiled.warnings:
        out.print(f"warning: {warning.describe(str(source))}", markup=False, style="yellow")


@app.command()
@reports_errors
def undo(ctx: typer.Context) -> None:
    """Undo the last answer: its review is removed and the card's state restored."""
    ws = workspace(ctx)
    try:
        last = ws.store.last_review()
        if last is None:
            raise StoreError("nothing to undo: no answers recorded yet")
        review_id, _, key, when, rating = last
        scheduler = ws.scheduler()
        ws.store.undo(review_id, scheduler.replay)
    finally:
        ws.close()
    console().print(f"Undid {rating.label} on {key} (answered {when:%Y-%m-%d %H:%M} UTC).",
                    markup=False)


ReviewsOpt = Annotated[Path | None, typer.Option(
    "--reviews", help="A review history CSV (card_id, review_time, review_rating, "
                      "review_duration) to use instead of your own; your data is not touched.")]


def fitting_items(ctx: typer.Context, reviews: Path | None) -> tuple[list[Any], str, Any]:
    """Items from a CSV, or from the learner's own log (with the workspace, still open)."""
    from pmquiz.optimize import items_from, own_items, read_revlog_csv, twenty_four_hour_days

    if reviews is not None:
        if not reviews.is_file():
            raise fail(f"{reviews}: no such file", 2)
        return items_from(read_revlog_csv(reviews), twenty_four_hour_days), reviews.name, None
    ws = workspace(ctx)
    return (own_items(ws.store.review_rows(), ws.settings.day_starts_at, ws.settings.timezone),
            "your reviews", ws)


@app.command("evaluate")
@reports_errors
def evaluate_command(ctx: typer.Context, reviews: ReviewsOpt = None,
                     as_json: JsonOpt = False) -> None:
    """How well does the scheduler predict recall? Log loss, RMSE(bins), AUC."""
    from pmquiz.optimize import default_parameters, evaluate

    items, source, ws = fitting_items(ctx, reviews)
    try:
        current = list(ws.settings.parameters) if ws and ws.settings.parameters else \
            default_parameters()
        result = _with_progress("folds", lambda progress: evaluate(items, current, progress))
    finally:
        if ws:
            ws.close()
    if as_json:
        print_json(result.to_dict() | {"source": source})
        return
    from pmquiz.ui.fit_view import show_evaluation

    show_evaluation(console(), result, source)


@app.command("optimize")
@reports_errors
def optimize_command(ctx: typer.Context, reviews: ReviewsOpt = None,
                     as_json: JsonOpt = False) -> None:
    """Fit FSRS parameters to your review log, keep them if better, and reschedule."""
    import json as json_module
    from dataclasses import replace

    from pmquiz.optimize import default_parameters, optimize
    from pmquiz.workspace import PARAMETERS_KEY, make_clock

    items, source, ws = fitting_items(ctx, reviews)
    rescheduled = 0
    try:
        current = list(ws.settings.parameters) if ws and ws.settings.parameters else \
            default_parameters()
        fitted = optimize(items, current)
        if fitted.adopted and ws is not None and fitted.new is not None:
            from pmquiz.scheduler import Scheduler

            ws.store.set_meta(PARAMETERS_KEY, json_module.dumps({
                "parameters": fitted.new, "fitted": make_clock()().isoformat(),
                "reviews": fitted.items}))
            scheduler = Scheduler(replace(ws.settings, parameters=tuple(fitted.new)))
            rescheduled = _with_progress("cards", lambda progress: ws.store.rebuild_states(
                scheduler.replay_steps, progress))
    finally:
        if ws:
            ws.close()
    if as_json:
        print_json(fitted.to_dict() | {"source": source, "rescheduled": rescheduled})
        return
    from pmquiz.ui.fit_view import show_fit

    show_fit(console(), fitted, source)
    if rescheduled:
        console().print(f"Saved; {rescheduled} cards rescheduled with the new parameters.")
    elif reviews is not None and fitted.new is not None:
        console().print("(fitted on a file: your own parameters were not changed)")


export_app = typer.Typer(help="Export decks for Anki.", add_completion=False,
                         rich_markup_mode=None)
progress_app = typer.Typer(help="Move your review history between machines.",
                           add_completion=False, rich_markup_mode=None)
app.add_typer(export_app, name="export")
app.add_typer(progress_app, name="progress")


def decks_in_scope(ctx: typer.Context, phase: int | None) -> list["Deck"]:
    """The decks pmquiz loads (validated), narrowed to a phase."""
    from pmquiz.config import load_settings
    from pmquiz.deck import discover, load_decks
    from pmquiz.workspace import deck_dirs

    opts = options(ctx)
    shipped = load_settings(paths.config_path(opts.home)).shipped_decks
    found = load_decks(discover(deck_dirs(opts.home, opts.decks, shipped)))
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

    chosen = decks_in_scope(ctx, phase)
    target = output or Path(f"pmquiz{f'-phase-{phase}' if phase is not None else ''}.apkg")
    notes = write_package(chosen, target)
    console().print(f"Wrote {target}: {notes} notes in {len(chosen)} decks.", markup=False)


@export_app.command("text")
@reports_errors
def export_text(ctx: typer.Context, phase: PhaseOpt = None, output: OutputOpt = None) -> None:
    """Anki "notes in plain text" with #guid, #deck, #notetype and #tags columns."""
    from pmquiz.deck import write_atomic
    from pmquiz.interop.anki_text import write_text_export

    text = write_text_export(decks_in_scope(ctx, phase))
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)
    console(stderr=True).print(f"Wrote {output}.", markup=False)


def progress_bar() -> Any:
    """A rich progress bar on stderr, or nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    return Progress(console=console(stderr=True), transient=True)


def _with_progress(label: str, work: Callable[[Callable[[int, int], None] | None], Any]) -> Any:
    bar = progress_bar()
    if bar is None:
        return work(None)
    with bar:
        task = bar.add_task(label, total=None)
        return work(lambda done, total: bar.update(task, completed=done, total=total))


@app.command("import")
@reports_errors
def import_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(
        help="An Anki text export, an .apkg package, or a Markdown Q/A file.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Deck file to write (default: your decks folder, "
                               "imported/<name>.toml). An existing deck keeps its ids.")] = None,
    phase: Annotated[int | None, typer.Option("--phase", "-p", min=0)] = None,
    module: Annotated[str | None, typer.Option("--module", "-m",
                                               help="Module title for the deck.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Turn an Anki export or a Q/A file into a pmquiz deck you can study and edit."""
    from pmquiz.interop.importer import import_file

    if not source.is_file():
        raise fail(f"{source}: no such file", 2)
    home_decks = paths.user_decks_dir(options(ctx).home)
    result = _with_progress("notes", lambda progress: import_file(
        source, output, home_decks, phase, module, progress))
    report = result.report
    warnings = [w.describe(str(source)) if w.line else f"{source}: {w.message}"
                for w in result.warnings]
    if as_json:
        print_json({"deck": str(result.path), "format": result.format,
                    "cards": len(result.deck.cards), "added": len(report.added),
                    "updated": len(report.changed), "unchanged": len(report.kept),
                    "retired": report.retired, "warnings": warnings})
        return
    kinds: dict[str, int] = {}
    for card in result.deck.cards:
        kinds[card.kind.value] = kinds.get(card.kind.value, 0) + 1
    out = console()
    out.print(f"Wrote {result.path}: {len(result.deck.cards)} cards ("
              + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + f") from a "
              f"{result.format} file; {len(report.added)} new, {len(report.changed)} updated, "
              f"{len(report.retired)} retired.", markup=False, soft_wrap=True)
    for warning in warnings:
        out.print(f"warning: {warning}", markup=False, style="yellow", soft_wrap=True)


@progress_app.command("export")
@reports_errors
def progress_export(ctx: typer.Context, output: OutputOpt = None) -> None:
    """Your review log as JSON Lines (one review a line), for another machine."""
    from pmquiz.deck import write_atomic
    from pmquiz.interop.progress import export_lines

    ws = workspace(ctx)
    try:
        text = "".join(line + "\n" for line in export_lines(ws.store))
    finally:
        ws.close()
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        console(stderr=True).print(f"Wrote {output}: {text.count(chr(10))} reviews.",
                                   markup=False)


@progress_app.command("import")
@reports_errors
def progress_import(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A file made by `pmquiz progress export`.")],
    as_json: JsonOpt = False,
) -> None:
    """Merge another machine's review log; card states are rebuilt from the merged log."""
    from pmquiz.interop.progress import import_progress

    if not source.is_file():
        raise fail(f"{source}: no such file", 2)
    ws = workspace(ctx)
    try:
        scheduler = ws.scheduler()
        result = _with_progress("cards", lambda progress: import_progress(
            ws.store, source, scheduler.replay_steps, progress))
    finally:
        ws.close()
    if as_json:
        print_json({"read": result.read, "added": result.added, "skipped": result.skipped,
                    "cards_rebuilt": result.cards})
        return
    console().print(f"Read {result.read} reviews: {result.added} new, {result.skipped} already "
                    f"here; {result.cards} cards rescheduled.", markup=False)


def main() -> None:
    """Console-script entry point."""
    app()
