"""Replay for audit: feed a transcript's recorded answers back through a flow.

Reports whether the flow reaches the same outcome, with the same actions, and, when the
flow file changed since the transcript was taken (its sha256), what differs: answers the
flow now refuses, questions it now asks that were not recorded, recorded answers it no
longer asks, and a different outcome or different outcome lines.

Lines are compared in the transcript's language (they are text as shown); the report's
outcome is shown in the language of the flow given, which may be another.
"""

from __future__ import annotations

from dataclasses import dataclass

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, with_language
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session
from triagebot.flows.schema import OUTCOME_SECTIONS
from triagebot.flows.switching import switch_language
from triagebot.flows.transcript import JsonAnswer, OutcomeRecord, Transcript


@dataclass(frozen=True, slots=True)
class Refused:
    """A recorded answer the flow no longer accepts."""

    question: str
    prompt: str
    value: JsonAnswer
    message: str
    round: int | None = None
    """The round, for a member of a repeated group."""

    @property
    def where(self) -> str:
        return _where(self.question, self.round)


@dataclass(frozen=True, slots=True)
class Asked:
    """A question, by id and prompt."""

    question: str
    prompt: str
    round: int | None = None
    """The round, for a member of a repeated group."""

    @property
    def where(self) -> str:
        return _where(self.question, self.round)


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What a replay found."""

    flow: CompiledFlow
    transcript: Transcript
    refused: tuple[Refused, ...]
    not_recorded: tuple[Asked, ...]
    """Questions the flow asks now that the transcript has no answer for."""
    not_asked: tuple[Asked, ...]
    """Recorded answers to questions the flow did not ask this time."""
    error: str | None
    """The flow could not route (a fault in the flow on this path)."""
    outcome: OutcomeView | None
    """The outcome reached now, in the flow's language; None when the replay stopped before
    one."""
    compared: OutcomeView | None
    """The same outcome in the language its lines were compared in (see
    ``compared_language``)."""
    compared_language: str
    """The transcript's language, or the flow's when the flow no longer has it."""

    @property
    def flow_changed(self) -> bool:
        return self.flow.sha256 != self.transcript.flow.sha256

    @property
    def same_outcome(self) -> bool:
        """Same outcome id, urgency and lines as recorded."""
        recorded = self.transcript.outcome
        return (
            recorded is not None
            and self.compared is not None
            and _summary(recorded) == _view_summary(self.compared)
        )


def _section_texts(outcome: OutcomeRecord | OutcomeView) -> list[list[str]]:
    """Each section's lines (reasons, actions, evidence, safety-netting), as text."""
    return [[line.text for line in getattr(outcome, section)] for section in OUTCOME_SECTIONS]


def _summary(outcome: OutcomeRecord) -> tuple[object, ...]:
    return (outcome.id, outcome.urgency, *_section_texts(outcome))


def _view_summary(outcome: OutcomeView) -> tuple[object, ...]:
    return (outcome.id, outcome.urgency, *_section_texts(outcome))


def replay(transcript: Transcript, flow: CompiledFlow) -> ReplayReport:
    """Answer each question the flow asks from the transcript, as the user did.

    A repeated group's answers are matched by question and round.
    """
    recorded = transcript.answers_by_round()
    same_words = transcript.language in flow.languages
    session = Session(with_language(flow, transcript.language) if same_words else flow)
    refused: list[Refused] = []
    not_recorded: list[Asked] = []
    error = None
    while not session.finished:
        question = session.question
        if question is None:
            session.answer()
            continue
        key = (session.current, session.round)
        if key not in recorded:
            not_recorded.append(Asked(key[0], question.prompt, key[1]))
            break
        value = recorded[key].answer
        try:
            session.answer(value)
        except AnswerError as refusal:
            refused.append(Refused(key[0], question.prompt, value, str(refusal), key[1]))
            break
        except FlowRuntimeError as fault:
            error = str(fault)
            break
    asked = {(step.node, step.round) for step in session.steps}
    asked.add((session.current, session.round))
    not_asked = tuple(
        Asked(question, answer.prompt, number)
        for (question, number), answer in recorded.items()
        if (question, number) not in asked
    )
    compared_language = session.flow.language
    compared = session.outcome()
    switch_language(session, flow.language)
    return ReplayReport(
        flow=flow,
        transcript=transcript,
        refused=tuple(refused),
        not_recorded=tuple(not_recorded),
        not_asked=not_asked,
        error=error,
        outcome=session.outcome(),
        compared=compared,
        compared_language=compared_language,
    )


def _where(question: str, number: int | None) -> str:
    """A question id, with its round for a member of a repeated group."""
    return question if number is None else f"{question} (round {number})"


def describe(report: ReplayReport) -> str:
    """The report as a clinician or auditor reads it."""
    transcript = report.transcript
    flow = report.flow
    lines = [
        f"Replayed {len(transcript.answers)} recorded answers through flow '{flow.id}' "
        f"version {flow.flow.version} ({flow.file})."
    ]
    if report.flow_changed:
        lines += [
            "The flow file has changed since the transcript was taken:",
            f"  sha256 then {transcript.flow.sha256[:16]}…, now {flow.sha256[:16]}…; "
            f"version then {transcript.flow.version}, now {flow.flow.version}",
        ]
    else:
        lines.append("The flow file is the one the transcript was taken on (same sha256).")
    if report.compared_language != transcript.language:
        lines.append(
            f"The flow has no '{transcript.language}' text any more: the outcome's lines were "
            f"compared in '{report.compared_language}'."
        )
    if report.refused:
        lines.append("Answers now refused:")
        lines += [f"  - {r.where} ({r.prompt}): {r.message}" for r in report.refused]
    if report.not_recorded:
        lines.append("Questions now asked that were not recorded:")
        lines += [f"  - {a.where}: {a.prompt}" for a in report.not_recorded]
    if report.not_asked:
        lines.append("Recorded answers the flow did not ask for this time:")
        lines += [f"  - {a.where}: {a.prompt}" for a in report.not_asked]
    if report.error:
        lines.append(f"The flow could not go on: {report.error}")
    lines += _outcome_lines(report)
    return "\n".join(lines) + "\n"


def _outcome_lines(report: ReplayReport) -> list[str]:
    recorded = report.transcript.outcome
    now = report.outcome
    then_text = "none" if recorded is None else f"{recorded.id} ({recorded.urgency})"
    now_text = "none reached" if now is None else f"{now.id} ({now.urgency})"
    if report.same_outcome:
        return [f"Same outcome: {now_text}, with the same lines."]
    lines = [f"DIFFERENT OUTCOME: recorded {then_text}; now {now_text}."]
    compared = report.compared
    if recorded is not None and compared is not None and recorded.id == compared.id:
        before = {text for texts in _section_texts(recorded) for text in texts}
        after = {text for texts in _section_texts(compared) for text in texts}
        lines += [f"  - no longer shown: {text}" for text in sorted(before - after)]
        lines += [f"  + now shown: {text}" for text in sorted(after - before)]
    return lines
