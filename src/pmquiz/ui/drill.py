"""The classification drill's screens: single keys in a terminal, the line protocol otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmquiz.session import Question
from pmquiz.ui.study import LineProtocol, header, option_keys
from pmquiz.ui.text import literal

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.classify import DrillResult, Match
    from pmquiz.model import StoredCard


class LineDrillUI(LineProtocol):
    """Plain protocol: the statement and numbered categories, one answer per line."""

    def ask(self, question: Question, score: int, streak: int) -> str:
        """Print the statement; read a category by number, letter or name."""
        self._print()
        self._print(f"[{question.number} · score {score} · streak {streak}] "
                    f"{question.card.prompt}")
        return self._choose(question.options)

    def verdict(self, question: Question, chosen: str, correct: bool) -> None:
        """Right, or wrong with the right category and the explanation."""
        card = question.card
        if correct:
            self._print("✓ right")
            return
        self._print(f"✗ wrong: not {chosen} but {card.answer}")
        if card.explain:
            self._print(card.explain)

    def again(self, missed: list[StoredCard]) -> bool:
        """Ask whether to drill the missed ones again."""
        word = self._read(f"drill the {len(missed)} missed again? [y/N]> ").strip().lower()
        return word in ("y", "yes")


class TerminalDrillUI:
    """One key per answer, the verdict at once, a running score and streak."""

    def __init__(self, console: Console):
        self.console = console

    def ask(self, question: Question, score: int, streak: int) -> str:
        """The statement in a panel; the category by its key."""
        from rich.panel import Panel
        from rich.text import Text

        from pmquiz.ui.keys import read_key

        keys = option_keys(question.options)
        body = Text()
        body.append_text(literal(question.card.prompt, "bold"))
        for key, option in zip(keys, question.options, strict=True):
            body.append(f"\n  {key}  ", style="cyan bold")
            body.append_text(literal(option))
        self.console.print(Panel(body, title=literal(header(question)), title_align="left",
                                 subtitle=Text(f"score {score} · streak {streak}", style="dim"),
                                 subtitle_align="left"))
        return read_key(f"  [{'/'.join(keys)}] ", dict(zip(keys, question.options,
                                                           strict=True)))

    def verdict(self, question: Question, chosen: str, correct: bool) -> None:
        """Green tick, or red cross with the right category and why."""
        card = question.card
        if correct:
            self.console.print(literal(f"  ✓ {chosen}", "bold green"))
            return
        self.console.print(literal(f"  ✗ {chosen} — it is {card.answer}", "bold red"))
        if card.explain:
            self.console.print(literal(f"    {card.explain}", "dim"))

    def again(self, missed: list[StoredCard]) -> bool:
        """One key: y drills the missed statements again."""
        from pmquiz.ui.keys import read_key

        return read_key(f"  Drill the {len(missed)} missed again? [y/N] ",
                        {"y": True, "n": False, "enter": False, "escape": False})


def drill_summary(console: Console, result: DrillResult) -> None:
    """Score, time per item, the confusion table and the statements missed."""
    from rich.panel import Panel

    from pmquiz.ui.stats_view import confusion_tables

    data = result.to_dict()
    if not result.rounds:
        console.print("No statements were answered.")
        return
    lines = [f"Score [bold]{result.score}/{len(result.rounds)}[/bold] "
             f"({result.score / len(result.rounds):.0%}) · best streak {result.best_streak} · "
             f"{data['seconds_per_item']:.1f} s per statement"]
    if result.stopped_by:
        lines.append("[dim]Stopped early: every answer given is saved.[/dim]")
    console.print(Panel("\n".join(lines), title="Drill", title_align="left"))
    for table in confusion_tables(result.confusion()):
        console.print(table)
    if result.missed:
        console.print("[bold]Missed[/bold]")
        for stored in result.missed:
            line = literal(f"  {stored.card.prompt}")
            line.append(f"  → {stored.card.answer}", style="green")
            console.print(line)


def show_matches(console: Console, statement: str, matches: list[Match], threshold: float) -> None:
    """Check mode: the matching card's category, or a plain 'no match' with the nearest."""
    from rich.table import Table

    console.print(literal(f"“{statement}”", "italic"))
    best = matches[0] if matches else None
    if best is not None and best.score >= threshold:
        text = literal(f"{best.card.card.answer}", "bold green")
        text.append_text(literal(f"  ({best.score:.0%} similar to a card in "
                                 f"{best.card.module_title})"))
        console.print(text)
        console.print(literal(f"  card: {best.card.card.prompt}", "dim"))
    else:
        console.print(literal("No card is close enough to say which category this is.",
                              "bold yellow"))
        categories = {m.card.card.answer for m in matches}
        if len(categories) == 1 and matches:
            console.print(literal(f"The nearest cards are all {categories.pop()}, but none "
                                  "says the same thing; check the course text.", "dim"))
    if not matches:
        return
    table = Table(title="Nearest cards", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Similar", justify="right")
    table.add_column("Statement", overflow="fold", ratio=3)
    table.add_column("Category")
    table.add_column("Module", overflow="fold", ratio=2)
    for m in matches:
        table.add_row(f"{m.score:.0%}", literal(m.card.card.prompt), literal(m.card.card.answer),
                      literal(m.card.module_title))
    console.print(table)
