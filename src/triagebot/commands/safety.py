"""The clinical safety commands: ``safety-case`` (the hazard log a CSO signs) and ``check``
(the pre-merge gate of a flow repository).

A flow's companion files live in ``tests/`` next to it, named by its id:
``<id>.properties.yaml``, ``<id>.scenarios.yaml`` and ``<id>.signoff.yaml``.

LAZY: the verifier, the differ and the renderers are imported by the handlers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triagebot.app import library
from triagebot.commands.common import CommandError, add_flows_dir, add_lang, find_flow
from triagebot.flows.compiler import CompiledFlow, LanguageError
from triagebot.flows.documents import FlowError
from triagebot.flows.limits import DEFAULT_SECONDS

if TYPE_CHECKING:
    from triagebot.flows.safety_case import SafetyCase
    from triagebot.flows.safety_inputs import PropertyInput, ScenarioInput
    from triagebot.flows.signoff import SignOff
    from triagebot.flows.verify import Report


def register(subparsers: Any) -> None:
    case = subparsers.add_parser(
        "safety-case",
        help="a hazard log and safety-case report (DCB0129) generated from the verified flow",
    )
    case.add_argument("flow", metavar="FLOW", help="a bundled flow id or a path to a flow file")
    case.add_argument(
        "--properties",
        type=Path,
        metavar="FILE",
        help="the CSO's safety properties (default: tests/<id>.properties.yaml next to the flow)",
    )
    case.add_argument(
        "--signoff",
        type=Path,
        metavar="FILE",
        help="the CSO's sign-off (default: tests/<id>.signoff.yaml next to the flow)",
    )
    case.add_argument(
        "--since",
        metavar="OLD",
        help="the earlier version (id or file): the change record lists every answer path "
        "whose outcome changed",
    )
    case.add_argument("--format", choices=("markdown", "html", "json"), default="markdown")
    case.add_argument(
        "--signoff-template",
        action="store_true",
        help="print a sign-off file for the CSO to fill in (every judgement not yet assessed)",
    )
    add_flows_dir(case)
    add_lang(case, "the flow's text in the report")
    case.set_defaults(handler=safety_case)

    gate = subparsers.add_parser(
        "check",
        help="the pre-merge gate: validate, verify (with properties), scenario tests and "
        "sign-off staleness; one line per failure",
    )
    gate.add_argument(
        "flows_or_paths",
        nargs="*",
        metavar="FLOW|PATH",
        help="bundled flow ids, flow files or folders (default: every bundled flow)",
    )
    gate.add_argument(
        "--max-seconds",
        type=_positive,
        default=DEFAULT_SECONDS,
        metavar="S",
        help=f"stop a flow's proof after S seconds (default {DEFAULT_SECONDS:g}): a failure",
    )
    add_flows_dir(gate)
    add_lang(gate, "the flows checked (a flow not written in CODE is a failure)")
    gate.set_defaults(handler=check_flows)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:  # also refuses NaN
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def companion(flow: CompiledFlow, kind: str) -> Path | None:
    """``tests/<id>.<kind>.yaml`` next to the flow file, if there is one."""
    path = Path(flow.file).parent / "tests" / f"{flow.id}.{kind}.yaml"
    return path if path.is_file() else None


# --- adapter points: the properties and scenarios modules (issue 21, items 1 and 2) --------


def read_properties(flow: CompiledFlow, path: Path) -> tuple[list[PropertyInput], Report]:
    """The properties file proven with the flow's own invariants: both as hazards, and
    verify's report."""
    from triagebot.flows import properties, verify  # noqa: PLC0415 (see LAZY)
    from triagebot.flows.safety_inputs import (  # noqa: PLC0415
        hazards_from_invariants,
        hazards_from_properties,
    )

    try:
        stated = properties.load_properties(path, flow)
    except FlowError as error:
        raise CommandError(str(error)) from None
    report = verify.verify(flow, properties=stated)
    # The verifier keeps a property under its own key, so that it never shadows an
    # invariant of the same name; the hazard log reads them by the property's name.
    found = report.exploration.violations
    by_name = {
        prop.name: found[properties.key_of(prop)]
        for prop in stated.properties
        if properties.key_of(prop) in found
    }
    places = {prop.name: prop.where for prop in stated.properties}
    own = hazards_from_invariants(flow, report)
    return own + hazards_from_properties(flow, stated.properties, by_name, places), report


def run_scenarios(flow: CompiledFlow, path: Path) -> tuple[list[ScenarioInput], list[str]]:
    """The scenario results as evidence, and one line per failure (a scenario failing, an
    item left uncovered)."""
    from triagebot.flows import scenarios  # noqa: PLC0415 (see LAZY)
    from triagebot.flows.safety_inputs import evidence_from_scenarios  # noqa: PLC0415

    try:
        report = scenarios.run_scenarios(flow, scenarios.load_scenarios(path, flow))
    except FlowError as error:
        return [], [str(error)]
    fired: dict[str, set[tuple[str, int]]] = {result.name: set() for result in report.results}
    for item in report.coverage.items:
        if item.kind == "rule":
            _, node_id, index = item.key
            for name in item.covered_by:
                fired[name].add((str(node_id), int(str(index))))
    runs = evidence_from_scenarios(
        (result.name, result.outcome or "", result.passed, fired[result.name])
        for result in report.results
    )
    failures = [
        f"{result.where}: scenario '{result.name}' fails: {'; '.join(result.differences)}"
        for result in report.results
        if not result.passed
    ]
    failures += [
        f"{item.where}: not covered by any scenario: {item.label}"
        for item in report.coverage.uncovered
    ]
    return runs, failures


