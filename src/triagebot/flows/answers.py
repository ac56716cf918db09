"""Turning what a clinician typed (or an answers file holds) into a checked answer value.

Every refusal says what is accepted, so the UI and the CLI can show it as is, in the
language given (the session's: :mod:`triagebot.flows.catalog`). What is accepted does not
depend on the language: ids, ``unknown``, and numbers with a point or a comma. Each
question type does its own checking (:mod:`triagebot.flows.questions`); this module is
where the rest of triagebot asks.
"""

from __future__ import annotations

from triagebot.flows.catalog import format_number
from triagebot.flows.questions import type_of
from triagebot.flows.questions.base import AnswerError, AnswerValue, JsonAnswer
from triagebot.flows.questions.number import MAX_TYPED_LENGTH, number_range
from triagebot.flows.schema import Question


def to_json_answer(value: AnswerValue) -> JsonAnswer:
    return list(value) if isinstance(value, tuple) else value


def accepted(question: Question, lang: str | None = None) -> str:
    """A short description of the answers a question accepts, in ``lang`` (default English)."""
    return type_of(question).accepted(question, lang)


def parse_answer(question: Question, raw: object, lang: str | None = None) -> AnswerValue:
    """Check ``raw`` against ``question``; raise :class:`AnswerError` saying what is accepted
    (in ``lang``, default English)."""
    return type_of(question).parse(question, raw, lang)


__all__ = [
    "MAX_TYPED_LENGTH",
    "AnswerError",
    "AnswerValue",
    "JsonAnswer",
    "accepted",
    "format_number",
    "number_range",
    "parse_answer",
    "to_json_answer",
]
