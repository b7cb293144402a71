"""Judging answers: grading one typed answer, and checking a statement as a whole process."""

from __future__ import annotations

import random
import statistics
import time

from common import (
    PMQUIZ,
    Results,
    run_command,
    stats_of,
)


def grading_times() -> tuple[float, float]:
    """Grading one typed answer (p50 / p99, ms): cloze gaps, lists and self-rated hints, short
    answers with typos and swaps, and 200 KB answers to a long cloze."""
    from pmquiz import words
    from pmquiz.grading import key_words_covered, vocabulary
    from pmquiz.grading_lists import grade_cloze, grade_list, split_gaps, split_items

    words.zipf("warm")  # the dictionary loads off the path to the first question
    rng = random.Random(7)
    definition = ("The strategic practice of guiding a product from idea to launch and beyond, "
                  "balancing customer needs, business goals, and technical realities.")
    known = vocabulary([definition, "Introduction Growth Maturity Decline"])
    gaps = [["customer needs"], ["business goals"], ["technical realities"]]
    stages = ["Introduction", "Growth", "Maturity", "Decline"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    huge = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
                    for _ in range(40_000))[:200_000]
    prose = (definition + " ") * (200_000 // (len(definition) + 1))
    jobs = [
        lambda: grade_cloze(split_gaps("custmer needs; business goals; technical realites", 3),
                            gaps, known),
        lambda: grade_cloze(split_gaps("project needs, market goals, budgets", 3), gaps, known),
        lambda: grade_list(split_items("introduction, growth, majority, decline, launch"),
                           stages, known),
        lambda: key_words_covered("guiding a prodcut from idea to launch for customers",
                                  definition, known),
        lambda: grade_cloze(split_gaps(huge, 3), gaps, known),
        lambda: grade_cloze(split_gaps(prose, 3), gaps, known),
        lambda: grade_list(split_items(huge), stages, known),
        lambda: key_words_covered(huge, definition, known),
        lambda: key_words_covered(prose, definition, known),
    ]
    samples = []
    for _ in range(30):
        for job in jobs:
            started = time.perf_counter()
            job()
            samples.append(time.perf_counter() - started)
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.99 * (len(ordered) - 1))] * 1000


FIRST_VERDICT = """
import time
from pmquiz import words
from pmquiz.grading_lists import grade_cloze
words.warm()  # as a session does when it starts
time.sleep(1.0)  # the learner reads the question
started = time.perf_counter()
grade_cloze(["managment"], [["management"]])
first = time.perf_counter() - started
started = time.perf_counter()
grade_cloze(["strategy practise"], [["strategic practice"]])
later = time.perf_counter() - started
print((first - later) * 1000)
"""


def first_verdict_extra(env: dict[str, str], repeat: int) -> tuple[float, float]:
    """How much longer the first verdict of a fresh process takes than a later one (ms), a
    second after the session began: the dictionary loads while the question is read."""
    import subprocess
    import sys

    return stats_of([float(subprocess.run([sys.executable, "-c", FIRST_VERDICT], env=env,
                                          capture_output=True, text=True,
                                          check=True).stdout) / 1000
                     for _ in range(repeat)])


def run(results: Results, env: dict[str, str], repeat: int) -> None:
    """Rows for the shipped decks."""
    column = "shipped decks"
    run_command([*PMQUIZ, "classify", "Tracks the budget"], env)
    results.put('`pmquiz classify "Tracks the budget"` (whole process)', column,
                stats_of([run_command([*PMQUIZ, "classify", "Tracks the budget"], env)
                          for _ in range(repeat)]))
    results.put("grade one typed answer, 200 KB answers included (p50 / p99)", column,
                grading_times())
    results.put("first verdict of a session beyond a later one (target 50 ms)", column,
                first_verdict_extra(env, repeat))
