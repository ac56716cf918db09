"""A yes/no question (``type: yes_no``): yes or no, and ``unsure`` where allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.catalog import words
from triagebot.flows.documents import PathKey
from triagebot.flows.expr_tree import Kind, VarType
from triagebot.flows.fhir_values import option, yes_no_coding
from triagebot.flows.questions.base import (
    AnswerValue,
    C,
    ClassMaker,
    Json,
    QuestionType,
    numbered,
    refused,
)
from triagebot.flows.schema import UNSURE, YES_NO_VALUES, YesNoQuestion

if TYPE_CHECKING:
    from triagebot.flows.transcript import AnswerRecord


def answer_ids(question: YesNoQuestion) -> list[str]:
    """Every answer ``question`` accepts, in the order offered."""
    return [*YES_NO_VALUES, *([UNSURE] if question.allow_unsure else [])]


def yes_no_words(question: YesNoQuestion, lang: str | None = None) -> dict[str, str]:
    """What may be typed at a yes/no question → the answer id: the ids, the language's words
    (``oui``, ``non``, ``incertain``) and their first letters (the language's first)."""
    said = words(lang)
    ids = answer_ids(question)
    shown = {"yes": said.yes, "no": said.no, UNSURE: said.unsure}
    typed: dict[str, str] = {}
    for answer in ids:
        typed.setdefault(shown[answer].lower(), answer)
        typed.setdefault(shown[answer][0].lower(), answer)
    for answer in ids:
        typed.setdefault(answer, answer)
        typed.setdefault(answer[0], answer)
    return typed


class YesNo:
    """The yes/no question type."""

    def accepted(self, question: YesNoQuestion, lang: str | None) -> str:
        said = words(lang)
        return said.accepted_yes_no_unsure if question.allow_unsure else said.accepted_yes_no

    def parse(self, question: YesNoQuestion, raw: object, lang: str | None) -> AnswerValue:
        if isinstance(raw, str) and raw.strip().lower() in answer_ids(question):
            return raw.strip().lower()
        raise refused(raw, self.accepted(question, lang), lang)

    def describe(self, question: YesNoQuestion, value: AnswerValue, lang: str | None) -> str:
        said = words(lang)
        return {"yes": said.yes, "no": said.no, UNSURE: said.unsure}.get(str(value), str(value))

    def labels(self, question: YesNoQuestion, value: AnswerValue) -> list[str]:
        return []

    def problems(self, question: YesNoQuestion) -> list[tuple[PathKey, str]]:
        return []

    def var_type(self, question: YesNoQuestion) -> VarType:
        return VarType(Kind.TEXT, frozenset(answer_ids(question)))

    def answer_classes(self, question: YesNoQuestion, classes: ClassMaker[C]) -> C:
        return classes.values(answer_ids(question))

    def offered(self, question: YesNoQuestion, lang: str | None) -> list[str]:
        said = words(lang)
        shown = [said.yes, said.no, *([said.unsure] if question.allow_unsure else [])]
        return ["   " + "   ".join(f"{n}. {w}" for n, w in enumerate(shown, 1))]

    def what_to_type(self, question: YesNoQuestion, lang: str | None) -> str:
        numbers = f"1–{len(answer_ids(question))}"
        accepted = self.accepted(question, lang)
        return words(lang).type_numbers_or.format(numbers=numbers, accepted=accepted)

    def from_typed(self, question: YesNoQuestion, text: str, lang: str | None) -> object:
        ids = answer_ids(question)
        return numbered(text, ids) or yes_no_words(question, lang).get(text.lower(), text)

    def fhir_item(self, question: YesNoQuestion, system: str, lang: str) -> Json:
        codings = [yes_no_coding(value, lang) for value in answer_ids(question)]
        return {"type": "coding", "answerOption": [option(c) for c in codings]}

    def fhir_answer(self, answer: AnswerRecord, item: Json, system: str, lang: str) -> Json:
        return {"answer": [{"valueCoding": yes_no_coding(str(answer.answer), lang)}]}

    def fhir_when(
        self, question: YesNoQuestion, operator: str, value: str | float, system: str, lang: str
    ) -> Json:
        return {"operator": operator, "answerCoding": yes_no_coding(str(value), lang)}


TYPE: QuestionType[YesNoQuestion] = YesNo()
