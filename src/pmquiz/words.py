"""English word frequencies, the one dictionary pmquiz uses (grading now, glued-term splitting
next): wordfreq's Zipf scale, where 0 means "not a word it knows", 3 is once per million words
and 7 is "the".

wordfreq takes about 0.2 s to import and load, so it is loaded lazily; `warm()` loads it in a
background thread so the first typed answer of a session does not wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache

_loaded: dict[str, Callable[[str, str], float]] = {}
_lock = threading.Lock()


def _frequency_function() -> Callable[[str, str], float]:
    with _lock:
        if "zipf" not in _loaded:
            from wordfreq import zipf_frequency

            _loaded["zipf"] = zipf_frequency
        return _loaded["zipf"]


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common an English word is on the Zipf scale (0 for a word the dictionary lacks)."""
    if not word or len(word) > 40:
        return 0.0
    return float(_frequency_function()(word, "en"))


def is_word(word: str) -> bool:
    """True when the dictionary knows the word at all."""
    return zipf(word) > 0.0


def warm() -> None:
    """Load the dictionary in a daemon thread (a no-op when it is loaded already): wordfreq
    reads its word list on the first lookup (about 0.1 s), so one is made here, and the
    spelling variants are read too; the first verdict then waits for nothing."""
    if "zipf" not in _loaded:
        threading.Thread(target=_load_everything, name="pmquiz-words", daemon=True).start()


def _load_everything() -> None:
    from pmquiz.spelling import american

    zipf("the")
    american("colour")
