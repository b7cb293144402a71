"""An author's hand edits beside a page (`<page>.compile.toml`): rewording the page's text,
dropping a compiled card, retiring an id whose question changed, and setting a card's
fields. Each survives recompiling, and each entry that no longer matches is an error that
names it, never ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.compile import compile_module
from pmquiz.deck import discover, load_file
from pmquiz.errors import CompileError

runner = CliRunner()
PAGE = Path(__file__).resolve().parents[1] / "decks" / "phase-0" / "intro-pm.page.txt"


def setup(tmp_path: Path, edits: str) -> tuple[Path, Path]:
    page = tmp_path / "intro-pm.page.txt"
    page.write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "intro-pm.compile.toml").write_text(edits, encoding="utf-8")
    return page, tmp_path / "intro-pm.toml"


def compiled(page: Path, out: Path) -> dict[str, object]:
    result = runner.invoke(app, ["compile", str(page), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {c.id: c for c in load_file(out).cards}


def test_reword_corrects_the_page_everywhere_it_is_used(tmp_path: Path) -> None:
    page, out = setup(tmp_path, 'reword = [["delivering projects on time", '
                                '"delivering on time"]]\n')
    cards = compiled(page, out)
    statement = cards["product-management-vs-project-management/measures-success-by-"
                      "delivering-on-time"]
    assert statement.prompt == "Measures success by delivering on time, within scope, " \
        "and on budget."  # type: ignore[attr-defined]
    # the choice card and the contrasts show the corrected text too
    text = out.read_text(encoding="utf-8")
    assert "delivering projects" not in text
    # the page itself is untouched
    assert "delivering projects on time" in page.read_text(encoding="utf-8")


def test_drop_and_retire_keep_old_reviews_off_new_questions(tmp_path: Path) -> None:
    page, out = setup(tmp_path, "")
    first = compiled(page, out)
    cloze = "introduction/product-management-key-phrase"
    assert cloze in first
    (tmp_path / "intro-pm.compile.toml").write_text(f'drop = ["{cloze}"]\n', encoding="utf-8")
    result = runner.invoke(app, ["compile", str(page), "-o", str(out)])
    assert result.exit_code == 0 and f"retired: {cloze}" in result.output.replace("\n", "")
    assert cloze not in {c.id for c in load_file(out).cards}
    # retire: the statement is reworded so much that it is a new question; the old id is
    # never reused, the new statement gets an id of its own
    old_id = "product-management-vs-project-management/ensures-workflows-tasks-and-" \
        "dependencies-are"
    (tmp_path / "intro-pm.compile.toml").write_text(
        f'drop = ["{cloze}"]\nretire = ["{old_id}"]\n'
        'reword = [["Ensures workflows, tasks, and dependencies are on track.", '
        '"Ensures workflows and dependencies stay on track."]]\n', encoding="utf-8")
    result = runner.invoke(app, ["compile", str(page), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ids = {c.id for c in load_file(out).cards}
    assert old_id not in ids
    assert any("ensures-workflows-and-dependencies-stay" in i for i in ids), ids


def test_card_fields_set_by_hand_survive_recompiles(tmp_path: Path) -> None:
    page, out = setup(tmp_path, "")
    compiled(page, out)
    (tmp_path / "intro-pm.compile.toml").write_text(
        '[cards."product-led-thinking/drive-virality"]\n'
        'explain = "Each user brings in the next."\n', encoding="utf-8")
    cards = compiled(page, out)
    assert cards["product-led-thinking/drive-virality"].explain == \
        "Each user brings in the next."  # type: ignore[attr-defined]
    again = compile_module(page, existing=load_file(out))
    assert again.text == out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("edits", "says"), [
    ('reword = [["not on the page at all", "x"]]\n', '"not on the page at all" is not in'),
    ('drop = ["no/such-card"]\n', "'no/such-card'"),
    ('[cards."no/such-card"]\nexplain = "x"\n', "'no/such-card'"),
    ('[cards."principles/all"]\ncolour = "red"\n', "colour"),
    ('[cards."principles/all"]\nordered = "yes"\n', "ordered"),
    ('surprise = 1\n', "unknown key 'surprise'"),
    ('reword = ["just one"]\n', '["old text", "new text"]'),
])
def test_an_entry_that_no_longer_matches_is_an_error(tmp_path: Path, edits: str,
                                                     says: str) -> None:
    page, out = setup(tmp_path, edits)
    result = runner.invoke(app, ["compile", str(page), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert says in result.output.replace("\n", " ")
    assert "Traceback" not in result.output
    with pytest.raises(CompileError):
        compile_module(page)


def test_the_edits_file_beside_a_deck_is_not_read_as_a_deck(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "decks"
    assert [p.name for p in discover([shipped])] == ["intro-pm.toml",
                                                     "the-product-lifecycle.toml"]
    assert (shipped / "phase-0" / "intro-pm.compile.toml").exists()


def test_a_definition_the_page_never_explains_is_named_at_compile_time(tmp_path: Path) -> None:
    page = Path(__file__).parent / "data" / "pages" / "roadmaps.page.txt"
    result = runner.invoke(app, ["compile", str(page), "-o", str(tmp_path / "r.toml")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert '"What is a roadmap?": the page says nothing more about it, so the card has no ' \
        "explanation" in text
