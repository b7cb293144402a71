"""`pmquiz classify`: classification drills and statement checks."""

import sys
from typing import Annotated, Any

import typer

from pmquiz.commands.base import (
    JsonOpt,
    ModuleOpt,
    PhaseOpt,
    SlowProgress,
    app,
    console,
    interactive,
    print_json,
    reports_errors,
    scope_of,
    workspace,
)
from pmquiz.errors import StoreError
from pmquiz.ui.text import say


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
    label: Annotated[str | None, typer.Option(
        "--is", help="Label the statement with this category: later checks use it.")] = None,
    labels: Annotated[bool, typer.Option("--labels", help="List your labels.")] = False,
    unlabel: Annotated[int | None, typer.Option(
        "--unlabel", metavar="ID", help="Remove one of your labels (its id from --labels).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A fast drill: which category does each statement belong to? Or check one statement."""
    import random

    from pmquiz.classify import (
        Drill,
        category_sets,
        drill_cards,
        resolve_set,
        set_names,
    )
    from pmquiz.recorder import Recorder
    from pmquiz.sentence_model import as_utf8
    from pmquiz.statement_check import check_statement
    from pmquiz.workspace import make_clock

    if statement is not None:  # typed in another encoding: stored and shown as UTF-8
        statement = as_utf8(statement)
    with workspace(ctx) as ws:
        clock = make_clock()
        out = console(stderr=as_json)
        scope = scope_of(phase, module, ws)
        sets = category_sets(ws.store, scope)
        if not sets:
            raise StoreError("no classify cards here; compile a module with an `A vs B` "
                             "comparison or add classify cards to a deck")
        if labels or unlabel is not None:
            _labels(ws, unlabel, as_json)
            return
        if label is not None:
            if statement is None:
                raise typer.BadParameter("give the statement to label", param_hint="--is")
            category_set = category_set or _set_of(sets, label)
        chosen_set = resolve_set(sets, category_set, set_names(ws.store))
        if label is not None and statement is not None:
            assert chosen_set is not None
            if label not in chosen_set.split("/"):
                raise typer.BadParameter(f'"{label}" is not a category of {chosen_set}',
                                         param_hint="--is")
            number = ws.store.labels.add(statement, chosen_set, label, clock())
            say(console(stderr=True), f"Label {number} kept: “{statement}” is {label} "
                                      "(pmquiz classify --labels lists them).")
        if statement is not None:
            # A set's evidence is embedded once (then cached): seconds for a large one.
            reading = SlowProgress("Reading the comparison's cards for their meaning")
            try:
                check = check_statement(ws.store, scope, statement, chosen_set,
                                        progress=reading)
            finally:
                reading.stop()
            from pmquiz.meaning import Embedder
            from pmquiz.sentence_model import NAME, installed

            sentences = installed()  # else the word vectors judged, by their weaker rule
            if as_json:
                print_json({**check.to_dict(), "model": NAME if sentences else Embedder.name})
            else:
                from pmquiz.ui.drill import show_check

                show_check(out, check, word_vectors=not sentences)
            return
        ui: Any
        if interactive() and not as_json:
            from pmquiz.ui.drill import TerminalDrillUI

            if chosen_set is None and len(sets) > 1:
                import questionary

                from pmquiz.ui.text import clean

                shown = {clean(s): s for s in sets}  # set names come from deck files
                picked = questionary.select(
                    "Which categories?", choices=[*shown, "All of them"]).unsafe_ask()
                chosen_set = shown.get(picked)
            ui = TerminalDrillUI(out)
        else:
            from pmquiz.ui.drill import LineDrillUI

            ui = LineDrillUI(stdout=sys.stderr if as_json else sys.stdout)
        rng = random.Random()
        cards, left_out = drill_cards(ws.store, ws.settings, ws.scheduler(), clock(), scope,
                                      chosen_set, rounds, rng)
        recorder = Recorder(ws.store, ws.scheduler(), clock, mode="classify")
        result = Drill(recorder, ui).run(cards)
        result.left_out = left_out
    if as_json:
        print_json(result.to_dict())
    else:
        from pmquiz.ui.drill import drill_summary

        drill_summary(out, result)
    if result.stopped_by == "interrupt":
        raise typer.Exit(130)


def _set_of(sets: list[str], category: str) -> str:
    """The one category set that holds a category (as the label names it)."""
    holding = [s for s in sets if category in s.split("/")]
    if len(holding) != 1:
        raise typer.BadParameter(
            f'"{category}" is a category of {len(holding)} sets; name one with --set' if holding
            else f'"{category}" is no category; sets: ' + "; ".join(sets), param_hint="--is")
    return holding[0]


def _labels(ws: Any, unlabel: int | None, as_json: bool) -> None:
    """List the learner's labels, or remove one."""
    if unlabel is not None:
        if not ws.store.labels.remove(unlabel):
            raise StoreError(f"no label {unlabel} (pmquiz classify --labels lists them)")
        say(console(stderr=True), f"Label {unlabel} removed.")
        return
    found = ws.store.labels.all()
    if as_json:
        print_json({"labels": [{"id": i, "statement": text, "category_set": name,
                                "category": category, "time": when.isoformat() if when else None}
                               for i, text, name, category, when in found]})
        return
    out = console()
    if not found:
        say(out, "No labels yet: pmquiz classify \"STATEMENT\" --is CATEGORY keeps one.")
    for i, text, name, category, _ in found:
        say(out, f"{i:>4}  {category}  ← “{text}”  ({name})", soft_wrap=True)

