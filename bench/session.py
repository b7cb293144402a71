"""The session as a learner meets it: `pmquiz due`, the first question (line protocol and
terminal), a key press to the next card."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from common import (
    PMQUIZ,
    PROMPTS,
    Results,
    home_env,
    run_command,
    stats_of,
)


def first_question(env: dict[str, str]) -> float:
    """Seconds from starting `pmquiz study` to its first answer prompt (line protocol)."""
    started = time.perf_counter()
    proc = subprocess.Popen([*PMQUIZ, "study"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    seen = b""
    while b"> " not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    elapsed = time.perf_counter() - started
    proc.kill()
    proc.wait()
    if b"> " not in seen:
        raise RuntimeError("study showed no question")
    return elapsed


def first_question_terminal(env: dict[str, str]) -> float:
    """The same in a real terminal (pexpect), where questionary and prompt_toolkit load."""
    import pexpect

    env = env | {"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    started = time.perf_counter()
    child = pexpect.spawn(PMQUIZ[0], [*PMQUIZ[1:], "study"], env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=30)
    child.expect(PROMPTS)
    elapsed = time.perf_counter() - started
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    return elapsed


def key_to_next_card(env: dict[str, str], cards: int) -> list[float]:
    """Seconds from the key that rates a card to the next card's answer prompt, in a real
    terminal (pexpect), for the first `cards` cards of a session: the answer is recorded,
    the next card chosen, the screen cleared and redrawn in that time."""
    import pexpect

    env = env | {"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    child = pexpect.spawn(PMQUIZ[0], [*PMQUIZ[1:], "study"], env=env, encoding="utf-8",
                          dimensions=(40, 100), timeout=30)
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
    samples = []
    kind = child.expect(PROMPTS)
    for _ in range(cards):
        if kind == 0:  # typed: answer, then a rating key
            child.sendline("x")
            child.expect(["rate:", "Enter next"])
            key = "3" if child.after == "rate:" else "\r"
        elif kind == 1:  # a choice: one key, then Enter for next
            child.send("1")
            child.expect("Enter next")
            key = "\r"
        else:  # a list
            child.sendline("a, b")
            child.expect("Enter next")
            key = "\r"
        started = time.perf_counter()
        child.send(key)
        kind = child.expect(PROMPTS)
        samples.append(time.perf_counter() - started)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    return samples


def run(results: Results, env: dict[str, str], repeat: int) -> None:
    """Rows for the shipped decks in a new user's home."""
    column = "shipped decks"
    run_command([*PMQUIZ, "due"], env)  # creates and migrates the database
    results.put("`pmquiz due`", column,
                stats_of([run_command([*PMQUIZ, "due"], env) for _ in range(repeat)]))
    first_question(env)
    results.put("first question of `pmquiz study`", column,
                stats_of([first_question(env) for _ in range(repeat)]))
    results.put("first question of `pmquiz study` in a terminal", column,
                stats_of([first_question_terminal(env) for _ in range(repeat)]))
    with tempfile.TemporaryDirectory() as fresh:  # a home of its own: new cards
        results.put("key press to the next card in a terminal (8 cards a run)", column,
                    stats_of([t for _ in range(repeat) for t in
                              key_to_next_card(home_env(Path(fresh)), 8)]))
