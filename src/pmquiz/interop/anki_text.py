"""Anki's "notes in plain text" format: import with every header Anki writes, and export.

Headers: `#separator:` (tab, comma, semicolon, space, pipe, colon or a literal character;
without it the separator is sniffed from the first rows, as Anki does),
`#html:`, `#columns:`, `#notetype:`/`#deck:`/`#tags:` (fixed values), `#notetype column:`,
`#deck column:`, `#tags column:`, `#guid column:`; values are case-insensitive, a BOM is
ignored, other `#` lines are comments (unknown headers give a warning). Fields may be
quoted, span lines, and double their quotes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import lru_cache
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.errors import ImportFormatError
from pmquiz.interop.html import looks_like_html, to_markdown
from pmquiz.interop.records import PMQUIZ_GUID, ReadNotes, cloze_cards, note_card, only_number
from pmquiz.kinds import kind_of
from pmquiz.model import Card, Deck, copied

SNIFFED = ("\t", ";", "|", ",", ":")  # tried in this order when no header names one


def sniff_separator(lines: list[str], sample: int = 20) -> str:
    """The separator of a text export without a `#separator:` header, as Anki guesses it:
    the first of tab, semicolon, pipe, comma and colon that every sampled row holds, the
    same number of times; tab when none does."""
    rows = [line.rstrip("\r\n") for line in lines
            if line.strip() and not line.startswith("#")][:sample]
    if rows and all("\t" in row for row in rows):
        return "\t"  # Anki's own default, whatever else the fields hold
    for candidate in SNIFFED:
        counts = {row.count(candidate) for row in rows}
        if rows and len(counts) == 1 and counts.pop() > 0:
            return candidate
    return "\t"


SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|",
              "colon": ":"}
HEADER = re.compile(r"^#([a-zA-Z ]+):(.*)$")
COMMENT = "a line starting with # is a comment in Anki's text format; not imported"
ANSWER_RULE = re.compile(r"<hr\s+id=[\"']?answer[\"']?\s*/?>", re.IGNORECASE)


def _column(value: str, name: str, line: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ImportFormatError(f"line {line}: #{name} needs a column number, got "
                                f"{value.strip()!r}") from None
    if number < 1:
        raise ImportFormatError(f"line {line}: #{name} column numbers start at 1")
    return number - 1


def read_text_export(path: Path, deck_slug: str, text: str | None = None) -> ReadNotes:
    """Parse an Anki text export into cards. (It reads the file's bytes itself, whatever
    `text` the format registry decoded: a BOM and the encoding error have its own wording.)"""
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFormatError(f"{path}: this is a binary file, not an Anki text export")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(f"{path}:{bad_line}: not UTF-8 text (Anki exports UTF-8)") from None
    lines = text.splitlines(keepends=True)
    separator, html_mode = "", None
    columns: dict[str, int] = {}
    fixed: dict[str, str] = {}
    result = ReadNotes()
    body_start = 0
    for index, line in enumerate(lines):
        match = HEADER.match(line.rstrip("\r\n"))
        if not line.startswith("#"):
            break
        body_start = index + 1
        if not match:
            result.warnings.append(Warning_(index + 1, COMMENT))
            continue
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        if key == "separator":
            separator = SEPARATORS.get(value.lower(), value[:1] if value else "\t")
        elif key == "html":
            html_mode = value.lower() == "true"
        elif key in ("notetype column", "deck column", "tags column", "guid column"):
            columns[key.split()[0]] = _column(value, key, index + 1)
        elif key in ("notetype", "deck", "tags"):
            fixed[key] = value
        elif key == "columns":
            continue  # field names; positions are what matter
        else:
            result.warnings.append(Warning_(index + 1, f'unknown header "#{key}" ignored'))
    if not separator:  # no `#separator:` header: the one every sampled row splits on alike
        separator = sniff_separator(lines[body_start:])
    reader = csv.reader(io.StringIO("".join(lines[body_start:])), delimiter=separator,
                        quotechar='"', doublequote=True, strict=False)
    meta = set(columns.values())
    result.guided = "guid" in columns
    first_line = body_start + 1
    # How many fields a row has, counted per note type: a Basic row and a Basic (optional
    # reversed card) row differ by one field, and neither is short.
    widths: dict[str, dict[int, int]] = {}
    rows = []
    unknown: dict[str, list[int]] = {}  # note type -> [first line, notes]: said once each

    def typed(row: list[str]) -> str:
        where = columns.get("notetype")
        return row[where].strip() if where is not None and where < len(row) else ""

    try:
        for row in reader:
            row_line = first_line
            first_line = body_start + reader.line_num + 1
            if not row or all(not cell.strip() for cell in row):
                continue
            if lines[row_line - 1].startswith("#"):
                # a comment, as Anki reads it: the line itself starts with "#" (a field that
                # starts with one is quoted by Anki's export: a GUID such as "#abc" is data)
                result.warnings.append(Warning_(row_line, COMMENT))
                continue
            rows.append((row_line, row))
            counts = widths.setdefault(typed(row), {})
            counts[len(row)] = counts.get(len(row), 0) + 1
    except csv.Error as exc:
        raise ImportFormatError(f"{path}:{body_start + reader.line_num}: {exc}") from None
    usual = {name: max(counts, key=lambda w: (counts[w], w)) for name, counts in widths.items()}
    for row_line, row in rows:
        expected = usual[typed(row)]
        if len(row) != expected:
            # a short row still makes a note when it has a question and an answer column
            # (Anki reads it so: the fields it lacks are empty)
            skipped = len(row) < expected and \
                len([i for i in range(len(row)) if i not in meta]) < 2
            what = "extra fields ignored" if len(row) > expected else \
                "row skipped" if skipped else "read with the missing fields empty"
            result.warnings.append(Warning_(row_line, f"{len(row)} fields where most rows have "
                                            f"{expected}; {what}"))
            if skipped:
                continue
        fields = [cell for i, cell in enumerate(row) if i not in meta][: max(2, expected -
                                                                             len(meta))]

        def meta_value(name: str, row: list[str] = row) -> str:
            position = columns.get(name)
            if position is not None and position < len(row):
                return row[position].strip()
            return fixed.get(name, "")

        as_html = html_mode if html_mode is not None else any(looks_like_html(f) for f in fields)
        if as_html:
            fields = [to_markdown(ANSWER_RULE.split(f)[-1] if i else f)
                      for i, f in enumerate(fields)]
        front = fields[0] if fields else ""
        back = fields[1] if len(fields) > 1 else ""
        notetype = meta_value("notetype")
        stock = stock_kind(notetype)
        if notetype and not stock and "cloze" not in notetype.lower():
            unknown.setdefault(notetype, [row_line, 0])[1] += 1
        # the fields after the first two, which the export does not say where its note type
        # shows: kept in the explanation, never dropped ("Backen": "Backte (buk)" keeps "Hat
        # gebacken" and "Cuire au four"); the optional reversed type's third only asks for
        # the reverse card
        more = "\n".join(f.strip() for f in fields[3 if stock == "optional_reversed" else 2:]
                         if f.strip())
        deck_name = meta_value("deck")
        if deck_name and deck_name not in result.decks:
            result.decks.append(deck_name)
        card = note_card(deck_slug, meta_value("guid") or None, front, back,
                         source=deck_name, cloze=stock == "cloze" or
                         "cloze" in notetype.lower(),
                         tags=meta_value("tags"))
        if card is None:
            result.warnings.append(Warning_(row_line, "no question or no answer; row skipped"))
            continue
        if more:
            card = copied(card, explain="\n\n".join(p for p in (card.explain, more) if p))
        guid = meta_value("guid")
        # an Anki note's GUID and note type name: `export text` gives them back, so Anki
        # updates the note (a text export carries no note type definition for packages)
        origin: dict[str, object] | None = {
            "guid": guid, "notetype_name": notetype or
            ("Cloze" if card.kind.value == "cloze" else "Basic")} \
            if guid and not PMQUIZ_GUID.match(guid) else None
        made = cloze_cards(card, front, guid or None) if card.kind.value == "cloze" else []
        if len(made) > 1:  # a card per cloze number, as Anki makes them
            for ordinal, sibling in made:
                result.cards.append(sibling)
                # the note's own text, so `export text` gives Anki the note once
                result.origins.append({**origin, "cloze": front, "number": ordinal + 1}
                                      if origin else None)
            continue
        result.cards.append(card)
        result.origins.append(origin)
        # Anki's stock reversed note types make a second card, back to front
        if card.kind.value == "basic" and (stock == "reversed" or (
                stock == "optional_reversed" and len(fields) > 2 and fields[2].strip())):
            other = note_card(deck_slug, f"{guid}#1" if guid else None, back, front,
                              source=deck_name)
            if other is not None and more:
                other = copied(other, explain=more)
            if other is not None:
                result.cards.append(other)
                result.origins.append({**origin, "reverse": True} if origin else None)
    for type_name, (first, count) in unknown.items():
        result.warnings.append(Warning_(first, f'note type "{type_name}" ({count} notes) is '
                                        "none of Anki's stock types: each of its notes makes "
                                        "one card, its first field asking for its second, the "
                                        "others kept in the explanation; other cards its "
                                        "templates make in Anki (a reverse card) are not made"))
    if not any(result.origins):
        result.origins = []
    return result


def stock_kind(notetype: str) -> str:
    """Which of Anki's stock note types a text export's note type name is, in any language
    Anki speaks: "reversed" (a back-to-front card too), "optional_reversed" (that card when
    the third field, "Add Reverse", is not empty), "cloze", or "" (a text export names its
    note type, not its templates; `bench/stock_note_types.py` reads the names from Anki)."""
    name = notetype.strip().lower()
    return next((kind for kind, names in _stock_names().items() if name in names), "")


@lru_cache(maxsize=1)
def _stock_names() -> dict[str, frozenset[str]]:
    found = json.loads(Path(__file__).with_name("stock_note_types.json").read_text("utf-8"))
    return {kind: frozenset(names) for kind, names in found.items()}


def _sibling_as_read(card: Card, origin: dict[str, object]) -> bool:
    """Whether a card of one cloze number still asks what its note's text gave it."""
    from pmquiz.kinds.cloze import anki_cloze_to_gaps

    number = origin.get("number")
    return isinstance(number, int) and card.prompt == anki_cloze_to_gaps(
        only_number(str(origin["cloze"]), number))


