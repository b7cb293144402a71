"""The formats behind the importer's registry, on the syntax their documentation gives
(the real files are in test_import_real_files.py): Logseq `#card` blocks, quizzes with the
answer in bold or in `<details>`, and the Obsidian Spaced Repetition settings (issue #28)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmquiz.cli import app
from pmquiz.deck import load_file

runner = CliRunner()


def run_import(tmp_path: Path, name: str, text: str, *args: str) -> tuple[dict, list]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.toml"
    result = runner.invoke(app, ["import", str(source), "-o", str(out), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output), list(load_file(out).cards)


def sides(tmp_path: Path, name: str, text: str) -> list[tuple[str, str]]:
    """Each imported card's prompt and answer."""
    _report, cards = run_import(tmp_path, name, text)
    return [(c.prompt, c.answer) for c in cards]


def test_logseq_card_blocks_keep_their_children_and_drop_properties(tmp_path: Path) -> None:
    page = ("title:: Product roles\ntags:: pm\n\n- Some note that is no card\n"
            "- What does a product manager own? #card\n  card-last-interval:: 4\n"
            "  card-repeats:: 1\n  card-ease-factor:: 2.6\n  id:: 631bf988-bea7\n"
            "\t- The why and the what\n\t\t- with the team\n"
            "\t- Not the delivery schedule\n"
            "- #card A {{cloze roadmap}} is a statement of intent\n"
            "  collapsed:: true\n\t- not a list of dates\n"
            "- [[card]] Lonely question with no answer\n")
    report, cards = run_import(tmp_path, "roles.md", page)
    assert report["format"] == "logseq"
    assert [(c.kind.value, c.prompt, c.answer) for c in cards] == [
        ("basic", "What does a product manager own?",
         "- The why and the what\n  - with the team\n- Not the delivery schedule"),
        ("cloze", "A {{roadmap}} is a statement of intent", "")]
    assert cards[1].explain == "not a list of dates"  # one child block: its text
    assert not any("card-" in c.prompt + c.answer for c in cards)
    assert any("no child blocks" in w for w in report["warnings"])
    assert any(w.endswith(":4: 1 blocks without #card are notes, not cards; not imported")
               for w in report["warnings"])
    assert load_file(tmp_path / "out.toml").module.title == "Product roles"


def test_logseq_backs_show_code_highlights_and_clozes_as_logseq_does(tmp_path: Path) -> None:
    """Seen in real graphs: a card's code block lost its blank lines and indentation, a
    child block's `{{cloze …}}` showed as macro syntax and `^^highlights^^` kept their
    carets."""
    page = ("- ### References #card\n  card-repeats:: 1\n"
            "\t- References point to objects.\n\t  \n\t  ```java\n\t  class Main {\n"
            "\t      int x = 1;\n\t  \n\t      key:: not a property in code\n\t  }\n"
            "\t  ```\n"
            "- How does a request come in? #card\n"
            "\t- Entry {{cloze LVS}} + {{cloze Nginx \\\\ proxy}}\n"
            "- What is a programming model? #card\n"
            "\t- It defines ^^how instructions access operands^^ and `^^code^^`.\n")
    assert sides(tmp_path, "java.md", page) == [
        ("References", "References point to objects.\n```java\nclass Main {\n"
                       "    int x = 1;\n\n    key:: not a property in code\n}\n```"),
        ("How does a request come in?", "Entry LVS + Nginx"),
        ("What is a programming model?",
         "It defines how instructions access operands and `^^code^^`.")]


def test_question_and_answer_pairs_kept_as_list_items(tmp_path: Path) -> None:
    """Seen in real revision notes ("Quick Revision Flashcards": `- **Q:** …` / `- **A:** …`
    list items, and `- **Q:** … \\` with the answer on the item's next line): refused as
    "no cards found" before."""
    page = ("## Quick Revision Flashcards\n"
            "- **Q:** What is the difference between IPv4 and IPv6?\n"
            "- **A:** IPv4 uses 32-bit addresses; IPv6 uses 128-bit ones.\n"
            "- **Q:** How does a router differ from a switch? \\\n"
            "  **A:** A router works at layer 3, a switch at layer 2.\n"
            "1. Q: Which layer is TCP?\n2. A: Transport\n")
    assert sides(tmp_path, "net.md", page) == [
        ("What is the difference between IPv4 and IPv6?",
         "IPv4 uses 32-bit addresses; IPv6 uses 128-bit ones."),
        ("How does a router differ from a switch?",
         "A router works at layer 3, a switch at layer 2."),
        ("Which layer is TCP?", "Transport")]


