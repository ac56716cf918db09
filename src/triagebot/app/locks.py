"""One process at a time per session: an advisory lock on each journal, held for its life.

A session's journal is locked (``flock``, exclusive) by the process that writes it, from
the moment it is created or reopened until the session is finished, discarded or left. A
second process that tries to resume or discard it is refused at once, and told which
process holds it (its id and when it started, read from ``/proc`` on Linux), so two
windows never answer into one journal and one never deletes it under the other.

The kernel releases a lock when its holder exits, however it exits (``kill -9``
included): a lock never outlives its process, so there is no stale lock to clear.

``flock`` locks an open file description, not a process: the same process opening the
file again is refused too, as it should be (the TUI never holds one session twice). Where
``fcntl`` is missing (Windows) journals are not locked at all (:data:`SUPPORTED`), and
where ``/proc`` is missing a holder is refused without its process id.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

SUPPORTED = fcntl is not None
"""Whether journals are locked on this platform."""

ATTEMPTS = 4
"""Tries before a lock is said to be held: another process may be probing it (a listing of
unfinished sessions takes a shared lock for a moment)."""
PAUSE = 0.05
"""Seconds between tries."""


@dataclass(frozen=True, slots=True)
class Holder:
    """The process holding a session's lock, as far as it can be named."""

    pid: int | None
    """Its process id (None where the platform does not say)."""
    started: datetime | None
    """When that process started (UTC; None where unknown)."""

    @property
    def here(self) -> bool:
        """Whether it is this very process."""
        return self.pid == os.getpid()


class Held(Exception):
    """The file is locked by another process (or another open file of this one)."""

    def __init__(self, holder: Holder) -> None:
        super().__init__(f"locked by process {holder.pid}")
        self.holder = holder


class NotAFile(OSError):
    """Not a regular file (a FIFO, a device, a folder): never opened for a session."""


def open_locked(path: Path, flags: int) -> int:
    """Open ``path`` (``os.open`` ``flags``) and lock it; the descriptor holds the lock.

    Raises :class:`Held` when another holds it, :class:`NotAFile` for anything but a
    regular file, FileNotFoundError when it was removed (by a process that finished the
    session) while it was being opened, or another OSError.
    """
    extra = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # Non-blocking: a FIFO would wait for a reader (or a writer) for ever.
        descriptor = os.open(path, flags | extra)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO opened for writing, no reader
            raise NotAFile("not a regular file") from None
        raise
    try:
        details = os.fstat(descriptor)
        if not stat.S_ISREG(details.st_mode):
            raise NotAFile("not a regular file")
        if extra & getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(descriptor, True)  # a regular file: reads and writes as usual
        _lock(descriptor)
        try:
            now = os.stat(path)
        except FileNotFoundError:
            now = None
        if now is None or (now.st_dev, now.st_ino) != (details.st_dev, details.st_ino):
            # Locked the file just as its holder removed it (finishing the session).
            raise FileNotFoundError(f"{path}: no longer exists")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def lock_new(descriptor: int) -> None:
    """Lock a file just created (no one else can hold it yet)."""
    _lock(descriptor)


def _lock(descriptor: int) -> None:
    if fcntl is None:  # pragma: no cover (Windows)
        return
    for attempt in range(ATTEMPTS):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if attempt + 1 < ATTEMPTS:
                time.sleep(PAUSE)
    raise Held(holder_of_descriptor(descriptor))


def holder(path: Path) -> Holder | None:
    """Who holds ``path``'s lock now; None when no one does (or it cannot be opened).

    Takes a shared lock for an instant to find out; never waits.
    """
    if fcntl is None:  # pragma: no cover (Windows)
        return None
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return holder_of_descriptor(descriptor)
        return None
    finally:
        os.close(descriptor)  # releases the probe's shared lock


def holder_of_descriptor(descriptor: int) -> Holder:
    """The process holding the lock on the file open as ``descriptor`` (Linux: from
    ``/proc/locks``); a Holder of unknown pid elsewhere."""
    details = os.fstat(descriptor)
    wanted = f"{os.major(details.st_dev):02x}:{os.minor(details.st_dev):02x}:{details.st_ino}"
    pid = None
    with contextlib.suppress(OSError, ValueError), open("/proc/locks", encoding="ascii") as locks:
        for line in locks:
            # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146326 0 EOF" ("->" marks a waiter)
            fields = line.split()
            if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
                pid = int(fields[4])
                break
    return Holder(pid, None if pid is None else process_started(pid))


def process_started(pid: int) -> datetime | None:
    """When process ``pid`` started (Linux ``/proc``); None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stream:
            # The command name is in parentheses and may hold spaces: count after it.
            after = stream.read().rsplit(")", 1)[1].split()
        with open("/proc/stat", encoding="ascii") as stream:
            boot = next(int(line.split()[1]) for line in stream if line.startswith("btime "))
        ticks = int(after[19])  # field 22 of the whole line: start time, in clock ticks
        return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), UTC)
    except (OSError, ValueError, IndexError, StopIteration):
        return None
