"""The Obsidian Spaced Repetition plugin's settings for one Markdown file: which tags mark a
note for it and which separators split its cards (defaults, `--separator`/`--tag`, or the
file's front matter keys)."""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_SPAN = re.compile(r"`[^`\n]+`|\$[^$\n]+\$")  # code and inline math: never separators
SR_COMMENT = re.compile(r"\s*<!--SR:.*?-->")
SR_HIGHLIGHT = re.compile(r"==([^=\n]+?)==")
FENCE = re.compile(r"^\s*(```+|~~~+)")
SR_KEYS = {"sr-inline": "inline", "sr-inline-reversed": "inline_reversed",
           "sr-multiline": "multiline", "sr-multiline-reversed": "multiline_reversed"}


@dataclass(frozen=True)
class SpacedRepetition:
    """The Obsidian Spaced Repetition plugin's settings for one file."""

    inline: str = "::"
    inline_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    tags: tuple[str, ...] = ("flashcards",)

    def tagged(self, text: str) -> bool:
        """Whether the note carries one of the flashcard tags (body or front matter)."""
        names = "|".join(re.escape(t.lstrip("#")) for t in self.tags)
        visible, fenced = [], False
        for line in text.splitlines():  # a tag shown in code is an example, not a tag
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced and not line.startswith(("    ", "\t")):
                visible.append(line)
        body = re.search(rf"(?:^|\s)#(?:{names})(?:/[\w/-]*)?(?=\s|$)",
                         CODE_SPAN.sub("", "\n".join(visible)))
        front = re.search(rf"^(?:tags|tag)\s*:.*\b(?:{names})\b", text[:4000], re.M | re.I)
        return bool(body or front)

    def patterns(self) -> list[tuple[re.Pattern[str], bool]]:
        """Inline separators, longest first, each with whether it adds the reverse card."""
        pairs = sorted([(self.inline_reversed, True), (self.inline, False)],
                       key=lambda pair: -len(pair[0]))
        return [(re.compile(rf"^(?P<q>.+?)\s*{re.escape(sep)}\s*(?P<a>.+)$"), both)
                for sep, both in pairs if sep]
