"""What a session records as it goes: the steps of its path, the answers changed and
superseded, the events its listeners hear, and where it stands in a repeated group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from triagebot.flows.answers import AnswerError, AnswerValue
from triagebot.flows.catalog import DEFAULT_LANGUAGE, words
from triagebot.flows.compiler import CompiledFlow

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class Step:
    """One node passed on the current path, with the answer given there."""

    node: str
    value: AnswerValue | None
    at: datetime
    carried: bool = False
    """Re-used from before an edit rather than asked again."""
    round: int | None = None
    """The round (1-based) for a member of a repeated group; None outside groups."""


@dataclass(frozen=True, slots=True)
class Change:
    """An earlier answer the user changed."""

    question: str
    old: AnswerValue
    new: AnswerValue
    at: datetime
    round: int | None = None
    """The round of the entry changed, for a member of a repeated group."""


@dataclass(frozen=True, slots=True)
class Superseded:
    """An answer that no longer applies because an earlier answer changed."""

    question: str
    value: AnswerValue
    at: datetime
    round: int | None = None
    """The round the answer was given in, for a member of a repeated group."""


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something a user did to a session, as listeners see it once it has taken effect.

    ``answer``: ``node`` was answered with ``value`` (None for an info message acknowledged);
    ``back``: the user went back to ``node``; ``edit``: the earlier answer to ``node`` was
    changed to ``value``; ``language``: the session now speaks ``value`` (a language code),
    at ``node`` (see :func:`triagebot.flows.switching.switch_language`).
    """

    kind: Literal["answer", "back", "edit", "language"]
    node: str
    value: AnswerValue | None
    at: datetime
    round: int | None = None
    """The round of ``node`` for a member of a repeated group (None outside groups)."""


@dataclass(frozen=True, slots=True)
class EditResult:
    """What an edit did: answers carried over unchanged, and answers that no longer apply."""

    carried: tuple[str, ...]
    dropped: tuple[str, ...]
    carried_rounds: tuple[int | None, ...] = ()
    """The round of each carried answer, in the same order (None outside groups)."""
    dropped_rounds: tuple[int | None, ...] = ()
    """The round of each dropped answer, in the same order (None outside groups)."""


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """Where the current node stands in a repeated group, for a UI to show."""

    group: str
    entry: str
    """What one entry is called (the group's ``entry``), e.g. "Branch"."""
    round: int
    """The current round, 1-based."""
    max: int
    """The most rounds."""
    language: str = DEFAULT_LANGUAGE
    """The language the label is worded in (the session's)."""

    @property
    def label(self) -> str:
        """E.g. "Branch 2 of up to 6"."""
        template = words(self.language).round_label
        return template.format(entry=self.entry, round=self.round, max=self.max)


def step_index(
    steps: Sequence[Step], flow: CompiledFlow, question_id: str, round: int | None
) -> int:
    """Where on the path ``question_id`` was answered (in ``round``, for a group's member
    answered in more than one). Raises :class:`AnswerError` saying what is missing."""
    found = {
        step.round: index
        for index, step in reversed(list(enumerate(steps)))
        if step.node == question_id and step.value is not None
    }
    if not found:
        raise AnswerError(words(flow.language).not_answered.format(question=question_id))
    group = flow.group_of.get(question_id)
    if group is None:
        if round is not None:
            raise AnswerError(f"'{question_id}' is not in a repeated group: it has no rounds")
        return found[None]
    if round is None:
        if len(found) == 1:
            return next(iter(found.values()))
        rounds = ", ".join(str(number) for number in sorted(found, key=lambda n: n or 0))
        raise AnswerError(
            f"'{question_id}' was answered in rounds {rounds} of group '{group}': "
            "say which round to change"
        )
    if round not in found:
        raise AnswerError(
            f"'{question_id}' has no answer in round {round} of group '{group}' on this path"
        )
    return found[round]
