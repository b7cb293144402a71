"""Not a benchmark: writes src/pmquiz/check_examples.json, the check mode's worked examples
(statements already labelled with their category in the statement files of `RUN`,
`tests/data/classify_*.toml`, and their unrelated sentences): `python bench/check_examples.py`, then
`python bench/sentence_seed.py` for their vectors. A held-out file goes into `RUN` only
after its first run is in the README, never before."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
# the statement files whose first run is on record, in the order they were written
RUN = ["classify_tuning.toml", "classify_holdout.toml", "classify_holdout_round4.toml",
       "classify_holdout_round5.toml", "classify_holdout_round6.toml",
       "classify_holdout_round7.toml", "classify_holdout_round8.toml",
       "classify_holdout_round9.toml", "classify_holdout_round10.toml",
       "classify_holdout_round11.toml", "classify_holdout_round12.toml",
       "classify_holdout_round13.toml", "classify_holdout_round14.toml",
       "classify_holdout_round15.toml", "classify_holdout_round16.toml"]
TARGET = REPO / "src" / "pmquiz" / "check_examples.json"


def main() -> None:
    groups = []
    unrelated = []
    for name in RUN:
        data = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
        groups += [{"source": name,
                    "examples": {k: v for k, v in entry.items() if k != "name"}}
                   for entry in data["sets"]]
        unrelated.append({"source": name, "sentences": data["unrelated"]})
    count = sum(len(v) for g in groups for v in g["examples"].values())
    text = json.dumps({"about": "The check mode's worked examples: statements labelled with "
                                "their category, kept as evidence beside a comparison's cards "
                                "(issue #26). Written by `python bench/check_examples.py` from "
                                "the statement files already run, and their sentences about "
                                "nothing the course teaches; do not edit.",
                       "sets": groups, "unrelated": unrelated}, indent=1, ensure_ascii=False) + "\n"
    tmp = TARGET.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(TARGET)
    print(f"{count} examples -> {TARGET.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
