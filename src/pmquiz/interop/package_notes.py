"""A package's notes as pmquiz cards: each note through its note type's templates (the
cards Anki makes of it, deleted ones left out, suspended ones named), with what is skipped
and why. `apkg.read_package` reads the package; a long one's later half is read here by a
forked copy meanwhile."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmquiz.compile.document import Warning_
from pmquiz.errors import ImportFormatError
from pmquiz.interop.anki_notes import note_origins
from pmquiz.interop.html import to_markdown, without_hidden
from pmquiz.interop.records import PMQUIZ_GUID, ReadNotes, cloze_cards, note_card
from pmquiz.interop.template_sides import SideCache
from pmquiz.interop.templates import NoteType, placed_back, render, typed_field
from pmquiz.kinds.cloze import ANKI_CLOZE, has_anki_cloze
from pmquiz.model import Card, copied

SPLIT_NOTES = 200  # notes from which the later half is read by a forked copy


@dataclass
class Package:
    """What reading a note needs of its package."""

    path: Path
    collection: str
    deck_slug: str
    models: dict[int, NoteType]
    decks: dict[int, str]
    note_deck: dict[int, int]
    present: dict[int, set[int]]
    suspended: dict[int, set[int]]
    notes: int


def read_notes(package: Package, notes: list[tuple[Any, ...]], result: ReadNotes,
                progress: Callable[[int, int], None] | None = None) -> ReadNotes:
    """Add these notes' cards (and what is skipped, and why) to `result`."""
    unknown = NoteType("", False, [])
    sides = SideCache()
    present, suspended = package.present, package.suspended
    for done, (nid, guid, mid, flds, tags, mod) in enumerate(notes, 1):
        note_type = package.models.get(mid, unknown)
        if not isinstance(flds, str) or not isinstance(tags, str | None) or \
                not isinstance(guid, str | None):
            result.warnings.append(Warning_(0, f"note {nid}: its fields are not text; skipped"))
            continue
        labels = tags or ""
        fields = flds.split("\x1f")
        deck_name = package.decks.get(package.note_deck.get(nid, 0), "")
        if deck_name and deck_name not in result.decks:
            result.decks.append(deck_name)
        # a package that lists its cards holds none of a note it lists none for
        holds = present.get(nid, set()) if present else None
        made = note_cards(package.deck_slug, guid, note_type, fields, deck_name, labels, holds,
                          sides)
        cards = [card for _, card in made]
        held = suspended.get(nid)
        if held:
            result.suspended.update(card.id for ordinal, card in made
                                    if ordinal in held or (ordinal < 0 and
                                                           held == present.get(nid)))
        own = PMQUIZ_GUID.match(guid or "")
        if not cards:
            why = _why_no_card(note_type, fields, holds)
            result.warnings.append(Warning_(0, f"note {nid} ({note_type.name or 'unknown type'}"
                                            f") {why}; skipped"))
        elif package.collection == "collection.anki2" and package.notes == 1 and \
                "newer version of Anki" in f"{cards[0].prompt} {cards[0].answer}":
            raise ImportFormatError(f"{package.path}: this package needs a newer Anki to read; "
                                    "it has no collection.anki21 or anki21b pmquiz can use")
        else:
            result.cards.extend(cards)
            result.modules.extend([own.group(1) if own else ""] * len(cards))
            result.origins.extend(note_origins(guid, mid, mod, note_type, fields, cards,
                                               result.notetypes))
            empty = _empty_cards(made, holds, note_type, fields) if holds else ""
            if empty:
                kind = note_type.name or "unknown type"
                result.warnings.append(Warning_(0, f"note {nid} ({kind}): {empty}; not "
                                                "imported"))
        if progress and (done % 200 == 0 or done == package.notes):
            progress(done, package.notes)
    return result


def joined(result: ReadNotes, later: ReadNotes) -> None:
    """`result` followed by the notes read into `later`, as if read in one pass."""
    result.cards.extend(later.cards)
    result.warnings.extend(later.warnings)
    result.decks.extend(name for name in later.decks if name not in result.decks)
    result.origins.extend(later.origins)
    for key, value in later.notetypes.items():
        result.notetypes.setdefault(key, value)
    result.modules.extend(later.modules)
    result.suspended.update(later.suspended)


