"""The transcript: what a session did, as a record that survives it.

It goes into the patient's notes, a referral or an audit, so it is a validated pydantic
record with everything needed to read it without the flow file: the questions as shown,
the answers, every change, the computed values and the outcome with its sources. It also
carries what a replay needs: the flow's id, file name and sha256, and every answer by
question id with the value as recorded (``triagebot replay`` feeds them back through the
flow). JSON is its lossless form: ``from_json(to_json(t)) == t``.

A repeated group's answers keep their group and round (``AnswerRecord.group``,
``.round``); ``Transcript.groups`` says what an entry is called, so the exports can show
the rounds as "Branch 1", "Branch 2" without the flow file.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from triagebot import __version__
from triagebot.flows.answers import AnswerValue, JsonAnswer, to_json_answer
from triagebot.flows.catalog import DEFAULT_LANGUAGE
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
from triagebot.flows.schema import (
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    Source,
)

FORMAT: Literal[1] = 1
"""The version of the transcript record's JSON form; bumped when a field changes meaning."""

JsonValue = bool | int | float | str | list[str] | None
"""A computed or displayed value as stored in JSON (None: not available on this path)."""

QuestionKind = Literal["yes_no", "choice", "multi_choice", "number"]


class Record(BaseModel):
    """Base of transcript models: strict about fields, and immutable once made."""

    # defer_build: the validator is built when a transcript is first written or read, not
    # at import (start-up), before the first question is drawn.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SourceRecord(Record):
    """A source the flow rests on, as it stood when the transcript was taken."""

    id: str
    title: str
    file: str
    version: str
    review: str | None = None
    """The source's review date as it prints it; None: it states none."""
    review_date: date | None
    review_overdue: bool = False
    """Whether the source was past its review date when the transcript was taken."""
    evidence: str


def _source(source: Source, status: ReviewStatus) -> SourceRecord:
    """A source as the transcript records it (its note is for the why screen only)."""
    return SourceRecord(
        id=source.id,
        title=source.title,
        file=source.file,
        version=source.version,
        review=source.review,
        review_date=source.review_date,
        review_overdue=source in status.overdue_sources,
        evidence=source.evidence,
    )


class FlowRecord(Record):
    """Which flow, exactly: id, version, file name and the sha256 of the flow file's text."""

    id: str
    title: str
    version: str
    file: str
    """The flow file's name (not its folder: that is the user's business)."""
    sha256: str
    review_date: date | None
    """The earliest review date: the flow's content review or a source's."""
    review_overdue: bool
    """Whether the content review or a source was past its review date when the transcript
    was taken."""
    content_signed_off: date | None = None
    """When the flow's content was signed off (None in transcripts older than the field)."""
    content_review_due: date | None = None
    """When the flow's content review was due."""
    content_review_overdue: bool = False
    """Whether the content review was past due when the transcript was taken."""
    sources: list[SourceRecord]


class AnswerRecord(Record):
    """One question as shown and the answer given."""

    question: str
    """The question's id in the flow (what replay answers)."""
    kind: QuestionKind
    prompt: str
    answer: JsonAnswer
    """The value as recorded: yes/no/unsure, an option id, a number, ``unknown``, or ids."""
    shown: str
    """The answer as the clinician reads it (option labels, number with unit)."""
    unit: str | None = None
    labels: list[str] = []
    """Labels of the options chosen (choice and multi-choice questions)."""
    at: datetime
    carried: bool = False
    """Carried over unchanged when an earlier answer was edited, rather than asked again."""
    group: str | None = None
    """The repeated group the question belongs to (None outside groups)."""
    round: int | None = None
    """The round (entry) of that group it was answered in, 1-based."""


class GroupRecord(Record):
    """A repeated group of the flow, as its rounds are shown."""

    id: str
    entry: str
    """What one entry is called, e.g. "Branch" (rounds read "Branch 1", "Branch 2")."""
    max: int


class ChangeRecord(Record):
    """An earlier answer the user changed (old value → new value)."""

    question: str
    prompt: str
    old: JsonAnswer
    new: JsonAnswer
    old_shown: str
    new_shown: str
    at: datetime
    group: str | None = None
    round: int | None = None
    """The round of the entry changed, for a member of a repeated group."""


