"""Building a transcript from a session: what the clinician was asked, answered and shown,
turned into the record of :mod:`triagebot.flows.transcript` (which holds only the record
and its JSON form)."""

from __future__ import annotations

from pathlib import Path

from triagebot import __version__
from triagebot.flows.answers import AnswerValue, to_json_answer
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
    NumberQuestion,
    Question,
    Source,
)
from triagebot.flows.transcript import (
    AnswerRecord,
    ChangeRecord,
    FlowRecord,
    GroupRecord,
    InfoRecord,
    JsonValue,
    LineRecord,
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
    review = review_status(flow, session.started_at.date())
    return Transcript(
        triagebot_version=__version__,
        flow=FlowRecord(
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
        ),
        language=lang,
        disclaimer=flow.flow.disclaimer,
        patient=session.patient,
        clinician=session.clinician,
        started_at=session.started_at,
        finished_at=session.finished_at,
        answers=[_answer(session, step) for step in session.steps if step.value is not None],
        infos=_infos(session),
        groups=[
            GroupRecord(id=group_id, entry=group.entry, max=group.max)
            for group_id, group in flow.groups.items()
        ],
        changes=[
            ChangeRecord(
                question=c.question,
                prompt=flow.question(c.question).prompt,
                old=to_json_answer(c.old),
                new=to_json_answer(c.new),
                old_shown=describe_answer(flow.question(c.question), c.old, lang),
                new_shown=describe_answer(flow.question(c.question), c.new, lang),
                at=c.at,
                group=flow.group_of.get(c.question),
                round=c.round,
            )
            for c in session.changes
        ],
        superseded=[
            SupersededRecord(
                question=s.question,
                prompt=flow.question(s.question).prompt,
                answer=to_json_answer(s.value),
                shown=describe_answer(flow.question(s.question), s.value, lang),
                at=s.at,
                group=flow.group_of.get(s.question),
                round=s.round,
            )
            for s in session.superseded
        ],
        computed={name: _plain(value) for name, value in session.computed_values().items()},
        computed_shown=[_value(session.shown_value(name)) for name in flow.computed],
        outcome=_outcome(session.outcome()),
    )


def _infos(session: Session) -> list[InfoRecord]:
    """The info messages of the conversation view (:func:`~triagebot.flows.conversation.
    entries`), each placed by the answers shown before it."""
    result: list[InfoRecord] = []
    answered = 0
    for entry in entries(session, session.started_at.date()):
        if entry.kind == "answer":
            answered += 1
        elif entry.kind == "info":
            group = session.flow.group_of.get(entry.node)
            info = InfoRecord(
                node=entry.node, text=entry.text, after=answered, group=group, round=entry.round
            )
            result.append(info)
    return result


def _answer(session: Session, step: Step) -> AnswerRecord:
    node_id, value = step.node, step.value
    assert value is not None
    question = session.flow.question(node_id)
    return AnswerRecord(
        question=node_id,
        kind=question.type,
        prompt=question.prompt,
        answer=to_json_answer(value),
        shown=describe_answer(question, value, session.flow.language),
        unit=question.unit if isinstance(question, NumberQuestion) else None,
        labels=_labels(question, value),
        at=step.at,
        carried=step.carried,
        group=session.flow.group_of.get(node_id),
        round=step.round,
    )


def _labels(question: Question, value: AnswerValue) -> list[str]:
    return type_of(question).labels(question, value)


def _plain(value: Value | None) -> JsonValue:
    return list(value) if isinstance(value, tuple) else value


def _value(shown: ShownValue) -> ValueRecord:
    value = shown.value
    return ValueRecord(
        name=shown.name,
        label=shown.label,
        value=list(value) if isinstance(value, tuple) else value,
        shown=shown.display,
    )


def _lines(items: tuple[RenderedItem, ...]) -> list[LineRecord]:
    return [LineRecord(text=i.text, source=i.doc, section=i.section) for i in items]


def _outcome(view: OutcomeView | None) -> OutcomeRecord | None:
    if view is None:
        return None
    return OutcomeRecord(
        id=view.id,
        urgency=view.urgency,
        title=view.title,
        summary=view.summary,
        reasons=_lines(view.reasons),
        actions=_lines(view.actions),
        evidence=_lines(view.evidence),
        safety_netting=_lines(view.safety_netting),
        shown=[_value(v) for v in view.shown],
    )


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
