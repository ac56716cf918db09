"""The input under the transcript: one widget per question type, all posting AnswerSubmitted.

Validation is the core's (``parse_answer``): these widgets only collect what was typed or
picked, and show the core's message when the app refuses it. Each input speaks the
session's language (``lang``): its buttons, hints and refusals come from the catalog, and a
yes/no question also answers to its words' first letters (``o`` for oui).
"""

from __future__ import annotations

from textual.widget import Widget

from triagebot.flows.schema import (
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.tui.widgets.choice_inputs import ChoiceInput, MultiChoiceInput
from triagebot.tui.widgets.info_input import InfoInput
from triagebot.tui.widgets.number_input import NumberInput
from triagebot.tui.widgets.question_input import QuestionInput
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


def shape(node: Question | InfoNode) -> str:
    """Which input shows ``node``: an input built for one node can show any other node of
    the same shape (``reuse_for``)."""
    return node.type


def input_for(node_id: str, node: Question | InfoNode, lang: str | None = None) -> QuestionInput:
    """The input widget for a node, speaking ``lang`` (default English)."""
    if isinstance(node, YesNoQuestion):
        return YesNoInput(node_id, node, lang)
    if isinstance(node, ChoiceQuestion):
        return ChoiceInput(node_id, node, lang)
    if isinstance(node, MultiChoiceQuestion):
        return MultiChoiceInput(node_id, node, lang)
    if isinstance(node, NumberQuestion):
        return NumberInput(node_id, node, lang)
    return InfoInput(node_id, lang)


def focus_first(widget: Widget) -> None:
    """Focus the input inside ``widget`` if it has one."""
    for found in widget.query(QuestionInput).results():
        found.focus_input()
        return