def _quote(value: str) -> str:
    if any(ch in value for ch in ('\t', '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def front_and_back(card: Card) -> tuple[str, str]:
    """How a pmquiz card reads as a two-sided note (plain text), as its kind writes it."""
    note = kind_of(card).to_anki(card)
    return note.front, note.back


def anki_deck_name(deck: Deck) -> str:
    """`pmquiz::Phase 0::Module title` (Anki's `::` nests decks)."""
    title = deck.module.title.replace("::", ":")
    return f"pmquiz::Phase {deck.module.phase}::{title}"


def anki_deck_names(decks: list[Deck]) -> dict[str, str]:
    """Module slug -> Anki deck name; modules whose names would be the same get their slug
    after the title, so they stay two decks in Anki."""
    names = {deck.module.slug: anki_deck_name(deck) for deck in decks}
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {slug: f"{name} ({slug})" if counts[name] > 1 else name
            for slug, name in names.items()}


def note_tags(deck: Deck, card: Card) -> list[str]:
    """Tags for phase, module and kind (Anki tags cannot hold spaces)."""
    return ["pmquiz", f"phase-{deck.module.phase}", f"module-{deck.module.slug}",
            f"kind-{card.kind.value}"]


def note_guid(card: Card) -> str:
    """A stable GUID from the card's identity (`pmquiz:module/card-id`), so re-importing
    into Anki updates notes, and importing back into pmquiz restores the card id."""
    return f"pmquiz:{card.key}"


def write_text_export(decks: list[Deck], problems: list[str] | None = None) -> str:
    """Anki text with headers: guid, notetype, deck, front, back, tags. Cards imported from
    an Anki export keep that note's GUID and note type name, so Anki updates the note. What
    is wrong with an origins file is added to `problems`."""
    from pathlib import Path

    from pmquiz.interop.anki_notes import read_origins

    out = ["#separator:tab", "#html:false", "#guid column:1", "#notetype column:2",
           "#deck column:3", "#tags column:6"]
    names = anki_deck_names(decks)
    for deck in decks:
        origins = read_origins(Path(deck.path), problems).get("cards", {}) \
            if deck.path else {}
        # notes whose forward card is still in the deck (a reverse card then goes with it)
        forward = {str(o.get("guid")) for card in deck.cards
                   if isinstance(o := origins.get(card.id), dict) and not o.get("reverse")}
        cloze_notes: set[str] = set()  # notes of split cloze cards already written
        for card in deck.cards:
            front, back = front_and_back(card)
            notetype = "Cloze" if kind_of(card).to_anki(card).cloze else "Basic"
            origin = origins.get(card.id)
            if isinstance(origin, dict) and origin.get("reverse"):
                if str(origin.get("guid")) in forward:
                    continue  # Anki makes it again from its note's forward card
                front, back = back, front  # the note, from its one card left here
            if isinstance(origin, dict) and isinstance(origin.get("cloze"), str):
                # one card per cloze number: the note goes back once, as it was read,
                # unless this card was edited here (then it is a note of its own)
                if _sibling_as_read(card, origin):
                    if str(origin.get("guid")) in cloze_notes:
                        continue
                    cloze_notes.add(str(origin.get("guid")))
                    front = str(origin["cloze"])
                else:
                    origin = None
            guid = note_guid(card)
            if isinstance(origin, dict) and isinstance(origin.get("guid"), str):
                guid = origin["guid"]
                notetype = str(origin.get("notetype_name") or notetype)
            fields = [guid, notetype, names[deck.module.slug], front, back,
                      " ".join(note_tags(deck, card))]
            out.append("\t".join(_quote(f) for f in fields))
    return "\n".join(out) + "\n"
