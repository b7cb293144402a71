"""The pmquiz command line: the app from `pmquiz.commands.base` with every command module
registered on it, the options given before a command, and the entry point."""

# No `from __future__ import annotations` here: typer would then evaluate every annotation
# string at start-up (about 20 ms of `--help`).
from pathlib import Path
from typing import Annotated

import typer

# The command modules register themselves on `app` when imported.
import pmquiz.commands.cards
import pmquiz.commands.classify
import pmquiz.commands.cohort
import pmquiz.commands.daily
import pmquiz.commands.exchange
import pmquiz.commands.maintenance
import pmquiz.commands.scores
from pmquiz import paths
from pmquiz.commands.base import Options, app

__all__ = ["app"]


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    home: Annotated[Path | None, typer.Option(
        "--home", metavar="DIR", help="Folder for the database, config and your decks "
                       "(default: $PMQUIZ_HOME or the user data folder).")] = None,
    decks: Annotated[list[Path] | None, typer.Option(
        "--decks", metavar="DIR",
        help="Also load deck files from this folder (repeatable).")] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    """Today at a glance when no command is given."""
    if version:
        from pmquiz import __version__

        typer.echo(f"pmquiz {__version__}")
        raise typer.Exit
    ctx.obj = Options(home=home.expanduser() if home else paths.home_dir(), decks=decks or [])
    if ctx.invoked_subcommand is None:
        pmquiz.commands.daily.overview(ctx)
