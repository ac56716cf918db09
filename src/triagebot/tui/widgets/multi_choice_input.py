"""A multi-choice question's input: ticks, confirmed with Enter on Confirm (or c)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Static

from triagebot.flows.schema import (
    InfoNode,
    MultiChoiceQuestion,
    Question,
)
from triagebot.tui.keymap import key_words
from triagebot.tui.widgets.choice_input import items, numbers
from triagebot.tui.widgets.option_lists import Ticks
from triagebot.tui.widgets.question_input import NUMBER_KEYS, InputFor, QuestionInput, answer_button


class MultiChoiceInput(QuestionInput):
    """Any number of options: Space or the number toggles, Enter on Confirm (or c) answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"tick({n})", show=False) for n, key in enumerate(NUMBER_KEYS, 1)),
        Binding("c", "confirm", "Confirm", show=False),
    ]

    def __init__(
        self, node_id: str, question: MultiChoiceQuestion, lang: str | None = None
    ) -> None:
        super().__init__(node_id, lang)
        self.question = question

    def compose(self) -> ComposeResult:
        yield from self.compose_hint(self._hint())
        yield Ticks(items(self.question))
        yield from self.compose_more()
        yield answer_button(key_words(self.lang).confirm_button, "confirm", "confirm")
        yield from self.compose_error()

    def _hint(self) -> str:
        return key_words(self.lang).multi_choice_hint.format(none=self.question.none_label)

    def answer_keys(self) -> str:
        return "".join(NUMBER_KEYS[: len(self.question.options)]) + "c "

    def key_help(self) -> str:
        return f"{self._hint()} ({numbers(len(self.question.options))})"

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, MultiChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.query_one(".hint", Static).update(self._hint())
        self.query_one(Ticks).show_items(items(node))  # and every tick goes with them
        self.show_error("")
        return True

    def draft(self) -> object | None:
        ticks = self.query_one(Ticks)
        return (ticks.selected, ticks.highlighted)

    def restore(self, draft: object) -> None:
        assert isinstance(draft, tuple)
        ticked, highlighted = draft
        ticks = self.query_one(Ticks)
        ticks.tick(ticked)
        ticks.highlighted = highlighted

    def action_tick(self, number: int) -> None:
        if number <= len(self.question.options):
            self.query_one(Ticks).toggle(self.question.options[number - 1].id)

    def action_confirm(self) -> None:
        self.submit(self.query_one(Ticks).selected)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()


INPUT: InputFor = MultiChoiceInput
