"""Pilot tests: the TUI driven by keys alone, as a clinician would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Button, Input, OptionList, Static

from tests.tui_support import (
    BUNDLED_SCRIPTS,
    FIXTURE_SCRIPTS,
    every_type,
    fixture_app,
    picked,
    said,
)
from triagebot.app import library
from triagebot.flows.exports import to_text
from triagebot.flows.transcript_build import from_session
from triagebot.tui.app import TriageApp
from triagebot.tui.keymap import ACTIONS
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.screens.edit import EditScreen
from triagebot.tui.screens.start import StartScreen
from triagebot.tui.screens.why import WhyScreen
from triagebot.tui.widgets.inputs import NumberInput, QuestionInput
from triagebot.tui.widgets.outcome import OutcomeCard

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)


def error_text(app: object) -> str:
    """The refusal shown under the current input."""
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one(QuestionInput).query_one(".error", Static).content)


async def press_all(pilot: object, keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("flow_id", "keys", "outcome"),
    [
        (flow_id, keys, outcome)
        for flow_id, runs in BUNDLED_SCRIPTS.items()
        for keys, outcome in runs
    ],
)
async def test_bundled_flow_reaches_its_outcome_by_keys(
    flow_id: str, keys: list[str], outcome: str
) -> None:
    """Keys alone walk a bundled flow to the expected outcome, shown as a card."""
    app = TriageApp(library.resolve(flow_id))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_all(pilot, keys)
        assert app.session is not None
        assert outcome == app.session.current
        assert [outcome] == [card.view.id for card in app.screen.query(OutcomeCard)]


@pytest.mark.parametrize(("keys", "outcome"), FIXTURE_SCRIPTS)
async def test_fixture_flow_reaches_each_urgency_by_keys(keys: list[str], outcome: str) -> None:
    """Every question type answers by keys (numbers, arrows, ticks, typing, suggestions)."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_all(pilot, keys)
        assert app.session is not None
        assert outcome == app.session.current


async def test_start_screen_filters_and_starts_with_enter() -> None:
    """Typing filters the list; Enter starts the highlighted flow; overdue flows are marked."""
    app = fixture_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        listing = app.screen.query_one("#flow-list", OptionList)
        assert listing.option_count == 2
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(2)]
        assert ["REVIEW OVERDUE" in p for p in prompts] == [False, True]
        await press_all(pilot, list("overdue"))
        assert listing.option_count == 1
        await press_all(pilot, ["enter"])
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None
        assert app.session.flow.id == "overdue"


async def test_back_key_returns_to_the_previous_question_past_info() -> None:
    """F2 goes back a question, passing over the info message, and the transcript follows."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "f2"])
        assert app.session is not None
        assert app.session.current == "seen_before"
        assert said(app, "answer") == []


async def test_changing_an_earlier_answer_supersedes_what_no_longer_applies() -> None:
    """F3, arrows and Enter open an earlier answer; a new answer re-routes and drops the rest."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "1", "3", "c", *"39", "enter"])
        assert app.session is not None
        assert app.session.current == "urgent"
        await press_all(pilot, ["f3", "up", "up"])
        assert picked(app) == ("severity", None)
        await press_all(pilot, ["enter"])
        assert isinstance(app.screen, EditScreen)
        await press_all(pilot, ["3"])
        assert isinstance(app.screen, ChatScreen)
        assert app.session.current == "emergency"
        dropped = [entry.node for entry in said(app, "superseded")]
        assert dropped == ["symptoms", "temperature"]
        changed = [entry.status for entry in said(app, "answer")]
        assert changed == ["", "changed"]


async def test_an_edit_keeps_later_answers_that_still_apply() -> None:
    """Changing the first answer re-uses the later ones (marked kept) and re-routes."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "2", "c", *"37", "enter"])
        assert app.session is not None
        assert app.session.current == "routine"
        await press_all(pilot, ["f3", "up", "up", "up", "enter", "y"])
        assert app.session.current == "nothing"
        statuses = [entry.status for entry in said(app, "answer")]
        assert statuses == ["changed", "kept", "kept", "kept"]


async def test_after_an_edit_the_keys_answer_the_question_asked_now() -> None:
    """An edit that leaves the current question in place gives it the keys back: the next
    key answers it, not the transcript that picked the answer to change."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "f3", "enter", "2"])  # mild -> moderate
        assert isinstance(app.screen, ChatScreen)
        assert app.session is not None and app.session.current == "symptoms"
        await press_all(pilot, ["1", "c"])
        assert app.session.current == "temperature"
        assert app.session.steps[-1].value == ("fever",)


