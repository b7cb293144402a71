"""The CLI commands, one module per group; each registers on
`pmquiz.commands.base.app` when imported; `pmquiz.cli` imports them all.

Like `cli.py`, these modules do not use `from __future__ import annotations`: typer would
evaluate every annotation string at start-up.
"""
