"""Transcript commands: ``export-questionnaire``, ``replay``, ``resume``; ``run --out``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triagebot.app import journal
from triagebot.app.files import WriteError, write_private
from triagebot.app.library import by_id, prefer_language
from triagebot.app.resuming import in_use
from triagebot.commands.common import (
    CommandError,
    add_flows_dir,
    add_lang,
    find_flow,
    flow_fault,
    in_language,
)
from triagebot.flows.catalog import counted, words
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.documents import Unreadable, read_bytes
from triagebot.flows.engine import FlowRuntimeError
from triagebot.flows.exports import ExportError
from triagebot.flows.safe_text import escaped
from triagebot.flows.times import clock_time, day_and_time

if TYPE_CHECKING:
    from triagebot.flows.transcript import Transcript

MAX_TRANSCRIPT_BYTES = 16 * 1024 * 1024
"""Largest transcript read by ``replay`` (a long session's is tens of kB)."""


def register(subparsers: Any) -> None:
    questionnaire = subparsers.add_parser(
        "export-questionnaire", help="print a flow as a FHIR Questionnaire (JSON)"
    )
    questionnaire.add_argument("flow", metavar="FLOW", help="a bundled flow id or a path")
    questionnaire.add_argument(
        "--fhir",
        choices=("R5", "R4B"),
        default="R5",
        help="FHIR release (default R5; R4B for R4-era systems)",
    )
    add_out_options(questionnaire)
    add_flows_dir(questionnaire)
    add_lang(questionnaire, "the Questionnaire")
    questionnaire.set_defaults(handler=export_questionnaire)

    replaying = subparsers.add_parser(
        "replay",
        help="re-run a JSON transcript's answers through its flow; exit 0 if the outcome holds",
    )
    replaying.add_argument("transcript", metavar="TRANSCRIPT.json", type=Path)
    replaying.add_argument(
        "--flow",
        metavar="PATH",
        type=Path,
        help="the flow file to replay through (default: the bundled flow of the same id)",
    )
    add_flows_dir(replaying)
    add_lang(replaying, "the report's outcome (default: the transcript's language)")
    replaying.set_defaults(handler=replay_transcript)

    resuming = subparsers.add_parser(
        "resume",
        help="list unfinished sessions left by a crash or a quit; resume NAME reopens one",
    )
    resuming.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="reopen this unfinished session (its file name as listed, or a unique part of it)",
    )
    resuming.add_argument(
        "--plain", action="store_true", help="resume as a line-by-line conversation"
    )
    add_flows_dir(resuming)
    add_lang(resuming, "the resumed session (default: the language it was left in)")
    resuming.add_argument(
        "--discard",
        metavar="JOURNAL",
        type=Path,
        action="append",
        default=[],
        help="remove an unfinished session's journal (a file name from the list)",
    )
    resuming.set_defaults(handler=list_unfinished)


# --- --out ----------------------------------------------------------------------------------


def add_out_options(parser: argparse.ArgumentParser) -> None:
    """``--out FILE`` and ``--force`` (for ``run`` and ``export-questionnaire``)."""
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically, owner-only) instead of printing",
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def deliver(output: str, args: argparse.Namespace) -> int:
    """Print ``output``, or write it to ``args.out`` (never over a file unless --force)."""
    text = output if output.endswith("\n") else output + "\n"
    if getattr(args, "out", None) is None:
        sys.stdout.write(text)
        return 0
    try:
        path = write_private(args.out, text, force=args.force)
    except WriteError as error:
        raise CommandError(str(error)) from None
    print(f"wrote {path}", file=sys.stderr)
    return 0


# --- export-questionnaire -------------------------------------------------------------------


def export_questionnaire(args: argparse.Namespace) -> int:
    flow = find_flow(args.flow, args.flows, args.lang)
    from triagebot.app import fhir  # noqa: PLC0415  (slow import, only when exporting FHIR)

    try:
        output = fhir.questionnaire_json(flow, args.fhir)
    except ExportError as error:
        raise CommandError(str(error)) from None
    return deliver(output, args)


