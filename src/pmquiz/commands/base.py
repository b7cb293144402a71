"""What every command shares: the typer app, the options given before a command, the
shared option types, console, the error decorator and helpers. The command modules import this
module and register on its `app`; `pmquiz.cli` imports the command modules (no circle).

Exit codes: 0 ok, 1 error (bad deck, database problem...), 2 usage, 130 interrupted.
"""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at start-up (about 20 ms of `--help`); names only for type checking are quoted.
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from pmquiz import paths
from pmquiz.errors import DeckErrors, PmquizError

if TYPE_CHECKING:
    from rich.console import Console

    from pmquiz.store import Scope
    from pmquiz.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    help="Spaced-repetition quizzes for the product-management course.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Options:
    """Options given before the command name."""

    def __init__(self, home: Path, decks: list[Path] | None = None):
        self.home = home
        self.decks = decks or []


def console(stderr: bool = False) -> "Console":
    """A rich console; highlighting off so numbers in card text are not recoloured."""
    from rich.console import Console

    # emoji off: rich turns `:100:` (as in `deck.toml:100:`) into an emoji even without markup
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():  # piped: no padding spaces at line ends (rich pads to the width)
        return Console(file=Trimmed(stream), highlight=False, emoji=False)  # type: ignore[arg-type]
    return Console(stderr=stderr, highlight=False, emoji=False)


def say_lines(lines: "list[tuple[str, str]]") -> None:
    """Print report lines (text, style) on stdout, each exactly as it is (`ui.text.say`) and
    never wrapped. Piped, that is the text alone, lines trimmed as `Trimmed` trims them:
    written without loading rich (30 to 70 ms of a script's import of a package)."""
    import os

    from pmquiz.ui.text import clean, say

    if sys.stdout.isatty() or os.environ.get("FORCE_COLOR"):
        out = console()
        for text, style in lines:
            say(out, text, style=style, soft_wrap=True)
        return
    sys.stdout.write("".join(line.rstrip(" ") + "\n" for text, _ in lines
                             for line in clean(text).split("\n")))


class Trimmed:
    """A text stream that drops the spaces at the end of each line written through it."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.pending = ""

    def write(self, text: str) -> int:
        """Write whole lines trimmed; keep the unfinished one until it ends or is flushed."""
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        if lines:
            self.stream.write("".join(line.rstrip(" ") + "\n" for line in lines))
        return len(text)

    def flush(self) -> None:
        """Write what is pending (a prompt keeps its spaces) and flush."""
        if self.pending:
            self.stream.write(self.pending)
            self.pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        """Never a terminal."""
        return False

    def fileno(self) -> int:
        """The underlying stream's descriptor."""
        return int(self.stream.fileno())


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `pmquiz: message` on stderr and return the exit to raise."""
    from pmquiz.ui.text import say

    say(console(stderr=True), f"pmquiz: {message}", soft_wrap=True)
    return typer.Exit(code)


def reports_errors(func: F) -> F:
    """Turn pmquiz's own errors, SQLite failures and Ctrl-C into messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DeckErrors as exc:
            count = len(exc.errors)
            raise fail(f"{count} problem{'s' if count != 1 else ''} in deck files:\n"
                       + "\n".join(e.describe() for e in exc.errors)) from None
        except PmquizError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as exc:
            import sqlite3  # imported here: start-up does not pay for it

            if not isinstance(exc, sqlite3.Error):
                raise
            from pmquiz.store import describe_sqlite_error

            home = paths.home_dir()
            raise fail(describe_sqlite_error(paths.database_path(home), exc)) from None

    return wrapper  # type: ignore[return-value]


def options(ctx: typer.Context) -> Options:
    """The options given before the command (or their defaults)."""
    found = ctx.find_object(Options)
    return found if found is not None else Options(home=paths.home_dir())


