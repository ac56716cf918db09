"""What a safety case is built from, as plain data, and what each property constrains.

The flow's invariants arrive through :func:`hazards_from_invariants`. ADAPTER POINTS: the
properties and scenarios modules reach the safety case through
:func:`hazards_from_properties` (anything with ``name``, ``says``, ``hazard``, ``holds``)
and :func:`evidence_from_scenarios` (name, outcome, passed, rules fired).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from triagebot.flows import verify as verifier
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.explore import Answers
from triagebot.flows.expr import (
    Aggregate,
    And,
    Answered,
    Env,
    Expr,
    ExprError,
    FlowRuntimeError,
    IfElse,
    Kind,
    Known,
    Not,
    Or,
    Unavailable,
    Value,
    VarType,
    names_in,
    parse,
)

Origin = Literal["flow", "properties"]

NOT_STATED = "not stated in the flow"
"""The hazard of an in-flow invariant: the flow format has no place to state one."""


# --- inputs: plain data -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PropertyInput:
    """A safety property (or in-flow invariant) and what verify found of it."""

    name: str
    says: str
    hazard: str
    """The harm it prevents, as its author wrote it (:data:`NOT_STATED` for an invariant)."""
    holds: str
    where: str
    """``FILE:LINE:COL`` of its ``holds``."""
    origin: Origin
    held: bool
    """Verify found no path where it fails (within the proof's reach: see :class:`Proof`)."""
    counterexample: str | None = None
    """The shortest answers that violate it, inline (None when it held)."""
    counterexample_outcome: str | None = None


@dataclass(frozen=True, slots=True)
class ScenarioInput:
    """A scenario test's result as evidence: its name, outcome, and routing rules fired."""

    name: str
    outcome: str
    passed: bool
    fired: frozenset[tuple[str, int]] = frozenset()
    """(node id, rule index from 0) of each routing rule the scenario's path fired."""


class StatedProperty(Protocol):
    """What a properties file's entry must offer (name, says, hazard, holds as text)."""

    @property
    def name(self) -> str: ...
    @property
    def says(self) -> str: ...
    @property
    def hazard(self) -> str: ...
    @property
    def holds(self) -> str: ...


Violations = Mapping[str, tuple[Answers, str, str]]
"""Property name -> (shortest answers, outcome reached, why): ``Exploration.violations``."""


def hazards_from_invariants(flow: CompiledFlow, report: verifier.Report) -> list[PropertyInput]:
    """The flow's own invariants as hazards (their hazard is :data:`NOT_STATED`)."""
    violations = report.exploration.violations
    return [
        _checked(
            flow,
            PropertyInput(
                invariant.name,
                invariant.says,
                NOT_STATED,
                invariant.holds,
                flow.position(("invariants", index, "holds")),
                "flow",
                held=True,
            ),
            violations,
        )
        for index, invariant in enumerate(flow.flow.invariants)
    ]


def hazards_from_properties(
    flow: CompiledFlow,
    properties: Iterable[StatedProperty],
    violations: Violations,
    places: Mapping[str, str] | None = None,
) -> list[PropertyInput]:
    """ADAPTER (properties file): each property as a hazard. ``violations`` are what
    verify found with the properties (``report.exploration.violations``, by name);
    ``places`` name each property's ``FILE:LINE:COL`` (default: the properties file)."""
    where = places or {}
    return [
        _checked(
            flow,
            PropertyInput(
                item.name,
                item.says,
                item.hazard,
                item.holds,
                where.get(item.name, "properties file"),
                "properties",
                held=True,
            ),
            violations,
        )
        for item in properties
    ]


def evidence_from_scenarios(
    results: Iterable[tuple[str, str, bool, Iterable[tuple[str, int]]]],
) -> list[ScenarioInput]:
    """ADAPTER (scenarios file): (name, outcome reached, passed, rules fired as (node id,
    rule index from 0)) for each scenario run."""
    return [
        ScenarioInput(name, outcome, passed, frozenset(fired))
        for name, outcome, passed, fired in results
    ]


def _checked(flow: CompiledFlow, prop: PropertyInput, violations: Violations) -> PropertyInput:
    """``prop`` with what verify found: held, or its shortest counterexample."""
    found = violations.get(prop.name)
    if found is None:
        return prop
    answers, outcome, _ = found
    shown = verifier.answers_inline(answers, flow)
    return replace(prop, held=False, counterexample=shown, counterexample_outcome=outcome)


# --- what a property constrains ---------------------------------------------------------


def constrained_outcomes(flow: CompiledFlow, holds: str) -> tuple[str, ...]:
    """The outcomes where ``holds`` can fail: those for which knowing only the outcome
    does not already make it true (every outcome when it cannot be read)."""
    outcomes = frozenset(o for o, _ in flow.outcomes())
    types = {**flow.types, OUTCOME_VARIABLE: VarType(Kind.TEXT, outcomes)}
    try:
        tree = parse(holds, types)
    except ExprError:  # a property the flow cannot read: every outcome is at risk
        return tuple(o for o, _ in flow.outcomes())
    return tuple(o for o, _ in flow.outcomes() if _truth(tree, o) is not True)


class _OutcomeOnly(Env):
    """An environment where only ``outcome`` has a value."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome

    def lookup(self, name: str) -> Value:
        if name == OUTCOME_VARIABLE:
            return self.outcome
        raise Unavailable(name)

    def is_answered(self, name: str) -> bool:
        raise Unavailable(name)

    def entries(self, group: str) -> list[dict[str, Value]]:
        raise Unavailable(group)


def _truth(tree: Expr, outcome: str) -> bool | None:  # noqa: PLR0911 (one three-valued answer per kind of expression)
    """Three-valued: True or False when the outcome alone decides, None otherwise."""
    if isinstance(tree, And | Or):
        parts = [_truth(part, outcome) for part in tree.operands]
        decisive = isinstance(tree, Or)
        if decisive in parts:
            return decisive
        return None if None in parts else not decisive
    if isinstance(tree, Not):
        inner = _truth(tree.operand, outcome)
        return None if inner is None else not inner
    if isinstance(tree, IfElse):
        condition = _truth(tree.condition, outcome)
        if condition is None:
            return None
        return _truth(tree.then if condition else tree.otherwise, outcome)
    opaque = (Known, Answered, Aggregate)
    if names_in(tree) - {OUTCOME_VARIABLE} or any(isinstance(n, opaque) for n in tree.walk()):
        return None
    try:
        return bool(tree.evaluate(_OutcomeOnly(outcome)))
    except (Unavailable, FlowRuntimeError):
        return None
