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
from typing import Literal

from pydantic import BaseModel, ConfigDict

from triagebot.flows.answers import JsonAnswer, to_json_answer
from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.schema import QuestionTypeName

FORMAT: Literal[1] = 1
"""The version of the transcript record's JSON form; bumped when a field changes meaning."""

JsonValue = bool | int | float | str | list[str] | None
"""A computed or displayed value as stored in JSON (None: not available on this path)."""

QuestionKind = QuestionTypeName


class Record(BaseModel):
    """Base of transcript models: strict about fields, and immutable once made."""

    # defer_build: the validator is built when a transcript is first written or read, not
    # at import (start-up), before the first question is drawn.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SourceRecord(Record):
    """A source the flow rests on, as it stood when the transcript was taken."""

    id: str
    title: str
    short: str | None = None
    """The short title citations show (None in transcripts older than the field: the
    title is cited)."""
    file: str
    version: str
    review: str | None = None
    """The source's review date as it prints it; None: it states none."""
    review_date: date | None
    review_overdue: bool = False
    """Whether the source was past its review date when the transcript was taken."""
    evidence: str


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
    group: str | None = None
    """The repeated group it was shown in (None outside groups, and in transcripts older
    than the field)."""
    round: int | None = None
    """The round of that group it was shown in, 1-based."""


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
    patient: str | None = None
    """The patient reference the user typed (never guessed; None: none given). It goes into
    every export and FHIR ``subject.display``, never into the flow cache or a log."""
    clinician: str | None = None
    """Who ran the session, where known (the reverse proxy's user header under ``serve``);
    FHIR ``author.display``. None: not known."""
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
    "to_json",
    "to_json_answer",
]