def test_quiz_pages_with_the_answer_in_bold_or_in_details(tmp_path: Path) -> None:
    page = ("# JavaScript questions\n\n###### 1. What's the output?\n\n```javascript\n"
            "console.log(typeof null)\n```\n\n- A: `\"null\"`\n- B: `\"object\"`\n"
            "- C: `\"undefined\"`\n\n<details><summary><b>Answer</b></summary>\n<p>\n\n"
            "#### Answer: B\n\n`typeof null` is a historical quirk.\n\n</p>\n</details>\n\n"
            "---\n\n###### 2. Which stage comes first?\n\n- Growth\n- **Introduction**\n"
            "- Maturity\n")
    report, cards = run_import(tmp_path, "quiz.md", page)
    assert report["format"] == "checkbox-quiz"
    first, second = cards
    assert first.prompt.startswith("What's the output?\n\n```javascript")
    assert (first.answer, sorted(first.options)) == ('`"object"`', ['`"null"`',
                                                                    '`"undefined"`'])
    assert first.explain == "`typeof null` is a historical quirk."
    assert (second.answer, second.options) == ("Introduction", ("Growth", "Maturity"))


def test_several_right_options_make_a_list_card_naming_all_of_them(tmp_path: Path) -> None:
    report, cards = run_import(tmp_path, "q.md", "## Which are product roles?\n\n"
                               "- [x] Product manager\n- [ ] Scrum master\n- [x] Designer\n")
    assert report["format"] == "checkbox-quiz"
    assert [(c.kind.value, c.items) for c in cards] == [
        ("list", ("Product manager", "Designer"))]
    assert "- Scrum master" in cards[0].prompt  # every option is shown to choose from


def test_obsidian_separators_from_the_command_line_and_the_front_matter(
        tmp_path: Path) -> None:
    note = ("#flashcards/pm\n\nWhat is PLG? ;; Product-led growth\n"
            "North Star ;;; One number for customer value\n"
            "The four stages\n;?\nintroduction, growth\nmaturity, decline\n\n"
            "Not part of the card\n")
    report, cards = run_import(tmp_path, "a.md", note, "--separator", ";;",
                               "--separator", "inline-reversed=;;;",
                               "--separator", "multiline=;?")
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What is PLG?", "Product-led growth"),
        ("North Star", "One number for customer value"),
        ("One number for customer value", "North Star"),
        ("The four stages", "introduction, growth\nmaturity, decline")]
    assert any("Not part of the card" in w for w in report["warnings"])
    front = ("---\nsr-inline: \"=>\"\n---\n#flashcards\nWhat is PLG? => Product-led growth\n"
             "Default::still read? no\n")
    _report, cards = run_import(tmp_path, "b.md", front)
    assert [(c.prompt, c.answer) for c in cards][:1] == [("What is PLG?", "Product-led growth")]
    result = runner.invoke(app, ["import", str(tmp_path / "b.md"), "--separator", "wrong=x"])
    assert result.exit_code != 0 and "the kind must be one of" in result.output


def test_obsidian_reads_only_tagged_notes_and_never_splits_math_or_code(
        tmp_path: Path) -> None:
    note = ("Lecture #flashcards/maths\n\n$$\nf :: A \\to B\n$$\n\n"
            "The map $f :: A \\to B$ is total::every input has an output\n"
            "`a::b` in code::stays whole\n"
            "What is a set?::A collection <!--SR:!2024-03-20,124,270-->\n")
    _report, cards = run_import(tmp_path, "m.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("The map $f :: A \\to B$ is total", "every input has an output"),
        ("`a::b` in code", "stays whole"),
        ("What is a set?", "A collection")]
    other = runner.invoke(app, ["import", str(tmp_path / "m.md"), "--tag", "cards",
                                "-o", str(tmp_path / "none.toml")])
    assert other.exit_code != 0 and "no #cards tag" in other.output


