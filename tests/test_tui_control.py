"""Pilot tests: nothing the TUI draws holds a raw control character or bidi control.

What the screen shows is read from ``export_screenshot``, which draws the screen through
the compositor as the terminal gets it; a raw character in any line drawn appears in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.segment import Segment
from textual.color import Color

from tests.control_support import HOSTILE, HOSTILE_FLOW, hostile_journals, raw_controls, unchecked
from tests.tui_support import TODAY, fixed_clock, fixture_app
from triagebot.tui.app import TriageApp
from triagebot.tui.safe_output import DropUnsafe
from triagebot.tui.screens.resume import ResumeScreen
from triagebot.tui.screens.why import WhyScreen

SIZE = (100, 60)
"""Tall enough for the whole outcome card of the hostile fixture."""

TO_THE_OUTCOME = ["y", "1", "1", "c", "enter", "5", "enter"]
"""The hostile fixture's keys: yes, the first option, the first tick confirmed, the info
message, 5 typed."""


def screen_text(app: TriageApp) -> str:
    """The screen as drawn, SVG markup and all (spaces are drawn as no-break spaces)."""
    return app.export_screenshot().replace("\xa0", " ").replace("&#160;", " ")


@pytest.mark.asyncio
async def test_chat_why_and_outcome_draw_no_raw_control() -> None:
    """A flow whose every text holds escape sequences (past the load check) is drawn, as a
    question, its why and its outcome card, with none of them raw and its words intact."""
    app = TriageApp(unchecked(HOSTILE_FLOW), bundled=False, clock=fixed_clock, today=TODAY)
    drawn = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        drawn["question"] = screen_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)
        drawn["why"] = screen_text(app)
        await pilot.press("escape", *TO_THE_OUTCOME)
        await pilot.pause()
        drawn["outcome"] = screen_text(app)
    # what each screen says: the sequences' controls dropped, their text kept
    said = {"question": "Pain ]0;PWNED?", "why": "Because ]52;c;ZXZpbA==", "outcome": "Come back"}
    found = {name: (raw_controls(text), said[name] in text) for name, text in drawn.items()}
    expected = {"question": ([], True), "why": ([], True), "outcome": ([], True)}
    assert expected == found


@pytest.mark.asyncio
async def test_a_notification_is_escaped_and_never_read_as_markup() -> None:
    """A notification naming a file with escape sequences and brackets shows both as
    written (a closing tag once crashed the app with a MarkupError)."""
    app = fixture_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify(f"saved to /tmp/[/c]{HOSTILE}.txt")
        await pilot.pause()
        text = screen_text(app)
    expected = ([], True, True)
    assert expected == (raw_controls(text), "[/c]\\u001b]0;PWNED\\u0007" in text, "PWNED" in text)


@pytest.mark.asyncio
async def test_resume_screen_escapes_unfinished_sessions_from_elsewhere() -> None:
    """Journals with escape sequences in their flow id, an answer and a file name are
    listed with them escaped."""
    hostile_journals()
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        text = screen_text(app)
    expected = ([], True)
    assert expected == (raw_controls(text), "odd\\u001b]0;PWNED\\u0007" in text)


@pytest.mark.asyncio
async def test_start_screen_escapes_the_name_of_a_flow_it_cannot_load(tmp_path: Path) -> None:
    """A flow file whose name holds escape sequences is named escaped under the list."""
    (tmp_path / "bad\x1b]0;PWNED\x07.yaml").write_text("id: [\n", encoding="utf-8")
    app = TriageApp(None, [tmp_path], bundled=False, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
    expected = ([], True)
    assert expected == (raw_controls(text), "bad\\u001b]0;PWNED\\u0007.yaml" in text)


def test_the_last_guard_drops_unsafe_characters_and_keeps_the_rest() -> None:
    """The line filter removes control and bidi characters from drawn segments only."""
    segments = [Segment("a\x1b]0;x\x07b"), Segment("\u202ec é")]
    kept = DropUnsafe().apply(segments, Color(0, 0, 0))
    expected = ["a]0;xb", "c é"]
    assert expected == [segment.text for segment in kept]
