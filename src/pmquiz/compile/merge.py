"""Keep card ids across recompiles, so learners keep their history.

A freshly compiled card takes the id of the existing card it replaces: the same id, else the
most similar unclaimed card of the same kind from the same section (similarity of prompt and
answer >= 0.5). Cards marked `keep = true` in the existing deck are hand-written additions and
stay as they are. Every other existing card that found no match is retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pmquiz.deck import free_id
from pmquiz.grading import normalize, similarity
from pmquiz.model import Card

MATCH = 0.5


@dataclass
class MergeReport:
    """What changed against the existing deck."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    hand_written: list[str] = field(default_factory=list)


def _content(card: Card) -> str:
    return " ".join([card.prompt, card.answer, *card.items])


def _same_content(a: Card, b: Card) -> bool:
    return replace(a, line=0) == replace(b, id=a.id, line=0)


def merge(new: list[Card], old: list[Card],
          by_similarity: bool = True) -> tuple[list[Card], MergeReport]:
    """Give new cards the ids of the old cards they continue; report the differences.
    `by_similarity=False` matches by id only (for sources whose ids are authoritative, such
    as Anki GUIDs)."""
    report = MergeReport()
    manual = [c for c in old if c.keep]
    pool = {c.id: c for c in old if not c.keep}
    claimed: dict[int, Card] = {}
    # Pass 1: same id. Ids from the source (Anki GUIDs) also claim hand-written cards:
    # a card pmquiz exported comes back as itself, whatever its mark.
    by_id = {c.id: c for c in manual} if not by_similarity else {}
    for index, card in enumerate(new):
        if card.id in pool:
            claimed[index] = pool.pop(card.id)
        elif card.id in by_id:
            claimed[index] = by_id.pop(card.id)
    manual = [c for c in manual if by_similarity or c.id in by_id]
    # Pass 2: most similar unclaimed card of the same kind and section, best pairs first.
    pairs = []
    for index, card in enumerate(new):
        if index in claimed or not by_similarity:
            continue
        for old_card in pool.values():
            if old_card.kind is card.kind and normalize(old_card.source) == normalize(card.source):
                score = similarity(_content(card), _content(old_card))
                if score >= MATCH:
                    pairs.append((score, index, old_card.id))
    for _, index, old_id in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if index not in claimed and old_id in pool:
            claimed[index] = pool.pop(old_id)
    taken = {c.id for c in claimed.values()} | {c.id for c in manual}
    final_ids = {}
    for index, card in enumerate(new):
        previous = claimed.get(index)
        final_ids[card.id] = previous.id if previous else free_id(card.id, taken)
    result: list[Card] = []
    for index, card in enumerate(new):
        # Groups may name other cards by id (a choice card and the statements it shows):
        # they follow the ids the cards keep.
        groups = tuple(final_ids.get(g, g) for g in card.groups)
        updated = card if final_ids[card.id] == card.id and groups == card.groups else \
            replace(card, id=final_ids[card.id], groups=groups)
        result.append(updated)
        previous = claimed.get(index)
        if previous is None:
            report.added.append(updated.id)
        elif _same_content(updated, previous):
            report.kept.append(previous.id)
        else:
            report.changed.append(previous.id)
    result.extend(manual)
    report.hand_written = [c.id for c in manual]
    report.retired = sorted(pool)
    return result, report
