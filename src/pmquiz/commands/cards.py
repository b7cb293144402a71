"""One card at a time from the command line: search, suspend, unsuspend, bury, flag, edit.

A card is named `module/card-id` (as `pmquiz search` prints it); a card id alone is enough
when one module has it.
"""

import re
from typing import Annotated

import typer

from pmquiz.commands.base import (
    JsonOpt,
    ModuleOpt,
    PhaseOpt,
    app,
    console,
    interactive,
    print_json,
    reports_errors,
    scope_of,
    workspace,
)
from pmquiz.ui.text import say

CardArg = Annotated[str, typer.Argument(metavar="CARD",
                                        help="module/card-id, as `pmquiz search` shows it.")]


@app.command()
@reports_errors
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to find (each may be a word's start).")
                    ] = "",
    phase: PhaseOpt = None,
    module: ModuleOpt = None,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged cards.")] = False,
    suspended: Annotated[bool, typer.Option("--suspended", help="Only suspended cards.")
                         ] = False,
    buried: Annotated[bool, typer.Option(
        "--buried", help="Only cards buried until the next learning day.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Find cards by the words of their prompt, answer or explanation."""
    from pmquiz.kinds import shown_text
    from pmquiz.ui.render import search_results
    from pmquiz.workspace import make_clock

    marks = flagged or suspended or buried
    if not text.strip() and not marks:
        raise typer.BadParameter("give words to find, or --flagged, --suspended or --buried",
                                 param_hint="TEXT")
    with workspace(ctx) as ws:
        scope = scope_of(phase, module, ws)
        now = make_clock()()
        wanted = limit if not marks else 100000
        found = ws.store.marks.search(text, scope, wanted) if text.strip() else \
            ws.store.marks.marked(scope, wanted, now)
        asleep = ws.store.marks.buried_rows([f[0].row for f in found], now) if buried else set()
    if marks:  # any mark asked for will do
        found = [f for f in found if (flagged and f[3]) or (suspended and f[2])
                 or (buried and f[0].row in asleep)]
    found = found[:limit]
    from pmquiz.store.marks import search_words

    searched = search_words(text)
    all_words = re.findall(r"\w+", text.lower())
    if len(set(all_words)) > len(searched) or any(len(w) > len(v) for w, v in
                                                  zip(dict.fromkeys(all_words), searched,
                                                      strict=False)):
        say(console(stderr=True), f"pmquiz: searched for the first {len(searched)} distinct "
                                  "words (each up to 64 letters): " + " ".join(searched),
            style="yellow", soft_wrap=True)
    if as_json:
        print_json({"query": text, "words": searched, "cards": [
            {"card": s.card.key, "kind": s.card.kind.value, "module": s.card.deck,
             "phase": s.phase_number, "prompt": shown_text(s.card), "match": match,
             "suspended": is_suspended, "flagged": bool(flag)}
            for s, match, is_suspended, flag in found]})
        return
    search_results(console(), text, found)


@app.command()
@reports_errors
def suspend(ctx: typer.Context, card: CardArg) -> None:
    """Never ask this card (it still counts in stats and decks) until `pmquiz unsuspend`."""
    from pmquiz import card_actions

    with workspace(ctx) as ws:
        stored = ws.store.queue.find_card(card)
        card_actions.suspend(ws.store, stored)
    say(console(), f"Suspended {stored.card.key}: {_shown(stored)}")


@app.command()
@reports_errors
def unsuspend(ctx: typer.Context, card: CardArg) -> None:
    """Ask a suspended (or buried) card again."""
    from pmquiz import card_actions

    with workspace(ctx) as ws:
        stored = ws.store.queue.find_card(card)
        card_actions.suspend(ws.store, stored, suspended=False)
    say(console(), f"Unsuspended {stored.card.key}: {_shown(stored)}")


@app.command()
@reports_errors
def bury(ctx: typer.Context, card: CardArg) -> None:
    """Keep a card out of today's sessions; it comes back on the next learning day."""
    from pmquiz import card_actions
    from pmquiz.ui.render import when
    from pmquiz.workspace import make_clock

    now = make_clock()()
    with workspace(ctx) as ws:
        stored = ws.store.queue.find_card(card)
        until = card_actions.bury(ws.store, ws.settings, stored, now)
    say(console(), f"Buried {stored.card.key} until the next learning day ({when(until, now)}): "
                   f"{_shown(stored)}")


@app.command()
@reports_errors
def flag(ctx: typer.Context, card: CardArg) -> None:
    """Flag a card to come back to (`pmquiz search --flagged`); flagging again unflags."""
    from pmquiz import card_actions

    with workspace(ctx) as ws:
        stored = ws.store.queue.find_card(card)
        now_flagged = card_actions.toggle_flag(ws.store, stored)
    say(console(), f"{'Flagged' if now_flagged else 'Unflagged'} {stored.card.key}: "
                   f"{_shown(stored)}")


@app.command()
@reports_errors
def edit(ctx: typer.Context, card: CardArg) -> None:
    """Open the card's deck file in $EDITOR at its line; the deck is checked when you close
    it. A shipped deck is edited in a copy in your decks folder, which overrides it."""
    from pmquiz import card_actions
    from pmquiz.errors import UsageError

    if not interactive():
        raise UsageError("edit needs a terminal (it opens $EDITOR)")
    import questionary

    with workspace(ctx) as ws:
        stored = ws.store.queue.find_card(card)
        result = card_actions.edit_card(
            ws, stored, again=lambda q: bool(questionary.confirm(q).unsafe_ask()),
            report=lambda text: say(console(stderr=True), text, style="yellow",
                                               soft_wrap=True))
    say(console(), edit_outcome(result))


def edit_outcome(result: "object") -> str:
    """What an edit did, in a sentence."""
    from pmquiz.card_actions import EditResult

    assert isinstance(result, EditResult)
    if result.discarded and result.reason == "no change":
        return f"No change: {result.path} is as it was."
    if result.discarded:
        return f"Edit discarded ({result.reason}): {result.path} is as it was." \
            if result.reason else f"Edit discarded: {result.path} is as it was."
    where = f"your copy {result.path}, which now overrides the shipped deck" \
        if result.new_override else str(result.path)
    if result.card is None:
        return f"Saved {where}; the card is no longer in it (its history stays in the log)."
    return f"Saved {where}: {_shown(result.card)}"


def _shown(stored: "object") -> str:
    from pmquiz.kinds import shown_text
    from pmquiz.model import StoredCard

    assert isinstance(stored, StoredCard)
    return shown_text(stored.card)
