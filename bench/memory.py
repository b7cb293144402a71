"""Hostile input: zip and zstd bombs given to `pmquiz import` (peak memory), a 10 MB HTML
field in an Anki text export (time and peak memory; targets 10 s and 300 MB)."""

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


def run(results: Results, env: dict[str, str], tmp: Path) -> None:
    """Peak memory of importing each bomb; time and peak memory of a 10 MB field."""
    for label, bomb in bomb_packages(tmp).items():
        peak = peak_memory_mb([*PMQUIZ, "import", str(bomb), "-o", str(tmp / "bomb.toml")], env)
        results.text(f"`pmquiz import` of a {label}: peak memory", "shipped decks",
                     f"{peak:.0f} MB")
    field = tmp / "big-field.txt"
    field.write_text("#separator:tab\n#html:true\nQuestion\t" + "<b>x</b>" * 1_250_000 + "\n",
                     encoding="utf-8")
    args = [*PMQUIZ, "import", str(field), "-o", str(tmp / "big-field.toml")]
    results.put("`pmquiz import` of a 10 MB HTML field (time)", "shipped decks",
                stats_of([run_command(args, env) for _ in range(3)]))
    results.text("`pmquiz import` of a 10 MB HTML field: peak memory", "shipped decks",
                 f"{peak_memory_mb(args, env):.0f} MB")
