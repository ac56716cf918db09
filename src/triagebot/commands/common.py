"""What several commands share: errors, flow lookup, the language and answer files."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from triagebot.app import library
from triagebot.flows.compiler import CompiledFlow, LanguageError, with_language
from triagebot.flows.documents import Problem
from triagebot.flows.expr import EvaluationError, FlowRuntimeError
from triagebot.flows.patient import PatientError, patient_reference

_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def flow_fault(flow: CompiledFlow, error: FlowRuntimeError) -> CommandError:
    """One located line for a flow that fails on this path: an expression's fault already
    names its FILE:LINE:COL, any other (a routing rule that matched nothing) gets the file."""
    located = isinstance(error, EvaluationError) and error.where
    return CommandError(str(error) if located else f"{flow.file}: {error}")


class CommandError(Exception):
    """A user-facing failure of a command: its message is printed as is, exit code 1."""


def flows_folder(text: str) -> Path:
    """``--flows``'s type: an existing folder (a usage error otherwise, never a crash when
    the folder is listed)."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"'{text}' is not a folder of flow files")
    return path


def add_flows_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--flows",
        metavar="DIR",
        type=flows_folder,
        action="append",
        default=[],
        help="also look for flows in DIR (may be repeated)",
    )


def language_code(text: str) -> str:
    """``--lang``'s type: a two-letter code (an argparse usage error otherwise)."""
    code = text.strip().lower()
    if not _LANGUAGE_CODE.match(code):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a language code: use two letters, e.g. fr or en"
        )
    return code


def patient_argument(text: str) -> str | None:
    """``--patient TEXT`` as checked: one line, no control characters, at most 80."""
    try:
        return patient_reference(text)
    except PatientError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_patient(parser: argparse.ArgumentParser) -> None:
    """``--patient TEXT``: the optional patient reference (never guessed, never logged)."""
    parser.add_argument(
        "--patient",
        metavar="TEXT",
        type=patient_argument,
        default=None,
        help="patient reference shown in the transcript and every export (optional; "
        "kept in the session's journal, never in a log or the flow cache)",
    )


def add_lang(
    parser: argparse.ArgumentParser, what: str = "the flow's text and triagebot's words"
) -> None:
    """``--lang CODE``, the same on every command: parsed and checked here, once."""
    parser.add_argument(
        "--lang",
        metavar="CODE",
        type=language_code,
        default=None,
        help=f"language of {what} (e.g. fr, en; default: the flow's first language)",
    )


def find_flow(name: str, extra: list[Path], lang: str | None = None) -> CompiledFlow:
    """A flow by bundled id or path, in ``lang``; an unknown name is a CommandError listing
    the known ids, a language the flow lacks one listing its languages."""
    try:
        return library.resolve(name, extra, lang)
    except LookupError as error:
        raise CommandError(str(error.args[0])) from None


def in_language(flow: CompiledFlow, lang: str | None) -> CompiledFlow:
    """``flow`` in ``lang`` (as it is for None); a CommandError when it lacks ``lang``."""
    if lang is None:
        return flow
    try:
        return with_language(flow, lang)
    except LanguageError as error:
        raise CommandError(f"{flow.file}: {error}") from None


def read_answers(path: Path) -> dict[str, Any]:
    """An answers file (YAML or JSON): a mapping of question id to answer."""
    from triagebot.flows.yamlio import load_file  # noqa: PLC0415 (PyYAML only when used)

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
