"""Each private Textual API triagebot uses still exists as used (triagebot.tui.private_api)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
import textual
from textual.app import App
from textual.widgets import Static

from triagebot.tui.private_api import PRIVATE_APIS, PrivateApi

ROOT = Path(__file__).parent.parent
PIN = re.compile(r'"textual>=(\d+)\.(\d+),<(\d+)\.(\d+)"')


def test_textual_is_pinned_to_the_installed_minor_version() -> None:
    """pyproject pins Textual to one minor version, the one installed."""
    low_major, low_minor, high_major, high_minor = map(
        int, PIN.findall((ROOT / "pyproject.toml").read_text())[0]
    )
    installed = tuple(int(part) for part in textual.__version__.split(".")[:2])
    expected = ((low_major, low_minor), (low_major, low_minor + 1))
    assert expected == (installed, (high_major, high_minor))


class _Probe(App[None]):
    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("probe")


async def _instances() -> dict[str, object]:
    """A running app and its screen, for the attributes set on instances."""
    app = _Probe()
    async with app.run_test(size=(20, 5)) as pilot:
        await pilot.pause()
        return {"App": app, "Screen": app.screen}


@pytest.mark.asyncio
@pytest.mark.parametrize("api", PRIVATE_APIS, ids=lambda api: f"{api.owner}.{api.name}")
async def test_the_private_api_is_there_as_used(api: PrivateApi) -> None:
    """The name exists where we use it; a method takes the parameters we pass, in order."""
    # each case: one entry of PRIVATE_APIS, named by its owner and name
    module = importlib.import_module(api.module)
    holder: object = module if api.owner is None else getattr(module, api.owner)
    if api.attribute:
        holder = (await _instances())[api.owner or ""]
    found = getattr(holder, api.name, None)
    shown = None
    if api.parameters is not None and found is not None:
        shown = tuple(inspect.signature(found).parameters)
    assert (True, api.parameters) == (found is not None, shown)


def test_every_private_textual_name_in_the_code_is_listed() -> None:
    """No private Textual name is used in src/, tests/ or benchmarks/ without being listed."""
    listed = {api.name for api in PRIVATE_APIS} | {"_xterm_parser"}
    used: set[str] = set()
    pattern = re.compile(
        r"(?:textual\.|textual\.widgets\.|super\(\)\.|app\.|screen\.|node\.|Screen, \"|Screen\.)"
        r"(_[a-z][a-z_]*)"
    )
    for folder in ("src", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(pattern.findall(path.read_text()))
    ours = {"_start_screen", "_show", "_report", "_open_chat", "_available", "_flow_failed"}
    ours |= {"_journal_unfinished", "_remove_retired", "_clear_area", "_replace_input"}
    ours |= {"_spare_for"}
    assert set() == used - listed - ours - {"_leaf", "_md", "_plain"}
