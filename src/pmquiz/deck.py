"""Deck files: one module per TOML file. Load, validate with `path:line` errors, write.

A deck file looks like this::

    [module]
    slug = "intro-pm"
    title = "Introduction to Product Management"
    phase = 0

    [sets]
    pm-vs-project = ["Product management", "Project management"]

    [[cards]]
    id = "pm-vs-project/owns-vision"
    kind = "classify"
    categories = "pm-vs-project"
    prompt = "Owns the vision and strategy."
    answer = "Product management"
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pmquiz.config import loads_toml
from pmquiz.deck_text import deck_data, render_deck
from pmquiz.durable_batch import mode_to_keep, temporary_beside
from pmquiz.errors import DeckError, DeckErrors, WriteError
from pmquiz.kinds import kind_of
from pmquiz.model import Card, Deck, Kind, Module

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CARD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
MODULE_KEYS = {"slug", "title", "phase", "phase_title", "order", "source", "resources",
               "next_module"}
CARD_KEYS = {"id", "kind", "prompt", "answer", "options", "categories", "items", "explain",
             "source", "keep", "group", "also", "ordered", "pick", "any_order"}
TOP_KEYS = {"module", "sets", "cards"}
MAX_PHASE = 999  # SQLite integers stop at 2**63; a course has a handful of phases
MAX_ORDER = 1_000_000
CARDS_HEADER = re.compile(r"^\s*\[\[\s*cards\s*\]\]")
TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class _Lines:
    """Finds the line of a card or a key in the raw text, since tomllib gives no positions."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.card_headers = [i + 1 for i, line in enumerate(self.lines) if CARDS_HEADER.match(line)]

    def of_card(self, index: int) -> int | None:
        return self.card_headers[index] if index < len(self.card_headers) else None

    def of_key(self, key: str, card_index: int | None = None,
               section: str | None = None) -> int | None:
        start, end = 0, len(self.lines)
        if card_index is not None:
            first = self.of_card(card_index)
            if first is None:
                return None
            start = first
            following = self.card_headers[card_index + 1:]
            end = following[0] - 1 if following else len(self.lines)
        elif section is not None:
            header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
            found = [i for i, line in enumerate(self.lines) if header.match(line)]
            if not found:
                return None
            start = found[0] + 1
        pattern = re.compile(rf'^\s*(?:"{re.escape(key)}"|{re.escape(key)})\s*=')
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i + 1
        return self.of_card(card_index) if card_index is not None else None


