"""Anki packages: export with genanki; import the legacy `collection.anki2`, the newer
`collection.anki21` (preferred when present) and the zstd-compressed `collection.anki21b`.

Nothing from the archive is written to disk under its own name: the collection is read into a
temporary file pmquiz names itself, so paths inside the zip can never escape.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pmquiz.deck import replace_atomically
from pmquiz.errors import ImportFormatError
from pmquiz.interop.anki_notes import notes_for_anki, read_origins
from pmquiz.interop.anki_text import (
    anki_deck_name,
    anki_deck_names,
    front_and_back,
    note_guid,
    note_tags,
)
from pmquiz.interop.html import hidden_classes, to_html
from pmquiz.interop.package_notes import SPLIT_NOTES, Package, joined, read_notes
from pmquiz.interop.records import ReadNotes
from pmquiz.interop.templates import (
    NoteType,
    Template,
    parse_template_config,
)
from pmquiz.kinds import kind_of
from pmquiz.model import Card, Deck

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
BASIC_MODEL_ID = 1_607_392_319
CLOZE_MODEL_ID = 1_607_392_320


MAX_ENTRIES = 100_000  # media-heavy packages have thousands of files; more is not Anki's
MAX_COLLECTION = 256 * 1024 * 1024  # bytes of uncompressed collection pmquiz will read
READ_SECONDS = 30.0  # time allowed for reading the collection's tables
CHUNK = 1024 * 1024
TEMP_PREFIX = "pmquiz-import-"
EXPORT_PREFIX = "pmquiz-export-"


def _extract_collection(path: Path, folder: Path) -> tuple[str, Path]:
    """Stream the package's collection into `folder`, decompressing as it goes, and stop at
    MAX_COLLECTION bytes whatever the archive claims: a zip or zstd bomb costs at most a
    chunk of memory and that much disk. A bare collection (`.anki2`, `.anki21`: an SQLite
    file, not a zip) is copied as it is, within the same limit."""
    if _is_sqlite(path):
        return _copy_collection(path, folder)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFormatError(f"{path}: not an Anki package (.apkg is a zip file): "
                                f"{exc}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ImportFormatError(f"{path}: {len(entries)} files in the package; pmquiz reads "
                                    f"packages of at most {MAX_ENTRIES}")
        names = {e.filename for e in entries}
        name = next((n for n in COLLECTIONS if n in names), None)
        if name is None:
            raise ImportFormatError(f"{path}: no collection.anki2/anki21/anki21b inside; not "
                                    "an Anki package")
        target = folder / "collection.sqlite"
        try:
            with archive.open(name) as raw, target.open("wb") as out:
                source: Any = raw
                if name.endswith("anki21b"):
                    try:
                        import zstandard
                    except ImportError:
                        raise ImportFormatError(
                            f"{path} holds a collection.anki21b (zstd-compressed), which needs "
                            "the zstandard package: pip install zstandard") from None
                    source = zstandard.ZstdDecompressor().stream_reader(raw)
                written = 0
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > MAX_COLLECTION:
                        raise ImportFormatError(
                            f"{path}: its collection unpacks to more than "
                            f"{MAX_COLLECTION // (1024 * 1024)} MB; pmquiz stops there (a "
                            "damaged or hostile package)")
                    out.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ImportFormatError(f"{path}: cannot unpack {name} ({exc})") from None
        except Exception as exc:  # zstandard.ZstdError has no common base to name here
            if type(exc).__module__.startswith("zstandard"):
                raise ImportFormatError(f"{path}: cannot unpack {name} ({exc})") from None
            raise
        return name, target


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _copy_collection(path: Path, folder: Path) -> tuple[str, Path]:
    """A bare collection copied into `folder` (read from the copy, never in place)."""
    target = folder / "collection.sqlite"
    try:
        if path.stat().st_size > MAX_COLLECTION:
            raise ImportFormatError(f"{path}: the collection is larger than "
                                    f"{MAX_COLLECTION // (1024 * 1024)} MB; pmquiz stops there")
        with path.open("rb") as raw, target.open("wb") as out:
            while chunk := raw.read(CHUNK):
                out.write(chunk)
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read it ({exc.strerror})") from None
    return path.name, target


def _sweep_stale_folders(prefix: str = TEMP_PREFIX) -> None:
    """Remove what imports (or exports) killed mid-way left in the temporary folder (their
    process is gone), so no collection copy outlives its command."""
    import os
    import shutil

    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).split("-")[0]
        if not pid.isdecimal():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _open_collection(copy: Path) -> sqlite3.Connection:
    """The collection, read only, with no trust in its schema and a time limit."""
    import time

    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    deadline = time.monotonic() + READ_SECONDS
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
    for table in ("notes", "cards"):
        if kinds.get(table) != "table":
            conn.close()
            raise sqlite3.DatabaseError(f'"{table}" is not a table')
    return conn


def _models(conn: sqlite3.Connection) -> dict[int, NoteType]:
    """note type id -> its name, fields and card templates, from either schema."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    found: dict[int, NoteType] = {}
    if "notetypes" in tables:
        for ntid, name in conn.execute("SELECT id, name FROM notetypes"):
            names = [str(r[0]) for r in conn.execute(
                "SELECT name FROM fields WHERE ntid = ? ORDER BY ord", (ntid,))]
            templates = []
            if "templates" in tables:
                for ord_, tname, config in conn.execute(
                        "SELECT ord, name, config FROM templates WHERE ntid = ? ORDER BY ord",
                        (ntid,)):
                    front, back = parse_template_config(config if isinstance(config, bytes)
                                                        else b"")
                    templates.append(Template(int(ord_), str(tname), front, back))
            config = conn.execute("SELECT config FROM notetypes WHERE id = ?",
                                  (ntid,)).fetchone()
            # the CSS is a string inside the protobuf config: its rules read as they are
            css = config[0].decode("utf-8", "replace") if config and \
                isinstance(config[0], bytes) else ""
            note_type = NoteType(str(name), False, names, templates, hidden_classes(css))
            # the kind lives in the note type's protobuf config; a cloze template says it
            note_type.cloze = note_type.cloze_field() is not None or "cloze" in str(name).lower()
            found[ntid] = note_type
        return found
    row = conn.execute("SELECT models FROM col").fetchone()
    for key, model in json.loads(row[0] if row and row[0] else "{}").items():
        templates = [Template(int(t.get("ord", i)), str(t.get("name", "")),
                              str(t.get("qfmt", "")), str(t.get("afmt", "")))
                     for i, t in enumerate(model.get("tmpls", []))]
        found[int(key)] = NoteType(str(model.get("name", "")), model.get("type") == 1,
                                   [str(f.get("name", "")) for f in model.get("flds", [])],
                                   templates, hidden_classes(str(model.get("css", ""))))
    return found


