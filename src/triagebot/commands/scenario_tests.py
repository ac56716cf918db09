"""``triagebot test FLOW [SCENARIOS.yaml ...]``: a clinician's scenario tests and coverage.

Without files, the flow's own scenarios are run: ``tests/<flow id>.scenarios.yaml`` next
to the flow file (``flows/tests/`` for the bundled flows). Exit 0 when every scenario
passed and coverage is at least ``--min-coverage``, 1 otherwise (or for a file that
cannot be used, one located line per problem).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triagebot.commands.common import CommandError, add_flows_dir, add_lang, find_flow

if TYPE_CHECKING:
    from triagebot.flows.compiler import CompiledFlow
    from triagebot.flows.scenarios import ScenarioReport


def register(subparsers: Any) -> None:
    test = subparsers.add_parser(
        "test", help="run a flow's scenario tests and report what they cover"
    )
    test.add_argument("flow", metavar="FLOW", help="a bundled flow id or a path to a flow file")
    test.add_argument(
        "scenarios",
        nargs="*",
        type=Path,
        metavar="SCENARIOS.yaml",
        help="scenario files (default: tests/<flow id>.scenarios.yaml next to the flow)",
    )
    test.add_argument("--format", choices=("text", "json"), default="text")
    test.add_argument(
        "--min-coverage",
        type=_percent,
        default=None,
        metavar="PERCENT",
        help="fail when fewer than PERCENT of the coverage items are reached (0-100)",
    )
    add_flows_dir(test)
    add_lang(test, "the flow whose lines the scenarios expect")
    test.set_defaults(handler=run_scenario_tests)


def _percent(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a percentage from 0 to 100")
    return value


def default_scenarios(flow: CompiledFlow) -> Path:
    """Where a flow's own scenarios are: ``tests/<id>.scenarios.yaml`` beside the flow."""
    return Path(flow.file).parent / "tests" / f"{flow.id}.scenarios.yaml"


def run_scenario_tests(args: argparse.Namespace) -> int:
    from triagebot.flows.scenarios import load_scenarios, run_scenarios  # noqa: PLC0415

    flow = find_flow(args.flow, args.flows, args.lang)
    paths = args.scenarios or [default_scenarios(flow)]
    if not args.scenarios and not paths[0].is_file():
        raise CommandError(f"{flow.file}: no scenarios file (looked for {paths[0]})")
    report = run_scenarios(flow, [load_scenarios(path, flow) for path in paths])
    low = args.min_coverage is not None and report.coverage.percent < args.min_coverage
    if args.format == "json":
        print(json.dumps(as_json(report, args.min_coverage), indent=2, ensure_ascii=False))
    else:
        print(as_text(report, args.min_coverage), end="")
    return 1 if low or not report.passed else 0


def as_text(report: ScenarioReport, minimum: float | None) -> str:
    """The report as a clinician reads it: each scenario, then coverage and what is missed."""
    from triagebot.flows.coverage import KIND_TITLES, KINDS  # noqa: PLC0415

    flow = report.flow
    lines = [f"Scenarios for flow '{flow.id}' version {flow.flow.version} ({flow.file}):"]
    for result in report.results:
        lines.append(f"  {'PASS' if result.passed else 'FAIL'}  {result.name}")
        lines += [f"        {difference}" for difference in result.differences]
        if not result.passed:
            lines.append(f"        (scenario at {result.where})")
    failed = sum(not result.passed for result in report.results)
    lines.append(f"{len(report.results) - failed} passed, {failed} failed.")
    coverage = report.coverage
    lines.append(f"Coverage: {coverage.percent:.1f} %")
    for kind in KINDS:
        items = coverage.of_kind(kind)
        reached = sum(item.covered for item in items)
        lines.append(f"  {KIND_TITLES[kind]}: {reached} of {len(items)}")
    if coverage.uncovered:
        lines.append("Not covered:")
        lines += [f"  {item.where}: {item.label}" for item in coverage.uncovered]
    if minimum is not None and coverage.percent < minimum:
        lines.append(f"Coverage {coverage.percent:.1f} % is below the minimum of {minimum:g} %.")
    return "\n".join(lines) + "\n"


def as_json(report: ScenarioReport, minimum: float | None) -> dict[str, Any]:
    """The report as data: results, coverage items (each with who covers it), totals."""
    coverage = report.coverage
    return {
        "flow": report.flow.id,
        "version": report.flow.flow.version,
        "file": report.flow.file,
        "passed": report.passed,
        "results": [
            {
                "name": result.name,
                "passed": result.passed,
                "outcome": result.outcome,
                "differences": list(result.differences),
                "where": result.where,
                "answers": result.answers,
            }
            for result in report.results
        ],
        "coverage": {
            "percent": round(coverage.percent, 2),
            "minimum": minimum,
            "items": [
                {
                    "kind": item.kind,
                    "label": item.label,
                    "where": item.where,
                    "covered_by": list(item.covered_by),
                }
                for item in coverage.items
            ],
        },
    }
