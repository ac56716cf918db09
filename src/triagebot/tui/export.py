"""Exporting a session from the TUI through the same exports and private writer as the CLI.

Transcripts are pydantic models: they are imported on first export, as pydantic is not
needed to draw the first question (it is ~50 ms of the TUI's start).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triagebot.files import default_export_path, write_private
from triagebot.flows.engine import Session

if TYPE_CHECKING:
    from triagebot.flows.transcript import Transcript


def _as_text(session: Session) -> tuple[Transcript, str]:
    """The session's transcript, and its plain text."""
    from triagebot.flows.exports import render  # noqa: PLC0415 (see the module's docstring)
    from triagebot.flows.transcript import from_session  # noqa: PLC0415

    transcript = from_session(session)
    return transcript, render("text", transcript)


def transcript_text(session: Session) -> str:
    """The session's transcript as plain text (what is copied and exported)."""
    return _as_text(session)[1]


def export_transcript(session: Session, folder: Path | None = None) -> Path:
    """Write the plain-text transcript, owner-only and atomically; returns its path.

    ``folder`` defaults to the user's triagebot data folder (transcripts are patient data).
    """
    transcript, text = _as_text(session)
    return write_private(default_export_path(transcript, "text", folder), text)
