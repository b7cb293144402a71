"""Small builders shared by the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pexpect

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def write_deck(folder: Path, slug: str, cards: str, phase: int = 0, title: str | None = None,
               extra: str = "") -> Path:
    """Write a small deck file and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.toml"
    path.write_text(
        f'[module]\nslug = "{slug}"\ntitle = "{title or slug.title()}"\nphase = {phase}\n'
        f"{extra}\n{cards}", encoding="utf-8")
    return path


def basic_cards(count: int, prefix: str = "q") -> str:
    """`count` basic cards with ids q1, q2..."""
    return "".join(
        f'[[cards]]\nid = "{prefix}{i}"\nkind = "basic"\nprompt = "Question {i}?"\n'
        f'answer = "answer {i}"\n\n' for i in range(1, count + 1))


def own_decks_only(home: Path) -> Path:
    """Turn the shipped decks off for this home; returns the user's deck folder."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("shipped_decks = false\n", encoding="utf-8")
    return home / "decks"


NOW_ISO = "2026-03-02T09:00:00+00:00"


def terminal_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a pmquiz run in a real terminal: this home, a fixed clock, colour
    on, and no cursor-position queries (each would wait about a second for a reply)."""
    import os

    env = dict(os.environ, PMQUIZ_HOME=str(home), PMQUIZ_NOW=NOW_ISO,
               PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
    env.pop("NO_COLOR", None)
    env.pop("COLUMNS", None)
    env.update(extra)
    return env


def spawn(home: Path, *args: str, dimensions: tuple[int, int] = (40, 100),
          **extra: str) -> pexpect.spawn:
    """`pmquiz ARGS` in a pseudo-terminal."""
    import sys

    return pexpect.spawn(sys.executable, ["-m", "pmquiz", *args], env=terminal_env(home, **extra),
                         encoding="utf-8", timeout=60, dimensions=dimensions)


def count_reviews(home: Path) -> int:
    """How many reviews the home's log holds."""
    import sqlite3

    conn = sqlite3.connect(home / "pmquiz.db")
    try:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def scripted_session(home: Path, now_iso: str, rng: object, right: float = 0.8,
                     rating: str = "good") -> int:
    """A real `pmquiz study` process answered through the line protocol, prompt by prompt:
    the first option of a choice, "x" for a typed card, two items for a list; a self-rating
    of `rating` (or again), and "I was right" after an automatic verdict, each with
    probability `right`. Returns how many cards were asked."""
    import os
    import re
    import select
    import subprocess
    import sys

    env = terminal_env(home) | {"PMQUIZ_NOW": now_iso, "PMQUIZ_FREEZE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "pmquiz", "study"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    draw = rng.random  # type: ignore[attr-defined]
    asked = 0
    screen = b""
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        if not ready:
            proc.kill()
            raise AssertionError(f"pmquiz waits and the learner sees no prompt: {screen!r}")
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        screen += chunk
        if not screen.endswith(b"> "):
            continue
        prompt = screen.rsplit(b"\n", 1)[-1]
        keys = re.findall(rb"^  (\S+)\) ", screen, re.MULTILINE)
        if prompt.startswith(b"answer> ") and keys:
            reply = keys[0].decode()  # a choice or classify card: the first option's key
            asked += 1
        elif prompt.startswith(b"answer> "):
            reply = "x"  # a typed card
            asked += 1
        elif prompt.startswith(b"items> "):
            reply = "a, b"
            asked += 1
        elif prompt.startswith(b"rate "):
            reply = rating if draw() < right else "again"
        else:  # the learner's last word after an automatic verdict
            reply = "r" if draw() < right else ""
        screen = b""
        proc.stdin.write(reply.encode() + b"\n")
        proc.stdin.flush()
    proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return asked
