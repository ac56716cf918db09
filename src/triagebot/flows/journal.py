"""The journal's lines: what a session's journal holds, read and written as JSON, and
how its steps are replayed into a Session. Pure: no file is opened here (the files,
their locks and the sessions folder are :mod:`triagebot.app.journal`'s).

A journal is JSON lines: a header naming the flow (id, version, file, sha256), the
language and the start time, then one line per answer, back, edit and language switch.
A half-written last line (a crash while saving it) is dropped with a warning; a line
damaged anywhere else makes the journal untrusted (:class:`JournalError`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

from triagebot.flows.answers import AnswerError, JsonAnswer
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import Clock, FlowRuntimeError, Session, utc_now
from triagebot.flows.schema import validator
from triagebot.flows.switching import switch_language

JOURNAL_FORMAT: Literal[1] = 1
SUFFIX = ".jsonl"


class JournalError(Exception):
    """A journal that cannot be read or resumed; the message names the file and says why."""


class _Line:
    """A line of a journal: a record (a frozen dataclass) that pydantic reads and writes as JSON
    (``schema.validator``), imported only when a journal is first written or read, not at
    start-up, before the first question is drawn."""

    __pydantic_config__: ClassVar[dict[str, object]] = {"extra": "forbid"}


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalFlow(_Line):
    """The flow a journal's session ran: enough to find it again and notice a change."""

    id: str
    version: str
    file: str
    """The flow file's path as loaded (absolute)."""
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalHeader(_Line):
    """The first line of a journal."""

    type: Literal["session"] = "session"
    format: Literal[1] = JOURNAL_FORMAT
    id: str
    flow: JournalFlow
    language: str | None = None
    """The language the session started in (None in journals older than languages: the
    flow's default)."""
    patient: str | None = None
    """The patient reference typed at the start (None: none given), so a resumed session
    and its exports keep it and the list of unfinished sessions names it."""
    started_at: datetime
    triagebot_version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalEvent(_Line):
    """One answer, back, edit or language switch, as
    :class:`~triagebot.flows.engine.SessionEvent` reported (a switch's ``value`` is the
    language code)."""

    type: Literal["answer", "back", "edit", "language"]
    node: str
    value: JsonAnswer | None = None
    at: datetime
    round: int | None = None
    """The round of ``node`` for a member of a repeated group (absent outside groups)."""


def dump(line: _Line) -> bytes:
    """One line of a journal as written: its JSON and the line end, as pydantic writes it
    (compact, UTF-8, a UTC time ending in ``Z``) but without pydantic: the journal starts
    as the first question is drawn, and importing pydantic then (~50 ms) delayed the
    chat's first settled frame. Reading validates every line with pydantic (``parse``)."""
    text = json.dumps(_plain(line), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8") + b"\n"


def _plain(value: object) -> object:
    """``value`` as JSON data: records as objects in field order, times in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JournalContents:
    """A journal as read: its header, its events, and what was wrong but survivable."""

    path: Path
    header: JournalHeader
    events: tuple[JournalEvent, ...]
    warnings: tuple[str, ...]
    valid_length: int
    """Bytes up to the end of the last good line (a truncated tail lies beyond)."""


def parse(path: Path, data: bytes) -> JournalContents:
    """A journal's contents from its bytes (``path`` names it in messages); a half-written
    last line is dropped with a warning.

    Raises :class:`JournalError` for a journal that cannot be trusted: no header, or a
    damaged line before the last.
    """
    lines = data.split(b"\n")
    tail = lines.pop()  # what follows the last newline: empty unless the write was cut
    parsed: list[_Line] = []
    warnings: list[str] = []
    valid_length = 0
    for number, raw in enumerate(lines, start=1):
        parsed.append(_parse(path, number, raw, header=number == 1))
        valid_length += len(raw) + 1
    if tail:
        number = len(lines) + 1
        try:
            parsed.append(_parse(path, number, tail, header=number == 1))
            warnings.append(f"{path}: line {number} has no line end; kept, it is complete")
            valid_length += len(tail)
        except JournalError:
            warnings.append(
                f"{path}: line {number} was only partly written (the session stopped while "
                "saving it); that last step is lost and must be answered again"
            )
    if not parsed or not isinstance(parsed[0], JournalHeader):
        raise JournalError(f"{path}: not a triagebot session journal (no header line)")
    events = tuple(line for line in parsed[1:] if isinstance(line, JournalEvent))
    return JournalContents(path, parsed[0], events, tuple(warnings), valid_length)


def _parse(path: Path, number: int, raw: bytes, header: bool) -> _Line:
    model: type[_Line] = JournalHeader if header else JournalEvent
    from pydantic import ValidationError  # noqa: PLC0415 (see _Line)

    try:
        return validator(model).validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        detail = f"{where}: {first['msg']}" if where else first["msg"]
        raise JournalError(f"{path}: line {number} is damaged ({detail})") from None


# --- replaying ---------------------------------------------------------------------------


class _ReplayClock:
    """Gives each replayed step the time it was first taken."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def replay(contents: JournalContents, flow: CompiledFlow, clock: Clock = utc_now) -> Session:
    """A Session with every journaled step applied, at the times they were first taken."""
    replay_clock = _ReplayClock(contents.header.started_at)
    session = Session(flow, replay_clock)
    session.patient = contents.header.patient
    for number, event in enumerate(contents.events, start=2):
        replay_clock.now = event.at
        try:
            _apply(session, event)
        except (AnswerError, FlowRuntimeError, KeyError) as error:
            raise JournalError(
                f"{contents.path}: line {number} ({event.type} '{event.node}') cannot be "
                f"replayed on flow '{flow.id}' version {flow.flow.version}: {error}"
            ) from None
    session.clock = clock
    return session


def _apply(session: Session, event: JournalEvent) -> None:
    if event.type == "language":
        if isinstance(event.value, str) and event.value in session.flow.languages:
            switch_language(session, event.value)
        return  # a language the flow no longer has: go on in the current one
    if event.type == "back":
        session.back()
        if (session.current, session.round) != (event.node, event.round):
            raise AnswerError(
                f"back went to {_where(session.current, session.round)}, the journal says "
                f"{_where(event.node, event.round)}"
            )
        return
    if event.type == "edit":
        session.edit(event.node, event.value, round=event.round)
        return
    if (session.current, session.round) != (event.node, event.round):
        raise AnswerError(f"the flow asks {_where(session.current, session.round)} here")
    if event.value is None:
        session.answer()
    else:
        session.answer(event.value)


def _where(node: str, number: int | None) -> str:
    return f"'{node}'" if number is None else f"'{node}' in round {number}"
