"""``run FLOW --cases FILE.jsonl``: one answer mapping per line in, one JSON line out.

The file is streamed: a line is read, run and written before the next is read, so memory
stays flat however many cases there are (``benchmarks/bench_cases.py``). Every input line
gets exactly one output line, in order: the JSON transcript, or an error record
``{"case": N, "error": "line N...: why"}``. One bad line never stops the batch: a line
that is not JSON, too long, not UTF-8, nested too deep, holds a duplicate key, an integer
too long to read, a key that is no question of the flow, or an answer the flow refuses.

Lines are split at ``\\n`` only: U+2028 and U+2029 are text inside a JSON string, not line
ends. Exit code 0 when every line ran to an outcome, 1 when any line is an error record
(the count is said on stderr).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from triagebot.commands.common import CommandError
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.documents import MAX_FILE_BYTES, Unreadable, open_regular
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError

if TYPE_CHECKING:
    from triagebot.flows.transcript_build import BatchTranscripts

MAX_LINE_BYTES = MAX_FILE_BYTES
"""Longest case line read; a longer one is an error record, and the next line runs."""

MAX_DIGITS = 1000
"""Longest integer read (a 400-digit one is read, and refused as out of range)."""

MAX_DEPTH = 64
"""Deepest nesting of objects and lists in a case (a case needs four levels at most)."""

_TOO_LONG = object()
"""Stands for a line over :data:`MAX_LINE_BYTES` (skipped to its end, never held)."""


class CaseError(ValueError):
    """Why one line is not a case; the message is its error record's (line number first)."""


def run_cases(flow: CompiledFlow, path: Path, out: TextIO, err: TextIO) -> int:
    """One transcript (or error record) per input line, in order; exit 1 if any failed."""
    try:
        stream = open_regular(path)
    except Unreadable as error:
        raise CommandError(f"{path}: {error}") from None
    from triagebot.flows.transcript_build import BatchTranscripts  # noqa: PLC0415 (pydantic when used)

    transcripts = BatchTranscripts(flow)
    questions = question_ids(flow)
    failures = total = 0
    with stream:
        for number, line in enumerate(_lines(stream), start=1):
            total = number
            result = run_case(transcripts, flow, line, number, questions)
            failures += "error" in result
            out.write(_json_line(result))
    if failures:
        print(f"{failures} of {total} cases failed", file=err)
    return 1 if failures else 0


def _json_line(result: dict[str, Any]) -> str:
    """One output line. U+2028 and U+2029 are escaped, as JSON allows: a reader that splits
    lines on them too (Python's ``splitlines``) still reads one record per line."""
    text = json.dumps(result, ensure_ascii=False, default=str)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def _lines(stream: BinaryIO) -> Iterator[bytes | object]:
    """The file's lines (ended by ``\\n`` only), each at most :data:`MAX_LINE_BYTES`."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # skip the rest of this one line
                line = stream.readline(MAX_LINE_BYTES)
            yield _TOO_LONG
            continue
        yield line.rstrip(b"\n")


def run_case(
    transcripts: BatchTranscripts,
    flow: CompiledFlow,
    line: bytes | object,
    number: int,
    questions: frozenset[str],
) -> dict[str, Any]:
    """The JSON transcript of one case, or ``{"case": n, "error": ...}``."""
    try:
        answers = read_case(line, number)
        unknown = unknown_ids(flow, answers, questions)
        if unknown:
            raise CaseError(f"line {number}: {unknown[0]}")
    except CaseError as error:
        return {"case": number, "error": str(error)}
    try:
        return transcripts.json(drive(flow, answers, rules=True))
    except (AnswerError, FlowRuntimeError) as error:
        return {"case": number, "error": str(error)}


def read_case(line: bytes | object, number: int) -> dict[str, Any]:
    """A line as a mapping of question id to answer; :class:`CaseError` saying why not."""
    if not isinstance(line, bytes):
        raise CaseError(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseError(
            f"line {number}, column {error.start + 1}: not valid UTF-8 (byte "
            f"0x{line[error.start]:02x})"
        ) from None
    try:
        answers = json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_int=_integer
        )
    except json.JSONDecodeError as error:
        raise CaseError(f"line {number}, column {error.colno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise CaseError(f"line {number}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:  # a duplicate key, NaN, or an integer too long to read
        raise CaseError(f"line {number}: {error}") from None
    if not isinstance(answers, dict):
        raise CaseError(f"line {number}: expected a JSON object of question id to answer")
    if _depth(answers) > MAX_DEPTH:
        raise CaseError(f"line {number}: nested more than {MAX_DEPTH} levels deep")
    return answers


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON keeps the last of two equal keys; a case must not silently lose an answer."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key '{key}'")
        result[key] = value
    return result


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ValueError(f"an integer of {digits} digits is too long to be an answer")
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value: object) -> int:
    """How deep objects and lists nest in ``value`` (walked without recursion)."""
    deepest = 0
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest


def unknown_ids(
    flow: CompiledFlow, answers: dict[str, Any], questions: frozenset[str] | None = None
) -> list[str]:
    """Why each key of ``answers`` is no question of ``flow`` (a typo, usually).

    ``questions``: the flow's top-level question ids (:func:`question_ids`), when a batch
    has them already."""
    questions = question_ids(flow) if questions is None else questions
    found = []
    for key, value in answers.items():
        if key in flow.group_of:
            group = flow.group_of[key]
            found.append(
                f"'{key}' is asked once per entry of group '{group}': give it in each "
                f"mapping of the '{group}' list"
            )
        elif key in flow.groups:
            found.extend(_unknown_members(flow, key, value))
        elif key not in questions:
            found.append(f"'{key}' is not a question of flow '{flow.id}'")
    return found


def question_ids(flow: CompiledFlow) -> frozenset[str]:
    """The ids of the flow's top-level questions (a group's members are not among them)."""
    return frozenset(node_id for node_id, _ in flow.questions())


def _unknown_members(flow: CompiledFlow, group: str, entries: object) -> Iterator[str]:
    members = {node_id for node_id, _ in flow.members(group)}
    if not isinstance(entries, list):
        return  # drive() refuses it with the reason
    for number, entry in enumerate(entries, start=1):
        for key in entry if isinstance(entry, dict) else ():
            if key not in members:
                yield f"'{key}' in entry {number} of '{group}' is not a question of the group"
