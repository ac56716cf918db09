"""The chat's footer: redrawn when the keys it shows change, and only then."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from tests.tui_support import every_type, fixture_app
from triagebot.app import library
from triagebot.tui.app import TriageApp, make_app

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


def footer_keys(app: TriageApp) -> list[tuple[str, str]]:
    return [(key.key, key.description) for key in app.screen.query(FooterKey)]


async def test_answering_keeps_the_footer_as_it_is() -> None:
    """A run of answers leaves the footer's keys mounted as they were (no redraw)."""
    app = make_app(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = list(app.screen.query(FooterKey))
        for key in ["y", "n", "n"]:
            await pilot.press(key)
        await pilot.pause()
        after = list(app.screen.query(FooterKey))
        expected = [("f1", "Why?"), ("f2", "Back"), ("f3", "Change"), ("ctrl+p", "palette")]
        assert (expected, True) == (
            footer_keys(app),
            len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True)),
        )


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
