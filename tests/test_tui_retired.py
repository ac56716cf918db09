"""An input an answer replaces: hidden at once, answering nothing, kept as the spare of its
kind (shown again for a later answer's question of that kind) or removed once drawn."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui_support import FIXTURE_SCRIPTS, every_type, fixture_app, input_state
from triagebot.app.library import resolve
from triagebot.flows.compiler import CompiledFlow
from triagebot.tui.screens.chat import PREPARE_AFTER, ChatScreen
from triagebot.tui.widgets.inputs import QuestionInput

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


async def test_the_input_an_answer_replaces_answers_nothing_even_after_back() -> None:
    """An answer that changes the input's shape hides the old input at once; what still
    reaches it (a key on its way) answers nothing, even once Back has made its question
    the current one again: Back asks it in a new input, not in the spare."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen
        assert isinstance(chat, ChatScreen) and app.session is not None
        yes_no = chat.current_input()
        assert yes_no is not None
        await pilot.press("y")  # to the info node: its Continue button is another shape
        await pilot.pause()
        hidden = (yes_no.display, yes_no.retired)
        await pilot.press("f2")  # back to the yes/no question: a new input asks it
        await pilot.pause()
        asked, steps = app.session.current, len(app.session.steps)
        yes_no.submit("no")
        await pilot.pause()
        seen = (hidden, chat.current_input() is yes_no, app.session.current, yes_no.node_id)
        assert ((False, True), False, asked, asked) == seen
        assert steps == len(app.session.steps)


async def test_a_spare_asks_the_next_question_of_its_kind() -> None:
    """heparin: the yes/no input, hidden while a number is asked, asks the yes/no question
    after the number (no new input mounted)."""
    app = fixture_app(resolve("heparin"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        yes_no = chat.current_input()
        kinds = []
        for key in ["n", "n", "7", "enter"]:
            await pilot.press(key)
            await pilot.pause()
            kinds.append(type(chat.current_input()).__name__)
        shown = chat.current_input()
        expected = (["YesNoInput", "NumberInput", "NumberInput", "YesNoInput"], True, True)
        assert expected == (kinds, shown is yes_no, shown is not None and shown.has_focus)


async def test_a_second_spare_of_a_kind_goes_once_drawn() -> None:
    """One spare of each kind is kept: the yes/no input Back mounted, replaced by an answer
    while the first yes/no input is the spare, is removed; the info input retired by Back
    asks the info node again."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        await pilot.press("y")
        await pilot.pause()
        info = chat.current_input()
        await pilot.press("f2")
        await pilot.pause()
        second_yes_no = chat.current_input()
        await pilot.press("y")
        await pilot.pause()
        assert second_yes_no is not None
        removed_and_info_reused = (False, True)
        assert removed_and_info_reused == (
            second_yes_no.is_attached,
            chat.current_input() is info,
        )


HEPARIN = [*"nn7", "enter", *"nnnn3", "enter", *"90", "enter", *"2000", "enter", "1", "1", "enter"]
"""heparin: yes/no questions, numbers between them, then a choice."""


async def states(flow: CompiledFlow, keys: list[str]) -> list[dict[str, Any]]:
    """The input's state before each key, the spares prepared before the first."""
    seen = []
    app = fixture_app(flow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(PREPARE_AFTER * 3)
        for key in keys:
            if app.session is not None and app.session.finished:
                break
            seen.append(input_state(app))
            await pilot.press(key)
            await pilot.pause()
        assert app.session is not None
        seen.append({"outcome": app.session.current, "answers": dict(app.session.answers)})
    return seen


@pytest.mark.parametrize(
    ("flow", "keys"),
    [
        # every type in turn: each change of kind shows a spare
        (every_type, FIXTURE_SCRIPTS[1][0]),
        # yes/no and number spares taking turns, then a choice
        (lambda: resolve("heparin"), HEPARIN),
    ],
)
async def test_a_spare_is_indistinguishable_from_a_new_input(
    monkeypatch: pytest.MonkeyPatch, flow: Any, keys: list[str]
) -> None:
    """A walk whose inputs are spares shows and answers exactly as one mounting each anew
    (what each input shows, its widgets' look and focus, the answers)."""
    shown_spares = []
    spare_for = ChatScreen._spare_for

    def counted(self: ChatScreen, *args: Any) -> QuestionInput | None:
        spare = spare_for(self, *args)
        shown_spares.extend([spare] if spare is not None else [])
        return spare

    monkeypatch.setattr(ChatScreen, "_spare_for", counted)
    spared = await states(flow(), keys)
    for kind in (QuestionInput, *QuestionInput.__subclasses__()):
        monkeypatch.setattr(kind, "reuse_for", lambda *_: False)  # no reuse, no spare
    fresh = await states(flow(), keys)
    assert (fresh, True) == (spared, len(shown_spares) >= 3)
