"""Cards that came from Anki go back to Anki as the notes they were.

An import from a package writes, beside the deck, `<deck>.anki.json`: for each card the Anki
note it came from (GUID, note type, modification time, the note's fields, and which field
the card's prompt and answer are) and each note type's fields and templates. `pmquiz export
anki` then writes those notes with their own GUID and note type, so Anki updates them
instead of adding second notes: a card unchanged since the import keeps the note's own
modification time (Anki sees nothing new), a card edited in pmquiz writes its new text into
the field it came from and is stamped now (Anki updates that note).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmquiz.deck import write_atomic
from pmquiz.model import Card

SUFFIX = ".anki.json"


def origins_path(deck_file: Path) -> Path:
    """`deck.toml` -> `deck.anki.json`."""
    return deck_file.with_name(deck_file.stem + SUFFIX)


def write_origins(deck_file: Path, cards: list[Card], origins: list[dict[str, object] | None],
                  notetypes: dict[str, dict[str, object]]) -> None:
    """Keep where each imported card came from (by card id) beside the deck file."""
    kept = {card.id: {**origin, "prompt": card.prompt, "answer": card.answer,
                      "explain": card.explain}
            for card, origin in zip(cards, origins, strict=False) if origin is not None}
    if not kept:
        return
    write_atomic(origins_path(deck_file), json.dumps(
        {"notetypes": notetypes, "cards": kept}, ensure_ascii=False, indent=1,
        sort_keys=True) + "\n")


def read_origins(deck_file: Path) -> dict[str, Any]:
    """The origins file of a deck ({} when there is none or it is unreadable)."""
    try:
        data = json.loads(origins_path(deck_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict) or \
            not isinstance(data.get("notetypes"), dict):
        return {}
    return data


def notes_for_anki(cards: list[Card], origins: dict[str, Any]
                   ) -> tuple[list[tuple[dict[str, Any], list[str], bool]], list[Card]]:
    """(note type, fields, edited) for each original note the cards come from, and the cards
    with no origin (exported as pmquiz notes)."""
    from pmquiz.interop.html import to_html

    notes: dict[str, tuple[dict[str, Any], list[str], bool]] = {}
    plain: list[Card] = []
    entries = origins.get("cards", {})
    types = origins.get("notetypes", {})
    for card in cards:
        origin = entries.get(card.id)
        note_type = types.get(str(origin.get("notetype"))) if isinstance(origin, dict) else None
        if not isinstance(origin, dict) or not isinstance(note_type, dict) or \
                not isinstance(origin.get("fields"), list):
            plain.append(card)
            continue
        guid = str(origin.get("guid"))
        kept_type, fields, edited = notes.get(guid, (
            {**note_type, "id": int(origin["notetype"]), "guid": guid,
             "mod": origin.get("mod", 0)}, [str(f) for f in origin["fields"]], False))
        for text, was, index in ((card.prompt, origin.get("prompt"), origin.get("prompt_field")),
                                 (card.answer, origin.get("answer"), origin.get("answer_field"))):
            if text != was:
                edited = True
                if isinstance(index, int) and 0 <= index < len(fields):
                    fields[index] = to_html(text)
        notes[guid] = (kept_type, fields, edited)
    return list(notes.values()), plain
