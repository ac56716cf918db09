"""An info message's input: one button that goes on."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from triagebot.flows.schema import (
    InfoNode,
    Question,
)
from triagebot.tui.keymap import key_words
from triagebot.tui.widgets.question_input import InputFor, QuestionInput, answer_button


class InfoInput(QuestionInput):
    """An info message needs only an acknowledgement."""

    def __init__(self, node_id: str, node: InfoNode, lang: str | None = None) -> None:
        super().__init__(node_id, lang)

    def compose(self) -> ComposeResult:
        label = key_words(self.lang).continue_button
        yield answer_button(label, "continue", "continue")
        yield from self.compose_error()

    def key_help(self) -> str:
        return key_words(self.lang).continue_button

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, InfoNode):
            return False
        self.node_id = node_id
        self.show_error("")
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit(None)


INPUT: InputFor = InfoInput
