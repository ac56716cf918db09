"""The verifier: structural checks, exhaustive exploration and invariants, as one report.

``verify(flow)`` returns a :class:`Report` of :class:`Finding` s, each placed at
``FILE:LINE:COL`` and, where a path shows it, with the shortest answers that reproduce it
(ready for ``triagebot run --answers``). Exploration goes through the real
:class:`~triagebot.flows.engine.Session`, so what is proven is what runs; see
:mod:`triagebot.flows.explore` for how answers are grouped into classes and when a
number is sampled rather than partitioned exactly.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.explore import Answers, Budget, Exploration, explore
from triagebot.flows.limits import DEFAULT_PATH_LIMIT
from triagebot.flows.schema import OutcomeNode

# The report's written forms, imported from here by many (commands, safety case, diff, tests).
from triagebot.flows.verify_output import answers_inline as answers_inline  # noqa: PLC0414
from triagebot.flows.verify_output import answers_mapping as answers_mapping  # noqa: PLC0414
from triagebot.flows.verify_output import answers_yaml as answers_yaml  # noqa: PLC0414
from triagebot.flows.verify_output import json_answer as json_answer  # noqa: PLC0414
from triagebot.flows.verify_output import summary_line as summary_line  # noqa: PLC0414
from triagebot.flows.verify_output import to_data as to_data  # noqa: PLC0414
from triagebot.flows.verify_output import to_text as to_text  # noqa: PLC0414

if TYPE_CHECKING:
    from triagebot.flows.properties import PropertiesFile

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (or doubtful) with a flow, where it is, and how to reproduce it."""

    severity: Severity
    code: str
    """unreachable, dead-end, cycle, unrouted, unavailable, raises (an expression fails:
    a number too large, a division by zero), loop, never-reached, never-fires, overlap,
    invariant, property (one of a properties file's: placed in that file), bounded (the
    walk stopped at its budget: a warning, nothing proven)."""
    where: str
    message: str
    answers: Answers | None = None
    outcome: str | None = None
    detail: str | None = None
    hazard: str | None = None
    """For a property: the harm it prevents, as its properties file says."""
    properties_file: str | None = None
    """For a property: the properties file it came from (None: the flow itself)."""


@dataclass(slots=True)
class Report:
    """What verifying one flow found and proved."""

    flow: CompiledFlow
    findings: list[Finding] = field(default_factory=list)
    exploration: Exploration = field(default_factory=Exploration)
    seconds: float = 0.0
    properties: PropertiesFile | None = None
    """The properties file proven with the flow's own invariants, if one was given."""

    def violated(self, name: str) -> bool:
        """Whether the flow's invariant ``name`` fails on some path explored."""
        return name in self.exploration.violations

    def property_holds(self, name: str) -> bool:
        """Whether the property ``name`` of the properties file holds on every path explored."""
        from triagebot.flows.properties import KEY_PREFIX  # noqa: PLC0415

        return KEY_PREFIX + name not in self.exploration.violations

    @property
    def ok(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)

    @property
    def exhaustive(self) -> bool:
        return not self.exploration.sampled and not self.exploration.truncated

    @property
    def stopped(self) -> str | None:
        """Why the walk stopped before its end (a budget), or None."""
        return self.exploration.stopped

    def add(
        self, severity: Severity, code: str, path: tuple[str | int, ...], message: str, **extra: Any
    ) -> None:
        self.findings.append(Finding(severity, code, self.flow.position(path), message, **extra))


def verify(
    flow: CompiledFlow,
    limit: int = DEFAULT_PATH_LIMIT,
    budget: Budget | None = None,
    properties: PropertiesFile | None = None,
) -> Report:
    """Check ``flow``: structure first, then every answer path (within ``budget``, by
    default ``limit`` paths and ``DEFAULT_SECONDS``; a walk stopped by it is reported as
    bounded, not exhaustive). ``properties`` (a checked properties file) are proven on the
    same walk as the flow's own invariants."""
    started = time.perf_counter()
    report = Report(flow, properties=properties)
    walked = flow
    if properties is not None:
        from triagebot.flows.properties import with_properties  # noqa: PLC0415

        walked = with_properties(flow, properties)
    with _no_cycle_collection():
        statically_reachable = check_structure(flow, report)
        report.exploration = explore(walked, budget or Budget(paths=limit))
    check_paths(flow, report, statically_reachable)
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while exploring (restored after, even on error).

    Exploration allocates many short-lived objects but no reference cycles; on the large
    heap of a 10,000-node flow the collector's full passes doubled the time per path.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- structure ----------------------------------------------------------------------------


def edges(flow: CompiledFlow) -> dict[str, list[str]]:
    """Node -> the nodes its rules may go to, ignoring conditions (a group's members are
    nodes; a group also goes to its ``start``, for each new round)."""
    result: dict[str, list[str]] = {}
    for node in flow.nodes:
        targets = [rule.goto for rule in flow.routes.get(node, ())]
        if node in flow.groups:
            targets.insert(0, flow.groups[node].start)
        result[node] = list(dict.fromkeys(targets))
    return result


