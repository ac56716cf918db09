"""Crash-safe sessions: every step of a Session appended to a journal as it happens.

A journal is a JSON-lines file under the user's data folder (``sessions/``): a header
naming the flow (id, version, file, sha256), the language and the start time, then one
line per answer, back, edit and language switch, each written in one ``write`` and synced
to disk before the session goes on. After a crash the journal is replayed into a new
Session with every answer intact, in the language it was left in (:func:`resume`);
:func:`unfinished` lists the journals left behind. A finished or discarded session's
journal is removed.

A journal cut short by a crash (a half-written last line) is reported and the line
dropped; a journal damaged anywhere else is reported and skipped, never a crash. This
module never imports textual: the TUI calls :meth:`Journal.start`, :meth:`Journal.finish`,
:meth:`Journal.discard`, :func:`unfinished` and :func:`resume`.

One process at a time holds a session: its journal is locked (:mod:`triagebot.locks`)
from :meth:`Journal.start` or :func:`resume` until it is finished, discarded or closed.
Another process that resumes or discards it is refused (:class:`JournalBusy`, naming the
holder), and :func:`unfinished` says which sessions are held. The lock dies with its
process, ``kill -9`` included.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal

from triagebot import __version__, locks
from triagebot.files import FILE_MODE, data_dir, private_dir, sync_dir
from triagebot.flows import library
from triagebot.flows.answers import AnswerError, JsonAnswer, to_json_answer
from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow, LanguageError, load_flow, with_language
from triagebot.flows.documents import FlowError, Unreadable, read_bytes
from triagebot.flows.engine import Clock, FlowRuntimeError, Session, SessionEvent, utc_now
from triagebot.flows.schema import validator
from triagebot.flows.switching import switch_language

JOURNAL_FORMAT: Literal[1] = 1
SUFFIX = ".jsonl"
MAX_JOURNAL_BYTES = 16 * 1024 * 1024
"""Largest journal read: tens of thousands of steps (a line is ~150 bytes)."""


class JournalError(Exception):
    """A journal that cannot be read or resumed; the message names the file and says why."""


class JournalBusy(JournalError):
    """The session is held by another process (or open elsewhere in this one)."""

    def __init__(self, path: Path, holder: locks.Holder) -> None:
        self.path = path
        self.holder = holder
        super().__init__(in_use_message(path, holder))


def holder_words(holder: locks.Holder, lang: str | None = None) -> str:
    """``process 4242, started 2025-03-14 09:30 UTC``, in ``lang`` (default English)."""
    said = words(lang)
    if holder.here:
        return said.lock_holder_here
    if holder.pid is None:
        return said.lock_holder_unknown
    if holder.started is None:
        return said.lock_holder_no_start.format(pid=holder.pid)
    return said.lock_holder.format(pid=holder.pid, started=f"{holder.started:%Y-%m-%d %H:%M} UTC")


def in_use_message(path: Path, holder: locks.Holder, lang: str | None = None) -> str:
    """Why a held session is not opened here, in ``lang`` (default English)."""
    return words(lang).session_in_use.format(name=path.name, process=holder_words(holder, lang))


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


def sessions_dir() -> Path:
    """Where journals live (not created until a journal is started)."""
    return data_dir() / "sessions"


# --- writing ------------------------------------------------------------------------------


class Journal:
    """The journal of one Session: appends each event, synced, until finished or discarded."""

    def __init__(self, session: Session, path: Path, descriptor: int) -> None:
        self.session = session
        self.path = path
        self._descriptor: int | None = descriptor
        session.listeners.append(self.record)

    @classmethod
    def start(cls, session: Session, folder: Path | None = None) -> Journal:
        """Open a new journal for ``session`` (its steps so far are written as answers)."""
        folder = private_dir(folder or sessions_dir())
        header = JournalHeader(
            id=uuid.uuid4().hex,
            flow=JournalFlow(
                id=session.flow.id,
                version=session.flow.flow.version,
                file=str(Path(session.flow.file).resolve()),
                sha256=session.flow.sha256,
            ),
            language=session.flow.language,
            started_at=session.started_at,
            triagebot_version=__version__,
        )
        name = f"{session.started_at:%Y%m%d-%H%M%S}-{session.flow.id}-{header.id[:8]}{SUFFIX}"
        path = folder / name
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
        descriptor = os.open(path, flags, FILE_MODE)
        locks.lock_new(descriptor)
        journal = cls(session, path, descriptor)
        journal._append(header)
        sync_dir(folder)
        for step in session.steps:
            value = None if step.value is None else to_json_answer(step.value)
            event = JournalEvent(
                type="answer", node=step.node, value=value, at=step.at, round=step.round
            )
            journal._append(event)
        return journal

    @property
    def open(self) -> bool:
        return self._descriptor is not None

    def record(self, session: Session, event: SessionEvent) -> None:
        """The session listener: append the event and sync it to disk."""
        self.session = session
        value = None if event.value is None else to_json_answer(event.value)
        self._append(
            JournalEvent(
                type=event.kind, node=event.node, value=value, at=event.at, round=event.round
            )
        )

    def _append(self, line: _Line) -> None:
        if self._descriptor is None:
            raise JournalError(f"{self.path}: the journal is closed")
        data = validator(type(line)).dump_json(line) + b"\n"
        written = os.write(self._descriptor, data)
        if written != len(data):
            raise OSError(f"{self.path}: short write ({written} of {len(data)} bytes)")
        os.fsync(self._descriptor)

    def close(self) -> None:
        """Stop recording but keep the file (the session can be resumed later); the lock
        goes with the descriptor."""
        with contextlib.suppress(ValueError):
            self.session.listeners.remove(self.record)
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def finish(self) -> None:
        """The session's outcome is shown: the journal is no longer needed."""
        self.discard()

    def discard(self) -> None:
        """Stop recording and remove the journal (removed while still locked, so no other
        process can open it in between)."""
        if self._descriptor is not None:
            _unlink(self.path)
        self.close()


