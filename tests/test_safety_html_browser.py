"""The safety case's HTML in a real browser: Debian's Chromium, headless (skips without it)."""

from __future__ import annotations

import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from triagebot.app.safety_html import to_html
from triagebot.commands.safety import build_case
from triagebot.flows.compiler import load_flow

PATHWAY = Path(__file__).parent / "data" / "safety" / "pathway.yaml"


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) image data of a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = height = 0
    chunks = b""
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks += body
        at += 12 + length
    return width, height, zlib.decompress(chunks)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Chromium draws the report: a screenshot of the window's size, not blank."""
    page = tmp_path / "case.html"
    page.write_text(to_html(build_case(load_flow(PATHWAY), None, None)), encoding="utf-8")
    shot = tmp_path / "case.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            "--window-size=1000,1400",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    width, height, pixels = png_pixels(shot.read_bytes())
    # A blank page filters to a handful of byte values; text and tables to many.
    assert (width, height, len(set(pixels)) > 50) == (1000, 1400, True)
