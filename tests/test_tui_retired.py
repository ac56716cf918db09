"""An input an answer replaces: hidden at once, answering nothing, removed once drawn."""

from __future__ import annotations

import pytest

from tests.tui_support import every_type, fixture_app
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.inputs import QuestionInput

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


async def test_the_input_an_answer_replaces_answers_nothing_and_goes_once_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer that changes the input's shape hides the old input at once and removes it
    after the next question is drawn; until then, what still reaches it (a key on its way)
    answers nothing, even once Back has made its question the current one again."""
    kept: list[QuestionInput] = []
    monkeypatch.setattr(ChatScreen, "_remove_retired", lambda _, inputs: kept.extend(inputs))
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen
        assert isinstance(chat, ChatScreen) and app.session is not None
        yes_no = chat.current_input()
        await pilot.press("y")  # to the info node: its Continue button is another shape
        await pilot.pause()
        assert yes_no is not None and kept == [yes_no]
        await pilot.press("f2")  # back to the yes/no question: a new input asks it
        await pilot.pause()
        asked, steps = app.session.current, len(app.session.steps)
        assert asked == yes_no.node_id
        yes_no.submit("no")
        await pilot.pause()
        seen = (yes_no.display, chat.current_input() is yes_no, app.session.current)
        assert seen == (False, False, asked) and len(app.session.steps) == steps
    monkeypatch.undo()
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        yes_no = app.screen.current_input()
        await pilot.press("y")
        await pilot.pause()
        assert yes_no is not None and not yes_no.is_attached
