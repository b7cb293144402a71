"""Not a benchmark: the figures behind the check mode's course line (`course_topic`) and its
confidence words, leave-one-file-out over the statement files (issue #26).

`python bench/course_line.py` prints, for the files run so far, the line's score of every
statement the nearest-sentence test lets through (each file scored by a line fitted without
its own examples and unrelated sentences, and without the yardstick sentences written after
rounds 10 and 12 for rounds 10 on): the lowest related score and the highest unrelated one,
between which `course_topic.LEAST` is set. `--confidence` prints how often "sure", "fairly
sure" and "leaning" verdicts are wrong (the `worked_verdict.SURE` comment). Leave out a
held-out file before its first run: `--skip classify_holdout_round15.toml`.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
PAGES = ("problem-solution", "customer-discovery", "roles", "kano", "prioritisation", "roadmaps",
         "product-metrics")  # the pages the held-out tests compile
LATE = 13  # the yardstick's last sentences, written after rounds 10 and 12 were run


def _home(folder: Path):  # type: ignore[no-untyped-def]
    from check_eval import compiled_home

    return compiled_home(folder / "pmquiz.db", PAGES)


def _files(skip: list[str]) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    from check_eval import DATA

    return [(path.name, tomllib.loads(path.read_text(encoding="utf-8")))
            for path in sorted(DATA.glob("classify_*.toml")) if path.name not in skip]


def line_gap(skip: list[str]) -> None:
    import numpy as np

    from pmquiz import course_topic, sentence_model
    from pmquiz.check_examples import (
        every_example,
        examples_for,
        leaving_out,
        unrelated_sentences,
    )
    from pmquiz.classify import set_names
    from pmquiz.meaning import unit_rows
    from pmquiz.statement_check import RULES, _everyday, _set_evidence, vectors
    from pmquiz.store import Scope
    from pmquiz.worked_verdict import EXAMPLES_RELATED

    with tempfile.TemporaryDirectory() as folder:
        store = _home(Path(folder))
        model = sentence_model.encoder()
        names = set_names(store)
        sets = {name: _set_evidence(store, model, Scope(), name, decks)
                for name, decks in store.queue.statement_sets(Scope()).items()}
        related_at = RULES[model.name].related
        lowest: tuple[float, str] = (9.0, "")
        highest: tuple[float, str] = (-9.0, "")
        for source, data in _files(skip):
            late = "round1" in source  # rounds 10 on were run before the late sentences
            everyday = _everyday(store, model)[: -LATE if late else None]
            rows = [(None, s) for s in data["unrelated"]] + [
                (names[entry["name"]], s) for entry in data["sets"]
                for category, given in entry.items() if category != "name" for s in given]
            said = unit_rows(vectors(store, model, [s for _, s in rows]))
            with leaving_out(source):
                others = np.vstack([everyday, unit_rows(vectors(store, model,
                                                                unrelated_sentences()))])
                examples = unit_rows(vectors(store, model, every_example()))
                for name, got in sets.items():
                    course = unit_rows(got.matrix)
                    own = examples_for(got.categories)
                    near = unit_rows(vectors(store, model, [t for t, _ in own])) if own \
                        else np.zeros((0, said.shape[1]), dtype=np.float32)
                    fitted = course_topic.fit(np.vstack([course, examples]), others)
                    for (wanted, text), row in zip(rows, said, strict=True):
                        if wanted not in (None, name):
                            continue
                        yard = float((everyday @ row).max())
                        passes = float((course @ row).max()) - yard >= related_at or (
                            len(near) and float((near @ row).max()) - yard >= EXAMPLES_RELATED)
                        if not passes:
                            continue
                        score = course_topic.score(fitted, row)
                        if wanted is None:
                            highest = max(highest, (score, text))
                        else:
                            lowest = min(lowest, (score, text))
            print(f"{source}: lowest related so far {lowest[0]:+.3f}, highest unrelated "
                  f"{highest[0]:+.3f}", file=sys.stderr)
        store.close()
    print(f"related statements the nearest-sentence test keeps: {lowest[0]:+.3f} or more "
          f"({lowest[1]!r})")
    print(f"unrelated sentences it lets through: {highest[0]:+.3f} or less ({highest[1]!r})")
    print(f"midway: {(lowest[0] + highest[0]) / 2:+.3f} "
          f"(course_topic.LEAST = {course_topic.LEAST})")


def confidence(skip: list[str]) -> None:
    from pmquiz.check_examples import leaving_out
    from pmquiz.classify import set_names
    from pmquiz.statement_check import check_statement
    from pmquiz.store import Scope

    tally: collections.Counter[tuple[str, bool]] = collections.Counter()
    with tempfile.TemporaryDirectory() as folder:
        store = _home(Path(folder))
        names = set_names(store)
        for source, data in _files(skip):
            with leaving_out(source):
                for entry in data["sets"]:
                    for category, given in entry.items():
                        if category == "name":
                            continue
                        for text in given:
                            check = check_statement(store, Scope(), text,
                                                    names[entry["name"]])
                            if check.category is not None:
                                tally[check.confidence, check.category == category] += 1
        store.close()
    for word in ("on a card", "your label", "sure", "fairly sure", "leaning"):
        right, wrong = tally[word, True], tally[word, False]
        if right + wrong:
            print(f"{word}: {right} right, {wrong} wrong "
                  f"({100 * wrong / (right + wrong):.1f} % wrong)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--confidence", action="store_true")
    parser.add_argument("--skip", action="append", default=[],
                        help="a statement file not yet run (repeatable)")
    args = parser.parse_args()
    (confidence if args.confidence else line_gap)(args.skip)


if __name__ == "__main__":
    main()
