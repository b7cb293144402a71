"""The Obsidian Spaced Repetition plugin's settings for one Markdown file: which tags mark a
note for it and which separators split its cards. Each layer overrides the one before: the
plugin's defaults, the vault's own plugin settings (`.obsidian/plugins/
obsidian-spaced-repetition/data.json` above the note), `--separator`/`--tag`, then the
file's front matter keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CODE_SPAN = re.compile(r"`[^`\n]+`|\$[^$\n]+\$")  # code and inline math: never separators
SR_COMMENT = re.compile(r"\s*<!--SR:.*?-->")
# The plugin's three cloze markers, each switched on or off in its settings.
CLOZE_MARKERS = {"highlights": r"==([^=\n]+?)==", "bold": r"\*\*([^*\n]+?)\*\*",
                 "curly": r"\{\{([^{}\n]+?)\}\}"}
FENCE = re.compile(r"^\s*(```+|~~~+)")
SR_KEYS = {"sr-inline": "inline", "sr-inline-reversed": "inline_reversed",
           "sr-multiline": "multiline", "sr-multiline-reversed": "multiline_reversed"}


@dataclass(frozen=True)
class SpacedRepetition:
    """The Obsidian Spaced Repetition plugin's settings for one file."""

    inline: str = "::"
    inline_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    tags: tuple[str, ...] = ("flashcards",)
    highlights: bool = True  # ==text== is a cloze (the plugin's default)
    bold: bool = False  # **text** is a cloze
    curly: bool = False  # {{text}} is a cloze
    end_marker: str = ""  # a multi-line card ends at a line holding it (else a blank line)

    def clozes(self) -> re.Pattern[str] | None:
        """The cloze markers switched on, as one pattern (a gap's text in its one matched
        group), or None when every marker is off."""
        on = [marker for name, marker in CLOZE_MARKERS.items() if getattr(self, name)]
        return re.compile("|".join(on)) if on else None

    def tagged(self, text: str) -> bool:
        """Whether the note carries one of the flashcard tags (body or front matter)."""
        names = "|".join(re.escape(t.lstrip("#")) for t in self.tags)
        visible, fenced = [], False
        for line in text.splitlines():  # a tag shown in code is an example, not a tag
            if FENCE.match(line):
                fenced = not fenced
            elif not fenced and not line.startswith(("    ", "\t")):
                visible.append(line)
        body = re.search(rf"(?:^|\s)#(?:{names})(?:/[\w/-]*)?(?=\s|$)",
                         CODE_SPAN.sub("", "\n".join(visible)))
        front = re.search(rf"^(?:tags|tag)\s*:.*\b(?:{names})\b", text[:4000], re.M | re.I)
        wanted = {t.lstrip("#").lower() for t in self.tags}
        listed = any(tag.lower() in wanted or tag.lower().split("/")[0] in wanted
                     for tag in front_matter_tags(text))
        return bool(body or front or listed)

    def patterns(self) -> list[tuple[re.Pattern[str], bool]]:
        """Inline separators, longest first, each with whether it adds the reverse card."""
        pairs = sorted([(self.inline_reversed, True), (self.inline, False)],
                       key=lambda pair: -len(pair[0]))
        return [(re.compile(rf"^(?P<q>.+?)\s*{re.escape(sep)}\s*(?P<a>.+)$"), both)
                for sep, both in pairs if sep]


# A one-line card breaks its lines with `<br>` (the plugin's documented way; `</br>` too, as
# browsers read it); one written as a list item (a task's too, `- [ ] Q;;A`, as the plugin
# reads it) has no bullet or box in its question.
LINE_BREAK = re.compile(r"\s*</?br\s*/?>\s*", re.IGNORECASE)
LIST_MARK = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")


def one_line_side(side: str, question: bool = False) -> str:
    """A one-line card's side: its `<br>` breaks as line breaks, and a question's list
    bullet and task box left out."""
    side = side.strip()
    if question:
        side = LIST_MARK.sub("", side)
    return LINE_BREAK.sub("\n", side).strip() if "br" in side.lower() else side


FRONT_TAGS = re.compile(r"^(?:tags|tag)\s*:\s*(.*)$", re.I)
LIST_ITEM = re.compile(r"^\s*-\s+(.+?)\s*$")


def front_matter_tags(text: str) -> list[str]:
    """The tags a note's YAML front matter gives, in any of the forms Obsidian writes:
    `tags: a, b`, `tags: [a, b]` or a list of `- a` lines under `tags:` (its properties
    editor writes that one). Quotes and a leading `#` are taken off."""
    lines = text[:8000].splitlines()
    if not lines or lines[0].strip() != "---":
        return []
    found: list[str] = []
    listing = False
    for line in lines[1:]:
        if line.strip() == "---":
            return found
        item = LIST_ITEM.match(line) if listing else None
        if item:
            found.append(_tag_name(item.group(1)))
            continue
        listing = False
        key = FRONT_TAGS.match(line)
        if key:
            value = key.group(1).strip().strip("[]")
            found.extend(_tag_name(part) for part in re.split(r"[,\s]+", value) if part)
            listing = not value
    return []  # no closing line: no front matter


