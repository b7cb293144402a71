"""Write `src/pmquiz/interop/stock_note_types.json`: the names Anki gives its stock note
types in each of its languages, read from Anki's own library (a collection made in each
language; `originalStockKind` says which stock type a note type is). A text export names a
note's type, not its templates, so these names are how `import` knows a French "Généralités
(deux sens)" note makes a reverse card as "Basic (and reversed card)" does.

    python bench/stock_note_types.py      # needs the `anki` test extra
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from common import REPO

OUT = REPO / "src" / "pmquiz" / "interop" / "stock_note_types.json"
# Anki's OriginalStockKind: the plain and typing types too, so that a type pmquiz does not
# know (a user's own, or a stock name of an older Anki) can be told apart and said
KINDS = {1: "basic", 2: "reversed", 3: "optional_reversed", 4: "typing", 5: "cloze"}


def main() -> None:
    import anki.lang
    from anki.collection import Collection

    found: dict[str, set[str]] = {kind: set() for kind in KINDS.values()}
    try:
        for _, code in anki.lang.langs:
            anki.lang.set_lang(code)
            with tempfile.TemporaryDirectory() as folder:
                collection = Collection(str(Path(folder) / "c.anki2"))
                for model in collection.models.all():
                    kind = KINDS.get(int(model.get("originalStockKind", 0)))
                    if kind:
                        found[kind].add(model["name"].strip().lower())
                collection.close()
    finally:
        anki.lang.set_lang("en_US")
    clash = [name for kind in found for name in found[kind]
             if any(name in found[other] for other in found if other != kind)]
    assert not clash, clash  # one name, two kinds: the file could not tell them apart
    text = json.dumps({kind: sorted(names) for kind, names in found.items()},
                      ensure_ascii=False, indent=1, sort_keys=True)
    Path(OUT).write_text(text + "\n", encoding="utf-8")
    print(f"{OUT}: " + ", ".join(f"{len(v)} {k}" for k, v in found.items()))


if __name__ == "__main__":
    main()
