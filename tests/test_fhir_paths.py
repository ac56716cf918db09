"""calculatedExpression evaluated by fhirpath.js (the FHIRPath engine LHC-Forms uses, from
npm) on the exported response gives triagebot's own computed values: on every scenario of
each bundled flow and on a sample of its explored paths (flows without repeated groups).
Skips, saying why, where node or fhirpath.js is missing."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.fhir_support import (
    BUNDLED,
    FLOW_IDS,
    NODE_MODULES,
    TOOLS,
    explored,
    scenario_cases,
    transcript_of,
)
from triagebot.app import fhir
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.fhir_paths import CALCULATED_URL
from triagebot.flows.transcript import Transcript

NODE = shutil.which("node")
SAMPLE = 150
"""Explored paths checked per flow (taken evenly from all of them)."""

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (NODE_MODULES / "fhirpath").is_dir(),
        reason="fhirpath.js is missing: npm ci --prefix tests/data/fhir",
    ),
]


def expressions(form: dict) -> dict[str, str]:
    """Each computed value's calculatedExpression, by name."""
    return {
        item["linkId"].removeprefix("triagebot.computed."): ext["valueExpression"]["expression"]
        for item in form["item"]
        for ext in item.get("extension", [])
        if ext["url"] == CALCULATED_URL
    }


def as_shown(flow: CompiledFlow, name: str, value: object) -> list[object]:
    """triagebot's value as FHIRPath gives it: empty when unavailable, a text by its label."""
    if value is None:
        return []
    labels = flow.flow.computed[name].labels
    return [labels.get(value, value) if isinstance(value, str) else value]


def evaluated(cases: list[dict]) -> list[object]:
    assert NODE is not None
    result = subprocess.run(
        [NODE, str(TOOLS / "fhirpath-eval.js")],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout)


def answers_of(walked: dict[str, object]) -> dict[str, object]:
    return {question: value for question, value in walked.items() if value is not None}


def same(expected: list[object], got: object) -> bool:
    if not isinstance(got, list) or len(got) != len(expected):
        return False
    return all(
        abs(a - b) < 1e-9 if isinstance(a, int | float) and isinstance(b, int | float) else a == b
        for a, b in zip(expected, got, strict=True)
    )


WITH_VALUES = [i for i in FLOW_IDS if load_flow(BUNDLED / f"{i}.yaml").flow.computed]
"""The bundled flows that compute values (the others have nothing for FHIRPath to say)."""


@pytest.mark.parametrize("release", ["R5", "R4B"])
@pytest.mark.parametrize("flow_id", WITH_VALUES)
def test_fhirpath_js_computes_the_same_values(flow_id: str, release: str) -> None:
    """Every translated value, on a path to each outcome and on explored paths."""
    flow = load_flow(BUNDLED / f"{flow_id}.yaml")
    form = fhir.questionnaire(flow, release)
    paths = expressions(form)
    assert paths, f"{flow_id} computes values but none was translated to FHIRPath"
    answer_sets = [answers for _, answers in scenario_cases(flow_id)]
    if not flow.groups:  # an explored path's rounds are not an answers file's
        walked = explored(BUNDLED / f"{flow_id}.yaml")
        answer_sets += [answers_of(w) for w in walked[:: max(1, len(walked) // SAMPLE)]]
    transcripts: list[Transcript] = [transcript_of(flow, answers) for answers in answer_sets]
    cases, wanted = [], []
    for transcript in transcripts:
        response = fhir.questionnaire_response(transcript, flow, release)
        for name, expression in paths.items():
            cases.append({"resource": response, "expression": expression, "release": release})
            wanted.append((name, as_shown(flow, name, transcript.computed.get(name))))
    results = evaluated(cases)
    wrong = [
        (name, expected, got, transcript_index // len(paths))
        for transcript_index, ((name, expected), got) in enumerate(
            zip(wanted, results, strict=True)
        )
        if not same(expected, got)
    ]
    assert wrong[:5] == []


GATES = TOOLS / "gates.yaml"


@pytest.mark.parametrize(
    "answers",
    [
        # middle unknown: 'middle > 2' has no value, so neither has either side's and/or
        {"score": 5, "middle": "unknown", "after_middle": "a", "ticks": "no", "level": "no"},
        {"score": 5, "middle": "unknown", "after_middle": "b", "ticks": "no", "level": "no"},
        # middle known: false and ..., true or ...
        {
            "score": 6,
            "middle": 1,
            "after_middle": "b",
            "ticks": "no",
            "level": "yes",
            "combined": "no",
        },
        {
            "score": 6,
            "middle": 3,
            "after_middle": "a",
            "ticks": "no",
            "level": "no",
            "combined": "no",
        },
    ],
)
def test_fhirpath_js_reads_and_or_as_triagebot(answers: dict[str, object]) -> None:
    """An unavailable operand before a deciding one leaves the value unavailable."""
    flow = load_flow(GATES)
    transcript = transcript_of(flow, answers)
    response = fhir.questionnaire_response(transcript, flow, "R5")
    paths = expressions(fhir.questionnaire(flow, "R5"))
    names = sorted(paths)
    got = evaluated(
        [{"resource": response, "expression": paths[n], "release": "R5"} for n in names]
    )
    expected = [as_shown(flow, n, transcript.computed.get(n)) for n in names]
    assert expected == got