# --- building the case ----------------------------------------------------------------------


def read_signoff(path: Path) -> SignOff:
    from triagebot.flows.signoff import parse_signoff  # noqa: PLC0415 (see LAZY)
    from triagebot.flows.yamlio import load_file  # noqa: PLC0415

    return parse_signoff(load_file(path))


def build_case(
    flow: CompiledFlow,
    properties: Path | None,
    signoff: Path | None,
    since: CompiledFlow | None = None,
    seconds: float = DEFAULT_SECONDS,
) -> SafetyCase:
    """Verify ``flow`` (with its properties), run its scenarios, read its sign-off and
    compare it with ``since``: the safety case, with every problem found."""
    from triagebot.flows import diff, safety_case, verify  # noqa: PLC0415 (see LAZY)
    from triagebot.flows.explore import Budget  # noqa: PLC0415
    from triagebot.flows.safety_inputs import hazards_from_invariants  # noqa: PLC0415

    if properties is None:
        report = verify.verify(flow, budget=Budget(seconds=seconds))
        hazards = hazards_from_invariants(flow, report)
    else:
        hazards, report = read_properties(flow, properties)
    scenario_file = companion(flow, "scenarios")
    runs, failures = ([], []) if scenario_file is None else run_scenarios(flow, scenario_file)
    change = None
    if since is not None:
        try:
            change = diff.changed_paths(since, flow)
        except ValueError as error:
            raise CommandError(str(error)) from None
    case = safety_case.build(
        flow,
        report,
        hazards,
        scenarios=runs,
        signoff=None if signoff is None else read_signoff(signoff),
        change=change,
    )
    return safety_case.with_problems(case, failures) if failures else case


def safety_case(args: argparse.Namespace) -> int:
    flow = find_flow(args.flow, args.flows, args.lang)
    properties = args.properties or companion(flow, "properties")
    if args.signoff_template:
        return _print_template(flow, properties)
    since = None if args.since is None else find_flow(args.since, args.flows, args.lang)
    case = build_case(flow, properties, args.signoff or companion(flow, "signoff"), since)
    if args.format == "json":
        from triagebot.app.safety_report import to_data  # noqa: PLC0415 (see LAZY)

        print(json.dumps(to_data(case), indent=2, ensure_ascii=False))
    elif args.format == "html":
        from triagebot.app.safety_html import to_html  # noqa: PLC0415

        sys.stdout.write(to_html(case))
    else:
        from triagebot.app.safety_report import to_markdown  # noqa: PLC0415

        sys.stdout.write(to_markdown(case))
    return 0


def _print_template(flow: CompiledFlow, properties: Path | None) -> int:
    from triagebot.flows.signoff import template  # noqa: PLC0415

    stated = [(invariant.name, invariant.says) for invariant in flow.flow.invariants]
    if properties is not None:
        hazards, _ = read_properties(flow, properties)
        stated = [(h.name, h.says) for h in hazards]
    sys.stdout.write(template(flow.id, flow.flow.version, flow.sha256, stated))
    return 0


# --- check ------------------------------------------------------------------------------------


def _targets(args: argparse.Namespace) -> list[CompiledFlow | list[str]]:
    """Each flow named (ids, files, folders' files), or the lines saying why it did not load."""
    found: list[CompiledFlow | list[str]] = []
    for name in args.flows_or_paths or [str(library.bundled_dir())]:
        path = Path(name)
        names = [str(p) for p in library.flow_files([path])] if path.is_dir() else [name]
        for each in names:
            try:
                found.append(find_flow(each, args.flows, args.lang))
            except FlowError as error:
                found.append([str(problem) for problem in error.problems])
            except (LanguageError, CommandError) as error:
                found.append([f"{each}: {error}"])
    return found


def check_flows(args: argparse.Namespace) -> int:
    """One line per failure on stdout, a summary on stderr; exit 1 if anything failed."""
    failures = 0
    targets = _targets(args)
    for loaded in targets:
        lines = loaded if isinstance(loaded, list) else _check_one(loaded, args.max_seconds)
        for line in lines:
            print(line)
        failures += len(lines)
    flows = f"{len(targets)} flow{'s' if len(targets) != 1 else ''}"
    print(f"check: {flows}, {failures} failure{'s' if failures != 1 else ''}", file=sys.stderr)
    return 1 if failures else 0


def _check_one(flow: CompiledFlow, seconds: float) -> list[str]:
    try:
        properties, signoff = companion(flow, "properties"), companion(flow, "signoff")
        case = build_case(flow, properties, signoff, seconds=seconds)
    except (FlowError, CommandError) as error:
        return str(error).splitlines()
    return list(case.problems)
