"""A deck as the TOML text of its file (and as the data a TOML reader gets from that text):
deterministic, so the same deck always gives the same bytes."""

from __future__ import annotations

import re
from typing import Any

from pmquiz.model import Card, Deck

TOML_SPECIAL = re.compile(r'["\\\x00-\x1f\x7f]')
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes, new lines, tabs and other control
    characters escaped. Most values need nothing; the rest are escaped by `str.replace`,
    not a Python call per character (6,542 imported cards' text: 100 to 72 ms)."""
    if not TOML_SPECIAL.search(value):
        return f'"{value}"'
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t")
    if CONTROL.search(value):
        value = CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)
    return f'"{value}"'


def _toml_value(value: Any) -> str:
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = [_toml_value(v) for v in value]
        if sum(len(i) for i in inner) < 70:
            return "[" + ", ".join(inner) + "]"
        return "[\n" + "".join(f"    {i},\n" for i in inner) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _key(name: str) -> str:
    return name if re.match(r"^[A-Za-z0-9_-]+$", name) else _toml_string(name)


def render_deck(deck: Deck, header: str = "") -> str:
    """The deck as TOML text: deterministic, so the same deck always gives the same bytes."""
    return deck_data(deck, header)[1]


def deck_data(deck: Deck, header: str = "") -> tuple[dict[str, Any], str]:
    """The deck as the data a TOML reader gets from its file, and as that file's text."""
    module = deck.module
    parts: list[str] = []
    data: dict[str, Any] = {}
    if header:
        parts.extend(f"# {line}".rstrip() for line in header.splitlines())
        parts.append("")
    parts.append("[module]")
    fields: list[tuple[str, Any]] = [("slug", module.slug), ("title", module.title),
                                     ("phase", module.phase)]
    if module.phase_title:
        fields.append(("phase_title", module.phase_title))
    fields.append(("order", module.order))
    if module.source:
        fields.append(("source", module.source))
    if module.resources:
        fields.append(("resources", list(module.resources)))
    if module.next_module:
        fields.append(("next_module", module.next_module))
    parts.extend(f"{k} = {_toml_value(v)}" for k, v in fields)
    data["module"] = dict(fields)
    set_names = {cats: name for name, cats in deck.category_sets.items()}
    if deck.category_sets:
        parts.append("")
        parts.append("[sets]")
        parts.extend(f"{_key(name)} = {_toml_value(list(cats))}"
                     for name, cats in deck.category_sets.items())
        data["sets"] = {name: list(cats) for name, cats in deck.category_sets.items()}
    data["cards"] = []
    for card in deck.cards:
        pairs = _card_pairs(card, set_names)
        parts.append("")
        parts.append("[[cards]]")
        parts.extend(f"{key} = {_toml_value(value)}" for key, value in pairs)
        data["cards"].append(dict(pairs))
    return data, "\n".join(parts) + "\n"


def _card_pairs(card: Card, set_names: dict[tuple[str, ...], str]) -> list[tuple[str, Any]]:
    """A card's keys and values, in the order a deck file gives them."""
    pairs: list[tuple[str, Any]] = [("id", card.id), ("kind", card.kind.value)]
    if card.categories:
        name = set_names.get(card.categories)
        pairs.append(("categories", name if name else list(card.categories)))
    pairs.append(("prompt", card.prompt))
    for key in ("answer", "options", "items", "also", "explain", "source"):
        value = getattr(card, key)
        if value:
            pairs.append((key, value if isinstance(value, str) else list(value)))
    if card.groups:
        pairs.append(("group", card.groups[0] if len(card.groups) == 1
                      else list(card.groups)))
    if card.pick:
        pairs.append(("pick", card.pick))
    pairs += [(flag, True) for flag in ("ordered", "any_order", "keep") if getattr(card, flag)]
    return pairs