async def test_after_an_edit_to_an_outcome_its_buttons_have_the_keys() -> None:
    """An edit after the outcome leaves the focus on the outcome's buttons."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "3"])  # severe: emergency
        await press_all(pilot, ["f3", "up", "enter", "y"])  # seen before: no -> yes
        assert app.session is not None and app.session.current == "emergency"
        assert [entry.status for entry in said(app, "answer")] == ["changed", "kept"]
        assert isinstance(app.focused, Button)
        assert (
            app.focused.parent is not None and type(app.focused.parent).__name__ == "OutcomeActions"
        )


# Bad numbers: each is refused with the core's message, and the session stays put.
BAD_NUMBERS = [
    (list("abc"), "'abc' is not a number: enter a number from 30 to 45 °C, or unknown"),  # letters
    (list("50"), "50 is out of range: enter a number from 30 to 45 °C, or unknown"),  # too high
    ([], "no value entered: enter a number from 30 to 45 °C, or unknown"),  # empty
]


@pytest.mark.parametrize(("keys", "message"), BAD_NUMBERS)
async def test_bad_numbers_are_refused_with_what_is_accepted(keys: list[str], message: str) -> None:
    """Enter on a bad number shows why and what is accepted; nothing moves."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "c", *keys, "enter"])
        assert app.session is not None
        assert app.session.current == "temperature"
        assert message == error_text(app)


async def test_a_bad_number_is_flagged_as_typed() -> None:
    """Validation runs as the user types, before Enter."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "c", "4", "6"])
        assert error_text(app) == "46 is out of range: enter a number from 30 to 45 °C, or unknown"
        assert app.screen.query_one(NumberInput).has_class("-invalid")
        await press_all(pilot, ["backspace", "backspace"])
        assert error_text(app) == ""


# A key that answers nothing, on each kind of input: (keys to reach it, key, message).
STRAY_KEYS = [
    ([], "x", "'x' does not answer this question · Yes (y) · No (n) · Unsure (u)"),  # yes/no
    (["n"], "x", "'x' does not answer this question · Continue (Enter)"),  # info
    (
        ["n", "enter"],
        "7",  # a number past the last option
        "'7' does not answer this question · ↑↓ and Enter, or the option's number (1–3)",
    ),
    (
        ["n", "enter", "1"],
        "x",
        "'x' does not answer this question · Space or number ticks · c confirms · "
        "nothing ticked = None of these (1–3)",
    ),
]


@pytest.mark.parametrize(("keys", "stray", "message"), STRAY_KEYS)
async def test_a_key_that_answers_nothing_says_which_keys_do(
    keys: list[str], stray: str, message: str
) -> None:
    """A stray key answers nothing, says how to answer, and the session stays put."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, keys)
        assert app.session is not None
        asked, steps = app.session.current, len(app.session.steps)
        await press_all(pilot, [stray])
        assert (asked, steps) == (app.session.current, len(app.session.steps))
        assert message == error_text(app)


async def test_keys_that_answer_or_tick_say_nothing() -> None:
    """Numbers and Space tick options, letters go into a number field: no stray-key line."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "1", "down", "space"])
        assert error_text(app) == ""
        await press_all(pilot, ["c", "a"])  # confirmed; 'a' typed into the number field
        assert app.session is not None and app.session.current == "temperature"
        assert error_text(app) == "'a' is not a number: enter a number from 30 to 45 °C, or unknown"


async def test_the_stray_key_line_clears_with_the_next_question() -> None:
    """Once a question is answered, its stray-key line does not follow to the next one."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["x", "y"])
        assert app.session is not None and app.session.current == "check_kit"
        await press_all(pilot, ["enter", "9"])  # severity: a choice, reused or not
        assert "'9' does not answer this question" in error_text(app)
        await press_all(pilot, ["1"])
        assert error_text(app) == ""