def test_the_plugins_scheduling_comment_is_never_part_of_a_multi_line_answer(
        tmp_path: Path) -> None:
    """Seen in a real vault note: the plugin writes `<!--SR:!due,interval,ease-->` on the
    line under a multi-line card it has reviewed; it showed at the end of every answer."""
    note = ("#flashcards/vhdl\n## 1. Units\nWhat do `entity` and `architecture` do?\n?\n"
            "**Answer:**\nThe entity is the interface.\n<!--SR:!2026-08-28,4,270-->\n\n"
            "What is `std_logic`?\n?\nA nine-valued logic type <!--SR:!2026-08-27,3,250-->\n")
    _report, cards = run_import(tmp_path, "v.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What do `entity` and `architecture` do?", "**Answer:**\nThe entity is the interface."),
        ("What is `std_logic`?", "A nine-valued logic type")]


def _vault(root: Path, settings: dict[str, object] | str) -> Path:
    """A vault folder with the Spaced Repetition plugin's data.json, as the plugin writes
    it (its settings under "settings", beside its own bookkeeping)."""
    plugin = root / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text(
        settings if isinstance(settings, str) else json.dumps(
            {"settings": {"flashcardTags": ["#flashcards"], "singleLineCardSeparator": "::",
                          "singleLineReversedCardSeparator": ":::",
                          "multilineCardSeparator": "?", "multilineReversedCardSeparator":
                          "??", "convertHighlightsToClozes": True, **settings},
             "buryDate": "", "buryList": [], "historyDeck": None}, indent=2),
        encoding="utf-8")
    return root


def test_a_vault_note_tagged_in_its_properties_with_cards_in_a_task_list(
        tmp_path: Path) -> None:
    """Seen in a real vault (33 notes, no licence, so measured and not copied: 0 cards
    before, 285 after, as the plugin's rules count them): Obsidian's properties editor
    writes the tag as a YAML list under `tags:`; one-line cards stand in nested list items
    and tasks (`- [ ] Q;; A`), with the vault's `;;` separator; an answer breaks its lines
    with `</br>`. The plugin reads all of them; the bullet and the box are no part of the
    question."""
    vault = _vault(tmp_path / "vault", {"singleLineCardSeparator": ";;"})
    note = ("---\ntags:\n  - course\n  - \"#flashcards\"\n---\n### Misc\n"
            "- [ ] Lifecycle\n\t- Which stage comes first?;; Introduction\n"
            "\t- [ ] Which stage follows growth?;; Maturity\n"
            "- What does a roadmap show?;;</br> Themes</br>Outcomes <br/> Timing\n\n"
            "Plain text, no card\n")
    report, cards = run_import(vault, "misc.md", note)
    assert report["format"] == "obsidian-sr"
    assert [(c.prompt, c.answer) for c in cards] == [
        ("Which stage comes first?", "Introduction"),
        ("Which stage follows growth?", "Maturity"),
        ("What does a roadmap show?", "Themes\nOutcomes\nTiming")]
    assert sorted(w.split(": ", 1)[1] for w in report["warnings"]) == [
        "text outside any card ignored: - [ ] Lifecycle",
        "text outside any card ignored: Plain text, no card"]
    for tags in ("tags: [course, flashcards]", "tags: course, flashcards/pm",
                 "tag:\n- Flashcards"):
        _report, cards = run_import(vault, "t.md", f"---\n{tags}\n---\nQ;; A\n")
        assert [(c.prompt, c.answer) for c in cards] == [("Q", "A")], tags
    result = runner.invoke(app, ["import", str(_write(vault, "u.md", "---\ntags:\n  - course"
                                                      "\n---\nQ;; A\n"))])
    assert result.exit_code != 0 and "no #flashcards tag" in result.output


