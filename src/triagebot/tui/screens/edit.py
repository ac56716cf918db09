"""Changing an earlier answer: the question again, with its input, over the chat."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from triagebot.flows.schema import Question
from triagebot.tui.messages import AnswerChanged, AnswerSubmitted
from triagebot.tui.widgets.inputs import QuestionInput, input_for


class EditScreen(ModalScreen[None]):
    """Posts AnswerChanged; the app applies it (``Session.edit``) and closes this screen."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Cancel", priority=True)]

    def __init__(self, node_id: str, question: Question, current: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.question = question
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-box"):
            yield Static("Change an earlier answer", classes="edit-title")
            yield Static(Text(self.question.prompt), classes="edit-prompt")
            yield Static(Text(f"Answer now: {self.current}"), classes="hint")
            yield input_for(self.node_id, self.question)
            yield Static("Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus)

    def _focus(self) -> None:
        self.query_one(QuestionInput).focus_input()

    @on(AnswerSubmitted)
    def _changed(self, event: AnswerSubmitted) -> None:
        event.stop()
        self.post_message(AnswerChanged(event.origin, event.question_id, event.raw))
