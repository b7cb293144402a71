"""A minimal typer app with as many commands as pmquiz, for the `--help` start-up ratio."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(add_completion=False, rich_markup_mode=None)  # as pmquiz sets it


def make(name: str) -> None:
    def command(flag: bool = False) -> None:
        """Do nothing."""
        typer.echo(f"{name} {flag}")

    command.__name__ = name
    app.command(name)(command)


for index in range(int(sys.argv.pop(1)) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 6):
    make(f"command{index}")

if __name__ == "__main__":
    app()