def test_questions_with_no_blank_line_between_them_are_one_card_and_said_so(
        tmp_path: Path) -> None:
    """Seen in the same vault: multi-line cards written one under the other without a blank
    line are one card to the plugin (the later questions in its answer). pmquiz reads them
    as the plugin does, and names each later separator's line."""
    note = ("#flashcards\n\nFirst stage?\n?\nIntroduction\nSecond stage?\n?\nGrowth\n\n"
            "Last stage?\n?\nDecline\n")
    report, cards = run_import(tmp_path, "s.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("First stage?", "Introduction\nSecond stage?\n?\nGrowth"), ("Last stage?", "Decline")]
    assert [w.split("s.md:", 1)[1] for w in report["warnings"]] == [
        '7: "?" inside the answer of the card at line 3: one card, as the plugin reads it (a '
        "blank line before a question makes it a card of its own)"]


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_a_note_in_a_vault_is_read_with_the_vaults_own_plugin_settings(
        tmp_path: Path) -> None:
    """The plugin reads its tags and separators from the vault's data.json: a note two
    folders down uses them, the command line overrides them one by one, and a note outside
    any vault keeps the plugin's defaults."""
    vault = _vault(tmp_path / "vault", {"flashcardTags": ["#flashcards", "#food-de", ""],
                                        "singleLineCardSeparator": "=>",
                                        "multilineCardSeparator": "%%"})
    notes = vault / "de" / "example"
    notes.mkdir(parents=True)
    note = ("Essen #food-de\n\nBrot => bread\nKäse :: only a colon pair here\n\n"
            "Wie heißt das Frühstück?\n%%\nDas Frühstück\n")
    report, cards = run_import(notes, "food.md", note)
    assert report["format"] == "obsidian-sr"
    assert [(c.prompt, c.answer) for c in cards] == [
        ("Brot", "bread"), ("Wie heißt das Frühstück?", "Das Frühstück")]
    assert any("Käse :: only a colon pair here" in w for w in report["warnings"])
    # --separator replaces the vault's inline separator only; its tag still marks the note
    _report, cards = run_import(notes, "food2.md", note, "--separator", "::")
    assert [(c.prompt, c.answer) for c in cards][:2] == [
        ("Käse", "only a colon pair here"), ("Wie heißt das Frühstück?", "Das Frühstück")]
    # outside the vault the same note has no #flashcards tag: nothing is a card
    outside = tmp_path / "loose"
    outside.mkdir()
    (outside / "food.md").write_text(note, encoding="utf-8")
    result = runner.invoke(app, ["import", str(outside / "food.md"), "-o",
                                 str(outside / "out.toml")])
    assert result.exit_code != 0 and "no #flashcards tag" in result.output


def test_a_vault_whose_plugin_settings_cannot_be_read_says_so_and_uses_the_defaults(
        tmp_path: Path) -> None:
    vault = _vault(tmp_path / "vault", '{"settings": {"singleLineCardSeparator": "=>"')
    report, cards = run_import(vault, "n.md", "#flashcards\nPLG::Product-led growth\n")
    assert [(c.prompt, c.answer) for c in cards] == [("PLG", "Product-led growth")]
    assert any("obsidian-spaced-repetition/data.json: not read (" in w and
               "the plugin's defaults are used" in w for w in report["warnings"])


def test_the_vaults_cloze_markers_decide_which_marks_are_gaps(tmp_path: Path) -> None:
    """The plugin makes clozes of ==highlights== by default; a vault may switch that off and
    switch on **bold** or {{curly}} gaps instead."""
    note = ("#flashcards\n\nThe **roadmap** is a statement of intent.\n\n"
            "A ==highlight== alone.\n\nThe {{vision}} comes first.\n")
    _report, cards = run_import(tmp_path, "default.md", note)
    assert [c.prompt for c in cards] == ["A {{highlight}} alone."]
    vault = _vault(tmp_path / "vault", {"convertHighlightsToClozes": False,
                                        "convertBoldTextToClozes": True,
                                        "convertCurlyBracketsToClozes": True})
    report, cards = run_import(vault, "n.md", note)
    assert [c.prompt for c in cards] == ["The {{roadmap}} is a statement of intent.",
                                         "The {{vision}} comes first."]
    assert any("A ==highlight== alone." in w for w in report["warnings"])  # no card: said


def test_a_vaults_end_marker_lets_a_multi_line_answer_hold_blank_lines(tmp_path: Path) -> None:
    note = ("#flashcards\n\nWhat are the four stages?\n?\nIntroduction and growth\n\n"
            "Maturity and decline\n+++\n\nAfter::the card\n")
    _report, cards = run_import(tmp_path, "plain.md", note)  # no marker: a blank line ends it
    assert cards[0].answer == "Introduction and growth"
    vault = _vault(tmp_path / "vault", {"multilineCardEndMarker": "+++"})
    report, cards = run_import(vault, "n.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What are the four stages?", "Introduction and growth\n\nMaturity and decline"),
        ("After", "the card")]
    assert not report["warnings"]