def _text_of(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckError(path, line, "the file is not UTF-8 text; save it as UTF-8") from None


def parse_deck(path: Path, raw: bytes) -> Deck:
    """Parse and validate one deck file's bytes. Raises `DeckErrors` listing every problem."""
    text = _text_of(path, raw)
    if "\x00" in text:
        nul_line = text[: text.index("\x00")].count("\n") + 1
        raise DeckErrors([DeckError(path, nul_line, "the file holds a NUL byte; "
                                    "it is not a deck file")])
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        match = TOML_POSITION.search(str(exc))
        line = int(match.group(1)) if match else None
        what = TOML_POSITION.sub("", str(exc)).strip()
        hint = "fix the syntax (strings in double quotes, one key = value a line)"
        raise DeckErrors([DeckError(path, line, f"not valid TOML: {what}; {hint}")]) from None
    except RecursionError:
        raise DeckErrors([DeckError(path, None, "not valid TOML: nested too deeply")]) from None
    return _validate(path, data, _Lines(text))


def _validate(path: Path, data: dict[str, Any], lines: _Lines) -> Deck:
    errors: list[DeckError] = []
    for key in sorted(set(data) - TOP_KEYS):
        errors.append(DeckError(path, lines.of_key(key), f'unknown table "{key}"; a deck has '
                                '[module], [sets] and [[cards]]'))
    module = _module(path, data.get("module"), lines, errors)
    sets = _sets(path, data.get("sets", {}), lines, errors)
    raw_cards = data.get("cards", [])
    cards: list[Card] = []
    if not isinstance(raw_cards, list) or not raw_cards:
        errors.append(DeckError(path, None, "no cards: add at least one [[cards]] table"))
        raw_cards = []
    seen: dict[str, int] = {}
    slug = module.slug if module else "?"
    for index, raw in enumerate(raw_cards):
        card = _card(path, slug, index, raw, sets, lines, errors)
        if card is None:
            continue
        if card.id in seen:
            errors.append(DeckError(path, card.line, f"duplicate id (first used at line "
                                    f"{seen[card.id]}); give each card its own id", card.id))
            continue
        seen[card.id] = card.line
        cards.append(card)
    for card in cards:
        problem = kind_of(card).check_in_deck(card, cards)
        if problem:
            errors.append(DeckError(path, card.line, problem, card.id))
    if errors:
        raise DeckErrors(errors)
    assert module is not None
    return Deck(module=module, cards=tuple(cards), path=str(path), category_sets=sets)


def _module(path: Path, raw: Any, lines: _Lines, errors: list[DeckError]) -> Module | None:
    if not isinstance(raw, dict):
        errors.append(DeckError(path, 1, "missing [module] table with slug, title and phase"))
        return None
    before = len(errors)

    def line(key: str) -> int | None:
        return lines.of_key(key, section="module")

    for key in sorted(set(raw) - MODULE_KEYS):
        errors.append(DeckError(path, line(key), f'[module] has unknown key "{key}"; known keys: '
                                + ", ".join(sorted(MODULE_KEYS))))
    slug, title, phase = raw.get("slug"), raw.get("title"), raw.get("phase")
    if not isinstance(slug, str) or not SLUG.match(slug):
        errors.append(DeckError(path, line("slug") or 1, '[module] needs "slug": lower-case '
                                'letters, digits and dashes, e.g. slug = "intro-pm"'))
    if not isinstance(title, str) or not title.strip():
        errors.append(DeckError(path, line("title") or 1, '[module] needs a "title"'))
    if isinstance(phase, bool) or not isinstance(phase, int) or not 0 <= phase <= MAX_PHASE:
        errors.append(DeckError(path, line("phase") or 1, '[module] needs "phase": a whole '
                                f"number from 0 to {MAX_PHASE}"))
    for key in ("phase_title", "source", "next_module"):
        if key in raw and not isinstance(raw[key], str):
            errors.append(DeckError(path, line(key), f'[module] "{key}" must be a string'))
    order = raw.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int) or abs(order) > MAX_ORDER:
        errors.append(DeckError(path, line("order"), '[module] "order" must be a whole number '
                                f"from -{MAX_ORDER} to {MAX_ORDER}"))
    resources = raw.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        errors.append(DeckError(path, line("resources"), '[module] "resources" must be a list '
                                "of strings"))
    if len(errors) > before:
        return None
    assert isinstance(slug, str) and isinstance(title, str) and isinstance(phase, int)
    return Module(slug=slug, title=title.strip(), phase=phase,
                  phase_title=raw.get("phase_title", ""), order=order,
                  source=raw.get("source", ""), resources=tuple(resources),
                  next_module=raw.get("next_module", ""))


