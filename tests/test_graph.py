"""`triagebot graph`: Mermaid (through transitions' GraphMachine) and dot diagrams of flows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from triagebot.app import library
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.graph import to_dot, to_mermaid

DATA = Path(__file__).parent / "data" / "verify"
FLOWS = [*library.flow_files([library.bundled_dir()]), DATA / "score.yaml"]
GROUP_FLOWS = [DATA.parent / "groups" / "crt.yaml", DATA.parent / "groups" / "doses.yaml"]
EDGE = re.compile(r"^  ([a-z][a-z0-9_]*) --> ([a-z][a-z0-9_]*)(?:: (.+))?$")


def mermaid_parser() -> list[str] | None:
    """The node command that runs the real Mermaid parser, if it is installed."""
    modules = Path(os.environ.get("TRIAGEBOT_MERMAID_MODULES", DATA / "node_modules"))
    node = shutil.which("node")
    if node is None or not (modules / "mermaid").is_dir():
        return None
    return [node, str(DATA / "mermaid-parse.mjs")]


@pytest.mark.parametrize("path", FLOWS, ids=lambda p: p.stem)
def test_mermaid_has_every_rule_as_a_labelled_edge(path: Path) -> None:
    """Every rule is on an edge labelled by its condition; outcomes are styled by urgency."""
    flow = load_flow(path)
    text = to_mermaid(flow)
    edges = [m.groups() for line in text.splitlines() if (m := EDGE.match(line))]
    # Rules between the same two nodes share one edge, their conditions joined by " | ".
    expected: dict[tuple[str, str], list[str]] = {}
    for node, rules in flow.routes.items():
        for rule in rules:
            condition = " ".join(rule.text.split()) if rule.text else "otherwise"
            if rule.goto == flow.group_of.get(node):
                condition = "end of round"  # a member's rule back to its group ends the round
            expected.setdefault((node, rule.goto), []).append(condition)
    for group_id, group in flow.groups.items():
        rounds = f"round 1, or {group.another} == 'yes' (at most {group.max} rounds)"
        expected[(group_id, group.start)] = [rounds]
        skipped = f"round {group.max} of {group.max}, not asked"
        expected[(group.another, group_id)].append(skipped)
    shown = {(a, b): (label or "otherwise").split(" | ") for a, b, label in edges}
    assert expected == shown
    classes = {
        line.split()[1]: line.split()[2]
        for line in text.splitlines()
        if line.startswith("  class ")
    }
    assert {node: f"urgency_{o.urgency}" for node, o in flow.outcomes()} == {
        node: style for node, style in classes.items() if style.startswith("urgency_")
    }
    assert text.splitlines()[3] == "stateDiagram-v2"
    assert f"  [*] --> {flow.flow.start}" in text


@pytest.mark.parametrize("path", [*FLOWS, *GROUP_FLOWS], ids=lambda p: p.stem)
def test_mermaid_parses_with_the_real_parser(path: Path, tmp_path: Path) -> None:
    """Each flow's diagram is accepted by Mermaid's own parser (npm: mermaid + jsdom)."""
    command = mermaid_parser()
    if command is None:
        pytest.skip("Mermaid parser not installed: npm install --prefix tests/data/verify")
    diagram = tmp_path / "flow.mmd"
    diagram.write_text(to_mermaid(load_flow(path)), encoding="utf-8")
    result = subprocess.run(
        [*command, str(diagram)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout.split(" ")[0]) == (0, "ok"), result.stdout


def test_the_parser_check_rejects_a_broken_diagram(tmp_path: Path) -> None:
    """The parser check can fail: a broken edge is refused."""
    command = mermaid_parser()
    if command is None:
        pytest.skip("Mermaid parser not installed: npm install --prefix tests/data/verify")
    diagram = tmp_path / "broken.mmd"
    diagram.write_text("stateDiagram-v2\n  a --> --> b\n", encoding="utf-8")
    result = subprocess.run(
        [*command, str(diagram)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1


def test_dot_lists_every_node_and_rule() -> None:
    """dot output: a digraph with every node, outcome fill by urgency, every rule labelled."""
    flow = load_flow(library.bundled_dir() / "cauda-equina.yaml")
    text = to_dot(flow)
    assert text.startswith('digraph "cauda-equina" {') and text.rstrip().endswith("}")
    rules = sum(len(rules) for rules in flow.routes.values())
    assert rules == text.count(" -> ") - 1  # minus the start arrow
    assert 'fillcolor="#b71c1c", class="emergency"' in text
    label = "urinary_difficulty in ('yes', 'unsure')"
    assert f'"urinary_difficulty" -> "emergency_mri" [label="{label}"];' in text


def test_graph_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`triagebot graph FLOW --format dot|mermaid` prints the diagram and exits 0."""
    assert main(["graph", "cauda-equina", "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")
    assert main(["graph", "cauda-equina"]) == 0
    assert "stateDiagram-v2" in capsys.readouterr().out
