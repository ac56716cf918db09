"""Principle 8, no answer without an explicit act: nothing is pre-selected, and Enter on a
question the keys have not moved in records nothing and says which keys answer.

An answer is given by a key that names it (y / n / u, an option's number, a typed value
confirmed with Enter, ticks confirmed with c) or by Enter once an arrow key or Tab moved to
an answer. An info message is acknowledged with Enter: that is not an answer (nothing is
recorded for it), so Enter there goes on.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from tests.tui_support import (
    FIXTURES,
    TODAY,
    every_type,
    fixed_clock,
    fixture_app,
    paths_to_questions,
    show_question,
)
from triagebot.app import library
from triagebot.flows.compiler import load_flow
from triagebot.flows.schema import InfoNode
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen
from triagebot.tui.widgets.inputs import QuestionInput

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
YES_NO = FIXTURES / "reuse" / "yes_no.yaml"
NOTHING = "Nothing chosen yet: Enter records nothing · "


def refusal(app: TriageApp) -> str:
    """The line under the input shown (the chat's question, or the edit screen's)."""
    screen = app.screen
    shown = screen.current_input() if isinstance(screen, ChatScreen) else None
    shown = shown or screen.query_one(QuestionInput)
    return str(shown.query_one(".error", Static).content)


def where(app: TriageApp) -> tuple[str, int]:
    """The question asked and how many steps are recorded."""
    assert app.session is not None
    return (app.session.current, len(app.session.steps))


async def press_all(pilot: Any, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


# (flow, keys to reach the question, the key pressed alone, what is said)
UNMOVED = [
    # yes/no with unsure
    (every_type, [], "enter", NOTHING + "Yes (y) · No (n) · Unsure (u)"),
    # yes/no without unsure
    (lambda: load_flow(YES_NO), [], "enter", NOTHING + "Yes (y) · No (n)"),
    # choice
    (every_type, ["n", "enter"], "enter", NOTHING + "↑↓ and Enter, or the option's number (1–3)"),
    # ticks: Enter, then Space, with no option moved to
    (
        every_type,
        ["n", "enter", "1"],
        "enter",
        NOTHING + "Space or number ticks · c confirms · nothing ticked = None of these (1–3)",
    ),
    (
        every_type,
        ["n", "enter", "1"],
        "space",
        NOTHING + "Space or number ticks · c confirms · nothing ticked = None of these (1–3)",
    ),
    # a number: Enter on the empty field
    (
        every_type,
        ["n", "enter", "1", "c"],
        "enter",
        "no value entered: enter a number from 30 to 45 °C, or unknown",
    ),
    # a number: Enter on its suggestions, none moved to
    (
        every_type,
        ["n", "enter", "1", "c", "tab"],
        "enter",
        NOTHING + "Enter a number from 30 to 45 °C, or unknown · decimal comma accepted",
    ),
]


@pytest.mark.parametrize(("flow", "keys", "key", "said"), UNMOVED)
async def test_a_key_on_an_unmoved_question_records_nothing(
    flow: Any, keys: list[str], key: str, said: str
) -> None:
    """Enter (or Space) before any move answers nothing, says which keys answer, and the
    session stays where it was."""
    app = fixture_app(flow())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, keys)
        before = where(app)
        await press_all(pilot, [key])
        assert (before, said) == (where(app), refusal(app))


# (keys to reach the question, keys that move then answer, the question, its answer)
MOVED = [
    ([], ["right", "enter"], "seen_before", "yes"),  # → to Yes
    ([], ["tab", "enter"], "seen_before", "yes"),  # Tab to Yes
    ([], ["right", "right", "enter"], "seen_before", "no"),  # → → to No
    ([], ["left", "enter"], "seen_before", "unsure"),  # ← from none: the last, Unsure
    (["n", "enter"], ["down", "enter"], "severity", "mild"),  # ↓ from none: the first
    (["n", "enter"], ["up", "enter"], "severity", "severe"),  # ↑ from none: the last
    (["n", "enter", "1"], ["down", "space", "c"], "symptoms", ("fever",)),  # ticked, confirmed
    (["n", "enter", "1"], ["down", "enter", "c"], "symptoms", ("fever",)),  # Enter ticks too
    (["n", "enter", "1"], ["c"], "symptoms", ()),  # c confirms nothing ticked: none of these
    (["n", "enter", "1", "c"], ["tab", "down", "enter"], "temperature", 37.0),  # a suggestion
]


@pytest.mark.parametrize(("keys", "moves", "question", "answer"), MOVED)
async def test_moving_to_an_answer_then_enter_answers_it(
    keys: list[str], moves: list[str], question: str, answer: object
) -> None:
    """Once an arrow key or Tab moved to an answer, Enter gives it (c confirms ticks)."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*keys, *moves])
        assert app.session is not None
        assert answer == app.session.answers.get(question)


