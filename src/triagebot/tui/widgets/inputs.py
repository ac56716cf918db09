"""The input under the transcript: one widget per node type, all posting AnswerSubmitted.

Validation is the core's (``parse_answer``): these widgets only collect what was typed or
picked, and show the core's message when the app refuses it. Each input speaks the
session's language (``lang``): its buttons, hints and refusals come from the catalog, and a
yes/no question also answers to its words' first letters (``o`` for oui).

Each node type's input lives in a module of this package named after the schema's ``type``
(``number_input.py`` for ``type: number``), which exports it as ``INPUT``: :func:`input_for`
finds it by that name, as the core finds the type itself (:mod:`triagebot.flows.questions`).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from textual.widget import Widget

from triagebot.flows.schema import InfoNode, Question
from triagebot.tui.widgets.choice_input import ChoiceInput
from triagebot.tui.widgets.info_input import InfoInput
from triagebot.tui.widgets.multi_choice_input import MultiChoiceInput
from triagebot.tui.widgets.number_input import NumberInput
from triagebot.tui.widgets.question_input import InputFor, QuestionInput
from triagebot.tui.widgets.yes_no_input import YesNoInput

__all__ = [
    "ChoiceInput",
    "InfoInput",
    "MultiChoiceInput",
    "NumberInput",
    "QuestionInput",
    "YesNoInput",
    "focus_first",
    "input_for",
    "shape",
]

_PACKAGE = __name__.rpartition(".")[0]


def shape(node: Question | InfoNode) -> str:
    """Which input shows ``node``: an input built for one node can show any other node of
    the same shape (``reuse_for``)."""
    return node.type


@cache
def input_class(type_name: str) -> InputFor:
    """What builds the input of a node of type ``type_name`` (e.g. ``yes_no``)."""
    found: InputFor = import_module(f"{_PACKAGE}.{type_name}_input").INPUT
    return found


def input_for(node_id: str, node: Question | InfoNode, lang: str | None = None) -> QuestionInput:
    """The input widget for a node, speaking ``lang`` (default English)."""
    return input_class(node.type)(node_id, node, lang)


def focus_first(widget: Widget) -> None:
    """Focus the input inside ``widget`` if it has one."""
    for found in widget.query(QuestionInput).results():
        found.focus_input()
        return
