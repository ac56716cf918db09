"""Transcript exports: plain text for a GP record, Markdown, JSON and FHIR.

The plain text is what a clinician would write by hand, only complete: no markup, lines
of at most 80 characters, headed by the flow, its version and the language, one short line
per question and answer (a repeated group's answers under a numbered line per round:
"Branch 1", "Branch 2"), then the outcome with its actions and their sources, then the
disclaimer. Headings and fixed words come from the catalog in the transcript's language.
FHIR is built by :mod:`~triagebot.flows.fhir` and validated in the application layer
(``triagebot.app.exports.render`` makes every format). Transcripts (pydantic models) are only named
here, so the command line's start does not import pydantic.

A transcript may come from elsewhere: every format writes a control character or a
bidirectional control as its escape (``\\u001b``, :mod:`~triagebot.flows.safe_text`), which
in JSON is the same data.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

from triagebot.flows.catalog import Words, words
from triagebot.flows.layout import SECTIONS, citation, heading, labelled
from triagebot.flows.safe_text import escaped
from triagebot.flows.times import clock_time, period
from triagebot.flows.transcript_view import entries_of
from triagebot.flows.wording import overdue_what

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow
    from triagebot.flows.transcript import (
        AnswerRecord,
        LineRecord,
        SourceRecord,
        Transcript,
        ValueRecord,
    )

Format = Literal["text", "markdown", "json", "fhir", "fhir-r4b"]
FORMATS: tuple[Format, ...] = get_args(Format)
FHIR_FORMATS: tuple[Format, ...] = ("fhir", "fhir-r4b")
"""The formats made by the application layer, which validates them."""
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


class ExportError(ValueError):
    """An export that cannot be made (e.g. FHIR for a transcript of another flow version)."""


def render(fmt: Format, transcript: Transcript, flow: CompiledFlow | None = None) -> str:
    """The transcript as text, Markdown or JSON (FHIR: ``triagebot.app.exports.render``)."""
    if fmt == "text":
        return to_text(transcript)
    if fmt == "markdown":
        return to_markdown(transcript)
    if fmt == "json":
        from triagebot.flows.transcript import to_json  # noqa: PLC0415 (see the docstring)

        return escaped(to_json(transcript)) + "\n"
    raise ExportError(f"internal error: {fmt} is made by triagebot.app.exports.render")


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
    return clock_time(at)


def _period(transcript: Transcript) -> str:
    """``2025-03-14 16:15-16:20 (UTC+01:00)``: local times, as taken, with their offset."""
    said = words(transcript.language)
    shown = period(transcript.started_at, transcript.finished_at)
    if shown.end is None:
        return said.period_not_finished.format(start=shown.start, zone=shown.zone)
    template = said.period_same_day if shown.same_day else said.period_days
    return template.format(start=shown.start, end=shown.end, zone=shown.zone)


def _flow_line(transcript: Transcript, template: str, version: str) -> str:
    return template.format(
        id=transcript.flow.id,
        version=version,
        period=_period(transcript),
        language=transcript.language,
    )


def _shown(answer: AnswerRecord) -> str:
    """Yes, No, Unsure as a clinician writes them; labels and numbers as shown."""
    return answer.shown.capitalize() if answer.kind == "yes_no" else answer.shown


def _cited(transcript: Transcript, source_id: str) -> str:
    """What a citation names a source by: its short title (its title in transcripts older
    than short titles), never its id."""
    found = next((s for s in transcript.flow.sources if s.id == source_id), None)
    return source_id if found is None else (found.short or found.title)


def _source_note(transcript: Transcript, said: Words, line: LineRecord) -> str:
    return citation(said, _cited(transcript, line.source), line.section)


def _source_name(source: SourceRecord) -> str:
    """``Short title: full title`` (the full title alone when there is no short one)."""
    return source.title if source.short is None else f"{source.short}: {source.title}"


def _values(transcript: Transcript) -> list[ValueRecord]:
    """The outcome's values, then every other computed value, each once."""
    shown = [] if transcript.outcome is None else list(transcript.outcome.shown)
    named = {v.name for v in shown}
    return [*shown, *(v for v in transcript.computed_shown if v.name not in named)]


def _heading(said: Words, text: str) -> str:
    """``Sources:`` in English, ``Sources :`` in French (a space before a colon)."""
    return f"{text}{said.colon}"


def _evidence(said: Words, kind: str) -> str:
    return said.evidence.get(kind, kind)


def _stated_review(source: SourceRecord, said: Words) -> str:
    """The source's review date as it prints it, or that it prints none; a transcript older
    than the stated text shows the date it recorded."""
    if source.review is None and source.review_date is not None:
        return said.review_on.format(date=source.review_date.isoformat())
    if source.review is None:
        return said.review_not_stated
    return said.review_on.format(date=source.review)


