"""FHIR resources as triagebot exports them: built by the core
(:mod:`triagebot.flows.fhir`), each validated with the ``fhir.resources`` models of its
release as it is made. Imported only when exporting FHIR: the models take a noticeable
time to import.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from triagebot.flows import fhir as built
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.exports import ExportError
from triagebot.flows.fhir import RELEASES, Json, Release, check_response, yes_no_labels
from triagebot.flows.transcript import Transcript

__all__ = [
    "RELEASES",
    "Release",
    "check_response",
    "questionnaire",
    "questionnaire_json",
    "questionnaire_response",
    "response_json",
    "validated",
    "yes_no_labels",
]


def validated(resource_type: str, resource: Json, release: Release) -> Json:
    """``resource`` checked against the fhir.resources model of ``release``."""
    model = _model(resource_type, release)
    try:
        parsed = model.model_validate(resource)
    except ValidationError as error:
        raise ExportError(
            f"internal error: the {release} {resource_type} is not valid FHIR: {error}"
        ) from None
    result: Json = json.loads(parsed.model_dump_json(exclude_none=True))
    return result


def _model(resource_type: str, release: Release) -> Any:
    if release == "R4B":
        from fhir.resources.R4B import questionnaire as q4  # noqa: PLC0415
        from fhir.resources.R4B import questionnaireresponse as qr4  # noqa: PLC0415

        return q4.Questionnaire if resource_type == "Questionnaire" else qr4.QuestionnaireResponse
    from fhir.resources import questionnaire as q5  # noqa: PLC0415
    from fhir.resources import questionnaireresponse as qr5  # noqa: PLC0415

    return q5.Questionnaire if resource_type == "Questionnaire" else qr5.QuestionnaireResponse


def questionnaire(flow: CompiledFlow, release: Release = "R5") -> Json:
    """The flow as a Questionnaire resource (a JSON-ready dict, validated)."""
    return built.questionnaire(flow, release, validated)


def questionnaire_response(
    transcript: Transcript, flow: CompiledFlow, release: Release = "R5"
) -> Json:
    """The transcript as a QuestionnaireResponse to the flow's Questionnaire, validated.

    Raises :class:`ExportError` when an answer does not fit the Questionnaire (a
    transcript taken on another version of the flow).
    """
    return built.questionnaire_response(transcript, flow, release, validated)


def questionnaire_json(flow: CompiledFlow, release: Release = "R5") -> str:
    """The validated Questionnaire as JSON."""
    return built.questionnaire_json(flow, release, validated)


def response_json(transcript: Transcript, flow: CompiledFlow, release: Release = "R5") -> str:
    """The validated response as JSON (control characters written as their escapes)."""
    return built.response_json(transcript, flow, release, validated)
