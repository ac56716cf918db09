"""The verifier's commands: ``verify``, ``graph`` and ``diff``.

LAZY: each handler imports its module (the verifier, the graph drawer with transitions'
diagram extensions, the differ) itself, so that every other command, and above all
``triagebot FLOW`` opening the TUI, does not pay for them at start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triagebot.app import library
from triagebot.commands.common import CommandError, add_flows_dir, add_lang, find_flow
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import FlowError
from triagebot.flows.limits import DEFAULT_PATH_LIMIT, DEFAULT_SECONDS

if TYPE_CHECKING:
    from triagebot.flows.explore import Exploration
    from triagebot.flows.properties import PropertiesFile


def register(subparsers: Any) -> None:
    check = subparsers.add_parser(
        "verify",
        help="prove flows safe over every answer path (structure, invariants, outcomes)",
    )
    check.add_argument(
        "flows_or_paths",
        nargs="*",
        metavar="FLOW|PATH",
        help="bundled flow ids, flow files or folders (default: every bundled flow)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--max-seconds",
        type=_positive(float),
        default=DEFAULT_SECONDS,
        metavar="S",
        help=f"stop a flow's walk after S seconds (default {DEFAULT_SECONDS:g}): "
        "reported as bounded, not exhaustive, exit 3",
    )
    check.add_argument(
        "--max-paths",
        type=_positive(int),
        default=DEFAULT_PATH_LIMIT,
        metavar="N",
        help=f"stop a flow's walk after N answer paths (default {DEFAULT_PATH_LIMIT})",
    )
    check.add_argument(
        "--properties",
        type=Path,
        metavar="FILE",
        help="also prove the safety properties of FILE (e.g. flows/tests/ecpr.properties.yaml, "
        "owned by the Clinical Safety Officer) on every path; needs exactly one flow",
    )
    add_flows_dir(check)
    add_lang(check, "the report (a folder's flows without CODE: their own default)")
    check.set_defaults(handler=verify_flows)

    graph = subparsers.add_parser("graph", help="draw a flow as a Mermaid or Graphviz diagram")
    graph.add_argument("flow", metavar="FLOW", help="a bundled flow id or a path to a flow file")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    add_flows_dir(graph)
    add_lang(graph, "the flow (the diagram itself is ids and conditions)")
    graph.set_defaults(handler=draw_flow)

    diff = subparsers.add_parser(
        "diff", help="every answer path whose outcome differs between two versions of a flow"
    )
    diff.add_argument("old", metavar="OLD", help="the old flow (id or file)")
    diff.add_argument("new", metavar="NEW", help="the new flow (id or file)")
    diff.add_argument("--format", choices=("text", "json"), default="text")
    diff.add_argument(
        "--rounds",
        type=int,
        default=2,
        metavar="N",
        help="compare a repeated group over its first N rounds (default 2; more multiplies paths)",
    )
    add_flows_dir(diff)
    add_lang(diff, "both flows (the paths compared are ids and values)")
    diff.set_defaults(handler=diff_flows)


def _targets(args: argparse.Namespace) -> Iterator[tuple[str, CompiledFlow | FlowError]]:
    names = args.flows_or_paths or [str(library.bundled_dir())]
    for name in names:
        path = Path(name)
        files = library.flow_files([path]) if path.is_dir() else None
        if files is None:
            try:
                yield name, find_flow(name, args.flows, args.lang)
            except FlowError as error:
                yield name, error
            continue
        for file in files:
            try:
                yield str(file), library.prefer_language(load_flow(file), args.lang)
            except FlowError as error:
                yield str(file), error


EXIT_NOT_PROVEN = 3
"""verify's exit code when no flow failed but a walk stopped at its budget: nothing beyond
the paths walked is proven (1 means a flow failed; 0 that every flow was proven)."""


def verify_flows(args: argparse.Namespace) -> int:
    from triagebot.flows import verify  # noqa: PLC0415 (see LAZY above)
    from triagebot.flows.explore import Budget  # noqa: PLC0415

    failed = stopped = 0
    data: list[dict[str, Any]] = []
    targets = list(_targets(args))
    if args.properties is not None and len(targets) != 1:
        raise CommandError(
            f"--properties {args.properties} is written for one flow: name exactly one flow "
            f"to verify with it (got {len(targets)})"
        )
    for name, loaded in targets:
        properties = None if isinstance(loaded, FlowError) else _properties(loaded, args)
        error = properties if isinstance(properties, FlowError) else loaded
        if isinstance(error, FlowError):
            failed += 1
            print(str(error), file=sys.stderr)
            data.append({"file": name, "ok": False, "load_error": str(error)})
            continue
        assert not isinstance(loaded, FlowError) and not isinstance(properties, FlowError)
        budget = Budget(args.max_paths, args.max_seconds, _progress(loaded.id, args))
        report = verify.verify(loaded, budget=budget, properties=properties)
        failed += not report.ok
        stopped += report.stopped is not None
        if args.format == "json":
            data.append(verify.to_data(report))
        else:
            sys.stdout.write(verify.to_text(report))
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    return 1 if failed else EXIT_NOT_PROVEN if stopped else 0


def _properties(flow: CompiledFlow, args: argparse.Namespace) -> PropertiesFile | FlowError | None:
    """The properties file given with ``--properties``, checked against ``flow`` (None
    without the option; its problems as a FlowError)."""
    if args.properties is None:
        return None
    from triagebot.flows.properties import load_properties  # noqa: PLC0415 (see LAZY above)

    try:
        return load_properties(args.properties, flow)
    except FlowError as error:
        return error


def _progress(flow_id: str, args: argparse.Namespace) -> Callable[[Exploration, float], None]:
    """Progress on stderr for a long walk (after 2 s, then every 5 s)."""

    def report(seen: Exploration, elapsed: float) -> None:
        print(
            f"verify {flow_id}: {seen.paths} answer paths in {elapsed:.0f} s "
            f"(stops at {args.max_paths} paths or {args.max_seconds:g} s)",
            file=sys.stderr,
            flush=True,
        )

    return report


def _positive(kind: Callable[[str], float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:  # also refuses NaN
            raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
        return value

    return parse


def draw_flow(args: argparse.Namespace) -> int:
    from triagebot.flows import graph  # noqa: PLC0415

    flow = find_flow(args.flow, args.flows, args.lang)
    text = graph.to_mermaid(flow) if args.format == "mermaid" else graph.to_dot(flow)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def diff_flows(args: argparse.Namespace) -> int:
    from triagebot.flows import diff  # noqa: PLC0415

    old = find_flow(args.old, args.flows, args.lang)
    new = find_flow(args.new, args.flows, args.lang)
    if old.id != new.id:
        print(f"warning: comparing different flows ('{old.id}' and '{new.id}')", file=sys.stderr)
    try:
        result = diff.changed_paths(old, new, rounds=max(1, args.rounds))
    except ValueError as error:
        raise CommandError(str(error)) from None
    if args.format == "json":
        print(json.dumps(diff.to_data(result), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(diff.to_text(result))
    return 0