def test_a_folder_that_cannot_be_looked_into_means_no_vault(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Walking up from a note may meet a folder this user cannot list (root cannot be
    refused here, so the refusal is simulated): the note is read with the defaults."""
    real = Path.is_dir

    def refused(self: Path) -> bool:
        if self.name == ".obsidian":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "is_dir", refused)
    _report, cards = run_import(tmp_path, "n.md", "#flashcards\nPLG::Product-led growth\n")
    assert [(c.prompt, c.answer) for c in cards] == [("PLG", "Product-led growth")]


def test_vault_settings_pmquiz_does_not_apply_are_named_not_dropped(tmp_path: Path) -> None:
    vault = _vault(tmp_path / "vault", {"flashcardTagsToIgnore": ["#draft"],
                                        "clozePatterns": ["{{[123::]answer[::hint]}}"]})
    report, cards = run_import(vault, "n.md", "#flashcards #draft\nPLG::Product-led growth\n")
    assert [(c.prompt, c.answer) for c in cards] == [("PLG", "Product-led growth")]
    said = [w for w in report["warnings"] if "obsidian-spaced-repetition/data.json" in w]
    assert len(said) == 2
    assert 'flashcardTagsToIgnore ["#draft"] is not applied' in said[0]
    assert "clozePatterns" in said[1] and "is not applied" in said[1]
    # the plugin's own defaults for them need no word
    plain = _vault(tmp_path / "plain", {"flashcardTagsToIgnore": [],
                                        "clozePatterns": ["==[123;;]answer[;;hint]=="]})
    report, _cards = run_import(plain, "n.md", "#flashcards\nPLG::Product-led growth\n")
    assert not report["warnings"]


def test_the_plugins_older_key_spelling_is_read_too() -> None:
    """Vaults made with the plugin's 1.x versions spell the inline keys "singleline…" (seen in
    public vaults; a fact of the format, no file copied)."""
    from pmquiz.interop.obsidian_sr import _plugin_settings

    assert _plugin_settings({"settings": {"flashcardTags": ["#cards"],
                                          "singlelineCardSeparator": "=>",
                                          "singlelineReversedCardSeparator": "<=>",
                                          "multilineCardSeparator": "?"}}) == {
        "inline": "=>", "inline_reversed": "<=>", "multiline": "?", "tags": ("cards",)}


def _json_nesting(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    keys = st.sampled_from(["settings", "flashcardTags", "singleLineCardSeparator",
                            "multilineCardSeparator", "convertBoldTextToClozes", "other"])
    return st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)


# (a named function: hypothesis reads a multi-line lambda's source to check it recurses,
# and in a full run it once read the wrong lines and warned)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.sampled_from(["::", "#flashcards", "", "#"]), _json_nesting, max_leaves=12)


@given(JSON_VALUES)
def test_any_plugin_data_gives_settings_of_the_right_types(raw: object) -> None:
    from pmquiz.interop.obsidian_sr import SpacedRepetition, _plugin_settings

    found = _plugin_settings(raw)
    config = SpacedRepetition(**found)  # type: ignore[arg-type]
    assert all(isinstance(getattr(config, k), str) and getattr(config, k)
               for k in ("inline", "inline_reversed", "multiline", "multiline_reversed"))
    assert config.tags and all(isinstance(t, str) and t for t in config.tags)
    assert all(isinstance(getattr(config, k), bool) for k in ("highlights", "bold", "curly"))


FORMAT_LINES = st.sampled_from([
    "Q: What is a roadmap?", "A: A statement of intent.", "C: The [vision] comes first.",
    "---", "", "<quiz>", "</quiz>", "- [x] right", "- [ ] wrong", "#### Q1. Which?",
    "* Item :drill:", "** Answer", ":PROPERTIES:", ":DRILL_CARD_TYPE: hide1cloze", ":END:",
    "Sp: [gato] En: [cat]", "- Question? #card", "\t- answer", "  card-repeats:: 1",
    "#flashcards", "Term::Meaning", "Left:::Right", "?", "==cloze== text", "$$", "```",
    "<details><summary>Answer</summary>", "Answer: B", "</details>", "plain words"])


@settings(max_examples=200, deadline=None)
@given(st.lists(FORMAT_LINES, max_size=30), st.sampled_from(["a.md", "a.org", "a.txt"]))
def test_any_mix_of_format_marks_imports_or_is_refused_in_words(lines: list[str],
                                                                 name: str) -> None:
    """Whatever the lines, every reader the file is tried as gives cards with a question or
    a refusal naming the formats tried: never a traceback."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / name
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = runner.invoke(app, ["import", str(source), "-o",
                                     str(Path(folder) / "out.toml"), "--json"])
        if result.exit_code == 0:
            cards = load_file(Path(folder) / "out.toml").cards
            assert cards and all(c.prompt.strip() for c in cards)
        else:
            assert result.exception is None or isinstance(result.exception, SystemExit)
            assert "tried as" in result.output or "pmquiz:" in result.output


