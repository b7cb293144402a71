"""Cards built from imported notes: stable ids and cloze conversion."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from pmquiz.compile.document import Warning_
from pmquiz.grading import normalize
from pmquiz.model import Card, Kind


@dataclass
class ReadNotes:
    """Cards read from a file to import, with what was skipped and why."""

    cards: list[Card] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)  # deck names the file mentions
    guided: bool = False  # ids come from Anki GUIDs, so match old cards by id only
    collection: str = ""  # for packages: which collection file was read


ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


def stable_id(prefix: str, key: str) -> str:
    """A deck-safe id from an Anki GUID or a question's words (same input, same id)."""
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


PMQUIZ_GUID = re.compile(r"^pmquiz:[a-z0-9][a-z0-9-]*/([A-Za-z0-9][A-Za-z0-9_./-]*)$")


def id_for(guid: str | None, question: str) -> str:
    """From the GUID when there is one, so a newer export updates the same cards; a GUID
    pmquiz wrote (`pmquiz:module/card-id`) gives back the original card id."""
    if guid:
        own = PMQUIZ_GUID.match(guid)
        return own.group(1) if own else stable_id("note", guid)
    return stable_id("q", normalize(question) or question)


def has_anki_cloze(text: str) -> bool:
    """`{{c1::...}}` present."""
    return ANKI_CLOZE.search(text) is not None


def anki_cloze_to_gaps(text: str) -> str:
    """`{{c1::answer::hint}}` -> `{{answer::hint}}` (pmquiz asks every gap of a note at
    once)."""
    def gap(match: re.Match[str]) -> str:
        answer = match.group(2).replace("|", "/").strip()
        hint = f"::{match.group(3).strip()}" if match.group(3) else ""
        return "{{" + answer + hint + "}}"

    return ANKI_CLOZE.sub(gap, text)


def gaps_to_anki_cloze(text: str) -> str:
    """pmquiz `{{a|b}}` gaps -> Anki `{{c1::a}}`, `{{c2::…}}` numbered in order."""
    counter = iter(range(1, 1000))
    def numbered(match: re.Match[str]) -> str:
        answer, _, hint = match.group(1).partition("::")
        suffix = f"::{hint.strip()}" if hint else ""
        return f"{{{{c{next(counter)}::{answer.split('|')[0].strip()}{suffix}}}}}"

    return re.sub(r"\{\{(.+?)\}\}", numbered, text)


EXPLAIN_RULE = "\n---\n"


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
    kind = next((t.removeprefix("kind-") for t in tags.split() if t.startswith("kind-")), "")
    if guid and PMQUIZ_GUID.match(guid):
        restored = _restore(deck, card_id, kind, front, back, explain, source)
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


def _restore(deck: str, card_id: str, kind: str, front: str, back: str, explain: str,
             source: str) -> Card | None:
    lines = front.split("\n")
    if kind == "choice":
        options = [line[2:].strip() for line in lines[1:] if line.startswith("- ")]
        return Card(deck=deck, id=card_id, kind=Kind.CHOICE, prompt=lines[0], answer=back,
                    options=tuple(o for o in options if o != back), explain=explain,
                    source=source)
    if kind == "classify" and len(lines) > 1 and lines[-1].startswith("("):
        categories = tuple(c.strip() for c in lines[-1].strip("()?").split(" or "))
        if back in categories:
            return Card(deck=deck, id=card_id, kind=Kind.CLASSIFY,
                        prompt="\n".join(lines[:-1]), answer=back, categories=categories,
                        explain=explain, source=source)
    if kind == "list":
        items = tuple(line[2:].strip() for line in back.split("\n") if line.startswith("- "))
        if items:
            return Card(deck=deck, id=card_id, kind=Kind.LIST, prompt=front, items=items,
                        explain=explain, source=source)
    return None
