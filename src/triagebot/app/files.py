"""Files holding patient data: written atomically, readable by the owner only.

A transcript is written to a temporary file in the destination folder, flushed and
synced, then linked into place, so a reader never sees half a file and a crash never
leaves one. An existing file is never overwritten unless asked (``force``). Folders made
here are owner-only too (0700, the data folder included), whatever the umask.

The data folder is the user's data directory from ``platformdirs`` (``TRIAGEBOT_DATA_DIR``
overrides it, for tests and for sites that keep patient data elsewhere).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from triagebot.flows.exports import Format
    from triagebot.flows.transcript import Transcript

DATA_DIR_VARIABLE = "TRIAGEBOT_DATA_DIR"
"""Environment variable naming the data folder instead of the platform's default."""

FILE_MODE = 0o600
DIR_MODE = 0o700


class WriteError(Exception):
    """A file that could not be written; the message names it and says why."""


def data_dir() -> Path:
    """Where triagebot keeps its data (exports, session journals); not created here."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("triagebot", appauthor=False))


def private_dir(path: Path) -> Path:
    """``path`` as a folder; each folder made for it (``path`` and any missing parent, the
    data folder included) is owner-only, 0700 whatever the umask. Folders that exist are
    left as they are.
    """
    missing: list[Path] = []
    current = path
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir(mode=DIR_MODE)
            except FileExistsError:
                continue  # made meanwhile by another process: not ours to change
            os.chmod(folder, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder")
    except OSError as error:
        raise WriteError(f"{path}: cannot create the folder: {error.strerror or error}") from None
    return path


def exports_dir() -> Path:
    """The default folder for exported transcripts."""
    return data_dir() / "transcripts"


def default_export_path(transcript: Transcript, fmt: Format, folder: Path | None = None) -> Path:
    """A file name for an export that sorts by time: ``FLOW-YYYYMMDD-HHMMSS.EXT``.

    In ``folder``, or the default exports folder (not created here: ``write_private`` does).
    """
    from triagebot.flows.exports import EXTENSIONS  # noqa: PLC0415  (avoids an import cycle)

    when: datetime = transcript.finished_at or transcript.started_at
    name = f"{transcript.flow.id}-{when:%Y%m%d-%H%M%S}.{EXTENSIONS[fmt]}"
    return (folder or exports_dir()) / name


def write_private(path: Path, text: str, force: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically, mode 0600; refuse to overwrite unless ``force``.

    Raises :class:`WriteError` (the file exists, or the folder cannot be written).
    """
    folder = private_dir(path.parent if str(path.parent) else Path("."))
    if not force and path.exists():
        raise WriteError(f"{path} already exists; use --force to overwrite it")
    try:
        # A short name of its own: the file's name plus a suffix may pass the file
        # system's limit (255 bytes) when the file's own name is near it.
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".triagebot-", suffix=".tmp")
    except OSError as error:
        raise WriteError(f"{path}: cannot write in {folder}: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        _place(Path(temporary), path, force)
        sync_dir(folder)
    except OSError as error:
        raise WriteError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return path


def _place(temporary: Path, path: Path, force: bool) -> None:
    """Move the finished file into place: replace when forced, else link (never clobbers)."""
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise WriteError(f"{path} already exists; use --force to overwrite it") from None
    except OSError:
        # A file system without hard links: check, then rename (a narrow race, never a
        # silent overwrite of a file that existed when we looked).
        if path.exists():
            raise WriteError(f"{path} already exists; use --force to overwrite it") from None
        os.replace(temporary, path)


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where unsupported)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
