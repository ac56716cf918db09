"""Launching a session from the flow cache imports neither pydantic nor PyYAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LAUNCH = """
import asyncio, json, sys
from triagebot.app import flowcache
from triagebot.app import library
from triagebot.tui.app import TriageApp

flowcache.use_for_sessions()
flow = library.resolve("cauda-equina")


async def launch() -> str:
    app = TriageApp(flow, [])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return type(app.screen).__name__


screen = asyncio.run(launch())
print(json.dumps([screen, "pydantic" in sys.modules, "yaml" in sys.modules]))
"""


def launched(data_dir: Path) -> list[object]:
    environment = {**os.environ, "TRIAGEBOT_DATA_DIR": str(data_dir)}
    environment.pop("TRIAGEBOT_FLOW_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH], capture_output=True, text=True, env=environment, check=True
    )
    shown: list[object] = json.loads(result.stdout.strip().splitlines()[-1])
    return shown


def test_a_tui_launched_from_the_cache_imports_no_pydantic(tmp_path: Path) -> None:
    """The first launch compiles (pydantic, PyYAML); the next reads the cache and needs neither."""
    first = launched(tmp_path)
    second = launched(tmp_path)
    assert (first, second) == (["ChatScreen", True, True], ["ChatScreen", False, False])
