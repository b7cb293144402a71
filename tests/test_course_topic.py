"""The line between what the course is about and everyday text (`course_topic`, issue #26):
a sentence on a topic the everyday yardstick does not cover, worded with a course word, is
refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pmquiz import course_topic
from pmquiz.check_examples import leaving_out, unrelated_sentences
from pmquiz.meaning import unit_rows


def _groups(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two groups sharing most of their direction, as e5's vectors do, and what sets the
    first apart."""
    shared = rng.normal(size=24)
    course = rng.normal(size=24)
    about = unit_rows(shared * 4 + course + rng.normal(scale=0.5, size=(60, 24)))
    other = unit_rows(shared * 4 - course + rng.normal(scale=0.5, size=(25, 24)))
    return about, other, unit_rows(shared * 4 + np.vstack([course, -course]))


def test_the_line_puts_the_course_side_above_the_least_score_and_everyday_text_below(
) -> None:
    about, other, (near_course, near_everyday) = _groups(np.random.default_rng(5))
    fitted = course_topic.fit(about, other)
    assert course_topic.score(fitted, near_course) > 0 > course_topic.LEAST
    assert course_topic.score(fitted, near_everyday) < course_topic.LEAST
    # the groups weigh alike: many more course rows do not pull the line onto everyday text
    many = course_topic.fit(np.vstack([about] * 5), other)
    assert course_topic.score(many, near_everyday) < course_topic.LEAST


def test_a_fit_is_made_once_and_made_again_when_its_texts_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmquiz.store import Store

    about, other, (said, _) = _groups(np.random.default_rng(9))
    made: list[int] = []

    def rows() -> tuple[np.ndarray, np.ndarray]:
        made.append(1)
        return about, other

    store = Store.open(tmp_path / "pmquiz.db")
    try:
        first = course_topic.cached_score(store.cache, "A/B", ["a", "b"], rows, said)
        again = course_topic.cached_score(store.cache, "A/B", ["a", "b"], rows, said)
        assert made == [1] and again == pytest.approx(first)
        assert first == pytest.approx(course_topic.score(course_topic.fit(about, other), said),
                                      abs=1e-4)
        course_topic.cached_score(store.cache, "A/B", ["a", "b", "c"], rows, said)
        assert made == [1, 1]  # other texts: fitted anew, the old fit dropped
        assert store.cache.drop_prefix("topic:") == 1
    finally:
        store.close()


def test_the_unrelated_sentences_of_a_file_scored_are_left_out() -> None:
    everything = unrelated_sentences()
    assert "She made beeswax candles for the market." in everything
    with leaving_out("classify_holdout_round12.toml"):
        left = unrelated_sentences()
    assert "She made beeswax candles for the market." not in left
    assert len(everything) - len(left) == 20
    assert unrelated_sentences() == everything


def test_a_sentence_the_nearest_sentence_test_lets_through_is_refused(tmp_path: Path) -> None:
    """Round 12's candles passed the nearest-sentence test (no everyday sentence is about
    crafts for a market) and got a verdict; scored without round 12's own sentences, the
    line refuses them, and a round 12 statement set on a farm keeps its verdict."""
    from check_eval import SHIPPED
    from pmquiz.deck import discover, parse_deck
    from pmquiz.statement_check import RULES, check_statement
    from pmquiz.store import Scope, Store

    store = Store.open(tmp_path / "pmquiz.db")
    try:
        store.decks.sync(discover([SHIPPED]), parse_deck)
        with leaving_out("classify_holdout_round12.toml"):
            candles = check_statement(store, Scope(), "She made beeswax candles for the market.",
                                      "Product management/Product development")
            assert candles.related >= RULES["multilingual-e5-small-q4"].related
            assert (candles.category, candles.reason) == (None, "unrelated")
            # without --set, every comparison calls it unrelated (not "no clear margin")
            anywhere = check_statement(store, Scope(), "She made beeswax candles for the market.")
            assert [one.reason for one in [anywhere, *anywhere.others]] == ["unrelated"] * 3
            farm = check_statement(store, Scope(),
                                   "Designing, prototyping and testing a new farm machine.",
                                   "Product management/Product development")
            assert farm.category == "Product development"
    finally:
        store.close()


def test_an_examples_file_without_unrelated_sentences_keeps_its_examples(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from pmquiz import check_examples

    data = json.loads(check_examples.EXAMPLES.read_text(encoding="utf-8"))
    del data["unrelated"]
    older = tmp_path / "check_examples.json"
    older.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(check_examples, "EXAMPLES", older)
    check_examples._read.cache_clear()
    try:
        assert check_examples.unrelated_sentences() == []
        assert len(check_examples.every_example()) > 1000
    finally:
        check_examples._read.cache_clear()


def test_a_label_on_an_everyday_sentence_still_decides_its_close_paraphrase(
        home: Path) -> None:
    """The learner's word outranks the course line: a paraphrase of a sentence they
    labelled follows the label, however everyday its setting; without the label it is
    unrelated again."""
    import json

    from typer.testing import CliRunner

    from pmquiz.cli import app

    runner = CliRunner()
    paraphrase = "She bakes bread for the village fete"

    def check() -> dict[str, object]:
        out = runner.invoke(app, ["classify", "--json", paraphrase])
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    assert (check()["category"], check()["reason"]) == (None, "unrelated")
    given = runner.invoke(app, ["classify", "--is", "Project management",
                                "Bakes the bread for the village fete"])
    assert given.exit_code == 0, given.output
    after = check()
    assert (after["category_set"], after["category"]) == \
        ("Product management/Project management", "Project management")
    assert runner.invoke(app, ["classify", "--unlabel", "1"]).exit_code == 0
    assert (check()["category"], check()["reason"]) == (None, "unrelated")


def test_a_check_by_the_word_vector_fallback_says_so(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a processor the sentence model cannot run on, the word vectors judge, with neither
    the worked examples nor the course line: the screen says so under the verdict, and the
    JSON names the model. With the sentence model, neither."""
    import json

    from typer.testing import CliRunner

    from pmquiz.cli import app

    runner = CliRunner()
    said = runner.invoke(app, ["classify", "Tracks the budget"])
    assert said.exit_code == 0 and "word vectors" not in said.output
    data = json.loads(runner.invoke(app, ["classify", "--json", "Tracks the budget"]).stdout)
    assert data["model"] == "multilingual-e5-small-q4"
    monkeypatch.setenv("PMQUIZ_SENTENCE_MODEL", "wordllama")
    said = runner.invoke(app, ["classify", "Tracks the budget"])
    assert said.exit_code == 0, said.output
    assert "Judged with word vectors" in " ".join(said.output.split())
    data = json.loads(runner.invoke(app, ["classify", "--json", "Tracks the budget"]).stdout)
    assert data["model"] == "wordllama-l2-supercat-256"
    assert data["category"] == "Project management"