def _reach(start: Iterable[str], graph: dict[str, list[str]]) -> set[str]:
    seen = set(start)
    todo = list(seen)
    while todo:
        for target in graph.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def check_structure(flow: CompiledFlow, report: Report) -> set[str]:
    """Unreachable nodes, nodes with no way to an outcome, cycles without exit."""
    graph = edges(flow)
    reachable = _reach([flow.flow.start], graph)
    for node_id, node in flow.nodes.items():
        if node_id not in reachable:
            kind = "outcome" if isinstance(node, OutcomeNode) else "node"
            report.add(
                "error",
                "unreachable",
                flow.path_of(node_id),
                f"{kind} '{node_id}' is unreachable: no routing rule leads to it from "
                f"'{flow.flow.start}'",
            )
    reverse: dict[str, list[str]] = {}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, []).append(source)
    ends = _reach((node for node, _ in flow.outcomes()), reverse)
    closed = set()
    for component in _components(graph, reachable):
        leaves = {t for n in component for t in graph[n]} - component
        looping = len(component) > 1 or any(n in graph[n] for n in component)
        if looping and not leaves:
            closed |= component
            ordered = [n for n in flow.nodes if n in component]
            report.add(
                "error",
                "cycle",
                flow.path_of(ordered[0]),
                "cycle without a way out: " + " -> ".join([*ordered, ordered[0]]),
            )
    for node_id in flow.nodes:
        if node_id in reachable and node_id not in ends and node_id not in closed:
            report.add(
                "error",
                "dead-end",
                (*flow.path_of(node_id), "next"),
                f"no path from '{node_id}' ends in an outcome",
            )
    return reachable


def _components(graph: dict[str, list[str]], nodes: set[str]) -> list[set[str]]:
    """Strongly connected components (iterative Tarjan), restricted to ``nodes``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[set[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = [t for t in graph[node] if t in nodes]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                result.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


# --- paths --------------------------------------------------------------------------------


def check_paths(flow: CompiledFlow, report: Report, reachable: set[str]) -> None:  # noqa: PLR0912 (one branch per kind of finding)
    """Turn what exploration saw into findings."""
    seen = report.exploration
    proven = report.exhaustive
    doubtful: Severity = "error" if proven else "warning"
    qualifier = ""
    if not proven:
        how = "stopped at its budget" if seen.truncated else "sampled"
        qualifier = f" explored (the walk was {how})"
    for fault in sorted(seen.faults.values(), key=lambda f: len(f.answers)):
        if fault.where is not None:  # an expression that fails: placed at its own line
            finding = Finding("error", fault.kind, fault.where, fault.message, fault.answers)
            report.findings.append(finding)
            continue
        report.add(
            "error",
            fault.kind,
            (*flow.path_of(fault.node), "next"),
            fault.message,
            answers=fault.answers,
        )
    for node_id in flow.nodes:
        if node_id in reachable and node_id not in seen.reached:
            kind = "outcome" if isinstance(flow.nodes[node_id], OutcomeNode) else "node"
            report.add(
                doubtful,
                "never-reached",
                flow.path_of(node_id),
                f"{kind} '{node_id}' is never reached on any answer path{qualifier}: "
                "the conditions leading to it never hold",
            )
    for node_id, rules in flow.routes.items():
        if node_id not in seen.reached:
            continue
        for rule in rules:
            if rule.condition is not None and (node_id, rule.index) not in seen.fired:
                report.add(
                    doubtful,
                    "never-fires",
                    (*flow.path_of(node_id), "next", rule.index, "when"),
                    f"rule {rule.index + 1} of '{node_id}' (when: {rule.text}) never fires on "
                    f"any answer path{qualifier}: an earlier rule always wins or it never holds",
                )
    for (node_id, first, second), answers in sorted(seen.overlaps.items()):
        rules = flow.routes[node_id]
        report.add(
            "error",
            "overlap",
            (*flow.path_of(node_id), "next", second, "when"),
            f"rules {first + 1} and {second + 1} of '{node_id}' both hold, so their order "
            f"silently decides: rule {first + 1} (when: {rules[first].text}) goes to "
            f"'{rules[first].goto}', rule {second + 1} (when: {rules[second].text}) would go "
            f"to '{rules[second].goto}'. Make the conditions exclusive, or add a 'note' to "
            f"rule {first + 1} saying why it comes first",
            answers=answers,
        )
    positions = {invariant.name: i for i, invariant in enumerate(flow.flow.invariants)}
    for name, (answers, outcome, why) in sorted(seen.violations.items()):
        prop = None if report.properties is None else report.properties.by_key(name)
        if prop is not None:
            report.findings.append(
                Finding(
                    "error",
                    "property",
                    prop.where,
                    f"property {prop.name} {why}: {prop.says}",
                    answers=answers,
                    outcome=outcome,
                    detail=" ".join(prop.holds.split()),
                    hazard=prop.hazard,
                    properties_file=report.properties.file if report.properties else None,
                )
            )
            continue
        invariant = flow.flow.invariants[positions[name]]
        report.add(
            "error",
            "invariant",
            ("invariants", positions[name], "holds"),
            f"invariant {name} {why}: {invariant.says}",
            answers=answers,
            outcome=outcome,
            detail=" ".join(invariant.holds.split()),
        )
    if seen.truncated:
        report.add(
            "warning",
            "bounded",
            ("nodes",),
            f"bounded, not exhaustive: the walk stopped {seen.stopped}; nothing beyond "
            "the paths walked is proven (raise the budget to prove the flow)",
        )
