"""The core commands: ``list``, ``validate`` and ``run``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from triagebot.app import exports, library
from triagebot.commands import transcripts
from triagebot.commands.cases import run_cases, unknown_ids
from triagebot.commands.common import (
    CommandError,
    add_flows_dir,
    add_lang,
    add_patient,
    find_flow,
    flow_fault,
    read_answers,
)
from triagebot.flows.compiler import CompiledFlow, LanguageError, load_flow, with_language
from triagebot.flows.documents import FlowError
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError
from triagebot.flows.times import local_now


def register(subparsers: Any) -> None:
    listing = subparsers.add_parser("list", help="list the available flows")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    add_flows_dir(listing)
    add_lang(listing, "the titles (each flow in its own default if it lacks CODE)")
    listing.set_defaults(handler=list_flows)

    validate = subparsers.add_parser(
        "validate", help="check flow files; every problem as FILE:LINE:COL"
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="flow files or folders (default: the bundled flows)",
    )
    add_lang(validate, "the check (default: every language of each file)")
    validate.set_defaults(handler=validate_flows)

    run = subparsers.add_parser(
        "run", help="run a flow on recorded answers and print the transcript"
    )
    run.add_argument("flow", metavar="FLOW", help="a bundled flow id or a path to a flow file")
    given = run.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "--answers", type=Path, metavar="FILE", help="YAML or JSON mapping of question id to answer"
    )
    given.add_argument(
        "--cases",
        type=Path,
        metavar="FILE.jsonl",
        help="one answer mapping per line; one JSON transcript per line out",
    )
    run.add_argument(
        "--format",
        choices=exports.FORMATS,
        default="text",
        help="transcript format for --answers (--cases always writes JSON lines)",
    )
    transcripts.add_out_options(run)
    add_flows_dir(run)
    add_lang(run, "the transcript")
    add_patient(run)
    run.set_defaults(handler=run_flow)


# --- list ---------------------------------------------------------------------------------


def list_flows(args: argparse.Namespace) -> int:
    entries = list(library.discover(args.flows, args.lang))
    rows = [_row(entry.flow) for entry in entries if entry.flow is not None]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    else:
        _print_table(rows)
    broken = [entry for entry in entries if entry.error is not None]
    for entry in broken:
        print(f"{entry.path}: not loaded:\n{entry.error}", file=sys.stderr)
    return 1 if broken else 0


def _row(flow: CompiledFlow) -> dict[str, Any]:
    review = library.review_status(flow)
    return {
        "id": flow.flow.id,
        "title": flow.flow.title,
        "version": flow.flow.version,
        "language": flow.language,
        "languages": list(flow.languages),
        "audience": flow.flow.audience,
        "review_date": review.due.isoformat(),
        "content_review_due": review.content_due.isoformat(),
        "review_overdue": review.overdue,
        "path": flow.file,
    }


def _print_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no flows found")
        return
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        review = f"review {row['review_date']}"
        overdue = "  REVIEW OVERDUE" if row["review_overdue"] else ""
        languages = ",".join(row["languages"])
        print(
            f"{row['id']:<{width}}  v{row['version']:<8} {languages:<6} {review:<17}{overdue}"
            f"  {row['title']}"
        )


# --- validate -----------------------------------------------------------------------------


def validate_flows(args: argparse.Namespace) -> int:
    paths = args.paths or [library.bundled_dir()]
    failed = 0
    for path in _expand(paths):
        try:
            flow = load_flow(path, args.lang)
            checked = [flow.language] if args.lang else list(flow.languages)
            for lang in checked:
                with_language(flow, lang)  # every language compiles (checked on each load too)
        except (FlowError, LanguageError) as error:
            failed += 1
            print(error if isinstance(error, FlowError) else f"{path}: {error}", file=sys.stderr)
            continue
        print(f"ok  {path}  ({flow.flow.id} v{flow.flow.version}, {', '.join(checked)})")
    return 1 if failed else 0


def _expand(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from library.flow_files([path])
        else:
            yield path


# --- run ------------------------------------------------------------------------------------


def run_flow(args: argparse.Namespace) -> int:
    flow = find_flow(args.flow, args.flows, args.lang)
    if args.cases is not None:
        return run_cases(flow, args.cases, sys.stdout, sys.stderr)
    answers = read_answers(args.answers)
    _warn_unknown_ids(flow, answers)
    # Imported here: pydantic and the transcript models are not needed to open a flow.
    from triagebot.flows.transcript_build import from_session  # noqa: PLC0415

    try:
        session = drive(flow, answers, local_now)
        session.patient = args.patient
        transcript = from_session(session)  # the outcome is worked out here
        output = exports.render(args.format, transcript, flow)
    except FlowRuntimeError as error:
        raise flow_fault(flow, error) from None
    except exports.ExportError as error:
        raise CommandError(str(error)) from None
    return transcripts.deliver(output, args)


def _warn_unknown_ids(flow: CompiledFlow, answers: dict[str, Any]) -> None:
    """A key that is no question of the flow is probably a typo: say so, but go on."""
    for warning in unknown_ids(flow, answers):
        print(f"warning: {warning}; ignored", file=sys.stderr)
