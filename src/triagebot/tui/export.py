"""Exporting a session from the TUI through the same exports and private writer as the CLI."""

from __future__ import annotations

from pathlib import Path

from triagebot.files import default_export_path, write_private
from triagebot.flows.engine import Session
from triagebot.flows.exports import render
from triagebot.flows.transcript import from_session


def transcript_text(session: Session) -> str:
    """The session's transcript as plain text (what is copied and exported)."""
    return render("text", from_session(session))


def export_transcript(session: Session, folder: Path | None = None) -> Path:
    """Write the plain-text transcript, owner-only and atomically; returns its path.

    ``folder`` defaults to the user's triagebot data folder (transcripts are patient data).
    """
    transcript = from_session(session)
    path = default_export_path(transcript, "text", folder)
    return write_private(path, render("text", transcript))