def _sets(path: Path, raw: Any, lines: _Lines,
          errors: list[DeckError]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        errors.append(DeckError(path, lines.of_key("sets"), "[sets] must be a table of "
                                'name = ["Category A", "Category B"]'))
        return {}
    sets: dict[str, tuple[str, ...]] = {}
    for name, value in raw.items():
        if (not isinstance(value, list) or len(value) < 2
                or not all(isinstance(v, str) and v.strip() for v in value)
                or len(set(value)) != len(value)):
            errors.append(DeckError(path, lines.of_key(name, section="sets"), f'set "{name}" '
                                    "needs two or more different category names"))
            continue
        sets[name] = tuple(v.strip() for v in value)
    return sets


def _card(path: Path, deck: str, index: int, raw: Any, sets: dict[str, tuple[str, ...]],
          lines: _Lines, errors: list[DeckError]) -> Card | None:
    card_line = lines.of_card(index)
    if not isinstance(raw, dict):
        errors.append(DeckError(path, card_line, "each card must be a [[cards]] table"))
        return None
    card_id = raw.get("id")
    label = card_id if isinstance(card_id, str) else f"#{index + 1}"
    before = len(errors)

    def fail(message: str, key: str | None = None) -> None:
        where = lines.of_key(key, card_index=index) if key else card_line
        errors.append(DeckError(path, where or card_line, message, label))

    if not isinstance(card_id, str) or not CARD_ID.match(card_id):
        fail('needs an "id": letters, digits and - _ . /, e.g. id = "principles/deliver-value"',
             "id")
    for key in sorted(set(raw) - CARD_KEYS):
        fail(f'unknown key "{key}"; known keys: ' + ", ".join(sorted(CARD_KEYS)), key)
    kind_value = raw.get("kind")
    try:
        kind = Kind(str(kind_value))
    except ValueError:
        fail(f'unknown kind "{kind_value}"; use one of: ' + ", ".join(k.value for k in Kind),
             "kind")
        return None
    for key in ("prompt", "answer", "explain", "source"):
        if key in raw and not isinstance(raw[key], str):
            fail(f'"{key}" must be a string', key)
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        fail('needs a "prompt"', "prompt")
    options = _strings(raw, "options", fail)
    items = _strings(raw, "items", fail)
    if "keep" in raw and not isinstance(raw["keep"], bool):
        fail('"keep" must be true or false', "keep")
    for key, kinds in (("ordered", "list"), ("pick", "list"), ("any_order", "cloze")):
        if key in raw and kind_value != kinds:
            fail(f'"{key}" is for {kinds} cards', key)
    group = raw.get("group", [])
    if isinstance(group, str):
        group = [group]
    if not isinstance(group, list) or not all(isinstance(g, str) and g.strip() for g in group):
        fail('"group" must be a sibling group name, or a list of them', "group")
        group = []
    extra = kind_of(kind).check(raw, sets, fail)
    answer = raw.get("answer", "")
    if len(errors) > before:
        return None
    assert isinstance(card_id, str) and isinstance(prompt, str)
    return Card(deck=deck, id=card_id, kind=kind, prompt=prompt.strip(),
                answer=answer.strip() if isinstance(answer, str) else "",
                options=options, categories=extra.get("categories", ()), items=items,
                explain=str(raw.get("explain", "")).strip(),
                source=str(raw.get("source", "")).strip(), line=card_line or 0,
                keep=raw.get("keep") is True, groups=tuple(g.strip() for g in group),
                also=extra.get("also", ()), ordered=extra.get("ordered", False),
                pick=extra.get("pick", 0), any_order=extra.get("any_order", False))


def _strings(raw: dict[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        fail(f'"{key}" must be a list of strings', key)
        return ()
    return tuple(v.strip() for v in value if v.strip())


def free_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… whichever is not taken yet; marks it taken."""
    card_id, n = wanted, 2
    while card_id in taken:
        card_id = f"{wanted}-{n}"
        n += 1
    taken.add(card_id)
    return card_id


def discover(dirs: Iterable[Path]) -> list[Path]:
    """Every `*.toml` deck file below the given folders (or the files themselves), sorted.
    Linked folders are followed (each real folder walked once, so a link loop ends), and a
    `.toml` link that leads nowhere is listed too: reading it names the broken link, where
    leaving it out would retire its module's cards without a word."""
    found: list[Path] = []
    for item in dirs:
        if item.is_file():
            found.append(item)
        elif item.is_dir():
            found.extend(sorted(_deck_entries(item)))
    return found


def _deck_entries(root: Path) -> list[Path]:
    entries: list[Path] = []
    seen: set[str] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders[:] = []
            continue
        seen.add(real)
        subfolders.sort()
        # `<page>.compile.toml` beside a page holds the compiler's hand edits, not cards
        entries += [Path(folder, name) for name in files if name.endswith(".toml") and
                    not name.endswith(".compile.toml")]
    return entries


def load_file(path: Path) -> Deck:
    """Read and validate one deck file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeckErrors([DeckError(path, None, f"cannot read the file: {exc.strerror}")]) from None
    try:
        return parse_deck(path, raw)
    except DeckError as exc:
        raise DeckErrors([exc]) from None


def load_decks(paths: Iterable[Path]) -> list[Deck]:
    """Load every file, collecting all errors; modules must have different slugs."""
    decks: list[Deck] = []
    errors: list[DeckError] = []
    slugs: dict[str, str] = {}
    for path in paths:
        try:
            deck = load_file(path)
        except DeckErrors as exc:
            errors.extend(exc.errors)
            continue
        other = slugs.get(deck.module.slug)
        if other is not None:
            errors.append(DeckError(path, 1, f'module slug "{deck.module.slug}" is already used '
                                    f"by {other}; give each module its own slug"))
            continue
        slugs[deck.module.slug] = str(path)
        decks.append(deck)
    if errors:
        raise DeckErrors(errors)
    return decks


def checked_text(path: Path, deck: Deck, header: str = "") -> str:
    """The deck's text, validated as `parse_deck` would read it back, without parsing the
    TOML again: the values written are the values read (`deck_text` writes only strings,
    integers, booleans and lists of strings). Raises `DeckErrors`."""
    data, text = deck_data(deck, header)
    _validate(path, data, _Lines(text))
    return text


def write_atomic(path: Path, text: str, sweep: bool = True) -> None:
    """Write via a temporary file in the same folder and a rename: never a half-written file.
    An existing file keeps its permissions; a full disk or a missing permission is a
    `WriteError` that names the file, and the old file stays as it was. `sweep=False`: the
    caller removed what killed writes left in the folder once, for many files."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror or exc}; nothing was "
                         "changed") from None
    if sweep:
        _sweep_stale_temporaries(path)
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """`data` as `target`, whole or not at all: written under a temporary name beside it,
    flushed to disk, renamed over it, keeping an old file's permissions (what
    `replace_atomically` does, with one open and a name of this process instead of a
    random one: 347 media files spent half their 0.19 s in that set-up)."""
    tmp = temporary_beside(target)
    try:
        mode = mode_to_keep(target)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # left by a killed run of this pid: the careful way
            replace_atomically(target, lambda path: path.write_bytes(data), sweep=False)
            return
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                if mode is not None:
                    os.fchmod(out.fileno(), mode)
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}; nothing was "
                         "changed") from None


