"""Building a transcript from a session: what the clinician was asked, answered and shown,
turned into the record of :mod:`triagebot.flows.transcript` (which holds only the record
and its JSON form)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

from triagebot import __version__
from triagebot.flows.answers import AnswerValue, to_json_answer
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.conversation import entries
from triagebot.flows.engine import (
    OutcomeView,
    RenderedItem,
    Session,
    ShownValue,
    Step,
    describe_answer,
)
from triagebot.flows.expr import Value
from triagebot.flows.library import ReviewStatus, review_status
from triagebot.flows.questions import type_of
from triagebot.flows.schema import (
    InfoNode,
    NumberQuestion,
    Question,
    Source,
)
from triagebot.flows.steps import Change, Superseded
from triagebot.flows.transcript import (
    FORMAT,
    AnswerRecord,
    ChangeRecord,
    FlowRecord,
    GroupRecord,
    InfoRecord,
    JsonValue,
    OutcomeRecord,
    SourceRecord,
    SupersededRecord,
    Transcript,
    ValueRecord,
)


def from_session(session: Session) -> Transcript:
    """The transcript of a session as it stands now (finished or not)."""
    flow = session.flow
    lang = flow.language
    return Transcript(
        triagebot_version=__version__,
        flow=_flow_record(flow, session.started_at.date()),
        language=lang,
        disclaimer=flow.flow.disclaimer,
        patient=session.patient,
        clinician=session.clinician,
        started_at=session.started_at,
        finished_at=session.finished_at,
        answers=[_answer(session, step) for step in session.steps if step.value is not None],
        infos=_infos(session),
        groups=_groups(flow),
        changes=[ChangeRecord(**_change_fields(flow, c)) for c in session.changes],
        superseded=[SupersededRecord(**_superseded_fields(flow, s)) for s in session.superseded],
        computed={name: _plain(value) for name, value in session.computed_values().items()},
        computed_shown=[
            ValueRecord(**_value_fields(session.shown_value(n))) for n in flow.computed
        ],
        outcome=_outcome(session.outcome()),
    )


def _flow_record(flow: CompiledFlow, today: date) -> FlowRecord:
    """The flow as a transcript started on ``today`` records it (review status included)."""
    review = review_status(flow, today)
    return FlowRecord(
        id=flow.flow.id,
        title=flow.flow.title,
        version=flow.flow.version,
        file=Path(flow.file).name,
        sha256=flow.sha256,
        review_date=review.due,
        review_overdue=review.overdue,
        content_signed_off=flow.flow.content_review.signed_off,
        content_review_due=review.content_due,
        content_review_overdue=review.content_overdue,
        sources=[_source(source, review) for source in flow.flow.sources],
    )


def _groups(flow: CompiledFlow) -> list[GroupRecord]:
    return [
        GroupRecord(id=group_id, entry=group.entry, max=group.max)
        for group_id, group in flow.groups.items()
    ]


def _infos(session: Session) -> list[InfoRecord]:
    """The info messages of the conversation view (:func:`~triagebot.flows.conversation.
    entries`), each placed by the answers shown before it."""
    return [InfoRecord(**info) for info in _info_fields(session)]


def _info_fields(session: Session) -> list[dict[str, Any]]:
    """Each info message's fields: its node, its text and how many answers precede it."""
    result: list[dict[str, Any]] = []
    answered = 0
    for entry in entries(session, session.started_at.date()):
        if entry.kind == "answer":
            answered += 1
        elif entry.kind == "info":
            result.append(
                {
                    "node": entry.node,
                    "text": entry.text,
                    "after": answered,
                    "group": session.flow.group_of.get(entry.node),
                    "round": entry.round,
                }
            )
    return result


def _answer(session: Session, step: Step) -> AnswerRecord:
    return AnswerRecord(**_answer_fields(session, step))


def _labels(question: Question, value: AnswerValue) -> list[str]:
    return type_of(question).labels(question, value)


def _plain(value: Value | None) -> JsonValue:
    return list(value) if isinstance(value, tuple) else value


def _outcome(view: OutcomeView | None) -> OutcomeRecord | None:
    fields = _outcome_fields(view)
    return None if fields is None else OutcomeRecord(**fields)


def _source(source: Source, status: ReviewStatus) -> SourceRecord:
    """A source as the transcript records it (its note is for the why screen only)."""
    return SourceRecord(
        id=source.id,
        title=source.title,
        short=source.short,
        file=source.file,
        version=source.version,
        review=source.review,
        review_date=source.review_date,
        review_overdue=source in status.overdue_sources,
        evidence=source.evidence,
    )


