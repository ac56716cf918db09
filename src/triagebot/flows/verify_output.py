"""A verifier's report written out: as text for a terminal, as JSON, and its answer paths as
YAML or one line ready for ``triagebot run --answers``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.explore import Answers
from triagebot.flows.fhir_gates import coverage_data, coverage_line
from triagebot.flows.places import plain

if TYPE_CHECKING:
    from triagebot.flows.verify import Report


def yaml_value(value: AnswerValue) -> str:
    """An answer as YAML that ``triagebot run --answers`` reads back exactly: numbers as
    plain decimals (``repr`` writes ``1e-05``, which YAML reads as text)."""
    if isinstance(value, tuple):
        return json.dumps(list(value))
    if isinstance(value, str):
        return json.dumps(value)
    return plain(value)


Entry = dict[str, AnswerValue]


def answers_mapping(
    answers: Answers, flow: CompiledFlow | None = None
) -> list[tuple[str, AnswerValue | list[Entry]]]:
    """A path's answers in the form of an answers file, in the order asked: a repeated
    group's answers become one list of mappings under the group's id, a new mapping after
    each ``another`` answered yes (``another`` itself follows from the list's length)."""
    result: list[tuple[str, AnswerValue | list[Entry]]] = []
    rounds: dict[str, list[Entry]] = {}
    for question, value in answers:
        group_id = None if flow is None else flow.group_of.get(question)
        if flow is None or group_id is None:
            result.append((question, value))
            continue
        if group_id not in rounds:
            rounds[group_id] = [{}]
            result.append((group_id, rounds[group_id]))
        entries = rounds[group_id]
        if question == flow.groups[group_id].another:
            if value == "yes":
                entries.append({})
            continue
        entries[-1][question] = value
    return result


def _yaml_entry(entry: Entry) -> str:
    return "{" + ", ".join(f"{q}: {yaml_value(v)}" for q, v in entry.items()) + "}"


def answers_yaml(answers: Answers, flow: CompiledFlow | None = None) -> str:
    """A block YAML mapping, one answer a line (a group's entries one a line below it).

    Give the flow when it has repeated groups, so that their answers are written as lists.
    """
    lines = []
    for question, value in answers_mapping(answers, flow):
        if isinstance(value, list):
            lines.append(f"{question}:\n")
            lines.extend(f"  - {_yaml_entry(entry)}\n" for entry in value)
        else:
            lines.append(f"{question}: {yaml_value(value)}\n")
    return "".join(lines)


def answers_inline(answers: Answers, flow: CompiledFlow | None = None) -> str:
    """A flow-style YAML mapping on one line."""
    parts = []
    for question, value in answers_mapping(answers, flow):
        if isinstance(value, list):
            shown = "[" + ", ".join(_yaml_entry(entry) for entry in value) + "]"
        else:
            shown = yaml_value(value)
        parts.append(f"{question}: {shown}")
    return "{" + ", ".join(parts) + "}"


def summary_line(report: Report) -> str:
    seen = report.exploration
    flow = report.flow
    outcomes = [node for node, _ in flow.outcomes()]
    reached = sum(1 for node in outcomes if node in seen.reached)
    if seen.truncated:
        how = f"bounded, not exhaustive: stopped {seen.stopped}"
    elif seen.sampled:
        how = "bounded: numbers sampled at " + ", ".join(sorted(seen.sampled))
    else:
        how = "exhaustive"
    if seen.joined:
        how += f"; {seen.joined} more reach a round summary already walked"
    held = sum(not report.violated(name) for name in flow.invariants)
    verdict = "FAILED" if not report.ok else ("NOT PROVEN" if seen.truncated else "ok")
    properties = ""
    if report.properties is not None:
        written = report.properties.properties
        kept = sum(report.property_holds(prop.name) for prop in written)
        properties = f" and {kept} of {len(written)} properties ({report.properties.file})"
    return (
        f"{verdict}: {seen.paths} answer paths ({how}); {held} of {len(flow.invariants)} "
        f"invariants{properties} hold on every path; {reached} of {len(outcomes)} outcomes "
        f"reached ({report.seconds * 1000:.0f} ms)"
    )


def to_text(report: Report) -> str:
    flow = report.flow
    lines = [f"{flow.id} v{flow.flow.version}  {flow.file}", "  " + summary_line(report)]
    lines.append("  " + coverage_line(flow))
    for finding in report.findings:
        lines.append(f"{finding.where}: {finding.severity}: {finding.message}")
        if finding.detail:
            lines.append(f"    holds: {finding.detail}")
        if finding.hazard:
            lines.append(f"    hazard: {finding.hazard}")
        if finding.answers is not None:
            reached = f" (reaches '{finding.outcome}')" if finding.outcome else ""
            lines.append(
                f"    counterexample{reached}; save as a file for "
                f"`triagebot run {flow.file} --answers FILE`:"
            )
            lines.extend(
                "      " + line for line in answers_yaml(finding.answers, flow).splitlines()
            )
            if not finding.answers:
                lines.append("      {}")
    for question, reason in sorted(report.exploration.sampled.items()):
        lines.append(f"  note: '{question}' was sampled, not partitioned exactly: {reason}")
    if report.properties is not None:
        from triagebot.flows.properties import summary_lines  # noqa: PLC0415

        lines.extend(summary_lines(report.properties, report.property_holds))
    lines.append("  shortest answers to each outcome:")
    for node_id, node in flow.outcomes():
        answers = report.exploration.shortest.get(node_id)
        shown = "never reached" if answers is None else answers_inline(answers, flow)
        lines.append(f"    {node_id} ({node.urgency}): {shown}")
    return "\n".join(lines) + "\n"


def json_answer(value: AnswerValue | list[Entry]) -> Any:
    """An answer (or a group's entries) as JSON data."""
    if isinstance(value, list):
        return [{q: json_answer(v) for q, v in entry.items()} for entry in value]
    return list(value) if isinstance(value, tuple) else value


def to_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data."""
    flow = report.flow
    seen = report.exploration

    def mapping(answers: Answers | None) -> dict[str, Any] | None:
        if answers is None:
            return None
        return {q: json_answer(v) for q, v in answers_mapping(answers, flow)}

    return {
        "flow": flow.id,
        "version": flow.flow.version,
        "file": flow.file,
        "ok": report.ok,
        "paths": seen.paths,
        "exhaustive": report.exhaustive,
        "stopped": seen.stopped,
        "proven": report.ok and not seen.truncated,
        "merged_rounds": seen.joined,
        "sampled": dict(sorted(seen.sampled.items())),
        "merged_answers": {q: [list(g) for g in groups] for q, groups in seen.merged.items()},
        "seconds": round(report.seconds, 4),
        "fhir": coverage_data(flow),
        "invariants": [
            {"name": inv.name, "says": inv.says, "holds": inv.name not in seen.violations}
            for inv in flow.flow.invariants
        ],
        "properties": _properties_data(report),
        "findings": [
            {
                "severity": f.severity,
                "code": f.code,
                "where": f.where,
                "message": f.message,
                "answers": mapping(f.answers),
                "outcome": f.outcome,
                "hazard": f.hazard,
                "properties_file": f.properties_file,
            }
            for f in report.findings
        ],
        "shortest": {
            node_id: mapping(seen.shortest.get(node_id)) for node_id, _ in flow.outcomes()
        },
    }


def _properties_data(report: Report) -> dict[str, Any] | None:
    """The properties file proven with the flow, as JSON-ready data (None without one)."""
    given = report.properties
    if given is None:
        return None
    return {
        "file": given.file,
        "flow": given.flow,
        "versions": given.versions,
        "written_from": given.written_from,
        "items": [
            {
                "name": prop.name,
                "says": prop.says,
                "hazard": prop.hazard,
                "where": prop.where,
                "holds": report.property_holds(prop.name),
            }
            for prop in given.properties
        ],
    }
