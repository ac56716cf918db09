"""A number question's input: a field checked as typed, and common values to pick."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, OptionList, Static

from triagebot.flows.answers import AnswerError, accepted, format_number, parse_answer
from triagebot.flows.catalog import words
from triagebot.flows.layout import repeats
from triagebot.flows.schema import (
    UNKNOWN,
    InfoNode,
    NumberQuestion,
    Question,
)
from triagebot.tui.widgets.option_lists import Item, Options
from triagebot.tui.widgets.ordered_input import OrderedInput
from triagebot.tui.widgets.question_input import InputFor, QuestionInput
from triagebot.tui.wording import number_raw


class AnswerValidator(Validator):
    """Validation as typed, by the core's own ``parse_answer`` (never a second copy)."""

    def __init__(self, question: NumberQuestion, lang: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.lang = lang

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_answer(self.question, number_raw(self.question, value, self.lang), self.lang)
        except AnswerError as error:
            return self.failure(str(error))
        return self.success()


class NumberInput(QuestionInput):
    """A number with its unit and range shown; suggestions offered, typing always allowed."""

    def __init__(self, node_id: str, question: NumberQuestion, lang: str | None = None) -> None:
        super().__init__(node_id, lang)
        self.question = question

    def compose(self) -> ComposeResult:
        question, lang = self.question, self.lang
        yield from self.compose_hint(_number_hint(question, lang))
        with Horizontal(classes="number-row"):
            yield OrderedInput(
                placeholder=_placeholder(question, lang),
                validators=[AnswerValidator(question, lang)],
                validate_on=["changed"],
            )
            yield Static(question.unit or "", classes="unit")
        items = _suggestions(question, lang)
        listing = Options(items, classes="suggestions")
        # Always there, shown when the question has suggestions: a run of numbers
        # reuses one input whether or not they have them.
        listing.display = bool(items)
        yield listing
        yield from self.compose_more()
        yield from self.compose_error()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, NumberQuestion):
            return False
        lang = self.lang
        self.node_id, self.question = node_id, node
        self.query_one(".hint", Static).update(_number_hint(node, lang))
        self.query_one(".unit", Static).update(node.unit or "")
        field = self.query_one(OrderedInput)
        field.validators = [AnswerValidator(node, lang)]
        field.placeholder = _placeholder(node, lang)
        # Nothing typed for the last question carries over, nor its -valid look: cleared
        # unvalidated, as a new field is (validating "" drew the refused look, and each
        # of its class changes restyled the field).
        field.validate_on = set()
        field.clear()
        field.validate_on = {"changed"}
        field.remove_class("-valid", "-invalid")
        items = _suggestions(node, lang)
        listing = self.query_one(".suggestions", Options)
        listing.show_items(items)
        listing.display = bool(items)
        self.show_error("")
        return True

    def key_help(self) -> str:
        return _number_hint(self.question, self.lang)

    def draft(self) -> object | None:
        return self.query_one(OrderedInput).value or None

    def restore(self, draft: object) -> None:
        field = self.query_one(OrderedInput)
        field.value = str(draft)
        field.cursor_position = len(field.value)
        # Focusing selects all by default: the next key would replace what was typed.
        field.select_on_focus = False

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        result = event.validation_result
        typed = bool(event.value.strip())
        if result is None or result.is_valid or not typed:
            self.show_error("")
        else:
            self.show_error(_first(result, self.lang))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(number_raw(self.question, event.value, self.lang))

    @on(OptionList.OptionSelected)
    def _suggested(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        self.submit(UNKNOWN if option_id == UNKNOWN else float(option_id))


def _number_hint(question: NumberQuestion, lang: str | None) -> str:
    return words(lang).number_hint.format(accepted=accepted(question, lang))


def _placeholder(question: NumberQuestion, lang: str | None) -> str:
    return f"{format_number(question.min, lang)}–{format_number(question.max, lang)}"


def _suggestions(question: NumberQuestion, lang: str | None) -> list[Item]:
    items = [
        Item(
            repr(s.value),
            _suggested_text(f"{format_number(s.value, lang)}{_unit(question)}", s.label),
        )
        for s in question.suggestions
    ]
    if question.allow_unknown:
        items.append(Item(UNKNOWN, words(lang).unknown))
    return items


def _unit(question: NumberQuestion) -> str:
    return f" {question.unit}" if question.unit else ""


def _first(result: ValidationResult, lang: str | None) -> str:
    return result.failure_descriptions[0] if result.failure_descriptions else words(lang).refused


def _suggested_text(shown: str, label: str) -> str:
    """``900 mL/h — a standard rate``; the value once when the label only repeats it."""
    return shown if repeats(label, shown) else f"{shown} — {label}"


INPUT: InputFor = NumberInput
