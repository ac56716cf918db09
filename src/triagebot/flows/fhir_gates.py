"""When each Questionnaire item is shown: ``enableWhen`` derived from the flow's routing.

A question is asked when a rule that leads to it fires, so its item is enabled exactly
when one of its incoming rules would fire. A rule fires when its node was reached and its
condition holds and no earlier rule of that node did. The derivation works node by node in
the order the flow can reach them, so "the node was reached" is the node's own gate
(renderers disable an item whose gate fails, and a disabled item counts as unanswered).

Each rule's condition is not rewritten symbolically: it is *evaluated* on every
combination of the values it reads (every answer of a yes/no or choice question, every
subset of a multi-choice, every interval between the thresholds a number is compared
with, and ``unknown``), and the set of combinations where it fires is then matched to
what enableWhen can say:

- one question, any of some answers: ``q = a`` or ``q = b`` (``enableBehavior: any``);
- a box of answers, one side per question (``all``): ``q = a``, ``q != b``,
  ``n >= 35``, ``q exists``. Questions other than the rule's own node must be asked on
  every path to it (they dominate it), so their answers are there to compare;
- unconditional: the node was answered (``q exists``), or, after an info message, a
  group or a number that may be ``unknown`` (which has no value), that node's own gate.

Several rules leading to one node combine with ``any`` when each is one comparison.
Anything else is left un-gated, shown always, with the reason in
:data:`NOT_GATED_URL`: a rule reading a computed value or a repeated group, a combination
enableWhen cannot write, a member of a repeated group (asked once per entry), or a node
reached from an un-gated one. Hiding a question wrongly would be worse than showing one
too many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triagebot.flows.compiled import CompiledFlow
from triagebot.flows.fhir_paths import calculated
from triagebot.flows.fhir_rules import (
    ALWAYS,
    Atom,
    Edge,
    Gate,
    NotGated,
    Rep,
    Shown,
    conditional,
    has_value,
    rule_parts,
    single,
)
from triagebot.flows.fhir_values import option_system
from triagebot.flows.questions import type_of
from triagebot.flows.schema import GroupNode, OutcomeNode, Question

Json = dict[str, Any]

NOT_GATED_URL = "urn:triagebot:fhir:not-gated"
"""The extension on an item shown always though it is asked only on some paths; its
``valueCode`` says why (one of :data:`REASONS`)."""

REASONS = {
    "computed": "its rule reads a computed value",
    "group": "its rule reads a repeated group's entries",
    "combination": "the answers leading to it are a combination enableWhen cannot write",
    "member": "asked once per entry of a repeated group",
    "after-not-gated": "reached from an item that is itself shown always",
    "unreachable": "no path reaches it",
}
"""Why an item has no enableWhen, by code."""


def gates(flow: CompiledFlow) -> dict[str, Shown]:
    """When each item is shown, by node id (questions, info messages, groups and members)."""
    order = _order(flow)
    shown: dict[str, Shown] = {}
    for member in flow.group_of:
        shown[member] = NotGated("member")
    for group in flow.groups.values():
        shown |= dict.fromkeys(_every_round(flow, group), ALWAYS)
    if order is None:
        for node_id, node in flow.flow.nodes.items():
            if not isinstance(node, OutcomeNode):
                shown[node_id] = NotGated("combination")
        return shown
    incoming = _incoming(flow, order)
    graph = _Graph(_dominators(order, incoming), _post_dominators(flow, order))
    for node_id in order:
        if isinstance(flow.flow.nodes[node_id], OutcomeNode):
            continue
        if node_id == flow.flow.start:
            shown[node_id] = ALWAYS
            continue
        reps = [_rule(flow, source, rule, shown, graph) for source, rule in incoming[node_id]]
        shown[node_id] = _combined(reps)
    for node_id, node in flow.flow.nodes.items():
        if node_id not in shown and not isinstance(node, OutcomeNode):
            shown[node_id] = NotGated("unreachable")
    return shown


def coverage(flow: CompiledFlow) -> tuple[int, int, int]:
    """(items with enableWhen, items always asked, items) among questions, info messages
    and groups: what share of the flow a renderer shows exactly when triagebot asks."""
    found = gates(flow)
    gated = sum(1 for g in found.values() if isinstance(g, Gate) and g.atoms)
    always = sum(1 for g in found.values() if g == ALWAYS)
    return gated, always, len(found)


def coverage_data(flow: CompiledFlow) -> dict[str, Any]:
    """What the FHIR export covers: items with enableWhen, always asked, shown always
    (by reason), and computed values with a calculatedExpression."""
    found = gates(flow)
    gated, always, items = coverage(flow)
    reasons: dict[str, int] = {}
    for shown in found.values():
        if isinstance(shown, NotGated):
            reasons[shown.reason] = reasons.get(shown.reason, 0) + 1
    paths = calculated(flow)
    return {
        "items": items,
        "enable_when": gated,
        "always_asked": always,
        "not_gated": dict(sorted(reasons.items())),
        "computed": len(paths),
        "calculated_expression": sum(1 for path in paths.values() if path is not None),
    }


def coverage_line(flow: CompiledFlow) -> str:
    """:func:`coverage_data` in a line, for ``triagebot verify``."""
    data = coverage_data(flow)
    reasons = ", ".join(f"{n} {reason}" for reason, n in data["not_gated"].items())
    shown = f"; shown always: {reasons}" if reasons else ""
    return (
        f"FHIR: {data['enable_when']} of {data['items']} items have enableWhen, "
        f"{data['always_asked']} always asked{shown}; {data['calculated_expression']} of "
        f"{data['computed']} computed values have a calculatedExpression"
    )


# --- the graph -----------------------------------------------------------------------------


def _order(flow: CompiledFlow) -> list[str] | None:
    """The top-level nodes reachable from the start, each after every node leading to it;
    None when the top level has a cycle."""
    done: list[str] = []
    state: dict[str, int] = {}

    def visit(node_id: str) -> bool:
        if state.get(node_id) == 2:
            return True
        if state.get(node_id) == 1:
            return False
        state[node_id] = 1
        for rule in flow.routes.get(node_id, ()):
            if not visit(rule.goto):
                return False
        state[node_id] = 2
        done.append(node_id)
        return True

    if not visit(flow.flow.start):
        return None
    return done[::-1]


def _incoming(flow: CompiledFlow, order: list[str]) -> dict[str, list[tuple[str, int]]]:
    incoming: dict[str, list[tuple[str, int]]] = {node_id: [] for node_id in order}
    for source in order:
        for rule in flow.routes.get(source, ()):
            incoming[rule.goto].append((source, rule.index))
    return incoming


def _dominators(
    order: list[str], incoming: dict[str, list[tuple[str, int]]]
) -> dict[str, frozenset[str]]:
    """The nodes on every path from the start to each node (the node included)."""
    found: dict[str, frozenset[str]] = {}
    for node_id in order:
        sources = [found[source] for source, _ in incoming[node_id]]
        common = frozenset.intersection(*sources) if sources else frozenset()
        found[node_id] = common | {node_id}
    return found


# --- one rule ------------------------------------------------------------------------------


def _post_dominators(flow: CompiledFlow, order: list[str]) -> dict[str, frozenset[str]]:
    """The nodes on every path from each node to an outcome (the node included)."""
    found: dict[str, frozenset[str]] = {}
    for node_id in reversed(order):
        after = [found[rule.goto] for rule in flow.routes.get(node_id, ())]
        common = frozenset.intersection(*after) if after else frozenset()
        found[node_id] = common | {node_id}
    return found


@dataclass(frozen=True, slots=True)
class _Graph:
    """The nodes on every path to each node (``before``) and from it (``after``)."""

    before: dict[str, frozenset[str]]
    after: dict[str, frozenset[str]]

    def leading(self, source: str, shown: dict[str, Shown]) -> frozenset[str]:
        """The gated questions before ``source`` from which every path goes through it."""
        return frozenset(
            name
            for name in self.before[source]
            if source in self.after[name] and isinstance(shown.get(name), Gate)
        )


def _every_round(flow: CompiledFlow, group: GroupNode) -> list[str]:
    """The members asked in every round of ``group``: its start, and each member an
    unconditional rule leads to from one of them (not ``another``, which the last round
    does not ask). Inside its group an item is shown once per round, so these need no
    enableWhen."""
    found: list[str] = []
    member: str | None = group.start
    while member is not None and member != group.another and member in group.nodes:
        if member in found:
            break
        found.append(member)
        rules = flow.routes.get(member, ())
        member = rules[0].goto if len(rules) == 1 and rules[0].condition is None else None
    return found


def _rule(
    flow: CompiledFlow, source: str, index: int, shown: dict[str, Shown], graph: _Graph
) -> Rep:
    """What the rule ``index`` of ``source`` says as enableWhen."""
    before = shown[source]
    if isinstance(before, NotGated):
        return NotGated("after-not-gated")
    rules = flow.routes[source]
    parts = rule_parts(rules, index)
    node = flow.flow.nodes[source]
    if not parts:
        if has_value(node):
            return single(Atom(source, "exists", True))
        return _as_edge(before)
    if not isinstance(node, Question):
        return NotGated("group" if isinstance(node, GroupNode) else "combination")
    leading = graph.leading(source, shown)
    return conditional(flow, source, parts, graph.before[source], leading)


def _as_edge(gate: Gate) -> Edge:
    """A node's own gate, as what an unconditional rule from it says."""
    one = len(gate.atoms) < 2
    return Edge(
        gate.atoms if gate.behavior == "all" or one else None,
        gate.atoms if gate.behavior == "any" or one else None,
    )


