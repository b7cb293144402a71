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
from datetime import UTC, datetime
from pathlib import Path

from pmquiz import queries
from pmquiz.errors import ImportFormatError
from pmquiz.model import CardState, Rating
from pmquiz.store import ReviewRecord, Store

FIELDS = ("id", "module", "card", "time", "rating")


def export_lines(store: Store) -> Iterator[str]:
    """The log, one JSON object a line."""
    for uid, module, card, when, rating, duration, answer, correct, grade, mode, override in \
            store.export_reviews():
        line = {
            "id": uid, "module": module, "card": card,
            "time": datetime.fromtimestamp(when, UTC).isoformat(), "rating": rating,
            "duration_ms": duration, "answer": answer,
            "correct": None if correct is None else bool(correct), "grade": grade,
            "mode": mode}
        if override:
            line["override"] = override
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


def _override(value: object) -> str:
    if value in (None, ""):
        return ""
    if value not in ("right", "wrong"):
        raise ValueError('override must be "right" or "wrong"')
    return str(value)


def _parse(path: Path) -> list[tuple[str, str, ReviewRecord]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path}: not UTF-8 text; a progress file is JSON Lines") \
            from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or any(k not in data for k in FIELDS):
                raise ValueError("needs " + ", ".join(FIELDS))
            when = datetime.fromisoformat(str(data["time"]))
            if when.tzinfo is None:
                raise ValueError("time needs a UTC offset")
            rating = Rating(int(data["rating"]))
            record = ReviewRecord(
                uid=str(data["id"]), time=when.astimezone(UTC), rating=rating,
                duration_ms=int(data.get("duration_ms") or 0),
                answer=str(data.get("answer") or ""),
                correct=None if data.get("correct") is None else bool(data["correct"]),
                grade=str(data.get("grade") or ""), mode=str(data.get("mode") or "study"),
                override=_override(data.get("override")))
        except (ValueError, TypeError) as exc:
            raise ImportFormatError(f"{path}:{number}: not a pmquiz review ({exc}); nothing "
                                    "was imported") from None
        rows.append((str(data["module"]), str(data["card"]), record))
    return rows


def import_progress(store: Store, path: Path, replay_steps: Callable[..., list[CardState]],
                    progress: Callable[[int, int], None] | None = None) -> MergeResult:
    """Merge another machine's log; rebuild the states of cards that got new reviews."""
    rows = _parse(path)
    cards = store.card_rows((module, card) for module, card, _ in rows)
    existing = queries.review_ids(store)
    new = [(cards[(module, card)], record, CardState(), CardState())
           for module, card, record in rows if record.uid not in existing]
    # One transaction: the new reviews and the rebuilt states land together or not at all.
    added = store.insert_reviews(new, replay_steps=replay_steps, progress=progress)
    touched = {row for row, *_ in new}
    return MergeResult(read=len(rows), added=added, cards=len(touched))
