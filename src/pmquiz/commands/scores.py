"""Scores and scheduling quality: `stats`, `evaluate`, `optimize`."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pmquiz.commands.base import (
    JsonOpt,
    ModuleOpt,
    PhaseOpt,
    app,
    console,
    print_json,
    reports_errors,
    scope_of,
    with_progress,
    workspace,
)
from pmquiz.ui.text import say

if TYPE_CHECKING:
    from pmquiz.store.log_arrays import KnownLog
    from pmquiz.workspace import Workspace


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

    with workspace(ctx) as ws:
        now = make_clock()()
        result = report(ws.store, ws.settings, ws.scheduler().parameters, now,
                        scope_of(phase, module, ws), days)
    if as_json:
        print_json(result.to_dict())
        return
    from pmquiz.ui.stats_view import show_stats

    show_stats(console(), result)


ReviewsOpt = Annotated[Path | None, typer.Option(
    "--reviews", exists=True, dir_okay=False, readable=True,
    help="A review history CSV (card_id, review_time, review_rating, review_duration) to use "
         "instead of your own; your data is not touched.")]


@contextmanager
def fitting_items(ctx: typer.Context, reviews: Path | None, as_arrays: bool = False
                  ) -> Iterator[tuple[Any, str, "Workspace | None", "KnownLog | None"]]:
    """Items from a CSV, or from the learner's own log (with the workspace open while the
    block runs); `as_arrays`: the own log's as `LogItems` (what `optimize` fits), with the
    log as read (the rescheduling replays it unread)."""
    from pmquiz.optimize import items_from, own_items, read_revlog_csv, twenty_four_hour_days

    if reviews is not None:
        yield items_from(read_revlog_csv(reviews), twenty_four_hour_days), reviews.name, None, \
            None
        return
    with workspace(ctx) as ws:
        if as_arrays:
            from pmquiz.log_items import own_log_items

            known = ws.store.log.known_log()
            yield (own_log_items(known.columns, ws.settings.day_starts_at,
                                 ws.settings.timezone), "your reviews", ws, known)
            return
        yield (own_items(ws.store.log.review_rows(), ws.settings.day_starts_at,
                         ws.settings.timezone), "your reviews", ws, None)


@app.command("evaluate")
@reports_errors
def evaluate_command(ctx: typer.Context, reviews: ReviewsOpt = None,
                     as_json: JsonOpt = False) -> None:
    """How well does the scheduler predict recall? Log loss, RMSE(bins), AUC."""
    from pmquiz.optimize import default_parameters, evaluate

    with fitting_items(ctx, reviews) as (items, source, ws, _):
        current = list(ws.settings.parameters) if ws and ws.settings.parameters else \
            default_parameters()
        result = with_progress("folds", lambda progress: evaluate(items, current, progress))
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
    from pmquiz.optimize import default_parameters, optimize
    from pmquiz.workspace import make_clock

    rescheduled = 0
    overridden = False
    with fitting_items(ctx, reviews, as_arrays=True) as (items, source, ws, known):
        current = list(ws.settings.parameters) if ws and ws.settings.parameters else \
            default_parameters()
        fitted = optimize(items, current)
        del items  # a million of them at 100k cards: not kept through the rescheduling
        overridden = bool(ws and ws.parameters_from_config and fitted.adopted)
        if fitted.adopted and ws is not None and fitted.new is not None and not overridden:
            new = list(fitted.new)
            rescheduled = with_progress("cards", lambda progress: ws.save_parameters(
                new, make_clock()(), fitted.items, progress, known))
    if as_json:
        print_json(fitted.to_dict() | {"source": source, "rescheduled": rescheduled,
                                       "saved": bool(rescheduled)})
        return
    from pmquiz.ui.fit_view import show_fit

    show_fit(console(), fitted, source)
    if rescheduled:
        say(console(), f"Saved; {rescheduled} cards rescheduled with the new parameters.")
    elif overridden:
        console().print("Not saved: config.toml sets `parameters`, which win over fitted ones. "
                        "Put the new ones there, or remove that line and run optimize again.",
                        markup=False)
    elif reviews is not None and fitted.new is not None:
        console().print("(fitted on a file: your own parameters were not changed)")
