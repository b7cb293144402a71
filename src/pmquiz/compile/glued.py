"""Split list items whose bold term was glued to its description when the page was copied.

The site shows `**Deliver value fast** help users…`; selecting the page gives
`Deliver value fasthelp users…`. The method: among the item's first words, find the first one
the English word-frequency dictionary (`pmquiz.words`, wordfreq) does not know but that reads as
two words it knows well (`fast` + `help`), choosing the cut that makes the likeliest pair
(Zipf frequencies add as log-probabilities). The term ends at the cut. Across one list, the
items are split the same way: when an item could be cut in more than one word, the cut that
gives the term length most of its sibling items have wins (`split_list`).

Joins of other shapes: a one-letter word after the term (`disguisea requirement` -> `disguise`
+ `a requirement`), a hyphenated term (`Gold-platingpolish` -> `Gold-plating` + `polish`;
`snapshotsone-page` -> `snapshots` + `one-page`), an acronym before a lower-case word
(`NPSmeasures` -> `NPS` + `measures`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pmquiz import words

SEPARATOR = re.compile(r"^(.{2,80}?)\s*(?:\s[—–-]\s|:\s)\s*(.+)$")
MAX_TERM_WORDS = 6
MIN_HEAD = 1.5  # Zipf of the term's last word: rare words are fine ("virality" is 1.75)
MIN_TAIL = 3.0  # Zipf of the description's first word: an ordinary word ("help", "keep")
CLEAR = 1.5  # a best cut this much likelier than the next is sure


@dataclass(frozen=True)
class Split:
    """A term and its description; `sure` is False when the split was a guess."""

    term: str
    description: str
    sure: bool
    reason: str = ""


@dataclass(frozen=True)
class Cut:
    """One way to read a glued word as two: which word of the item, where, how likely."""

    index: int
    at: int
    score: float
    runner_up: float
    known_head: bool = True  # False: the term's last word is no word the dictionary knows


ARTICLE_HEAD = 3.0  # Zipf of the word before a glued "a": a common word
ARTICLE_BONUS = 5.0
RARE_WORD = 2.5  # a dictionary word this rare may still be a word glued to "a" ("mapa")
# Short words that often open a description: "disguisea requirement", "cadenceat least".
SHORT_TAILS = ("a", "an", "at", "to", "of", "in", "on", "by", "as", "or", "if", "it", "is",
               "no", "we")
ACRONYM = re.compile(r"^([A-Z]{2,})([a-z]{2,})$")


def cut_word(word: str) -> tuple[int, float, float, bool] | None:
    """(where to cut, score, score of the next best cut, whether the head is a known word)
    for a word the dictionary does not know that reads as two words it does, or failing
    that as an unknown word followed by a common one (a guess); None for a real word."""
    if "-" in word:
        return _cut_hyphenated(word)
    acronym = ACRONYM.match(word)
    if acronym and words.zipf(acronym.group(2)) >= MIN_TAIL:
        at = len(acronym.group(1))
        return at, MIN_HEAD + words.zipf(acronym.group(2)), 0.0, True
    if not word.isalpha() or len(word) < 4 or not word[1:].islower():
        return None
    lower = word.lower()
    article_cut = _article_cut(lower)
    if words.is_word(lower) and not (article_cut and words.zipf(lower) < RARE_WORD):
        return None  # a real word ("recurring") is not two glued ones
    scored: list[tuple[float, int]] = []
    guesses: list[tuple[float, int]] = []
    for at in range(2, len(lower) - 1):
        head, tail = words.zipf(lower[:at]), words.zipf(lower[at:])
        if tail >= MIN_TAIL and len(lower) - at >= 3:
            (scored if head >= MIN_HEAD else guesses).append((head + tail, at))
    if article_cut:
        scored.append(article_cut)
    if not scored:
        if not guesses:
            return None
        best = max(guesses)
        return best[1], best[0], best[0], False
    scored.sort(reverse=True)
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return scored[0][1], scored[0][0], runner_up, True


def _article_cut(lower: str) -> tuple[float, int] | None:
    """`disguisea` -> cut before the final `a`, when what stands before it is a common word;
    scored above an ordinary pair, since a description opening with "a" is the commonest
    glue of all (`mapa` is a rare word of its own, `map` + `a` far likelier)."""
    for tail in SHORT_TAILS:
        last = len(lower) - len(tail)
        if lower.endswith(tail) and last >= 3 and words.zipf(lower[:last]) >= ARTICLE_HEAD:
            return words.zipf(lower[:last]) + ARTICLE_BONUS, last
    return None


def _cut_hyphenated(word: str) -> tuple[int, float, float, bool] | None:
    """Cut the part of a hyphenated word that is glued: `Gold-platingpolish` at the end of
    `plating`, `snapshotsone-page` after `snapshots`."""
    offset = 0
    for part in word.split("-"):
        got = cut_word(part) if part and "-" not in part else None
        if got is not None and got[3]:
            return (offset + got[0], *got[1:])
        offset += len(part) + 1
    return None


def cuts(text: str) -> list[Cut]:
    """Every word among the first few of an item that could be two glued words."""
    found = []
    for index, word in enumerate(text.split()[:MAX_TERM_WORDS]):
        got = cut_word(word)
        if got is not None:
            found.append(Cut(index, *got))
    return found


def _split_at(text: str, cut: Cut, sure: bool, reason: str) -> Split:
    parts = text.split()
    word = parts[cut.index]
    term = " ".join([*parts[:cut.index], word[:cut.at]])
    description = " ".join([word[cut.at:], *parts[cut.index + 1:]])
    return Split(term, description[:1].upper() + description[1:], sure, reason)


def split_glued(text: str, term_words: int | None = None) -> Split | None:
    """Find where a glued term ends and its description begins. `term_words`, when given,
    is how many words the terms of the item's list mostly have: a cut that gives that many
    is preferred."""
    found = cuts(text)
    if not found:
        return None
    chosen = found[0]
    if term_words is not None:
        chosen = next((c for c in found if c.index + 1 == term_words), found[0])
    clear = chosen.score - chosen.runner_up >= CLEAR
    reason = ""
    if not chosen.known_head:
        head = text.split()[chosen.index][:chosen.at]
        reason = f'"{head}" is not a word the dictionary knows'
    elif len(found) > 1 and (term_words is None or chosen.index + 1 != term_words):
        reason = "more than one word could be where the term ends"
    elif not clear:
        word = text.split()[chosen.index]
        reason = f'"{word}" could be cut in more than one place'
    return _split_at(text, chosen, not reason, reason)


def split_list(texts: list[str]) -> list[Split | None]:
    """Split every item of one list; items that could be cut in more than one word take the
    cut that gives their siblings' usual term length."""
    single = [found[0].index + 1 for found in map(cuts, texts) if len(found) == 1]
    usual = Counter(single).most_common(1)[0][0] if single else None
    return [split_glued(text, usual) for text in texts]


def split_explicit(text: str) -> Split | None:
    """`Term — description` or `Term: description`."""
    match = SEPARATOR.match(text)
    if not match or len(match.group(1).split()) > MAX_TERM_WORDS:
        return None
    description = match.group(2).strip()
    return Split(match.group(1).strip(), description[:1].upper() + description[1:], True)
