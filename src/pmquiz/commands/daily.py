"""The everyday commands: today at a glance, study, decks, check, undo."""

from pathlib import Path
from typing import Annotated, Any

import typer

from pmquiz import paths
from pmquiz.commands.base import (
    JsonOpt,
    ModuleOpt,
    PhaseOpt,
    app,
    console,
    interactive,
    options,
    print_json,
    reports_errors,
    scope_of,
    workspace,
)
from pmquiz.errors import DeckErrors, StoreError
from pmquiz.ui.text import say


def overview(ctx: typer.Context) -> None:
    """What is due today, per phase and module (`pmquiz` with no command)."""
    due(ctx, phase=None, module=None, as_json=False)


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
    extra_new: Annotated[int, typer.Option(
        "--extra-new", min=0, max=1000,
        help="Learn this many new cards beyond today's limit.")] = 0,
) -> None:
    """The daily session: due reviews first, then new cards; failed cards come back."""
    from pmquiz.session import Study, plan_session
    from pmquiz.ui.render import summary_panel
    from pmquiz.workspace import make_clock

    with workspace(ctx, new_per_day=new_per_day, reviews_per_day=reviews_per_day,
                   desired_retention=retention, day_starts_at=day_starts_at, fuzz=fuzz,
                   learning_steps=tuple(learning_steps.split()) if learning_steps else None,
                   relearning_steps=tuple(relearning_steps.split())
                   if relearning_steps is not None else None) as ws:
        clock = make_clock()
        out = console()
        from pmquiz.doctor import quick_check

        warning = quick_check(ws.store, clock())
        if warning:
            say(console(stderr=True), f"pmquiz: {warning}", style="yellow")
        scope = scope_of(phase, module, ws)
        if extra_new:
            from dataclasses import replace

            ws.settings = replace(ws.settings, new_per_day=ws.settings.new_per_day + extra_new)
        plan = plan_session(ws.store, ws.settings, clock(), scope, limit)
        ui: Any
        editor = None
        if interactive():
            from pmquiz.ui.study import TerminalStudyUI

            ui = TerminalStudyUI(out)
            editor = card_editor(ws)
        else:
            from pmquiz.ui.study import LineStudyUI

            ui = LineStudyUI()
        summary = Study(ws.store, ws.scheduler(), ui, clock, editor=editor).run(plan, scope)
    summary_panel(out, summary, clock())
    if summary.stopped_by == "interrupt":
        raise typer.Exit(130)


def card_editor(ws: Any) -> Any:
    """Edit a card from a session: $EDITOR on its deck file, then the card as it is now."""
    from pmquiz.card_actions import edit_card
    from pmquiz.commands.cards import edit_outcome

    def edit(stored: Any) -> Any:
        import questionary

        from pmquiz.errors import PmquizError

        try:
            result = edit_card(ws, stored,
                               again=lambda q: bool(questionary.confirm(q).unsafe_ask()),
                               report=lambda text: say(console(stderr=True), text,
                                                       style="yellow", soft_wrap=True))
        except PmquizError as exc:  # no editor, a deck elsewhere broken: the session goes on
            return stored, f"Not edited: {exc}"
        return result.card, edit_outcome(result)

    return edit


@app.command()
@reports_errors
def due(ctx: typer.Context, phase: PhaseOpt = None, module: ModuleOpt = None,
        as_json: JsonOpt = False) -> None:
    """Counts of new, learning and due cards for today."""
    from pmquiz.today import today
    from pmquiz.ui.render import today_table
    from pmquiz.workspace import make_clock

    with workspace(ctx) as ws:
        now = make_clock()()
        result = today(ws.store, ws.settings, now, scope_of(phase, module, ws))
    if as_json:
        print_json(result.to_dict())
    else:
        today_table(console(), result, now)


