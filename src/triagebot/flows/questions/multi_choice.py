"""A multi-choice question (``type: multi_choice``): any number of its options, none
included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.catalog import words
from triagebot.flows.documents import PathKey
from triagebot.flows.expr_tree import Kind, VarType
from triagebot.flows.fhir_values import coding, none_coding, option, option_answers
from triagebot.flows.questions.base import (
    AnswerError,
    AnswerValue,
    C,
    ClassMaker,
    Json,
    QuestionType,
    numbered,
    refused,
    repeated_options,
    shown,
)
from triagebot.flows.schema import MultiChoiceQuestion

if TYPE_CHECKING:
    from triagebot.flows.transcript import AnswerRecord


class MultiChoice:
    """The multi-choice question type."""

    def accepted(self, question: MultiChoiceQuestion, lang: str | None) -> str:
        ids = ", ".join(option.id for option in question.options)
        return words(lang).accepted_any_of.format(ids=ids)

    def parse(self, question: MultiChoiceQuestion, raw: object, lang: str | None) -> AnswerValue:
        ids = [option.id for option in question.options]
        said = words(lang)
        if not isinstance(raw, list | tuple):
            raise refused(raw, self.accepted(question, lang), lang)
        chosen = []
        for item in raw:
            if not isinstance(item, str) or item.strip() not in ids:
                raise AnswerError(
                    said.not_an_option.format(
                        shown=shown(item, lang), accepted=self.accepted(question, lang)
                    )
                )
            if item.strip() in chosen:
                raise AnswerError(said.listed_twice.format(item=item.strip()))
            chosen.append(item.strip())
        # Keep the flow's order so that transcripts read the same whatever order was typed.
        return tuple(option_id for option_id in ids if option_id in chosen)

    def describe(self, question: MultiChoiceQuestion, value: AnswerValue, lang: str | None) -> str:
        assert isinstance(value, tuple)
        labels = [o.label for o in question.options if o.id in value]
        return "; ".join(labels) if labels else question.none_label

    def labels(self, question: MultiChoiceQuestion, value: AnswerValue) -> list[str]:
        chosen = value if isinstance(value, tuple) else (value,)
        return [o.label for o in question.options if o.id in chosen]

    def problems(self, question: MultiChoiceQuestion) -> list[tuple[PathKey, str]]:
        return repeated_options([option.id for option in question.options])

    def var_type(self, question: MultiChoiceQuestion) -> VarType:
        return VarType(Kind.SET, frozenset(o.id for o in question.options))

    def answer_classes(self, question: MultiChoiceQuestion, classes: ClassMaker[C]) -> C:
        return classes.subsets([option.id for option in question.options])

    def offered(self, question: MultiChoiceQuestion, lang: str | None) -> list[str]:
        lines = [f"   {n}. {o.label}" for n, o in enumerate(question.options, 1)]
        lines.append(f"   0. {question.none_label}")
        lines.append(f"   {words(lang).multi_hint}")
        return lines

    def what_to_type(self, question: MultiChoiceQuestion, lang: str | None) -> str:
        return words(lang).type_ticks.format(none=question.none_label)

    def from_typed(self, question: MultiChoiceQuestion, text: str, lang: str | None) -> object:
        if text.lower() in words(lang).none_words:
            return []
        ids = [o.id for o in question.options]
        parts = text.replace(",", " ").split()
        return [numbered(part, ids) or part for part in parts] if parts else text

    def fhir_item(self, question: MultiChoiceQuestion, system: str, lang: str) -> Json:
        options = [coding(system, o.id, o.label) for o in question.options]
        options.append(none_coding(question.none_label))
        return {"type": "coding", "answerOption": [option(o) for o in options], "repeats": True}

    def fhir_answer(self, answer: AnswerRecord, item: Json, system: str, lang: str) -> Json:
        return {"answer": option_answers(answer, system)}

    def fhir_when(
        self,
        question: MultiChoiceQuestion,
        operator: str,
        value: str | float,
        system: str,
        lang: str,
    ) -> Json:
        if value == "":
            return {"operator": operator, "answerCoding": none_coding(question.none_label)}
        label = next((o.label for o in question.options if o.id == value), str(value))
        return {"operator": operator, "answerCoding": coding(system, str(value), label)}


TYPE: QuestionType[MultiChoiceQuestion] = MultiChoice()
