"""Card text is shown literally: no rich markup, no escape sequences reach the terminal."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# CSI/OSC/other escape sequences first, then any remaining C0/C1 control character.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep newlines, tabs as spaces."""
    return CONTROLS.sub("", ESCAPES.sub("", text)).replace("\t", "    ")


def literal(text: str, style: str = "") -> Text:
    """A rich Text that prints exactly these characters, markup and all."""
    from rich.text import Text

    return Text(clean(text), style=style)


def say(console: Console, text: str, style: str = "", **options: Any) -> None:
    """Print text that may hold file content (paths, titles, card text) exactly as it is:
    no markup, no emoji codes, no escape sequences."""
    console.print(literal(text, style), **options)
