"""The two faces of a study session: a terminal UI and the plain line protocol.

Line protocol (stdin or stdout not a terminal), one answer per line:
- typed cards: the attempt (an empty line is allowed for basic cards);
- list cards: items on one line separated by commas, or one per line ending with an empty line;
- choice and classify cards: the option's number or its text (or a category's first letter);
- basic cards are then rated: 1-4 or again/hard/good/easy (empty = good);
- every auto-graded answer is followed by one more line, the learner's last word:
  empty = keep the verdict (a right answer is Good), `e` (or easy, 4) = Easy after a right
  answer, `r` = "I was right" (Good, recorded as an override), `w` = "I was wrong" (Again,
  recorded as an override); anything else keeps the verdict;
- instead of a rating or a last word: `undo` (the answer before this card), `suspend`,
  `bury`, `flag`, `edit` (a terminal only), or `?` for this list.

After a typed answer that is not right, both texts are shown word by word: `[-word-]` was
given but is not in the answer, `[+word+]` is in the answer but was not given, `[~word~]` is a
typo or another form of the expected word.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from pmquiz.grading import Mark, Outcome, WordDiff, normalize
from pmquiz.kinds import Question, Rated, Verdict, kind_of, question_text
from pmquiz.kinds.base import interval_label
from pmquiz.model import Rating
from pmquiz.ui.text import clean, literal, looks_like_markdown, plain, shown

if TYPE_CHECKING:
    from rich.console import Console

RATING_WORDS = {"1": Rating.AGAIN, "again": Rating.AGAIN, "a": Rating.AGAIN,
                "2": Rating.HARD, "hard": Rating.HARD, "h": Rating.HARD,
                "3": Rating.GOOD, "good": Rating.GOOD, "g": Rating.GOOD, "": Rating.GOOD,
                "4": Rating.EASY, "easy": Rating.EASY, "e": Rating.EASY}
def option_keys(options: tuple[str, ...]) -> list[str]:
    """First letters when they are all different (p/r for Product/Project), else 1, 2, 3..."""
    letters = [normalize(o)[:1] for o in options]
    if all(letters) and len(set(letters)) == len(letters) and \
            not set(letters) & {"j", "k", "q"} and all(ch.isalpha() for ch in letters):
        return letters
    return [str(i) for i in range(1, len(options) + 1)]


def match_option(text: str, options: tuple[str, ...]) -> str | None:
    """The option a typed line names: its number, its key letter, its text or a unique start."""
    typed = text.strip()
    if typed.isdecimal() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]
    keys = option_keys(options)
    if typed.lower() in keys:
        return options[keys.index(typed.lower())]
    wanted = normalize(typed)
    if not wanted:
        return None
    exact = [o for o in options if normalize(o) == wanted]
    starting = [o for o in options if normalize(o).startswith(wanted)]
    if exact:
        return exact[0]
    return starting[0] if len(starting) == 1 else None


def header(question: Question, width: int = 0) -> str:
    """`Phase 0 · Module title · card 3 · 12 left`, the title shortened to fit `width`."""
    from pmquiz.ui.columns import shorten

    stored = question.stored
    tail = f" · card {question.number} · {question.remaining} left"
    head = f"Phase {stored.phase_number} · "
    title = stored.module_title
    if width:
        title = shorten(title, max(8, width - len(head) - len(tail)))
    return f"{head}{title}{tail}"


def counts_text(question: Question) -> str:
    """`5 new · 1 learning · 2 review`: what is still to ask, this card included."""
    new, learning, review = question.counts
    return f"{new} new · {learning} learning · {review} review"


def progress_text(question: Question) -> str:
    """`card 3 of 12`: this card's place in the session as it stands."""
    return f"card {question.done + 1} of {question.done + 1 + question.remaining}"


def header_lines(question: Question, width: int) -> list[str]:
    """The module (shortened to fit) and the counts on one line when they fit, else two."""
    from pmquiz.ui.columns import shorten

    stored = question.stored
    module = f"Phase {stored.phase_number} · {stored.module_title}"
    counts = counts_text(question)
    room = width - len(counts) - 3
    if room >= 20:
        left = shorten(module, room)
        return [left + " " * (width - len(left) - len(counts)) + counts]
    return [shorten(module, width), counts]


