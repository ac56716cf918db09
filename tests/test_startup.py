"""Start-up with the cycle collector paused, and running again for every command."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from triagebot import startup

ROOT = Path(__file__).parents[1]


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the collector as it was found: running, nothing frozen."""
    yield
    startup.resume_collector()
    gc.unfreeze()
    gc.enable()


def test_pause_stops_the_collector_and_resume_freezes_and_restarts_it(collector: None) -> None:
    """Paused: not collecting; resumed: collecting, with what start-up built frozen."""
    startup.pause_collector()
    paused = gc.isenabled()
    startup.resume_collector()
    assert (paused, gc.isenabled(), gc.get_freeze_count() > 0) == (False, True, True)


def test_resume_without_pause_leaves_the_collector_alone(collector: None) -> None:
    """Resuming a collector that start-up did not pause (here: disabled by the caller) keeps it."""
    gc.disable()
    startup.resume_collector()
    assert gc.isenabled() is False


def test_a_command_runs_with_the_collector_running() -> None:
    """The entry point pauses it for the imports only: ``triagebot list`` runs collecting."""
    code = (
        "import atexit, gc, sys; from triagebot import cli; "
        "atexit.register(lambda: print('collecting', gc.isenabled(), file=sys.stderr)); "
        "sys.argv = ['triagebot', 'list']; cli.entry_point()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    assert done.stderr.strip().splitlines()[-1] == "collecting True"
