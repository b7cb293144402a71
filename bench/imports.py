"""Decks in: compiling module pages and importing an Anki package; evaluating and optimizing
on a real review log."""

from __future__ import annotations

import time
from pathlib import Path

from common import (
    PMQUIZ,
    REPO,
    Results,
    run_command,
    stats_of,
)


def run(results: Results, env: dict[str, str], tmp: Path, repeat: int) -> None:
    """Rows for the shipped decks."""
    from pmquiz.compile import compile_module

    column = "shipped decks"
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        for source in ("intro-pm.page.txt", "the-product-lifecycle.md"):
            compile_module(REPO / "decks" / "phase-0" / source)
        samples.append(time.perf_counter() - started)
    results.put("compile both Phase 0 modules (in process)", column, stats_of(samples))
    pages = REPO / "tests" / "data" / "pages"
    for page in ("roadmaps.page.txt", "roadmaps.html"):
        args = [*PMQUIZ, "compile", str(pages / page), "-o", str(tmp / f"{page}.toml")]
        run_command(args, env)
        results.put(f"`pmquiz compile {page}` (whole process)", column,
                    stats_of([run_command(args, env) for _ in range(repeat)]))
    shared = REPO / "tests" / "data" / "samples"
    package = shared / "anki" / "mauriciopoppe-anki-decks" / \
        "My_french_words_and_phrases_20260328.apkg"
    revlog = next((shared / "revlogs").glob("review_logs_*.csv"), None)
    if package.exists():
        results.put("`pmquiz import` of the 1,639-note .apkg", column, stats_of(
            [run_command([*PMQUIZ, "import", str(package), "-o", str(tmp / "french.toml")], env)
             for _ in range(repeat)]))
    against_anki(results, env, tmp, repeat, [
        ("1,639 cloze notes", package),
        ("355 notes, 22-field note type", package.with_name(
            "Language_Japanese_Mining_20260328.apkg")),
        ("6,148 generated notes", large_package(tmp / "large.apkg"))])
    if revlog is not None:
        for command in ("evaluate", "optimize"):
            results.put(f"`pmquiz {command} --reviews` (12,580 reviews)", column,
                        stats_of([run_command([*PMQUIZ, command, "--reviews", str(revlog)], env)
                                  for _ in range(repeat)]))


def against_anki(results: Results, env: dict[str, str], tmp: Path, repeat: int,
                 packages: list[tuple[str, Path]]) -> None:
    """`pmquiz import` into a home that has its database, against Anki's own library
    importing the same package into a fresh collection, both as whole processes (issue
    #28: at most 1.5x). Skipped without the `anki` test extra."""
    import importlib.util
    import shutil
    import sys

    if importlib.util.find_spec("anki") is None:
        return
    anki = [sys.executable, str(Path(__file__).with_name("anki_import.py"))]
    for label, package in packages:
        if not package.exists():
            continue
        mine, theirs = [], []
        for n in range(repeat):
            home = tmp / f"anki-race-{n}"
            shutil.rmtree(home, ignore_errors=True)
            run_command([*PMQUIZ, "--home", str(home), "due"], env)  # the database exists
            mine.append(run_command([*PMQUIZ, "--home", str(home), "import", str(package)],
                                    env))
            theirs.append(run_command([*anki, str(package)], env))
        ours, reference = stats_of(mine), stats_of(theirs)
        results.put(f"`pmquiz import` {label} (whole process)", "import vs Anki", ours)
        results.put(f"Anki's library, {label} (whole process)", "import vs Anki", reference)
        results.text(f"ratio pmquiz / Anki, {label} (medians)", "import vs Anki",
                     f"{ours[0] / reference[0]:.2f}x")


def large_package(path: Path, notes: int = 6148) -> Path:
    """A package the size of the issue's largest (6,148 cards): Basic, reversed and Cloze
    notes whose fields hold the markup people write (bold, italics, lists, line breaks,
    links), in three subdecks."""
    import random

    import genanki

    rng = random.Random(28)
    basic = genanki.Model(1607392319, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                                      "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    cloze = genanki.Model(1607392320, "Cloze", fields=[{"name": "Text"}, {"name": "Extra"}],
                          templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                                      "afmt": "{{cloze:Text}}<br>{{Extra}}"}],
                          model_type=genanki.Model.CLOZE)
    words = ("product vision strategy roadmap backlog customer market value launch growth "
             "maturity decline metric outcome team stakeholder discovery delivery").split()
    decks = [genanki.Deck(2059400110 + n, f"Course::Part {n}") for n in range(3)]
    for number in range(notes):
        phrase = " ".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
        deck = decks[number % 3]
        if number % 4 == 0:
            text = f"The {{{{c1::{rng.choice(words)}}}}} drives <b>{phrase}</b>."
            deck.add_note(genanki.Note(model=cloze, fields=[text, f"<i>{phrase}</i>"],
                                       guid=f"large-{number}"))
        else:
            back = (f"<ul><li>{phrase}</li><li><b>{rng.choice(words)}</b></li></ul>"
                    f'<br><a href="https://example.org/{number}">source</a>')
            deck.add_note(genanki.Note(model=basic, fields=[f"What is {phrase}?", back],
                                       guid=f"large-{number}"))
    genanki.Package(decks).write_to_file(str(path))
    return path
