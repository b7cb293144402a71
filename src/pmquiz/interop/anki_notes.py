"""Cards that came from Anki go back to Anki as the notes they were.

An import from a package writes, beside the deck, `<deck>.anki.json`: for each card the Anki
note it came from (GUID, note type, modification time, the note's fields, and the card's
text as imported) and each note type's fields and templates. `pmquiz export anki` then
writes those notes with their own GUID and note type, so Anki updates them instead of
adding second notes: a card unchanged since the import keeps the note's own modification
time (Anki sees nothing new), a card edited in pmquiz writes its new text into the field
its imported text came from (`field_index`) and is stamped now (Anki updates that note).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmquiz.deck import write_atomic
from pmquiz.interop.html import known_markdown, to_markdown
from pmquiz.interop.records import PMQUIZ_GUID
from pmquiz.interop.templates import NoteType
from pmquiz.model import Card

if TYPE_CHECKING:
    from pmquiz.durable_batch import DurableBatch

SUFFIX = ".anki.json"


def origins_path(deck_file: Path) -> Path:
    """`deck.toml` -> `deck.anki.json`."""
    return deck_file.with_name(deck_file.stem + SUFFIX)


def write_origins(deck_file: Path, cards: list[Card], origins: list[dict[str, object] | None],
                  notetypes: dict[str, dict[str, object]], text: str | None = None,
                  sweep: bool = True, batch: DurableBatch | None = None) -> None:
    """Keep where each imported card came from (by card id) beside the deck file: `text`
    when `origins_text` was made already (by a forked copy meanwhile), else made here.
    `sweep`: as `write_atomic`'s; `batch`: the file goes to it, written at its commit."""
    text = text if text is not None else origins_text(cards, origins, notetypes)
    if text and batch is not None:
        batch.add(origins_path(deck_file), text.encode("utf-8"))
    elif text:
        write_atomic(origins_path(deck_file), text, sweep=sweep)


def origins_text(cards: list[Card], origins: list[dict[str, object] | None],
                 notetypes: dict[str, dict[str, object]]) -> str:
    """The origins file's text ("" when no card came from Anki)."""
    kept = {card.id: {**origin, "prompt": card.prompt, "answer": card.answer,
                      "explain": card.explain}
            for card, origin in zip(cards, origins, strict=False) if origin is not None}
    if not kept:
        return ""
    # one line per card (json's C encoder: an indented dump is written in pure Python), in
    # ASCII with \u escapes: a 10 MB sidecar of Japanese glossaries encoded and was written
    # in 75 ms that way, 160 ms as UTF-8 text; a note's fields come encoded already
    lines = ",\n".join(f"{json.dumps(key)}: {_object(value)}"
                       for key, value in sorted(kept.items()))
    return ("{\"cards\": {\n" + lines + "\n},\n\"notetypes\": "
            + json.dumps(notetypes, sort_keys=True) + "}\n")


class Encoded(str):
    """A value already written as JSON (ASCII, sorted keys), put into the sidecar as it is:
    a note's fields are encoded once, while the notes are read (half of them by a forked
    copy), not once for each of its cards on the way to the file."""


PLACEHOLDER = "\x00"  # stands for an `Encoded` value while the rest is encoded


SORTED = json.JSONEncoder(sort_keys=True).encode  # `json.dumps(…, sort_keys=True)`, made once


def _object(value: dict[str, object]) -> str:
    """`json.dumps(value, sort_keys=True)` for a flat object, with its `Encoded` values as
    they are: one C-encoded dump with a placeholder for each, then the placeholder, found
    after its key (a quote that is not escaped only ever delimits a string), replaced.
    One encoder for every card: `json.dumps` with an option makes an encoder each call."""
    encoded = [key for key, item in value.items() if isinstance(item, Encoded)]
    if not encoded:
        return SORTED(value)
    text = SORTED({key: PLACEHOLDER if isinstance(item, Encoded) else item
                   for key, item in value.items()})
    for key in encoded:
        name = json.dumps(key)
        text = text.replace(f'{name}: "\\u0000"', f"{name}: {value[key]}", 1)
    return text


MAX_SIDECAR_BYTES = 64 * 1024 * 1024
MAX_ID = 1 << 63  # Anki's ids are 64-bit
MAX_MOD = 1 << 32  # a modification time in seconds


def read_origins(deck_file: Path, problems: list[str] | None = None) -> dict[str, Any]:
    """The origins file of a deck, checked against its schema: {} when there is none; what
    is wrong with it (unreadable, not JSON, nested too deep, a field of the wrong type or out
    of range) is added to `problems` with the file's name, and the cards it concerns are
    exported as new notes rather than with a broken note."""
    path = origins_path(deck_file)
    said = problems if problems is not None else []
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            said.append(f"{path}: larger than {MAX_SIDECAR_BYTES >> 20} MB; not read (its "
                        "cards are exported as new notes)")
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        said.append(f"{path}: cannot be read ({reason}); its cards are exported as new notes "
                    "(restore the file from a backup, or delete it)")
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("cards"), dict) or \
            not isinstance(data.get("notetypes"), dict):
        said.append(f'{path}: not an origins file (it needs "cards" and "notetypes" '
                    "objects); its cards are exported as new notes")
        return {}
    notetypes = {}
    for key, note_type in data["notetypes"].items():
        problem = _note_type_problem(key, note_type)
        if problem:
            said.append(f"{path}: note type {key!r}: {problem}; its notes are exported as "
                        "new notes")
        else:
            notetypes[key] = note_type
    cards = {}
    for card_id, origin in data["cards"].items():
        problem = _origin_problem(origin, notetypes)
        if problem:
            said.append(f"{path}: card {card_id!r}: {problem}; exported as a new note")
        else:
            cards[card_id] = origin
    return {"notetypes": notetypes, "cards": cards}


