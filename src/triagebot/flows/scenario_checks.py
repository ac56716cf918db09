"""The checks of a scenarios file, each problem placed at ``FILE:LINE:COL``.

:func:`shape_problems` needs only the file: the keys each part takes, and the type of
each value. :func:`flow_problems` checks it against the flow it tests: the flow's id,
every question, group, outcome and value id, and every answer as the flow would take it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from triagebot.flows.answers import AnswerError, parse_answer
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.documents import Document, PathKey, Problem

_ROOT_KEYS = {"flow": True, "language": False, "scenarios": True}
_SCENARIO_KEYS = {"name": True, "answers": True, "expect": True}
_EXPECT_KEYS = {
    "outcome": True,
    "values": False,
    "shows": False,
    "hides": False,
    "not_asked": False,
}
"""Each part's keys: True where the key is required."""


def shape_problems(document: Document) -> list[Problem]:
    """Every problem of shape in a scenarios file (no flow needed)."""
    problems: list[Problem] = []
    data = document.data
    if not isinstance(data, dict):
        return [document.problem((), "a scenarios file is a mapping with 'flow' and 'scenarios'")]
    problems += _keys(document, (), data, _ROOT_KEYS, "a scenarios file")
    if "flow" in data and not isinstance(data["flow"], str):
        problems.append(document.problem(("flow",), "'flow' is the id of the flow tested"))
    if "language" in data and not isinstance(data["language"], str):
        problems.append(document.problem(("language",), "'language' is a language code"))
    scenarios = data.get("scenarios")
    if "scenarios" in data and (not isinstance(scenarios, list) or not scenarios):
        problems.append(document.problem(("scenarios",), "'scenarios' is a list of scenarios"))
        return problems
    names: dict[str, int] = {}
    for index, scenario in enumerate(scenarios or ()):
        problems += _scenario(document, ("scenarios", index), scenario, names)
    return problems


def _keys(
    document: Document, path: PathKey, data: dict[str, Any], keys: dict[str, bool], what: str
) -> Iterator[Problem]:
    allowed = ", ".join(keys)
    for key in data:
        if key not in keys:
            yield _at_key(document, (*path, key), f"'{key}' is not a key of {what} ({allowed})")
    for key, required in keys.items():
        if required and key not in data:
            yield document.problem(path, f"{what} needs '{key}'")


def _at_key(document: Document, path: PathKey, message: str) -> Problem:
    where = document.key_positions.get(path) or document.position_of(path)
    return Problem(document.file, where.line, where.column, message)


def _scenario(
    document: Document, path: PathKey, scenario: object, names: dict[str, int]
) -> list[Problem]:
    if not isinstance(scenario, dict):
        return [document.problem(path, "a scenario is a mapping with name, answers and expect")]
    problems = list(_keys(document, path, scenario, _SCENARIO_KEYS, "a scenario"))
    name = scenario.get("name")
    if "name" in scenario:
        if not isinstance(name, str) or not name.strip():
            problems.append(document.problem((*path, "name"), "a scenario's name is text"))
        elif name.strip() in names:
            first = names[name.strip()]
            problems.append(
                document.problem(
                    (*path, "name"), f"scenario name '{name}' is used twice (first at line {first})"
                )
            )
        else:
            names[name.strip()] = document.position_of((*path, "name")).line
    answers = scenario.get("answers")
    if "answers" in scenario and not isinstance(answers, dict):
        problems.append(
            document.problem((*path, "answers"), "answers are a mapping of question id to answer")
        )
    expect = scenario.get("expect")
    if isinstance(expect, dict):
        problems += _expect(document, (*path, "expect"), expect)
    elif "expect" in scenario:
        problems.append(document.problem((*path, "expect"), "expect is a mapping with 'outcome'"))
    return problems


def _expect(document: Document, path: PathKey, expect: dict[str, Any]) -> list[Problem]:
    problems = list(_keys(document, path, expect, _EXPECT_KEYS, "expect"))
    if "outcome" in expect and not isinstance(expect["outcome"], str):
        problems.append(document.problem((*path, "outcome"), "outcome is an outcome id"))
    for key in ("shows", "hides", "not_asked"):
        texts = expect.get(key, [])
        if not isinstance(texts, list) or not all(isinstance(t, str) and t for t in texts):
            problems.append(document.problem((*path, key), f"'{key}' is a list of texts"))
    values = expect.get("values", {})
    if not isinstance(values, dict):
        problems.append(document.problem((*path, "values"), "values map a name to a value"))
        return problems
    for name, value in values.items():
        problems += _expected_value(document, (*path, "values", name), value)
    return problems


