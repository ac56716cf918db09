"""Keys in the browser, as the TUI sees them: a click anywhere gives the keys back to the
question (a browser user clicks the page to bring it to the front, often on a blank area)."""

from __future__ import annotations

import pytest

from triagebot.app import library
from triagebot.tui.app import TriageApp
from triagebot.tui.widgets.transcript import TranscriptPane

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


@pytest.mark.parametrize(
    "where",
    [
        (40, 1),  # the transcript's blank space, under the disclaimer
        (70, 4),  # further down, right of the disclaimer's text
    ],
)
async def test_a_click_on_the_transcript_gives_the_keys_back_to_the_question(
    where: tuple[int, int],
) -> None:
    """After a click on a blank part of the transcript, y still answers the question."""
    app = TriageApp(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click(TranscriptPane, offset=where)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.session is not None
        assert [step.node for step in app.session.steps] == ["back_or_leg_pain"]
