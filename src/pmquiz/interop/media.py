"""Images and sounds: saved from an Anki package beside the imported deck, and put back into
the package pmquiz exports.

In card text a media file reads `[image: NAME] (media/deck/NAME)`: its name as Anki knew it
and, once saved, where it is relative to the deck file. Saving is careful with what a package
claims: names are reduced to a plain file name, each file and the total are size-limited
while they are unpacked, and files are written atomically.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from pmquiz.compile.document import Warning_
from pmquiz.deck import sweep_stale_temporaries
from pmquiz.deck import write_bytes_atomic as _write  # a name tests replace
from pmquiz.model import MEDIA_REF

MAX_MEDIA_FILE = 16 * 1024 * 1024  # bytes: a larger image or sound is skipped
MAX_MEDIA_TOTAL = 256 * 1024 * 1024  # bytes over one import
MAX_INDEX = 4 * 1024 * 1024  # bytes of the package's media index
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK = 1024 * 1024


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, no odd characters ("" if nothing
    is left)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    return base[:120]


def referenced(texts: list[str]) -> set[str]:
    """Media names the card texts mention."""
    return {m.group(2).strip() for text in texts for m in MEDIA_REF.finditer(text)}


def _index(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """Media name -> member name in the zip, and whether members are zstd-compressed
    (newer packages: a zstd protobuf index and zstd members; older: a JSON index)."""
    try:
        info = archive.getinfo("media")
    except KeyError:
        return {}, False
    with archive.open(info) as raw:
        data = raw.read(MAX_INDEX + 1)
    if len(data) > MAX_INDEX:
        return {}, False
    if data.startswith(ZSTD_MAGIC):
        import zstandard

        reader = zstandard.ZstdDecompressor().stream_reader(data)
        index = reader.read(MAX_INDEX + 1)[:MAX_INDEX]
        entries = _protobuf_names(index)
        return {name: str(number) for number, name in enumerate(entries)}, True
    try:
        mapping = json.loads(data.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return {}, False
    if not isinstance(mapping, dict):
        return {}, False
    return {str(name): str(member) for member, name in mapping.items()}, False


def _protobuf_names(blob: bytes) -> list[str]:
    """Names from a MediaEntries message: repeated field 1, each with its name in field 1."""
    from pmquiz.interop.templates import _varint

    names: list[str] = []
    index = 0
    while index < len(blob):
        key, index = _varint(blob, index)
        if key & 7 != 2:
            break
        size, index = _varint(blob, index)
        entry, index = blob[index:index + size], index + size
        name = ""
        inner = 0
        while inner < len(entry):
            field_key, inner = _varint(entry, inner)
            wire = field_key & 7
            if wire == 2:
                length, inner = _varint(entry, inner)
                if field_key >> 3 == 1:
                    name = entry[inner:inner + length].decode("utf-8", "replace")
                inner += length
            elif wire == 0:
                _, inner = _varint(entry, inner)
            else:
                break
        if key >> 3 == 1:
            names.append(name)
    return names


def save_media(package: Path, wanted: set[str], folder: Path) -> tuple[dict[str, Path],
                                                                       list[Warning_]]:
    """Unpack the media files the cards use into `folder`; returns name -> saved file and
    what was skipped (missing, too large, unsafe name)."""
    saved: dict[str, Path] = {}
    warnings: list[Warning_] = []
    missing: list[str] = []
    if not wanted:
        return saved, warnings
    try:
        archive = zipfile.ZipFile(package)
    except (zipfile.BadZipFile, OSError, ValueError):
        return saved, warnings  # a bare collection carries no media
    total = 0
    _prepare(folder)
    with archive, _Mapped(package) as mapped, _Writes() as writes:
        members, compressed = _index(archive)
        for name in sorted(wanted):
            member = members.get(name)
            clean = safe_name(name)
            if member is None or not clean:
                missing.append(name)
                continue
            try:
                data = mapped.member(archive, member, compressed)
            except ValueError as exc:
                warnings.append(Warning_(0, f'media "{name}" skipped: {exc}'))
                continue
            if total + len(data) > MAX_MEDIA_TOTAL:
                warnings.append(Warning_(0, f'media "{name}" skipped: the import already '
                                            f"saved {MAX_MEDIA_TOTAL // (1024 * 1024)} MB"))
                continue
            total += len(data)
            target = folder / clean
            writes.add(target, data)
            saved[name] = target
    return saved, _missing(missing, "the package") + warnings


def save_folder_media(source: Path, wanted: set[str], folder: Path
                      ) -> tuple[dict[str, Path], list[Warning_]]:
    """`save_media` for media kept as files (a CrowdAnki export's `media/` folder): each
    name is looked up as a plain file name in `source`, never outside it."""
    return save_files({name: source / clean for name in wanted if (clean := safe_name(name))},
                      wanted, folder, str(source))


def save_files(files: dict[str, Path], wanted: set[str], folder: Path, where: str
               ) -> tuple[dict[str, Path], list[Warning_]]:
    """`save_media` for media found as files (`files`: a name the cards use -> the file);
    a wanted name with no file is reported as not in `where`."""
    saved: dict[str, Path] = {}
    warnings: list[Warning_] = []
    missing: list[str] = []
    if not wanted:
        return saved, warnings
    total = 0
    _prepare(folder)
    with _Writes() as writes:
        for name in sorted(wanted):
            clean = safe_name(name)
            file = files.get(name)
            try:
                if file is None or not clean or not file.is_file():
                    raise FileNotFoundError
                size = file.stat().st_size
                if size > MAX_MEDIA_FILE:
                    raise ValueError(f"larger than {MAX_MEDIA_FILE // (1024 * 1024)} MB")
                if total + size > MAX_MEDIA_TOTAL:
                    raise ValueError(f"the import already saved "
                                     f"{MAX_MEDIA_TOTAL // (1024 * 1024)} MB")
                data = file.read_bytes()
            except ValueError as exc:
                warnings.append(Warning_(0, f'media "{name}" skipped: {exc}'))
                continue
            except OSError:
                missing.append(name)
                continue
            total += len(data)
            writes.add(folder / clean, data)
            saved[name] = folder / clean
    return saved, _missing(missing, where) + warnings


def _prepare(folder: Path) -> None:
    """The media folder, made if need be, with what killed writes left in it swept once (not
    a folder scan per file); a folder that cannot be made is a `WriteError`."""
    sweep_stale_temporaries(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from pmquiz.errors import WriteError

        raise WriteError(f"cannot write {folder}: {exc.strerror or exc}; nothing was "
                         "changed") from None


def _missing(names: list[str], where: str) -> list[Warning_]:
    """A warning for each media file the cards name that `where` lacks; past three, one
    warning that counts them (a CrowdAnki deck shared without its images lacks hundreds)."""
    if len(names) <= 3:
        return [Warning_(0, f'media "{name}" is not in {where}; the card names it only')
                for name in names]
    return [Warning_(0, f"{len(names)} media files the cards name are not in {where} ("
                     + ", ".join(f'"{name}"' for name in names[:3]) + ", …); the cards name "
                     "them only")]


class _Writes:
    """Media files written by a few threads at once: each write waits for its own flush to
    disk, and the disk takes several flushes together (the Japanese package's 347 files:
    0.16 s one at a time, 0.06 s eight at a time). At most WINDOW bytes wait in memory; a
    name given twice is written in order; the first error is raised once every started
    write has ended (writes not started yet are dropped: the import stops there)."""

    THREADS = 8
    WINDOW = 32 * 1024 * 1024

    def __init__(self) -> None:
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        self.pool = ThreadPoolExecutor(self.THREADS, thread_name_prefix="pmquiz-media")
        self.waiting: deque[tuple[Future[None], int]] = deque()
        self.size = 0
        self.last: dict[Path, Future[None]] = {}

    def add(self, target: Path, data: bytes) -> None:
        earlier = self.last.get(target)
        if earlier is not None:
            earlier.result()  # the same file: the later one wins, as written in order
        while self.waiting and self.size + len(data) > self.WINDOW:
            self._oldest()
        done = self.pool.submit(_write, target, data)
        self.waiting.append((done, len(data)))
        self.size += len(data)
        self.last[target] = done

    def _oldest(self) -> None:
        done, size = self.waiting.popleft()
        self.size -= size
        done.result()

    def __enter__(self) -> _Writes:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None:
                while self.waiting:
                    self._oldest()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


class _Mapped:
    """The package mapped into memory, so that a media file stored or deflated the usual way
    is read from it with no system call (each of `zipfile`'s seeks, tells and reads let a
    writer thread take the interpreter, and 347 small files spent 0.1 s waiting so); any
    other member (another compression, encryption, a local header that disagrees, a bad
    checksum) is read through `zipfile` as before, which says what is wrong with it."""

    def __init__(self, package: Path):
        self.package = package
        self.view: Any = None

    def __enter__(self) -> _Mapped:
        import mmap

        try:
            with self.package.open("rb") as handle:
                self.view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            self.view = None  # an empty or unmappable file: zipfile reads it
        return self

    def __exit__(self, *_: object) -> None:
        if self.view is not None:
            self.view.close()

    def member(self, archive: zipfile.ZipFile, member: str, compressed: bool) -> bytes:
        """One media file, unpacked within MAX_MEDIA_FILE whatever the archive claims."""
        raw = self._stored(archive, member)
        if raw is None:
            return _read_member(archive, member, compressed)
        if not compressed:
            return raw
        import zstandard

        try:
            return _limited(_zstd_reader(raw))
        except zstandard.ZstdError as exc:
            raise ValueError(f"damaged in the package ({exc})") from None

    def _stored(self, archive: zipfile.ZipFile, member: str) -> bytes | None:
        import struct
        import zlib

        try:
            info = archive.getinfo(member)
        except KeyError:
            return None
        view = self.view
        start = info.header_offset
        if view is None or info.flag_bits & 1 or info.compress_type not in (0, 8) or \
                start + 30 > len(view) or view[start:start + 4] != b"PK\x03\x04":
            return None
        name_size, extra_size = struct.unpack_from("<HH", view, start + 26)
        begin = start + 30 + name_size + extra_size
        end = begin + info.compress_size
        if end > len(view):
            return None
        data: bytes
        if info.compress_type == 0:
            if info.compress_size > MAX_MEDIA_FILE:  # said before a byte is copied
                raise ValueError(f"larger than {MAX_MEDIA_FILE // (1024 * 1024)} MB")
            data = view[begin:end]
        else:
            inflate = zlib.decompressobj(-15)
            try:
                with memoryview(view) as whole:
                    data = inflate.decompress(whole[begin:end], MAX_MEDIA_FILE + 1)
            except zlib.error:
                return None  # a damaged stream: zipfile reads it and says so
            if len(data) > MAX_MEDIA_FILE:
                raise ValueError(f"larger than {MAX_MEDIA_FILE // (1024 * 1024)} MB")
            if not inflate.eof:
                return None
        if zlib.crc32(data) != info.CRC:
            return None
        return data


def _read_member(archive: zipfile.ZipFile, member: str, compressed: bool) -> bytes:
    """One media file read through `zipfile`, unpacked within MAX_MEDIA_FILE whatever the
    archive claims."""
    import zlib

    damaged: tuple[type[Exception], ...] = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
    if compressed:
        import zstandard

        damaged += (zstandard.ZstdError,)
    try:
        with archive.open(member) as raw:
            return _limited(_zstd_reader(raw) if compressed else raw)
    except KeyError:
        raise ValueError("missing from the package") from None
    except damaged as exc:  # a bad checksum or header, a file cut short: skipped and named
        raise ValueError(f"damaged in the package ({exc})") from None


def _zstd_reader(raw: Any) -> Any:
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(raw)


def _limited(source: Any) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > MAX_MEDIA_FILE:
            raise ValueError(f"larger than {MAX_MEDIA_FILE // (1024 * 1024)} MB")
        parts.append(chunk)
    return b"".join(parts)


def with_paths(text: str, saved: dict[str, Path], base: Path) -> str:
    """Card text whose media names say where each saved file is (relative to `base`, the
    deck file's folder)."""
    def place(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2).strip()
        where = saved.get(name)
        if where is None:
            return match.group(0)
        return f"[{kind}: {name}] ({where.relative_to(base).as_posix()})"

    return MEDIA_REF.sub(place, text)


def for_anki(text_html: str, base: Path | None, files: list[str]) -> str:
    """A field's HTML with its media put back: `<img src="NAME">` and `[sound:NAME]`, the
    files collected for the package (only files that exist beside the deck)."""
    def back(match: re.Match[str]) -> str:
        kind, where = match.group(1), match.group(3)
        if where is None or base is None:
            return match.group(0)
        path = (base / where).resolve()
        if not path.is_file() or not path.is_relative_to(base.resolve()):
            return match.group(0)
        if str(path) not in files:
            files.append(str(path))
        file_name = path.name
        return f'<img src="{file_name}">' if kind == "image" else f"[sound:{file_name}]"

    return MEDIA_REF.sub(back, text_html)
