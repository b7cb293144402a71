"""Obsidian embeds in a card: `![[Note]]`, `![[Note#Heading]]` and `![[Note#^block]]` show
that note, section or block in Obsidian, and so on the Spaced Repetition plugin's cards.
Each is replaced by that text, read from the note in the vault (or, outside a vault, beside
the card's note). One whose note or part is not found is left as written and reported.
An image or a sound (`![[diagram.png]]`, `![[beat.mp3]]`) becomes `[image: NAME]` /
`[sound: NAME]`, as an Anki package's do, with the file it was found at kept (`media`) for
the importer to save beside the deck; other files (a PDF) are left as they are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pmquiz.compile.document import Warning_
from pmquiz.interop.records import ReadNotes
from pmquiz.model import Card

EMBED = re.compile(r"!\[\[([^\[\]|#]*)(?:#([^\[\]|]*))?(?:\|[^\[\]]*)?\]\]")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
BLOCK_ID = re.compile(r"\s\^([A-Za-z0-9-]+)\s*$")
DEPTH = 3  # embeds inside embedded text are followed this far (a note may embed itself)
NOTE_LIMIT = 4 << 20  # bytes: a bigger file is not read for an embed
INDEX_LIMIT = 50_000  # notes looked through to find one by name in a vault
# the image and sound files Obsidian shows embedded (its "Accepted file formats")
IMAGES = frozenset(".avif .bmp .gif .jpeg .jpg .png .svg .webp".split())
SOUNDS = frozenset(".flac .m4a .mp3 .ogg .wav .3gp".split())


@dataclass
class Embeds:
    """The notes of one vault (or folder) as embeds find them, each read once."""

    note: Path  # the note the cards come from
    root: Path  # its vault, or its folder outside a vault
    read: dict[Path, list[str] | None] = field(default_factory=dict)
    by_name: dict[str, list[Path]] | None = None
    files_by_name: dict[str, list[Path]] | None = None
    media: dict[str, Path] = field(default_factory=dict)  # a media name -> the file found

    def resolve(self, text: str, depth: int = 0) -> tuple[str, list[str]]:
        """`text` with its embeds replaced, and the embeds left as written, with why."""
        missing: list[str] = []

        def shown(match: re.Match[str]) -> str:
            name, anchor = match.group(1).strip(), (match.group(2) or "").strip()
            suffix = Path(name).suffix.lower()
            if suffix in IMAGES or suffix in SOUNDS:
                return self._media(match.group(0), name, "image" if suffix in IMAGES
                                   else "sound", missing)
            if suffix not in ("", ".md"):
                return match.group(0)  # a PDF…: neither a note's text nor a card's media
            path = self._find(name)
            lines = self._lines(path) if path is not None else None
            if path is None or lines is None:
                missing.append(f'"{match.group(0)}": no note "{name or self.note.stem}" in '
                               f"{self.root}")
                return match.group(0)
            last = anchor.split("#")[-1].strip()  # ![[Note#Section#Subsection]]
            part = _part(lines, last)
            if part is None:
                what = "block" if last.startswith("^") else "heading"
                missing.append(f'"{match.group(0)}": no {what} "{last}" in {path.name}')
                return match.group(0)
            if depth + 1 < DEPTH and "![[" in part:
                part, deeper = self.resolve(part, depth + 1)
                missing.extend(deeper)
            return part

        return EMBED.sub(shown, text), missing

    def _media(self, written: str, name: str, kind: str, missing: list[str]) -> str:
        """`[image: NAME]` for an embedded image (or sound) found in the vault, its file
        kept in `media`; else the embed as written, reported."""
        path = self._find(name, note=False)
        if path is None:
            missing.append(f'"{written}": no file "{name}" in {self.root}')
            return written
        shown = path.name
        if self.media.setdefault(shown, path) != path:
            missing.append(f'"{written}": another file named "{shown}" is embedded already')
            return written
        return f"[{kind}: {shown}]"

    def _find(self, name: str, note: bool = True) -> Path | None:
        """The note (or, `note` False, the file) a link names, as Obsidian finds it: a path
        from the vault, else the one of that name beside the card's note, else the one
        nearest the vault's top."""
        if not name:
            return self.note if note else None  # ![[#Heading]]: this note's own section
        wanted = name if not note or name.lower().endswith(".md") else f"{name}.md"
        for candidate in (self.root / wanted, self.note.parent / wanted):
            if candidate.is_file() and self._inside(candidate):
                return candidate.resolve()
        if note and self.by_name is None:
            self.by_name = self._index("*.md")
        elif not note and self.files_by_name is None:
            self.files_by_name = self._index("*")
        index = self.by_name if note else self.files_by_name
        found = [p for p in (index or {}).get(Path(wanted).name.lower(), []) if self._inside(p)]
        return min(found, key=lambda p: (len(p.parts), str(p))).resolve() if found else None

    def _inside(self, path: Path) -> bool:
        """Whether the file is the vault's: a link never leaves it, through `../` or through a
        symbolic link to a file elsewhere."""
        return path.resolve().is_relative_to(self.root.resolve())

    def _index(self, pattern: str) -> dict[str, list[Path]]:
        """The vault's files matching `pattern` by lower-case name (hidden folders left
        out, at most INDEX_LIMIT looked at)."""
        by_name: dict[str, list[Path]] = {}
        for count, path in enumerate(self.root.rglob(pattern)):
            if count >= INDEX_LIMIT:
                break
            if not any(part.startswith(".") for part in path.relative_to(self.root).parts) \
                    and path.is_file():
                by_name.setdefault(path.name.lower(), []).append(path)
        return by_name

    def _lines(self, path: Path) -> list[str] | None:
        if path not in self.read:
            try:
                if path.stat().st_size > NOTE_LIMIT:
                    raise ValueError("too big")
                lines = path.read_text(encoding="utf-8-sig").splitlines()
            except (OSError, ValueError):
                self.read[path] = None
            else:
                self.read[path] = _without_front_matter(lines)
        return self.read[path]