def _expected_value(document: Document, path: PathKey, value: object) -> list[Problem]:
    if isinstance(value, dict):
        unknown = [key for key in value if key not in ("value", "tolerance")]
        if unknown or "value" not in value:
            return [document.problem(path, "write a value, or {value: N, tolerance: T}")]
        tolerance = value.get("tolerance", 0)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or tolerance < 0:
            return [document.problem((*path, "tolerance"), "a tolerance is a number from 0")]
        value = value["value"]
        path = (*path, "value")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return [document.problem(path, "an expected value is a number or a text")]
    return []


# --- against the flow ---------------------------------------------------------------------


def flow_problems(flow: CompiledFlow, document: Document) -> list[Problem]:
    """Every id or answer in the file that ``flow`` does not have or would refuse."""
    data = document.data
    problems = []
    if data["flow"] != flow.id:
        problems.append(
            document.problem(("flow",), f"this file tests flow '{data['flow']}', not '{flow.id}'")
        )
    language = data.get("language")
    if language is not None and language not in flow.languages:
        listed = ", ".join(flow.languages)
        message = f"flow '{flow.id}' is not written in '{language}' (its languages: {listed})"
        problems.append(document.problem(("language",), message))
    for index, scenario in enumerate(data["scenarios"]):
        path: PathKey = ("scenarios", index)
        problems += _answers(flow, document, (*path, "answers"), scenario.get("answers") or {})
        problems += _expected_ids(flow, document, (*path, "expect"), scenario["expect"])
    return problems


def _answers(
    flow: CompiledFlow, document: Document, path: PathKey, answers: dict[str, Any]
) -> list[Problem]:
    questions = dict(flow.questions())
    problems = []
    for key, value in answers.items():
        if key in flow.groups:
            problems += _entries(flow, document, (*path, key), key, value)
        elif key in flow.group_of:
            group = flow.group_of[key]
            message = (
                f"'{key}' is asked once per entry of group '{group}': give it in each "
                f"mapping of the '{group}' list"
            )
            problems.append(_at_key(document, (*path, key), message))
        elif key not in questions:
            message = f"'{key}' is not a question of flow '{flow.id}'"
            problems.append(_at_key(document, (*path, key), message))
        else:
            problems += _answer(flow, document, (*path, key), key, value)
    return problems


def _answer(
    flow: CompiledFlow, document: Document, path: PathKey, question: str, value: object
) -> list[Problem]:
    try:
        parse_answer(flow.question(question), value, flow.language)
    except AnswerError as error:
        return [document.problem(path, f"'{question}': {error}")]
    return []


def _entries(
    flow: CompiledFlow, document: Document, path: PathKey, group_id: str, entries: object
) -> list[Problem]:
    group = flow.groups[group_id]
    if not isinstance(entries, list) or not entries or len(entries) > group.max:
        message = f"group '{group_id}' takes a list of 1 to {group.max} mappings, one per round"
        return [document.problem(path, message)]
    members = dict(flow.members(group_id))
    problems = []
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(document.problem((*path, number), "an entry is a mapping"))
            continue
        for key, value in entry.items():
            if key not in members:
                message = f"'{key}' is not a question of group '{group_id}'"
                problems.append(_at_key(document, (*path, number, key), message))
            else:
                problems += _answer(flow, document, (*path, number, key), key, value)
    return problems


def _expected_ids(
    flow: CompiledFlow, document: Document, path: PathKey, expect: dict[str, Any]
) -> list[Problem]:
    problems = []
    outcomes = [outcome_id for outcome_id, _ in flow.outcomes()]
    if expect["outcome"] not in outcomes:
        listed = ", ".join(outcomes)
        message = f"'{expect['outcome']}' is not an outcome of flow '{flow.id}' ({listed})"
        problems.append(document.problem((*path, "outcome"), message))
    questions = {node_id for node_id, _ in flow.questions()}
    members = set(flow.group_of)
    for name in expect.get("values", {}):
        if name not in flow.computed and name not in questions:
            message = f"'{name}' is not a computed value or question of flow '{flow.id}'"
            problems.append(_at_key(document, (*path, "values", name), message))
    for index, name in enumerate(expect.get("not_asked", [])):
        if name not in questions | members:
            message = f"'{name}' is not a question of flow '{flow.id}'"
            problems.append(document.problem((*path, "not_asked", index), message))
    return problems
