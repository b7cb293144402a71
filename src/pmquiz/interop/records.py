"""Cards built from imported notes: stable ids and cloze conversion."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.grading import normalize
from pmquiz.kinds import kind_of
from pmquiz.kinds.base import EXPLAIN_RULE
from pmquiz.kinds.cloze import ANKI_CLOZE, anki_cloze_to_gaps, has_anki_cloze
from pmquiz.model import Card, Kind


@dataclass
class ReadNotes:
    """Cards read from a file to import, with what was skipped and why."""

    cards: list[Card] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)  # deck names the file mentions
    guided: bool = False  # ids come from Anki GUIDs, so match old cards by id only
    collection: str = ""  # for packages: which collection file was read
    # for packages, one entry per card (None for notes pmquiz wrote): the Anki note it came
    # from, so an export can give Anki back the same note (see `interop.anki_notes`)
    origins: list[dict[str, object] | None] = field(default_factory=list)
    notetypes: dict[str, dict[str, object]] = field(default_factory=dict)
    format_name: str = ""  # the format the file was read as, when a reader decides it
    # for packages, one entry per card: the pmquiz module its GUID names ("" for others)
    modules: list[str] = field(default_factory=list)
    suspended: set[str] = field(default_factory=set)  # ids of cards suspended in Anki
    # for Markdown notes: the images and sounds the cards name (`[image: NAME]`), by name,
    # with the file each was found at (an Obsidian vault's attachment)
    media_files: dict[str, Path] = field(default_factory=dict)


def stable_id(prefix: str, key: str) -> str:
    """A deck-safe id from an Anki GUID or a question's words (same input, same id)."""
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


PMQUIZ_GUID = re.compile(r"^pmquiz:([a-z0-9][a-z0-9-]*)/([A-Za-z0-9][A-Za-z0-9_./-]*)$")


def id_for(guid: str | None, question: str) -> str:
    """From the GUID when there is one, so a newer export updates the same cards; a GUID
    pmquiz wrote (`pmquiz:module/card-id`) gives back the original card id."""
    if guid:
        own = PMQUIZ_GUID.match(guid)
        return own.group(2) if own else stable_id("note", guid)
    return stable_id("q", normalize(question) or question)


# the kinds a note pmquiz exported reads back from the Basic note it was written as
RESTORED_KINDS = frozenset(k.value for k in Kind) - {Kind.BASIC.value, Kind.CLOZE.value}


def note_card(deck: str, guid: str | None, front: str, back: str, source: str,
              cloze: bool = False, tags: str = "") -> Card | None:
    """A pmquiz card from a note's front and back (None when the front is empty). Notes that
    pmquiz exported (its GUID and `kind-…` tag) come back as the kind they were."""
    front, back = front.strip(), back.strip()
    if not front:
        return None
    card_id = id_for(guid, front)
    explain = ""
    if EXPLAIN_RULE in back:
        back, explain = (part.strip() for part in back.split(EXPLAIN_RULE, 1))
    kind = next((t.removeprefix("kind-") for t in tags.split() if t.startswith("kind-")),
                "") if "kind-" in tags else ""
    if kind in RESTORED_KINDS and guid and PMQUIZ_GUID.match(guid):
        # A note pmquiz exported: its kind reads it back from the Basic note it wrote.
        restored = kind_of(Kind(kind)).from_anki(Card(
            deck=deck, id=card_id, kind=Kind.BASIC, prompt=front, answer=back,
            explain=explain, source=source))
        if restored is not None:
            return restored
    if cloze or has_anki_cloze(front):
        text = anki_cloze_to_gaps(front)
        if "{{" not in text or not text.replace("{{", "").replace("}}", "").strip():
            return None
        return Card(deck=deck, id=card_id, kind=Kind.CLOZE, prompt=text,
                    explain=explain or back, source=source)
    if not back:
        return None
    return Card(deck=deck, id=card_id, kind=Kind.BASIC, prompt=front, answer=back,
                explain=explain, source=source)


def cloze_cards(card: Card, front: str, guid: str | None,
                present: set[int] | None = None) -> list[tuple[int, Card]]:
    """The cards Anki makes of a cloze note, from the one card (`note_card`) that asks all
    its gaps, each with its card number (`ord`): one per gap number, asking that number's
    gaps with the other gaps' words shown, as Anki does; a number whose card the package
    does not hold (`present`: deleted in Anki) is left out. The cards of one note are
    siblings (one group). A note with one number, or one pmquiz wrote (its one card asked
    every gap), stays that card (-1)."""
    numbers = sorted({int(m.group(1)) for m in ANKI_CLOZE.finditer(front)})
    if len(numbers) < 2 or (guid and PMQUIZ_GUID.match(guid)):
        return [(-1, card)]
    made = []
    for number in numbers:
        if present is not None and number - 1 not in present:
            continue  # that card was deleted in Anki
        prompt = anki_cloze_to_gaps(only_number(front, number))
        card_id = card.id if number == numbers[0] else f"{card.id}-c{number}"
        made.append((number - 1, replace(card, id=card_id, prompt=prompt, groups=(card.id,))))
    return made


def only_number(text: str, number: int) -> str:
    """An Anki cloze text as its card `number` shows it: that number's gaps kept, the
    others' words shown."""
    return ANKI_CLOZE.sub(lambda m: m.group(0) if int(m.group(1)) == number else m.group(2),
                          text)


# A cloze text as read from a plain-text format: ("text", words) and ("gap", words) parts.
Parts = list[tuple[str, str]]


def gap_prompts(parts: Parts, each: bool = True, shown: bool = False) -> list[str]:
    """The pmquiz cloze prompts of one text with gaps: one prompt per gap with the other
    gaps' words shown (`each`, as hashcards, Obsidian SR and org-drill's hide1cloze ask), or
    one prompt with every gap (`each=False`). `shown` inverts a per-gap prompt: that gap's
    words are shown and every other gap is asked (org-drill's show1cloze)."""
    gaps = [i for i, (kind, _) in enumerate(parts) if kind == "gap"]

    def render(asked: set[int]) -> str:
        return "".join("{{" + " ".join(words.split()) + "}}" if i in asked else words
                       for i, (_, words) in enumerate(parts)).strip()

    if not gaps:
        return []
    if not each or len(gaps) == 1:
        return [render(set(gaps))]
    return [render(set(gaps) - {g} if shown else {g}) for g in gaps]


def cloze_ids(key: str, count: int) -> list[str]:
    """Stable ids for the cards one cloze text makes: the text's id, then `-2`, `-3`…"""
    first = id_for(None, key)
    return [first] + [f"{first}-{n}" for n in range(2, count + 1)]


def choice_card(deck: str, prompt: str, options: list[tuple[bool, str]], explain: str,
                line: int) -> Card | None:
    """A quiz question with marked options: a choice card when one option is right, a list
    card naming every right option (the options shown in the prompt) when several are, as
    quiz tools grade "select all that apply"; None when none is marked right."""
    right = [text for correct, text in options if correct]
    if not right:
        return None
    if len(right) == 1:
        return Card(deck=deck, id=id_for(None, prompt), kind=Kind.CHOICE, prompt=prompt,
                    answer=right[0], options=tuple(t for c, t in options if not c),
                    explain=explain, line=line)
    shown = prompt + "\n\nChoose every right one of:\n" + "\n".join(
        f"- {text}" for _, text in options)
    return Card(deck=deck, id=id_for(None, prompt), kind=Kind.LIST, prompt=shown,
                items=tuple(right), explain=explain, line=line)
