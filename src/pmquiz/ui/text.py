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


# Signs that card text was written as Markdown (imported notes, Markdown flashcards): a
# list, a table, a heading, bold, code or a link. Plain sentences are shown as they are.
MARKDOWN = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S|^\s*\|.*\||^#{1,6}\s|(?<!\*)\*\*[^*\s]|"
                      r"(?<!_)__[^_\s]|`[^`]+`|"
                      r"\[[^\]\n]+\]\([^)\s]+\)", re.MULTILINE)
LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def looks_like_markdown(text: str) -> bool:
    """Whether card text uses Markdown (then a terminal renders it)."""
    return bool(MARKDOWN.search(text))


def shown(text: str, style: str = "") -> Any:
    """Card text for a terminal: rendered Markdown (links as `text (url)`, never terminal
    hyperlinks) when it is Markdown, else the literal text; escape sequences removed."""
    if not looks_like_markdown(text):
        return literal(text, style)
    from rich.markdown import Markdown

    return Markdown(clean(text), hyperlinks=False, style=style or "none")


def plain(text: str) -> str:
    """Card text for the line protocol: Markdown's marks taken off (bold, italics, code,
    code fences), links as `text (url)`; lists and tables stay as they read."""
    if not looks_like_markdown(text):
        return text
    text = LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = re.sub(r"^\s*(```|~~~).*$\n?", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", text)
    return re.sub(r"`([^`]+)`", r"\1", text)
