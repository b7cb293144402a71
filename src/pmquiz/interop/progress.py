"""Progress between machines: the review log as JSON Lines, merged by review id.

One review per line: `id` (globally unique), `module`, `card`, `time` (ISO 8601 UTC),
`rating` (1-4), `duration_ms`, `answer`, `correct`, `grade`, `mode`, and `override`
("right"/"wrong" when the learner overruled the grader; absent otherwise). Importing skips reviews
already present and replays every card that got new ones, in time order, so importing twice
changes nothing and the order of imports does not matter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from pmquiz.days import EARLIEST
from pmquiz.errors import ImportFormatError
from pmquiz.model import Rating
from pmquiz.store import ReviewRecord, Store

if TYPE_CHECKING:
    from pmquiz.scheduler import Scheduler

FIELDS = ("id", "module", "card", "time", "rating")


def export_lines(store: Store) -> Iterator[str]:
    """The log, one JSON object a line."""
    for uid, module, card, when, rating, duration, answer, correct, grade, mode, override in \
            store.log.export_reviews():
        line = {
            "id": uid, "module": module, "card": card,
            "time": datetime.fromtimestamp(when, UTC).isoformat(), "rating": rating,
            "duration_ms": duration, "answer": answer,
            "correct": None if correct is None else bool(correct), "grade": grade,
            "mode": mode}
        if override:
            line["override"] = override
        yield json.dumps(line, ensure_ascii=False)


LEARNER_KEY = "learner_id"
CHOSEN_KINDS = ("choice", "classify")  # their answers are an option's text: always shared


def learner_id(store: Store) -> str:
    """This home's stable random learner id for shared logs (made once, kept in the
    database; it holds no name and no path)."""
    import uuid

    found = store.meta.get(LEARNER_KEY)
    if not found:
        found = uuid.uuid4().hex
        store.meta.set(LEARNER_KEY, found)
    return found


def share_lines(store: Store, with_answers: bool = False) -> Iterator[str]:
    """The log for a course author's cohort report, one JSON object a line: the learner's
    random id on every line, each card's kind and phase; typed answers only with
    `with_answers` (an option picked on a choice or classify card always: it is the
    option's text)."""
    learner = learner_id(store)
    for (uid, module, phase, card, kind, when, rating, duration, answer, correct, grade,
         mode, override) in store.log.shared_reviews():
        line = {
            "learner": learner, "id": uid, "phase": phase, "module": module, "card": card,
            "kind": kind, "time": datetime.fromtimestamp(when, UTC).isoformat(),
            "rating": rating, "duration_ms": duration,
            "correct": None if correct is None else bool(correct), "grade": grade,
            "mode": mode, "override": override,
            "answer": answer if with_answers or kind in CHOSEN_KINDS else None}
        yield json.dumps(line, ensure_ascii=False)


@dataclass
class MergeResult:
    """What a progress import did."""

    read: int
    added: int
    cards: int

    @property
    def skipped(self) -> int:
        """Reviews already present."""
        return self.read - self.added


MAX_DURATION_MS = 86_400_000  # a day: longer is not the time one answer took
FUTURE_ALLOWANCE = timedelta(days=1)


def _text(data: dict[str, object], key: str, required: bool = False, limit: int = 10_000
          ) -> str:
    value = data.get(key)
    if type(value) is str and len(value) <= limit and (not required or value.strip()):
        return value  # the common case first: a million lines ask this eight times each
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValueError(f'"{key}" must be {"a non-empty" if required else "a"} string'
                         + (f" of at most {limit} characters" if limit < 10_000 else ""))
    return value


def _record(data: object, now: datetime) -> tuple[str, str, ReviewRecord]:
    """One line's review, checked against the documented schema."""
    if not isinstance(data, dict):
        raise ValueError("a line must be a JSON object")
    missing = [k for k in FIELDS if k not in data]
    if missing:
        raise ValueError("needs " + ", ".join(FIELDS) + "; missing " + ", ".join(missing))
    uid = _text(data, "id", required=True, limit=200)
    module, card = _text(data, "module", True, 200), _text(data, "card", True, 200)
    when = datetime.fromisoformat(_text(data, "time", required=True, limit=64))
    if when.tzinfo is None:
        raise ValueError("time needs a UTC offset")
    when = when.astimezone(UTC)
    if not EARLIEST <= when <= now + FUTURE_ALLOWANCE:
        raise ValueError(f"time {when.isoformat()} is not between {EARLIEST:%Y-%m-%d} and "
                         "now")
    rating = data["rating"]
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 4:
        raise ValueError("rating must be a whole number from 1 to 4")
    duration = data.get("duration_ms") or 0
    if isinstance(duration, bool) or not isinstance(duration, int) or \
            not 0 <= duration <= MAX_DURATION_MS:
        raise ValueError(f"duration_ms must be a whole number from 0 to {MAX_DURATION_MS}")
    correct = data.get("correct")
    if correct is not None and not isinstance(correct, bool):
        raise ValueError("correct must be true, false or null")
    override = _text(data, "override", limit=10)
    if override not in ("", "right", "wrong"):
        raise ValueError('override must be "right" or "wrong"')
    return module, card, ReviewRecord(
        uid=uid, time=when, rating=Rating(rating), duration_ms=duration,
        answer=_text(data, "answer"), correct=correct,
        grade=_text(data, "grade", limit=20), mode=_text(data, "mode", limit=20) or "study",
        override=override)


Staged = tuple[str, float, int, int, str, int | None, str, str, str | None]


def staged_values(record: ReviewRecord) -> Staged:
    """A review as the merge stages it: uid, unix time, rating, duration, answer, correct
    (0/1/None), grade, mode, override (None when absent)."""
    return (record.uid, record.time.timestamp(), int(record.rating), record.duration_ms,
            record.answer, None if record.correct is None else int(record.correct),
            record.grade, record.mode, record.override or None)


def _staged(data: object, now: datetime, latest: datetime) -> tuple[str, str, Staged]:
    """`_record` of one line as staged values: a well-formed line is checked field by field
    here without building a record (1.7 µs a line against 4.7 µs for `_record`); anything
    else goes to `_record`, which says what is wrong (or accepts it: the two agree, tested
    on generated lines)."""
    if type(data) is dict:
        get = data.get
        uid, module, card, stamp = get("id"), get("module"), get("card"), get("time")
        rating, duration, correct = get("rating"), get("duration_ms") or 0, get("correct")
        answer, grade, mode, override = get("answer"), get("grade"), get("mode"), \
            get("override")
        if type(uid) is str and type(module) is str and type(card) is str and \
                type(stamp) is str and 0 < len(uid) <= 200 and 0 < len(module) <= 200 and \
                0 < len(card) <= 200 and len(stamp) <= 64 and not uid.isspace() and \
                not module.isspace() and not card.isspace() and not stamp.isspace() and \
                type(rating) is int and 1 <= rating <= 4 and type(duration) is int and \
                0 <= duration <= MAX_DURATION_MS and (correct is None or type(correct) is bool) \
                and (answer is None or (type(answer) is str and len(answer) <= 10_000)) and \
                (grade is None or (type(grade) is str and len(grade) <= 20)) and \
                (mode is None or (type(mode) is str and len(mode) <= 20)) and \
                override in (None, "", "right", "wrong"):
            try:
                when = datetime.fromisoformat(stamp)
            except ValueError:
                when = None
            if when is not None and when.tzinfo is not None and EARLIEST <= when <= latest:
                return module, card, (
                    uid, when.timestamp(), rating, duration, answer or "",
                    None if correct is None else int(correct), grade or "", mode or "study",
                    override or None)
    module, card, record = _record(data, now)
    return module, card, staged_values(record)


# the decoder's own scanner (set in its __init__, so the type stubs do not know it)
_SCAN: Callable[[str, int], tuple[object, int]] = \
    json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _parsed(line: str) -> object:
    """`json.loads` of one line: a line that is one JSON object with nothing but its line
    break after it is scanned directly (`loads` also matches whitespace twice a line with a
    regular expression); any other goes through `loads`, which raises its own error."""
    if line[:1] == "{":
        try:
            found, end = _SCAN(line, 0)
        except (StopIteration, ValueError):
            return json.loads(line)
        if end == len(line) or line[end:] in ("\n", "\r\n"):
            return found
    return json.loads(line)


def _lines(path: Path, now: datetime) -> Iterator[tuple[str, str, Staged]]:
    """Each review of the file (module, card id, staged values), read one line at a time; a
    line that is not a review stops the import, naming its number."""
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror})") from None
    latest = now + FUTURE_ALLOWANCE
    with handle:
        number = 0
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    module, card, record = _staged(_parsed(line), now, latest)
                except (ValueError, TypeError, RecursionError) as exc:
                    reason = "nested too deeply" if isinstance(exc, RecursionError) \
                        else str(exc)
                    raise ImportFormatError(f"{path}:{number}: not a pmquiz review ({reason}); "
                                            "nothing was imported") from None
                yield module, card, record
        except UnicodeDecodeError:
            raise ImportFormatError(f"{path}:{number + 1}: not UTF-8 text; a progress file is "
                                    "JSON Lines") from None


