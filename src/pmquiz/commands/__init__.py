"""The CLI commands, one module per group; each registers on `pmquiz.cli.app` when imported.

Like `cli.py`, these modules do not use `from __future__ import annotations`: typer would
evaluate every annotation string at start-up.
"""
