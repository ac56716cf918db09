"""The transcript: what a session did, as a record that survives it.

It goes into the patient's notes, a referral or an audit, so it is a validated pydantic
record with everything needed to read it without the flow file: the questions as shown,
the answers, every change, the computed values and the outcome with its sources.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from triagebot import __version__
from triagebot.flows.answers import AnswerValue
from triagebot.flows.engine import OutcomeView, RenderedItem, Session, describe_answer
from triagebot.flows.expr import Value
from triagebot.flows.library import review_overdue
from triagebot.flows.schema import InfoNode

JsonAnswer = str | int | float | list[str]
"""An answer as stored in JSON: multi-choice answers become lists."""


class Record(BaseModel):
    """Base of transcript models: strict about fields, and immutable once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRecord(Record):
    """A source the flow rests on, as it stood when the transcript was taken."""

    id: str
    title: str
    file: str
    version: str
    review_date: date | None
    evidence: str


class FlowRecord(Record):
    """Which flow, exactly: id, version and the sha256 of the flow file's text."""

    id: str
    title: str
    version: str
    sha256: str
    review_overdue: bool
    sources: list[SourceRecord]


class AnswerRecord(Record):
    """One question as shown and the answer given."""

    question: str
    prompt: str
    answer: JsonAnswer | None
    shown: str
    at: datetime
    carried: bool = False


class ChangeRecord(Record):
    """An earlier answer the user changed (old value → new value)."""

    question: str
    old: JsonAnswer
    new: JsonAnswer
    at: datetime


class SupersededRecord(Record):
    """An answer that stopped applying when an earlier answer changed."""

    question: str
    answer: JsonAnswer
    at: datetime


class LineRecord(Record):
    """An outcome line with its source."""

    text: str
    source: str
    section: str


class ValueRecord(Record):
    """A value displayed with the outcome."""

    name: str
    label: str
    value: float | int | str | list[str] | None
    shown: str


class OutcomeRecord(Record):
    """The outcome reached, with only the lines that applied."""

    id: str
    urgency: str
    title: str
    summary: str | None
    reasons: list[LineRecord]
    actions: list[LineRecord]
    safety_netting: list[LineRecord]
    shown: list[ValueRecord]


class Transcript(Record):
    """Everything a session did, in the order it happened."""

    triagebot_version: str
    flow: FlowRecord
    disclaimer: str
    started_at: datetime
    finished_at: datetime | None
    answers: list[AnswerRecord]
    changes: list[ChangeRecord]
    superseded: list[SupersededRecord]
    computed: dict[str, float | int | str | None]
    outcome: OutcomeRecord | None


def to_json_answer(value: AnswerValue) -> JsonAnswer:
    return list(value) if isinstance(value, tuple) else value


def from_session(session: Session) -> Transcript:
    """The transcript of a session as it stands now (finished or not)."""
    flow = session.flow
    return Transcript(
        triagebot_version=__version__,
        flow=FlowRecord(
            id=flow.flow.id,
            title=flow.flow.title,
            version=flow.flow.version,
            sha256=flow.sha256,
            review_overdue=review_overdue(flow),
            sources=[SourceRecord(**s.model_dump(exclude={"note"})) for s in flow.flow.sources],
        ),
        disclaimer=flow.flow.disclaimer,
        started_at=session.started_at,
        finished_at=session.finished_at,
        answers=[
            _answer(session, step.node, step.value, step.at, step.carried)
            for step in session.steps
            if step.value is not None
        ],
        changes=[
            ChangeRecord(
                question=c.question, old=to_json_answer(c.old), new=to_json_answer(c.new), at=c.at
            )
            for c in session.changes
        ],
        superseded=[
            SupersededRecord(question=s.question, answer=to_json_answer(s.value), at=s.at)
            for s in session.superseded
        ],
        computed={name: _plain(value) for name, value in session.computed_values().items()},
        outcome=_outcome(session.outcome()),
    )


def _answer(
    session: Session, node_id: str, value: AnswerValue, at: datetime, carried: bool
) -> AnswerRecord:
    node = session.flow.flow.nodes[node_id]
    assert not isinstance(node, InfoNode)
    question = session.flow.question(node_id)
    return AnswerRecord(
        question=node_id,
        prompt=question.prompt,
        answer=to_json_answer(value),
        shown=describe_answer(question, value),
        at=at,
        carried=carried,
    )


def _plain(value: Value | None) -> float | int | str | None:
    if isinstance(value, tuple | bool):
        return str(value)
    return value


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
        safety_netting=_lines(view.safety_netting),
        shown=[
            ValueRecord(
                name=v.name,
                label=v.label,
                value=list(v.value) if isinstance(v.value, tuple) else v.value,
                shown=v.display,
            )
            for v in view.shown
        ],
    )


def to_json(transcript: Transcript, indent: int | None = 2) -> str:
    return transcript.model_dump_json(indent=indent)


def from_json(text: str) -> Transcript:
    return Transcript.model_validate_json(text)


def to_text(transcript: Transcript) -> str:
    """Plain text for pasting into a record: headed by flow and version, answers, outcome."""
    lines = [
        f"{transcript.flow.title} (triagebot flow {transcript.flow.id} v{transcript.flow.version})",
        f"Started {transcript.started_at:%Y-%m-%d %H:%M} UTC",
        "",
    ]
    lines += [f"{a.prompt} — {a.shown}" for a in transcript.answers]
    outcome = transcript.outcome
    if outcome is not None:
        lines += ["", f"OUTCOME [{outcome.urgency.upper()}]: {outcome.title}"]
        if outcome.summary:
            lines.append(outcome.summary)
        for heading, items in (
            ("Reasons", outcome.reasons),
            ("Actions", outcome.actions),
            ("Safety-netting", outcome.safety_netting),
        ):
            if items:
                lines += [f"{heading}:"] + [f"- {i.text} [{i.section}]" for i in items]
        lines += [f"{v.label}: {v.shown}" for v in outcome.shown]
    lines += ["", transcript.disclaimer]
    return "\n".join(lines) + "\n"


def to_markdown(transcript: Transcript) -> str:
    """Markdown for referral letters and wikis."""
    lines = [
        f"# {transcript.flow.title}",
        "",
        f"Flow `{transcript.flow.id}` v{transcript.flow.version}, "
        f"started {transcript.started_at:%Y-%m-%d %H:%M} UTC",
        "",
        "## Answers",
        "",
    ]
    lines += [f"- **{a.prompt}** {a.shown}" for a in transcript.answers]
    outcome = transcript.outcome
    if outcome is not None:
        lines += ["", f"## Outcome: {outcome.title} ({outcome.urgency})", ""]
        if outcome.summary:
            lines += [outcome.summary, ""]
        for heading, items in (
            ("Reasons", outcome.reasons),
            ("Actions", outcome.actions),
            ("Safety-netting", outcome.safety_netting),
        ):
            if items:
                lines += (
                    [f"### {heading}", ""] + [f"- {i.text} _({i.section})_" for i in items] + [""]
                )
        lines += [f"- {v.label}: {v.shown}" for v in outcome.shown]
    lines += ["", f"> {transcript.disclaimer}"]
    return "\n".join(lines) + "\n"
