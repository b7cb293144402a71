"""The cohort report's HTML page in a real headless browser (Chromium from Debian's
packages): it renders offline, its figures are drawn, and the flagged cards show in red
(issue #29)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmquiz.cli import app

BROWSER = next((shutil.which(name) for name in ("chromium", "chromium-browser",
                                                "google-chrome") if shutil.which(name)), None)
if BROWSER is None:
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium where it "
                "can)", allow_module_level=True)

FLAGGED = (0xD6, 0x27, 0x28)  # the red of a flagged card's point


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, width, height, channels = 8, b"", 0, 0, 3
    while at < len(png):
        size, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        at += 12 + size
    raw, stride = zlib.decompress(data), width * channels
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, corner = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        rows.append(bytes(line))
        previous = bytes(line)
    return width, height, rows


def test_the_page_renders_offline_with_its_figures(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from cohort import simulate

    simulate(tmp_path / "logs", 120, seed=5)
    page = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["cohort", "report", str(tmp_path / "logs"),
                                      "--html", str(page)])
    assert result.exit_code == 0, result.output
    shot = tmp_path / "report.png"
    common = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert dom.count("<circle") >= 70 and dom.count("<polyline") == 2  # every card, 2 modules
    subprocess.run([*common, "--window-size=1200,900", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    width, height, rows = pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    step = 4 if len(rows[0]) == width * 4 else 3
    colours = {row[x:x + 3] for row in rows for x in range(0, len(row), step)}
    assert len(colours) > 50  # text, axes and points, not a blank page
    red = sum(1 for row in rows for x in range(0, len(row), step)
              if all(abs(a - b) < 40 for a, b in zip(row[x:x + 3], FLAGGED, strict=True)))
    assert red > 20  # the flagged cards' points are drawn in red
