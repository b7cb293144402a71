"""British and American spellings of one word are the same word for grading: each word is
compared in its American form (breame's maintained list of dual spellings, Apache-2.0),
including "-isation"/"-ization" nouns formed from a verb on the list.

Loaded on first use (about 2 ms): only graders and the vocabulary need it.
"""

from __future__ import annotations

from functools import lru_cache

_SUFFIXES = (("isations", "ise", "izations"), ("isation", "ise", "ization"))


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    return BRITISH_ENGLISH_SPELLINGS  # type: ignore[no-any-return]


def american_words(words: list[str]) -> list[str]:
    """`american` of each word, at the cost of one dictionary lookup for most of them (a
    200 KB answer has 40,000 words)."""
    table = _table()
    return [table.get(w) or (american(w) if w.endswith(("isation", "isations")) else w)
            for w in words]


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """The American spelling of a lower-case word (the word itself when it has no other)."""
    table = _table()
    found = table.get(word)
    if found is not None:
        return found
    for suffix, verb_ending, american_ending in _SUFFIXES:
        if word.endswith(suffix):
            verb = table.get(word[: -len(suffix)] + verb_ending)
            if verb is not None and verb.endswith(verb_ending.replace("s", "z")):
                return verb[: -len(verb_ending)] + american_ending
    return word