class BatchTranscripts:
    """The JSON form of many sessions' transcripts of one flow, for ``run --cases``.

    ``json(session)`` equals ``from_session(session).model_dump(mode="json")``
    (``tests/test_transcript_batch.py`` holds it to that over every bundled scenario and
    random answers) without validating a pydantic record per case: the parts that do not
    depend on the case (the flow record, which depends only on the day, and the groups)
    are recorded once, and the rest is built as plain data from the session.
    """

    def __init__(self, flow: CompiledFlow) -> None:
        self._flow = flow
        self._records: dict[date, dict[str, Any]] = {}
        self._groups = [group.model_dump(mode="json") for group in _groups(flow)]

    def json(self, session: Session) -> dict[str, Any]:
        """The transcript of ``session`` as JSON-ready data (finished or not)."""
        flow = self._flow
        assert session.flow is flow, "a BatchTranscripts serves the sessions of one flow"
        today = session.started_at.date()
        record = self._records.get(today)
        if record is None:
            record = _flow_record(flow, today).model_dump(mode="json")
            self._records = {today: record}  # a batch crosses midnight at most once a day
        lang = flow.language
        data = {
            "format": FORMAT,
            "triagebot_version": __version__,
            "flow": record,
            "language": lang,
            "disclaimer": flow.flow.disclaimer,
            "patient": session.patient,
            "clinician": session.clinician,
            "started_at": session.started_at,
            "finished_at": session.finished_at,
            "answers": [_answer_fields(session, s) for s in session.steps if s.value is not None],
            "groups": self._groups,
            "infos": _path_infos(session),
            "changes": [_change_fields(flow, c) for c in session.changes],
            "superseded": [_superseded_fields(flow, s) for s in session.superseded],
            "computed": {name: _plain(v) for name, v in session.computed_values().items()},
            "computed_shown": [_value_fields(session.shown_value(n)) for n in flow.computed],
            "outcome": _outcome_fields(session.outcome()),
        }
        # pydantic's own JSON rules for what is left: datetimes, and inf or NaN as null
        result: dict[str, Any] = to_jsonable_python(data)
        return result


def _path_infos(session: Session) -> list[dict[str, Any]]:
    """:func:`_info_fields` read off the path alone: in the conversation view an info
    message is the entry of a step at an info node (or of the info node the session rests
    at), and the answers before it are the steps before it that carry a value."""
    flow = session.flow
    result: list[dict[str, Any]] = []
    answered = 0

    def info(node_id: str, node: InfoNode, number: int | None) -> dict[str, Any]:
        text = session.fill(node.text)
        group = flow.group_of.get(node_id)
        return {"node": node_id, "text": text, "after": answered, "group": group, "round": number}

    for step in session.steps:
        node = flow.node(step.node)
        if isinstance(node, InfoNode):
            result.append(info(step.node, node, step.round))
        answered += step.value is not None
    node = session.node
    if isinstance(node, InfoNode):
        result.append(info(session.current, node, session.round))
    return result


def _answer_fields(session: Session, step: Step) -> dict[str, Any]:
    node_id, value = step.node, step.value
    assert value is not None
    question = session.flow.question(node_id)
    return {
        "question": node_id,
        "kind": question.type,
        "prompt": question.prompt,
        "answer": to_json_answer(value),
        "shown": describe_answer(question, value, session.flow.language),
        "unit": question.unit if isinstance(question, NumberQuestion) else None,
        "labels": _labels(question, value),
        "at": step.at,
        "carried": step.carried,
        "group": session.flow.group_of.get(node_id),
        "round": step.round,
    }


def _change_fields(flow: CompiledFlow, change: Change) -> dict[str, Any]:
    question = flow.question(change.question)
    return {
        "question": change.question,
        "prompt": question.prompt,
        "old": to_json_answer(change.old),
        "new": to_json_answer(change.new),
        "old_shown": describe_answer(question, change.old, flow.language),
        "new_shown": describe_answer(question, change.new, flow.language),
        "at": change.at,
        "group": flow.group_of.get(change.question),
        "round": change.round,
    }


def _superseded_fields(flow: CompiledFlow, superseded: Superseded) -> dict[str, Any]:
    question = flow.question(superseded.question)
    return {
        "question": superseded.question,
        "prompt": question.prompt,
        "answer": to_json_answer(superseded.value),
        "shown": describe_answer(question, superseded.value, flow.language),
        "at": superseded.at,
        "group": flow.group_of.get(superseded.question),
        "round": superseded.round,
    }


def _value_fields(shown: ShownValue) -> dict[str, Any]:
    return {
        "name": shown.name,
        "label": shown.label,
        "value": _plain(shown.value),
        "shown": shown.display,
    }


def _line_fields(items: tuple[RenderedItem, ...]) -> list[dict[str, Any]]:
    return [{"text": i.text, "source": i.doc, "section": i.section} for i in items]


def _outcome_fields(view: OutcomeView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "id": view.id,
        "urgency": view.urgency,
        "title": view.title,
        "summary": view.summary,
        "reasons": _line_fields(view.reasons),
        "actions": _line_fields(view.actions),
        "evidence": _line_fields(view.evidence),
        "safety_netting": _line_fields(view.safety_netting),
        "shown": [_value_fields(v) for v in view.shown],
    }