def _combined(reps: list[Rep]) -> Shown:
    """A node's gate from the rules leading to it."""
    firing = [rep for rep in reps if rep is not None]
    for rep in firing:
        if isinstance(rep, NotGated):
            return rep
    edges = [rep for rep in firing if isinstance(rep, Edge)]
    if any(edge.all == () or edge.any == () for edge in edges):
        return ALWAYS
    if len(edges) == 1:
        edge = edges[0]
        if edge.all is not None:
            return Gate("all", edge.all)
        assert edge.any is not None
        return Gate("any", edge.any)
    if edges and all(edge.any is not None for edge in edges):
        atoms = tuple(dict.fromkeys(a for edge in edges for a in edge.any or ()))
        return Gate("any", atoms)
    return NotGated("combination")


# --- as FHIR ---------------------------------------------------------------------------------


def shown_when(flow: CompiledFlow, shown: Shown) -> Json:
    """An item's elements saying when it is shown: its enableWhen (with enableBehavior when
    there are several), or the extension saying why it has none."""
    if isinstance(shown, NotGated):
        return {"extension": [{"url": NOT_GATED_URL, "valueCode": shown.reason}]}
    if not shown.atoms:
        return {}
    result: Json = {"enableWhen": [_enable_when(flow, atom) for atom in shown.atoms]}
    if len(shown.atoms) > 1:
        result["enableBehavior"] = shown.behavior
    return result


def _enable_when(flow: CompiledFlow, atom: Atom) -> Json:
    node = flow.nodes[atom.question]
    when: Json = {"question": atom.question, "operator": atom.operator}
    if atom.operator == "exists":
        return when | {"answerBoolean": True}
    assert isinstance(node, Question) and not isinstance(atom.value, bool)
    system = option_system(flow.id, atom.question)
    return when | type_of(node).fhir_when(node, atom.operator, atom.value, system, flow.language)