def test_a_document_that_shows_card_syntax_is_read_for_its_cards_only(tmp_path: Path) -> None:
    """A README-like page: a Q/A example inside a list item ends with the item; a tag or
    separators shown in code or a table are examples; one bold list item is no quiz."""
    page = ("# Guide\n\n- Example:\n\n      **Q:** Which practices belong to discovery?\n"
            "      **A:**\n\n      - customer interviews\n      - prototype tests\n\n"
            "- Next point of the guide, not part of the answer.\n\n"
            "    no #flashcards tag: an error message shown as code\n\n"
            "| dialect | example |\n|---|---|\n| Obsidian | `Term::Meaning` or Term::Meaning |\n"
            "\n## Dates\n\n- **1923**\n")
    report, cards = run_import(tmp_path, "guide.md", page)
    assert report["format"] == "markdown"
    assert [(c.prompt, c.answer) for c in cards] == [
        ("Which practices belong to discovery?", "- customer interviews\n- prototype tests")]


def test_a_file_whose_every_card_is_invalid_says_so(tmp_path: Path) -> None:
    source = tmp_path / "dup.md"
    source.write_text("#### Q1. Pick one\n\n- [x] Same\n- [ ] Same\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "o.toml")])
    assert result.exit_code != 0 and not (tmp_path / "o.toml").exists()
    said = " ".join(result.output.split())
    assert "no card it holds is valid; nothing written" in said
    assert '"options" lists the wrong answers only' in said


def test_a_course_page_is_pointed_to_compile_not_read_as_an_anki_export(
        home: Path) -> None:
    """A page in the course site's text format has TAB tables; read as an Anki text export
    they made cards of table rows. Import names the page and the command that reads it."""
    page = Path(__file__).parent / "data" / "pages" / "roadmaps.page.txt"
    assert "\t" in page.read_text(encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(page)])
    assert result.exit_code != 0
    assert "a course page, not flashcards" in result.output
    assert f"pmquiz compile {page}" in " ".join(result.output.split())
    assert not list((home / "decks").glob("**/*.toml")) or all(
        "roadmaps" not in p.name for p in (home / "decks").glob("**/*.toml"))


def test_a_logseq_cloze_cue_becomes_the_gaps_hint(tmp_path: Path) -> None:
    """Logseq's cue syntax, as its own docs show it (`{{cloze answer \\\\ cue}}`, pages/
    Cloze.md of logseq/docs): the cue is the gap's hint, not part of the answer."""
    page = ("- Most apples are {{cloze red \\\\ colour}}. #card\n"
            "- {{cloze Paris}} is the capital of France. #card\n")
    _, cards = run_import(tmp_path, "apples.md", page)
    assert [c.prompt for c in cards] == ["Most apples are {{red::colour}}.",
                                         "{{Paris}} is the capital of France."]


