"""A choice question (``type: choice``): exactly one of its options."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.catalog import words
from triagebot.flows.documents import PathKey
from triagebot.flows.expr_tree import Kind, VarType
from triagebot.flows.fhir_values import coding, option, option_answers
from triagebot.flows.questions.base import (
    AnswerValue,
    C,
    ClassMaker,
    Json,
    QuestionType,
    numbered,
    refused,
    repeated_options,
)
from triagebot.flows.schema import ChoiceQuestion

if TYPE_CHECKING:
    from triagebot.flows.transcript import AnswerRecord


class Choice:
    """The choice question type."""

    def accepted(self, question: ChoiceQuestion, lang: str | None) -> str:
        ids = ", ".join(option.id for option in question.options)
        return words(lang).accepted_one_of.format(ids=ids)

    def parse(self, question: ChoiceQuestion, raw: object, lang: str | None) -> AnswerValue:
        ids = [option.id for option in question.options]
        if isinstance(raw, str) and raw.strip() in ids:
            return raw.strip()
        raise refused(raw, self.accepted(question, lang), lang)

    def describe(self, question: ChoiceQuestion, value: AnswerValue, lang: str | None) -> str:
        return next(o.label for o in question.options if o.id == value)

    def labels(self, question: ChoiceQuestion, value: AnswerValue) -> list[str]:
        return [o.label for o in question.options if o.id == value]

    def problems(self, question: ChoiceQuestion) -> list[tuple[PathKey, str]]:
        return repeated_options([option.id for option in question.options])

    def var_type(self, question: ChoiceQuestion) -> VarType:
        return VarType(Kind.TEXT, frozenset(o.id for o in question.options))

    def answer_classes(self, question: ChoiceQuestion, classes: ClassMaker[C]) -> C:
        return classes.values([option.id for option in question.options])

    def offered(self, question: ChoiceQuestion, lang: str | None) -> list[str]:
        return [f"   {n}. {o.label}" for n, o in enumerate(question.options, 1)]

    def what_to_type(self, question: ChoiceQuestion, lang: str | None) -> str:
        count = len(question.options)
        numbers = "1" if count == 1 else f"1–{count}"
        accepted = self.accepted(question, lang)
        return words(lang).type_numbers_or.format(numbers=numbers, accepted=accepted)

    def from_typed(self, question: ChoiceQuestion, text: str, lang: str | None) -> object:
        labels = {o.label.lower(): o.id for o in question.options}
        return numbered(text, [o.id for o in question.options]) or labels.get(text.lower(), text)

    def fhir_item(self, question: ChoiceQuestion, system: str, lang: str) -> Json:
        options = [coding(system, o.id, o.label) for o in question.options]
        return {"type": "coding", "answerOption": [option(o) for o in options]}

    def fhir_answer(self, answer: AnswerRecord, item: Json, system: str, lang: str) -> Json:
        return {"answer": option_answers(answer, system)}

    def fhir_when(
        self, question: ChoiceQuestion, operator: str, value: str | float, system: str, lang: str
    ) -> Json:
        label = next((o.label for o in question.options if o.id == value), str(value))
        return {"operator": operator, "answerCoding": coding(system, str(value), label)}


TYPE: QuestionType[ChoiceQuestion] = Choice()