def note_cards(deck_slug: str, guid: str | None, note_type: NoteType, fields: list[str],
               deck_name: str, tags: str,
               present: set[int] | None = None,
               sides: SideCache | None = None) -> list[tuple[int, Card]]:
    """The cards Anki makes of one note, each with its card number: a cloze card per gap
    number (`records.cloze_cards`; -1 for a note's one card that asks every gap), or one
    card per template whose front is not empty (a reverse template gives a second card,
    with an id of its own); without templates, the first two fields. `present`: the card
    numbers the package holds a card for (None: not known, every one counts); `sides`: the
    package's converted templates, for notes whose fields they can take."""
    cloze_at = note_type.cloze_field()
    if note_type.cloze or cloze_at is not None or any(has_anki_cloze(f) for f in fields[:1]):
        index = cloze_at if cloze_at is not None and cloze_at < len(fields) else \
            next((i for i, f in enumerate(fields) if has_anki_cloze(f)), 0)
        extras = [i for i in note_type.back_fields() if i < len(fields)] or \
            list(range(index + 1, len(fields)))
        extra = next((shown for i in extras
                      if (shown := to_markdown(fields[i])) and not shown.isdigit()), "")
        if index >= len(fields) or not has_anki_cloze(fields[index]):
            return []  # no gap Anki reads: its one card shows an empty front in Anki too
        text = to_markdown(fields[index])
        card = note_card(deck_slug, guid, text, extra, deck_name, cloze=True, tags=tags)
        return cloze_cards(card, text, guid, present) if card else []
    if not note_type.templates:
        front = to_markdown(fields[0]) if fields else ""
        back = to_markdown(fields[1]) if len(fields) > 1 else ""
        card = note_card(deck_slug, guid, front, back, deck_name, tags=tags)
        return [(0, card)] if card else []
    values = dict(zip(note_type.fields, fields, strict=False))
    unshown = "\n".join(f"{name}: {shown}" for name in note_type.unshown_fields()
                        if (shown := to_markdown(values.get(name, ""))).strip())
    made: list[tuple[int, Card]] = []
    for template in note_type.templates:
        if present is not None and template.ord not in present:
            continue  # deleted in Anki: not brought back
        converted = sides.sides(note_type, fields, template) if sides else None
        if converted is not None:
            prompt, answer = converted
        else:
            front = without_hidden(render(template.front, values, "front"), note_type.hidden)
            prompt = to_markdown(front)
            answer = ""
            if prompt.strip():
                answer = to_markdown(placed_back(template.back, values, front,
                                                 note_type.hidden)[2])
        if not prompt.strip():
            continue  # Anki makes no card whose front is empty
        added = ""
        if "{{type:" in template.front:  # Anki's answer box: its field is what is typed
            typed = to_markdown(typed_field(template.front, values)).strip()
            if typed:
                added = answer.strip()
                if added.startswith(typed):  # "to cut corners: to economize" explains
                    added = added[len(typed):].lstrip(" :;,-–—\n")
                if added.endswith(typed):  # the box's comparison, shown on the back
                    added = added[:-len(typed)].rstrip()
                answer = typed  # what the back shows besides goes to the explanation
        # the first template keeps the note's own id (as before templates were read)
        key = guid if template.ord == 0 or guid is None else f"{guid}#{template.ord}"
        card = note_card(deck_slug, key, prompt, answer, deck_name,
                         tags=tags if template.ord == 0 else "")
        if card is not None and (unshown or added):
            card = copied(card, explain="\n\n".join(part for part in (added, card.explain,
                                                                     unshown) if part))
        if card is not None:
            made.append((template.ord, card))
    return made


def _empty_cards(made: list[tuple[int, Card]], holds: set[int], note_type: NoteType,
                 fields: list[str]) -> str:
    """What is wrong with the cards the package holds and the note does not make (Anki's
    empty cards: a gap number its text no longer has, a front that shows nothing, which
    Anki keeps until its Tools > Empty Cards deletes them), or "" when there are none."""
    ords = {ordinal for ordinal, _ in made if ordinal >= 0}
    cloze = any(ordinal < 0 for ordinal, _ in made) or note_type.cloze or \
        note_type.cloze_field() is not None
    if cloze:  # a card per gap number: the numbers the text has now
        ords |= {int(m.group(1)) - 1 for f in fields for m in ANKI_CLOZE.finditer(f)}
    left = sorted(holds - ords)
    if not left:
        return ""
    if not cloze:  # a front with a question but no answer is no empty card: said so
        values = dict(zip(note_type.fields, fields, strict=False))
        fronts = {t.ord: t.front for t in note_type.templates}
        asks = [n for n in left if n in fronts and to_markdown(without_hidden(
            render(fronts[n], values, "front"), note_type.hidden)).strip()]
        if asks:
            return (f"its {_numbered(asks)} asks a question with no answer to grade it "
                    "by" + (f"; its {_numbered([n for n in left if n not in asks])} shows "
                            "nothing" if len(asks) < len(left) else ""))
    why = f"its text has no {', '.join(f'c{n + 1}' for n in left)} gap" if cloze else \
        "its front shows nothing"
    return (f"its {_numbered(left)} {'is' if len(left) == 1 else 'are'} empty ({why}; Anki "
            "keeps such a card until its Tools > Empty Cards deletes it)")


def _numbered(ordinals: list[int]) -> str:
    """"card 2", "cards 2 and 6": Anki's card numbers (ordinals from 0)."""
    numbers = [str(ordinal + 1) for ordinal in ordinals]
    if len(numbers) == 1:
        return f"card {numbers[0]}"
    return f"cards {', '.join(numbers[:-1])} and {numbers[-1]}"


NEAR_GAP = re.compile(r"\{\{c\d+[^\d:{}][^:{}]{0,10}::")  # "{{c1L::": a typo Anki reads as text


def _why_no_card(note_type: NoteType, fields: list[str], present: set[int] | None) -> str:
    """Why a note made no card, as the learner would fix it in Anki: a cloze text without
    a gap, a front with nothing to ask, or a back with no answer to check (Anki shows that
    card and lets the learner rate it; pmquiz has no answer to grade it by); or the
    package holds none of its cards (`present`: the card numbers it holds)."""
    if note_type.cloze or note_type.cloze_field() is not None:
        if any(has_anki_cloze(f) for f in fields):
            return "has its cards deleted in Anki"
        near = next((m.group(0) for f in fields if (m := NEAR_GAP.search(f))), None)
        return f"has no cloze gap ({near}…}}}} is none: Anki reads {{{{c1::…}}}}, and shows " \
            "this note's card empty)" if near else "has no cloze gap"
    if note_type.templates:
        values = dict(zip(note_type.fields, fields, strict=False))
        if present is not None and not any(t.ord in present for t in note_type.templates):
            return "has its cards deleted in Anki"
        fronts = [to_markdown(without_hidden(render(t.front, values, "front"), note_type.hidden))
                  for t in note_type.templates if present is None or t.ord in present]
        asks = any(front.strip() for front in fronts)
    else:
        asks = bool(fields and to_markdown(fields[0]).strip())
    return "has a question but no answer to grade it by" if asks else "has no question"