# What a learner may do instead of rating, with its key in a terminal and its word in
# the line protocol.
ACTION_KEYS = {"u": "undo", "s": "suspend", "b": "bury", "f": "flag", "E": "edit"}
BEFORE_ANSWER_HELP = (("keys", "the option's key answers a choice card"),
                      ("?", "this help (a typed answer: a line that is only ?)"),
                      ("q, Esc", "stop the session; every answer given is saved (q: choice "
                                 "cards; Esc: any card)"),
                      ("Ctrl-C", "stop at once; every answer given is saved"))
ACTION_HELP = (("u", "undo", "take back the answer before this card and ask it again"),
               ("s", "suspend", "never ask this card (pmquiz unsuspend brings it back)"),
               ("b", "bury", "skip this card until the next learning day"),
               ("f", "flag", "flag this card to look at later (pmquiz search --flagged)"),
               ("E", "edit", "open this card's deck file in $EDITOR"),
               ("?", "?", "this help"))


def feedback_lines(verdict: Verdict) -> list[tuple[str, str]]:
    """(text, style) lines telling the learner how they did and what was expected (each card
    kind words its own)."""
    return kind_of(verdict.question.card).feedback(verdict)


MARK_STYLE = {Mark.SAME: "", Mark.TYPO: "yellow", Mark.FORM: "yellow",
              Mark.EXTRA: "bold red strike", Mark.MISSING: "bold green underline"}
PLAIN_MARK = {Mark.SAME: "{}", Mark.TYPO: "[~{}~]", Mark.FORM: "[~{}~]", Mark.EXTRA: "[-{}-]",
              Mark.MISSING: "[+{}+]"}


def comparison_lines(verdict: Verdict) -> list[tuple[str, list[tuple[str, Mark]]]]:
    """The word-level comparison shown after a typed answer that was not right: for each
    gap (or the one answer), the words given and the words expected, each with its mark."""
    grade = verdict.grade
    if grade is None or grade.outcome is Outcome.RIGHT or not grade.diffs:
        return []
    rows: list[tuple[str, list[tuple[str, Mark]]]] = []
    several = len(grade.diffs) > 1
    for number, diff in enumerate(grade.diffs, 1):
        if _all_same(diff):
            continue
        label = f"gap {number} " if several else ""
        rows.append((f"{label}you typed", list(diff.given) or [("(nothing)", Mark.EXTRA)]))
        rows.append((f"{label}expected", list(diff.expected)))
    return rows


def _all_same(diff: WordDiff) -> bool:
    return all(m is Mark.SAME for _, m in (*diff.given, *diff.expected))


def plain_comparison(words: list[tuple[str, Mark]]) -> str:
    """The line-protocol form of one compared text."""
    return " ".join(PLAIN_MARK[mark].format(word) for word, mark in words)