def workspace(ctx: typer.Context, check_damage: bool = True, sync: bool = True,
              **overrides: object) -> "Workspace":
    """Open the learner's home with decks synced (`check_damage` and `sync` False: `doctor`,
    which looks at a damaged file itself and writes nothing unless asked to repair)."""
    from pmquiz.workspace import open_workspace

    opts = options(ctx)
    reading = SlowProgress("Reading deck files")
    replaying = SlowProgress("Rescheduling your reviews after an upgrade")
    try:
        return open_workspace(opts.home, opts.decks, overrides, sync=sync,
                              check_damage=check_damage, progress=reading,
                              replaying=replaying)
    finally:
        replaying.stop()
        reading.stop()


class SlowProgress:
    """A progress callback that shows a bar on stderr only once the work has taken longer
    than `AFTER` seconds (a home whose many deck files are read again: the first start, an
    upgrade), so the usual quick start imports and prints nothing. `PMQUIZ_BAR_AFTER` sets
    another delay (0: a terminal test sees the bar without depending on the machine's speed)."""

    AFTER = 0.5
    AFTER_ENV = "PMQUIZ_BAR_AFTER"

    def __init__(self, label: str):
        import os
        import time

        self.label = label
        self.started = time.monotonic()
        try:
            self.after = float(os.environ.get(self.AFTER_ENV, self.AFTER))
        except ValueError:
            self.after = self.AFTER
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        import time

        if self.bar is None:
            if time.monotonic() - self.started < self.after:
                return
            self.bar = progress_bar() or False
            if self.bar:
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total)
        if self.bar:
            moved(self.bar, self.task, done, total)

    def stop(self) -> None:
        if self.bar:
            self.bar.stop()


def scope_of(phase: int | None, module: str | None, ws: "Workspace | None" = None) -> "Scope":
    """The cards a command is narrowed to; a phase or module that does not exist is a usage
    error naming the ones that do."""
    from pmquiz.errors import UsageError
    from pmquiz.store import Scope

    if ws is not None and (phase is not None or module is not None):
        known = ws.store.decks.modules()
        if module is not None and module not in {m["slug"] for m in known}:
            raise UsageError(f'--module {module}: no such module; modules: '
                             + ", ".join(str(m["slug"]) for m in known))
        if phase is not None and phase not in {m["phase"] for m in known}:
            raise UsageError(f"--phase {phase}: no cards in that phase; phases: "
                             + ", ".join(sorted({str(m["phase"]) for m in known})))
    return Scope(phase=phase, module=module)


def print_json(data: object) -> None:
    """Raw figures for scripts: ISO dates, fractions, counts."""
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


PhaseOpt = Annotated[int | None, typer.Option("--phase", "-p", help="Only this phase.")]
ModuleOpt = Annotated[str | None, typer.Option("--module", "-m", help="Only this module (slug).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def interactive() -> bool:
    """Both ends are a terminal: use questionary and single keys, else the line protocol."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def progress_bar() -> Any:
    """A rich progress bar on stderr, or nothing when stderr is not a terminal. It draws
    when it moves (`moved`) and has no thread of its own: the work under it may then use a
    forked copy (`side_work`), which is not safe while another thread runs."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    return Progress(console=console(stderr=True), transient=True, auto_refresh=False)


DRAW_EVERY = 0.1  # seconds between two drawings of a moving bar


def moved(bar: Any, task: Any, done: int, total: int) -> None:
    """Move a bar's task and draw it, at most every DRAW_EVERY seconds and at its end."""
    import time

    bar.update(task, completed=done, total=total)
    now = time.monotonic()
    if done >= total or now - getattr(bar, "drawn_at", 0.0) >= DRAW_EVERY:
        bar.drawn_at = now
        bar.refresh()


def with_progress(label: str, work: Callable[[Callable[[int, int], None] | None], Any]) -> Any:
    bar = progress_bar()
    if bar is None:
        return work(None)
    with bar:
        task = bar.add_task(label, total=None)
        return work(lambda done, total: moved(bar, task, done, total))
