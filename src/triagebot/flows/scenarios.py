"""Scenario tests a clinician writes without Python: ``flows/tests/<flow>.scenarios.yaml``.

A scenarios file names its flow and lists scenarios, each with a name, the answers (as in
an answers file: a repeated group's answers a list of mappings) and what is expected::

    flow: cauda-equina
    language: en            # optional: the language of shows/hides (default: the flow's first)
    scenarios:
      - name: painless retention with saddle anaesthesia is an emergency
        answers: {back_or_leg_pain: "no", urinary_retention: "yes"}
        expect:
          outcome: ces_emergency
          values: {first_hour_iu: 7400, flush_iu_h: {value: 1080, tolerance: 0.5}}
          shows: ["emergency department"]
          hides: ["routine"]
          not_asked: [saddle_anaesthesia]

Loading checks the file's shape, and against the flow every id and answer, each problem
placed at ``FILE:LINE:COL``. Running a scenario drives the flow as ``triagebot run`` does
and says every difference in clinical words; the run also measures coverage
(:mod:`triagebot.flows.coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triagebot.flows import scenario_checks
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow, with_language
from triagebot.flows.coverage import Coverage, Trace, evaluate, measure
from triagebot.flows.documents import Document, FlowError
from triagebot.flows.driving import drive
from triagebot.flows.engine import OutcomeView, Session
from triagebot.flows.expr import FlowRuntimeError, Unavailable, Value
from triagebot.flows.schema import OUTCOME_SECTIONS, OutcomeNode

__all__ = [
    "Expectation",
    "ExpectedValue",
    "Scenario",
    "ScenarioFile",
    "ScenarioReport",
    "ScenarioResult",
    "load_scenarios",
    "run_scenarios",
]


@dataclass(frozen=True, slots=True)
class ExpectedValue:
    """A computed value (or answer) the outcome must have, within ``tolerance``."""

    name: str
    value: float | int | str
    tolerance: float = 0.0


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a scenario expects of the path its answers take."""

    outcome: str
    values: tuple[ExpectedValue, ...] = ()
    shows: tuple[str, ...] = ()
    """Texts each of which some shown line contains (case ignored)."""
    hides: tuple[str, ...] = ()
    """Texts no shown line may contain (case ignored)."""
    not_asked: tuple[str, ...] = ()
    """Questions the path must not ask."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One named scenario: answers in, an expectation of the outcome."""

    name: str
    answers: dict[str, Any]
    expect: Expectation
    where: str
    """``FILE:LINE:COL`` of the scenario in its file."""


@dataclass(frozen=True, slots=True)
class ScenarioFile:
    """A read scenarios file; ``document`` keeps every value's position."""

    flow: str
    file: str
    scenarios: tuple[Scenario, ...]
    document: Document
    language: str | None = None
    """The language the expected lines are written in (default: the flow's first)."""


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """How one scenario ran."""

    name: str
    passed: bool
    differences: tuple[str, ...]
    """Each difference from the expectation in clinical words (none when passed)."""
    outcome: str | None
    """The outcome reached, or None when the answers did not reach one."""
    answers: dict[str, Any]
    where: str


@dataclass(frozen=True, slots=True)
class ScenarioReport:
    """Every scenario's result and the coverage of the flow they reach together."""

    flow: CompiledFlow
    results: tuple[ScenarioResult, ...]
    coverage: Coverage

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


def load_scenarios(path: Path, flow: CompiledFlow | None = None) -> ScenarioFile:
    """Read a scenarios file; with ``flow``, also check its ids and answers against it.

    Raises :class:`FlowError` with every problem found, each at its ``FILE:LINE:COL``.
    """
    from triagebot.flows.yamlio import load_file  # noqa: PLC0415 (PyYAML only when used)

    document = load_file(path)
    problems = scenario_checks.shape_problems(document)
    if problems:
        raise FlowError(problems)
    file = _build(document)
    if flow is not None:
        check(flow, file)
    return file


