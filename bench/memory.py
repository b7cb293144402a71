"""Hostile input: zip and zstd bombs given to `pmquiz import` (peak memory), a 10 MB HTML
field in an Anki package (time and peak memory; targets 10 s and 300 MB)."""

from __future__ import annotations

from pathlib import Path

from common import (
    PMQUIZ,
    Results,
    peak_memory_mb,
    run_command,
    stats_of,
)


def bomb_packages(folder: Path) -> dict[str, Path]:
    """A 1 GB zip bomb (deflate, about 1 MB) and a 4 GB zstd bomb (about 64 KB)."""
    import zipfile

    import zstandard

    chunk = b"\0" * (1 << 20)
    made = {}
    zip_bomb = folder / "zip-bomb.apkg"
    with zipfile.ZipFile(zip_bomb, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("collection.anki21", "w", force_zip64=True) as entry:
        for _ in range(1024):
            entry.write(chunk)
    made[f"zip bomb ({zip_bomb.stat().st_size // 1024} KB -> 1 GB)"] = zip_bomb
    compressor = zstandard.ZstdCompressor(level=3).compressobj()
    parts = [compressor.compress(chunk) for _ in range(4096)]
    data = b"".join(parts) + compressor.flush()
    zstd_bomb = folder / "zstd-bomb.apkg"
    with zipfile.ZipFile(zstd_bomb, "w") as archive:
        archive.writestr("collection.anki21b", data)
    made[f"zstd bomb ({zstd_bomb.stat().st_size // 1024} KB -> 4 GB)"] = zstd_bomb
    return made


def big_field_package(folder: Path) -> Path:
    """An .apkg whose one note has a 10 MB field of `<b>x</b>` (a text export refuses a
    field over 128 KB; a package takes it)."""
    import sqlite3
    import zipfile

    db = folder / "big-field.anki21"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE col (models TEXT, decks TEXT); CREATE TABLE notes "
                       "(id, guid, mid, flds, tags); CREATE TABLE cards (nid, did);")
    conn.execute("INSERT INTO col VALUES ('{}', '{}')")
    conn.execute("INSERT INTO notes VALUES (1, 'g', 1, ?, '')",
                 ("Question\x1f" + "<b>x</b>" * 1_250_000,))
    conn.commit()
    conn.close()
    package = folder / "big-field.apkg"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(db, "collection.anki21")
    return package


def run(results: Results, env: dict[str, str], tmp: Path) -> None:
    """Peak memory of importing each bomb; time and peak memory of a 10 MB field."""
    for label, bomb in bomb_packages(tmp).items():
        peak = peak_memory_mb([*PMQUIZ, "import", str(bomb), "-o", str(tmp / "bomb.toml")], env)
        results.text(f"`pmquiz import` of a {label}: peak memory", "shipped decks",
                     f"{peak:.0f} MB")
    args = [*PMQUIZ, "import", str(big_field_package(tmp)), "-o", str(tmp / "big-field.toml")]
    results.put("`pmquiz import` of a package with a 10 MB HTML field", "shipped decks",
                stats_of([run_command(args, env) for _ in range(3)]))
    results.text("`pmquiz import` of a 10 MB HTML field: peak memory", "shipped decks",
                 f"{peak_memory_mb(args, env):.0f} MB")
