"""Exporting a session from any front end, in any format, through the same exports and
private writer as the CLI; and the format last chosen, remembered in the user's data
folder so F5 (or plain mode's ``export``) offers it first next time.

Transcripts are pydantic models: they are imported on first export, as pydantic is not
needed to draw the first question (it is ~50 ms of the TUI's start).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from triagebot.app.files import WriteError, data_dir, default_export_path, write_private
from triagebot.flows.documents import Unreadable, read_bytes
from triagebot.flows.engine import Session
from triagebot.flows.exports import FORMATS, Format

if TYPE_CHECKING:
    from triagebot.flows.transcript import Transcript

FORMAT_FILE = "export-format"
"""The file in the user's data folder that holds the export format last chosen."""


def last_format(folder: Path | None = None) -> Format:
    """The format last chosen for an export (plain text when none was, or the file is not a
    small regular file naming one: a pipe put there never blocks F5)."""
    try:
        data = read_bytes((folder or data_dir()) / FORMAT_FILE, 64)
    except (OSError, Unreadable):
        return "text"
    text = data.decode("utf-8", "replace").strip()
    return next((fmt for fmt in FORMATS if fmt == text), "text")


def remember_format(fmt: Format, folder: Path | None = None) -> None:
    """Offer ``fmt`` first next time; a data folder that cannot be written only forgets it."""
    with contextlib.suppress(OSError, WriteError):
        write_private((folder or data_dir()) / FORMAT_FILE, fmt + "\n", force=True)


def _as_text(session: Session, fmt: Format = "text") -> tuple[Transcript, str]:
    """The session's transcript, and its export in ``fmt``. Raises ExportError."""
    from triagebot.app.exports import render  # noqa: PLC0415 (see the module's docstring)
    from triagebot.flows.transcript_build import from_session  # noqa: PLC0415

    transcript = from_session(session)
    return transcript, render(fmt, transcript, session.flow)


def transcript_text(session: Session) -> str:
    """The session's transcript as plain text (what is copied and exported)."""
    return _as_text(session)[1]


@dataclass(frozen=True)
class Exported:
    """Where F5 left the transcript."""

    path: Path
    written: bool
    """False: a file written before holds this very transcript; nothing new was written."""


def export_transcript(
    session: Session, folder: Path | None = None, fmt: Format = "text"
) -> Exported:
    """Write the transcript in ``fmt``, owner-only and atomically, where it overwrites
    nothing. Raises ExportError (FHIR that does not validate), OSError or WriteError.

    ``folder`` defaults to the user's triagebot data folder (transcripts are patient data).
    The file is named for the session (``FLOW-YYYYMMDD-HHMMSS.txt``); F5 again (the TUI
    has no ``--force``) never replaces a transcript that may already be filed: the same
    transcript is found where it was written, a changed one (more answers) is written
    next to it as ``...-2.txt``, ``...-3.txt``.
    """
    transcript, text = _as_text(session, fmt)
    first = default_export_path(transcript, fmt, folder)
    for path in _names(first):
        if _holds(path, text):
            return Exported(path, written=False)
        try:
            return Exported(write_private(path, text), written=True)
        except WriteError:
            if not path.exists():  # not taken: the folder cannot be written
                raise
    raise WriteError(f"{first}: {MAX_COPIES} transcripts of this session exist already")


MAX_COPIES = 999
"""The most files one session's exports are written to."""


def _names(first: Path) -> Iterator[Path]:
    """``first``, then ``first`` numbered from 2."""
    yield first
    for number in range(2, MAX_COPIES + 1):
        yield first.with_name(f"{first.stem}-{number}{first.suffix}")


def _holds(path: Path, text: str) -> bool:
    """Whether ``path`` is a regular file holding exactly ``text``."""
    data = text.encode("utf-8")
    try:
        if not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
