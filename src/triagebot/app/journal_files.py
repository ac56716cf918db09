"""A journal's file: created owner-only and locked, each line appended and synced, closed
(kept, to resume) or removed. One process at a time holds a session (:mod:`triagebot.app.
locks`): another that resumes or discards it is refused (:class:`JournalBusy`, naming the
holder). Read, listed and resumed in :mod:`triagebot.app.journal`."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from triagebot import __version__
from triagebot.app import locks
from triagebot.app.files import FILE_MODE, data_dir, private_dir, sync_dir
from triagebot.flows.answers import to_json_answer
from triagebot.flows.catalog import words
from triagebot.flows.engine import (
    Session,
    SessionEvent,
)

# The journal's lines and replay are the core's; named here too, for every front end.
from triagebot.flows.journal import (
    SUFFIX,
    JournalError,
    JournalEvent,
    JournalFlow,
    JournalHeader,
    dump,
)


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
            patient=session.patient,
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

    def _append(self, line: JournalHeader | JournalEvent) -> None:
        if self._descriptor is None:
            raise JournalError(f"{self.path}: the journal is closed")
        data = dump(line)
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
            unlink(self.path)
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
        unlink(path)  # not a journal at all (a pipe named *.jsonl): nothing to lock
        return
    try:
        unlink(path)
    finally:
        os.close(descriptor)


def unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    sync_dir(path.parent)
