"""Changing an earlier answer of a session, re-asking only what the change makes necessary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.answers import AnswerValue, parse_answer
from triagebot.flows.expr import FlowRuntimeError
from triagebot.flows.steps import Change, EditResult, SessionEvent, Superseded, step_index

if TYPE_CHECKING:
    from triagebot.flows.engine import Session

Later = dict[tuple[str, int | None], AnswerValue | None]
"""The answers after the one changed, by (question, round)."""


def edit(session: Session, question_id: str, raw: object, round: int | None = None) -> EditResult:
    """Change an earlier answer; re-ask only what the change makes necessary.

    The path is rewound to the question and followed again with the new answer. Later
    answers the new path still needs (the same question in the same round) are carried
    over unchanged; a question the new path reaches for the first time is asked; answers
    off the new path are superseded. A group's member is named by its ``round`` (which may
    be left out when it was answered in one round only): changing ``another`` from yes to
    no supersedes the later rounds, from no to yes opens a new round, asked afresh.
    """
    index = step_index(session.steps, session.flow, question_id, round)
    target = session.steps[index]
    question = session.flow.question(question_id)
    value = parse_answer(question, raw, session.flow.language)
    old = target.value
    assert old is not None
    later = {(step.node, step.round): step.value for step in session.steps[index + 1 :]}
    session.rewind_to(index)
    try:
        session.advance(value, carried=False)
    except FlowRuntimeError:
        session.advance(old, carried=False)  # the path as it was
        _carry_over(session, later)
        raise
    if value != old:
        session.changes.append(Change(question_id, old, value, session.clock(), target.round))
    carried = _carry_over(session, later)
    now = session.clock()
    dropped = {key: kept for key, kept in later.items() if kept is not None}
    session.superseded.extend(
        Superseded(node, kept, now, number) for (node, number), kept in dropped.items()
    )
    session.notify(SessionEvent("edit", question_id, value, now, target.round))
    return EditResult(
        tuple(node for node, _ in carried),
        tuple(node for node, _ in dropped),
        tuple(number for _, number in carried),
        tuple(number for _, number in dropped),
    )


def _carry_over(session: Session, later: Later) -> list[tuple[str, int | None]]:
    """Answer again, from ``later``, each question the path reaches that was answered
    before (removing it from ``later``); the (question, round) carried, in order."""
    carried: list[tuple[str, int | None]] = []
    while not session.finished and (key := (session.current, session.round)) in later:
        session.advance(later.pop(key), carried=True)
        carried.append(key)
    return carried
