"""One module per question type, each behind :class:`~.base.QuestionType`.

A type's module is named after the schema's ``type`` (``number.py`` for ``type: number``)
and exports ``TYPE``; :func:`type_of` finds it by that name. Nothing here imports a front
end: the TUI finds a type's input the same way, in ``triagebot.tui.widgets``, and plain
mode's prompts are plain text, so they are part of the type here.

A new question type is written in:

1. ``flows/schema.py``: its model (each field documented), named in ``Question``,
   ``QuestionTypeName`` and ``AnyNode`` (and ``Member`` if a group may ask it);
2. ``flows/questions/<type>.py``: its ``TYPE``;
3. ``tui/widgets/<type>_input.py``: its ``INPUT``;
4. the words it says that the catalog lacks (``flows/catalog_words.py`` with
   ``catalog_en.py`` and ``catalog_fr.py``; a key hint in ``tui/words.py``).

Its FHIR is part of its ``TYPE`` too: its Questionnaire item, its answers in a response and
how enableWhen compares them (the codings are :mod:`~triagebot.flows.fhir_values`'s); the
values enableWhen evaluates a rule over are its answer classes.

``tests/test_question_types.py`` adds a toy type by 2 and 3 alone, FHIR included.
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
