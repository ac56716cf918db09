"""The TUI's records (spec principle 10): the patient prompt before a new session, the
patient in the resume list, and exports in every format from F5."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.tui_support import FIXTURES, TODAY, every_type, fixed_clock
from triagebot.tui.app import TriageApp, make_app
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.patient import PatientScreen

PATIENT = "J Smith 943 476 5919"
SIZE = (80, 24)

pytestmark = pytest.mark.asyncio


def asking_app(**options: Any) -> TriageApp:
    """The app as the CLI runs it on a flow: it asks for the patient first."""
    return make_app(
        every_type(),
        [FIXTURES],
        bundled=False,
        clock=fixed_clock,
        today=TODAY,
        ask_patient=True,
        **options,
    )


async def test_the_patient_typed_first_names_the_session() -> None:
    """A new session asks for the patient; what is typed goes into the session and header."""
    app = asking_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        await pilot.press(*PATIENT, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        topbar = str(app.screen.query_one("#topbar", Static).content)
        assert app.session is not None
        expected = (PATIENT, True)
        assert expected == (app.session.patient, topbar.endswith(f"Patient: {PATIENT}"))


async def test_enter_skips_the_patient_prompt() -> None:
    """The patient reference is never required: Enter alone starts the session without."""
    app = asking_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.session is not None
        expected = (True, None)
        assert expected == (isinstance(app.screen, ChatScreen), app.session.patient)


async def test_a_refused_patient_reference_says_why_and_keeps_the_prompt() -> None:
    """Over-long text is refused with a reason; the prompt stays until Enter or Escape."""
    app = asking_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*("x" * 90), "enter")
        await pilot.pause()
        error = str(app.screen.query_one("#patient-error", Static).content)
        assert isinstance(app.screen, PatientScreen)
        assert error.startswith("That is 90 characters")
        await pilot.press("escape")
        await pilot.pause()
        assert app.session is not None
        expected = (True, None)
        assert expected == (isinstance(app.screen, ChatScreen), app.session.patient)


async def test_a_patient_from_the_command_line_is_not_asked_again() -> None:
    """``--patient`` names the first session: no prompt."""
    app = asking_app(patient=PATIENT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.session is not None
        expected = (True, PATIENT)
        assert expected == (isinstance(app.screen, ChatScreen), app.session.patient)
