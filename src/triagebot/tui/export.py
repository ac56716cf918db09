"""Exporting a session from the TUI: kept in one small function so the transcripts work
(issue 6) can swap in its exports and journal without touching the app."""

from __future__ import annotations

from pathlib import Path

from triagebot.flows.engine import Session
from triagebot.flows.transcript import from_session, to_text


def transcript_text(session: Session) -> str:
    """The session's transcript as plain text (what is copied and exported)."""
    return to_text(from_session(session))


def export_transcript(session: Session, folder: Path) -> Path:
    """Write the transcript as a plain-text file in ``folder``; returns its path."""
    stamp = session.clock().strftime("%Y%m%d-%H%M%S")
    path = folder / f"triagebot-{session.flow.id}-{stamp}.txt"
    path.write_text(transcript_text(session), encoding="utf-8")
    return path
