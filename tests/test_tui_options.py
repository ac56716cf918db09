"""Principle 9, every option visible: at 80x24 each option of a question shows with its
detail, or the list says how many more follow and scrolls with the keys; a tick reads
ticked or not in glyphs, not colour alone.

What is on screen is read from the rows the terminal is sent (``screen_lines``), not from
the list's own count: the count under a list must match what a clinician sees.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.tui_support import (
    FIXTURES,
    TODAY,
    every_type,
    fixed_clock,
    fixture_app,
    paths_to_questions,
    question_drawn,
    screen_lines,
    show_question,
)
from triagebot.app import library
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.schema import ChoiceQuestion, MultiChoiceQuestion, NumberQuestion
from triagebot.tui.app import TriageApp
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.option_lists import Options

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)
TEN_FLAGS = FIXTURES / "options" / "ten-flags.yaml"


def listed_questions(flow: CompiledFlow) -> dict[str, list[object]]:
    """The questions of ``flow`` that list options or suggestions, each with the answers
    that reach it."""
    paths = paths_to_questions(flow)
    listed = {}
    for node_id, answers in paths.items():
        node = flow.flow.nodes[node_id]
        if isinstance(node, ChoiceQuestion | MultiChoiceQuestion) or (
            isinstance(node, NumberQuestion) and (node.suggestions or node.allow_unknown)
        ):
            listed[node_id] = answers
    return listed


def the_list(app: TriageApp) -> Options:
    screen = app.screen
    assert isinstance(screen, ChatScreen)
    shown = screen.current_input()
    assert shown is not None
    return shown.query_one(Options)


def said_more(app: TriageApp) -> tuple[int, int]:
    """What the line under the list says: options out of view (above, below)."""
    more = the_list(app).parent.query_one(".more", Static)  # type: ignore[union-attr]
    if not more.display:
        return (0, 0)
    text = str(more.content)
    above = re.search(r"↑\D*(\d+)", text)
    below = re.search(r"↓\D*(\d+)", text)
    return (int(above.group(1)) if above else 0, int(below.group(1)) if below else 0)


def on_screen(app: TriageApp) -> list[tuple[bool, bool]]:
    """For each option of the list: (its label on screen, its label and detail both)."""
    text = "\n".join(screen_lines(app))
    return [
        (
            item.label[:30] in text,
            item.label[:30] in text and (item.detail is None or item.detail[:30] in text),
        )
        for item in the_list(app).items
    ]


def out_of_view(shown: list[tuple[bool, bool]]) -> tuple[int, int]:
    """Options whose label is not on screen, above and below the first one that is."""
    labels = [label for label, _ in shown]
    first = labels.index(True) if True in labels else len(labels)
    above = labels[:first].count(False)
    return (above, labels.count(False) - above)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the list to count what is out of view, and for the line under it."""
    for _ in range(3):
        await pilot.pause()


async def check_every_option(app: TriageApp, pilot: Pilot[Any]) -> list[str]:
    """Walk the list option by option; every problem seen (none: all is well)."""
    problems = []
    await settle(pilot)
    listing = the_list(app)
    if listing.highlighted is not None:
        problems.append("an option is highlighted before any key")
    if not question_drawn(app.screen):
        problems.append("the question is not wholly in view")
    if not isinstance(app.focused, Options):
        await pilot.press("tab")  # a number's suggestions: from the field to the list
    for step in range(len(listing.items) + 1):
        await settle(pilot)
        shown = on_screen(app)
        said = said_more(app)
        if said != out_of_view(shown):
            problems.append(f"step {step}: says {said}, shows {shown}")
        if said == (0, 0) and not all(whole for _, whole in shown):
            problems.append(f"step {step}: an option in part, none said to be out of view")
        moved_to = listing.highlighted
        if moved_to is not None and not shown[moved_to][1]:
            problems.append(f"step {step}: option {moved_to} moved to, not shown whole")
        await pilot.press("down")
    return problems


BUNDLED = sorted(path.stem for path in library.flow_files([library.bundled_dir()]))


@pytest.mark.parametrize("flow_id", BUNDLED)
async def test_every_option_of_a_bundled_question_shows_or_is_counted(flow_id: str) -> None:
    """Each list of every bundled flow at 80x24: every option with its detail on screen,
    or the line under it counts those out of view, as the keys move through them."""
    flow = library.resolve(flow_id)
    app = TriageApp(flow, clock=fixed_clock, today=TODAY)
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for node_id, answers in listed_questions(flow).items():
            await show_question(app, node_id, answers)
            found = await check_every_option(app, pilot)
            if found:
                problems[node_id] = found
    assert problems == {}


@pytest.mark.parametrize("node_id", ["flags", "kind"])
async def test_ten_long_options_say_how_many_more_and_follow_the_keys(node_id: str) -> None:
    """Ten options too long for 80x24 (ticks, then a choice): the line under them counts
    those below at first and those above at the last, which is then on screen."""
    flow = load_flow(TEN_FLAGS)
    app = fixture_app(flow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await show_question(app, node_id, paths_to_questions(flow)[node_id])
        await settle(pilot)
        first = (said_more(app), on_screen(app)[0][1])
        problems = await check_every_option(app, pilot)
        await pilot.press("up")  # back from past the last: the last stays in view
        await settle(pilot)
        last = (said_more(app)[1], on_screen(app)[-1][1], the_list(app).highlighted)
        assert (problems, first[1], last) == ([], True, (0, True, 9))
        assert (first[0][0], first[0][1] > 0) == (0, True)  # only more below, at first
        assert said_more(app)[0] > 0  # at the last: more above


async def test_ticks_read_as_glyphs_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under NO_COLOR a ticked option reads [x] and an unticked one [ ]; the option the
    keys are on is marked (MOVED_TO)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in ["n", "enter", "1", "2", "down"]:  # to the symptoms; Rash ticked
            await pilot.press(key)
        await pilot.pause()
        lines = [line.strip() for line in screen_lines(app)]
        listed = [line for line in lines if line.endswith(("Fever", "Rash", "Cough"))]
        assert (
            app.no_color,
            listed,
        ) == (True, ["› [ ] 1. Fever", "[x] 2. Rash", "[ ] 3. Cough"])


async def test_a_number_field_keeps_the_focus_over_its_suggestions() -> None:
    """A number question's field has the keys first; its suggestions highlight nothing."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        for key in ["n", "enter", "1", "c"]:
            await pilot.press(key)
        await pilot.pause()
        assert (isinstance(app.focused, Input), the_list(app).highlighted) == (True, None)
