"""Command-line entry point: ``main(argv) -> int``.

Exit codes: 0 success, 1 an invalid flow or input (one clear message on stderr), 2 usage.
No traceback ever reaches a user: expected failures are messages, and anything else is
reported as an internal error in one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from triagebot import __version__, startup

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    from triagebot.commands import COMMAND_MODULES  # noqa: PLC0415 (see entry_point)

    parser = argparse.ArgumentParser(
        prog="triagebot",
        description="Guided clinical triage: walk a clinical pathway one question at a time.",
    )
    parser.add_argument("--version", action="version", version=f"triagebot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def command_names(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }


def with_default_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``triagebot`` alone or ``triagebot FLOW [...]`` means ``triagebot chat [FLOW ...]``.

    ``triagebot --lang CODE COMMAND ...`` means ``triagebot COMMAND --lang CODE ...``. Any
    other first word is left to argparse, so a mistyped command is a usage error (exit 2)
    rather than a search for a flow of that name.
    """
    args = list(argv)
    commands = command_names(parser)
    if args[:1] == ["--lang"] and len(args) > 2 and args[2] in commands:
        return [args[2], "--lang", args[1], *args[3:]]
    if args[:1] and args[0].startswith("--lang=") and len(args) > 1 and args[1] in commands:
        return [args[1], args[0], *args[2:]]
    if not args or args[0] in ("--flows", "--plain", "--lang") or args[0].startswith("--lang="):
        return ["chat", *args]
    if args[0] in commands | {"-h", "--help", "--version"}:
        return args
    if "--flows" in args or _names_a_flow(args[0]):
        return ["chat", *args]
    return args


def _names_a_flow(word: str) -> bool:
    """A bundled flow id, or a path to a flow file."""
    from triagebot.app import library  # noqa: PLC0415  (only on this path)

    path = Path(word)
    if path.suffix in library.FLOW_SUFFIXES or path.is_file():
        return True
    return word in {p.stem for p in library.flow_files([library.bundled_dir()])}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Everything it prints, on stdout and stderr, has its control
    characters and bidirectional controls escaped (:mod:`triagebot.flows.safe_text`): a
    file name, a transcript or a journal from elsewhere cannot drive the terminal."""
    from triagebot.flows.safe_text import escaping  # noqa: PLC0415 (see entry_point)

    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = escaping(stdout), escaping(stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: Sequence[str] | None) -> int:
    from triagebot.commands.common import CommandError  # noqa: PLC0415 (see entry_point)
    from triagebot.flows.answers import AnswerError  # noqa: PLC0415
    from triagebot.flows.compiler import LanguageError  # noqa: PLC0415
    from triagebot.flows.documents import FlowError  # noqa: PLC0415

    parser = build_parser()
    argv = with_default_command(parser, sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    handler = args.handler  # every path through with_default_command names a command
    startup.resume_collector()
    try:
        code: int = handler(args)
        return code
    except (FlowError, AnswerError, CommandError, LanguageError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:
        print(
            f"triagebot: internal error ({type(error).__name__}: {error}); please report it",
            file=sys.stderr,
        )
        return EXIT_INVALID


def entry_point() -> None:
    """The ``triagebot`` command: imports the commands (and the core) in ``main``, with
    the cycle collector paused until a command runs (see :mod:`triagebot.startup`)."""
    startup.pause_collector()
    sys.exit(main())
