"""Tables for `pmquiz optimize` and `pmquiz evaluate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmquiz.ui.text import literal, say

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.optimize import Evaluation, Fitted, Metrics


def _cells(m: Metrics | None) -> list[str]:
    if m is None:
        return ["–"] * 5
    return [f"{m.log_loss:.4f}", f"{m.log_loss_unweighted:.4f}", f"{m.rmse_bins:.4f}",
            "–" if m.auc is None else f"{m.auc:.3f}", str(m.items)]


def metrics_table(rows: list[tuple[str, Metrics | None]], title: Any) -> object:
    """One row per parameter set and method."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("")
    for name in ("log loss", "unweighted", "RMSE(bins)", "AUC", "items"):
        table.add_column(name, justify="right")
    for label, m in rows:
        table.add_row(label, *_cells(m))
    return table


def show_evaluation(console: Console, ev: Evaluation, source: str) -> None:
    """How well the scheduler predicts recall on this history."""
    if not ev.items:
        say(console, f"No reviews to score in {source} yet: a review counts once it comes a "
                     "day or more after the card's previous one.")
        return
    console.print(metrics_table([
        ("default parameters, all history", ev.default_all),
        ("default parameters, test folds", ev.default_split),
        ("current parameters, all history", ev.current_all),
        ("current parameters, test folds", ev.current_split),
        ("fitted on the past, 5-fold split", ev.fitted_split)],
        literal(f"How well FSRS predicts recall in {source}")))
    console.print("[dim]Lower log loss and RMSE(bins) are better; AUC: higher is better. "
                  "srs-benchmark (about 10k Anki users): FSRS-6 fitted 0.346 / 0.065 / 0.703, "
                  "defaults 0.366 / 0.092 / 0.694.[/dim]")


def show_fit(console: Console, fitted: Fitted, source: str) -> None:
    """Old against new parameters and what was done."""
    if fitted.new is None:
        console.print(fitted.reason)
        return
    console.print(metrics_table([("before", fitted.old_all), ("fitted", fitted.new_all)],
                                literal(f"Parameters fitted to {fitted.items} reviews in "
                                        f"{source}")))
    console.print("old: " + " ".join(f"{w:.3f}" for w in fitted.old), style="dim",
                  highlight=False)
    console.print("new: " + " ".join(f"{w:.3f}" for w in fitted.new), style="dim",
                  highlight=False)
    console.print(fitted.reason + ".", highlight=False)
