"""Rich renderings of command results. Card and deck text always goes through `literal`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pmquiz.kinds import shown_text
from pmquiz.ui.text import literal

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.doctor import Diagnosis
    from pmquiz.session import Summary
    from pmquiz.today import Today


def when(moment: datetime | None, now: datetime) -> str:
    """`in 3 h`, `in 2 days (Mon 2 Mar)`, `now`."""
    if moment is None:
        return "nothing scheduled yet"
    seconds = (moment - now).total_seconds()
    if seconds <= 60:
        return "now"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400:
        return f"in {round(seconds / 3600)} h"
    local = moment.astimezone()
    return f"in {plural(round(seconds / 86400), 'day')} ({local:%a %d %b})"


def plural(count: int, word: str) -> str:
    """`1 day`, `2 days`."""
    return f"{count} {word}{'' if count == 1 else 's'}"


MAX_MODULE_ROWS = 24


def today_table(console: Console, today: Today, now: datetime) -> None:
    """Today at a glance: new, learning and due cards per phase and module."""
    from rich.table import Table

    if not today.modules:
        console.print("No decks found. Add deck files to your decks folder, or run "
                      "`pmquiz check` to see why none loaded.")
        return
    table = Table(title="Today", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Module")
    for name in ("New", "Learning", "Due", "Cards"):
        table.add_column(name, justify="right")
    phases = sorted({m.phase for m in today.modules})
    folded = len(today.modules) > MAX_MODULE_ROWS and len(phases) > 1
    for phase in phases:
        rows = [m for m in today.modules if m.phase == phase]
        if folded:
            table.add_row(f"[bold]Phase {phase}[/bold] ({len(rows)} modules)",
                          *(str(sum(getattr(m, k) for m in rows))
                            for k in ("new", "learning", "review", "total")))
            continue
        table.add_row(f"[bold]Phase {phase}[/bold]", "", "", "", "")
        for m in rows:
            table.add_row(literal(f"  {m.title}"), str(m.new), str(m.learning), str(m.review),
                          str(m.total))
    if folded:
        table.caption = "`pmquiz due --phase N` lists a phase's modules"
    table.add_section()
    table.add_row("[bold]Total today[/bold]", str(today.new), str(today.learning),
                  str(today.review), str(sum(m.total for m in today.modules)))
    console.print(table)
    if today.new or today.learning or today.review:
        console.print("\nStart with [bold]pmquiz study[/bold].")
    else:
        console.print(f"\nNothing due today. Next card due {when(today.next_due, now)}.")


def summary_panel(console: Console, summary: Summary, now: datetime) -> None:
    """The end-of-session summary."""
    from rich.panel import Panel

    if summary.nothing_due:
        console.print(f"Nothing to study right now. Next card due {when(summary.next_due, now)}.")
        if summary.unseen:
            console.print(f"{plural(summary.unseen, 'new card')} still waiting: "
                          "[bold]pmquiz study --extra-new 10[/bold] learns 10 more today, or "
                          "drill with [bold]pmquiz classify[/bold].")
        else:
            console.print("Meanwhile, [bold]pmquiz classify[/bold] drills the categories.")
        return
    lines = [f"Answered [bold]{summary.answered}[/bold]"]
    if summary.accuracy is not None:
        lines[0] += f", {summary.correct} correct ({summary.accuracy:.0%})"
    if summary.answered:
        lines.append(f"New cards {summary.new_learned} · reviews "
                     f"{summary.answered - summary.new_learned}")
    minutes, seconds = divmod(round(summary.seconds), 60)
    lines.append(f"Time {minutes} min {seconds:02d} s")
    if summary.ratings:
        lines.append("Ratings " + ", ".join(
            f"{label} {summary.ratings[label]}" for label in ("Again", "Hard", "Good", "Easy")
            if label in summary.ratings))
    lines.append(f"Next card due {when(summary.next_due, now)} · "
                 f"{plural(summary.due_tomorrow, 'card')} due by the end of tomorrow")
    if summary.stopped_by == "interrupt":
        lines.append("[dim]Stopped with Ctrl-C: every answer given is saved.[/dim]")
    elif summary.stopped_by == "eof":
        lines.append("[dim]Input ended: every answer given is saved.[/dim]")
    from rich.console import Group
    from rich.text import Text

    parts: list[Text] = [Text.from_markup("\n".join(lines))]
    missed = list({s.row: s for s in summary.missed}.values())
    if missed:
        parts.append(Text(f"\nMissed this session ({len(missed)}):", style="bold"))
        for stored in missed[:5]:
            line = literal(f"  · {shown_text(stored.card)}")
            line.append_text(literal(f"  ({stored.module_title})", "dim"))
            parts.append(line)
        if len(missed) > 5:
            parts.append(Text(f"  … and {len(missed) - 5} more", style="dim"))
    console.print(Panel(Group(*parts), title="Session", title_align="left"))


def decks_table(console: Console, modules: list[dict[str, Any]]) -> None:
    """Phases, modules and their card counts by kind."""
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for name, justify in (("Phase", "right"), ("Module", "left"), ("Title", "left"),
                          ("Cards", "right"), ("Kinds", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for m in modules:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(m["kinds"].items()))
        table.add_row(str(m["phase"]), literal(m["slug"]), literal(m["title"]),
                      str(m["cards"]), kinds)
    console.print(table)


def doctor_report(console: Console, found: Diagnosis) -> None:
    """What `pmquiz doctor` checked and found (file text shown literally)."""
    from rich.table import Table

    table = Table(title="Database check", title_justify="left", show_edge=False)
    table.add_column("Check")
    table.add_column("Problems", justify="right")
    for check, count in found.to_dict()["problems"].items():  # type: ignore[attr-defined]
        table.add_row(check, "ok" if not count else str(count),
                      style="" if not count else "bold red")
    console.print(table)
    console.print(f"{found.cards} cards, {found.reviews} reviews checked.")
    for finding in found.findings[:20]:
        console.print(literal(f"  {finding.check}: {finding.where}: {finding.detail}"))
    if len(found.findings) > 20:
        console.print(f"  … and {len(found.findings) - 20} more (--json lists 200)")
    if found.backup:
        console.print(literal(f"Backed up to {found.backup}; rebuilt {found.repaired} cards "
                              "from the review log."))
    if found.ok:
        console.print(literal("All good: every card state equals a replay of its log.",
                              "bold green"))
    elif any(f.check in ("state", "next review link") for f in found.findings):
        console.print(literal("Run `pmquiz doctor --repair` to rebuild them from the log "
                              "(a backup is made first).", "yellow"))
