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
    from pmquiz.ui.columns import Columns, Row

    if not today.modules:
        console.print("No decks found. Add deck files to your decks folder, or run "
                      "`pmquiz check` to see why none loaded.")
        return
    columns = Columns("Module", ["New", "Learning", "Due", "Cards"])
    phases = sorted({m.phase for m in today.modules})
    folded = len(today.modules) > MAX_MODULE_ROWS and len(phases) > 1
    for phase in phases:
        rows = [m for m in today.modules if m.phase == phase]
        if folded:
            columns.rows.append(Row(f"Phase {phase} ({plural(len(rows), 'module')})",
                                    [str(sum(getattr(m, k) for m in rows))
                                     for k in ("new", "learning", "review", "total")], "bold"))
            continue
        columns.rows.append(Row(f"Phase {phase}", ["", "", "", ""], "bold"))
        for m in rows:
            columns.rows.append(Row(m.title, [str(m.new), str(m.learning), str(m.review),
                                              str(m.total)], indent=2))
    columns.sections.add(len(columns.rows))
    columns.rows.append(Row("Total today", [str(today.new), str(today.learning),
                                            str(today.review),
                                            str(sum(m.total for m in today.modules))], "bold"))
    marks = ((today.suspended, "suspended", "--suspended"),
             (today.buried, "buried until the next learning day", "--buried"),
             (today.flagged, "flagged", "--flagged"))
    tables = columns.tables(console.width, "Today")
    if folded:
        tables[-1].caption = "`pmquiz due --phase N` lists a phase's modules"
    for table in tables:
        console.print(table)
    aside = [f"{count} {part}" for count, part, _ in marks if count]
    if aside:
        options = ", ".join(option for count, _, option in marks if count)
        console.print(literal("Set aside: " + ", ".join(aside) + f" (pmquiz search {options})",
                              "dim"))
    if today.held_back:
        console.print(literal(f"{plural(today.held_back, 'review')} held back until tomorrow: "
                              "a sibling of each is asked today.", "dim"))
    if today.new or today.learning or today.review:
        console.print("\nStart with [bold]pmquiz study[/bold].")
    else:
        console.print(f"\nNothing due today. Next card due {when(today.next_due, now)}.")


def summary_panel(console: Console, summary: Summary, now: datetime) -> None:
    """The end-of-session summary."""
    from rich.panel import Panel

    from pmquiz.ui.columns import shorten

    if summary.nothing_due:
        console.print(f"Nothing to study right now. Next card due {when(summary.next_due, now)}.")
        if summary.unseen and summary.new_allowed:
            console.print(f"{plural(summary.unseen, 'new card')} still waiting, each a sibling "
                          "of a card asked today (siblings are not asked on one day): they "
                          "start tomorrow. Meanwhile [bold]pmquiz classify[/bold] drills the "
                          "categories.")
        elif summary.unseen:
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
        lines.append(f"New cards {summary.new_learned} · learning steps "
                     f"{summary.learning_answers} · reviews {summary.review_answers}")
    minutes, seconds = divmod(round(summary.seconds), 60)
    lines.append(f"Time {minutes} min {seconds:02d} s")
    if summary.ratings:
        lines.append("Ratings " + ", ".join(
            f"{label} {summary.ratings[label]}" for label in ("Again", "Hard", "Good", "Easy")
            if label in summary.ratings))
    lines.append(f"Next card due {when(summary.next_due, now)}")
    lines.append(f"Due by the end of tomorrow: {plural(summary.due_tomorrow, 'card')}")
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
            line.append_text(literal(f"  ({shorten(stored.module_title, 32)})", "dim"))
            parts.append(line)
        if len(missed) > 5:
            parts.append(Text(f"  … and {len(missed) - 5} more", style="dim"))
    console.print(Panel(Group(*parts), title="Session", title_align="left"))


