"""Exporting a session from the TUI through the same exports and private writer as the CLI.

Transcripts are pydantic models: they are imported on first export, as pydantic is not
needed to draw the first question (it is ~50 ms of the TUI's start).
"""

from __future__ import annotations

from pathlib import Path

from triagebot.files import default_export_path, write_private
from triagebot.flows.engine import Session


def transcript_text(session: Session) -> str:
    """The session's transcript as plain text (what is copied and exported)."""
    from triagebot.flows.exports import render  # noqa: PLC0415 (see the module's docstring)
    from triagebot.flows.transcript import from_session  # noqa: PLC0415

    return render("text", from_session(session))


def export_transcript(session: Session, folder: Path | None = None) -> Path:
    """Write the plain-text transcript, owner-only and atomically; returns its path.

    ``folder`` defaults to the user's triagebot data folder (transcripts are patient data).
    """
    from triagebot.flows.exports import render  # noqa: PLC0415 (see the module's docstring)
    from triagebot.flows.transcript import from_session  # noqa: PLC0415

    transcript = from_session(session)
    path = default_export_path(transcript, "text", folder)
    return write_private(path, render("text", transcript))
