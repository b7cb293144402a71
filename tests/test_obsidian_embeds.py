"""Obsidian embeds on Spaced Repetition cards (`![[Note#Heading]]`, `![[Note#^block]]`,
`![[Note]]`): Obsidian shows the embedded text on the card, so the import puts that text
there; an embed it cannot find stays as written and is reported with the card's line.
Seen in a real vault note whose every answer was an embed of another note's section."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pmquiz.interop.obsidian_embeds import Embeds
from test_import_formats import run_import

GENERATIONS = """---
aliases: [generational GC]
---
# Generations

## Idea
Most objects die young.

A second paragraph of the idea.

### Detail
Survivors are promoted.

## Cost
Copying survivors takes time. ^cost-note

- a list item
"""


def vault(tmp_path: Path) -> Path:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    (tmp_path / "notes" / "deep" / "Generations.md").write_text(GENERATIONS, encoding="utf-8")
    (tmp_path / "Short.md").write_text("Only this line.\n", encoding="utf-8")
    (tmp_path / "cards").mkdir()
    return tmp_path / "cards"


def test_embedded_sections_blocks_and_notes_become_the_cards_text(tmp_path: Path) -> None:
    cards_folder = vault(tmp_path)
    note = ("#flashcards/gc\n\n"
            "What is the generational idea?\n?\n![[Generations#Idea]]\n\n"  # lines 3-5
            "What does the detail say?\n?\n![[Generations#Idea#Detail]]\n\n"  # 7-9
            "What does copying cost?\n?\n![[Generations#^cost-note]]\n\n"  # 11-13
            "Whole note::![[Short]]\n"  # 15
            "A picture::![[diagram.png]]\n"  # 16
            "Missing note::![[Nowhere#Idea]]\n"  # 17
            "Missing heading::![[Generations#Nope]]\n")  # 18
    report, cards = run_import(cards_folder, "gc.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What is the generational idea?",
         "Most objects die young.\n\nA second paragraph of the idea.\n\n### Detail\n"
         "Survivors are promoted."),
        ("What does the detail say?", "Survivors are promoted."),
        ("What does copying cost?", "Copying survivors takes time."),
        ("Whole note", "Only this line."),
        ("A picture", "![[diagram.png]]"),
        ("Missing note", "![[Nowhere#Idea]]"),
        ("Missing heading", "![[Generations#Nope]]")]
    said = [w.split("gc.md:", 1)[1] for w in report["warnings"]]
    assert said == [f'16: "![[diagram.png]]": no file "diagram.png" in {tmp_path}; left as '
                    "written",  # an image the vault lacks (one it has: test_obsidian_media)
                    f'17: "![[Nowhere#Idea]]": no note "Nowhere" in {tmp_path}; left as written',
                    '18: "![[Generations#Nope]]": no heading "Nope" in Generations.md; left '
                    "as written"]


def test_a_note_that_embeds_itself_stops(tmp_path: Path) -> None:
    (tmp_path / "Loop.md").write_text("# A\nsee ![[Loop#A]]\n", encoding="utf-8")
    text, missing = Embeds(tmp_path / "Loop.md", tmp_path).resolve("![[Loop#A]]")
    assert text == "see see see ![[Loop#A]]" and missing == []  # DEPTH levels, then as written


@given(st.text(alphabet="![]#^|ab \n", max_size=30))
def test_text_without_a_whole_embed_is_left_exactly_as_it_is(text: str) -> None:
    embeds = Embeds(Path("/nonexistent/n.md"), Path("/nonexistent"))
    if "![[" not in text or "]]" not in text:
        assert embeds.resolve(text) == (text, [])
