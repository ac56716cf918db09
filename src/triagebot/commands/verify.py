"""The verifier's commands: ``verify``, ``graph`` and ``diff``.

LAZY: each handler imports its module (the verifier, the graph drawer with transitions'
diagram extensions, the differ) itself, so that every other command, and above all
``triagebot FLOW`` opening the TUI, does not pay for them at start-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from triagebot.commands.common import CommandError, add_flows_dir, add_lang, find_flow
from triagebot.flows import library
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import FlowError


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


def verify_flows(args: argparse.Namespace) -> int:
    from triagebot.flows import verify  # noqa: PLC0415 (see LAZY above)

    failed = 0
    data: list[dict[str, Any]] = []
    for name, loaded in _targets(args):
        if isinstance(loaded, FlowError):
            failed += 1
            print(str(loaded), file=sys.stderr)
            data.append({"file": name, "ok": False, "load_error": str(loaded)})
            continue
        report = verify.verify(loaded)
        failed += not report.ok
        if args.format == "json":
            data.append(verify.to_data(report))
        else:
            sys.stdout.write(verify.to_text(report))
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    return 1 if failed else 0


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
