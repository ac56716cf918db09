"""Snapshot tests at a fixed 80x24: the start screen, each question type, each urgency, a
question in French, a question inside a repeated group's round, and the longest lists of
the bundled flows (spinal red flags, heparin drip rates).

Update after a deliberate change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and review the SVGs (the failure report shows them side by side).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui_support import (
    CRT_CANDIDATE,
    FIXTURE_SCRIPTS,
    TODAY,
    every_type,
    fixed_clock,
    fixture_app,
    paths_to_questions,
    show_question,
)
from triagebot.app import library
from triagebot.tui.app import TriageApp

SIZE = (80, 24)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()


def test_start_screen(snap_compare: Any) -> None:
    """The flow list with audience, version and review date; the overdue flow marked."""
    assert snap_compare(fixture_app(), terminal_size=SIZE, run_before=settle)


# Keys that bring the fixture flow to a question of each type.
QUESTIONS = {
    "yes_no": [],
    "info": ["y"],
    "choice": ["y", "enter"],
    "multi_choice": ["y", "enter", "1", "2"],
    "number_refused_as_typed": ["y", "enter", "1", "c", "4", "6"],
}


@pytest.mark.parametrize("keys", QUESTIONS.values(), ids=QUESTIONS.keys())
def test_question(snap_compare: Any, keys: list[str]) -> None:
    """Each question type's input under the transcript."""
    assert snap_compare(
        fixture_app(every_type()), press=keys, terminal_size=SIZE, run_before=settle
    )


@pytest.mark.parametrize(
    ("keys", "outcome"), FIXTURE_SCRIPTS, ids=[outcome for _, outcome in FIXTURE_SCRIPTS]
)
def test_outcome_card(snap_compare: Any, keys: list[str], outcome: str) -> None:
    """The outcome card of each urgency, from its title."""
    assert snap_compare(
        fixture_app(every_type()), press=keys, terminal_size=SIZE, run_before=settle
    )


def test_outcome_card_in_an_ansi_theme(snap_compare: Any) -> None:
    """The emergency card in the terminal's own 16 colours still names its urgency."""

    async def ansi(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "ansi-dark"
        await pilot.pause()

    keys = FIXTURE_SCRIPTS[0][0]
    assert snap_compare(fixture_app(every_type()), press=keys, terminal_size=SIZE, run_before=ansi)


def bundled_app(flow_id: str) -> TriageApp:
    return TriageApp(library.resolve(flow_id), clock=fixed_clock, today=TODAY)


def test_a_question_in_french(snap_compare: Any) -> None:
    """septic-cardiomyopathy's systolic pressure in French: the hint and the transcript in
    French, the LVEF answered shown with a decimal comma."""
    keys = ["o", "2", "o", *"47,5", "enter"]
    app = bundled_app("septic-cardiomyopathy")
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=settle)


def test_a_question_in_a_round(snap_compare: Any) -> None:
    """crt-lead's paced QRS in round 2: the round's mark, the bubble's and progress' label."""
    keys = [*CRT_CANDIDATE, "1", *"150", "enter", "n", "y", "2"]
    app = bundled_app("crt-lead")
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=settle)


def at_question(node_id: str) -> Any:
    """A ``run_before`` that brings the app's flow to ``node_id`` by the shortest answers
    found (``paths_to_questions``): robust to a flow's changes, unlike a script of keys."""

    async def reach(pilot: Pilot[Any]) -> None:
        await pilot.pause()  # the flow is started once the app is mounted
        app = pilot.app
        assert isinstance(app, TriageApp) and app.session is not None
        await show_question(app, node_id, paths_to_questions(app.session.flow)[node_id])
        await pilot.pause()

    return reach


def test_spinal_red_flags(snap_compare: Any) -> None:
    """spinal-referral's red flags at 80x24: every tick box [ ], each detail under its
    label, and the line that says how many more follow when they do not all fit."""
    app = bundled_app("spinal-referral")
    assert snap_compare(app, terminal_size=SIZE, run_before=at_question("red_flags"))


def test_heparin_drip_rate_suggestions(snap_compare: Any) -> None:
    """heparin's drip rate at 80x24: the field has the keys, every suggested rate is shown
    and none is highlighted."""
    app = bundled_app("heparin")
    assert snap_compare(app, terminal_size=SIZE, run_before=at_question("drip_rate_ml_h"))