def test_a_logseq_pages_first_block_written_without_its_dash_is_read(tmp_path: Path) -> None:
    """Logseq writes a page's first block without its `- ` when it is a heading (logseq/
    logseq issue #3351: "### parent" over "    - child") or has `heading:: true` (logseq/og
    issue #28: "Foo" / "heading:: true" / "- Bar"). Such a block was skipped: its card lost
    and its answer counted as a note. Page properties and front matter stay metadata."""
    heading = ("### What does discovery answer? #card\n"
               "\t- Whether the problem is worth solving\n"
               "- What does delivery answer? #card\n"
               "\t- How to build it well\n")
    report, cards = run_import(tmp_path, "discovery.md", heading)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What does discovery answer?", "Whether the problem is worth solving"),
        ("What does delivery answer?", "How to build it well")]
    assert report["warnings"] == []
    auto = ("What is a pre-block? #card\nheading:: true\n"
            "\t- The page's properties, before its first dash\n"
            "- Bar\n")
    assert sides(tmp_path, "pre.md", auto) == [
        ("What is a pre-block?", "The page's properties, before its first dash")]
    front = ("---\ntitle: Roles\n---\n## Who owns the why? #card\n\t- The product manager\n")
    (tmp_path / "front").mkdir()
    report, cards = run_import(tmp_path / "front", "roles.md", front)
    assert [(c.prompt, c.answer) for c in cards] == [("Who owns the why?",
                                                      "The product manager")]
    assert load_file(tmp_path / "front" / "out.toml").module.title == "Roles"
    (tmp_path / "rule").mkdir()  # a first "---" with no second one is no front matter
    _report, cards = run_import(tmp_path / "rule", "rule.md", "---\n" + heading)
    assert [c.prompt for c in cards] == ["What does discovery answer?",
                                         "What does delivery answer?"]
    properties = ("title:: Roles\nalias:: people\n\n- Who owns the how? #card\n"
                  "\t- The delivery team\n")
    report, cards = run_import(tmp_path, "people.md", properties)
    assert [(c.prompt, c.answer) for c in cards] == [("Who owns the how?", "The delivery team")]
    assert report["warnings"] == []


WORDS = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd")), min_size=1,
                max_size=8)
SENTENCES = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(SENTENCES, SENTENCES), min_size=1, max_size=5),
       st.sampled_from(["### ", "## ", ""]))
def test_a_dashless_heading_first_block_reads_as_its_dashed_form(
        pairs: list[tuple[str, str]], heading: str) -> None:
    """Whatever the cards, a page whose first block Logseq wrote without its dash gives the
    cards of the same page written with it."""
    import tempfile

    dashed = "".join(f"- {heading}{q} #card\n\t- {a}\n" for q, a in pairs)
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "one", Path(folder) / "two"
        first.mkdir()
        second.mkdir()
        assert sides(first, "p.md", dashed[2:]) == sides(second, "p.md", dashed) == \
            [(q, a) for q, a in pairs]


def test_a_question_written_as_a_heading_and_html_comments_in_an_answer(
        tmp_path: Path) -> None:
    """Seen in a real Obsidian note of Q/A cards (Italian, non-linear programming; no licence,
    so measured and not copied): every question a `## Q:` heading and every answer ending in
    an `<!-- … -->` comment. All 12 of its cards were refused ("an answer without a question
    ignored"); an HTML comment shows nowhere, so it is no card text either."""
    note = ("# Product notes\n\n#flashcards/pm\n\n"
            "## Q: What does a roadmap show?\nA: \n- the direction\n- the **themes**, not dates\n"
            "<!-- source: intro-pm -->\n\n"
            "### Question: What is the product life cycle?\n"
            "Answer: The stages a product goes through on the market.\n"
            "<!-- source: lifecycle\n     (two lines) -->\n\n"
            "## Not a question\nsome text\n")
    report, cards = run_import(tmp_path, "notes.md", note)
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What does a roadmap show?", "- the direction\n- the **themes**, not dates"),
        ("What is the product life cycle?",
         "The stages a product goes through on the market.")]
    assert any(w.endswith(":17: text outside any card ignored: some text")
               for w in report["warnings"]), report["warnings"]


def test_q_and_a_marks_bold_without_their_colon(tmp_path: Path) -> None:
    """Seen in real FAQ pages kept as Q/A (`### Q: …` then `**A**: …`, the colon outside the
    bold; measured on a real one, not copied): every answer was refused."""
    page = ("### Q: What does a roadmap show?\n\n**A**: The direction, not the dates.\n\n"
            "**Q**: Who owns the why?\n**A**:\n1. The product manager\n2. With the team\n\n"
            "__Question__: What is discovery?\n__Answer__. Learning what to build.\n")
    assert sides(tmp_path, "faq.md", page) == [
        ("What does a roadmap show?", "The direction, not the dates."),
        ("Who owns the why?", "1. The product manager\n2. With the team"),
        ("What is discovery?", "Learning what to build.")]