# --- replay -----------------------------------------------------------------------------------


def read_transcript(path: Path) -> Transcript:
    """A JSON transcript, or a CommandError saying why the file is not one."""
    try:
        data = read_bytes(path, MAX_TRANSCRIPT_BYTES)
    except Unreadable as error:
        raise CommandError(f"{path}: {error}") from None
    # Imported here: pydantic and the transcript models are not needed to open a flow.
    from pydantic import ValidationError  # noqa: PLC0415

    from triagebot.flows.transcript import from_json  # noqa: PLC0415

    try:
        return from_json(data)
    except ValidationError as error:
        problems = error.errors()
        first = problems[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CommandError(
            f"{path}: not a triagebot JSON transcript: {where}: {first['msg']}{more}"
        ) from None


def replay_transcript(args: argparse.Namespace) -> int:
    """Replay in the transcript's language (``--lang`` shows the outcome in another)."""
    transcript = read_transcript(args.transcript)
    if args.flow is not None:
        flow: CompiledFlow = load_flow(args.flow)
    else:
        try:  # an id, never a path: the transcript may come from anywhere
            flow = by_id(transcript.flow.id, args.flows)
        except LookupError as error:
            raise CommandError(f"{args.transcript}: {error.args[0]} (or give --flow)") from None
    if args.lang is not None:
        flow = in_language(flow, args.lang)
    else:
        flow = prefer_language(flow, transcript.language)
    from triagebot.flows.replay import describe, replay  # noqa: PLC0415 (see read_transcript)

    try:
        report = replay(transcript, flow)
    except FlowRuntimeError as error:  # the outcome reached cannot be worked out
        raise flow_fault(flow, error) from None
    sys.stdout.write(describe(report))
    return 0 if report.same_outcome else 1


# --- resume -----------------------------------------------------------------------------------


def list_unfinished(args: argparse.Namespace) -> int:
    try:
        entries = journal.unfinished()
    except journal.JournalError as error:
        raise CommandError(str(error)) from None
    if args.discard:
        for path in args.discard:
            _discard(path, entries, args.lang)
        return 0
    if args.name is not None:
        from triagebot.commands.chat import resume_session  # noqa: PLC0415

        return resume_session(args)
    if not entries:
        print("no unfinished sessions")
        return 0
    for entry in entries:
        if entry.contents is None:
            print(f"cannot resume {entry.path.name}: {entry.error}", file=sys.stderr)
            continue
        header = entry.contents.header
        last = entry.last_at
        held = "" if entry.holder is None else f", {in_use(entry, args.lang)}"
        said = words(args.lang)
        answers = counted(entry.answers, said.answers_one, said.answers_many, args.lang)
        # Which patient, first: with several, the right unfinished session is picked.
        patient = "" if header.patient is None else f"  patient {escaped(header.patient)}"
        print(
            f"{entry.path.name}{patient}  {header.flow.id} v{header.flow.version}  "
            f"started {day_and_time(header.started_at)}"
            + (f", last step {clock_time(last)}" if last else "")
            + f", {answers}{held}"
        )
        for warning in entry.contents.warnings:
            print(f"  warning: {warning}", file=sys.stderr)
    return 0


def _discard(path: Path, entries: list[journal.Unfinished], lang: str | None) -> None:
    known = {entry.path.name: entry.path for entry in entries}
    target = known.get(path.name)
    if target is None:
        raise CommandError(f"no unfinished session '{path.name}'; see `triagebot resume`")
    try:
        journal.remove(target)
    except journal.JournalBusy as busy:
        raise CommandError(journal.in_use_message(busy.path, busy.holder, lang)) from None
    except OSError as error:
        raise CommandError(f"{target}: cannot remove: {error.strerror or error}") from None
    print(f"discarded {path.name}")
