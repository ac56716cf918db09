"""Keys that arrive in one read from the terminal reach the field in the order typed, and
never act on a screen that is leaving.

``send_bytes`` feeds the bytes to Textual's xterm parser and posts the events at once, as
the terminal driver does; Pilot's ``press`` waits after each key and cannot show this.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList

from tests.tui_support import FIXTURES, every_type, fixture_app, send_bytes
from triagebot.app import library
from triagebot.flows.compiler import load_flow
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.start import StartScreen

SIZE = (80, 24)
RUNS = FIXTURES / "reuse" / "runs.yaml"
TO_TEMPERATURE = ["n", "enter", "1", "c"]
"""Keys from the fixture's first question to its number question (temperature, 30-45 °C)."""


def test_the_parser_reads_backspace_backspace_7_as_three_keys() -> None:
    """The xterm parser is not the culprit: DEL DEL 7 in one read is three keys, in order."""
    keys = [(e.key, e.character) for e in XTermParser().feed("\x7f\x7f7")]
    assert keys == [("backspace", "\x7f"), ("backspace", "\x7f"), ("7", "7")]


class BareInputApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


@pytest.mark.asyncio
async def test_textuals_own_input_still_misorders_a_burst() -> None:
    """Canary for Textual #6605: a plain Input applies 7 before two Backspaces ("1", not "7").

    When this fails, Textual handles bursts in order and OrderedInput can be retired.
    """
    app = BareInputApp()
    async with app.run_test(size=SIZE) as pilot:
        send_bytes(app, "12")
        await pilot.pause()
        send_bytes(app, "\x7f\x7f7")
        await pilot.pause()
        assert app.query_one(Input).value == "1"


# (bytes typed into the empty number field in one read, the field's value after)
BURSTS = [
    ("12\x7f\x7f7", "7"),  # the reported case: two Backspaces then a digit
    ("3\x7f\x7f39", "39"),  # a Backspace more than there is to delete
    ("12\x08\x087", "7"),  # Backspace sent as ^H, as some terminals do
    ("38\x1b[D5", "358"),  # left arrow, then a digit inserted before the 8
    ("385\x1b[D\x1b[3~", "38"),  # left arrow, then Delete removes the 5
    ("39\x1b[H4", "439"),  # Home, then a digit at the start
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("data", "expected"), BURSTS)
async def test_a_burst_of_keys_reaches_the_number_field_in_order(data: str, expected: str) -> None:
    """Editing keys and digits arriving in one read apply in the order typed."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in TO_TEMPERATURE:
            await pilot.press(key)
        send_bytes(app, data)
        await pilot.pause()
        assert expected == app.screen.query_one(Input).value


@pytest.mark.asyncio
async def test_backspaces_and_a_digit_in_one_read_after_typing() -> None:
    """12 typed, then Backspace, Backspace, 7 in one read (tmux send-keys) leaves 7."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in TO_TEMPERATURE:
            await pilot.press(key)
        send_bytes(app, "12")
        await pilot.pause()
        send_bytes(app, "\x7f\x7f7")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "7"


