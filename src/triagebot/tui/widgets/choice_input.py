"""A choice question's input: one option, by number or arrows."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList

from triagebot.flows.schema import (
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    Question,
)
from triagebot.tui.keymap import key_words
from triagebot.tui.widgets.option_lists import Item, Options
from triagebot.tui.widgets.question_input import NUMBER_KEYS, InputFor, QuestionInput


def numbers(count: int) -> str:
    """The option numbers that have a key, e.g. 1 to 3 (written with an en dash)."""
    last = min(count, len(NUMBER_KEYS))
    return "1" if last == 1 else f"1–{last}"


def items(question: ChoiceQuestion | MultiChoiceQuestion) -> list[Item]:
    """A question's options as listed, numbered while a number key picks them."""
    return [
        Item(o.id, o.label, o.detail, n if n <= len(NUMBER_KEYS) else None)
        for n, o in enumerate(question.options, 1)
    ]


class ChoiceInput(QuestionInput):
    """One option of several: arrows and Enter, or the option's number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"pick({n})", show=False) for n, key in enumerate(NUMBER_KEYS, 1)
    ]

    def __init__(self, node_id: str, question: ChoiceQuestion, lang: str | None = None) -> None:
        super().__init__(node_id, lang)
        self.question = question

    def compose(self) -> ComposeResult:
        yield from self.compose_hint(key_words(self.lang).choice_hint)
        yield Options(items(self.question))
        yield from self.compose_more()
        yield from self.compose_error()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, ChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.query_one(Options).show_items(items(node))
        self.show_error("")
        return True

    def answer_keys(self) -> str:
        return "".join(NUMBER_KEYS[: len(self.question.options)])

    def key_help(self) -> str:
        return f"{key_words(self.lang).choice_hint} ({numbers(len(self.question.options))})"

    def draft(self) -> object | None:
        return self.query_one(OptionList).highlighted

    def restore(self, draft: object) -> None:
        if isinstance(draft, int):
            self.query_one(OptionList).highlighted = draft

    def action_pick(self, number: int) -> None:
        if number <= len(self.question.options):
            self.submit(self.question.options[number - 1].id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit(event.option.id)


INPUT: InputFor = ChoiceInput
