"""Spare inputs: built hidden while the user reads, revealed by the next answer.

A spare is an input built ahead for a shape the next question may have (``shape``), never
shown nor focused until an answer reveals it. Revealed, it must show and answer exactly
as a newly mounted input would; Back and an edit never reveal one (they mount anew, as
before: keys on their way to the old input are dropped with it).
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Button

from tests.tui_support import FIXTURE_SCRIPTS, FIXTURES, every_type, fixture_app, input_state
from triagebot.flows import library
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.tui.app import TriageApp, make_app
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.spares import Spares
from triagebot.tui.widgets.inputs import QuestionInput
from triagebot.tui.widgets.outcome import OutcomeActions

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
BACK = FIXTURES / "spares" / "back.yaml"


async def stocked(pilot: Any, app: TriageApp) -> None:
    """Wait until the chat has built the spares for the current question's successors."""
    for _ in range(200):
        await pilot.pause()
        if isinstance(app.screen, ChatScreen) and app.screen.stocked:
            return
        await pilot.pause(0.01)
    raise AssertionError("the spares were not built")


async def walk(app: TriageApp, keys: list[str]) -> tuple[list[dict[str, Any]], list[bool]]:
    """Press ``keys``, waiting for the spares before each; the input's state after each
    key, and for each answer whether the input it left shown had been built before it."""
    states, built_before = [], []
    async with app.run_test(size=SIZE) as pilot:
        await stocked(pilot, app)
        for key in keys:
            assert isinstance(app.screen, ChatScreen)
            assert app.session is not None
            before = set(app.screen.query(QuestionInput))
            asked = app.session.current
            await pilot.press(key)
            await stocked(pilot, app)
            if app.session.finished:
                break
            states.append(input_state(app))
            if app.session.current != asked:
                built_before.append(app.screen.current_input() in before)
    return states, built_before


def no_spares(monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing(self: Spares, *_: object) -> None:
        pass

    monkeypatch.setattr(Spares, "build", nothing)


@pytest.mark.parametrize(
    ("flow", "keys"),
    [
        # every type in turn: yes/no, info, choice (arrows), multi (ticks), number typed
        (every_type, FIXTURE_SCRIPTS[1][0]),
        # the French flow switched to English first (F9): the spares speak English
        (lambda: library.resolve("septic-cardiomyopathy"), ["f9", "y", "2", "y"]),
    ],
)
async def test_a_revealed_spare_is_indistinguishable_from_a_new_input(
    monkeypatch: pytest.MonkeyPatch, flow: Any, keys: list[str]
) -> None:
    """Each answer that changes the input's shape reveals a spare, which shows and answers
    exactly as the newly mounted input of a chat without spares."""
    compiled: CompiledFlow = flow()
    with_spares, built_before = await walk(make_app(compiled), keys)
    no_spares(monkeypatch)
    without, _ = await walk(make_app(compiled), keys)
    assert (with_spares, True) == (without, any(built_before))


async def test_every_type_switch_reveals_a_spare() -> None:
    """Walking every type in turn, each answer shows an input built before it: the spare."""
    _, built_before = await walk(fixture_app(every_type()), FIXTURE_SCRIPTS[1][0])
    info_choice_multi_number = [True] * 4
    assert info_choice_multi_number == built_before


async def test_back_mounts_anew_even_when_a_spare_of_that_shape_is_ready() -> None:
    """At the number, a spare yes/no is ready (for the next question); Back to the first
    yes/no question mounts a new input and leaves the spare hidden."""
    app = fixture_app(load_flow(BACK))
    async with app.run_test(size=SIZE) as pilot:
        await stocked(pilot, app)
        await pilot.press("y")
        await stocked(pilot, app)
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        spare = chat.spares.inputs.get("yes_no")
        await pilot.press("f2")
        await stocked(pilot, app)
        assert app.session is not None
        shown = chat.current_input()
        seen = (
            app.session.current,
            spare is not None,
            shown is spare,
            spare in chat.spares.inputs.values(),
        )
        assert seen == ("pain", True, False, True)


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
        await stocked(pilot, app)
        chat = app.screen
        assert isinstance(chat, ChatScreen) and app.session is not None
        yes_no = chat.current_input()
        await pilot.press("y")  # to the info node: its Continue button is another shape
        await stocked(pilot, app)
        assert yes_no is not None and kept == [yes_no]
        await pilot.press("f2")  # back to the yes/no question: a new input asks it
        await stocked(pilot, app)
        asked, steps = app.session.current, len(app.session.steps)
        assert asked == yes_no.node_id
        yes_no.submit("no")
        await pilot.pause()
        seen = (yes_no.display, chat.current_input() is yes_no, app.session.current)
        assert seen == (False, False, asked) and len(app.session.steps) == steps
    monkeypatch.undo()
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await stocked(pilot, app)
        assert isinstance(app.screen, ChatScreen)
        yes_no = app.screen.current_input()
        await pilot.press("y")
        await stocked(pilot, app)
        assert yes_no is not None and not yes_no.is_attached


async def outcome_buttons(app: TriageApp, keys: list[str]) -> tuple[list[str], str, bool]:
    """The outcome's buttons reached by ``keys`` (waiting for the spares before each), the
    focused one, and whether they were built before the last answer."""
    async with app.run_test(size=SIZE) as pilot:
        for key in keys:
            await stocked(pilot, app)
            chat = app.screen
            assert isinstance(chat, ChatScreen)
            before = set(chat.query(OutcomeActions))
            await pilot.press(key)
        await stocked(pilot, app)
        shown = [a for a in chat.query(OutcomeActions) if a.display]
        labels = [str(b.label) for a in shown for b in a.query(Button)]
        focused = app.focused
        assert len(shown) == 1 and isinstance(focused, Button)
        return labels, str(focused.label), shown[0] in before


async def test_an_outcome_reveals_spare_buttons_like_new_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The severity question may end the flow: its outcome's buttons are built ahead, and
    shown (the first one focused) as new ones are."""
    keys = FIXTURE_SCRIPTS[0][0]  # choice by its number: severe, an emergency
    labels, focused, built_before = await outcome_buttons(fixture_app(every_type()), keys)
    no_spares(monkeypatch)
    expected = await outcome_buttons(fixture_app(every_type()), keys)
    assert (expected[:2], True, False) == ((labels, focused), built_before, expected[2])


async def test_building_spares_while_the_chat_is_taken_down_is_harmless() -> None:
    """Spares built while the answer area is being removed (the app leaving as the user
    reads: Ctrl+Q) mount nothing and raise nothing."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await stocked(pilot, app)
        assert isinstance(app.screen, ChatScreen) and app.session is not None
        area = app.screen.query_one("#answer-area")
        area.remove()  # as leaving the app does: the area is pruned before it is gone
        spares = Spares()
        await spares.build(area, app.session, None)  # type: ignore[arg-type]
        assert not spares.built
