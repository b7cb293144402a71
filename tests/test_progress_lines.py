"""A progress line is checked by a fast path for well-formed lines and by `_record` for the
rest: both accept the same lines, give the same staged values and, for a bad line, the same
reason (a hypothesis test over lines made of good, odd and wrong field values)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pmquiz.interop.progress import FUTURE_ALLOWANCE, _record, _staged, staged_values

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)

TEXTS = st.one_of(st.none(), st.just(""), st.just("   "), st.just(" a "), st.text(max_size=8),
                  st.sampled_from(["x" * 19, "x" * 20, "x" * 21, "x" * 200, "x" * 201]),
                  st.integers(), st.booleans())
FIELD_VALUES = {
    "id": TEXTS, "module": TEXTS, "card": TEXTS,
    "time": st.one_of(st.sampled_from([
        "2026-11-01T10:00:00+00:00", "2026-11-01T10:00:00.123456+05:30", "2026-11-01T10:00:00",
        "2026-11-01T10:00:00Z", "1970-01-01T12:00:00+00:00", "1970-01-02T00:00:00+00:00",
        "2026-12-01T11:59:59+00:00", "2026-12-01T12:00:00.000001+00:00", "yesterday", "",
        " 2026-11-01T10:00:00+00:00"]), TEXTS),
    "rating": st.one_of(st.integers(-1, 6), st.booleans(), st.floats(1, 4), st.none()),
    "duration_ms": st.one_of(st.integers(-5, 86_400_001), st.booleans(), st.none(),
                             st.just(1.5), st.just("3")),
    "answer": st.one_of(TEXTS, st.sampled_from(["a" * 9_999, "a" * 10_000, "a" * 10_001])),
    "correct": st.one_of(st.none(), st.booleans(), st.integers(0, 1), st.just("yes")),
    "grade": TEXTS, "mode": TEXTS,
    "override": st.one_of(st.sampled_from(["", "right", "wrong", "maybe"]), TEXTS),
}


@st.composite
def lines(draw: st.DrawFn) -> object:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.one_of(st.none(), st.lists(st.integers()), st.text()))
    good = {"id": "r1", "module": "m", "card": "c", "time": "2026-11-01T10:00:00+00:00",
            "rating": 3}
    for key, values in FIELD_VALUES.items():
        choice = draw(st.integers(0, 3))
        if choice == 0:
            good.pop(key, None)
        elif choice == 1:
            good[key] = draw(values)
    return good


def outcome(call: object) -> object:
    try:
        return ("ok", call())  # type: ignore[operator]
    except (ValueError, TypeError) as exc:
        return ("error", str(exc))


@settings(max_examples=1500, deadline=None)
@given(lines())
def test_the_fast_path_agrees_with_the_full_check(line: object) -> None:
    def full() -> object:
        module, card, record = _record(line, NOW)
        return module, card, staged_values(record)

    assert outcome(lambda: _staged(line, NOW, NOW + FUTURE_ALLOWANCE)) == outcome(full)


@settings(max_examples=500, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.builds(lambda head, body, tail: head + body + tail,
              st.sampled_from(["", " ", "\ufeff"]),
              st.sampled_from(['{"a": 1}', '{"a": [1, {"b": "x"}]}', '{"a": 1', '{}', '[1]',
                               '{"a": NaN}', '{"a": "\\u00e9"}', '{"a": 1}{"b": 2}']),
              st.sampled_from(["", "\n", "\r\n", " \n", "x", "\n\n"]))))
def test_a_line_parses_as_json_loads_parses_it(line: str) -> None:
    import json

    from pmquiz.interop.progress import _parsed

    assert outcome(lambda: _parsed(line)) == outcome(lambda: json.loads(line))