def _note_type_problem(key: object, note_type: object) -> str:
    if not isinstance(key, str) or not key.isdecimal() or not 0 < int(key) < MAX_ID:
        return "its id must be a positive 64-bit number"
    if not isinstance(note_type, dict):
        return "not an object"
    if not isinstance(note_type.get("name"), str):
        return '"name" must be text'
    fields = note_type.get("fields")
    if not isinstance(fields, list) or not fields or \
            not all(isinstance(f, str) for f in fields):
        return '"fields" must be a list of field names'
    templates = note_type.get("templates")
    if not isinstance(templates, list) or not templates or not all(
            isinstance(t, list) and len(t) == 3 and all(isinstance(x, str) for x in t)
            for t in templates):
        return '"templates" must be a list of [name, front, back]'
    if not isinstance(note_type.get("cloze"), bool):
        return '"cloze" must be true or false'
    return ""


def _origin_problem(origin: object, notetypes: dict[str, Any]) -> str:
    if not isinstance(origin, dict):
        return "not an object"
    guid = origin.get("guid")
    if not isinstance(guid, str) or not 0 < len(guid) <= 64 or not guid.isprintable():
        return '"guid" must be a short line of text'
    if "fields" not in origin and "notetype" not in origin:
        return ""  # from a text export: the GUID (and a note type name) only
    mod = origin.get("mod", 0)
    if not isinstance(mod, int) or isinstance(mod, bool) or not 0 <= mod < MAX_MOD:
        return '"mod" must be a modification time in whole seconds'
    if str(origin.get("notetype")) not in notetypes:
        return '"notetype" names no note type of the file'
    fields = origin.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        return '"fields" must be a list of texts'
    for name in ("prompt_field", "answer_field"):
        index = origin.get(name)
        if index is not None and (not isinstance(index, int) or isinstance(index, bool)
                                  or not 0 <= index < len(fields)):
            return f'"{name}" must be the number of one of its fields'
    for name in ("prompt", "answer", "explain", "notetype_name"):
        if name in origin and not isinstance(origin[name], str):
            return f'"{name}" must be text'
    return ""


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
        for text, was, key in ((card.prompt, origin.get("prompt"), "prompt_field"),
                               (card.answer, origin.get("answer"), "answer_field")):
            if text != was:
                edited = True
                # which field the text came from is looked for now, for an edited card only
                # (an origins file written before says it)
                index = origin[key] if key in origin else \
                    field_index([str(f) for f in origin["fields"]], was)
                if isinstance(index, int) and 0 <= index < len(fields):
                    fields[index] = to_html(text)
        notes[guid] = (kept_type, fields, edited)
    return list(notes.values()), plain


def note_origins(guid: str | None, mid: object, mod: object, note_type: NoteType,
                 fields: list[str], cards: list[Card],
                 notetypes: dict[str, dict[str, object]]) -> list[dict[str, object] | None]:
    """Where each card of a note came from: its GUID, note type, modification time and
    fields, and its text as imported; and the note type's definition."""
    if not guid or PMQUIZ_GUID.match(guid) or not isinstance(mid, int) or \
            not note_type.templates:
        return [None] * len(cards)
    if str(mid) not in notetypes:  # once per note type, not built again for every note
        notetypes[str(mid)] = {
            "name": note_type.name, "cloze": note_type.cloze, "fields": note_type.fields,
            "templates": [[t.name, *t.written] for t in note_type.templates]}
    encoded = Encoded(json.dumps(fields))
    return [{"guid": guid, "notetype": str(mid), "mod": mod if isinstance(mod, int) else 0,
             "fields": encoded, "prompt": card.prompt, "answer": card.answer,
             "explain": card.explain} for card in cards]


def field_index(fields: list[str], text: object) -> int | None:
    """The first field whose Markdown is `text` (a card's prompt or answer as it was
    imported), or None: where a card edited in pmquiz writes its new text. Looked for when
    a card is exported edited, not on import (a sixth of reading a real 6,542-card package
    went to finding the field of every card). A field converted lately is compared as it
    is; of the others, only a field with the text's words is converted."""
    if not isinstance(text, str) or not text:
        return None
    wanted = _words(text)
    for index, field in enumerate(fields):
        known = known_markdown(field)
        if known is not None:
            if known == text:
                return index
            continue
        head = _words(_head(field))
        short = min(len(wanted), len(head), 40)
        if wanted[:short] != head[:short]:
            continue
        words = head if len(field) <= HEAD else _words(field)
        if words == wanted and to_markdown(field) == text:
            return index
    return None


TAGS = re.compile(r"<[^>]*>")
MARKS = re.compile(r"[*_`#>|\[\]()!~-]+")


HEAD = 400  # characters of a field read to tell it is not a card's text


def _head(text: str, size: int = HEAD) -> str:
    """A text's first characters, cut before a tag the cut would split."""
    start = text[:size]
    opened = start.rfind("<")
    return start[:opened] if opened > start.rfind(">") else start


def _words(text: str) -> str:
    """A field's or a card's words without markup (HTML tags, entities, Markdown marks):
    a cheap key that equal texts share."""

    plain = TAGS.sub(" ", text)
    return " ".join(MARKS.sub(" ", html.unescape(plain) if "&" in plain else plain).split())
