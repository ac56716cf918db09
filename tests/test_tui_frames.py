"""The first frame drawn after an answer shows the next question whole: its message in
view in the transcript and its input, never a frame with one and not the other.

A probe records what the first frame the compositor draws after ``ChatScreen.show``
showed (as the key benchmark stamps it), and how many layouts the screen made for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from textual.screen import Screen

from tests.tui_support import FIXTURE_SCRIPTS, every_type, fixture_app, question_drawn
from triagebot.app.library import resolve
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import Session
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.outcome import OutcomeCard
from triagebot.tui.widgets.transcript import TranscriptPane

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)

HEPARIN_NUMBERS = [
    *["n", "n", *"7", "enter", "n", "n", "n", "n"],
    *[*"3", "enter", *"90", "enter", *"2000", "enter", "1", *"1", "enter"],
]
"""heparin: yes/no questions, then a run of numbers and a choice (inputs of different
heights)."""


@dataclass
class Shown:
    """One ``ChatScreen.show``: the question, what the first frame drawn after it showed,
    and how many layouts the screen made before the next."""

    node: str
    drawn_whole: bool | None = None
    card_top: int | None = None
    """Rows from the transcript's top to an outcome card's, in that frame."""
    layouts: int = 0


@pytest.fixture
def shows(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Shown]]:
    """Every ``ChatScreen.show``, probed at the compositor's first frame after it; the
    layouts are counted by the screen's public layout signal."""
    seen: list[Shown] = []
    show, draw = ChatScreen.show, Screen._compositor_refresh
    counted: set[ChatScreen] = set()

    def laid_out(_screen: Screen[object]) -> None:
        if seen:
            seen[-1].layouts += 1

    async def shown(self: ChatScreen, session: Session) -> None:
        if self not in counted:
            counted.add(self)
            self.screen_layout_refresh_signal.subscribe(self, laid_out, immediate=True)
        await show(self, session)
        seen.append(Shown(session.current))

    def drawn(self: Screen[object]) -> None:
        draw(self)
        last = seen[-1] if seen else None
        if isinstance(self, ChatScreen) and last is not None and last.drawn_whole is None:
            last.drawn_whole = question_drawn(self)
            cards = self.query(OutcomeCard)
            if cards:
                last.card_top = cards.first().region.y - self.query_one(TranscriptPane).region.y

    monkeypatch.setattr(ChatScreen, "show", shown)
    monkeypatch.setattr(Screen, "_compositor_refresh", drawn)
    yield seen


async def walk(flow: CompiledFlow, keys: list[str]) -> None:
    app = fixture_app(flow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()


@pytest.mark.parametrize(("keys", "outcome"), FIXTURE_SCRIPTS)
async def test_first_frame_after_an_answer_shows_the_question(
    shows: list[Shown], keys: list[str], outcome: str
) -> None:
    """Every type of question in turn (the input changes height): each first frame shows
    the question's message and its input."""
    await walk(every_type(), keys)
    seen = [(shown.node, shown.drawn_whole) for shown in shows]
    assert [(node, True) for node, _ in seen] == seen
    assert outcome == seen[-1][0]


async def test_first_frame_shows_each_question_of_a_number_run(shows: list[Shown]) -> None:
    """heparin's yes/no questions then numbers: each first frame shows the question."""
    await walk(resolve("heparin"), HEPARIN_NUMBERS)
    outcome = "proceed"
    seen = [(shown.node, shown.drawn_whole) for shown in shows]
    assert [(node, True) for node, _ in seen] == seen
    assert outcome == seen[-1][0]


async def test_first_frame_shows_a_tall_outcome_from_its_top(shows: list[Shown]) -> None:
    """cauda-equina's emergency card, taller than the transcript, is scrolled to its top
    (under its margin line) in the first frame that shows it, not a frame later."""
    await walk(resolve("cauda-equina"), ["y", "u"])
    under_its_margin = ("emergency_mri", 1)
    assert under_its_margin == (shows[-1].node, shows[-1].card_top)


async def test_an_answer_button_pressed_with_enter_does_not_look_pressed() -> None:
    """No pressed look on an answer button: it was drawn before the answer was handled
    (delaying the next question a frame or two) and stayed on the reused button of the
    next question. cauda-equina: No pressed with Tab, Enter; the next yes/no question
    reuses the input."""
    app = fixture_app(resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "tab", "tab")  # Tab to Yes, Tab to No
        no = app.focused
        await pilot.press("enter")
        assert app.session is not None
        answers = [(step.node, step.value) for step in app.session.steps]
        reused = no is not None and no.is_attached
        looks_pressed = no is not None and no.has_class("-active")
        expected = ([("back_or_leg_pain", "yes"), ("urinary_difficulty", "no")], True, False)
        assert expected == (answers, reused, looks_pressed)


async def test_an_answer_that_reuses_the_input_is_drawn_in_one_layout(
    shows: list[Shown],
) -> None:
    """cauda-equina's run of yes/no questions, once the transcript scrolls: each answer
    that reuses the input is laid out once (no second layout for the new messages)."""
    await walk(resolve("cauda-equina"), ["y", "n", "n", "n", "n", "n"])
    expected = [("rectal_sensation_loss", 1), ("retention_or_incontinence", 1)]
    assert expected == [(shown.node, shown.layouts) for shown in shows[-3:-1]]
