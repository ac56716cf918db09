"""Transcript exports: plain text for a GP record, Markdown, JSON and FHIR.

The plain text is what a clinician would write by hand, only complete: no markup, lines
of at most 80 characters, headed by the flow and its version, one short line per question
and answer (a repeated group's answers under a numbered line per round: "Branch 1",
"Branch 2"), then the outcome with its actions and their sources, then the disclaimer.
FHIR is produced by :mod:`triagebot.fhir`, imported only when asked for (it is slow to
import and outside the strictly typed core).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

from triagebot.flows.transcript import AnswerRecord, LineRecord, Transcript, to_json

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow

Format = Literal["text", "markdown", "json", "fhir", "fhir-r4b"]
FORMATS: tuple[Format, ...] = get_args(Format)
"""Every export format, in the order offered."""

EXTENSIONS: dict[Format, str] = {
    "text": "txt",
    "markdown": "md",
    "json": "json",
    "fhir": "fhir.json",
    "fhir-r4b": "r4b.fhir.json",
}
"""File name extension of each format (without the dot)."""

WIDTH = 80
"""Longest line of the plain-text export."""

SECTIONS = (("Reasons", "reasons"), ("Actions", "actions"), ("Safety-netting", "safety_netting"))


class ExportError(ValueError):
    """An export that cannot be made (e.g. FHIR for a transcript of another flow version)."""


def render(fmt: Format, transcript: Transcript, flow: CompiledFlow | None = None) -> str:
    """The transcript in ``fmt``. FHIR needs the flow (its Questionnaire) to check linkIds."""
    if fmt == "text":
        return to_text(transcript)
    if fmt == "markdown":
        return to_markdown(transcript)
    if fmt == "json":
        return to_json(transcript) + "\n"
    if flow is None:
        raise ExportError("a FHIR export needs the flow the transcript was taken on")
    from triagebot import fhir  # noqa: PLC0415  (slow import, only when exporting FHIR)

    release: fhir.Release = "R4B" if fmt == "fhir-r4b" else "R5"
    return fhir.response_json(transcript, flow, release) + "\n"


# --- plain text ---------------------------------------------------------------------------


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """``text`` wrapped at WIDTH, the first line after ``first``, the others after ``rest``."""
    return textwrap.wrap(
        " ".join(text.split()),
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _time(at: datetime) -> str:
    return f"{at:%H:%M}"


def _period(transcript: Transcript) -> str:
    start = transcript.started_at
    end = transcript.finished_at
    if end is None:
        return f"{start:%Y-%m-%d %H:%M} UTC, not finished"
    if end.date() == start.date():
        return f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} UTC"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"


def _shown(answer: AnswerRecord) -> str:
    """Yes, No, Unsure as a clinician writes them; labels and numbers as shown."""
    return answer.shown.capitalize() if answer.kind == "yes_no" else answer.shown


def _labelled(label: str, shown: str) -> str:
    """``Dose: 141 mg``, or ``Age? 40 years`` when the label is a question."""
    return f"{label} {shown}" if label.endswith("?") else f"{label}: {shown}"


def _source_note(line: LineRecord) -> str:
    return f"[{line.source}: {line.section}]"


def round_name(transcript: Transcript, group: str | None, number: int | None) -> str | None:
    """How a round is named, e.g. "Branch 2"; None outside groups."""
    if group is None or number is None:
        return None
    entry = next((g.entry for g in transcript.groups if g.id == group), group)
    return f"{entry} {number}"


def _in_round(transcript: Transcript, group: str | None, number: int | None) -> str:
    """``Branch 2: `` before a change to a group's member; empty outside groups."""
    name = round_name(transcript, group, number)
    return "" if name is None else f"{name}: "


def _answer_rows(transcript: Transcript) -> Iterable[tuple[int, str | None, AnswerRecord | None]]:
    """The answers with a heading row before each round: (depth, heading, answer)."""
    last: tuple[str, int] | None = None
    for answer in transcript.answers:
        if answer.group is None or answer.round is None:
            last = None
            yield 0, None, answer
            continue
        if last != (answer.group, answer.round):
            last = (answer.group, answer.round)
            yield 0, round_name(transcript, answer.group, answer.round), None
        yield 1, None, answer


