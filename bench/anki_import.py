"""Anki's own library importing a package into a fresh collection, as a whole process: the
reference `pmquiz import` is measured against (`python bench/anki_import.py FILE.apkg`)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> None:
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    with tempfile.TemporaryDirectory() as folder:
        collection = Collection(str(Path(folder) / "collection.anki2"))
        collection.import_anki_package(ImportAnkiPackageRequest(
            package_path=sys.argv[1], options=ImportAnkiPackageOptions(with_scheduling=True)))
        collection.close()


if __name__ == "__main__":
    main()
