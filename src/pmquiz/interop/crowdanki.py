"""A CrowdAnki export (`deck.json`: how shared Anki decks are kept and edited on GitHub) as
pmquiz cards. Its note types and notes are read as a package's are (`package_notes`): each
note through its note type's templates, a card per template whose front is not empty, the
fields no template shows kept as the explanation; its subdecks become modules. The file
holds notes, not cards, so every card Anki would make is made (nothing was deleted or
suspended in a file that has no cards)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmquiz.compile.document import Warning_
from pmquiz.interop.html import hidden_classes
from pmquiz.interop.records import ReadNotes
from pmquiz.interop.templates import NoteType, Template

MAX_DEPTH = 50  # nested subdecks; deeper is not a deck Anki made


def looks_like(text: str) -> bool:
    """A CrowdAnki deck: a JSON object whose type is "Deck"."""
    head = text[:4096]
    return head.lstrip().startswith("{") and '"__type__"' in head and '"Deck"' in head


def read_crowdanki(path: Path, deck_slug: str, text: str) -> ReadNotes:
    """The cards of every note in the deck and its subdecks."""
    from pmquiz.interop.package_notes import Package, read_notes

    result = ReadNotes(guided=True, collection=path.name, format_name="crowdanki")
    try:
        data = json.loads(text)
    except ValueError as exc:
        result.warnings.append(Warning_(getattr(exc, "lineno", 0) or 0,
                                        f"not valid JSON ({exc}); nothing read"))
        return result
    except RecursionError:
        result.warnings.append(Warning_(0, "JSON nested too deeply; nothing read"))
        return result
    if not isinstance(data, dict) or data.get("__type__") != "Deck":
        result.warnings.append(Warning_(0, 'not a CrowdAnki deck (no "__type__": "Deck" at '
                                        "its top); nothing read"))
        return result
    models: dict[int, NoteType] = {}
    ids: dict[str, int] = {}  # a note type's CrowdAnki uuid -> the id its notes name
    decks: dict[int, str] = {}
    notes: list[tuple[Any, ...]] = []
    note_deck: dict[int, int] = {}
    _walk(data, "", 0, models, ids, decks, notes, note_deck, result.warnings, [0])
    if not notes:
        result.warnings.append(Warning_(0, "the deck holds no notes"))
        return result
    package = Package(path, path.name, deck_slug, models, decks, note_deck, {}, {},
                      len(notes))
    return read_notes(package, notes, result)


def _walk(deck: dict[str, Any], parent: str, depth: int, models: dict[int, NoteType],
          ids: dict[str, int], decks: dict[int, str], notes: list[tuple[Any, ...]],
          note_deck: dict[int, int], warnings: list[Warning_], seen: list[int]) -> None:
    """Read one deck's note types and notes, then its subdecks'. A subdeck's name is its
    own (CrowdAnki) or already its whole path (other tools)."""
    if depth > MAX_DEPTH:
        warnings.append(Warning_(0, f"subdecks nested deeper than {MAX_DEPTH} under "
                                 f'"{parent}"; not read'))
        return
    own = str(deck.get("name") or "Deck")
    name = own if not parent or "::" in own else f"{parent}::{own}"
    deck_id = len(decks) + 1
    decks[deck_id] = name
    for model in _list(deck.get("note_models")):
        if isinstance(model, dict):
            uuid = str(model.get("crowdanki_uuid") or model.get("name") or len(ids))
            ids.setdefault(uuid, _stable_id(uuid))
            models[ids[uuid]] = _note_type(model)
    for note in _list(deck.get("notes")):
        seen[0] += 1
        number = seen[0]  # its place in the file, skipped notes counted, as warnings name it
        fields = note.get("fields") if isinstance(note, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            warnings.append(Warning_(0, f'note {number} of "{name}": its fields are not a '
                                     "list of texts; skipped"))
            continue
        uuid = str(note.get("note_model_uuid") or "")
        if uuid not in ids:
            warnings.append(Warning_(0, f'note {number} of "{name}": its note type '
                                     f'"{uuid}" is not in the file; read as its first two '
                                     "fields"))
        tags = note.get("tags")
        guid = note.get("guid")
        notes.append((number, guid if isinstance(guid, str) else None, ids.get(uuid, 0),
                      "\x1f".join(fields),
                      " ".join(t for t in tags if isinstance(t, str))
                      if isinstance(tags, list) else "", 0))
        note_deck[number] = deck_id
    for child in _list(deck.get("children")):
        if isinstance(child, dict):
            _walk(child, name, depth + 1, models, ids, decks, notes, note_deck, warnings,
                  seen)


def _note_type(model: dict[str, Any]) -> NoteType:
    templates = [Template(int(t["ord"]) if isinstance(t.get("ord"), int) else index,
                          str(t.get("name", "")), str(t.get("qfmt", "")),
                          str(t.get("afmt", "")))
                 for index, t in enumerate(_list(model.get("tmpls"))) if isinstance(t, dict)]
    fields = [str(f.get("name", "")) for f in _list(model.get("flds")) if isinstance(f, dict)]
    note_type = NoteType(str(model.get("name", "")), model.get("type") == 1, fields,
                         templates, hidden_classes(str(model.get("css", ""))))
    note_type.cloze = note_type.cloze or note_type.cloze_field() is not None
    return note_type


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _stable_id(uuid: str) -> int:
    """A note type id in Anki's range, the same for the same CrowdAnki uuid (the origins
    file keys note types by it, so an export gives Anki back one note type)."""
    import hashlib

    return int.from_bytes(hashlib.sha1(uuid.encode("utf-8")).digest()[:6], "big") + 1
