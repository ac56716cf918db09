"""Changing an earlier answer: the question again, with its input, over the chat."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from triagebot.flows.catalog import words
from triagebot.flows.schema import Question
from triagebot.tui.keymap import EDIT_BINDINGS, drop_if_left, key_words
from triagebot.tui.messages import AnswerChanged, AnswerSubmitted
from triagebot.tui.widgets.inputs import QuestionInput, input_for


class EditScreen(ModalScreen[None]):
    """Posts AnswerChanged; the app applies it (``Session.edit``) and closes this screen.

    A repeated group's member is changed in one ``round``, named under the title.
    """

    BINDINGS: ClassVar[list[BindingType]] = EDIT_BINDINGS

    def __init__(  # noqa: PLR0913 (what the screen shows, by keyword)
        self,
        node_id: str,
        question: Question,
        current: str,
        *,
        lang: str | None = None,
        round: int | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__()
        self.node_id = node_id
        self.question = question
        self.current = current
        self.lang = lang
        self.round = round
        self.where = where
        """The round as shown (``Branch 1 of up to 6``); None outside groups."""

    def compose(self) -> ComposeResult:
        said = words(self.lang)
        with Vertical(id="edit-box"):
            yield Static(said.edit_title, classes="edit-title")
            if self.where is not None:
                yield Static(Text(self.where), classes="edit-round")
            yield Static(Text(self.question.prompt), classes="edit-prompt")
            yield Static(Text(said.answer_now.format(answer=self.current)), classes="hint")
            yield input_for(self.node_id, self.question, self.lang)
            yield Static(key_words(self.lang).esc_cancels, classes="hint")

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus)

    def _focus(self) -> None:
        self.query_one(QuestionInput).focus_input()

    def on_key(self, event: events.Key) -> None:
        drop_if_left(self, event)

    @on(AnswerSubmitted)
    def _changed(self, event: AnswerSubmitted) -> None:
        event.stop()
        self.post_message(AnswerChanged(event.origin, event.question_id, event.raw, self.round))
