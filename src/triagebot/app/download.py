"""A transcript handed to a browser (``triagebot serve``): rendered in any export format,
named as an export file would be, and never written on the server.

The clinician the reverse proxy named is recorded in it (``Session.clinician``, set by
:class:`~triagebot.app.conversation.Conversation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.app.files import default_export_path
from triagebot.flows.engine import Session

if TYPE_CHECKING:
    from triagebot.flows.exports import Format
    from triagebot.flows.transcript import Transcript


def session_transcript(session: Session) -> Transcript:
    """The session's transcript as it stands (its clinician and patient recorded in it)."""
    from triagebot.flows.transcript_build import from_session  # noqa: PLC0415 (pydantic)

    return from_session(session)


def download(session: Session, fmt: Format = "text") -> tuple[str, str]:
    """The file name and text of the transcript in ``fmt`` (FHIR validated). Raises
    ExportError when a FHIR export does not validate."""
    from triagebot.app.exports import render  # noqa: PLC0415 (FHIR is slow to import)

    transcript = session_transcript(session)
    return default_export_path(transcript, fmt).name, render(fmt, transcript, session.flow)