@pytest.mark.asyncio
async def test_enter_in_a_burst_submits_what_was_typed_before_it() -> None:
    """40, two Backspaces, 38, Enter in one read answers 38, not 40 or a mix."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in TO_TEMPERATURE:
            await pilot.press(key)
        send_bytes(app, "40\x7f\x7f38\r")
        await pilot.pause()
        assert app.session is not None
        assert (app.session.answers["temperature"], app.session.current) == (38.0, "routine")


@pytest.mark.asyncio
async def test_a_burst_reaches_the_start_screen_filter_in_order() -> None:
    """The flow filter takes a burst with Backspaces in order too."""
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        send_bytes(app, "xy\x7f\x7fevery")
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "every"


@pytest.mark.asyncio
async def test_digits_typed_just_before_back_never_land_in_the_previous_field() -> None:
    """1, 2 then F2 in one read: back on the previous number question, its field is empty."""
    app = fixture_app(load_flow(RUNS))
    async with app.run_test(size=SIZE) as pilot:
        for key in ["1", "1", "c", "c", *"70", "enter"]:  # on to age, after weight
            await pilot.press(key)
        send_bytes(app, "12\x1bOQ")  # F2 is ESC O Q
        await pilot.pause()
        assert app.session is not None
        field = app.screen.query_one(Input)
        assert (app.session.current, field.value) == ("weight", "")


@pytest.mark.asyncio
async def test_an_answer_key_just_before_back_never_answers_the_previous_question() -> None:
    """n then F2 in one read at the third question: Back acts first; n answers nothing."""
    app = TriageApp(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        for key in ["y", "n"]:  # to the third question, past a run of yes/no questions
            await pilot.press(key)
        await pilot.pause()
        assert app.session is not None
        before = dict(app.session.answers)
        third = app.session.current
        send_bytes(app, "n\x1bOQ")
        await pilot.pause()
        answered_since = {k: v for k, v in app.session.answers.items() if before.get(k) != v}
        assert (answered_since, app.session.current != third) == ({}, True)


# Keys as a terminal sends them (xterm): what tmux send-keys writes in one go.
F8 = "\x1b[19~"
DOWN = "\x1b[B"


@pytest.mark.asyncio
async def test_f8_down_f8_in_one_read_lists_the_flows() -> None:
    """F8 Down F8 in one read: the flows are listed, the app runs on (it crashed on a Down
    sent to a start screen that had left)."""
    app = TriageApp(library.resolve("ecpr"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        send_bytes(app, F8 + DOWN + F8)
        await pilot.pause()
        await pilot.pause()
        assert (StartScreen, None, None) == (type(app.screen), app.session, app.return_code)


@pytest.mark.asyncio
async def test_enter_then_down_in_the_picker_starts_the_flow_highlighted() -> None:
    """Enter Down in one read starts the flow highlighted when Enter was pressed, not the
    one below it."""
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = app.screen.query_one("#flow-list", OptionList)
        assert listing.highlighted == 0 and listing.option_count > 1
        screen = app.screen
        assert isinstance(screen, StartScreen)
        highlighted = screen.flows[str(listing.get_option_at_index(0).id)].id
        send_bytes(app, "\r" + DOWN)
        await pilot.pause()
        await pilot.pause()
        assert app.session is not None
        assert highlighted == app.session.flow.id


@pytest.mark.asyncio
async def test_enter_twice_in_the_picker_starts_one_session() -> None:
    """Enter Enter in one read starts the flow once."""
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        started = []
        original = app.start_flow

        async def counted(flow: Any, patient: str | None = None) -> None:
            started.append(flow.id)
            await original(flow, patient)

        app.start_flow = counted  # type: ignore[method-assign]
        send_bytes(app, "\r\r")
        await pilot.pause()
        await pilot.pause()
        assert len(started) == 1


# (keys to a question of the fixture flow, bytes sent with F8 in one read after them)
ENTER_THEN_F8 = [
    (["n", "enter", "1", "c"], "37\r"),  # a number typed and entered
    (["n", "enter"], DOWN + "\r"),  # a choice moved to and entered
    (["n", "enter", "1", "c"], "\t" + DOWN + "\r"),  # a suggestion moved to and entered
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("keys", "data"), ENTER_THEN_F8)
async def test_enter_then_f8_on_a_question_starts_no_flow(keys: list[str], data: str) -> None:
    """An answer entered then F8 in one read: the flows are listed and none is started
    (the Enter reached the start screen's filter and started the flow highlighted there)."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        send_bytes(app, data + F8)
        await pilot.pause()
        await pilot.pause()
        assert (StartScreen, None) == (type(app.screen), app.session)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hep\r", "heparin"),  # a filter matching one flow, then Enter, in one read
        ("sep\r", "septic-cardiomyopathy"),
        ("ecpr" + DOWN + "\r", "ecpr"),  # Down in a list of one stays on it
        ("crt\r", "crt-lead"),
    ],
)
async def test_a_filter_typed_with_enter_in_one_read_starts_the_flow_it_shows(
    typed: str, expected: str
) -> None:
    """Typing a filter and Enter in one read starts the flow the filter leaves highlighted,
    never the first of the unfiltered list (a fast typist got cauda-equina for 'hep')."""
    app = TriageApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        send_bytes(app, typed)
        await pilot.pause()
        await pilot.pause()
        assert app.session is not None
        assert expected == app.session.flow.id
