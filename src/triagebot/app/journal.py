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

One process at a time holds a session: its journal is locked (:mod:`triagebot.app.locks`)
from :meth:`Journal.start` or :func:`resume` until it is finished, discarded or closed.
Another process that resumes or discards it is refused (:class:`JournalBusy`, naming the
holder), and :func:`unfinished` says which sessions are held. The lock dies with its
process, ``kill -9`` included.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from triagebot.app import library, locks
from triagebot.app.journal_files import (
    Journal,
    JournalBusy,
    holder_words,
    in_use_message,
    remove,
    sessions_dir,
)
from triagebot.flows.compiler import CompiledFlow, LanguageError, load_flow, with_language
from triagebot.flows.documents import FlowError, Unreadable, read_bytes
from triagebot.flows.engine import (
    Clock,
    Session,
)

# The journal's lines and replay are the core's; named here too, for every front end.
from triagebot.flows.journal import (
    JOURNAL_FORMAT,
    SUFFIX,
    JournalContents,
    JournalError,
    JournalEvent,
    JournalFlow,
    JournalHeader,
    dump,
    parse,
    replay,
)
from triagebot.flows.switching import switch_language
from triagebot.flows.times import local_now

__all__ = [
    "JOURNAL_FORMAT",
    "MAX_JOURNAL_BYTES",
    "SUFFIX",
    "Journal",
    "JournalBusy",
    "JournalContents",
    "JournalError",
    "JournalEvent",
    "JournalFlow",
    "JournalHeader",
    "Resumed",
    "Unfinished",
    "dump",
    "find_flow",
    "holder_words",
    "in_use_message",
    "parse",
    "read",
    "remove",
    "replay",
    "resume",
    "sessions_dir",
    "unfinished",
]

MAX_JOURNAL_BYTES = 16 * 1024 * 1024
"""Largest journal read: tens of thousands of steps (a line is ~150 bytes)."""


# --- reading ------------------------------------------------------------------------------


def read(path: Path) -> JournalContents:
    """Read a journal; a half-written last line is dropped with a warning.

    Raises :class:`JournalError` for a journal that cannot be trusted: unreadable, no
    header, or a damaged line before the last.
    """
    try:
        data = read_bytes(path, MAX_JOURNAL_BYTES)
    except Unreadable as error:
        raise JournalError(f"{path}: {error}") from None
    return parse(path, data)


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


def resume(
    entry: Unfinished | Path,
    extra: Sequence[Path] = (),
    clock: Clock = local_now,
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
