"""The conversation view of a transcript: the entries every front end draws, from the
record alone.

``replay`` and a transcript read back from JSON have no session, yet their exports must
show what the clinician saw. :func:`entries_of` gives the entries
:func:`~triagebot.flows.conversation.entries` gives for the session the transcript was
taken from, by the same ordering rule: a round's mark before its first question, each
question with its answer (changed, or kept over an edit), answers an edit dropped after
the answer whose change dropped them, info messages where they were shown, the outcome.

A transcript does not record everything the session knew, so the entries differ in what
it cannot hold: a question's ``detail`` is None, the review warning (dated by whoever
reads it) and the question asked now of an unfinished session are not there.

The text and Markdown exports draw these entries but keep two layouts of their own, which
the TUI does not share (kept so as not to change clinical records silently): a round's
heading stands right above its first answer, so an info message opening a round is drawn
above the heading (at the depth of the answer before it); and every superseded record is
listed under the changes, also one answered again in the same round, which the view drops.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from triagebot.flows.conversation import Entry, Key
from triagebot.flows.steps import RoundInfo

if TYPE_CHECKING:
    from triagebot.flows.transcript import AnswerRecord, InfoRecord, Transcript


def entries_of(transcript: Transcript) -> list[Entry]:
    """The conversation the transcript records, as :func:`~triagebot.flows.conversation.
    entries` draws it."""
    lang = transcript.language
    result = [Entry("note", "", transcript.disclaimer, lang=lang)]
    changed = {(change.question, change.round) for change in transcript.changes}
    superseded = list(_superseded(transcript))
    in_round: str | None = None
    for info, answer in _steps(transcript):
        step = info or answer
        assert step is not None
        name = _round_name(transcript, step.group, step.round)
        if name is not None and name != in_round:
            result.append(Entry("round", "", name, round=step.round, lang=lang))
        in_round = name
        if info is not None:
            result.append(Entry("info", info.node, info.text, round=info.round, lang=lang))
            continue
        assert answer is not None
        result.append(_question(transcript, answer))
        key = (answer.question, answer.round)
        status = "kept" if answer.carried else "changed" if key in changed else ""
        result.append(
            Entry("answer", answer.question, answer.shown, None, status, answer.round, lang=lang)
        )
        result += [entry for after, entry in superseded if after == key]
    result += [entry for after, entry in superseded if after is None]
    outcome = transcript.outcome
    if outcome is not None:
        result.append(Entry("outcome", outcome.id, outcome.title, lang=lang))
    return result


Step = tuple["InfoRecord | None", "AnswerRecord | None"]
"""An info message or an answer (the other None)."""


def _steps(transcript: Transcript) -> Iterator[Step]:
    """The info messages and answers in the order shown (an info message after the number
    of answers it records)."""
    infos = list(transcript.infos)
    for index, answer in enumerate(transcript.answers):
        while infos and infos[0].after <= index:
            yield infos.pop(0), None
        yield None, answer
    for info in infos:
        yield info, None


def _question(transcript: Transcript, answer: AnswerRecord) -> Entry:
    heading = None
    if answer.group is not None and answer.round is not None:
        group = next((g for g in transcript.groups if g.id == answer.group), None)
        if group is not None:
            info = RoundInfo(group.id, group.entry, answer.round, group.max, transcript.language)
            heading = info.label
    return Entry(
        "question",
        answer.question,
        answer.prompt,
        None,
        "",
        answer.round,
        heading,
        transcript.language,
    )


def _round_name(transcript: Transcript, group: str | None, number: int | None) -> str | None:
    """How a round is named, e.g. "Branch 2"; None outside groups."""
    if group is None or number is None:
        return None
    entry = next((g.entry for g in transcript.groups if g.id == group), group)
    return f"{entry} {number}"


def _superseded(transcript: Transcript) -> Iterator[tuple[Key | None, Entry]]:
    """Answers that no longer apply (not answered again in the same round), each placed
    after the answer whose change dropped it."""
    answered_keys = {(answer.question, answer.round) for answer in transcript.answers}
    for item in transcript.superseded:
        if (item.question, item.round) in answered_keys:
            continue
        cause = next(
            ((c.question, c.round) for c in reversed(transcript.changes) if c.at <= item.at),
            None,
        )
        name = _round_name(transcript, item.group, item.round)
        where = "" if name is None else f"{name}: "
        text = f"{where}{item.prompt} — {item.shown}"
        entry = Entry("superseded", item.question, text, round=item.round, lang=transcript.language)
        yield (cause if cause in answered_keys else None), entry
