"""A number question (``type: number``): a number in a range and a unit, ``unknown``
where allowed; typed with a point or a comma."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from triagebot.flows.catalog import format_number, with_unit, words
from triagebot.flows.documents import PathKey
from triagebot.flows.expr_tree import Kind, VarType
from triagebot.flows.fhir_checks import NUMBER_VALUE
from triagebot.flows.fhir_values import EXT
from triagebot.flows.layout import repeats
from triagebot.flows.questions.base import (
    AnswerError,
    AnswerValue,
    C,
    ClassMaker,
    Json,
    QuestionType,
    clip,
    refused,
    shown_number,
)
from triagebot.flows.schema import UNKNOWN, NumberQuestion

if TYPE_CHECKING:
    from triagebot.flows.transcript import AnswerRecord

MAX_TYPED_LENGTH = 40
"""Longest text accepted for a number: anything longer is a paste gone wrong."""

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_THOUSANDS_LOOKALIKE = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")


def number_range(question: NumberQuestion, lang: str | None = None) -> str:
    """E.g. ``a whole number from 0 to 10`` or ``a number from 6.3 to 7.8 mmol/L, or unknown``."""
    said = words(lang)
    return said.number_range.format(
        kind=said.a_whole_number if question.integer else said.a_number,
        low=format_number(question.min, lang),
        high=format_number(question.max, lang),
        unit=f" {question.unit}" if question.unit else "",
        unknown=said.or_unknown if question.allow_unknown else "",
    )


class Number:
    """The number question type."""

    def accepted(self, question: NumberQuestion, lang: str | None) -> str:
        return number_range(question, lang)

    def parse(self, question: NumberQuestion, raw: object, lang: str | None) -> AnswerValue:
        value = _to_number(question, raw, lang)
        if isinstance(value, str):
            return value
        said = words(lang)
        # Range first: an integer of 400 digits is out of range, and no float can hold it.
        finite = not isinstance(value, float) or math.isfinite(value)
        if not (finite and question.min <= value <= question.max):
            raise AnswerError(
                said.out_of_range.format(
                    value=shown_number(value, lang), accepted=number_range(question, lang)
                )
            )
        shown = format_number(value, lang)
        if question.integer:
            if isinstance(value, float) and not value.is_integer():
                raise AnswerError(
                    said.not_whole.format(value=shown, accepted=number_range(question, lang))
                )
            return int(value)
        return value

    def describe(self, question: NumberQuestion, value: AnswerValue, lang: str | None) -> str:
        if value == UNKNOWN:
            return words(lang).unknown
        assert isinstance(value, int | float)
        return with_unit(value, question.unit, question.unit_one, lang)

    def labels(self, question: NumberQuestion, value: AnswerValue) -> list[str]:
        return []

    def problems(self, question: NumberQuestion) -> list[tuple[PathKey, str]]:
        low, high = question.min, question.max
        return [
            (
                ("suggestions", index, "value"),
                f"suggested value {suggestion.value} is outside {low}–{high}",
            )
            for index, suggestion in enumerate(question.suggestions)
            if not low <= suggestion.value <= high
        ]

    def var_type(self, question: NumberQuestion) -> VarType:
        return VarType(Kind.NUMBER)

    def answer_classes(self, question: NumberQuestion, classes: ClassMaker[C]) -> C:
        return classes.cuts(question)

    def offered(self, question: NumberQuestion, lang: str | None) -> list[str]:
        said = words(lang)
        lines = ["   " + said.enter.format(accepted=number_range(question, lang))]
        if question.suggestions:
            unit = f" {question.unit}" if question.unit else ""
            offered = [
                (f"{format_number(s.value, lang)}{unit}", s.label) for s in question.suggestions
            ]
            common = "; ".join(
                value if repeats(label, value) else f"{value} ({label})" for value, label in offered
            )
            lines.append("   " + said.common_values.format(values=common))
        return lines

    def what_to_type(self, question: NumberQuestion, lang: str | None) -> str:
        return words(lang).type_value.format(accepted=number_range(question, lang))

    def from_typed(self, question: NumberQuestion, text: str, lang: str | None) -> object:
        if question.allow_unknown and text.strip().lower() == words(lang).unknown:
            return UNKNOWN
        return text

    def fhir_item(self, question: NumberQuestion, system: str, lang: str) -> Json:
        value_type = "integer" if question.integer else "decimal"
        bound = NUMBER_VALUE[value_type]

        def number(value: float) -> int | float:
            return int(value) if question.integer else value

        extensions: list[Json] = [
            {"url": EXT + "minValue", bound: number(question.min)},
            {"url": EXT + "maxValue", bound: number(question.max)},
        ]
        if question.unit:
            extensions.append(
                {"url": EXT + "questionnaire-unit", "valueCoding": {"display": question.unit}}
            )
        return {"type": value_type, "extension": extensions}

    def fhir_answer(self, answer: AnswerRecord, item: Json, system: str, lang: str) -> Json:
        """The value as its item's type (12 given to a decimal question is a valueDecimal,
        not the Python type recorded), or the data-absent-reason of ``unknown``."""
        value = answer.answer
        if value == UNKNOWN:
            return {"extension": [{"url": EXT + "data-absent-reason", "valueCode": "unknown"}]}
        value_type = item["type"] if item.get("type") in NUMBER_VALUE else "decimal"
        # 38.0 read back from JSON is the whole number it was; a fraction is left as it is,
        # for check_response to refuse (a transcript of another version).
        if value_type == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        return {"answer": [{NUMBER_VALUE[value_type]: value}]}

    def fhir_when(
        self, question: NumberQuestion, operator: str, value: str | float, system: str, lang: str
    ) -> Json:
        assert isinstance(value, float)
        if not question.integer:
            return {"operator": operator, "answerDecimal": value}
        operator, whole = _whole(operator, value)
        return {"operator": operator, "answerInteger": whole}


def _whole(operator: str, value: float) -> tuple[str, int]:
    """A comparison of a whole-number answer with a whole number: ``> 3.5`` is ``>= 4``."""
    if value.is_integer():
        return operator, int(value)
    if operator in (">", ">="):
        return ">=", math.ceil(value)
    return "<=", math.floor(value)


def _to_number(question: NumberQuestion, raw: object, lang: str | None) -> float | int | str:
    if isinstance(raw, bool) or raw is None or not isinstance(raw, int | float | str):
        raise refused(raw, number_range(question, lang), lang, number=True)
    if isinstance(raw, int | float):
        return raw
    said = words(lang)
    expected = number_range(question, lang)
    text = raw.strip()
    if question.allow_unknown and text.lower() == UNKNOWN:
        return UNKNOWN
    if not text:
        raise AnswerError(said.no_value.format(accepted=expected))
    if len(text) > MAX_TYPED_LENGTH:
        raise AnswerError(said.too_long.format(count=len(text), accepted=expected))
    if _THOUSANDS_LOOKALIKE.match(text):
        # "1,000" is 1000 to an English reader and 1.0 to a German one; a dose must not guess.
        raise AnswerError(said.ambiguous.format(text=text, plain=text.replace(",", "")))
    if not _NUMBER.match(text):
        raise AnswerError(said.not_a_number.format(text=clip(text), accepted=expected))
    return float(text.replace(",", "."))


TYPE: QuestionType[NumberQuestion] = Number()
