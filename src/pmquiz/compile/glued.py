"""Split list items whose bold term was glued to its description when the page was copied.

The site shows `**Deliver value fast** help users…`; selecting the page gives
`Deliver value fasthelp users…`. The method: in the first words of the item, find a word that
ends with an instruction verb from a shipped list (`fast|help`), where the part before the verb
is itself a word (seen elsewhere on the page, in a shipped list of common words, or at least
reading like one). If more than one split fits, or the term side does not read like a word,
the split is reported as unsure.
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


def _is_word(word: str) -> bool:
    """In the shipped lists, directly or as a plural or -ed/-ing/-ly form."""
    forms = {word, word.removesuffix("s"), word.removesuffix("es"), word.removesuffix("ed"),
             word.removesuffix("ing"), word.removesuffix("ly"), word.removesuffix("ing") + "e"}
    return any(f in COMMON_WORDS or f in IMPERATIVE_VERBS for f in forms)


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
        if letters != word or len(word) < 4 or _is_word(word.lower()):
            continue  # a real word ("recurring") is not two glued ones
        lower = word.lower()
        for cut in range(2, len(lower) - 1):
            head, tail = lower[:cut], lower[cut:]
            if tail in IMPERATIVE_VERBS and word[cut:].islower():
                candidates.append((index, cut, head))
    if not candidates:
        return None

    def known(head: str) -> bool:
        stems = {head, head.removesuffix("s"), head.removesuffix("es"), head.removesuffix("ly"),
                 head.removesuffix("ed"), head.removesuffix("ing")}
        if any(s in known_words or s in COMMON_WORDS for s in stems if len(s) > 1):
            return True
        # Not in the lists: accept what reads like an English word (vowels, no long
        # consonant runs); a dictionary would be better, but this keeps the wheel small.
        return len(head) >= 3 and re.search(r"[aeiouy]", head) is not None and \
            re.search(r"[^aeiouy]{4,}", head) is None

    # The term ends at the first glued word; the description after it is ordinary text.
    first = min(c[0] for c in candidates)
    in_word = [c for c in candidates if c[0] == first]
    good = [c for c in in_word if known(c[2])]
    # Several ways to split one word: prefer the longest verb (viralitydesign -> design).
    index, cut, head = min(good or in_word, key=lambda c: c[1])
    word = words[index]
    term = " ".join([*words[:index], word[:cut]])
    description = " ".join([word[cut:], *words[index + 1:]])
    sure = len(good) == 1
    reason = "" if sure else (
        f'"{head}" is not a known word' if not good else "more than one place could split")
    return Split(term, description[:1].upper() + description[1:], sure, reason)
