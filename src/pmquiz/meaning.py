"""Sentence meaning as vectors, offline: the 256-dimension static word embedding and tokenizer
that the `wordllama` wheel ships (MIT).

wordllama's own loader looks for its tokenizer in the wrong folder and then tries the network,
so pmquiz reads the two bundled files itself and never imports wordllama (nor its pydantic and
requests). A sentence vector is the average of its words' vectors, function words left out;
each word is the average of its tokens. numpy, tokenizers and safetensors are imported only
here, on first use (about 0.2 s).
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmquiz.errors import PmquizError

if TYPE_CHECKING:
    import numpy as np

TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
WEIGHTS = "weights/l2_supercat_256.safetensors"
WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
MAX_WORDS = 200  # a statement is a sentence; longer text is read up to here

# Words that carry no meaning of their own in a statement about a role or a process.
FUNCTION_WORDS = frozenset("""a an the and or of to for in on by with as at from that this these
those it its is are be being been their our your who whom which what when where how why does
do so than then into over under""".split())


class ModelMissing(PmquizError):
    """The bundled embedding files cannot be found or read."""


class Embedder:
    """Turns statements into unit-length-ready vectors (rows of a numpy array)."""

    name = "wordllama-l2-supercat-256"  # part of every cached vector's key

    def __init__(self, folder: Path | None = None):
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_folder()
        try:
            self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
            weights = load_file(str(folder / WEIGHTS))
        except Exception as exc:  # a broken install: say which file, never a traceback
            raise ModelMissing(f"cannot read the meaning model in {folder}: {exc}; "
                               "reinstall pmquiz (pip install --force-reinstall wordllama)") \
                from None
        self.matrix: Any = next(iter(weights.values())).astype(np.float32)
        self.dim = int(self.matrix.shape[1])
        self._words: dict[str, Any] = {}

    def _word(self, word: str) -> Any:
        import numpy as np

        vector = self._words.get(word)
        if vector is None:
            ids = self.tokenizer.encode(" " + word, add_special_tokens=False).ids
            ids = [i for i in ids if 0 <= i < self.matrix.shape[0]]
            vector = self.matrix[ids].mean(axis=0) if ids else \
                np.zeros(self.dim, dtype=np.float32)
            self._words[word] = vector
        return vector

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text: the mean of its content words' vectors (zeros for no words)."""
        import numpy as np

        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = [w for w in WORD.findall(text.casefold())[:MAX_WORDS]
                     if w not in FUNCTION_WORDS]
            if words:
                rows[i] = np.mean([self._word(w) for w in words], axis=0)
        return rows


def model_folder() -> Path:
    """Where the wordllama wheel put its files (found without importing it)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing("the meaning model (the wordllama package) is not installed; "
                           "reinstall pmquiz")
    return Path(next(iter(spec.submodule_search_locations)))


def unit_rows(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), so a dot product is a cosine."""
    import numpy as np

    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    scaled: np.ndarray = rows / norms
    return scaled


_shared: dict[str, Embedder] = {}
_lock = threading.Lock()


def embedder() -> Embedder:
    """The process's one embedder, loaded on first use."""
    with _lock:
        if "model" not in _shared:
            _shared["model"] = Embedder()
        return _shared["model"]
