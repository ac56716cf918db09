"""Shared by the TUI tests, snapshots and benchmark: fixture paths, key scripts, app factory."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.tui.app import TriageApp, make_app

FIXTURES = Path(__file__).parent / "data" / "tui"
EVERY_TYPE = FIXTURES / "every-type.yaml"
TODAY = date(2025, 6, 1)


def fixed_clock() -> datetime:
    return datetime(2025, 6, 1, 9, 30, tzinfo=UTC)


def every_type() -> CompiledFlow:
    return load_flow(EVERY_TYPE)


def fixture_app(flow: CompiledFlow | None = None, export_dir: Path | None = None) -> TriageApp:
    """The app as the CLI builds it, on the fixture folder only, with a fixed clock and date."""
    return make_app(
        flow, [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY, export_dir=export_dir
    )


# Keys that walk a flow to an outcome: (keys, outcome id). The bundled flows' scripts are
# keyed by flow id; every bundled flow must have at least one (see test_tui.py).
BUNDLED_SCRIPTS: dict[str, list[tuple[list[str], str]]] = {
    "cauda-equina": [
        # no back or leg pain: the screen does not apply
        (["n"], "out_of_scope"),
        # unsure about a core symptom routes like yes
        (["y", "u"], "emergency_mri"),
        # every core symptom no, bilateral radicular pain yes
        (["y", "n", "n", "n", "n", "n", "n", "y"], "urgent_msk_2ww"),
        # sexual dysfunction only
        (["y", "n", "n", "n", "n", "n", "y", "n"], "ces_unlikely_review"),
        # nothing at all
        (["y", "n", "n", "n", "n", "n", "n", "n"], "no_ces_features"),
    ],
}

FIXTURE_SCRIPTS: list[tuple[list[str], str]] = [
    # choice by its number: severe
    (["y", "enter", "3"], "emergency"),
    # choice by arrows and Enter, two symptoms ticked, 39,5 typed with a decimal comma
    (["n", "enter", "down", "enter", "1", "3", "c", *"39,5", "enter"], "urgent"),
    # two symptoms, temperature unknown typed
    (["u", "enter", "1", "1", "2", "c", *"unknown", "enter"], "soon"),
    # first presentation, one symptom, 37 typed
    (["n", "enter", "1", "2", "c", *"37", "enter"], "routine"),
    # nothing ticked (confirm with the button), the first suggestion picked from the list
    (["y", "enter", "1", "tab", "enter", "tab", "enter"], "nothing"),
]
