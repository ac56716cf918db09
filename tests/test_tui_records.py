"""The TUI's records (spec principle 10): the patient prompt before a new session, the
patient in the resume list, and exports in every format from F5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from tests.tui_support import FIXTURES, TODAY, every_type, fixed_clock
from triagebot.app.export import last_format
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.export_format import ExportFormatScreen
from triagebot.tui.screens.patient import PatientScreen
from triagebot.tui.screens.resume import ResumeScreen

PATIENT = "J Smith 943 476 5919"
SIZE = (80, 24)

pytestmark = pytest.mark.asyncio


def asking_app(**options: Any) -> TriageApp:
    """The app as the CLI runs it on a flow: it asks for the patient first."""
    return TriageApp(
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
        assert expected == (app.session.patient, f"Patient: {PATIENT} · Every" in topbar)


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


async def test_f5_asks_the_format_and_remembers_it(tmp_path: Path) -> None:
    """F5 offers every format; the one picked is written, and offered first next time."""
    app = TriageApp(
        every_type(), [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY, export_dir=tmp_path
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "enter", "3")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ExportFormatScreen)
        offered = app.screen.query_one("#formats", OptionList).option_count
        await pilot.press("down", "enter")  # Markdown
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        highlighted = app.screen.query_one("#formats", OptionList).highlighted
        await pilot.press("escape")
    expected = (5, ["every-type-20250601-093000.md"], 1, "markdown")
    assert expected == (
        offered,
        sorted(p.name for p in tmp_path.iterdir()),
        highlighted,
        last_format(),
    )


@pytest.mark.parametrize(
    ("environ", "taken"),
    [
        ({"TERM": "xterm-kitty"}, True),  # kitty takes OSC 52
        ({"TERM_PROGRAM": "iTerm.app"}, True),  # so does iTerm2
        ({"TERM": "xterm-256color"}, False),  # an unknown xterm-alike: not claimed
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, False),  # tmux between
        ({}, False),  # nothing known
    ],
)
async def test_f6_says_copied_only_where_the_terminal_takes_it(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], taken: bool
) -> None:
    """F6 claims a copy only for a terminal known to take OSC 52; else it points to F5."""
    for name in (
        "TERM",
        "TERM_PROGRAM",
        "TMUX",
        "STY",
        "KITTY_WINDOW_ID",
        "WT_SESSION",
        "WEZTERM_PANE",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    app = TriageApp(every_type(), [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
        await pilot.press("y", "enter", "3")
        await pilot.pause()
        await pilot.press("f6")
        await pilot.pause()
    words = app.words
    assert [words.copied if taken else words.copy_unsure] == said


async def test_f4_lists_the_patient_of_each_unfinished_session() -> None:
    """The resume list names the patient, so the right unfinished session is picked."""
    app = asking_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*PATIENT, "enter", "y")
        await pilot.pause()
    listing = TriageApp(None, [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY)
    async with listing.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(listing.screen, ResumeScreen)
        shown = str(listing.screen.query_one(OptionList).get_option_at_index(0).prompt)
    assert shown.startswith(f"Every question type (test fixture) · patient {PATIENT}\n")


async def test_quitting_after_an_unexported_outcome_says_the_session_is_kept() -> None:
    """Leaving a finished session without an export keeps it, and the farewell says so."""
    app = TriageApp(every_type(), [FIXTURES], bundled=False, clock=fixed_clock, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "enter", "3")
        await pilot.pause()
    assert app.farewell.startswith("Finished session kept until its transcript is exported")
