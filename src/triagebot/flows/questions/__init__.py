"""One module per question type, each behind :class:`~.base.QuestionType`.

A type's module is named after the schema's ``type`` (``number.py`` for ``type: number``)
and exports ``TYPE``; :func:`type_of` finds it by that name, so a new question type is its
schema model, its module here, and its front ends' pieces (the TUI finds its input the same
way, in ``triagebot.tui.widgets``). Nothing here imports a front end.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from triagebot.flows.questions.base import (
    AnswerError,
    AnswerValue,
    ClassMaker,
    JsonAnswer,
    QuestionType,
)
from triagebot.flows.schema import Question

__all__ = [
    "AnswerError",
    "AnswerValue",
    "ClassMaker",
    "JsonAnswer",
    "QuestionType",
    "type_named",
    "type_of",
]


@cache  # asked at every answer and many times a path by the verifier
def type_named(type_name: str) -> QuestionType[Any]:
    """The question type the schema calls ``type_name`` (e.g. ``yes_no``)."""
    found: QuestionType[Any] = import_module(f"{__name__}.{type_name}").TYPE
    return found


def type_of(question: Question) -> QuestionType[Any]:
    """What the core knows of ``question``'s type."""
    return type_named(question.type)