def search_results(console: Console, text: str, found: list[Any]) -> None:
    """`pmquiz search`: each card's key, its question, and where the words matched."""
    from rich.padding import Padding

    if not found:
        console.print(literal(f"No card matches “{text}”." if text.strip() else
                              "No card is flagged, suspended or buried."))
        return
    for stored, match, suspended, flag in found:
        line = literal(stored.card.key, "bold cyan")
        marks = [m for m, on in (("suspended", suspended), ("flagged", flag)) if on]
        if marks:
            line.append_text(literal(f"  [{', '.join(marks)}]", "yellow"))
        console.print(line)
        console.print(Padding(literal(shown_text(stored.card)), (0, 0, 0, 2)))
        matched = " ".join(match.split())
        if matched and matched.replace("«", "").replace("»", "").strip("…") \
                not in shown_text(stored.card):
            console.print(Padding(literal(f"matched: {matched}", "dim"), (0, 0, 0, 4)))
    console.print(literal(f"{plural(len(found), 'card')}. Act on one with pmquiz suspend|bury|"
                          "flag|edit CARD.", "dim"))


def decks_table(console: Console, modules: list[dict[str, Any]]) -> None:
    """Phases, modules and their card counts by kind, a module to a line or two."""
    from rich.padding import Padding

    from pmquiz.ui.columns import shorten

    width = console.width
    slug_width = min(24, max(len(str(m["slug"])) + 1 for m in modules)) if modules else 0
    counts = [plural(int(m["cards"]), "card") + (f" ({m['suspended']} suspended)"
                                                 if m.get("suspended") else "") for m in modules]
    count_width = max((len(c) for c in counts), default=0)
    phase = None
    for m, count in zip(modules, counts, strict=True):
        cards = count.rjust(count_width)
        if m["phase"] != phase:
            phase = m["phase"]
            title = f"Phase {phase}" + (f" · {m['phase_title']}" if m.get("phase_title") else "")
            console.print(literal(shorten(title, width), "bold"))
        slug = str(m["slug"]) + ("*" if m.get("overrides_shipped") else "")
        room = width - 2 - slug_width - 2 - len(cards)
        line = literal(f"  {shorten(slug, slug_width).ljust(slug_width)}  ", "cyan")
        if room >= 12:
            line.append_text(literal(shorten(str(m["title"]), room).ljust(room) + cards))
            console.print(line)
        else:  # too narrow for one line: the title gets a line of its own
            line.append_text(literal(cards))
            console.print(line)
            console.print(literal("    " + shorten(str(m["title"]), width - 4)))
        kinds = " · ".join(f"{k} {v}" for k, v in sorted(m["kinds"].items()))
        console.print(Padding(literal(kinds, "dim"), (0, 0, 0, 4 + slug_width)))
    if any(m.get("overrides_shipped") for m in modules):
        console.print(literal("* your copy (in your decks folder) overrides the shipped deck",
                              "dim"))


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
    salvaged = found.salvaged
    if salvaged is not None:
        lost = [table for table, stretches in salvaged.lost.items() if stretches]
        console.print(literal(
            f"The file was damaged: it is kept as {salvaged.damaged_copy}, and a fresh one "
            f"holds every row that could be read ({salvaged.kept.get('reviews', 0)} reviews)"
            + (f", {salvaged.from_backups.get('reviews', 0)} more reviews from "
               f"{plural(len(salvaged.backups), 'backup')}" if salvaged.backups else
               "; there was no backup to take lost rows from")
            + (f". Unreadable parts of: {', '.join(lost)}." if lost else "."), "yellow"))
    if found.backup:
        console.print(literal(f"Backed up to {found.backup}; rebuilt {found.repaired} cards "
                              "from the review log."))
    if found.ok:
        console.print(literal("All good: every card state equals a replay of its log.",
                              "bold green"))
    elif any(f.check in ("state", "next review link") for f in found.findings):
        console.print(literal("Run `pmquiz doctor --repair` to rebuild them from the log "
                              "(a backup is made first).", "yellow"))