class SupersededRecord(Record):
    """An answer that stopped applying when an earlier answer changed."""

    question: str
    prompt: str
    answer: JsonAnswer
    shown: str
    at: datetime
    group: str | None = None
    round: int | None = None
    """The round it was answered in, for a member of a repeated group."""


class InfoRecord(Record):
    """An info message as the clinician was shown it (its ``{placeholders}`` filled)."""

    node: str
    """The info node's id in the flow."""
    text: str
    after: int
    """How many answers came before it: the exports show it after that many answers."""


class LineRecord(Record):
    """An outcome line with its source (the source's id and the section cited)."""

    text: str
    source: str
    section: str


class ValueRecord(Record):
    """A computed value (or an answer) as displayed."""

    name: str
    label: str
    value: JsonValue
    shown: str


class OutcomeRecord(Record):
    """The outcome reached, with only the lines that applied."""

    id: str
    urgency: str
    title: str
    summary: str | None
    reasons: list[LineRecord]
    actions: list[LineRecord]
    evidence: list[LineRecord] = []
    """What the source found that bears on the decision (empty in older transcripts)."""
    safety_netting: list[LineRecord]
    shown: list[ValueRecord]


class Transcript(Record):
    """Everything a session did, in the order it happened."""

    format: Literal[1] = FORMAT
    triagebot_version: str
    flow: FlowRecord
    language: str = DEFAULT_LANGUAGE
    """The language the session was in when the transcript was taken: every text here is in
    it, and replay and exports use it (transcripts older than languages are English)."""
    disclaimer: str
    started_at: datetime
    finished_at: datetime | None
    """When the outcome was reached; None for a session not finished."""
    answers: list[AnswerRecord]
    """The answers on the path taken, in the order asked."""
    groups: list[GroupRecord] = []
    """The flow's repeated groups (empty for a flow without any)."""
    infos: list[InfoRecord] = []
    """The info messages shown, from the conversation view every front end draws (empty in
    transcripts older than the field)."""
    changes: list[ChangeRecord]
    superseded: list[SupersededRecord]
    computed: dict[str, JsonValue]
    """Every computed value by name (None where an input was missing or unknown)."""
    computed_shown: list[ValueRecord]
    """The same values with their labels and as displayed (units, decimals, labels)."""
    outcome: OutcomeRecord | None

    def recorded_answers(self) -> dict[str, JsonAnswer | list[dict[str, JsonAnswer]]]:
        """Question id → answer, in the form of an answers file: a repeated group's answers
        are a list of mappings under the group's id, one per round."""
        result: dict[str, JsonAnswer | list[dict[str, JsonAnswer]]] = {}
        rounds: dict[str, list[dict[str, JsonAnswer]]] = {}
        for answer in self.answers:
            if answer.group is None or answer.round is None:
                result[answer.question] = answer.answer
                continue
            entries = rounds.setdefault(answer.group, [])
            result[answer.group] = entries
            while len(entries) < answer.round:
                entries.append({})
            entries[answer.round - 1][answer.question] = answer.answer
        return result

    def answers_by_round(self) -> dict[tuple[str, int | None], AnswerRecord]:
        """(question id, round) → the answer given there (round None outside groups)."""
        return {(a.question, a.round): a for a in self.answers}


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
            result.append(InfoRecord(node=entry.node, text=entry.text, after=answered))
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
    if isinstance(question, ChoiceQuestion | MultiChoiceQuestion):
        chosen = value if isinstance(value, tuple) else (value,)
        return [o.label for o in question.options if o.id in chosen]
    return []


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


def to_json(transcript: Transcript, indent: int | None = 2) -> str:
    """The lossless form: ``from_json`` gives back an equal record."""
    return transcript.model_dump_json(indent=indent)


def from_json(text: str | bytes) -> Transcript:
    """A transcript from its JSON; raises pydantic's ``ValidationError`` if it is not one."""
    return Transcript.model_validate_json(text)


__all__ = [
    "FORMAT",
    "AnswerRecord",
    "ChangeRecord",
    "FlowRecord",
    "GroupRecord",
    "InfoRecord",
    "JsonAnswer",
    "LineRecord",
    "OutcomeRecord",
    "SourceRecord",
    "SupersededRecord",
    "Transcript",
    "ValueRecord",
    "from_json",
    "from_session",
    "to_json",
    "to_json_answer",
]