def remove(path: Path) -> None:
    """Remove an unfinished session's journal (a broken one too); already gone is fine.

    Raises :class:`JournalBusy` when another process holds the session.
    """
    try:
        descriptor = locks.open_locked(path, os.O_RDONLY)
    except locks.Held as held:
        raise JournalBusy(path, held.holder) from None
    except FileNotFoundError:
        return
    except locks.NotAFile:
        _unlink(path)  # not a journal at all (a pipe named *.jsonl): nothing to lock
        return
    try:
        _unlink(path)
    finally:
        os.close(descriptor)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    sync_dir(path.parent)


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


def read(path: Path) -> JournalContents:
    """Read a journal; a half-written last line is dropped with a warning.

    Raises :class:`JournalError` for a journal that cannot be trusted: unreadable, no
    header, or a damaged line before the last.
    """
    try:
        data = read_bytes(path, MAX_JOURNAL_BYTES)
    except Unreadable as error:
        raise JournalError(f"{path}: {error}") from None
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


# --- listing and resuming -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A journal left behind: resumable (``contents``) or damaged (``error``)."""

    path: Path
    contents: JournalContents | None
    error: str | None
    holder: locks.Holder | None = None
    """The process holding the session now (it is in use there), or None."""

    @property
    def answers(self) -> int:
        """Questions answered on the path as journaled (backs undo answers)."""
        if self.contents is None:
            return 0
        count = 0
        for event in self.contents.events:
            if event.type == "answer" and event.value is not None:
                count += 1
            elif event.type == "back":
                count = max(0, count - 1)
        return count

    @property
    def last_at(self) -> datetime | None:
        if self.contents is None:
            return None
        events = self.contents.events
        return events[-1].at if events else self.contents.header.started_at


def unfinished(folder: Path | None = None) -> list[Unfinished]:
    """Every journal in ``folder`` (default: the sessions folder), oldest first; never raises
    for a damaged journal (it is listed with its error)."""
    folder = folder or sessions_dir()
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file())
    except FileNotFoundError:
        return []
    except OSError as error:
        raise JournalError(f"{folder}: cannot list sessions: {error.strerror or error}") from None
    entries = []
    for path in paths:
        holder = locks.holder(path)
        try:
            entries.append(Unfinished(path, read(path), None, holder))
        except JournalError as error:
            entries.append(Unfinished(path, None, str(error), holder))
    return entries


