"""Split list items whose bold term was glued to its description when the page was copied.

The site shows `**Deliver value fast** help users…`; selecting the page gives
`Deliver value fasthelp users…`. The method: in the first words of the item, find a word that
ends with an instruction verb from a shipped list (`fast|help`), where the part before the verb
is itself a word (seen elsewhere on the page, or in a shipped list of common words). If more
than one split fits, or the term side is unknown, the split is reported as unsure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmquiz.compile.words import COMMON_WORDS, IMPERATIVE_VERBS

SEPARATOR = re.compile(r"^(.{2,80}?)\s*(?:\s[—–-]\s|:\s)\s*(.+)$")
MAX_TERM_WORDS = 6


@dataclass(frozen=True)
class Split:
    """A term and its description; `sure` is False when the split was a guess."""

    term: str
    description: str
    sure: bool
    reason: str = ""


def split_explicit(text: str) -> Split | None:
    """`Term — description` or `Term: description`."""
    match = SEPARATOR.match(text)
    if not match or len(match.group(1).split()) > MAX_TERM_WORDS:
        return None
    description = match.group(2).strip()
    return Split(match.group(1).strip(), description[:1].upper() + description[1:], True)


def split_glued(text: str, known_words: set[str]) -> Split | None:
    """Find where a glued term ends and its description (an instruction) begins."""
    words = text.split()
    candidates: list[tuple[int, int, str]] = []
    for index, word in enumerate(words[:MAX_TERM_WORDS]):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if letters != word or len(word) < 4:
            continue
        lower = word.lower()
        for cut in range(2, len(lower) - 1):
            head, tail = lower[:cut], lower[cut:]
            if tail in IMPERATIVE_VERBS and word[cut:].islower():
                candidates.append((index, cut, head))
    if not candidates:
        return None

    def known(head: str) -> bool:
        return head in known_words or head in COMMON_WORDS

    good = [c for c in candidates if known(c[2])]
    chosen = good[0] if good else candidates[0]
    # Several ways to split one word: prefer the longest verb (viralitydesign -> design).
    same_word = [c for c in (good or candidates) if c[0] == chosen[0]]
    chosen = min(same_word, key=lambda c: c[1])
    index, cut, head = chosen
    word = words[index]
    term = " ".join([*words[:index], word[:cut]])
    description = " ".join([word[cut:], *words[index + 1:]])
    sure = bool(good) and len({c[0] for c in good}) == 1
    reason = "" if sure else (
        f'"{head}" is not a known word' if not good else "more than one place could split")
    return Split(term, description[:1].upper() + description[1:], sure, reason)
