"""Which comparison leads a check made without --set (`comparison_lead`, issue #26)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pmquiz.check_result import SEVERAL, Check
from pmquiz.comparison_lead import led_by_fit
from pmquiz.meaning import unit_rows

TEXTS = [["a"] * 40, ["b"] * 40]  # the rows as text: the fit's cache key


def _check(name: str, category: str | None, score: float, by_label: bool = False) -> Check:
    return Check("s", name, category, 0.5, 0.1, {"x": score, "y": score - 0.1}, [],
                 "" if category else "no clear margin", by_label=by_label)


@pytest.fixture
def cache(tmp_path: Path):  # type: ignore[no-untyped-def]
    from pmquiz.store import Store

    store = Store.open(tmp_path / "pmquiz.db")
    yield store.cache
    store.close()


def _two_comparisons() -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Evidence of two comparisons far apart, and a statement near each."""
    rng = np.random.default_rng(11)
    shared = rng.normal(size=16)
    a, b = rng.normal(size=16), rng.normal(size=16)
    first = unit_rows(shared * 3 + a + rng.normal(scale=0.3, size=(40, 16)))
    second = unit_rows(shared * 3 + b + rng.normal(scale=0.3, size=(40, 16)))
    return [first, second], unit_rows((shared * 3 + a)[None, :]), \
        unit_rows((shared * 3 + (a + b) / 2)[None, :])


def test_the_comparison_the_fit_puts_first_leads_when_both_give_a_verdict(cache) -> None:  # type: ignore[no-untyped-def]
    matrices, near_a, _ = _two_comparisons()
    # B's own score is higher, but the statement is A's: the fit decides
    checks = [_check("A", "x", 0.2), _check("B", "y", 0.9)]
    led = led_by_fit(cache, "s", checks, matrices, TEXTS, near_a)
    assert (led.category_set, led.category) == ("A", "x")
    assert [o.category_set for o in led.others] == ["B"]


def test_no_comparison_leads_when_the_fit_puts_neither_clearly_first(cache) -> None:  # type: ignore[no-untyped-def]
    matrices, _, between = _two_comparisons()
    led = led_by_fit(cache, "s", [_check("A", "x", 0.2), _check("B", "y", 0.9)], matrices,
                     TEXTS, between)
    assert (led.category, led.reason) == (None, SEVERAL)
    assert {o.category_set for o in led.others} == {"A", "B"}


def test_a_lone_verdict_or_a_label_leads_without_the_fit(cache) -> None:  # type: ignore[no-untyped-def]
    matrices, near_a, _ = _two_comparisons()
    lone = led_by_fit(cache, "s", [_check("A", None, 0.9), _check("B", "y", 0.1)], matrices,
                      TEXTS, near_a)
    assert (lone.category_set, lone.category) == ("B", "y")
    label = led_by_fit(cache, "s", [_check("A", "x", 0.9), _check("B", "y", 0.1, True)],
                       matrices, TEXTS, near_a)
    assert (label.category_set, label.category) == ("B", "y")
    none = led_by_fit(cache, "s", [_check("A", None, 0.1), _check("B", None, 0.9)], matrices,
                      TEXTS, near_a)
    assert (none.category_set, none.category) == ("B", None)  # the best score first
    assert [o.category_set for o in none.others] == ["A"]


def test_the_fit_is_made_once_for_the_same_texts(cache, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
                                                 ) -> None:
    from pmquiz import comparison_lead

    matrices, near_a, _ = _two_comparisons()
    made: list[int] = []
    real = comparison_lead.fit
    monkeypatch.setattr(comparison_lead, "fit", lambda *a: made.append(1) or real(*a))
    checks = [_check("A", "x", 0.2), _check("B", "y", 0.9)]
    first = led_by_fit(cache, "s", checks, matrices, TEXTS, near_a)
    again = led_by_fit(cache, "s", checks, matrices, TEXTS, near_a)
    assert made == [1] and again == first
    led_by_fit(cache, "s", checks, matrices, [["a"] * 40, ["c"] * 40], near_a)
    assert made == [1, 1]  # other texts: fitted anew, the old fit dropped
    assert cache.drop_prefix("lead:") == 1
