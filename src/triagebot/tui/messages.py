"""Messages widgets post up to the app (past tense: they say what the user did).

The app owns the Session and answers each with a method call down.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from triagebot.flows.compiler import CompiledFlow

if TYPE_CHECKING:
    from triagebot.tui.widgets.inputs import QuestionInput


class AnswerSubmitted(Message):
    """The user answered the current question (or acknowledged an info message)."""

    def __init__(self, origin: QuestionInput, question_id: str, raw: object) -> None:
        super().__init__()
        self.origin = origin
        self.question_id = question_id
        self.raw = raw

    @property
    def control(self) -> QuestionInput:
        return self.origin


class AnswerChanged(Message):
    """The user gave a new answer to an earlier question (in ``round`` for a member of a
    repeated group)."""

    def __init__(
        self, origin: QuestionInput, question_id: str, raw: object, round: int | None = None
    ) -> None:
        super().__init__()
        self.origin = origin
        self.question_id = question_id
        self.raw = raw
        self.round = round

    @property
    def control(self) -> QuestionInput:
        return self.origin


class EditRequested(Message):
    """The user selected an earlier answer to change it (given in ``round`` for a member of
    a repeated group)."""

    def __init__(self, question_id: str, round: int | None = None) -> None:
        super().__init__()
        self.question_id = question_id
        self.round = round


class FlowChosen(Message):
    """The user picked a flow to run."""

    def __init__(self, flow: CompiledFlow) -> None:
        super().__init__()
        self.flow = flow


class ResumeChosen(Message):
    """The user picked an unfinished session to resume."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
