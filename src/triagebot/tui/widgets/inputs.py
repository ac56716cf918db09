"""The input under the transcript: one widget per question type, all posting AnswerSubmitted.

Validation is the core's (``parse_answer``): these widgets only collect what was typed or
picked, and show the core's message when the app refuses it. Each input speaks the
session's language (``lang``): its buttons, hints and refusals come from the catalog, and a
yes/no question also answers to its words' first letters (``o`` for oui).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static

from triagebot.flows.answers import AnswerError, accepted, format_number, parse_answer
from triagebot.flows.catalog import CATALOG, words
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.tui.messages import AnswerSubmitted
from triagebot.tui.widgets.option_lists import Item, Options, Ticks
from triagebot.tui.widgets.ordered_input import OrderedInput
from triagebot.tui.widgets.steady import SteadyStatic
from triagebot.tui.wording import key_of, number_raw, yes_no_keys

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
        yield SteadyStatic(text, classes="hint")

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
        yield SteadyStatic("", classes="error")

    def compose_more(self) -> ComposeResult:
        """The line under a list that says how many options are out of view."""
        more = SteadyStatic("", classes="more")
        more.display = False
        yield more

    def nothing_chosen(self) -> None:
        """Enter with no answer moved to: nothing is recorded; say which keys answer."""
        self.show_error(words(self.lang).nothing_chosen.format(keys=self.key_help()))

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
        # Its field's Blur would restyle it before the next frame (~1 ms), only to drop the
        # focus look of a widget no one sees again: the flag is cleared here, unrestyled.
        self.focus_target().set_reactive(Widget.has_focus, False)

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

    def style_as_focused(self) -> None:
        """Give this hidden spare's field its focus look ahead (``triagebot.tui.spares``).

        Focusing a field restyles it when its Focus event is handled, before the next
        frame (~1 ms, more for a list); done here, while the user reads, that event finds
        it styled already. Its focus flag is set, not the screen's focus: the spare is
        hidden and gets the real focus the moment it is revealed, so nothing sees it.
        """
        if not self.query(FIELDS):
            # Composed in part or not at all: the app left while the spare was built
            # (Textual mounts nothing in an area being taken down). It is never shown.
            return
        target = self.focus_target()
        target.set_reactive(Widget.has_focus, True)
        target.update_node_styles(animate=False)

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


def _answer_button(label: str, name: str, classes: str) -> Button:
    """A button that answers: no pressed look, the next question is the feedback.

    Textual draws a pressed button at once (0.2 s), before the answer it posts is
    handled: that frame made the next question wait one to two frames more (the next
    frame waits for the 60 fps tick after it), and a reused yes/no button showed the
    pressed look on the next question.
    """
    button = Button(label, name=name, classes=classes, compact=True)
    button.active_effect_duration = 0
    return button


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
                button = _answer_button(self._label(answer), answer, f"answer-{answer}")
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


def _numbers(count: int) -> str:
    """The option numbers that have a key, e.g. 1 to 3 (written with an en dash)."""
    last = min(count, len(NUMBER_KEYS))
    return "1" if last == 1 else f"1–{last}"


def _items(question: ChoiceQuestion | MultiChoiceQuestion) -> list[Item]:
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
        yield from self.compose_hint(words(self.lang).choice_hint)
        yield Options(_items(self.question))
        yield from self.compose_more()
        yield from self.compose_error()

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, ChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.query_one(Options).show_items(_items(node))
        self.show_error("")
        return True

    def answer_keys(self) -> str:
        return "".join(NUMBER_KEYS[: len(self.question.options)])

    def key_help(self) -> str:
        return f"{words(self.lang).choice_hint} ({_numbers(len(self.question.options))})"

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
        yield Ticks(_items(self.question))
        yield from self.compose_more()
        said = words(self.lang)
        yield _answer_button(said.confirm_button, "confirm", "confirm")
        yield from self.compose_error()

    def _hint(self) -> str:
        return words(self.lang).multi_choice_hint.format(none=self.question.none_label)

    def answer_keys(self) -> str:
        return "".join(NUMBER_KEYS[: len(self.question.options)]) + "c "

    def key_help(self) -> str:
        return f"{self._hint()} ({_numbers(len(self.question.options))})"

    def reuse_for(self, node_id: str, node: Question | InfoNode) -> bool:
        if not isinstance(node, MultiChoiceQuestion):
            return False
        self.node_id, self.question = node_id, node
        self.query_one(".hint", Static).update(self._hint())
        self.query_one(Ticks).show_items(_items(node))  # and every tick goes with them
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
            yield SteadyStatic(question.unit or "", classes="unit")
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
        Item(repr(s.value), f"{format_number(s.value, lang)}{_unit(question)} — {s.label}")
        for s in question.suggestions
    ]
    if question.allow_unknown:
        items.append(Item(UNKNOWN, words(lang).unknown))
    return items


def _unit(question: NumberQuestion) -> str:
    return f" {question.unit}" if question.unit else ""


def _first(result: ValidationResult, lang: str | None) -> str:
    return result.failure_descriptions[0] if result.failure_descriptions else words(lang).refused


class InfoInput(QuestionInput):
    """An info message needs only an acknowledgement."""

    def compose(self) -> ComposeResult:
        label = words(self.lang).continue_button
        yield _answer_button(label, "continue", "continue")
        yield from self.compose_error()

    def key_help(self) -> str:
        return words(self.lang).continue_button

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


def shape(node: Question | InfoNode) -> str:
    """Which input shows ``node``: an input built for one node can show any other node of
    the same shape (``reuse_for``)."""
    return node.type


def input_for(node_id: str, node: Question | InfoNode, lang: str | None = None) -> QuestionInput:
    """The input widget for a node, speaking ``lang`` (default English)."""
    if isinstance(node, YesNoQuestion):
        return YesNoInput(node_id, node, lang)
    if isinstance(node, ChoiceQuestion):
        return ChoiceInput(node_id, node, lang)
    if isinstance(node, MultiChoiceQuestion):
        return MultiChoiceInput(node_id, node, lang)
    if isinstance(node, NumberQuestion):
        return NumberInput(node_id, node, lang)
    return InfoInput(node_id, lang)


def focus_first(widget: Widget) -> None:
    """Focus the input inside ``widget`` if it has one."""
    for found in widget.query(QuestionInput).results():
        found.focus_input()
        return
