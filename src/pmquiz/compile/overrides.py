"""An author's hand edits to a compiled module, kept beside its source in
`<stem>.compile.toml` so every recompile makes the same deck:

    terms = ["Research repository"]            # list-item terms to cut by hand
    reword = [["of a product.", "."]]          # corrections to the page's text, applied first
    drop = ["introduction/x-key-phrase"]       # compiled cards not to make (by compiled id)
    retire = ["old/id"]                        # ids whose question changed: never reused
    [cards."product-led-thinking/drive-virality"]  # fields set on one compiled card
    explain = "Each new user brings the next …"

A course page is copied as it is; what the author corrects or adds lives here, so the page
can be copied again and the corrections still apply. Every entry must still match: a
reword whose text is not on the page, or an id no compiled card has, is an error naming it,
never ignored.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pmquiz.errors import CompileError
from pmquiz.model import Card

EDITABLE = {"prompt": str, "answer": str, "explain": str, "also": list, "items": list,
            "options": list, "ordered": bool, "pick": int, "any_order": bool}


@dataclass
class Overrides:
    """What `<stem>.compile.toml` asks for."""

    path: Path | None = None
    terms: tuple[str, ...] = ()
    reword: list[tuple[str, str]] = field(default_factory=list)
    drop: tuple[str, ...] = ()
    retire: tuple[str, ...] = ()
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)

    def apply_reword(self, text: str, source: Path) -> str:
        """The page's text with the author's corrections."""
        for old, new in self.reword:
            if old not in text:
                raise CompileError(f'{self.path}: reword: "{old}" is not in {source.name}; '
                                   "fix the entry or remove it")
            text = text.replace(old, new)
        return text

    def apply_drop(self, cards: list[Card]) -> list[Card]:
        """The compiled cards without the dropped ones (named by the id the compiler gives
        them, which recompiling the same page gives again)."""
        missing = [i for i in self.drop if i not in {c.id for c in cards}]
        if missing:
            raise CompileError(f"{self.path}: drop: no card compiled from the page has the id "
                               f"{', '.join(repr(i) for i in missing)} (`pmquiz compile "
                               "--json` lists them); fix the entry or remove it")
        return [c for c in cards if c.id not in self.drop]

    def apply_cards(self, cards: list[Card]) -> list[Card]:
        """Compiled cards with their hand edits (named, like drop, by the compiler's ids;
        the edited card then keeps the deck's id as any recompiled card does)."""
        missing = [i for i in self.cards if i not in {c.id for c in cards}]
        if missing:
            raise CompileError(f"{self.path}: [cards]: no card compiled from the page has "
                               f"the id {', '.join(repr(i) for i in missing)} (`pmquiz "
                               "compile --json` lists them); fix the entry or remove it")
        out = []
        for card in cards:
            edits: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                     for k, v in self.cards.get(card.id, {}).items()}
            out.append(replace(card, **edits) if edits else card)
        return out


def overrides_path(path: Path) -> Path:
    """Where an author's hand edits for a source live: `<stem>.compile.toml` beside it."""
    name = path.name
    for suffix in (".md", ".txt", ".html", ".htm", ".page"):
        name = name.removesuffix(suffix)
    return path.with_name(f"{name}.compile.toml")


def read_overrides(path: Path) -> Overrides:
    """The hand edits for the source at `path` (none when there is no file)."""
    from pmquiz.config import loads_toml

    where = overrides_path(path)
    if not where.is_file():
        return Overrides()
    try:
        data = loads_toml(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CompileError(f"{where}: cannot read it ({exc}); it holds terms, reword, drop "
                           "and [cards.\"id\"] tables") from None
    unknown = set(data) - {"terms", "reword", "drop", "retire", "cards"}
    if unknown:
        raise CompileError(f"{where}: unknown key {sorted(unknown)[0]!r}; use terms, reword, "
                           "drop, retire or [cards.\"id\"]")
    terms = data.get("terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise CompileError(f'{where}: `terms` must be a list of strings, e.g. terms = '
                           '["Research repository"]')
    reword = data.get("reword", [])
    if not isinstance(reword, list) or not all(
            isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r) and r[0]
            for r in reword):
        raise CompileError(f'{where}: `reword` must be a list of ["old text", "new text"] '
                           "pairs")
    drop, retire = data.get("drop", []), data.get("retire", [])
    for key, ids in (("drop", drop), ("retire", retire)):
        if not isinstance(ids, list) or not all(isinstance(d, str) for d in ids):
            raise CompileError(f"{where}: `{key}` must be a list of card ids")
    cards = data.get("cards", {})
    if not isinstance(cards, dict):
        raise CompileError(f'{where}: `cards` must be tables, e.g. [cards."my/id"]')
    for card_id, edits in cards.items():
        for key, value in (edits.items() if isinstance(edits, dict) else [("", None)]):
            kind = EDITABLE.get(key)
            if kind is None or not isinstance(value, kind) or \
                    (kind is int and isinstance(value, bool)):
                raise CompileError(f'{where}: [cards."{card_id}"] {key or "(not a table)"}: '
                                   f"a card's {', '.join(EDITABLE)} can be set here, each "
                                   "with its deck type")
    # the longest first, so "Interview snapshot" never cuts "Interview snapshots"
    return Overrides(where, tuple(sorted((t.strip() for t in terms), key=len, reverse=True)),
                     [(a, b) for a, b in reword], tuple(drop), tuple(retire), cards)
