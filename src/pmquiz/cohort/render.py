"""The cohort report in a terminal: tables that fit 80 columns."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pmquiz.ui.text import literal


def _pct(value: Any) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: Any, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def show(console: Console, report: dict[str, Any], every_card: bool = False) -> None:
    """Summary, phases and modules, the flagged cards (every card with `every_card`), the
    flags with what to change, and the options of flagged choice cards."""
    console.print(literal(f"Cohort: {report['learners']} learners, {report['reviews']:,} reviews "
                       f"from {report['files']} files."))
    if report["left_out"]:
        console.print(literal(f"{report['left_out']:,} log lines left out: no learner, module, "
                              "card or time, or a rating outside 1-4."))
    for title, key, rows in (("Phases", "phase", report["phases"]),
                             ("Modules", "module", report["modules"])):
        table = Table(title=title, title_justify="left", expand=False)
        for name in (key, "learners", "reviews", "retention", "mastered", "days", "stopped"):
            table.add_column(name, justify="left" if name == key else "right",
                             overflow="fold", min_width=18 if name == key else None)
        for row in rows:
            table.add_row(literal(str(row[key])), str(row["learners"]), f"{row['reviews']:,}",
                          _pct(row["retention"]), _pct(row["mastered"]),
                          _num(row["days_to_mastery"], 1), str(row["stopped"]))
        console.print(table)
    cards = [c for c in report["cards"] if every_card or c["flags"]]
    table = Table(title="Cards" + ("" if every_card else " with a finding"),
                  title_justify="left")
    for name in ("card", "n", "fac", "r", "U-L", "lapse", "s", "ovr"):
        table.add_column(name, justify="left" if name == "card" else "right",
                         overflow="fold", max_width=30 if name == "card" else None)
    for card in cards:
        table.add_row(literal(_short(card["key"], 30)), str(card["learners"]),
                      _num(card["facility"]), _num(card["item_rest"]), _num(card["upper_lower"]),
                      _pct(card["lapse_rate"]), _num((card["median_ms"] or 0) / 1000, 1),
                      _pct(card["override_rate"]))
    if cards:
        console.print(table)
        console.print(Text("fac: facility at first meeting · r: item-rest correlation · U-L: "
                           "top minus bottom third · lapse: later reviews missed · s: median "
                           "seconds · ovr: grades overruled", style="dim"))
    if not report["flags"]:
        console.print(Text("No card has a finding."))
        return
    console.print(Text(f"Findings ({len(report['flags'])}):", style="bold"))
    for flag in report["flags"]:
        console.print(literal(f"- {flag['card']}: {flag['rule']} ({flag['detail']}); "
                              f"{flag['advice']}."))
    for card in cards:
        if card["options"] and any(r in card["flags"] for r in
                                   ("dead-distractor", "likely-wrong-key",
                                    "negative-discrimination")):
            _options(console, card)


def _options(console: Console, card: dict[str, Any]) -> None:
    table = Table(title=literal(f"Options of {_short(card['key'], 60)}"),
                  title_justify="left")
    for name in ("option", "all", "low", "mid", "top"):
        table.add_column(name, justify="left" if name == "option" else "right",
                         overflow="fold", max_width=44 if name == "option" else None)
    for option in card["options"]:
        label = ("✓ " if option["key"] else "  ") + option["option"]
        thirds = option["thirds"]
        table.add_row(literal(label), _pct(option["share"]), _pct(thirds["1"]), _pct(thirds["2"]),
                      _pct(thirds["3"]))
    console.print(table)