def _decks(conn: sqlite3.Connection) -> dict[int, str]:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "decks" in tables:
        return {int(i): n for i, n in conn.execute("SELECT id, name FROM decks")}
    row = conn.execute("SELECT decks FROM col").fetchone()
    return {int(k): v.get("name", "") for k, v in json.loads(row[0] if row and row[0]
                                                             else "{}").items()}


def read_package(path: Path, deck_slug: str,
                 progress: Callable[[int, int], None] | None = None) -> ReadNotes:
    """Read every note of a package as a pmquiz card."""
    import os

    _sweep_stale_folders()
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-") as folder:
        name, copy = _extract_collection(path, Path(folder))
        result = ReadNotes(collection=name, guided=True)  # every Anki note has a GUID
        try:
            conn = _open_collection(copy)
            try:
                models = _models(conn)
                decks = _decks(conn)
                note_deck = dict(conn.execute("SELECT nid, min(did) FROM cards GROUP BY nid"))
                # the cards the package really holds: a card deleted in Anki stays deleted
                present: dict[int, set[int]] = {}
                suspended: dict[int, set[int]] = {}  # queue -1: suspended in Anki
                columns = {r[1] for r in conn.execute("PRAGMA table_info(cards)")}
                if "ord" in columns:
                    queue = "queue" if "queue" in columns else "0"
                    for nid, ordinal, state in conn.execute(
                            f"SELECT nid, ord, {queue} FROM cards"):
                        if isinstance(ordinal, int):
                            present.setdefault(nid, set()).add(ordinal)
                            if state == -1:
                                suspended.setdefault(nid, set()).add(ordinal)
                # a hand-made collection may lack `mod`: the notes still read
                has_mod = any(r[1] == "mod" for r in conn.execute("PRAGMA table_info(notes)"))
                notes = conn.execute(f"SELECT id, guid, mid, flds, tags, "
                                     f"{'mod' if has_mod else '0'} FROM notes ORDER BY id"
                                     ).fetchall()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            reason = "it took too long to read" if "interrupt" in str(exc) else str(exc)
            raise ImportFormatError(f"{path}: {name} is not a readable Anki collection "
                                    f"({reason})") from None
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            raise ImportFormatError(f"{path}: {name} has a malformed note type or deck list "
                                    f"({type(exc).__name__}: {exc})") from None
    package = Package(path, name, deck_slug, models, decks, note_deck, present, suspended,
                       len(notes))
    if len(notes) < SPLIT_NOTES:
        read_notes(package, notes, result, progress)
        return result
    # the later half of the notes in a forked copy meanwhile (`side_work`): making cards is
    # pure Python over notes already read, so the second core halves it
    from pmquiz.side_work import started

    half = len(notes) // 2
    later = started(lambda: read_notes(package, notes[half:], ReadNotes()))
    read_notes(package, notes[:half], result, progress)
    joined(result, later())
    if progress:
        progress(len(notes), len(notes))
    return result