def _tag_name(tag: str) -> str:
    return tag.strip().strip("\"'").lstrip("#")


# Where the plugin keeps its settings in a vault, and the ones that decide what is a card.
PLUGIN_DATA = Path(".obsidian") / "plugins" / "obsidian-spaced-repetition" / "data.json"
PLUGIN_KEYS = {"singleLineCardSeparator": "inline",
               "singleLineReversedCardSeparator": "inline_reversed",
               # the spelling of the plugin's 1.x versions, still in vaults made then
               "singlelineCardSeparator": "inline",
               "singlelineReversedCardSeparator": "inline_reversed",
               "multilineCardSeparator": "multiline",
               "multilineReversedCardSeparator": "multiline_reversed",
               "multilineCardEndMarker": "end_marker"}
CLOZE_KEYS = {"convertHighlightsToClozes": "highlights", "convertBoldTextToClozes": "bold",
              "convertCurlyBracketsToClozes": "curly"}
VAULT_DEPTH = 30  # folders walked up from a note to find its vault
PLUGIN_DATA_LIMIT = 4 << 20  # bytes: the settings file also keeps review data, never this big


@dataclass(frozen=True)
class VaultSettings:
    """The plugin settings of the vault a note is in: the fields they set (`settings`),
    the file they came from, and why it could not be read, if it could not."""

    settings: dict[str, object]
    source: Path | None = None
    problem: str = ""
    unapplied: tuple[str, ...] = ()  # settings pmquiz reads but does not apply, described


# The plugin's settings that change which cards a note gives, which pmquiz does not apply
# (the plugin's default for each: a vault that keeps it needs no word about it).
UNAPPLIED: dict[str, tuple[object, str]] = {
    "flashcardTagsToIgnore": ([], "a note with one of those tags is read all the same"),
    "clozePatterns": (["==[123;;]answer[;;hint]=="], "gaps are read as ==highlights==, "
                      "**bold** or {{curly}}, as the vault's convert… switches say")}


def vault_settings(note: Path) -> VaultSettings:
    """The Spaced Repetition settings of the vault holding `note` (its `.obsidian` folder
    found by walking up): its flashcard tags, separators and cloze markers, as the plugin
    itself reads them. Nothing for a note outside a vault or a vault without the plugin."""
    import json

    try:
        folder = _vault_of(note)
    except OSError:  # a folder above that cannot be looked into: no vault known
        return VaultSettings({})
    if folder is None:
        return VaultSettings({})
    data = folder / PLUGIN_DATA
    try:
        if not data.is_file():
            return VaultSettings({})
        if data.stat().st_size > PLUGIN_DATA_LIMIT:
            raise ValueError(f"over {PLUGIN_DATA_LIMIT >> 20} MB")
        raw = json.loads(data.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:
        return VaultSettings({}, data, f"not read ({exc}); the plugin's defaults are used")
    settings = _settings_of(raw)
    unapplied = tuple(f"{key} {json.dumps(settings[key], ensure_ascii=False)[:80]} is not "
                      f"applied: {consequence}"
                      for key, (default, consequence) in UNAPPLIED.items()
                      if key in settings and settings[key] != default)
    return VaultSettings(_plugin_settings(raw), data, unapplied=unapplied)


def vault_folder(note: Path) -> Path | None:
    """The vault holding `note` (its folder with `.obsidian`), if it is in one."""
    try:
        return _vault_of(note)
    except OSError:
        return None


def _vault_of(note: Path) -> Path | None:
    """The nearest folder above the note that holds `.obsidian`, if any."""
    folder = note.resolve().parent
    for _ in range(VAULT_DEPTH):
        if (folder / ".obsidian").is_dir():
            return folder
        if folder.parent == folder:
            return None
        folder = folder.parent
    return None


def _settings_of(raw: object) -> dict[str, object]:
    """A data.json's settings object (older versions kept the keys at the top); {} for any
    other shape."""
    settings = raw.get("settings", raw) if isinstance(raw, dict) else {}
    return settings if isinstance(settings, dict) else {}


def _plugin_settings(raw: object) -> dict[str, object]:
    """The fields of `SpacedRepetition` that a data.json sets. Values of another type are
    left at the default."""
    settings = _settings_of(raw)
    found: dict[str, object] = {name: settings[key] for key, name in PLUGIN_KEYS.items()
                                if isinstance(settings.get(key), str) and settings[key]}
    for key, name in CLOZE_KEYS.items():
        if isinstance(settings.get(key), bool):
            found[name] = settings[key]
    tags = settings.get("flashcardTags")
    if isinstance(tags, list):
        names = tuple(t.strip().lstrip("#") for t in tags if isinstance(t, str))
        if any(names):
            found["tags"] = tuple(name for name in names if name)
    return found