STALE_AFTER = 3600  # seconds: a temporary file this old beside its target was left by a kill


def _sweep_stale_temporaries(path: Path) -> None:
    """Remove temporary files of earlier writes to `path` that a kill left behind."""
    sweep_stale_temporaries(path.parent, f".{path.name}.")


def sweep_stale_temporaries(folder: Path, prefix: str = ".") -> None:
    """Remove the temporary files (`prefix…tmp`) in `folder` that a kill left behind: one
    scan, for a writer of many files (`replace_atomically(…, sweep=False)` after it)."""
    import time

    try:
        entries = [e for e in os.scandir(folder)
                   if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for left in entries:
        try:
            if time.time() - left.stat().st_mtime > STALE_AFTER:
                Path(left.path).unlink()
        except OSError:
            continue


def replace_atomically(path: Path, write: Callable[[Path], object], sweep: bool = True) -> None:
    """Let `write` fill a temporary file beside `path`, flush it to disk, then rename it over
    `path` with the old file's permissions (new files get the usual 0644 less the umask)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        if sweep:
            _sweep_stale_temporaries(path)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            write(tmp)
            with tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            tmp.chmod(mode)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WriteError(f"cannot write {path}: {reason}; nothing was changed") from None


def write_deck(deck: Deck, path: Path, header: str = "") -> None:
    """Write a deck file atomically."""
    write_atomic(path, render_deck(deck, header))
