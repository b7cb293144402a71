"""Not a benchmark: writes src/pmquiz/sentence_seed.npz, the sentence vectors a first check
on the shipped decks needs (every comparison's evidence, the worked examples, the everyday
sentences and the statement files' unrelated ones). Run it after editing a shipped deck or
`check_examples.json`: `python bench/sentence_seed.py`.
tests/test_check_mode.py fails while the seed misses a text of the shipped decks."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def seed_texts(home: Path) -> list[str]:
    """Every text a check on the shipped decks embeds, besides the statement."""
    from pmquiz import sentence_model
    from pmquiz.check_examples import every_example, examples_for, unrelated_sentences
    from pmquiz.deck import discover, parse_deck
    from pmquiz.everyday import EVERYDAY
    from pmquiz.statement_check import _set_evidence
    from pmquiz.store import Scope, Store

    store = Store.open(home / "pmquiz.db")
    try:
        store.decks.sync(discover([REPO / "decks"]), parse_deck)
        model = sentence_model.encoder()
        texts = list(EVERYDAY)
        for name, decks in store.queue.statement_sets(Scope()).items():
            got = _set_evidence(store, model, Scope(), name, decks)
            texts += got.texts + [text for text, _ in examples_for(got.categories)]
        # the line between the course and everyday text (`course_topic`) is fitted on every
        # comparison's examples and the unrelated sentences
        return list(dict.fromkeys(texts + every_example() + unrelated_sentences()))
    finally:
        store.close()


def main() -> None:
    from pmquiz import sentence_model, sentence_seed
    from pmquiz.statement_check import vector_key

    with tempfile.TemporaryDirectory() as folder:
        texts = seed_texts(Path(folder))
    model = sentence_model.SentenceModel()
    made = model.embed(texts)
    sentence_seed.write({vector_key(model.name, t): made[i] for i, t in enumerate(texts)})
    print(f"{len(texts)} vectors -> {sentence_seed.SEED.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