class LineProtocol:
    """Prompts on stdout (card text cleaned), one answer per line from stdin; end of input
    raises EOFError."""

    def __init__(self, stdin: IO[str] | None = None, stdout: IO[str] | None = None):
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self._shown: object = None  # the verdict whose feedback is on screen

    def _print(self, text: str = "") -> None:
        self.stdout.write(clean(text) + "\n")
        self.stdout.flush()

    def _read(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise EOFError
        return line.rstrip("\r\n")

    def _choose(self, options: tuple[str, ...],
                values: tuple[str, ...] | None = None) -> str:
        """List the options with their keys; read until a line names one of them (returns
        the matching entry of `values`, the options as the card has them)."""
        values = values or options
        for key, option in zip(option_keys(options), options, strict=True):
            self._print(f"  {key}) {option}")
        while True:
            chosen = match_option(self._read("answer> "), options)
            if chosen is not None:
                return values[options.index(chosen)]
            self._print("  type an option's number, key letter or text")


def rating_keys(verdict: Verdict, separator: str, good_key: str) -> str:
    """`1 again 1m · 2 hard 6m · 3 good 10m · 4 easy 3d` (intervals when known)."""
    parts = []
    for key, rating in (("1", Rating.AGAIN), ("2", Rating.HARD), (good_key, Rating.GOOD),
                        ("4", Rating.EASY)):
        interval = verdict.intervals.get(rating)
        label = f" {interval_label(interval)}" if interval is not None else ""
        parts.append(f"{key} {rating.label.lower()}{label}")
    return separator.join(parts)


def override_help(outcome: Outcome) -> str:
    """What the learner may answer after an automatic verdict."""
    if outcome is Outcome.RIGHT:
        return "Enter = good, e = easy, w = I was wrong"
    kept = "again" if outcome is Outcome.WRONG else "hard"
    wrong = "" if outcome is Outcome.WRONG else ", w = I was wrong"
    return f"Enter = {kept}, r = I was right{wrong}"


def decide(outcome: Outcome, graded: Rating, word: str) -> Rated:
    """The rating after the learner's last word: keep the verdict, Easy, or an override."""
    if word in ("r", "right") and outcome is not Outcome.RIGHT:
        return Rated(Rating.GOOD, "right")
    if word in ("w", "wrong") and outcome is not Outcome.WRONG:
        return Rated(Rating.AGAIN, "wrong")
    if word in ("e", "easy", "4") and outcome is Outcome.RIGHT:
        return Rated(Rating.EASY)
    return Rated(graded)


class LineStudyUI(LineProtocol):
    """The plain protocol for study sessions."""

    def ask(self, question: Question) -> str:
        """Print the card; read its answer."""
        card = question.card
        self._print()
        self._print(f"[{progress_text(question)} · {counts_text(question)}] "
                    f"Phase {question.stored.phase_number} · {question.stored.module_title}")
        self._print(plain(question_text(card)))
        if question.options:
            return self._choose(tuple(plain(o) for o in question.options), question.options)
        if kind_of(card).answer_mode == "items":
            first = self._read("items> ")
            if "," in first or ";" in first or not first.strip():
                return first
            items = [first]
            while line := self._read("more> ").strip():
                items.append(line)
            return "\n".join(items)
        return self._read("answer> ")

    def rate(self, verdict: Verdict) -> Rated | str:
        """Print the verdict; read a self-rating, or the learner's last word on the grade,
        or an action."""
        if verdict is not self._shown:  # asked again after an action: said already
            self._shown = verdict
            for text, _ in feedback_lines(verdict):
                self._print(plain(text))
            for label, words in comparison_lines(verdict):
                self._print(f"  {label}: {plain_comparison(words)}")
        return self.decision(verdict)

    def decision(self, verdict: Verdict) -> Rated | str:
        """Read the rating (or last word, or action) line; `?` lists the actions."""
        from pmquiz.session import ACTIONS

        actions = set(ACTIONS)
        while True:
            if verdict.grade is None:
                word = self._read(f"rate [{rating_keys(verdict, ', ', '3')}]> ").strip().lower()
            else:
                word = self._read(f"next [{override_help(verdict.grade.outcome)}]> "
                                  ).strip().lower()
            if word in ("?", "help"):
                for _, name, text in ACTION_HELP[:-1]:
                    self._print(f"  {name}: {text}")
                continue
            if word in actions:
                return word
            if verdict.grade is not None:
                return decide(verdict.grade.outcome, verdict.grade.rating, word)
            if word in RATING_WORDS:
                return Rated(RATING_WORDS[word])
            self._print("  type 1-4 or again, hard, good, easy (? lists more)")

    def saved(self, rating: Rating) -> None:
        """Nothing to print: the next prompt follows."""

    def notice(self, text: str, moves_on: bool = True) -> None:  # noqa: ARG002
        """Print what an action did."""
        self._print(f"  {text}")


class TerminalStudyUI:
    """Rich panels, questionary text prompts and single-key choices."""

    def __init__(self, console: Console):
        self.console = console
        self._shown: object = None  # the verdict whose feedback is on screen
        self._carried = ""  # what the last action did, said again after the screen clears

    def ask(self, question: Question) -> str:
        """Show the card in a panel; read the answer with the right kind of prompt."""
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        card = question.card
        width = self.console.width
        if self.console.is_terminal:
            self.console.clear()  # one card per screen: the last answer is gone
        if self._carried:
            self.console.print(literal(self._carried, "yellow"))
            self._carried = ""
        for line in header_lines(question, width):
            self.console.print(literal(line, "dim"), no_wrap=True, overflow="ellipsis")
        place = f" {question.done}/{question.done + 1 + question.remaining}"  # answered/all
        total = question.done + 1 + question.remaining
        self.console.print(progress_line(question.done, total, width - len(place)),
                           literal(place, "dim"), sep="", no_wrap=True)
        prompt = shown(question_text(card), "bold")
        body = Text()
        keys = option_keys(question.options) if question.options else []
        for number, (key, option) in enumerate(zip(keys, question.options, strict=True)):
            body.append(("\n" if number or isinstance(prompt, Text) else "") + f"  {key}  ",
                        style="cyan bold")
            body.append_text(literal(plain(option)))
        hint = kind_of(card).hint
        self.console.print()
        content: Any = prompt.append_text(body) if isinstance(prompt, Text) else \
            Group(prompt, body) if body else prompt
        # the hint in the panel's lower border when it fits there, else under the panel
        # (a border cuts what does not fit)
        fits = len(hint) + 6 <= width
        self.console.print(Panel(content, title=literal(f"card {question.number}"),
                                 title_align="left",
                                 subtitle=Text(hint, style="dim") if fits else None,
                                 subtitle_align="left"))
        if not fits:
            self.console.print(literal(f"  {hint}", "dim"))
        if question.options:
            from pmquiz.ui.keys import read_key

            mapping: dict[str, Any] = {**dict(zip(keys, question.options, strict=True)),
                                       "?": Action("?"), "q": Action("q"),
                                       "escape": Action("q")}
            while True:
                chosen = read_key(f"  your answer [{'/'.join(keys)}] · ? more ", mapping)
                if isinstance(chosen, Action):
                    self._before_answer(chosen)
                    continue
                self.console.print(f"  → {clean(chosen)}", highlight=False, markup=False)
                return str(chosen)
        if kind_of(card).answer_mode == "items":
            first = self._typed("Items:", "›")
            if "," in first or ";" in first or not first.strip():
                return first
            items = [first]
            while more := self._typed("  next (Enter to finish):", " ").strip():
                items.append(more)
            return "\n".join(items)
        return self._typed("Your answer:", "›")

    def _before_answer(self, action: Action) -> None:
        """`?` lists what may be done before answering; `q` (or Esc) stops and saves."""
        if action.name == "q":
            raise EOFError
        for key, text in BEFORE_ANSWER_HELP:
            self.console.print(f"  {key:>5}  {text}", style="dim", highlight=False,
                               markup=False)

    def _typed(self, message: str, mark: str) -> str:
        """A line of text; Esc stops the session (answers so far saved), and a line that is
        only `?` lists what may be done before answering, then asks again."""
        import questionary
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
        from prompt_toolkit.key_binding.key_processor import KeyPressEvent

        stop = KeyBindings()

        @stop.add("escape", eager=True)
        def _(event: KeyPressEvent) -> None:
            event.app.exit(exception=EOFError())

        while True:
            prompt = questionary.text(message, qmark=mark)
            app = prompt.application
            app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), stop])
            typed = str(prompt.unsafe_ask() or "")
            if typed.strip() != "?":
                return typed
            self._before_answer(Action("?"))

    def rate(self, verdict: Verdict) -> Rated | str:
        """Show the verdict, the word-level comparison and the explanation; then wait for one
        key: the rating, or the learner's last word on an automatic verdict, or an action
        (`?` lists them)."""
        from rich.text import Text


        if verdict is not self._shown:  # asked again after an action: shown already
            self._shown = verdict
            for text, style in feedback_lines(verdict):
                label, separator, rest = text.partition(": ")
                if separator and label in ("Answer", "Also right") and \
                        looks_like_markdown(rest):
                    self.console.print(literal(f"{label}:", style))  # then the Markdown
                    self.console.print(shown(rest))
                else:
                    self.console.print(shown(text, style))
            for label, words in comparison_lines(verdict):
                line = Text(f"  {label:>16}: ", style="dim")
                for word, mark in words:
                    line.append_text(literal(word, MARK_STYLE[mark]))
                    line.append(" ")
                self.console.print(line)
        if verdict.grade is None:
            keys = {"1": Rating.AGAIN, "a": Rating.AGAIN, "2": Rating.HARD, "h": Rating.HARD,
                    "3": Rating.GOOD, "g": Rating.GOOD, "enter": Rating.GOOD, " ": Rating.GOOD,
                    "4": Rating.EASY, "e": Rating.EASY}
            return self._key(f"  rate: {rating_keys(verdict, ' · ', '3/Enter')} · ? more ",
                             keys, Rated)
        outcome = verdict.grade.outcome
        last_word = {"enter": "", " ": ""}
        if outcome is Outcome.RIGHT:
            last_word |= {"e": "e", "4": "e"}
        else:
            last_word |= {"r": "r"}
        if outcome is not Outcome.WRONG:
            last_word |= {"w": "w"}
        help_text = "Enter next" + (" · e easy" if outcome is Outcome.RIGHT else
                                    " · r I was right")
        if outcome is not Outcome.WRONG:
            help_text += " · w I was wrong"
        offered = [(verdict.grade.rating, "next")] + \
            ([(Rating.EASY, "easy")] if outcome is Outcome.RIGHT else [])
        intervals = [f"{label} {interval_label(verdict.intervals[r])}" for r, label in offered
                     if r in verdict.intervals]
        if intervals:
            help_text += f"   ({', '.join(intervals)})"
        grade = verdict.grade
        return self._key(f"  {help_text} · ? more ", last_word,
                         lambda word: decide(outcome, grade.rating, word))

    def _key(self, message: str, keys: dict[str, Any], done: Callable[[Any], Rated]
             ) -> Rated | str:
        """One key: a rating (through `done`), an action, or `?` for the list of actions."""
        from pmquiz.ui.keys import read_key

        mapping: dict[str, Any] = {**keys, **{k: Action(a) for k, a in ACTION_KEYS.items()},
                                   "?": Action("?")}
        import textwrap

        # wrapped between words to the terminal's width (a 60-column line cannot hold it)
        # between the " · " parts, never inside one ("4 easy 10d" stays whole)
        glued = " · ".join(part.replace(" ", "\u00a0") for part in message.strip().split(" · "))
        message = "\n".join(textwrap.wrap(glued, max(20, self.console.width - 1),
                                          initial_indent="  ", subsequent_indent="    ",
                                          break_long_words=False, break_on_hyphens=False)
                            ).replace("\u00a0", " ") + " "
        while True:
            chosen = read_key(message, mapping)
            if not isinstance(chosen, Action):
                return done(chosen)
            if chosen.name != "?":
                return chosen.name
            for key, name, text in ACTION_HELP:
                self.console.print(f"  {key:>2}  {name:<8} {text}", style="dim",
                                   highlight=False, markup=False)

    def saved(self, rating: Rating) -> None:
        """Confirm the rating once it is stored."""
        self.console.print(f"  rated {rating.label} · saved", style="dim", highlight=False)

    def notice(self, text: str, moves_on: bool = True) -> None:
        """Say what an action did; when the card leaves the screen (suspended, buried,
        undone), again at the top of the next card's screen."""
        self.console.print(literal(f"  {text}", "yellow"))
        if moves_on:
            self._carried = text


@dataclass(frozen=True)
class Action:
    """A key that stands for an action, not a rating."""

    name: str


def progress_line(done: int, total: int, width: int) -> Any:
    """A session progress bar drawn with one character a cell (rich's own bar costs an
    import on the way to the first question)."""
    from rich.text import Text

    width = max(4, width)
    filled = round(width * done / total) if total else 0
    bar = Text("━" * filled, style="magenta")
    bar.append("━" * (width - filled), style="grey23")
    return bar
