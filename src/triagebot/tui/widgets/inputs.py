"""The input under the transcript: one widget per question type, all posting AnswerSubmitted.

Validation is the core's (``parse_answer``): these widgets only collect what was typed or
picked, and show the core's message when the app refuses it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from triagebot.flows.answers import AnswerError, accepted, format_number, parse_answer
from triagebot.flows.schema import (
    UNKNOWN,
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.tui.messages import AnswerSubmitted
from triagebot.tui.widgets.ordered_input import OrderedInput

NUMBER_KEYS = [str(n) for n in range(1, 10)]


class QuestionInput(Vertical):
    """Base of the inputs: knows its question, submits raw answers, shows refusals."""

    def __init__(self, node_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="question-input")
        self.node_id = node_id

    def compose_hint(self, text: str) -> ComposeResult:
        yield Static(text, classes="hint")

    def compose_error(self) -> ComposeResult:
        yield Static("", classes="error")

    def submit(self, raw: object) -> None:
        self.post_message(AnswerSubmitted(self, self.node_id, raw))

    def show_error(self, message: str) -> None:
        """Show why an answer was refused (the core's message, which says what is accepted)."""
        self.query_one(".error", Static).update(message)
        self.set_class(bool(message), "-invalid")

    def focus_input(self) -> None:
        """Put the keyboard focus where the answer is given."""
        focusable = self.query("Button, OptionList, SelectionList, Input").first()
        focusable.focus()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        """Show ``node`` in this mounted widget, as a fresh one would; False if it cannot.

        Re-mounting an input costs a few frames; a run of yes/no questions (most of a
        clinical flow) only needs the question it answers swapped and any refusal cleared.
        """
        return False


class YesNoInput(QuestionInput):
    """Yes / No (/ Unsure) as buttons, each answerable with one key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "choose('yes')", "Yes", show=False),
        Binding("n", "choose('no')", "No", show=False),
        Binding("u", "choose('unsure')", "Unsure", show=False),
    ]

    def __init__(self, node_id: str, question: YesNoQuestion) -> None:
        super().__init__(node_id)
        self.question = question

    def compose(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Yes (y)", name="yes", classes="answer-yes", compact=True)
            yield Button("No (n)", name="no", classes="answer-no", compact=True)
            if self.question.allow_unsure:
                yield Button("Unsure (u)", name="unsure", classes="answer-unsure", compact=True)
        yield from self.compose_error()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, YesNoQuestion) or node.allow_unsure != self.question.allow_unsure:
            return False
        self.node_id, self.question = node_id, node
        self.show_error("")
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("unsure",):
            return self.question.allow_unsure
        return True

    def action_choose(self, value: str) -> None:
        self.submit(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit(event.button.name)


def _numbered(number: int, label: str, detail: str | None) -> Text:
    text = Text(f"{number}. {label}" if number <= len(NUMBER_KEYS) else f"   {label}")
    if detail:
        text.append(f"\n   {detail}", style="dim")
    return text


class ChoiceInput(QuestionInput):
    """One option of several: arrows and Enter, or the option's number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"pick({n})", show=False) for n, key in enumerate(NUMBER_KEYS, 1)
    ]

    def __init__(self, node_id: str, question: ChoiceQuestion) -> None:
        super().__init__(node_id)
        self.question = question

    def compose(self) -> ComposeResult:
        yield from self.compose_hint("↑↓ and Enter, or the option's number")
        yield OptionList(*self._options(), compact=True)
        yield from self.compose_error()

    def _options(self) -> list[Option]:
        return [
            Option(_numbered(n, o.label, o.detail), id=o.id)
            for n, o in enumerate(self.question.options, 1)
        ]

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, ChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        listing = self.query_one(OptionList)
        listing.set_options(self._options())
        listing.highlighted = 0
        listing.scroll_home(animate=False, immediate=True)
        self.show_error("")
        return True

    def action_pick(self, number: int) -> None:
        if number <= len(self.question.options):
            self.submit(self.question.options[number - 1].id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit(event.option.id)


class MultiChoiceInput(QuestionInput):
    """Any number of options: Space or the number toggles, Enter on Confirm (or c) answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"tick({n})", show=False) for n, key in enumerate(NUMBER_KEYS, 1)),
        Binding("c", "confirm", "Confirm", show=False),
    ]

    def __init__(self, node_id: str, question: MultiChoiceQuestion) -> None:
        super().__init__(node_id)
        self.question = question

    def compose(self) -> ComposeResult:
        yield from self.compose_hint(self._hint())
        yield SelectionList[str](*self._selections(), compact=True)
        yield Button("Confirm (c)", name="confirm", classes="confirm", compact=True)
        yield from self.compose_error()

    def _hint(self) -> str:
        return f"Space or number ticks · c confirms · nothing ticked = {self.question.none_label}"

    def _selections(self) -> list[tuple[Text, str]]:
        return [
            (_numbered(n, o.label, o.detail), o.id) for n, o in enumerate(self.question.options, 1)
        ]

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, MultiChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.query_one(".hint", Static).update(self._hint())
        listing = self.query_one(SelectionList)
        listing.clear_options()  # and every tick with them
        listing.add_options(self._selections())
        listing.highlighted = 0
        listing.scroll_home(animate=False, immediate=True)
        self.show_error("")
        return True

    def action_tick(self, number: int) -> None:
        if number <= len(self.question.options):
            self.query_one(SelectionList).toggle(self.question.options[number - 1].id)

    def action_confirm(self) -> None:
        self.submit(list(self.query_one(SelectionList).selected))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()


class AnswerValidator(Validator):
    """Validation as typed, by the core's own ``parse_answer`` (never a second copy)."""

    def __init__(self, question: NumberQuestion) -> None:
        super().__init__()
        self.question = question

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_answer(self.question, value)
        except AnswerError as error:
            return self.failure(str(error))
        return self.success()


class NumberInput(QuestionInput):
    """A number with its unit and range shown; suggestions offered, typing always allowed."""

    def __init__(self, node_id: str, question: NumberQuestion) -> None:
        super().__init__(node_id)
        self.question = question

    def compose(self) -> ComposeResult:
        question = self.question
        yield from self.compose_hint(_number_hint(question))
        with Horizontal(classes="number-row"):
            yield OrderedInput(
                placeholder=_placeholder(question),
                validators=[AnswerValidator(question)],
                validate_on=["changed"],
            )
            yield Static(question.unit or "", classes="unit")
        options = _suggestions(question)
        if options:
            yield OptionList(*options, classes="suggestions", compact=True)
        yield from self.compose_error()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, NumberQuestion):
            return False
        options = _suggestions(node)
        listings = self.query(".suggestions").results(OptionList)
        listing = next(listings, None)
        if bool(options) != (listing is not None):
            return False  # the suggestions list would have to come or go: mount anew
        self.node_id, self.question = node_id, node
        self.query_one(".hint", Static).update(_number_hint(node))
        self.query_one(".unit", Static).update(node.unit or "")
        field = self.query_one(OrderedInput)
        field.validators = [AnswerValidator(node)]
        field.placeholder = _placeholder(node)
        field.clear()  # nothing typed for the last question carries over
        if listing is not None:
            listing.set_options(options)
            listing.highlighted = 0
        self.show_error("")
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        result = event.validation_result
        typed = bool(event.value.strip())
        self.show_error("" if result is None or result.is_valid or not typed else _first(result))

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    @on(OptionList.OptionSelected)
    def _suggested(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        self.submit(UNKNOWN if option_id == UNKNOWN else float(option_id))


def _number_hint(question: NumberQuestion) -> str:
    return f"Enter {accepted(question)} · decimal comma accepted"


def _placeholder(question: NumberQuestion) -> str:
    return f"{format_number(question.min)}–{format_number(question.max)}"


def _suggestions(question: NumberQuestion) -> list[Option]:
    options = [
        Option(Text(f"{format_number(s.value)}{_unit(question)} — {s.label}"), id=repr(s.value))
        for s in question.suggestions
    ]
    if question.allow_unknown:
        options.append(Option("unknown", id=UNKNOWN))
    return options


def _unit(question: NumberQuestion) -> str:
    return f" {question.unit}" if question.unit else ""


def _first(result: ValidationResult) -> str:
    return result.failure_descriptions[0] if result.failure_descriptions else "not accepted"


class InfoInput(QuestionInput):
    """An info message needs only an acknowledgement."""

    def compose(self) -> ComposeResult:
        yield Button("Continue (Enter)", name="continue", classes="continue", compact=True)

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, InfoNode):
            return False
        self.node_id = node_id
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit(None)


def input_for(node_id: str, node: Question | InfoNode) -> QuestionInput:
    """The input widget for a node."""
    if isinstance(node, YesNoQuestion):
        return YesNoInput(node_id, node)
    if isinstance(node, ChoiceQuestion):
        return ChoiceInput(node_id, node)
    if isinstance(node, MultiChoiceQuestion):
        return MultiChoiceInput(node_id, node)
    if isinstance(node, NumberQuestion):
        return NumberInput(node_id, node)
    return InfoInput(node_id)


def focus_first(widget: Widget) -> None:
    """Focus the input inside ``widget`` if it has one."""
    for found in widget.query(QuestionInput).results():
        found.focus_input()
        return
