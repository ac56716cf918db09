"""``chat FLOW [--plain] [--flows DIR] [--lang CODE]``: run a flow interactively.

Without FLOW the TUI opens on its start screen. ``triagebot`` with no command, or with a
flow id or path as its first argument, runs this command (see ``cli.main``). Textual is
imported only here, when a TUI actually opens, so the other commands stay fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from triagebot import startup
from triagebot.app import flowcache, journal, resuming
from triagebot.commands.common import (
    CommandError,
    add_flows_dir,
    add_lang,
    add_patient,
    find_flow,
)
from triagebot.flows.compiler import CompiledFlow


def register(subparsers: Any) -> None:
    chat = subparsers.add_parser(
        "chat",
        help="walk a flow question by question (the default command)",
        description="Open the TUI (the start screen, or FLOW directly); --plain for a "
        "line-by-line conversation on stdin/stdout.",
    )
    chat.add_argument(
        "flow", nargs="?", metavar="FLOW", help="a bundled flow id or a path to a flow file"
    )
    chat.add_argument(
        "--plain",
        action="store_true",
        help="line-by-line conversation (screen readers, scripting); used when not a terminal",
    )
    chat.add_argument(
        "--new",
        action="store_true",
        help="plain mode: start a new session without offering unfinished ones (the offer "
        "is made only when stdin is a terminal)",
    )
    add_flows_dir(chat)
    add_lang(chat)
    add_patient(chat)
    chat.set_defaults(handler=chat_flow)


@flowcache.launching
def chat_flow(args: argparse.Namespace) -> int:
    flow = None if args.flow is None else find_flow(args.flow, args.flows, args.lang)
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if args.plain or not terminal:
        if flow is None:
            raise CommandError(
                "plain mode needs a FLOW, e.g. triagebot chat cauda-equina --plain "
                "(triagebot list shows them)"
            )
        from triagebot.plain import run_plain  # noqa: PLC0415 (only when used)

        offer = False if args.new else None
        return run_plain(
            flow,
            sys.stdin,
            sys.stdout,
            offer=offer,
            extra=args.flows,
            lang=args.lang,
            patient=args.patient,
        )
    return run_tui(flow, args.flows, lang=args.lang, patient=args.patient)


def run_tui(
    flow: CompiledFlow | None,
    flows: list[Path],
    resume: Path | None = None,
    lang: str | None = None,
    patient: str | None = None,
) -> int:
    """Open the TUI; say after it closes whether an unfinished session was kept.

    ``lang`` is the language asked for with ``--lang`` (``flow`` is already compiled in it).
    """
    startup.pause_collector()  # while textual is imported; the TUI resumes once it is drawn
    from triagebot.tui.app import TriageApp  # noqa: PLC0415 (textual is slow to import)

    # A new session asks for the patient reference first (none given on the command line).
    app = TriageApp(flow, flows, resume=resume, lang=lang, patient=patient, ask_patient=True)
    app.run()
    if app.farewell:
        print(app.farewell)
    return 0


@flowcache.launching
def resume_session(args: argparse.Namespace) -> int:
    """``resume NAME``: reopen an unfinished session in the TUI (plain mode with --plain)."""
    try:
        entry = resuming.find(args.name, journal.unfinished())
    except (LookupError, journal.JournalError) as error:
        raise CommandError(str(error.args[0])) from None
    if entry.contents is None:
        raise CommandError(f"cannot resume {entry.path.name}: {entry.error}")
    if entry.holder is not None:  # refused here, before a TUI opens only to say so
        raise CommandError(journal.in_use_message(entry.path, entry.holder, args.lang))
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if args.plain or not terminal:
        from triagebot.plain import resume_plain  # noqa: PLC0415

        return resume_plain(entry, sys.stdin, sys.stdout, args.flows, args.lang)
    return run_tui(None, args.flows, resume=entry.path, lang=args.lang)
