"""A flow as a diagram: Mermaid through transitions' GraphMachine, Graphviz dot by hand.

Mermaid comes from the same transition specs the engine runs (``graph_engine="mermaid"``
needs no graphviz); edges carry their rule's condition (a default rule reads
"otherwise") and outcome states are styled by urgency. transitions' own dot output needs
graphviz/pygraphviz, so dot is written here from the same routes.

A repeated group is a state of its own ("branches (repeated Branch, up to 6)") with its
members as states: the edge from the group to its ``start`` is the round edge, the edges
back to the group end a round. In dot the members sit in a cluster named after the group.
"""

from __future__ import annotations

import re

from transitions.extensions import GraphMachine

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.machine import round_edge_label, skip_edge_label, transition_specs
from triagebot.flows.schema import URGENCY_ORDER, GroupNode, OutcomeNode

URGENCY_STYLE = {
    "emergency": "fill:#b71c1c,color:white",
    "urgent": "fill:#e65100,color:white",
    "soon": "fill:#f9a825,color:black",
    "routine": "fill:#2e7d32,color:white",
    "none": "fill:#9e9e9e,color:black",
}
"""Mermaid styles (and dot fill colours) of outcome nodes, by urgency."""

_EDGE = re.compile(r"^(\s*)(\S+) --> (\S+)(?::.*)?$")


class _Model:
    """What GraphMachine decorates; kept apart from any Session."""


def to_mermaid(flow: CompiledFlow) -> str:
    """A Mermaid ``stateDiagram-v2`` of the flow."""
    model = _Model()
    GraphMachine(
        model=model,
        states=list(flow.nodes),
        transitions=transition_specs(flow),
        initial=flow.flow.start,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title=flow.id,
    )
    drawn: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    outcomes = {node_id: node.urgency for node_id, node in flow.outcomes()}
    labels = edge_labels(flow)
    lines: list[str] = []
    for line in drawn.splitlines():
        stripped = line.strip()
        if stripped.startswith("classDef s_active"):
            lines.append(line)
            lines.extend(
                f"  classDef urgency_{urgency} {URGENCY_STYLE[urgency]}"
                for urgency in URGENCY_ORDER
            )
            continue
        parts = stripped.split()
        if len(parts) == 3 and parts[0] == "Class":
            node_id = parts[1]
            style = f"urgency_{outcomes[node_id]}" if node_id in outcomes else "s_default"
            lines.append(f"  class {node_id} {style}")
            continue
        if parts[:1] == ["state"] and parts[-1] in outcomes:
            node_id = parts[-1]
            lines.append(f'  state "{node_id} ({outcomes[node_id]})" as {node_id}')
            continue
        if parts[:1] == ["state"] and parts[-1] in flow.groups:
            node_id = parts[-1]
            lines.append(f'  state "{group_title(node_id, flow.groups[node_id])}" as {node_id}')
            continue
        match = _EDGE.match(line)
        if match and (match.group(2), match.group(3)) in labels:
            indent, source, dest = match.groups()
            label = labels[(source, dest)]
            lines.append(
                f"{indent}{source} --> {dest}: {label}" if label else f"{indent}{source} --> {dest}"
            )
            continue
        lines.append(line)
    if f"[*] --> {flow.flow.start}" not in drawn:
        lines.append(f"  [*] --> {flow.flow.start}")
    return "\n".join(lines) + "\n"


def edge_labels(flow: CompiledFlow) -> dict[tuple[str, str], str]:
    """The label of each edge, from the flow's rules rather than transitions' drawing.

    GraphMachine draws several rules between the same two nodes as one edge; its label
    is rebuilt here as their conditions joined by " | " ("otherwise" for a default), on
    one line. A node's only, unconditional rule gets no label.
    """
    texts: dict[tuple[str, str], list[str]] = {}
    for group_id, group in flow.groups.items():
        texts[(group_id, group.start)] = [round_edge_label(group)]
    for node_id, rules in flow.routes.items():
        ends_round = flow.group_of.get(node_id)
        for rule in rules:
            if rule.text is not None:
                text = " ".join(rule.text.split())
            else:
                text = "otherwise" if len(rules) > 1 else ""
            if rule.goto == ends_round:
                text = f"end of round when {text}" if rule.text is not None else "end of round"
            texts.setdefault((node_id, rule.goto), []).append(text)
    for group_id, group in flow.groups.items():
        texts.setdefault((group.another, group_id), []).append(skip_edge_label(group))
    return {edge: " | ".join(dict.fromkeys(t for t in parts if t)) for edge, parts in texts.items()}


def group_title(group_id: str, group: GroupNode) -> str:
    """How a group's own state is named in a diagram."""
    return f"{group_id} (repeated {group.entry}, up to {group.max})"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(flow: CompiledFlow) -> str:
    """A Graphviz ``digraph`` of the flow (written directly: no graphviz needed)."""
    lines = [
        f"digraph {_quote(flow.id)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded"];',
        f"  __start [shape=point];\n  __start -> {_quote(flow.flow.start)};",
    ]
    for node_id, node in flow.flow.nodes.items():
        if isinstance(node, OutcomeNode):
            fill = URGENCY_STYLE[node.urgency].split(",")[0].removeprefix("fill:")
            label = f"{node_id}\\n{node.urgency}"
            lines.append(
                f'  {_quote(node_id)} [label="{label}", shape=doubleoctagon, style=filled, '
                f'fillcolor="{fill}", class="{node.urgency}"];'
            )
        elif isinstance(node, GroupNode):
            lines.append(
                f"  {_quote(node_id)} [label={_quote(group_title(node_id, node))}, shape=box3d];"
            )
            lines.append(f"  subgraph {_quote('cluster_' + node_id)} {{")
            lines.append(f"    label={_quote(f'{node.entry} (each round)')};")
            lines.extend(f"    {_quote(member)} [label={_quote(member)}];" for member in node.nodes)
            lines.append("  }")
        else:
            lines.append(f"  {_quote(node_id)} [label={_quote(node_id)}];")
    for group_id, group in flow.groups.items():
        lines.append(
            f"  {_quote(group_id)} -> {_quote(group.start)} "
            f"[label={_quote(round_edge_label(group))}, style=bold];"
        )
    for node_id, rules in flow.routes.items():
        for rule in rules:
            label = rule.text if rule.text is not None else "otherwise"
            label = " ".join(label.split())
            if rule.goto == flow.group_of.get(node_id):
                label = f"end of round ({label})"
            lines.append(f"  {_quote(node_id)} -> {_quote(rule.goto)} [label={_quote(label)}];")
    for group_id, group in flow.groups.items():
        lines.append(
            f"  {_quote(group.another)} -> {_quote(group_id)} "
            f"[label={_quote(skip_edge_label(group))}, style=dashed];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