def _without_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() in ("---", "...")),
                   None)
        if end is not None:
            return lines[end + 1:]
    return lines


def _part(lines: list[str], anchor: str) -> str | None:
    """The whole note (no anchor), the section under a heading (to the next heading of its
    level or above, the heading itself left out), or the paragraph a `^block` id ends."""
    if not anchor:
        return "\n".join(lines).strip()
    if anchor.startswith("^"):
        for index, line in enumerate(lines):
            found = BLOCK_ID.search(line)
            if found and found.group(1) == anchor[1:]:
                start = index
                while start > 0 and lines[start - 1].strip() and \
                        not HEADING.match(lines[start - 1]):
                    start -= 1
                block = [*lines[start:index], line[:found.start()]]
                return "\n".join(block).strip()
        return None
    wanted = " ".join(anchor.split()).casefold()
    for index, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading and " ".join(heading.group(2).split()).casefold() == wanted:
            level = len(heading.group(1))
            end = next((j for j in range(index + 1, len(lines))
                        if (h := HEADING.match(lines[j])) and len(h.group(1)) <= level),
                       len(lines))
            return "\n".join(lines[index + 1:end]).strip()
    return None


def with_embeds(path: Path, result: ReadNotes) -> list[Card]:
    """The cards with their Obsidian embeds (`![[Note#Heading]]`) replaced by what they
    show (an image or a sound by its `[image: NAME]`, its file kept in `media_files` for the
    importer to save); one that cannot be found is reported with the card's line."""
    from pmquiz.interop.obsidian_sr import vault_folder

    embeds = Embeds(path, vault_folder(path) or path.resolve().parent)

    def shown(card: Card, text: str) -> str:
        if "![[" not in text:
            return text
        text, missing = embeds.resolve(text)
        result.warnings.extend(Warning_(card.line, f"{what}; left as written")
                               for what in missing)
        return text

    cards = [replace(card, prompt=shown(card, card.prompt), answer=shown(card, card.answer),
                     explain=shown(card, card.explain)) for card in result.cards]
    result.media_files.update(embeds.media)
    return cards