def check(flow: CompiledFlow, file: ScenarioFile) -> None:
    """Raise :class:`FlowError` for every id or answer of ``file`` that ``flow`` refuses."""
    problems = scenario_checks.flow_problems(flow, file.document)
    if problems:
        raise FlowError(problems)


def _build(document: Document) -> ScenarioFile:
    data = document.data
    scenarios = []
    for index, raw in enumerate(data["scenarios"]):
        expect = raw["expect"]
        where = document.position_of(("scenarios", index))
        scenarios.append(
            Scenario(
                name=raw["name"].strip(),
                answers=dict(raw.get("answers") or {}),
                expect=Expectation(
                    outcome=expect["outcome"],
                    values=tuple(_value(name, v) for name, v in expect.get("values", {}).items()),
                    shows=tuple(expect.get("shows", ())),
                    hides=tuple(expect.get("hides", ())),
                    not_asked=tuple(expect.get("not_asked", ())),
                ),
                where=f"{document.file}:{where.line}:{where.column}",
            )
        )
    return ScenarioFile(
        data["flow"], document.file, tuple(scenarios), document, data.get("language")
    )


def _value(name: str, raw: Any) -> ExpectedValue:
    if isinstance(raw, dict):
        return ExpectedValue(name, raw["value"], float(raw.get("tolerance", 0)))
    return ExpectedValue(name, raw)


# --- running ------------------------------------------------------------------------------


def run_scenarios(flow: CompiledFlow, file: ScenarioFile | list[ScenarioFile]) -> ScenarioReport:
    """Run every scenario of ``file`` (or of several files) through ``flow``: each result,
    and the coverage they reach together. Raises :class:`FlowError` (located) when a file
    names ids or answers ``flow`` refuses."""
    files = file if isinstance(file, list) else [file]
    results = []
    traces: list[tuple[str, Trace]] = []
    for one in files:
        check(flow, one)
        spoken = flow if one.language is None else with_language(flow, one.language)
        for scenario in one.scenarios:
            result, trace = run_scenario(spoken, scenario)
            results.append(result)
            traces.append((scenario.name, trace))
    return ScenarioReport(flow, tuple(results), measure(flow, traces))


def run_scenario(flow: CompiledFlow, scenario: Scenario) -> tuple[ScenarioResult, Trace]:
    """One scenario's result and what it covered."""
    trace = Trace()
    try:
        session = drive(flow, scenario.answers)
        _trace_path(flow, session, trace)
        view = session.outcome()
        assert view is not None  # drive ends at an outcome
        _trace_outcome(flow, session, trace)
        differences = _differences(flow, session, view, scenario.expect)
        outcome: str | None = view.id
    except (AnswerError, FlowRuntimeError) as error:
        differences = [f"the answers do not reach an outcome: {error}"]
        outcome = None
    result = ScenarioResult(
        name=scenario.name,
        passed=not differences,
        differences=tuple(differences),
        outcome=outcome,
        answers=scenario.answers,
        where=scenario.where,
    )
    return result, trace


def _trace_path(flow: CompiledFlow, driven: Session, trace: Trace) -> None:
    """Walk the path again, noting the rule that fires at each step (the first whose
    condition holds, with the answer in place, as the engine decides) and each threshold
    side its conditions reach."""
    session = Session(flow)
    for step in driven.steps:
        node_id = session.current
        if step.value is not None:
            session.answers[node_id] = step.value
        session.env.clear()
        _fire(flow, session, node_id, trace)
        session.answers.pop(node_id, None)
        session.env.clear()
        if step.value is None:
            session.answer()
        else:
            session.answer(step.value)
        for group_id in session.passed:
            if session.current not in flow.groups[group_id].nodes:  # its rounds are over
                _fire(flow, session, group_id, trace)


