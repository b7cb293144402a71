"""Sentence vectors shipped with pmquiz: the shipped decks' check-mode evidence and the
everyday sentences, embedded once by `bench/sentence_seed.py`. A first check on the shipped
decks then embeds only the statement (5.6 s -> 0.5 s measured here). Keys are the cache's
(model name and text), so a text that changed since is simply embedded as usual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pmquiz.sentence_model import NAME

if TYPE_CHECKING:
    import numpy as np

MODEL = NAME  # the seed holds this model's vectors only
SEED = Path(__file__).with_name("sentence_seed.npz")

_loaded: dict[str, np.ndarray] = {}


def lookup(keys: list[str]) -> dict[str, np.ndarray]:
    """The shipped vectors of these keys (none where the seed is missing or unreadable)."""
    if not _loaded:
        import numpy as np

        try:
            with np.load(SEED, allow_pickle=False) as data:
                _loaded.update(zip((str(k) for k in data["keys"]), data["vectors"],
                                   strict=True))
        except (OSError, ValueError, KeyError):  # only a head start: embed as usual
            return {}
    return {k: _loaded[k] for k in keys if k in _loaded}


def write(vectors: dict[str, np.ndarray], path: Path = SEED) -> None:
    """Keep these vectors as the seed (atomically: a temporary file, then a rename)."""
    import numpy as np

    keys = sorted(vectors)
    temporary = path.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, keys=np.array(keys),
                        vectors=np.array([vectors[k] for k in keys], dtype=np.float32))
    temporary.replace(path)
