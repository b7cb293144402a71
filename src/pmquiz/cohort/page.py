"""The cohort report as one self-contained HTML page that opens offline: inline CSS and SVG
figures (facility against discrimination, retention by review per module, the options of
choice and classify cards by ability third), every text escaped, no script."""

from __future__ import annotations

import html
from typing import Any

WIDTH, HEIGHT, PAD = 560, 360, 58
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _axes(x_label: str, y_label: str, x_ticks: list[tuple[float, str]],
          y_ticks: list[tuple[float, str]]) -> str:
    """Axes of a plot whose x and y run 0..1 over the drawing area."""
    parts = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - 10}" y2="{HEIGHT - PAD}" '
             'stroke="#333"/>',
             f'<line x1="{PAD}" y1="10" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#333"/>']
    for at, label in x_ticks:
        x = _x(at)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">'
                     f"{_e(label)}</text>")
    for at, label in y_ticks:
        y = _y(at)
        parts.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - 10}" y2="{y:.1f}" '
                     'stroke="#eee"/>')
        parts.append(f'<text x="{PAD - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{_e(label)}</text>")
    parts.append(f'<text x="{(PAD + WIDTH) / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
                 f"{_e(x_label)}</text>")
    parts.append(f'<text x="12" y="{HEIGHT / 2:.0f}" transform="rotate(-90 12 '
                 f'{HEIGHT / 2:.0f})" text-anchor="middle">{_e(y_label)}</text>')
    return "".join(parts)


def _x(fraction: float) -> float:
    return PAD + fraction * (WIDTH - PAD - 10)


def _y(fraction: float) -> float:
    return HEIGHT - PAD - fraction * (HEIGHT - PAD - 10)


def scatter(cards: list[dict[str, Any]]) -> str:
    """Facility (x) against item-rest correlation (y, -0.5..1); flagged cards in red."""
    points = []
    for card in cards:
        if card["item_rest"] is None:
            continue
        y = (max(-0.5, min(1.0, card["item_rest"])) + 0.5) / 1.5
        colour, opacity = ("#d62728", 1.0) if card["flags"] else ("#1f77b4", 0.7)
        tip = f"{card['key']}: facility {card['facility']:.2f}, r {card['item_rest']:.2f}"
        if card["flags"]:
            tip += " (" + ", ".join(card["flags"]) + ")"
        points.append(f'<circle cx="{_x(card["facility"]):.1f}" cy="{_y(y):.1f}" r="4" '
                      f'fill="{colour}" fill-opacity="{opacity}"><title>{_e(tip)}</title>'
                      "</circle>")
    ticks = [((v + 0.5) / 1.5, f"{v:.1f}") for v in (-0.5, 0.0, 0.5, 1.0)]
    return _svg("Facility against discrimination", _axes(
        "facility (share right at first meeting)", "item-rest correlation",
        [(v, f"{v:.1f}") for v in (0, 0.25, 0.5, 0.75, 1.0)], ticks) + "".join(points))


def curves(rows: list[dict[str, Any]]) -> str:
    """Retention by review number (2nd to 8th), one line per module."""
    modules = list(dict.fromkeys(r["module"] for r in rows))
    parts = []
    for index, module in enumerate(modules):
        colour = COLOURS[index % len(COLOURS)]
        points = [(_x((r["review"] - 2) / 6), _y(r["retention"])) for r in rows
                  if r["module"] == module]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     f'stroke-width="2"><title>{_e(module)}</title></polyline>')
        parts.append(f'<text x="{WIDTH - 150}" y="{24 + 16 * index}" fill="{colour}">'
                     f"{_e(module[:24])}</text>")
    return _svg("Retention by review", _axes(
        "review of the card", "share right",
        [((n - 2) / 6, str(n)) for n in range(2, 9)],
        [(v, f"{v:.0%}") for v in (0, 0.25, 0.5, 0.75, 1.0)]) + "".join(parts))


def bars(card: dict[str, Any]) -> str:
    """A card's options: the share of each ability third that picked each one."""
    options = card["options"]
    row = 22
    height = 30 + row * 3 * len(options) + 20
    parts = []
    for index, option in enumerate(options):
        top = 20 + index * row * 3
        name = ("✓ " if option["key"] else "") + option["option"]
        parts.append(f'<text x="4" y="{top + 12}">{_e(name[:70])}</text>')
        for third, label in (("1", "low"), ("2", "mid"), ("3", "top")):
            y = top + 16 + (int(third) - 1) * (row - 6)
            share = option["thirds"][third]
            parts.append(f'<text x="30" y="{y + 11}" fill="#555">{label}</text>')
            parts.append(f'<rect x="64" y="{y}" width="{max(1.0, share * 400):.1f}" '
                         f'height="{row - 10}" fill="{COLOURS[int(third) - 1]}">'
                         f"<title>{_e(f'{label} third: {share:.0%}')}</title></rect>")
            parts.append(f'<text x="{70 + share * 400:.1f}" y="{y + 11}">{share:.0%}</text>')
    return (f'<figure><figcaption>{_e(card["key"])}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'font-size="12">{"".join(parts)}</svg></figure>')


def _svg(title: str, body: str) -> str:
    return (f'<figure><figcaption>{_e(title)}</figcaption><svg xmlns="http://www.w3.org/'
            f'2000/svg" width="{WIDTH}" height="{HEIGHT}" font-size="12">{body}</svg>'
            "</figure>")


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(_fmt(row.get(c)))}</td>" for c in columns)
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def page(report: dict[str, Any]) -> str:
    """The whole page."""
    flagged = [c for c in report["cards"] if c["flags"]]
    with_options = [c for c in report["cards"] if c["options"]]
    findings = "".join(f"<li><b>{_e(f['card'])}</b>: {_e(f['rule'])} ({_e(f['detail'])}); "
                       f"{_e(f['advice'])}.</li>" for f in report["flags"])
    thresholds = "".join(f"<li>{_e(rule)}: {_e(text)}</li>"
                         for rule, text in report["thresholds"].items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pmquiz cohort report</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 70em; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 2px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
figure {{ display: inline-block; margin: 1em 2em 1em 0; vertical-align: top; }}
figcaption {{ font-weight: bold; margin-bottom: 4px; }}
</style></head><body>
<h1>Cohort report</h1>
<p>{report['learners']} learners, {report['reviews']:,} reviews, {report['files']} files.</p>
{scatter(report['cards'])}{curves(report['curves'])}
<h2>Findings</h2><ul>{findings or '<li>No card has a finding.</li>'}</ul>
<h2>Phases</h2>{_table(report['phases'], ['phase', 'learners', 'reviews', 'retention',
                                            'mastered', 'days_to_mastery', 'stopped'])}
<h2>Modules</h2>{_table(report['modules'], ['module', 'learners', 'reviews', 'retention',
                                              'mastered', 'days_to_mastery', 'stopped'])}
<h2>Cards with a finding</h2>{_table(flagged, ['key', 'learners', 'facility', 'item_rest',
    'upper_lower', 'lapse_rate', 'median_ms', 'override_rate', 'flags'])}
<h2>Options by ability third</h2>{''.join(bars(c) for c in with_options)}
<h2>Every card</h2>{_table(report['cards'], ['key', 'kind', 'learners', 'facility',
    'item_rest', 'upper_lower', 'lapse_rate', 'first_ms', 'median_ms', 'override_rate'])}
<h2>Thresholds</h2><ul>{thresholds}</ul>
</body></html>
"""
