"""The conversation drawn as lines of one widget: picking an answer by key or mouse, text
selection, and lines that follow the theme and the terminal's width."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Offset
from textual.selection import SELECT_ALL, Selection

from tests.tui_support import every_type, fixed_clock, fixture_app, picked, said
from triagebot.app.exports import to_markdown, to_text
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session
from triagebot.flows.transcript_build import from_session
from triagebot.plain import run_plain
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen
from triagebot.tui.widgets.chat_log import BAR, ChatLog
from triagebot.tui.widgets.inputs import QuestionInput
from triagebot.tui.widgets.transcript import TranscriptPane

pytestmark = pytest.mark.asyncio
SIZE = (80, 24)
TO_TEMPERATURE = ["n", "enter", "1", "1", "3", "c"]
"""The fixture flow to its temperature question: four answers (no, info, Mild, Fever+Cough)."""


async def press_all(pilot: Any, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await pilot.pause()


def conversation(app: TriageApp) -> ChatLog:
    return app.screen.query_one(ChatLog)


def line_of(app: TriageApp, kind: str, node: str) -> int:
    """The first line (in the conversation) of the message of ``kind`` about ``node``."""
    view = conversation(app)
    index = next(i for i, e in enumerate(view.entries) if e.kind == kind and e.node == node)
    return view.span(index)[0]


def cell(app: TriageApp, x: int, y: int) -> Any:
    """The Rich style drawn at screen cell (x, y)."""
    strip = app.screen._compositor.render_strips()[y]
    at = 0
    for segment in strip:
        if at <= x < at + len(segment.text):
            return segment.style
        at += len(segment.text)
    raise AssertionError(f"no cell at {x}")


async def test_a_click_on_an_answer_opens_it_to_change() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        y = line_of(app, "answer", "severity")
        assert await pilot.click(ChatLog, offset=(14, y))
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        assert app.screen.node_id == "severity"


async def test_a_click_on_a_question_changes_nothing() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        y = line_of(app, "question", "severity")
        await pilot.click(ChatLog, offset=(4, y))
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None and app.session.current == "temperature"


async def test_picking_stops_at_the_first_answer_and_goes_on_to_the_input_past_the_last() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*TO_TEMPERATURE, "f3"])
        assert picked(app) == ("symptoms", None)
        await press_all(pilot, ["up"] * 5)
        assert picked(app) == ("seen_before", None)
        await press_all(pilot, ["down"] * 2)
        assert picked(app) == ("symptoms", None)
        await press_all(pilot, ["down"])
        assert picked(app) is None
        assert isinstance(app.focused.parent.parent, QuestionInput)  # type: ignore[union-attr]


async def test_the_picked_answer_is_drawn_reversed_and_scrolled_into_view() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*TO_TEMPERATURE, "f3", "up", "up", "up"])
        assert picked(app) == ("seen_before", None)
        view = conversation(app)
        y = view.region.y + line_of(app, "answer", "seen_before")
        assert view.region.y <= y < app.screen.query_one("#answer-area").region.y
        assert cell(app, 15, y).reverse
        await press_all(pilot, ["down"])
        assert not cell(app, 15, y).reverse


async def test_tab_to_the_conversation_picks_the_latest_answer_and_keeps_it_in_view() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        view = conversation(app)
        for _ in range(8):
            if app.focused is view:
                break
            await press_all(pilot, ["shift+tab"])
        assert picked(app) == ("symptoms", None)
        await pilot.pause()
        y = view.region.y + line_of(app, "answer", "symptoms")
        assert cell(app, 15, y).reverse


async def test_mouse_selection_gives_the_text_as_shown_without_the_bars() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        view = conversation(app)
        text, _ = view.get_selection(SELECT_ALL) or ("", "")
        assert BAR not in text
        assert "  How severe is it?\n             Mild\n" in text
        # A selection within the question's line: just those columns.
        y = line_of(app, "question", "severity")
        part, _ = view.get_selection(Selection(Offset(2, y), Offset(6, y))) or ("", "")
        assert part == "How "


async def test_selected_text_is_highlighted() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        view = conversation(app)
        y = line_of(app, "question", "severity")
        app.screen.selections = {view: Selection(Offset(2, y), Offset(6, y))}
        await pilot.pause()
        chosen = app.screen.get_component_rich_style("screen--selection")
        row = view.region.y + y
        assert cell(app, 6, row).bgcolor == chosen.bgcolor
        assert cell(app, 12, row).bgcolor != chosen.bgcolor


async def test_messages_are_redrawn_in_a_new_themes_colours() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        view = conversation(app)
        y = view.region.y + line_of(app, "answer", "severity")
        before = cell(app, 15, y).bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        after = cell(app, 15, y).bgcolor
        assert after != before
        assert after == view.get_component_rich_style("chat-log--answer").bgcolor


async def test_a_narrower_terminal_wraps_the_messages_again() -> None:
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, TO_TEMPERATURE)
        view = conversation(app)
        wide = view.size.height
        await pilot.resize_terminal(40, 24)
        await pilot.pause()
        assert view.size.width < 40
        assert view.size.height > wide
        lines = [view.render_line(y).cell_length for y in range(view.size.height)]
        assert max(lines) <= view.size.width


async def test_after_back_and_another_answer_every_line_on_screen_is_the_new_one() -> None:
    """Textual keeps the lines it drew; those below a change must be drawn again."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, [*TO_TEMPERATURE, "f2", "f2", "2"])
        assert app.session is not None and app.session.answers["severity"] == "moderate"
        view = conversation(app)
        strips = app.screen._compositor.render_strips()
        top, left = view.region.y, view.region.x  # where line 0 is (above the screen: < 0)
        region = app.screen.query_one(TranscriptPane).region
        shown = range(max(0, region.y - top), min(view.size.height, region.bottom - top))
        on_screen = [
            strips[top + y].crop(left, left + view.size.width).text.replace(BAR, " ").rstrip()
            for y in shown
        ]
        assert on_screen == [view._plain(y) for y in shown]
        assert any("Moderate" in line for line in on_screen)


async def test_an_info_message_reads_the_same_in_every_front_end_and_export() -> None:
    """An info message, its placeholder filled, is in the TUI, plain mode and both exports."""
    flow = load_flow(Path(__file__).parent / "data" / "conversation" / "info-placeholder.yaml")
    app = fixture_app(flow)
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y"])
        tui = [entry.text for entry in said(app, "info")]
    out = io.StringIO()
    run_plain(flow, io.StringIO("y\n\n"), out, offer=False)
    plain = [line.strip() for line in out.getvalue().splitlines() if "Fever answered" in line]
    session = Session(flow, fixed_clock)
    session.answer("yes")
    transcript = from_session(session)
    text = [line[2:] for line in to_text(transcript).splitlines() if "Fever answered" in line]
    markdown = [line for line in to_markdown(transcript).splitlines() if "Fever answered" in line]
    shown = ["Fever answered: yes."]
    assert (shown, shown, shown, ["- _Fever answered: yes._"]) == (tui, plain, text, markdown)
