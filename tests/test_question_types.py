"""Question types: each is one module per layer, found by the schema's type name."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, TypeVar, get_args, get_type_hints

import pytest

from triagebot.flows.answers import AnswerError, accepted, parse_answer
from triagebot.flows.expr import Kind, VarType
from triagebot.flows.fhir import answer_item, question_item
from triagebot.flows.questions import ClassMaker, QuestionType, type_named
from triagebot.flows.schema import NODE_TYPES, AnyNode, Question, QuestionTypeName
from triagebot.flows.transcript import AnswerRecord
from triagebot.flows.views import describe_answer
from triagebot.plain_prompts import options, to_raw, what_to_type
from triagebot.tui.widgets.inputs import input_class, input_for
from triagebot.tui.widgets.question_input import QuestionInput


def type_name(model: type) -> str:
    (name,) = get_args(get_type_hints(model)["type"])
    return str(name)


QUESTION_TYPES = sorted(type_name(model) for model in get_args(Question))
C = TypeVar("C")


def test_the_schema_question_types_are_the_four_known() -> None:
    """The list the tests below walk is the schema's own (a new type joins it there)."""
    expected = ["choice", "multi_choice", "number", "yes_no"]
    assert expected == QUESTION_TYPES


def test_the_type_names_the_schema_lists_are_its_models() -> None:
    """The names a transcript records and an error lists are the unions' own, in order."""
    expected = (
        [type_name(model) for model in get_args(Question)],
        [type_name(model) for model in get_args(AnyNode)],
    )
    assert expected == (list(get_args(QuestionTypeName)), list(NODE_TYPES))


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_every_question_type_has_a_core_module_and_a_tui_input(name: str) -> None:
    """Each question type of the schema is found by its name in the core and the TUI."""
    widget = input_class(name)
    expected = (f"triagebot.flows.questions.{name}", f"triagebot.tui.widgets.{name}_input")
    assert issubclass(widget, QuestionInput)
    assert expected == (type(type_named(name)).__module__, widget.__module__)


def test_an_info_node_has_its_input_by_the_same_rule() -> None:
    """info has no answer (no core module) but its input is found by name like the rest."""
    assert ("info" in NODE_TYPES, "InfoInput") == (True, input_class("info").__name__)


# --- a worked example: a toy question type, added without touching what finds it ---------


@dataclass(frozen=True)
class ScaleQuestion:
    """A toy type: a whole number from 0 to ``top``, shown as ``n/top``."""

    type: Literal["scale"]
    prompt: str
    top: int


class Scale:
    """The toy question type: every piece the protocol asks for, in a few lines."""

    def accepted(self, question: ScaleQuestion, lang: str | None) -> str:
        return f"0 to {question.top}"

    def parse(self, question: ScaleQuestion, raw: object, lang: str | None) -> int:
        if isinstance(raw, str) and raw.isdigit() and int(raw) <= question.top:
            return int(raw)
        raise AnswerError(f"not accepted: answer {self.accepted(question, lang)}")

    def describe(self, question: ScaleQuestion, value: object, lang: str | None) -> str:
        return f"{value}/{question.top}"

    def labels(self, question: ScaleQuestion, value: object) -> list[str]:
        return []

    def problems(self, question: ScaleQuestion) -> list[tuple[tuple[str | int, ...], str]]:
        return [] if question.top > 0 else [(("top",), "a scale needs a top above 0")]

    def var_type(self, question: ScaleQuestion) -> VarType:
        return VarType(Kind.NUMBER)

    def answer_classes(self, question: ScaleQuestion, classes: ClassMaker[C]) -> C:
        return classes.values([str(n) for n in range(question.top + 1)])

    def offered(self, question: ScaleQuestion, lang: str | None) -> list[str]:
        return [f"   0 … {question.top}"]

    def what_to_type(self, question: ScaleQuestion, lang: str | None) -> str:
        return f"Type {self.accepted(question, lang)}"

    def from_typed(self, question: ScaleQuestion, text: str, lang: str | None) -> object:
        return text.strip()

    def fhir_item(self, question: ScaleQuestion, system: str, lang: str) -> dict[str, Any]:
        return {"type": "integer"}

    def fhir_answer(
        self, answer: AnswerRecord, item: dict[str, Any], system: str, lang: str
    ) -> dict[str, Any]:
        return {"answer": [{"valueInteger": answer.answer}]}

    def fhir_when(
        self, question: ScaleQuestion, operator: str, value: str | float, system: str, lang: str
    ) -> dict[str, Any]:
        return {"operator": operator, "answerInteger": int(value)}


class ScaleInput(QuestionInput):
    """The toy type's TUI input."""

    def __init__(self, node_id: str, question: ScaleQuestion, lang: str | None = None) -> None:
        super().__init__(node_id, lang)
        self.question = question


class Listed:
    """Answer classes as a list of the values a type offers (a ClassMaker)."""

    def values(self, values: Sequence[str]) -> list[str]:
        return list(values)

    def subsets(self, ids: Sequence[str]) -> list[str]:
        return []

    def cuts(self, question: object) -> list[str]:
        return []


@pytest.fixture
def scale(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScaleQuestion]:
    """The toy type's two modules, as if written at the names the rule gives."""
    toy: QuestionType[ScaleQuestion] = Scale()
    core = ModuleType("triagebot.flows.questions.scale")
    core.TYPE = toy
    tui = ModuleType("triagebot.tui.widgets.scale_input")
    tui.INPUT = ScaleInput
    monkeypatch.setitem(sys.modules, core.__name__, core)
    monkeypatch.setitem(sys.modules, tui.__name__, tui)
    yield ScaleQuestion(type="scale", prompt="Pain?", top=3)
    type_named.cache_clear()  # forget the toy once its modules go
    input_class.cache_clear()


def test_a_new_type_is_reached_through_its_modules_alone(scale: ScaleQuestion) -> None:
    """A type added as its own modules is checked, described, offered in plain mode,
    classed by the verifier and given its TUI input, with nothing else changed."""
    question: Question = scale
    widget = input_for("pain", question)
    actual = (
        accepted(question),
        parse_answer(question, "2"),
        describe_answer(question, 2),
        options(question),
        what_to_type(question),
        to_raw(question, " 3 "),
        type_named("scale").answer_classes(question, Listed()),
        type(widget).__name__,
        widget.node_id,
    )
    expected = (
        "0 to 3",
        2,
        "2/3",
        ["   0 … 3"],
        "Type 0 to 3",
        "3",
        ["0", "1", "2", "3"],
        "ScaleInput",
        "pain",
    )
    assert expected == actual


def test_a_new_type_reaches_fhir_through_its_module_alone(scale: ScaleQuestion) -> None:
    """The toy type's Questionnaire item and its answer in a response are its module's."""
    question: Question = scale
    # A transcript records the schema's type names (a real type joins them in schema.py).
    record = AnswerRecord.model_construct(question="pain", kind="scale", prompt="Pain?", answer=2)
    actual = (question_item("toy", "pain", question, "en"), answer_item("toy", record, "en", {}))
    expected = (
        {"linkId": "pain", "text": "Pain?", "type": "integer"},
        {"linkId": "pain", "text": "Pain?", "answer": [{"valueInteger": 2}]},
    )
    assert expected == actual
