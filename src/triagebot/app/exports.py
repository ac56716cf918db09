"""Transcript exports in every format: text, Markdown and JSON from the core
(:mod:`triagebot.flows.exports`), FHIR validated by :mod:`triagebot.app.fhir`, imported
only when asked for (it is slow to import)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows import exports
from triagebot.flows.exports import FORMATS, ExportError, Format, to_markdown, to_text

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow
    from triagebot.flows.transcript import Transcript

__all__ = ["FORMATS", "ExportError", "Format", "render", "to_markdown", "to_text"]


def render(fmt: Format, transcript: Transcript, flow: CompiledFlow | None = None) -> str:
    """The transcript in ``fmt``. FHIR needs the flow (its Questionnaire) to check linkIds."""
    if fmt not in exports.FHIR_FORMATS:
        return exports.render(fmt, transcript, flow)
    if flow is None:
        raise ExportError("a FHIR export needs the flow the transcript was taken on")
    from triagebot.app import fhir  # noqa: PLC0415  (slow import, only when exporting FHIR)

    release: fhir.Release = "R4B" if fmt == "fhir-r4b" else "R5"
    return fhir.response_json(transcript, flow, release) + "\n"


def __getattr__(name: str) -> object:
    """Every other name of the core's exports (``to_text``, ``EXTENSIONS``...), as there."""
    return getattr(exports, name)
