"""What several commands share: errors, flow lookup and answer files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from triagebot.flows import library
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.yamlio import Problem, load_file


class CommandError(Exception):
    """A user-facing failure of a command: its message is printed as is, exit code 1."""


def add_flows_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--flows",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="also look for flows in DIR (may be repeated)",
    )


def find_flow(name: str, extra: list[Path]) -> CompiledFlow:
    """A flow by bundled id or path; an unknown name is a CommandError listing the known ids."""
    try:
        return library.resolve(name, extra)
    except LookupError as error:
        raise CommandError(str(error.args[0])) from None


def read_answers(path: Path) -> dict[str, Any]:
    """An answers file (YAML or JSON): a mapping of question id to answer."""
    document = load_file(path)
    if not isinstance(document.data, dict):
        where = document.position_of(())
        problem = Problem(
            str(path),
            where.line,
            where.column,
            "an answers file must be a mapping of question id to answer",
        )
        raise CommandError(str(problem))
    return document.data
