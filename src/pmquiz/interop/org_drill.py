"""org-drill files (Emacs Org mode): every heading tagged `:drill:` is an item. Its body is
the question, its subheadings the answer ("Answer") and notes; `[deletions]` in the body
(with `|hint` or `||hint`) make clozes; `DRILL_CARD_TYPE` in the properties drawer picks
the presentation:

- simple (no type) and `hide2cloze`, `show2cloze`, `multicloze`: one card;
- `hide1cloze`, `hide1_firstmore`, `hide1_lastmore`: one card per deletion, the others
  shown (the questions the item asks in turn); `show1cloze`, `show1_firstless`,
  `show1_lastmore`: one card per deletion shown, the others asked;
- `twosided`, `multisided`, `spanish_verb`: the first side asks, the second answers, the
  rest explain;
- `conjugate`: the heading and the parent's `VERB_INFINITIVE` ask, the body answers.

As org-drill does, an item with an empty body and no sides is left out (with a warning).
Drawers, `#` comment lines and `#+` keywords are not card text; `[[links][text]]` show as
their text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import Parts, ReadNotes, cloze_ids, gap_prompts, id_for
from pmquiz.model import Card, Kind

HEADING = re.compile(r"^(\*+)\s+(.*?)(?:\s+(:[\w@#%:]+:))?\s*$")
DRAWER = re.compile(r"^\s*:([A-Za-z_-]+):\s*$")
PROPERTY = re.compile(r"^\s*:([A-Za-z_-]+):\s*(.*?)\s*$")
LINK = re.compile(r"\[\[([^\]]+)\](?:\[([^\]]+)\])?\]")
DELETION = re.compile(r"\[([^\[\]]+)\]")
EACH_HIDDEN = {"hide1cloze", "hide1_firstmore", "hide1_lastmore"}
EACH_SHOWN = {"show1cloze", "show1_firstless", "show1_lastmore"}
SIDED = {"twosided", "multisided", "spanish_verb"}


def looks_like(text: str) -> bool:
    return bool(re.search(r"^\*+ .*:drill:", text, re.M))


@dataclass
class Entry:
    level: int
    title: str
    tags: set[str]
    line: int
    properties: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    children: list[Entry] = field(default_factory=list)
    parent: Entry | None = None

    def text(self) -> str:
        return "\n".join(self.body).strip()

    def inherited(self, key: str) -> str:
        node: Entry | None = self
        while node is not None:
            if key in node.properties:
                return node.properties[key].strip('"')
            node = node.parent
        return ""


def _tree(lines: list[str]) -> list[Entry]:
    """Every heading as an Entry, with body lines, properties and children."""
    roots: list[Entry] = []
    stack: list[Entry] = []
    current: Entry | None = None
    drawer = ""
    for number, line in enumerate(lines, 1):
        heading = HEADING.match(line)
        if heading:
            tags = set(filter(None, (heading.group(3) or "").split(":")))
            entry = Entry(len(heading.group(1)), heading.group(2).strip(), tags, number)
            while stack and stack[-1].level >= entry.level:
                stack.pop()
            entry.parent = stack[-1] if stack else None
            (stack[-1].children if stack else roots).append(entry)
            stack.append(entry)
            current, drawer = entry, ""
            continue
        if current is None:
            continue
        if drawer:
            if line.strip().upper() == ":END:":
                drawer = ""
            elif drawer == "PROPERTIES":
                found = PROPERTY.match(line)
                if found:
                    current.properties[found.group(1).upper()] = found.group(2)
            continue
        opened = DRAWER.match(line)
        if opened and opened.group(1).upper() != "END":
            drawer = opened.group(1).upper()
            continue
        if line.lstrip().startswith("#") and (line.lstrip()[1:2] in (" ", "+", "")):
            continue  # a comment or a keyword line
        current.body.append(LINK.sub(lambda m: m.group(2) or m.group(1), line))
    return roots


def _walk(entries: list[Entry]) -> list[Entry]:
    found: list[Entry] = []
    for entry in entries:
        found.append(entry)
        found.extend(_walk(entry.children))
    return found


def _parts(text: str) -> Parts:
    parts: Parts = []
    last = 0
    for match in DELETION.finditer(text):
        parts.append(("text", text[last:match.start()]))
        parts.append(("gap", match.group(1).split("|", 1)[0].strip()))
        last = match.end()
    parts.append(("text", text[last:]))
    return parts


def read_org_drill(_path: Path, deck_slug: str, text: str) -> ReadNotes:
    result = ReadNotes(format_name="org-drill")
    title = re.search(r"^#\+TITLE:\s*(.+)$", text, re.M | re.I)
    if title:
        result.decks.append(title.group(1).strip())
    notes: list[Entry] = []
    for entry in _walk(_tree(text.splitlines())):
        if "drill" not in entry.tags:
            if entry.text() and not _inside_item(entry):
                notes.append(entry)
            continue
        made = _cards(deck_slug, entry)
        if isinstance(made, str):
            result.warnings.append(Warning_(entry.line, f'"{entry.title}": {made}'))
        else:
            result.cards.extend(made)
    if notes:
        result.warnings.append(Warning_(notes[0].line, f"{len(notes)} headings without :drill: "
                                                       "hold notes, not items; not imported"))
    return result


def _inside_item(entry: Entry) -> bool:
    """A subheading of a drill item (its answer or a side): part of that item."""
    node = entry.parent
    while node is not None:
        if "drill" in node.tags:
            return True
        node = node.parent
    return False


def _section(entry: Entry) -> str:
    return f"{entry.title}: {entry.text()}" if "\n" not in entry.text() else \
        f"{entry.title}:\n{entry.text()}"


def _cards(deck: str, entry: Entry) -> list[Card] | str:
    kind = entry.properties.get("DRILL_CARD_TYPE", "").strip().lower()
    body = entry.text()
    sides = [child for child in entry.children if "drill" not in child.tags]
    if not body and not any(side.text() for side in sides):
        return "an empty item (org-drill skips it until it has a body); left out"
    line = entry.line
    if kind in SIDED:
        if len(sides) < 2:
            return f"a {kind} item needs two sides (subheadings); left out"
        prompt = "\n\n".join(filter(None, [body, _section(sides[0])]))
        return [Card(deck=deck, id=id_for(None, prompt), kind=Kind.BASIC, prompt=prompt,
                     answer=sides[1].text(), line=line,
                     explain="\n\n".join(_section(s) for s in sides[2:] if s.text()))]
    if kind == "conjugate":
        verb = entry.inherited("VERB_INFINITIVE")
        meaning = entry.inherited("VERB_TRANSLATION")
        prompt = f"{entry.title}: {verb}" + (f" ({meaning})" if meaning else "")
        return [Card(deck=deck, id=id_for(None, prompt), kind=Kind.BASIC, prompt=prompt,
                     answer=body, line=line)]
    parts = _parts(body)
    notes = "\n\n".join(_section(s) for s in sides if s.text())
    if any(kind == "gap" for kind, _ in parts):
        prompts = gap_prompts(parts, each=kind in EACH_HIDDEN | EACH_SHOWN,
                              shown=kind in EACH_SHOWN)
        return [Card(deck=deck, id=card_id, kind=Kind.CLOZE, prompt=prompt, line=line,
                     explain=notes)
                for card_id, prompt in zip(cloze_ids(body, len(prompts)), prompts, strict=True)]
    answer_side = next((s for s in sides if s.title.lower() in ("answer", "the answer")),
                       sides[0] if sides else None)
    if answer_side is None:
        return [Card(deck=deck, id=id_for(None, entry.title), kind=Kind.BASIC,
                     prompt=entry.title, answer=body, line=line)]
    prompt = body or entry.title
    return [Card(deck=deck, id=id_for(None, prompt), kind=Kind.BASIC, prompt=prompt,
                 answer=answer_side.text(), line=line,
                 explain="\n\n".join(_section(s) for s in sides
                                     if s is not answer_side and s.text()))]