@dataclass(slots=True)
class Resumed:
    """A session rebuilt from its journal, recording again into the same journal."""

    session: Session
    journal: Journal
    flow_changed: bool
    warnings: list[str] = field(default_factory=list)


class _ReplayClock:
    """Gives each replayed step the time it was first taken."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def find_flow(header: JournalHeader, extra: Iterable[Path] = ()) -> CompiledFlow:
    """The journal's flow: its file if still there, else the bundled flow of the same id;
    in the language the session started in (the flow's default if it no longer has it)."""
    recorded = Path(header.flow.file)
    try:
        found = recorded.is_file()
        flow = load_flow(recorded) if found else library.by_id(header.flow.id, extra)
    except (FlowError, LookupError) as error:
        raise JournalError(f"flow '{header.flow.id}' cannot be loaded: {error}") from None
    if header.language is not None and header.language in flow.languages:
        flow = with_language(flow, header.language)
    return flow


def replay(contents: JournalContents, flow: CompiledFlow, clock: Clock = utc_now) -> Session:
    """A Session with every journaled step applied, at the times they were first taken."""
    replay_clock = _ReplayClock(contents.header.started_at)
    session = Session(flow, replay_clock)
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


def resume(
    entry: Unfinished | Path,
    extra: Sequence[Path] = (),
    clock: Clock = utc_now,
    lang: str | None = None,
) -> Resumed:
    """Rebuild the session of a journal and go on recording into it, in the language it was
    left in (``lang`` overrides it, and the switch is journaled).

    Raises :class:`JournalBusy` when another process holds the session (nothing is read
    or changed then), and :class:`JournalError` (with the file named) when the journal is
    damaged, its flow cannot be found, its steps no longer fit the flow, or the flow lacks
    ``lang``.
    """
    path = entry if isinstance(entry, Path) else entry.path
    descriptor = _lock(path)
    try:
        resumed = _rebuild(path, descriptor, extra, clock, lang)
    except BaseException:
        os.close(descriptor)
        raise
    if lang is not None:
        switch_language(resumed.session, lang)
    return resumed


def _lock(path: Path) -> int:
    """The journal open for appending and locked by this process, before it is read."""
    try:
        return locks.open_locked(path, os.O_WRONLY | os.O_APPEND)
    except locks.Held as held:
        raise JournalBusy(path, held.holder) from None
    except FileNotFoundError:
        raise JournalError(f"{path}: no longer exists (finished or discarded)") from None
    except locks.NotAFile:
        raise JournalError(f"{path}: not a regular file; only files are read") from None
    except OSError as error:
        raise JournalError(f"{path}: cannot open: {error.strerror or error}") from None


def _rebuild(
    path: Path, descriptor: int, extra: Sequence[Path], clock: Clock, lang: str | None
) -> Resumed:
    contents = read(path)
    flow = find_flow(contents.header, extra)
    if lang is not None:
        try:
            with_language(flow, lang)
        except LanguageError as error:
            raise JournalError(str(error)) from None
    session = replay(contents, flow, clock)
    warnings = list(contents.warnings)
    flow_changed = flow.sha256 != contents.header.flow.sha256
    if flow_changed:
        warnings.append(
            f"flow '{flow.id}' changed since this session started (version "
            f"{contents.header.flow.version} → {flow.flow.version}); every step still fits it"
        )
    _cut_damaged_tail(path, contents.valid_length)
    return Resumed(session, Journal(session, path, descriptor), flow_changed, warnings)


def _cut_damaged_tail(path: Path, valid_length: int) -> None:
    """Drop a half-written last line, and end the last line, so appends start cleanly."""
    size = path.stat().st_size
    if size > valid_length:
        os.truncate(path, valid_length)
    with path.open("rb") as stream:
        if valid_length:
            stream.seek(valid_length - 1)
            ended = stream.read(1) == b"\n"
        else:
            ended = True
    if not ended:
        with path.open("ab") as stream:
            stream.write(b"\n")
            stream.flush()
            os.fsync(stream.fileno())
