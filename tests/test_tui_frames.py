"""The first frame drawn after an answer shows the next question whole: its message in
view in the transcript and its input, never a frame with one and not the other.

A probe runs after the first frame that follows ``ChatScreen.show`` (as the key benchmark
stamps it) and records what that frame showed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tui_support import FIXTURE_SCRIPTS, every_type, fixture_app, question_drawn
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.library import resolve
from triagebot.tui.screens.chat import ChatScreen
from triagebot.tui.widgets.outcome import OutcomeCard
from triagebot.tui.widgets.transcript import Transcript

pytestmark = pytest.mark.asyncio

SIZE = (80, 24)

HEPARIN_NUMBERS = [
    *["n", "n", *"7", "enter", "n", "n", "n", "n"],
    *[*"3", "enter", *"90", "enter", *"2000", "enter", *"0", "enter", *"1", "enter"],
]
"""heparin: yes/no questions, then a run of numbers (inputs of different heights)."""


@pytest.fixture
def first_frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """(question on screen, whether the first frame after it was shown showed it whole),
    for every ``ChatScreen.show``."""
    seen: list[tuple[str, bool]] = []
    original = ChatScreen.show

    async def probed(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        current = self.app.session.current  # type: ignore[attr-defined]
        self.call_after_refresh(lambda: seen.append((current, question_drawn(self))))

    monkeypatch.setattr(ChatScreen, "show", probed)
    yield seen


@pytest.fixture
def card_tops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Rows between the transcript's top and an outcome card's, in the first frame after
    the card was shown."""
    tops: list[int] = []
    original = ChatScreen.show

    def measure(screen: ChatScreen) -> None:
        cards = screen.query(OutcomeCard)
        if cards:
            tops.append(cards.first().region.y - screen.query_one(Transcript).region.y)

    async def probed(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        self.call_after_refresh(measure, self)

    monkeypatch.setattr(ChatScreen, "show", probed)
    yield tops


async def walk(flow: CompiledFlow, keys: list[str]) -> None:
    app = fixture_app(flow)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()


@pytest.mark.parametrize(("keys", "outcome"), FIXTURE_SCRIPTS)
async def test_first_frame_after_an_answer_shows_the_question(
    first_frames: list[tuple[str, bool]], keys: list[str], outcome: str
) -> None:
    """Every type of question in turn (the input changes height): each first frame shows
    the question's message and its input."""
    await walk(every_type(), keys)
    assert [(node, True) for node, _ in first_frames] == first_frames
    assert outcome == first_frames[-1][0]


async def test_first_frame_shows_each_question_of_a_number_run(
    first_frames: list[tuple[str, bool]],
) -> None:
    """heparin's yes/no questions then numbers: each first frame shows the question."""
    await walk(resolve("heparin"), HEPARIN_NUMBERS)
    outcome = "proceed"
    assert [(node, True) for node, _ in first_frames] == first_frames
    assert outcome == first_frames[-1][0]


async def test_first_frame_shows_a_tall_outcome_from_its_top(card_tops: list[int]) -> None:
    """cauda-equina's emergency card, taller than the transcript, is scrolled to its top
    (under its margin line) in the first frame that shows it, not a frame later."""
    await walk(resolve("cauda-equina"), ["y", "u"])
    under_its_margin = [1]
    assert under_its_margin == card_tops


async def test_an_answer_button_pressed_with_enter_does_not_look_pressed() -> None:
    """No pressed look on an answer button: it was drawn before the answer was handled
    (delaying the next question a frame or two) and stayed on the reused button of the
    next question. cauda-equina: No pressed with Tab, Enter; the next yes/no question
    reuses the input."""
    app = fixture_app(resolve("cauda-equina"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y", "tab")
        no = app.focused
        await pilot.press("enter")
        assert app.session is not None
        answers = [(step.node, step.value) for step in app.session.steps]
        reused = no is not None and no.is_attached
        looks_pressed = no is not None and no.has_class("-active")
        expected = ([("back_or_leg_pain", "yes"), ("urinary_difficulty", "no")], True, False)
        assert expected == (answers, reused, looks_pressed)


@pytest.fixture
def settled_at_first(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """(question shown, whether nothing was left to lay out or repaint after the first
    frame that showed it), for every ``ChatScreen.show``."""
    seen: list[tuple[str, bool]] = []
    original = ChatScreen.show

    def settled(screen: ChatScreen) -> bool:
        return not (screen._layout_required or screen._repaint_required or screen._dirty_widgets)

    async def probed(self: ChatScreen, session: object) -> None:
        await original(self, session)  # type: ignore[arg-type]
        current = self.app.session.current  # type: ignore[attr-defined]
        self.call_after_refresh(lambda: seen.append((current, settled(self))))

    monkeypatch.setattr(ChatScreen, "show", probed)
    yield seen


async def test_an_answer_that_reuses_the_input_is_drawn_in_one_layout(
    settled_at_first: list[tuple[str, bool]],
) -> None:
    """cauda-equina's run of yes/no questions, once the transcript scrolls: each answer
    that reuses the input leaves nothing to lay out after its first frame (no second
    layout for the new messages)."""
    await walk(resolve("cauda-equina"), ["y", "n", "n", "n", "n"])
    expected = [("rectal_sensation_loss", True), ("retention_or_incontinence", True)]
    assert expected == settled_at_first[-2:]
