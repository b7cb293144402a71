"""`pmquiz doctor`: check the database, and repair what disagrees with the review log."""

from typing import Annotated

import typer

from pmquiz.commands.base import (
    JsonOpt,
    app,
    console,
    options,
    print_json,
    reports_errors,
    with_progress,
    workspace,
)


@app.command()
@reports_errors
def doctor(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(
        "--repair", help="Back up the database, then rebuild every card state and review "
                         "link from the review log.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check the database as Anki's Check Database does; exit 1 if a problem remains."""
    from pmquiz import doctor as checks
    from pmquiz.workspace import make_clock

    now = make_clock()()
    salvaged = None
    if repair:
        from pmquiz import paths
        from pmquiz.salvage import is_damaged, salvage

        path = paths.database_path(options(ctx).home)
        if is_damaged(path):
            salvaged = salvage(path)
    # no deck sync: nothing is written to a damaged file unless --repair was asked for
    with workspace(ctx, check_damage=False, sync=False) as ws:
        scheduler = ws.scheduler()
        work = checks.repair if repair else checks.examine
        found = with_progress("cards", lambda progress: work(ws.store, scheduler, now,
                                                             progress))
    found.salvaged = salvaged
    if as_json:
        print_json(found.to_dict())
    else:
        from pmquiz.ui.render import doctor_report

        doctor_report(console(), found)
    if not found.ok:
        raise typer.Exit(1)
