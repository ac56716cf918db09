"""One module per question type, each behind :class:`~.base.QuestionKind`.

A type's module is named after the schema's ``type`` (``number.py`` for ``type: number``)
and exports ``KIND``; :func:`kind_of` finds it by that name, so a new question type is its
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
    QuestionKind,
)
from triagebot.flows.schema import Question

__all__ = [
    "AnswerError",
    "AnswerValue",
    "ClassMaker",
    "JsonAnswer",
    "QuestionKind",
    "kind_named",
    "kind_of",
]


@cache  # asked at every answer and many times a path by the verifier
def kind_named(type_name: str) -> QuestionKind[Any]:
    """The question type the schema calls ``type_name`` (e.g. ``yes_no``)."""
    kind: QuestionKind[Any] = import_module(f"{__name__}.{type_name}").KIND
    return kind


def kind_of(question: Question) -> QuestionKind[Any]:
    """What the core knows of ``question``'s type."""
    return kind_named(question.type)
