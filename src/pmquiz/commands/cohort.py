"""`pmquiz cohort report`: what a cohort's shared logs say about each card."""

from pathlib import Path
from typing import Annotated, Any

import typer

from pmquiz.commands.base import JsonOpt, app, console, print_json, reports_errors
from pmquiz.ui.text import say

cohort_app = typer.Typer(help="For course authors: what a cohort's shared logs say about "
                              "each card.", add_completion=False, no_args_is_help=True)
app.add_typer(cohort_app, name="cohort")

LogsArg = Annotated[list[str], typer.Argument(
    help="Shared logs (`pmquiz progress export --share`): files, folders or globs of "
         ".jsonl or .parquet files.")]


def cohort_report(ctx: typer.Context, logs: list[str], engine: str = "duckdb"
                  ) -> dict[str, Any]:
    """The report over `logs`, with the keys and options of the decks this home loads."""
    from pmquiz.cohort.analysis import analyse
    from pmquiz.cohort.report import build
    from pmquiz.commands.daily import target_files
    from pmquiz.deck import load_decks

    decks = {card.key: card for deck in load_decks(target_files(ctx, None))
             for card in deck.cards}
    return build(analyse(logs, engine=engine), decks)


@cohort_app.command("report")
@reports_errors
def report_command(
    ctx: typer.Context, logs: LogsArg,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write the report with its figures as one HTML file that opens "
                       "offline.")] = None,
    every_card: Annotated[bool, typer.Option(
        "--all", help="List every card, not only those with a finding.")] = False,
    engine: Annotated[str, typer.Option(
        "--engine", help="duckdb (in process, one machine) or spark (the same SQL on Spark: "
                         "the spark extra and a Java runtime).")] = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """Per card: facility, discrimination, lapses, answer times, options by ability third,
    frequent wrong answers and overrides, with findings; per module and phase: retention,
    mastery, days to mastery and learners who stopped."""
    if engine not in ("duckdb", "spark"):
        raise typer.BadParameter("duckdb or spark", param_hint="--engine")
    report = cohort_report(ctx, logs, engine)
    if html is not None:
        from pmquiz.cohort.page import page
        from pmquiz.deck import write_atomic

        write_atomic(html, page(report))
    if as_json:
        print_json(report)
        return
    from pmquiz.cohort.render import show

    out = console()
    show(out, report, every_card)
    if html is not None:
        say(out, f"Wrote {html}.")
