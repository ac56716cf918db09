"""The conversation view: the entries every front end draws, computed once from a Session.

``entries(session)`` is the conversation as it stands, in the session's language: the
disclaimer, a review warning, each question asked (its round marked in a repeated group),
each answer (changed or kept over an edit), answers an edit dropped, an info message with
its ``{placeholders}`` filled, and the outcome or the question asked now. The TUI draws
it as lines and a card; it holds no flow logic of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Literal

from triagebot.flows.engine import Session, describe_answer
from triagebot.flows.schema import GroupNode, InfoNode, OutcomeNode
from triagebot.flows.wording import overdue_line, round_heading, round_name

Kind = Literal["note", "warning", "round", "question", "info", "answer", "superseded", "outcome"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of the conversation."""

    kind: Kind
    node: str
    text: str
    detail: str | None = None
    status: str = ""
    """For answers: ``changed`` or ``kept`` (carried over an edit); empty otherwise."""
    round: int | None = None
    """The round of a repeated group's member (its question, answer, info message or
    superseded answer)."""
    heading: str | None = None
    """A line above the text: a member question's round (``Branch 2 of up to 6``)."""
    lang: str | None = None
    """The language the entry is worded in (a switch re-draws every entry)."""


Key = tuple[str, int | None]
"""An answer on the path: (question, round); the round is None outside groups."""


def entries(session: Session, today: date | None = None) -> list[Entry]:
    """The conversation as it stands: the path so far, then what is asked now."""
    flow = session.flow.flow
    lang = session.flow.language
    result = [Entry("note", "", flow.disclaimer, lang=lang)]
    warning = overdue_line(session.flow, today)
    if warning is not None:
        result.append(Entry("warning", "", warning, lang=lang))
    changed = {(change.question, change.round) for change in session.changes}
    superseded = list(_superseded(session))
    in_round: str | None = None
    for step in session.steps:
        in_round = _mark_round(session, step.node, step.round, in_round, result)
        result.append(_asked(session, step.node, step.round))
        if step.value is not None:
            key = (step.node, step.round)
            question = session.flow.question(step.node)
            status = "kept" if step.carried else "changed" if key in changed else ""
            shown = describe_answer(question, step.value, lang)
            result.append(Entry("answer", step.node, shown, None, status, step.round, lang=lang))
            result += [entry for after, entry in superseded if after == key]
    result += [entry for after, entry in superseded if after is None]
    if session.finished:
        result.append(Entry("outcome", session.current, session.node.title, lang=lang))  # type: ignore[union-attr]
    else:
        _mark_round(session, session.current, session.round, in_round, result)
        result.append(_asked(session, session.current, session.round))
    return result


def _mark_round(
    session: Session, node: str, number: int | None, in_round: str | None, result: list[Entry]
) -> str | None:
    """Append a mark (``Branch 2``) when ``node`` starts a round other than ``in_round``;
    returns the round the conversation is now in (None outside groups)."""
    name = round_name(session.flow, node, number)
    if name is not None and name != in_round:
        result.append(Entry("round", "", name, round=number, lang=session.flow.language))
    return name


def asking(session: Session) -> Entry:
    """What is asked now (a question or an info message), as every front end shows it: the
    last entry of :func:`entries` while the session is not finished."""
    return _asked(session, session.current, session.round)


def _asked(session: Session, node_id: str, number: int | None) -> Entry:
    node = session.flow.node(node_id)
    lang = session.flow.language
    if isinstance(node, InfoNode):
        return Entry("info", node_id, session.fill(node.text), round=number, lang=lang)
    assert not isinstance(node, OutcomeNode | GroupNode)
    heading = round_heading(session.flow, node_id, number)
    return Entry("question", node_id, node.prompt, node.detail, "", number, heading, lang)


def _superseded(session: Session) -> Iterator[tuple[Key | None, Entry]]:
    """Answers that no longer apply (not answered again in the same round), each placed
    after the answer whose change dropped it."""
    answered = {(step.node, step.round) for step in session.steps if step.value is not None}
    lang = session.flow.language
    for item in session.superseded:
        if (item.question, item.round) in answered:
            continue
        cause = next(
            ((c.question, c.round) for c in reversed(session.changes) if c.at <= item.at), None
        )
        question = session.flow.question(item.question)
        name = round_name(session.flow, item.question, item.round)
        where = "" if name is None else f"{name}: "
        text = f"{where}{question.prompt} — {describe_answer(question, item.value, lang)}"
        entry = Entry("superseded", item.question, text, round=item.round, lang=lang)
        yield (cause if cause in answered else None), entry
