"""What a walk of a flow's answer paths finds (:class:`Exploration`), and how the walk reads
a fault, a route and an invariant at a point of a path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.engine import Session
from triagebot.flows.expr import EvaluationError, Expr, Unavailable

Answers = tuple[tuple[str, AnswerValue], ...]
"""An answer path: question ids and answers in the order asked. A repeated group's rounds
follow from it: a round ends where the group's ``another`` is answered yes."""

Route = tuple[int | None, tuple[int, ...]]
"""The rule that fires at a node, and later rules (to other nodes) that hold too."""


@dataclass(slots=True)
class Fault:
    """A path on which the flow itself fails (no rule matches, a value is unavailable, a loop)."""

    kind: str
    node: str
    message: str
    answers: Answers
    where: str | None = None
    """``FILE:LINE:COL`` of the expression that failed (a ``raises`` fault)."""


@dataclass(slots=True)
class Exploration:
    """Everything learnt by walking every answer path."""

    paths: int = 0
    truncated: bool = False
    stopped: str | None = None
    """Why the walk stopped before the end (a budget: ``--max-paths``, ``--max-seconds``)."""
    reached: set[str] = field(default_factory=set)
    fired: set[tuple[str, int]] = field(default_factory=set)
    shortest: dict[str, Answers] = field(default_factory=dict)
    violations: dict[str, tuple[Answers, str, str]] = field(default_factory=dict)
    """Invariant name -> (shortest answers, outcome reached, what went wrong)."""
    overlaps: dict[tuple[str, int, int], Answers] = field(default_factory=dict)
    faults: dict[tuple[str, str], Fault] = field(default_factory=dict)
    sampled: dict[str, str] = field(default_factory=dict)
    merged: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    joined: int = 0
    """Paths not walked on: they reached a round summary already met (``rounds``)."""
    outcomes_by_path: list[tuple[Answers, str]] | None = None
    """Every path and its outcome, when asked for (``diff``)."""


def fault(node: str, message: str, answers: Answers, kind: str, where: str | None) -> Fault:
    """The fault an engine error stands for, with the message the verifier shows for it
    (``kind`` when the walk already knows it, else read from the message)."""
    if not kind and "comes back to group" in message:
        kind = "loop"
        message = message.split(" comes back to ", 1)[-1]
        message = f"the path comes back to {message}: its rounds would be asked again"
    if not kind:
        kind = "unrouted" if "no routing rule" in message else "unavailable"
    if kind == "unrouted":
        value = answers[-1][1] if answers and answers[-1][0] == node else None
        shown = "" if value is None else f" {_show(value)}"
        message = (
            f"the answer{shown} to '{node}' is not routed: "
            "no rule matches and there is no default rule"
        )
    elif kind == "unavailable":
        message = message.split(": ", 1)[-1] if message.startswith("flow '") else message
    return Fault(kind, node, message, answers, where)


def route_at(flow: CompiledFlow, session: Session, node: str, value: AnswerValue | None) -> Route:
    """Which rule the engine fires at ``node`` answered ``value`` (its first that
    holds) and which later ones hold too."""
    answers = session.answers
    env = session.env
    if value is not None and node not in answers:
        answers[node] = value  # as the engine holds it while routing
        env.clear()
    else:
        value = None  # already in place (after the move): nothing to take back
    try:
        rules = flow.routes[node]
        fired: int | None = None
        overlapping: list[int] = []
        for rule in rules:
            holds = rule.condition is None or _holds(rule.condition, env)
            if fired is None:
                if holds:
                    fired = rule.index
                continue
            if rule.condition is not None and holds and rule.goto != rules[fired].goto:
                overlapping.append(rule.index)
    finally:
        if value is not None:
            del answers[node]
            env.clear()
    return fired, tuple(overlapping)


def broken_invariants(
    flow: CompiledFlow, session: Session, outcome: str
) -> Iterator[tuple[str, str]]:
    """Each invariant that does not hold where ``session`` reached ``outcome``, and why."""
    env = session.env
    env.extra[OUTCOME_VARIABLE] = outcome
    try:
        for name, invariant in flow.invariants.items():
            try:
                holds = bool(invariant.evaluate(env))
                why = "does not hold"
            except Unavailable as missing:
                holds, why = False, f"cannot be evaluated on this path ({missing})"
            except EvaluationError as error:
                failure = error.message.removeprefix("this ")
                holds, why = False, f"cannot be evaluated on this path (it {failure})"
            if not holds:
                yield name, why
    finally:
        env.extra.pop(OUTCOME_VARIABLE, None)


def _holds(condition: Expr, env: object) -> bool:
    try:
        return bool(condition.evaluate(env))  # type: ignore[arg-type]
    except (Unavailable, EvaluationError):
        return False  # the session's own routing fails there too, and is reported


def _show(value: AnswerValue) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return repr(value) if isinstance(value, str) else str(value)