async def test_a_100_kb_paste_is_refused() -> None:
    """A huge paste into the number input is refused as too long, and the app stays up."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "c"])
        field = app.screen.query_one(Input)
        field.post_message(events.Paste("7" * 100_000))
        await press_all(pilot, ["enter"])
        assert app.session is not None
        assert app.session.current == "temperature"
        expected = (
            "that is 100000 characters, too long for a number: "
            "enter a number from 30 to 45 °C, or unknown"
        )
        assert expected == error_text(app)


async def test_why_key_shows_reason_and_source_even_from_an_input() -> None:
    """F1 opens why-we-ask and the source citation while the number input has focus."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "c"])
        assert isinstance(app.focused, Input)
        await press_all(pilot, ["f1"])
        assert isinstance(app.screen, WhyScreen)
        text = str(app.screen.query_one("#why-text", Static).content)
        assert "A high temperature makes it urgent." in text
        assert "The fixture's own made-up source, Section 5" in text
        await press_all(pilot, ["escape"])
        assert isinstance(app.screen, ChatScreen)


async def test_back_key_works_while_an_input_has_focus() -> None:
    """F2 reaches the app even though a focused Input takes most keys."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["n", "enter", "1", "c", "3", "f2"])
        assert app.session is not None
        assert app.session.current == "symptoms"


async def test_outcome_exports_copies_and_restarts(tmp_path: Path) -> None:
    """From the outcome: F5 writes the transcript, F6 copies it, F7 restarts, F8 lists flows."""
    app = fixture_app(every_type(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "3"])
        assert app.session is not None
        expected = to_text(from_session(app.session))
        await press_all(pilot, ["f5", "enter", "f6"])  # F5 asks the format: text first
        written = [
            (p.read_text(encoding="utf-8"), p.stat().st_mode & 0o777) for p in tmp_path.iterdir()
        ]
        assert [(expected, 0o600)] == written  # owner-only: a transcript is patient data
        assert expected == app.clipboard
        await press_all(pilot, ["f7"])
        assert app.session.current == "seen_before"
        assert app.screen.query(OutcomeCard).nodes == []
        await press_all(pilot, ["f8"])
        assert isinstance(app.screen, StartScreen)


async def test_f5_again_overwrites_nothing_and_never_asks_for_force(tmp_path: Path) -> None:
    """F5 twice says where the transcript already is (no second file, no "--force", which
    the TUI cannot give); after more answers, F5 writes a new file next to the first."""
    app = fixture_app(every_type(), export_dir=tmp_path)
    said: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **_: said.append(message)  # type: ignore[method-assign]
        f5 = ["f5", "enter"]  # F5 asks for the format; Enter takes plain text (the first)
        await press_all(pilot, ["y", *f5, *f5, "enter", "1", *f5])
        assert app.session is not None
        now = to_text(from_session(app.session))
    files = sorted(path.name for path in tmp_path.iterdir())
    first = tmp_path / "every-type-20250601-093000.txt"
    second = tmp_path / "every-type-20250601-093000-2.txt"
    expected_said = [
        f"Transcript saved to {first}",
        f"This transcript is already saved in {first}",
        f"Transcript saved to {second}",
    ]
    assert (["every-type-20250601-093000-2.txt", "every-type-20250601-093000.txt"], now) == (
        files,
        second.read_text(encoding="utf-8"),
    )
    assert expected_said == said


async def test_command_palette_lists_every_action_at_the_outcome() -> None:
    """Every app action is offered in the command palette; the language switch only for a
    flow written in several languages (the fixture has one)."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "3"])
        titles = [command.title for command in app.get_system_commands(app.screen)]
        offered = [f"{label} ({key.upper()})" for key, _, label, _ in ACTIONS]
        expected = [title for title in offered if title != "Language (F9)"]
        assert expected == [t for t in titles if t in offered]


async def test_outcome_card_names_its_urgency_in_words() -> None:
    """The card reads without colour: the urgency is a word in its title."""
    app = fixture_app(every_type())
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y", "enter", "3"])
        title = app.screen.query_one(".outcome-title", Static)
        assert str(title.content) == "EMERGENCY — Severe — send to the emergency department"


async def test_consecutive_yes_no_questions_reuse_one_input() -> None:
    """A run of yes/no answers keeps one input, answering anew; Back mounts a new one.

    (A key already on its way to the old input must not answer the earlier question.)
    """
    app = TriageApp(library.resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await press_all(pilot, ["y"])  # on to the run of questions that allow unsure
        first = app.screen.query_one(QuestionInput)
        seen = []
        for key in ["n", "n", "f2"]:  # two yes/no answers, then back one question
            await press_all(pilot, [key])
            assert app.session is not None
            shown = app.screen.query_one(QuestionInput)
            seen.append((shown is first, shown.node_id == app.session.current, shown.has_focus))
        assert seen == [(True, True, True), (True, True, True), (False, True, True)]