@app.command()
@reports_errors
def decks(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Phases, modules and card counts."""
    from pmquiz.ui.render import decks_table
    from pmquiz.workspace import is_override

    with workspace(ctx) as ws:
        modules = ws.store.decks.modules()
        for module in modules:
            module["overrides_shipped"] = is_override(Path(str(module["path"])), ws.home)
    if as_json:
        print_json({"modules": modules})
    else:
        decks_table(console(), modules)


TargetsArg = Annotated[list[Path] | None, typer.Argument(
    exists=True, readable=True, help="Deck files or folders (default: every deck pmquiz loads).")]


def target_files(ctx: typer.Context, targets: list[Path] | None) -> list[Path]:
    """The deck files named, or every deck file pmquiz loads (overrides applied)."""
    from pmquiz.config import load_settings
    from pmquiz.deck import discover
    from pmquiz.workspace import deck_files

    opts = options(ctx)
    shipped = load_settings(paths.config_path(opts.home)).shipped_decks
    return discover(targets) if targets else deck_files(opts.home, opts.decks, shipped)


@app.command()
@reports_errors
def check(ctx: typer.Context, targets: TargetsArg = None, as_json: JsonOpt = False) -> None:
    """Validate deck files; exit 1 with path:line errors if any is wrong."""
    from pmquiz.deck import load_decks

    files = target_files(ctx, targets)
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
        say(console(), f"ok: {len(loaded)} deck{'s' if len(loaded) != 1 else ''}, "
                        f"{cards} cards")


@app.command()
@reports_errors
def lint(ctx: typer.Context, targets: TargetsArg = None, as_json: JsonOpt = False,
         explain: Annotated[bool, typer.Option(
             "--explain", help="Print what each rule checks, with a bad and a good card.")]
         = False,
         cohort: Annotated[list[str] | None, typer.Option(
             "--cohort", help="Shared logs of a cohort (files, folders or globs): their "
                              "findings are listed with the static ones.")] = None) -> None:
    """Find cards a learner would stumble on; exit 1 if there are any."""
    from pmquiz import lint as rules
    from pmquiz.deck import load_decks

    if explain:
        _explain_rules(as_json)
        return
    files = target_files(ctx, targets)
    decks = load_decks(files)
    found = rules.lint(decks)
    if cohort:
        from pmquiz.cohort.analysis import analyse
        from pmquiz.cohort.findings import cohort_findings

        found = sorted(found + cohort_findings(analyse(cohort), decks),
                       key=lambda f: (f.path, f.line, f.rule))
    if as_json:
        print_json({"files": [str(f) for f in files],
                    "findings": [f.to_dict() for f in found]})
    else:
        out = console()
        for finding in found:
            say(out, finding.describe(), soft_wrap=True)
        say(out, f"{len(found)} finding{'s' if len(found) != 1 else ''} in {len(files)} deck "
                 f"file{'s' if len(files) != 1 else ''}." if found else
                 f"ok: nothing to fix in {len(files)} deck file"
                 f"{'s' if len(files) != 1 else ''}.")
    if found:
        raise typer.Exit(1)


def _explain_rules(as_json: bool) -> None:
    """The lint rules, each with what it checks and a bad and a good card as deck text."""
    from pmquiz.lint.catalog import CATALOG, EXAMPLE_SETS, EXAMPLE_TITLE

    if as_json:
        print_json({"module_title": EXAMPLE_TITLE, "sets": EXAMPLE_SETS, "rules": [
            {"rule": r.name, "checks": r.checks, "bad": r.bad, "good": r.good}
            for r in CATALOG]})
        return
    out = console()
    say(out, f"{len(CATALOG)} rules. Examples are cards of a module titled "
             f"“{EXAMPLE_TITLE}” with these category sets:", soft_wrap=True)
    for line in EXAMPLE_SETS.splitlines():
        say(out, f"    {line}", soft_wrap=True)
    for rule in CATALOG:
        say(out, f"\n{rule.name}", style="bold")
        say(out, rule.checks, soft_wrap=True)
        for label, text in (("Bad (found):", rule.bad), ("Good (passes):", rule.good)):
            say(out, label, style="bold")
            for line in text.rstrip().splitlines():
                say(out, f"    {line}", soft_wrap=True)


@app.command()
@reports_errors
def undo(ctx: typer.Context) -> None:
    """Undo the last answer: its review is removed and the card's state restored."""
    with workspace(ctx) as ws:
        last = ws.store.log.last_review()
        if last is None:
            raise StoreError("nothing to undo: no answers recorded yet")
        review_id, row, key, when, rating = last
        scheduler = ws.scheduler()
        ws.store.log.undo(review_id, scheduler.replay)
        from pmquiz.kinds import shown_text

        question = shown_text(ws.store.queue.stored_card(row).card)
    say(console(), f"Undid {rating.label} on “{question}” ({key}, answered "
                   f"{when:%Y-%m-%d %H:%M} UTC).")