def _stable_int(text: str) -> int:
    """An id in genanki's range, the same for the same text."""
    return (1 << 30) + int(hashlib.sha1(text.encode()).hexdigest()[:7], 16)


def _collect_media(fields: list[str], folder: Path, files: list[str]) -> None:
    """Files an original note's fields show (`<img src>`, `[sound:]`) that were saved."""

    from pmquiz.interop.media import safe_name

    for field in fields:
        for name in re.findall(r"<img[^>]*\bsrc=[\"']?([^\"'> ]+)|\[sound:([^\]]+)\]", field):
            found = folder / safe_name(name[0] or name[1])
            if found.is_file() and str(found) not in files:
                files.append(str(found))


def note_content(deck: Deck, card: Card) -> str:
    """What a note holds, for telling an unchanged note from a changed one."""
    front, back = front_and_back(card)
    return "\x1f".join([front, back, " ".join(note_tags(deck, card)), anki_deck_name(deck)])


def write_package(decks: list[Deck], target: Path,
                  stamps: dict[str, int] | None = None,
                  problems: list[str] | None = None) -> int:
    """An .apkg with one Anki deck per module under `pmquiz::Phase N`; returns note count.
    `stamps` gives each card's modification time (by card key): a note is stamped when its
    content last changed, so importing an unchanged export again updates nothing in Anki.
    What is wrong with an origins file is added to `problems`."""
    import time

    import genanki

    class StampedNote(genanki.Note):  # type: ignore[misc]
        """A note written with its own modification time, not the package's."""

        stamp = 0

        def write_to_db(self, cursor: Any, timestamp: float, deck_id: int,
                        id_gen: Any) -> None:
            super().write_to_db(cursor, self.stamp or timestamp, deck_id, id_gen)

    basic = genanki.Model(
        BASIC_MODEL_ID, "pmquiz Basic", fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}])
    cloze = genanki.Model(
        CLOZE_MODEL_ID, "pmquiz Cloze", fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        model_type=genanki.Model.CLOZE)
    from pmquiz.interop.media import for_anki

    anki_decks = []
    models: dict[int, Any] = {}  # note types of notes that came from Anki, by their id
    media_files: list[str] = []
    notes = 0
    names = anki_deck_names(decks)
    now = int(time.time())
    for deck in decks:
        anki_deck = genanki.Deck(_stable_int(f"pmquiz:{deck.module.slug}"),
                                 names[deck.module.slug])
        origins = read_origins(Path(deck.path), problems) if deck.path else {}
        from_anki, own_cards = notes_for_anki(list(deck.cards), origins)
        for note_type, fields, edited in from_anki:
            model = models.get(note_type["id"])
            if model is None:
                model = models[note_type["id"]] = genanki.Model(
                    note_type["id"], note_type["name"],
                    fields=[{"name": name} for name in note_type["fields"]],
                    templates=[{"name": n, "qfmt": q, "afmt": a}
                               for n, q, a in note_type["templates"]],
                    model_type=genanki.Model.CLOZE if note_type["cloze"] else
                    genanki.Model.FRONT_BACK)
            note = StampedNote(model=model, fields=fields, guid=note_type["guid"])
            # unchanged: the note's own time, so Anki sees nothing new
            note.stamp = max(now, int(note_type["mod"]) + 1) if edited else \
                int(note_type["mod"]) or now
            anki_deck.add_note(note)
            _collect_media(fields, Path(deck.path).parent / "media" / deck.module.slug,
                           media_files)
            notes += 1
        for card in own_cards:
            front, back = front_and_back(card)
            model = cloze if kind_of(card).to_anki(card).cloze else basic
            # a card from an Anki text export keeps its note's GUID: Anki never makes a
            # second note of it (its note type is unknown here; `export text` updates it)
            origin = origins.get("cards", {}).get(card.id) if origins else None
            guid = origin.get("guid") if isinstance(origin, dict) else None
            base = Path(deck.path).parent if deck.path else None
            note = StampedNote(model=model, fields=[for_anki(to_html(front), base, media_files),
                                                    for_anki(to_html(back), base, media_files)],
                               guid=guid if isinstance(guid, str) else note_guid(card),
                               tags=note_tags(deck, card))
            note.stamp = (stamps or {}).get(card.key, now)
            anki_deck.add_note(note)
            notes += 1
        anki_decks.append(anki_deck)
    import os

    # genanki builds the collection in a temporary file it never removes: give it a folder
    # of ours, removed afterwards (and, after a kill, by the next export)
    _sweep_stale_folders(EXPORT_PREFIX)
    with tempfile.TemporaryDirectory(prefix=f"{EXPORT_PREFIX}{os.getpid()}-") as scratch:
        def write(tmp: Path) -> None:
            previous = tempfile.tempdir
            tempfile.tempdir = scratch
            try:
                genanki.Package(anki_decks, media_files=media_files).write_to_file(str(tmp))
            finally:
                tempfile.tempdir = previous

        replace_atomically(target, write)
    return notes
