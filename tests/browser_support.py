"""Debian's Chromium for the browser tests (serve, LHC-Forms, the safety case's HTML): where it
is, and the flags every test starts it with. Never a browser a tool downloads itself."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
"""The system's Chromium (``apt-get install chromium``); None: the browser tests skip."""

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # This machine's network is closed: without these, Chromium tries Google's hosts at start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Headless, offline, no first-run work; each test adds its own ``--user-data-dir``."""