def review_lines(path: Path, now: datetime) -> Iterator[tuple[str, str, Staged]]:
    """`_lines`, read and checked by a forked copy from now on while this process stores
    them (`side_work.Streamed`), started at once: before any thread (which would make
    forking unsafe) can start."""
    from pmquiz.side_work import Streamed

    return Streamed(lambda: _lines(path, now))


def import_progress(store: Store, path: Path,
                    scheduler: Scheduler,
                    now: datetime, progress: Callable[[int, int], None] | None = None,
                    lines: Iterator[tuple[str, str, Staged]] | None = None) -> MergeResult:
    """Merge another machine's log; rebuild the states of cards that got new reviews. The
    file is read once, a line at a time, each line checked (dates up to `now`) as it is
    stored, in one transaction: one bad line imports nothing. Into a log that has reviews
    memory does not grow with the file's length; into an empty one it holds about 130
    bytes a review (`store.fresh_merge`). Reviews already here, or twice in the file, are skipped by
    their id. `lines`: the file's reviews as `review_lines` started reading them."""
    try:
        expected = path.stat().st_size // LINE_BYTES
    except OSError:
        expected = 0  # `_lines` says why it cannot be read
    reviews = review_lines(path, now) if lines is None else lines
    try:
        read, added, touched = store.log.merge(reviews, scheduler, progress, expected)
    finally:
        getattr(reviews, "close", lambda: None)()  # a copy still reading stops
    return MergeResult(read=read, added=added, cards=touched)


LINE_BYTES = 256  # a progress line is about 230 bytes: a size over this undercounts lines
