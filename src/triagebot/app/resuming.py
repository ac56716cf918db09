"""Unfinished sessions as the front ends offer them: described, found by name, kept.

Shared by the TUI and plain mode (no textual here). The journal itself lives in
:mod:`triagebot.app.journal`; this module only words what it finds. A journal may come
from elsewhere: an offer's text (title, question, error, warnings, file name) has its
control characters escaped (:func:`~triagebot.flows.safe_text.escaped`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from triagebot.app import journal
from triagebot.app.journal import JournalError, Unfinished
from triagebot.flows.catalog import is_singular, words
from triagebot.flows.safe_text import escaped
from triagebot.flows.schema import InfoNode, OutcomeNode
from triagebot.flows.times import day_and_time

KEPT = "Unfinished session kept: resume it with `triagebot resume {name}` or from the start screen."
"""Said when the user leaves a session before its outcome (quit, input ended, other flow)."""


@dataclass(frozen=True, slots=True)
class Offer:
    """One unfinished session as listed: where it stands, or why it cannot be resumed."""

    entry: Unfinished
    flow_id: str
    """The flow id from the journal's header ('?' when the journal is unreadable)."""
    title: str
    started: str
    answers: int
    current: str
    """The question the session stopped at (or a note saying why it is unknown)."""
    error: str | None
    warnings: tuple[str, ...]
    lang: str | None = None
    """The language the offer is worded in (the flow's own text stays in the session's)."""
    patient: str | None = None
    """The patient reference typed at the session's start (escaped), so the right
    unfinished session is picked; None: none given."""

    @property
    def name(self) -> str:
        return escaped(self.entry.path.name)

    @property
    def answer_count(self) -> str:
        """``3 answers``, in the offer's language."""
        said = words(self.lang)
        singular = is_singular(self.answers, self.lang)
        return (said.answers_one if singular else said.answers_many).format(count=self.answers)

    def line(self) -> str:
        """One line for a list (plain mode)."""
        said = words(self.lang)
        if self.error is not None:
            return f"{self.name}{said.colon} {said.cannot_be_resumed}{said.colon} {self.error}"
        line = said.offer_line.format(
            title=self.title, started=self.started, answers=self.answer_count, current=self.current
        )
        return line if self.patient is None else f"{self.patient_words}, {line}"

    @property
    def patient_words(self) -> str:
        """``patient J Smith 943 476 5919``; empty when none was given."""
        if self.patient is None:
            return ""
        return words(self.lang).offer_patient.format(patient=self.patient)


def describe(entry: Unfinished, extra: Sequence[Path] = (), lang: str | None = None) -> Offer:
    """Replay ``entry`` (without touching its file) to say which question it stopped at,
    worded in ``lang`` (default English)."""
    said = words(lang)
    contents = entry.contents
    held = () if entry.holder is None else (in_use(entry, lang),)
    if contents is None:
        error = entry.error or "unreadable"
        return Offer(entry, "?", escaped(entry.path.name), "?", 0, "?", escaped(error), held, lang)
    header = contents.header
    started = day_and_time(header.started_at)
    try:
        flow = journal.find_flow(header, extra)
        session = journal.replay(contents, flow)
    except JournalError as error:
        flow_id = escaped(header.flow.id)
        return Offer(entry, flow_id, flow_id, started, 0, "?", escaped(str(error)), held, lang)
    warnings = [*held, *contents.warnings]
    if flow.sha256 != header.flow.sha256:
        versions = {"old": header.flow.version, "new": flow.flow.version}
        warnings.append(said.offer_flow_changed.format(**versions))
    node = session.node
    if isinstance(node, OutcomeNode):
        current = said.offer_outcome.format(title=node.title)
    elif isinstance(node, InfoNode):
        text = node.text.splitlines()[0] if node.text else session.current
        current = said.offer_message.format(text=text)
    else:
        current = f"Q{session.questions_answered + 1}. {node.prompt}"
        if session.round_info is not None:
            current += f" ({session.round_info.label})"
    return Offer(
        entry,
        header.flow.id,
        escaped(flow.flow.title),
        started,
        session.questions_answered,
        escaped(current),
        None,
        tuple(escaped(warning) for warning in warnings),
        lang,
        None if header.patient is None else escaped(header.patient),
    )


def in_use(entry: Unfinished, lang: str | None = None) -> str:
    """``in use by process 4242 (started ...)``: a session another process holds now."""
    assert entry.holder is not None
    return words(lang).in_use.format(process=journal.holder_words(entry.holder, lang))


def offers(
    flow_id: str | None = None, extra: Sequence[Path] = (), lang: str | None = None
) -> list[Offer]:
    """Every unfinished session (of ``flow_id`` only, if given; damaged ones always), newest
    first, worded in ``lang``. A sessions folder that cannot be listed is a JournalError."""
    found = [describe(entry, extra, lang) for entry in reversed(journal.unfinished())]
    if flow_id is None:
        return found
    return [o for o in found if o.error is not None or o.flow_id == flow_id]


def find(name: str, entries: Sequence[Unfinished]) -> Unfinished:
    """The unfinished session called ``name``: its file name, its stem, or a unique part of it.

    Raises LookupError saying what is known.
    """
    for entry in entries:
        if name in (entry.path.name, entry.path.stem):
            return entry
    matches = [entry for entry in entries if name in entry.path.name]
    if len(matches) == 1:
        return matches[0]
    if not entries:
        raise LookupError("no unfinished sessions")
    if matches:
        names = ", ".join(entry.path.name for entry in matches)
        raise LookupError(f"'{name}' matches several unfinished sessions: {names}")
    raise LookupError(f"no unfinished session '{name}'; `triagebot resume` lists them")
