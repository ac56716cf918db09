"""Helpers for the FHIR tests: which items a renderer enables, by the rules of FHIR's
enableWhen (read from the Questionnaire's JSON, as any renderer reads it)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.explore import Explorer
from triagebot.flows.fhir_values import value_coding
from triagebot.flows.scenarios import load_scenarios
from triagebot.flows.schema import UNKNOWN, NumberQuestion
from triagebot.flows.transcript import Transcript
from triagebot.flows.transcript_build import from_session

Json = dict[str, Any]

COMPARE = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def answer_values(flow: CompiledFlow, answers: dict[str, object]) -> dict[str, list[object]]:
    """Each answer as the values a renderer compares: codes (system|code) and numbers;
    ``unknown`` has none (it is recorded as absent)."""
    values: dict[str, list[object]] = {}
    for question, value in answers.items():
        node = flow.nodes[question]
        if isinstance(node, NumberQuestion):
            values[question] = [] if value == UNKNOWN else [value]
            continue
        codes = list(value) if isinstance(value, list | tuple) else [value]
        codings = [
            value_coding(flow.id, question, node, str(code), flow.language)  # type: ignore[arg-type]
            for code in codes or [""]
        ]
        values[question] = [f"{c['system']}|{c['code']}" for c in codings]
    return values


def enabled(form: Json, values: dict[str, list[object]]) -> set[str]:
    """The linkIds of the top-level items a renderer enables, given the answers typed into
    the enabled items (``values``); an answer to a disabled item does not count."""
    items = {item["linkId"]: item for item in form["item"]}
    memo: dict[str, bool] = {}

    def is_enabled(link_id: str) -> bool:
        if link_id not in memo:
            conditions = items[link_id].get("enableWhen", [])
            results = [
                _holds(c, values.get(c["question"], []) if is_enabled(c["question"]) else [])
                for c in conditions
            ]
            every = items[link_id].get("enableBehavior", "all") == "all"
            memo[link_id] = not results or (all(results) if every else any(results))
        return memo[link_id]

    return {link_id for link_id in items if is_enabled(link_id)}


def _holds(condition: Json, answers: list[object]) -> bool:
    operator = condition["operator"]
    if operator == "exists":
        return bool(answers) == condition["answerBoolean"]
    expected = next(v for k, v in condition.items() if k.startswith("answer"))
    if isinstance(expected, dict):
        expected = f"{expected['system']}|{expected['code']}"
    if operator == "!=":
        return bool(answers) and all(answer != expected for answer in answers)
    return any(COMPARE[operator](answer, expected) for answer in answers)


TOOLS = Path(__file__).parent / "data" / "fhir"
"""The npm project of outside tools: ``npm ci --prefix tests/data/fhir``."""
NODE_MODULES = TOOLS / "node_modules"
BUNDLED = bundled_dir()
FLOW_IDS = sorted(path.stem for path in BUNDLED.glob("*.yaml"))


def outcome_cases(flow_id: str) -> list[tuple[str, dict[str, Any]]]:
    """One scenario per outcome of a bundled flow (its own scenario file's first that
    reaches it): (outcome, answers)."""
    flow = load_flow(BUNDLED / f"{flow_id}.yaml")
    file = load_scenarios(BUNDLED / "tests" / f"{flow_id}.scenarios.yaml", flow)
    cases: dict[str, dict[str, Any]] = {}
    for scenario in file.scenarios:
        cases.setdefault(scenario.expect.outcome, scenario.answers)
    return sorted(cases.items())


def scenario_cases(flow_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every scenario of a bundled flow: (name, answers)."""
    flow = load_flow(BUNDLED / f"{flow_id}.yaml")
    file = load_scenarios(BUNDLED / "tests" / f"{flow_id}.scenarios.yaml", flow)
    return [(scenario.name, scenario.answers) for scenario in file.scenarios]


def transcript_of(flow: CompiledFlow, answers: dict[str, Any]) -> Transcript:
    """The transcript of a session on ``answers``, with a patient and a clinician."""
    session = drive(flow, answers, lambda: datetime(2026, 12, 5, 16, 15, tzinfo=UTC))
    return from_session(session).model_copy(
        update={"patient": "Test patient 1", "clinician": "Dr Test"}
    )


def asked_on(flow: CompiledFlow, path: tuple[tuple[str, object], ...]) -> dict[str, object]:
    """The top-level questions asked on a path, with their answers (a group counts as
    asked when any of its members was)."""
    asked: dict[str, object] = {}
    for node_id, value in path:
        group = flow.group_of.get(node_id)
        asked[group or node_id] = value if group is None else None
    return asked


@functools.cache
def explored(path: Path) -> list[dict[str, object]]:
    """The top-level answers of every path the exploration walks (each once)."""
    flow = load_flow(path)
    walked = Explorer(flow, keep_paths=True).run().outcomes_by_path or []
    unique = {repr(asked): asked for asked in (asked_on(flow, w) for w, _ in walked)}
    return list(unique.values())