def _content_review(transcript: Transcript, said: Words) -> str | None:
    flow = transcript.flow
    if flow.content_signed_off is None or flow.content_review_due is None:
        return None  # a transcript older than content reviews
    return said.content_review_line.format(
        signed_off=flow.content_signed_off.isoformat(), due=flow.content_review_due.isoformat()
    )


def _overdue_sentence(transcript: Transcript, said: Words) -> str:
    """What was past its review date when the transcript was taken."""
    flow = transcript.flow
    content = flow.content_review_due if flow.content_review_overdue else None
    stated = [str(s.review or s.review_date) for s in flow.sources if s.review_overdue]
    if content is None and not stated:  # older than these fields: the earliest date is known
        stated = [str(flow.review_date)]
    what = overdue_what(content, stated, transcript.language)
    return said.review_overdue_sentence.format(what=what)


def _round_name(transcript: Transcript, group: str | None, number: int | None) -> str | None:
    """How a round is named, e.g. "Branch 2"; None outside groups."""
    if group is None or number is None:
        return None
    entry = next((g.entry for g in transcript.groups if g.id == group), group)
    return f"{entry} {number}"


def _in_round(transcript: Transcript, group: str | None, number: int | None) -> str:
    """``Branch 2: `` before a change to a group's member; empty outside groups."""
    name = _round_name(transcript, group, number)
    return "" if name is None else f"{name}: "


Row = tuple[int, Literal["round", "info", "answer"], str, "AnswerRecord | None"]
"""One line of the answers: (depth, kind, heading or info text, answer)."""


def _answer_rows(transcript: Transcript) -> Iterable[Row]:
    """The conversation view's answers and info messages, as the front ends draw them
    (:func:`~triagebot.flows.transcript_view.entries_of`): (depth, kind, text, answer). A
    round's heading stands right above its first answer; an info message at the depth of
    the answer before it (:mod:`~triagebot.flows.transcript_view` says how this differs
    from the TUI)."""
    records = iter(transcript.answers)  # one for each answer entry, in order
    marked: str | None = None  # the round of the last round mark
    last: str | None = None  # the round of the last answer (None: outside groups)
    for entry in entries_of(transcript):
        if entry.kind == "round":
            marked = entry.text
        elif entry.kind == "info":
            yield (0 if last is None else 1), "info", entry.text, None
        elif entry.kind == "answer":
            name = None if entry.round is None else marked
            if name is not None and name != last:
                yield 0, "round", name, None
            last = name
            yield (0 if name is None else 1), "answer", "", next(records)


def to_text(transcript: Transcript) -> str:
    """Plain text for pasting into a record: at most 80 characters a line, no markup."""
    said = words(transcript.language)
    flow = transcript.flow
    lines = _wrap(flow.title)
    lines += _wrap(_flow_line(transcript, said.flow_line, flow.version))
    lines += _wrap(_period(transcript))  # a line of its own: with its offset, it is long
    if transcript.patient is not None:
        lines += _wrap(f"{_heading(said, said.patient)} {transcript.patient}")
    if transcript.clinician is not None:  # serve's proxy user: who ran the session
        lines += _wrap(f"{_heading(said, said.clinician)} {transcript.clinician}")
    if flow.review_overdue:
        sentence = _overdue_sentence(transcript, said)
        lines += _wrap(f"{_heading(said, said.warning)} {sentence}")
    lines.append("")
    for depth, kind, text, answer in _answer_rows(transcript):
        indent = "  " * depth
        if kind == "round":
            lines += _wrap(_heading(said, text), "- ", "  ")
        if kind == "info":
            lines += _wrap(text, f"{indent}- ", f"{indent}  ")
        if answer is None:
            continue
        carried = f" ({said.carried_over})" if answer.carried else ""
        lines += _wrap(f"{answer.prompt} {_shown(answer)}{carried}", f"{indent}- ", f"{indent}  ")
    for change in transcript.changes:
        where = _in_round(transcript, change.group, change.round)
        changed = said.changed.format(
            prompt=where + change.prompt,
            old=change.old_shown,
            new=change.new_shown,
            time=_time(change.at),
        )
        lines += _wrap(changed, "- ", "  ")
    for gone in transcript.superseded:
        where = _in_round(transcript, gone.group, gone.round)
        gone_line = said.no_longer_applies.format(prompt=where + gone.prompt, shown=gone.shown)
        lines += _wrap(gone_line, "- ", "  ")
    lines += _outcome_text(transcript, said)
    lines += ["", _heading(said, said.sources)]
    for source in flow.sources:
        line = said.export_source_line.format(
            name=_source_name(source),
            evidence=_evidence(said, source.evidence),
            version=source.version,
            review=_stated_review(source, said),
        )
        lines += _wrap(line, "- ", "  ")
    if (review := _content_review(transcript, said)) is not None:
        lines += _wrap(review, "- ", "  ")
    lines += ["", *_wrap(transcript.disclaimer)]
    return escaped("\n".join(lines) + "\n")