async def test_enter_on_an_info_message_goes_on_and_records_no_answer() -> None:
    """An info message is acknowledged with Enter: the flow goes on, nothing is answered."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter"])
        assert app.session is not None
        info = [(s.node, s.value) for s in app.session.steps if s.node == "check_kit"]
        assert (app.session.current, info) == (("severity", [("check_kit", None)]))


async def test_a_stray_enter_never_answers_a_changed_answer() -> None:
    """F3, Enter opens the earlier yes/no question: Enter there changes nothing (nothing is
    pre-selected there either); n then changes it, and the keys go back to the question."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "f3", "up", "up", "enter"])
        assert isinstance(app.screen, EditScreen)
        await press_all(pilot, ["enter"])
        assert app.session is not None
        stray = (type(app.screen), app.session.answers["seen_before"], refusal(app))
        await press_all(pilot, ["n"])
        after = (type(app.screen), app.session.answers["seen_before"])
        shown = app.screen.current_input() if isinstance(app.screen, ChatScreen) else None
        focused = shown is not None and app.focused is shown.focus_target()
        said = NOTHING + "Yes (y) · No (n) · Unsure (u)"
        assert ((EditScreen, "yes", said), (ChatScreen, "no"), True) == (stray, after, focused)


async def test_back_gives_the_keys_to_the_question_again() -> None:
    """After F2 the earlier question takes y at once, and Enter there records nothing."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "f2", "f2"])
        stray = where(app)
        await press_all(pilot, ["enter"])
        assert stray == where(app)
        await press_all(pilot, ["n"])
        assert app.session is not None
        assert (app.session.current, app.session.answers["seen_before"]) == ("check_kit", "no")


BUNDLED = sorted(path.stem for path in library.flow_files([library.bundled_dir()]))


@pytest.mark.parametrize("flow_id", BUNDLED)
async def test_a_stray_enter_answers_no_bundled_question(flow_id: str) -> None:
    """At every question of every bundled flow, a stray Enter records nothing (in eCPR it
    must not end the flow at "contraindication?")."""
    flow = library.resolve(flow_id)
    app = TriageApp(flow, clock=fixed_clock, today=TODAY)
    answered = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for node_id, answers in paths_to_questions(flow).items():
            if isinstance(flow.flow.nodes[node_id], InfoNode):
                continue
            await show_question(app, node_id, answers)
            await press_all(pilot, ["enter"])
            assert app.session is not None
            if (app.session.current, len(app.session.steps)) != (node_id, len(answers)):
                answered[node_id] = app.session.current
    assert answered == {}


async def test_a_button_moved_to_does_not_carry_to_the_next_question() -> None:
    """Yes moved to and entered: the next yes/no question (the same input, reused) has
    nothing moved to, and a second Enter records nothing."""
    app = TriageApp(library.resolve("cauda-equina"), clock=fixed_clock, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["right", "enter"])
        after_one = where(app)
        await press_all(pilot, ["enter"])
        assert (1, after_one) == (after_one[1], where(app))