def test_open_questions_with_a_model_answer_in_details_beside_checkbox_questions(
        tmp_path: Path) -> None:
    """Seen in a real interview study page (no licence: measured, not copied): `### Q: …`
    questions with the model answer in `<details>`, follow-up questions as numbered `Q:`
    items each with its own `<details>`, then `### MCQ: …` checkbox questions. Only the
    checkbox questions were read (as "MCQ: …"); the open ones were skipped, a follow-up
    without a word."""
    page = ("## Interview Q&A\n\n"
            "### Q: What does a product manager own?\n**Level:** intro\n\n"
            "<details><summary>Model answer</summary>\n\n"
            "The why and the what of the product,\nnot the delivery schedule.\n\n"
            "The team owns the how.\n\n</details>\n\n**Follow-ups:**\n\n"
            "1. Q: Who owns the schedule?\n   <details><summary>Answer</summary>\n\n"
            "   The project manager, who tracks\n   milestones and dependencies.\n\n"
            "   </details>\n\n---\n\n## Quiz\n\n"
            "### MCQ: Which stage comes first?\n- [ ] Growth\n- [x] Introduction\n"
            "- [ ] Maturity\n**Why:** Sales start slowly.\n")
    report, cards = run_import(tmp_path, "interview.md", page)
    assert report["format"] == "checkbox-quiz"
    assert [(c.kind.value, c.prompt, c.answer, c.explain) for c in cards] == [
        ("basic", "What does a product manager own?\n**Level:** intro",
         "The why and the what of the product,\nnot the delivery schedule.\n\n"
         "The team owns the how.", "**Follow-ups:**"),
        ("basic", "Who owns the schedule?",
         "The project manager, who tracks\nmilestones and dependencies.", ""),
        ("choice", "Which stage comes first?", "Introduction", "**Why:** Sales start slowly.")]
    assert load_file(tmp_path / "out.toml").module.title == "Interview Q&A"
    only_open = ("# Go interview\n\n### Q: What is a goroutine?\n\n"
                 "<details><summary>Model answer</summary>\n\nA function the runtime "
                 "schedules.\n\n</details>\n")
    (tmp_path / "open").mkdir()
    report, cards = run_import(tmp_path / "open", "open.md", only_open)
    assert report["format"] == "checkbox-quiz"
    assert [(c.prompt, c.answer) for c in cards] == [
        ("What is a goroutine?", "A function the runtime schedules.")]
    unanswered = only_open + "\n1. Q: And a thread?\n"
    (tmp_path / "unanswered").mkdir()
    report, cards = run_import(tmp_path / "unanswered", "open.md", unanswered)
    assert len(cards) == 1
    assert any(w.endswith(":11: a question with no options and no answer in <details>; "
                          "skipped") for w in report["warnings"]), report["warnings"]


def test_a_text_exports_other_fields_explain_and_its_own_note_types_are_said(
        tmp_path: Path) -> None:
    """As a real German course's export has them (Redclem/Anki-Union's `Allemand.csv`, no
    licence: measured there, 635 notes, 8 note types of its own): a strong verb's forms
    after its preterite were dropped; now they explain the card, and each note type the
    export names but pmquiz cannot see the templates of is said once, with its first line."""
    from pmquiz.interop.anki_text import read_text_export

    export = tmp_path / "Allemand.txt"
    export.write_text(
        "#separator:tab\n#html:false\n#notetype column:1\n#deck column:2\n"
        "Verbe fort\tAllemand::Verbes\tBacken\tBackte (buk)\tHat gebacken\tBäckt\t"
        "Cuire au four\t\n"
        "Basique\tAllemand::Divers\tBeide\tLes deux\t\t\t\t\n"
        "Verbe fort\tAllemand::Verbes\tBefehlen\tBefahl\tHat befohlen\tBefiehlt\t"
        "Ordonner\t\n", encoding="utf-8")
    result = read_text_export(export, "allemand")
    cards = [(c.prompt, c.answer, c.explain) for c in result.cards]
    assert cards == [("Backen", "Backte (buk)", "Hat gebacken\nBäckt\nCuire au four"),
                     ("Beide", "Les deux", ""),
                     ("Befehlen", "Befahl", "Hat befohlen\nBefiehlt\nOrdonner")]
    # "Basique" is Anki's French Basic: nothing to say of it
    assert [(w.line, w.message.split(" is ")[0]) for w in result.warnings] == [
        (5, 'note type "Verbe fort" (2 notes)')]