def _outcome_text(transcript: Transcript, said: Words) -> list[str]:
    outcome = transcript.outcome
    if outcome is None:
        return ["", *_wrap(said.no_outcome_line)]
    urgency = said.urgency_short.get(outcome.urgency, outcome.urgency).upper()
    title = f"{_heading(said, f'{said.outcome.upper()} [{urgency}]')} {outcome.title}"
    lines = ["", *_wrap(title)]
    if outcome.summary:
        lines += _wrap(outcome.summary)
    for section in SECTIONS:
        rows = _section_rows(transcript, said, section)
        if rows:
            lines.append(_heading(said, heading(said, section)))
            lines += [line for row in rows for line in _wrap(row, "- ", "  ")]
    return lines


def _value_line(said: Words, value: ValueRecord) -> str:
    return labelled(value.label, value.shown, said.colon)


def _section_rows(transcript: Transcript, said: Words, section: str) -> list[str]:
    """A section's lines as plain text, each outcome line with its citation."""
    if section == "values":
        return [_value_line(said, v) for v in _values(transcript)]
    assert transcript.outcome is not None
    items: list[LineRecord] = getattr(transcript.outcome, section)
    return [f"{i.text} {_source_note(transcript, said, i)}" for i in items]


# --- Markdown -------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    """Text with Markdown's active characters escaped (flow text is never markup)."""
    return text.translate(_MARKDOWN_SPECIAL)


def _bullets(rows: Iterable[str]) -> list[str]:
    return [f"- {row}" for row in rows]


def to_markdown(transcript: Transcript) -> str:
    """Markdown for referral letters and wikis."""
    said = words(transcript.language)
    flow = transcript.flow
    lines = [
        f"# {_md(flow.title)}",
        "",
        _flow_line(transcript, said.flow_line_markdown, _md(flow.version)),
    ]
    if transcript.patient is not None:
        lines += ["", f"**{_heading(said, said.patient)}** {_md(transcript.patient)}"]
    if transcript.clinician is not None:
        lines += ["", f"**{_heading(said, said.clinician)}** {_md(transcript.clinician)}"]
    if flow.review_overdue:
        sentence = _md(_overdue_sentence(transcript, said))
        lines += ["", f"**{_heading(said, said.warning.capitalize())}** {sentence}"]
    lines += ["", f"## {said.answers}", ""]
    for depth, kind, text, a in _answer_rows(transcript):
        indent = "  " * depth
        if kind == "round":
            lines.append(f"- **{_md(text)}**")
        if kind == "info":
            lines.append(f"{indent}- _{_md(text)}_")
        if a is None:
            continue
        carried = f" _({said.carried_over})_" if a.carried else ""
        lines.append(f"{indent}- **{_md(a.prompt)}** {_md(_shown(a))}{carried}")
    if transcript.changes or transcript.superseded:
        lines += ["", f"## {said.changes}", ""]
        lines += _bullets(
            f"{_time(c.at)} {_md(_in_round(transcript, c.group, c.round))}{_md(c.prompt)}: "
            f"{_md(c.old_shown)} → {_md(c.new_shown)}"
            for c in transcript.changes
        )
        lines += _bullets(
            _md(
                said.no_longer_applies.format(
                    prompt=_in_round(transcript, s.group, s.round) + s.prompt, shown=s.shown
                )
            )
            for s in transcript.superseded
        )
    lines += _outcome_markdown(transcript, said)
    lines += ["", f"## {said.sources}", ""]
    lines += _bullets(
        _md(
            said.export_source_line.format(
                name=_source_name(s),
                evidence=_evidence(said, s.evidence),
                version=s.version,
                review=_stated_review(s, said),
            )
        )
        for s in flow.sources
    )
    if (review := _content_review(transcript, said)) is not None:
        lines += _bullets([_md(review)])
    lines += ["", f"> {_md(transcript.disclaimer)}"]
    return escaped("\n".join(lines) + "\n")


def _outcome_markdown(transcript: Transcript, said: Words) -> list[str]:
    outcome = transcript.outcome
    if outcome is None:
        return ["", f"## {said.no_outcome}", "", said.not_finished]
    values = _bullets(_md(_value_line(said, v)) for v in _values(transcript))
    urgency = said.urgency_short.get(outcome.urgency, outcome.urgency).lower()
    lines = ["", f"## {_heading(said, said.outcome)} {_md(outcome.title)} ({urgency})"]
    if outcome.summary:
        lines += ["", _md(outcome.summary)]
    for section in SECTIONS:
        if section == "values":
            rows = values
        else:
            items: list[LineRecord] = getattr(outcome, section)
            rows = _bullets(
                f"{_md(i.text)} _{_md(_source_note(transcript, said, i))}_" for i in items
            )
        if rows:
            lines += ["", f"### {heading(said, section)}", "", *rows]
    return lines
