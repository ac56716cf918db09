"""Pilot tests: a repeated group (crt-lead's branches) shown and changed round by round."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.tui_support import CRT_CANDIDATE, picked, said, shown_text
from triagebot.app import library
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
ROUND_1 = ["1", *"150", "enter", "n", "y"]
"""Posterior, paced QRS 150 ms, no diaphragmatic stimulation, test another branch."""
ROUND_2 = ["2", *"138", "enter", "n", "n"]
"""Posterolateral, 138 ms, no stimulation, no further branch: the outcome."""


def crt_app() -> TriageApp:
    return TriageApp(library.resolve("crt-lead"))


async def press_all(pilot: Any, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


def progress(app: TriageApp) -> str:
    return str(app.screen.query_one("#progress", Static).content)


def marks(app: TriageApp) -> list[str]:
    """The round marks in the transcript, in order."""
    return [entry.text for entry in said(app, "round")]


def last_question(app: TriageApp) -> tuple[str | None, str]:
    """The heading (round) and prompt of the question bubble asked last."""
    asked = said(app, "question")
    return asked[-1].heading, asked[-1].text


async def test_a_question_in_a_round_shows_its_round_on_the_bubble_and_in_the_progress() -> None:
    """In round 2 the question says "Branch 2 of up to 6", as the progress line does, and
    each round is marked once in the transcript."""
    app = crt_app()
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*CRT_CANDIDATE, *ROUND_1, "2"])
        expected = (
            ("Branch 2 of up to 6", "What is the BiV-paced QRS duration at this site?"),
            "13 questions answered so far · Branch 2 of up to 6",
            ["Branch 1", "Branch 2"],
        )
        assert expected == (last_question(app), progress(app), marks(app))


async def test_back_crosses_a_round_boundary_and_the_flow_goes_on() -> None:
    """F2 from round 2's first question reopens round 1's last one; answering again and
    finishing reaches the outcome."""
    app = crt_app()
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*CRT_CANDIDATE, *ROUND_1, "f2"])
        assert app.session is not None
        back_at = (app.session.current, progress(app), marks(app))
        await press_all(pilot, ["y", *ROUND_2])
        expected = (
            ("another_branch", "11 questions answered so far · Branch 1 of up to 6", ["Branch 1"]),
            "place_lead",
            "posterolateral",
        )
        assert expected == (back_at, app.session.current, app.session.display("best_branch"))


async def test_changing_round_1s_paced_qrs_after_round_2_changes_the_proposed_branch() -> None:
    """F3 picks round 1's paced QRS (its edit screen names the round); 130 ms instead of
    150 makes round 1's posterior branch the shortest, and round 2 is kept."""
    app = crt_app()
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*CRT_CANDIDATE, *ROUND_1, *ROUND_2])
        assert app.session is not None
        before = app.session.display("best_branch")
        # From the last answer (round 2's another_branch) up to round 1's paced QRS.
        await press_all(pilot, ["f3", *["up"] * 6])
        chosen = picked(app)
        await press_all(pilot, ["enter"])
        assert isinstance(app.screen, EditScreen)
        where = str(app.screen.query_one(".edit-round", Static).content)
        await press_all(pilot, [*"130", "enter"])
        assert isinstance(app.screen, ChatScreen)
        session = app.session
        statuses = [
            (b.node, b.round, b.status)
            for b in said(app, "answer")
            if b.round is not None and b.status
        ]
        expected = (
            "posterolateral",
            ("paced_qrs_ms", 1),
            "Branch 1 of up to 6",
            ("place_lead", "posterior", 1),
            [("paced_qrs_ms", 1, "changed")]
            + [(node, 1, "kept") for node in ("diaphragmatic_stimulation", "another_branch")]
            + [
                (node, 2, "kept")
                for node in (
                    "branch_name",
                    "paced_qrs_ms",
                    "diaphragmatic_stimulation",
                    "another_branch",
                )
            ],
        )
        actual = (
            before,
            chosen,
            where,
            (session.current, session.display("best_branch"), session.changes[-1].round),
            statuses,
        )
        assert expected == actual


async def test_no_more_branches_in_round_1_supersedes_round_2_by_round() -> None:
    """Changing round 1's "another branch" to no drops round 2's answers, each shown as no
    longer applying with its round; the outcome rests on round 1 alone."""
    app = crt_app()
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*CRT_CANDIDATE, *ROUND_1, *ROUND_2])
        # From the last answer up to round 1's another_branch (yes).
        await press_all(pilot, ["f3", *["up"] * 4, "enter"])
        assert isinstance(app.screen, EditScreen)
        await press_all(pilot, ["n"])
        assert app.session is not None
        dropped = [(entry.node, entry.round) for entry in said(app, "superseded")]
        first = shown_text(app, "superseded")[0]
        expected = (
            [
                ("branch_name", 2),
                ("paced_qrs_ms", 2),
                ("diaphragmatic_stimulation", 2),
                ("another_branch", 2),
            ],
            "No longer applies: Branch 2: Which coronary-sinus branch is the LV lead in now? "
            "— Posterolateral",
            ("place_lead", "posterior", ["Branch 1"]),
        )
        assert expected == (
            dropped,
            first,
            (app.session.current, app.session.display("best_branch"), marks(app)),
        )
