"""A yes/no question's input: a button per answer, and its words' first letters as keys."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button

from triagebot.flows.catalog import CATALOG, words
from triagebot.flows.schema import (
    UNSURE,
    InfoNode,
    Question,
    YesNoQuestion,
)
from triagebot.tui.widgets.question_input import InputFor, QuestionInput, answer_button
from triagebot.tui.wording import key_of, yes_no_keys

YES_NO_LETTERS = sorted(
    {"y", "n", "u"}
    | {word[0].lower() for w in CATALOG.values() for word in (w.yes, w.no, w.unsure)}
)
"""Every key a yes/no answer may have in some language; each input takes its own."""


class YesNoInput(QuestionInput, can_focus=True):
    """Yes / No (/ Unsure) as buttons, each answerable with one key (its word's letter, or
    y / n / u).

    The input itself takes the focus, not a button: no answer is pre-selected, and Enter
    answers only once an arrow key or Tab moved to a button (principle 8).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(letter, f"key('{letter}')", show=False) for letter in YES_NO_LETTERS),
        Binding("enter", "nothing_chosen", show=False),
        *(Binding(key, "move(1)", show=False) for key in ("right", "down")),
        *(Binding(key, "move(-1)", show=False) for key in ("left", "up")),
    ]

    def __init__(self, node_id: str, question: YesNoQuestion, lang: str | None = None) -> None:
        super().__init__(node_id, lang)
        self.question = question
        self.keys = yes_no_keys(question, lang)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            for answer in ("yes", "no", UNSURE):
                button = answer_button(self._label(answer), answer, f"answer-{answer}")
                # Unsure is always there, shown when the question allows it: a run of
                # yes/no questions reuses one input whether or not they allow it.
                button.display = answer != UNSURE or self.question.allow_unsure
                yield button
        yield from self.compose_error()

    def _label(self, answer: str) -> str:
        """The answer's word and, when the question allows the answer, its key."""
        said = words(self.lang)
        word = {"yes": said.yes, "no": said.no, UNSURE: said.unsure}[answer].capitalize()
        return f"{word} ({key_of(answer, self.keys)})" if answer in self.keys.values() else word

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, YesNoQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.keys = yes_no_keys(node, self.lang)
        unsure = self.query_one(f".answer-{UNSURE}", Button)
        unsure.label = self._label(UNSURE)
        unsure.display = node.allow_unsure
        self.show_error("")
        return True

    def answer_keys(self) -> str:
        return "".join(self.keys)

    def key_help(self) -> str:
        shown = ["yes", "no", *([UNSURE] if self.question.allow_unsure else [])]
        return " · ".join(self._label(answer) for answer in shown)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "key":
            return parameters[0] in self.keys
        return True

    def action_key(self, letter: str) -> None:
        self.submit(self.keys[letter])

    def action_nothing_chosen(self) -> None:
        self.nothing_chosen()

    def action_move(self, step: int) -> None:
        """Move the focus to the next (or previous) answer button; from the input itself,
        to the first (or last)."""
        buttons = [button for button in self.query(Button) if button.display]
        focused = self.app.focused
        if focused in buttons:
            index = max(0, min(len(buttons) - 1, buttons.index(focused) + step))
        else:
            index = 0 if step > 0 else len(buttons) - 1
        buttons[index].focus()

    def focus_target(self) -> Widget:
        return self

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit(event.button.name)


INPUT: InputFor = YesNoInput