def to_text(transcript: Transcript) -> str:
    """Plain text for pasting into a record: at most 80 characters a line, no markup."""
    flow = transcript.flow
    lines = _wrap(flow.title)
    lines += _wrap(f"triagebot flow {flow.id} version {flow.version}, {_period(transcript)}")
    if flow.review_overdue:
        lines += _wrap(
            f"WARNING: the flow's sources were past their review date "
            f"({flow.review_date}) when this was recorded."
        )
    lines.append("")
    for depth, heading, answer in _answer_rows(transcript):
        indent = "  " * depth
        if answer is None:
            lines += _wrap(f"{heading}:", "- ", "  ")
            continue
        carried = " (carried over)" if answer.carried else ""
        lines += _wrap(f"{answer.prompt} {_shown(answer)}{carried}", f"{indent}- ", f"{indent}  ")
    for change in transcript.changes:
        where = _in_round(transcript, change.group, change.round)
        lines += _wrap(
            f"{where}{change.prompt} changed from {change.old_shown} to {change.new_shown} "
            f"at {_time(change.at)}",
            "- ",
            "  ",
        )
    for gone in transcript.superseded:
        where = _in_round(transcript, gone.group, gone.round)
        lines += _wrap(
            f"No longer applies after a change: {where}{gone.prompt} {gone.shown}", "- ", "  "
        )
    lines += _outcome_text(transcript)
    lines += ["", "Sources:"]
    for source in flow.sources:
        review = f", review due {source.review_date}" if source.review_date else ""
        lines += _wrap(
            f"{source.id}: {source.title} ({source.evidence}, {source.version}{review}; "
            f"file {source.file})",
            "- ",
            "  ",
        )
    lines += ["", *_wrap(transcript.disclaimer)]
    return "\n".join(lines) + "\n"


def _outcome_text(transcript: Transcript) -> list[str]:
    outcome = transcript.outcome
    if outcome is None:
        return ["", *_wrap("No outcome: the session was not finished.")]
    lines = ["", *_wrap(f"OUTCOME [{outcome.urgency.upper()}]: {outcome.title}")]
    if outcome.summary:
        lines += _wrap(outcome.summary)
    for heading, field in SECTIONS:
        items: list[LineRecord] = getattr(outcome, field)
        if items:
            lines.append(f"{heading}:")
            for item in items:
                lines += _wrap(f"{item.text} {_source_note(item)}", "- ", "  ")
    for value in outcome.shown:
        lines += _wrap(_labelled(value.label, value.shown))
    others = [v for v in transcript.computed_shown if v.name not in {s.name for s in outcome.shown}]
    if others:
        lines.append("Computed:")
        lines += [row for v in others for row in _wrap(_labelled(v.label, v.shown), "- ", "  ")]
    return lines


# --- Markdown -------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Text with Markdown's active characters escaped (flow text is never markup)."""
    return text.translate(_MARKDOWN_SPECIAL)


def _bullets(rows: Iterable[str]) -> list[str]:
    return [f"- {row}" for row in rows]


def to_markdown(transcript: Transcript) -> str:
    """Markdown for referral letters and wikis."""
    flow = transcript.flow
    lines = [
        f"# {_md(flow.title)}",
        "",
        f"Flow `{flow.id}` version {_md(flow.version)}, {_period(transcript)}",
    ]
    if flow.review_overdue:
        lines += [
            "",
            f"**Warning:** the flow's sources were past their review date "
            f"({flow.review_date}) when this was recorded.",
        ]
    lines += ["", "## Answers", ""]
    for depth, heading, a in _answer_rows(transcript):
        indent = "  " * depth
        if a is None:
            lines.append(f"- **{_md(heading or '')}**")
            continue
        carried = " _(carried over)_" if a.carried else ""
        lines.append(f"{indent}- **{_md(a.prompt)}** {_md(_shown(a))}{carried}")
    if transcript.changes or transcript.superseded:
        lines += ["", "## Changes", ""]
        lines += _bullets(
            f"{_time(c.at)} {_md(_in_round(transcript, c.group, c.round))}{_md(c.prompt)}: "
            f"{_md(c.old_shown)} → {_md(c.new_shown)}"
            for c in transcript.changes
        )
        lines += _bullets(
            f"No longer applies: {_md(_in_round(transcript, s.group, s.round))}{_md(s.prompt)} "
            f"{_md(s.shown)}"
            for s in transcript.superseded
        )
    lines += _outcome_markdown(transcript)
    lines += ["", "## Sources", ""]
    lines += _bullets(
        f"`{s.id}`: {_md(s.title)} ({s.evidence}, {_md(s.version)}"
        + (f", review due {s.review_date}" if s.review_date else "")
        + ")"
        for s in flow.sources
    )
    lines += ["", f"> {_md(transcript.disclaimer)}"]
    return "\n".join(lines) + "\n"


def _outcome_markdown(transcript: Transcript) -> list[str]:
    outcome = transcript.outcome
    if outcome is None:
        return ["", "## No outcome", "", "The session was not finished."]
    lines = ["", f"## Outcome: {_md(outcome.title)} ({outcome.urgency})"]
    if outcome.summary:
        lines += ["", _md(outcome.summary)]
    for heading, field in SECTIONS:
        items: list[LineRecord] = getattr(outcome, field)
        if items:
            lines += ["", f"### {heading}", ""]
            lines += _bullets(f"{_md(i.text)} _({_md(i.source)}: {_md(i.section)})_" for i in items)
    if transcript.computed_shown or outcome.shown:
        lines += ["", "### Values", ""]
        shown = {v.name: v for v in [*outcome.shown, *transcript.computed_shown]}
        lines += _bullets(_md(_labelled(v.label, v.shown)) for v in shown.values())
    return lines
