"""The chat's footer: the keys it shows follow what can be done, and nothing else.

Whether Textual's own Footer remounts its keys on a refresh is its business: the
SteadyFooter that kept them mounted went with the other private-API devices (issue 19),
so these tests read what the footer shows, not which widgets draw it."""

from __future__ import annotations

import pytest

from tests.tui_support import every_type, fixture_app, footer_keys
from triagebot.app import library
from triagebot.tui.app import TriageApp

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


async def test_answering_keeps_the_footer_as_it_is() -> None:
    """A run of answers leaves the footer showing the same keys."""
    app = TriageApp(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = footer_keys(app)
        for key in ["y", "n", "n"]:
            await pilot.press(key)
        await pilot.pause()
        expected = [("f1", "Why?"), ("f2", "Back"), ("f3", "Change"), ("ctrl+p", "palette")]
        assert (expected, expected) == (before, footer_keys(app))


async def test_the_footer_offers_changing_a_focused_answer() -> None:
    """With an earlier answer focused (F3), the footer shows Enter to change it; then not."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in ["n", "enter", "f3"]:
            await pilot.press(key)
        await pilot.pause()
        on_answer = footer_keys(app)
        await pilot.press("f2")  # back to the first question, the focus in its input
        await pilot.pause()
        change = ("enter", "Change this answer")
        assert (change in on_answer, change in footer_keys(app)) == (True, False)
