"""The cohort report as data (the `--json` form, which the terminal tables and the HTML page
are drawn from)."""

from __future__ import annotations

from typing import Any

from pmquiz.cohort.analysis import Figures
from pmquiz.cohort.flags import ADVICE, THRESHOLDS, CardReport, judge
from pmquiz.model import Card


def _rounded(value: Any) -> Any:
    return round(value, 4) + 0.0 if isinstance(value, float) else value  # + 0.0: no "-0.0"


def build(figures: Figures, decks: dict[str, Card] | None = None) -> dict[str, Any]:
    """Everything the report shows, JSON-ready."""
    cards = judge(figures, decks)
    return {
        "learners": figures.learners, "reviews": figures.reviews, "files": figures.files,
        "left_out": figures.left_out,
        "decks_read": bool(decks),
        "thresholds": THRESHOLDS,
        "phases": [{k: _rounded(v) for k, v in row.items()} for row in figures.phases],
        "modules": [{k: _rounded(v) for k, v in row.items()} for row in figures.modules],
        "curves": [{k: _rounded(v) for k, v in row.items()} for row in figures.curves],
        "cards": [_card(report) for report in cards],
        "flags": [{"card": flag.key, "rule": flag.rule, "detail": flag.detail,
                   "advice": ADVICE[flag.rule]}
                  for report in cards for flag in report.flags],
    }


def _card(report: CardReport) -> dict[str, Any]:
    data = {k: _rounded(v) for k, v in report.figures.items()}
    data["key"] = report.key
    data["options"] = [{**o, "share": _rounded(o["share"]),
                        "thirds": {str(t): _rounded(v) for t, v in o["thirds"].items()}}
                       for o in report.options]
    data["wrong_answers"] = [{"answer": w["said"], "times": w["times"],
                              "share": _rounded(w["times"] / w["answered"])
                              if w["answered"] else 0.0,
                              "of_wrong": _rounded(w["times"] / w["wrong"])
                              if w["wrong"] else 0.0} for w in report.wrong]
    data["flags"] = [f.rule for f in report.flags]
    return data