def _fire(flow: CompiledFlow, session: Session, node_id: str, trace: Trace) -> None:
    base = flow.path_of(node_id)
    for rule in flow.routes[node_id]:
        path = (*base, "next", rule.index, "when")
        if rule.condition is None or evaluate(rule.condition, session.env, path, trace):
            trace.reached.add(("rule", node_id, rule.index))
            return


def _trace_outcome(flow: CompiledFlow, session: Session, trace: Trace) -> None:
    """The outcome, its lines shown (as the engine decides them) and the formulas' sides."""
    outcome_id = session.current
    trace.reached.add(("outcome", outcome_id))
    session.env.clear()
    for name, formula in flow.computed.items():
        try:
            evaluate(formula, session.env, ("computed", name, "formula"), trace)
        except Unavailable:
            continue
    session.env.extra[OUTCOME_VARIABLE] = outcome_id
    try:
        for (node_id, section, index), item in flow.items.items():
            if node_id != outcome_id:
                continue
            path = ("nodes", node_id, section, index, "when")
            if item.condition is None or _holds(item.condition, session, path, trace):
                trace.reached.add(("line", node_id, section, index))
    finally:
        session.env.extra.pop(OUTCOME_VARIABLE, None)
        session.env.clear()


def _holds(condition: Any, session: Session, path: Any, trace: Trace) -> bool:
    try:
        return bool(evaluate(condition, session.env, path, trace))
    except Unavailable:
        return False  # as the engine: a line about a value never asked does not apply


# --- differences, in clinical words -------------------------------------------------------


def _differences(
    flow: CompiledFlow, session: Session, view: OutcomeView, expect: Expectation
) -> list[str]:
    found = []
    if view.id != expect.outcome:
        found.append(
            f"expected outcome {_outcome(flow, expect.outcome)}, got {_outcome(flow, view.id)}"
        )
    found += [message for value in expect.values if (message := _value_difference(session, value))]
    lines = _shown_lines(view)
    for text in expect.shows:
        if not any(text.casefold() in line.casefold() for line in lines):
            found.append(f"expected a line showing '{text}'; no line of '{view.id}' shows it")
    for text in expect.hides:
        for line in lines:
            if text.casefold() in line.casefold():
                found.append(f"'{text}' must not be shown, but '{view.id}' shows: {line}")
    asked = {step.node for step in session.steps if step.value is not None}
    for question in expect.not_asked:
        if question in asked:
            prompt = flow.question(question).prompt
            found.append(f"'{question}' ({prompt}) was asked; it must not be on this path")
    return found


def _outcome(flow: CompiledFlow, outcome_id: str) -> str:
    node = flow.nodes[outcome_id]
    assert isinstance(node, OutcomeNode)
    return f"'{outcome_id}' ({node.urgency.upper()})"


def _shown_lines(view: OutcomeView) -> list[str]:
    """Every line of the outcome as shown: title, summary, each section's lines, values."""
    lines = [view.title, *([view.summary] if view.summary else [])]
    for section in OUTCOME_SECTIONS:
        lines += [item.text for item in getattr(view, section)]
    lines += [f"{value.label}: {value.display}" for value in view.shown]
    return lines


def _value_difference(session: Session, expected: ExpectedValue) -> str | None:
    shown = session.shown_value(expected.name)
    actual: Value | None = shown.value
    label = f"{expected.name} ({shown.label})"
    wanted = _written(expected.value)
    if expected.tolerance:
        wanted += f" ± {_written(expected.tolerance)}"
    if actual is None:
        return f"expected {label} {wanted}, but it is not available on this path"
    if isinstance(expected.value, str) or isinstance(actual, str | tuple):
        same = actual == expected.value
    else:
        same = abs(float(actual) - float(expected.value)) <= expected.tolerance + 1e-9
    if same:
        return None
    return f"expected {label} {wanted}, got {_written(actual)} (shown as {shown.display})"


def _written(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
