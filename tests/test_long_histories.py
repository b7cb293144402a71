"""Long histories: a progress file is read and written a line at a time, so importing four
times as many reviews costs time, not memory."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pmquiz.deck import discover, load_file

SHIPPED = Path(__file__).resolve().parents[1] / "decks"
PEAK = ("import resource, sys\n"
        "from pmquiz.entry import main\n"
        "sys.argv = ['pmquiz', 'progress', 'import', sys.argv[1], '--json']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")


def progress_file(path: Path, reviews: int) -> None:
    """`reviews` answers over the shipped cards, two years up to yesterday."""
    cards = [(deck.module.slug, card.id) for deck in map(load_file, discover([SHIPPED]))
             for card in deck.cards]
    rng = random.Random(reviews)
    end = datetime(2026, 11, 29, tzinfo=UTC)
    step = timedelta(days=730) / reviews
    with path.open("w", encoding="utf-8") as out:
        for n in range(reviews):
            module, card = cards[n % len(cards)]
            out.write(json.dumps({
                "id": f"long-{n}", "module": module, "card": card,
                "time": (end - step * (reviews - n)).isoformat(),
                "rating": rng.choices([1, 2, 3, 4], [15, 10, 65, 10])[0],
                "duration_ms": 4000, "answer": "", "correct": True, "grade": "self",
                "mode": "study"}) + "\n")


def imported(tmp_path: Path, reviews: int) -> tuple[dict[str, int], int]:
    source = tmp_path / f"log-{reviews}.jsonl"
    progress_file(source, reviews)
    env = dict(os.environ, PMQUIZ_HOME=str(tmp_path / f"home-{reviews}"))
    result = subprocess.run([sys.executable, "-c", PEAK, str(source)], env=env,
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    peak = int(result.stderr.split("PEAK")[-1].split()[0])  # KiB
    return json.loads(result.stdout), peak


def test_importing_four_times_the_reviews_takes_no_more_memory(tmp_path: Path) -> None:
    small, small_peak = imported(tmp_path, 50_000)
    large, large_peak = imported(tmp_path, 200_000)
    assert (small["added"], large["added"]) == (50_000, 200_000)
    assert small["cards_rebuilt"] == large["cards_rebuilt"] == 74
    print(f"peak: {small_peak / 1024:.0f} MB for 50k lines, {large_peak / 1024:.0f} MB for "
          "200k")
    assert large_peak - small_peak < 50 * 1024
