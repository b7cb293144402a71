"""The `pmquiz stats` screen: tables, a sparkline per phase, a calendar heatmap, bars."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pmquiz.ui.columns import shorten
from pmquiz.ui.render import plural
from pmquiz.ui.text import literal

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from pmquiz.stats import Report, Scores

SPARK = "▁▂▃▄▅▆▇█"
HEAT = " ░▒▓█"
HEAT_STYLES = ("grey23", "green4", "green3", "green1", "bold bright_green")


def percent(value: float | None) -> str:
    """`87%`, or a dash when there is nothing to measure yet."""
    return "–" if value is None else f"{value:.0%}"


def sparkline(values: list[float]) -> str:
    """Readiness 0..1 as block characters."""
    return "".join(SPARK[min(len(SPARK) - 1, int(v * len(SPARK)))] for v in values)


def _row(scores: Scores) -> list[str]:
    return [str(scores.cards), str(scores.new), str(scores.learning), str(scores.review),
            percent(scores.accuracy), percent(scores.true_retention), percent(scores.mastery),
            percent(scores.readiness), str(scores.due_today), str(scores.due_week)]


MAX_MODULE_ROWS = 24


def scores_table(report: Report, width: int = 100) -> RenderableType:
    """Per phase, then per module (modules folded away when there are too many to read);
    titles shortened and the figures split over two tables when `width` is narrow."""
    from rich.console import Group

    from pmquiz.ui.columns import Columns, Row

    modules = sum(len(p.modules) for p in report.phases)
    folded = modules > MAX_MODULE_ROWS and len(report.phases) > 1
    columns = Columns("Phase / module", ["Cards", "New", "Lrn", "Rev", "Acc", "Ret",
                                         "Mastery", "Ready", "Due", "7 d"])
    for phase in report.phases:
        columns.rows.append(Row(f"Phase {phase.phase}", _row(phase.scores), "bold"))
        if folded:
            continue
        for module in phase.modules:
            columns.rows.append(Row(module.title, _row(module.scores), indent=2))
    tables = columns.tables(width, f"Scores (accuracy and retention over {report.days} days)")
    if folded:
        tables[-1].caption = (f"{modules} modules: `pmquiz stats --phase N` shows a phase's "
                              "modules")
    return Group(*tables)


def history_lines(report: Report, width: int = 80) -> RenderableType:
    """Readiness over time per phase, as a sparkline with its first and last values (their
    dates too when the line has room for them)."""
    from rich.text import Text

    text = Text()
    text.append("Readiness over time\n", style="bold")
    for phase in report.phases:
        values = [v for _, v in phase.history]
        if not values:
            continue
        first, last = phase.history[0], phase.history[-1]
        head = f"  Phase {phase.phase}  "
        line = sparkline(values)
        tail = f"  {first[0]:%d %b} {values[0]:.0%} → {last[0]:%d %b} {values[-1]:.0%}"
        if len(head) + len(line) + len(tail) > width:
            tail = f"  {values[0]:.0%} → {values[-1]:.0%}"
        text.append(head)
        text.append(line, style="cyan")
        text.append(tail + "\n")
    return text


def calendar_heatmap(report: Report, width: int = 80) -> RenderableType:
    """Reviews per day for the last 26 weeks: one column a week, Monday at the top. The
    streak and the legend go on lines of their own when the width has no room beside."""
    from rich.text import Text

    counts = [n for _, n in report.calendar]
    peak = max(counts, default=0)
    text = Text()
    title = "Reviews per day, last 26 weeks"
    streak = (f"streak {plural(report.streak_current, 'day')} · longest "
              f"{report.streak_longest}")
    text.append(title, style="bold")
    text.append(f"   {streak}\n" if len(title) + 3 + len(streak) <= width else f"\n{streak}\n")
    if not report.calendar:
        return text
    first = report.calendar[0][0]
    weeks = (len(report.calendar) + 6) // 7
    for weekday, label in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"  {label:<4}")
        for week in range(weeks):
            index = week * 7 + weekday
            if index >= len(report.calendar):
                text.append(" ")
                continue
            n = report.calendar[index][1]
            level = 0 if n == 0 else 1 + min(3, int(3 * n / peak)) if peak else 0
            text.append(HEAT[level] if n else "·", style=HEAT_STYLES[level])
        text.append("\n")
    last = first + timedelta(days=len(report.calendar) - 1)
    span = f"      {first:%d %b %Y} … {last:%d %b %Y}"
    text.append(span + ("   less " if len(span) + 16 <= width else "\n      less "),
                style="dim")
    for level in range(1, 5):
        text.append(HEAT[level], style=HEAT_STYLES[level])
    text.append(" more\n", style="dim")
    return text


def forecast_bars(report: Report, width: int = 80) -> RenderableType:
    """Reviews due on each of the next 7 days, the longest bar up to 30 cells (fewer when
    the width needs it: a date, the bar and its count on one line)."""
    from rich.text import Text

    peak = max((n for _, n in report.forecast), default=0)
    width = max(5, min(30, width - 15 - len(str(peak))))
    text = Text()
    text.append("Due in the next 7 days\n", style="bold")
    for day, n in report.forecast:
        bar = "█" * (round(width * n / peak) if peak else 0)
        text.append(f"  {day:%a %d %b}  ")
        text.append(bar or "·", style="magenta")
        text.append(f" {n}\n")
    return text


def hardest_table(report: Report, width: int = 100) -> RenderableType:
    """Most lapses first, then lowest predicted recall; each prompt whole (wrapped), its
    module's title shortened to one line."""
    from rich.table import Table

    table = Table(title=f"Hardest cards ({report.leeches} leech"
                        f"{'es' if report.leeches != 1 else ''}: 8+ lapses)",
                  title_justify="left", show_edge=False, pad_edge=False)
    module_width = max(10, min(28, width // 5))
    table.add_column("Card", ratio=3)
    table.add_column("Module", no_wrap=True, overflow="ellipsis", max_width=module_width)
    table.add_column("Lapses", justify="right", no_wrap=True)
    table.add_column("Recall", justify="right", no_wrap=True)
    for card in report.hardest:
        label = literal(card.prompt)
        if card.leech:
            label.append("  leech", style="bold red")
        table.add_row(label, literal(shorten(card.module, module_width)), str(card.lapses),
                      "relearning" if card.relearning else percent(card.recall))
    return table


def confusion_tables(confusion: dict[str, dict[str, dict[str, int]]]) -> list[RenderableType]:
    """For classify cards: the true category (rows) against the chosen one (columns)."""
    from rich.console import Group
    from rich.table import Table

    tables: list[RenderableType] = []
    for category_set, rows in confusion.items():
        categories = list(rows)
        total = sum(sum(r.values()) for r in rows.values())
        right = sum(rows[c][c] for c in categories)
        # the title above the table, not in it (a table's title wraps at the table's own
        # width, which split "(3/3 right)"), the count first so a wrap falls in the set name
        title = literal(f"Classification ({right}/{total} right): {category_set}", "italic")
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("true \\ chosen")
        for category in categories:
            table.add_column(literal(category), justify="right")
        for truth in categories:
            cells = [f"[green]{rows[truth][c]}[/green]" if c == truth else
                     (f"[red]{rows[truth][c]}[/red]" if rows[truth][c] else "0")
                     for c in categories]
            table.add_row(literal(truth), *cells)
        tables.append(Group(title, table))
    return tables


def show_stats(console: Console, report: Report) -> None:
    """The whole screen."""
    if report.empty:
        cards = sum(p.scores.cards for p in report.phases)
        console.print(f"No reviews yet: {cards} cards are waiting in "
                      f"{len(report.phases)} phase{'s' if len(report.phases) != 1 else ''}.")
        console.print("Run [bold]pmquiz study[/bold] (about 10 new cards a day), or "
                      "[bold]pmquiz classify[/bold] for a quick product-vs-project drill; "
                      "your scores, streak and readiness per phase will appear here.")
        return
    console.print(scores_table(report, console.width))
    suspended = sum(p.scores.suspended for p in report.phases)
    if suspended:
        console.print(f"{plural(suspended, 'card')} suspended, counted above but never asked "
                      "(pmquiz search --suspended lists them).", style="dim")
    console.print()
    console.print(history_lines(report, console.width))
    console.print(calendar_heatmap(report, console.width))
    console.print(forecast_bars(report, console.width))
    if report.hardest:
        console.print(hardest_table(report, console.width))
    for table in confusion_tables(report.confusion):
        console.print()
        console.print(table)
    console.print("\n[dim]Acc: correct answers · Ret: true retention of due reviews · "
                  "Mastery: mean predicted recall of cards seen · Ready: mean predicted recall "
                  "of all cards (unseen = 0); a card answered today counts as a day old[/dim]")
