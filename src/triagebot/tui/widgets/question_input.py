"""The input under the transcript: one widget per question type, all posting AnswerSubmitted.

Validation is the core's (``parse_answer``): these widgets only collect what was typed or
picked, and show the core's message when the app refuses it. Each input speaks the
session's language (``lang``): its buttons, hints and refusals come from the catalog, and a
yes/no question also answers to its words' first letters (``o`` for oui).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from triagebot.flows.catalog import words
from triagebot.flows.schema import (
    InfoNode,
    Question,
)
from triagebot.tui.keymap import key_words
from triagebot.tui.messages import AnswerSubmitted
from triagebot.tui.widgets.option_lists import Options

NUMBER_KEYS = [str(n) for n in range(1, 10)]
FIELDS = "Button, OptionList, Input"
"""The widgets an answer is given in: an input's first one takes the keyboard focus (a
yes/no input takes it itself: no answer is pre-selected)."""


class QuestionInput(Vertical):
    """Base of the inputs: knows its question, submits raw answers, shows refusals."""

    def __init__(self, node_id: str, lang: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="question-input")
        self.node_id = node_id
        self.lang = lang
        """The language this input speaks (the session's when it was mounted)."""
        self.retired = False
        """Taken off screen, waiting to be removed: it answers nothing (``submit``)."""

    def compose_hint(self, text: str) -> ComposeResult:
        yield Static(text, classes="hint")

    def answer_keys(self) -> str:
        """The printable keys that answer (or tick) here; a field that takes typing takes
        them before this input sees them."""
        return ""

    def key_help(self) -> str:
        """How to answer by keys, said when a key answers nothing."""
        raise NotImplementedError

    def on_key(self, event: events.Key) -> None:
        if self.retired:
            # Sent to the question this input showed, it goes no further: its binding,
            # run by the app, would act on the input that has the focus now.
            event.stop()
            event.prevent_default()
            return
        # A key that answers nothing would otherwise do nothing at all: a clinician who
        # typed 'x' or '7' (of three options) is told which keys answer.
        key = event.character
        if event.is_printable and key and key not in self.answer_keys():
            said = words(self.lang)
            self.show_error(said.key_not_accepted.format(key=key, keys=self.key_help()))

    def compose_error(self) -> ComposeResult:
        yield Static("", classes="error")

    def compose_more(self) -> ComposeResult:
        """The line under a list that says how many options are out of view."""
        more = Static("", classes="more")
        more.display = False
        yield more

    def nothing_chosen(self) -> None:
        """Enter with no answer moved to: nothing is recorded; say which keys answer."""
        self.show_error(key_words(self.lang).nothing_chosen.format(keys=self.key_help()))

    @on(Options.Unmoved)
    def _unmoved(self, event: Options.Unmoved) -> None:
        event.stop()
        self.nothing_chosen()

    @on(Options.Unseen)
    def _unseen(self, event: Options.Unseen) -> None:
        event.stop()
        said = words(self.lang)
        parts = [
            template.format(count=count)
            for template, count in ((said.more_above, event.above), (said.more_below, event.below))
            if count
        ]
        more = self.query_one(".more", Static)
        more.update(" · ".join(parts))
        more.display = bool(parts)

    def submit(self, raw: object) -> None:
        # A key on its way to this input when it was taken off screen reaches it still:
        # it answered the question this input showed, not the one on screen now.
        if not self.retired:
            self.post_message(AnswerSubmitted(self, self.node_id, raw))

    def retire(self) -> None:
        """Take this input off screen; the chat removes it once the next frame is drawn."""
        self.retired = True
        self.display = False

    def show_error(self, message: str) -> None:
        """Show why an answer was refused (the core's message, which says what is accepted)."""
        self.query_one(".error", Static).update(message)
        self.set_class(bool(message), "-invalid")

    def focus_target(self) -> Widget:
        """Where the answer is given: what takes the keyboard focus."""
        return self.query(FIELDS).first()

    def focus_input(self) -> None:
        """Put the keyboard focus where the answer is given."""
        self.focus_target().focus()

    def draft(self) -> object | None:
        """What the user has typed, ticked or highlighted but not yet answered (None if
        nothing): carried to the same question's input in another language."""
        return None

    def restore(self, draft: object) -> None:
        """Put back a ``draft`` taken from this question's input in another language."""

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        """Show ``node`` in this mounted widget, as a fresh one would; False if it cannot.

        Re-mounting an input costs a few frames; a run of yes/no questions (most of a
        clinical flow) only needs the question it answers swapped and any refusal cleared.
        """
        return False


def answer_button(label: str, name: str, classes: str) -> Button:
    """A button that answers: no pressed look, the next question is the feedback.

    Textual draws a pressed button at once (0.2 s), before the answer it posts is
    handled: that frame made the next question wait one to two frames more (the next
    frame waits for the 60 fps tick after it), and a reused yes/no button showed the
    pressed look on the next question.
    """
    button = Button(label, name=name, classes=classes, compact=True)
    button.active_effect_duration = 0
    return button


InputFor = Callable[[str, Any, str | None], QuestionInput]
"""What builds a node type's input from its id, the node and the language: each
``<type>_input`` module of this package exports its own as ``INPUT`` (see ``inputs.py``)."""
