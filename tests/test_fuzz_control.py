"""Fuzz: control characters and bidi controls wherever a flow, a transcript, a journal, an
answer or a file name holds text. In a flow they are refused when it is loaded, each at
the place it stands; everywhere else every output shows them escaped: no raw control
character (but newline and tab) in text, Markdown, JSON, FHIR, plain mode or a command's
messages, and never an internal error.

``TRIAGEBOT_FUZZ_EXAMPLES`` sets the examples per test (default 50: the file runs in
about 15 s). Each example is labelled with ``hypothesis.event`` (refused, escaped,
replayed...), so ``--hypothesis-show-statistics`` counts how each one ended.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from textual.color import Color

from tests.control_support import RAW, raw_controls
from tests.transcript_helpers import MIXED, MIXED_URGENT, driven, mixed, ticking_clock
from triagebot.app import journal, resuming
from triagebot.app.exports import FORMATS, ExportError, render
from triagebot.cli import main
from triagebot.flows.compiler import compile_text
from triagebot.flows.documents import FlowError
from triagebot.flows.engine import Session
from triagebot.flows.transcript import from_json, to_json
from triagebot.flows.transcript_build import from_session
from triagebot.flows.yamlio import parse
from triagebot.plain import run_plain
from triagebot.tui.safe_output import DropUnsafe

DATA = Path(__file__).parent / "data"
BASE_FLOWS = [DATA / "engine" / "minimal.yaml", DATA / "lang" / "bilingual.yaml"]
"""A flow of every node type in one language, and one in two (every translation checked)."""

EXAMPLES = int(os.environ.get("TRIAGEBOT_FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),  # an example taking longer is a hang
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- hostile text --------------------------------------------------------------------------

UNSAFE_CHARS = sorted(
    {chr(c) for c in range(0x20) if chr(c) not in "\t\n"}
    | {chr(c) for c in range(0x7F, 0xA0)}
    | set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
SEQUENCES = [
    "\x1b]52;c;ZXZpbA==\x07",  # OSC 52: write the clipboard
    "\x1b]0;PWNED\x07",  # OSC 0: set the window title
    "\x1b]0;PWNED\x1b\\",  # ... ended by ST instead of BEL
    "\x1b[2J",  # CSI 2J: clear the screen
    "\x1b[31m",  # a colour
    "\x9b2J",  # the same with the one-character CSI
    "\x9d0;PWNED\x9c",  # one-character OSC, ended by one-character ST
    "\u202egnp.exe",  # a right-to-left override
    "line\rover",  # a carriage return draws over the line
]
# The basic plane only: JSON writes a character above it as a surrogate pair (\ud800\udc00),
# which YAML does not read (a syntax error, refused before any control is looked for).
plain_text = st.text(
    st.characters(codec="utf-8", max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=6
)
unsafe = st.one_of(st.sampled_from(UNSAFE_CHARS), st.sampled_from(SEQUENCES))
hostile = st.builds(lambda a, bad, b: a + bad + b, plain_text, unsafe, plain_text)
"""Text holding at least one control character or bidi control, anywhere."""

file_name = st.builds(
    lambda bad, b: f"x{bad}{b}",
    st.one_of(st.sampled_from(UNSAFE_CHARS[1:]), st.sampled_from(SEQUENCES)),
    st.text(st.characters(codec="ascii", categories=["L", "N"]), max_size=4),
)
"""A file name holding a control character or bidi control (a name holds no NUL)."""


def assert_escaped(*outputs: str) -> None:
    """No output holds a raw control character, and none is an internal error."""
    expected = ([], False)
    assert expected == (
        [raw_controls(text) for text in outputs if raw_controls(text)],
        any("internal error" in text for text in outputs),
    )


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``triagebot ARGS`` as the command line runs it, on empty input: exit code, stdout,
    stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch("sys.stdin", io.StringIO("")),
    ):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def strings_in(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], bool]]:
    """Every string of plain data: (path, is a mapping key)."""
    found: list[tuple[tuple[Any, ...], bool]] = []
    if isinstance(data, str):
        found.append((path, False))
    elif isinstance(data, dict):
        for key, value in data.items():
            found.append(((*path, key), True))
            found += strings_in(value, (*path, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found += strings_in(item, (*path, index))
    return found


def replaced(data: Any, path: tuple[Any, ...], is_key: bool, text: str) -> Any:
    """A copy of ``data`` with the string (or key) at ``path`` replaced by ``text``."""
    copy = json.loads(json.dumps(data))
    *parents, last = path
    holder = copy
    for part in parents:
        holder = holder[part]
    if is_key:
        holder = {text if key == last else key: value for key, value in holder.items()}
        if not parents:
            return holder
        target = copy
        for part in parents[:-1]:
            target = target[part]
        target[parents[-1]] = holder
    else:
        holder[last] = text
    return copy


# --- flows: refused at load, each at its place ----------------------------------------------

BASES = {path: parse(path.read_text(encoding="utf-8"), str(path)).data for path in BASE_FLOWS}

YAML_NAMED = {"0": "\0", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "r": "\r", "v": "\v"}
YAML_NAMED["N"] = "\x85"
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's, which positions count by


def offense_at(text: str, line: int, column: int) -> str | None:
    """The unsafe character written at a 1-based line and column: raw, or as an escape."""
    starts = [0, *(found.end() for found in LINE_BREAK.finditer(text))]
    if not 1 <= line <= len(starts) or column < 1:
        return None
    rest = text[starts[line - 1] + column - 1 :]
    if RAW.match(rest):
        return rest[0]
    escape = re.match(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", rest)
    if escape is None:
        return None
    code = escape.group(1)
    char = chr(int(code[1:], 16)) if len(code) > 1 else YAML_NAMED.get(code, "")
    return char if RAW.fullmatch(char) else None


@st.composite
def hostile_flows(draw: st.DrawFn) -> str:
    """A base flow with one string or key replaced by hostile text, written as JSON
    (escaped or raw) or as YAML (PyYAML's own escapes, or raw where YAML allows)."""
    base = BASES[draw(st.sampled_from(BASE_FLOWS))]
    path, is_key = draw(st.sampled_from(strings_in(base)))
    data = replaced(base, path, is_key, draw(hostile))
    form = draw(st.sampled_from(["json-ascii", "json-raw", "yaml-escaped", "yaml-unicode"]))
    event(f"flow written as {form}")
    if form.startswith("json"):
        return json.dumps(data, indent=1, ensure_ascii=form == "json-ascii")
    return yaml.safe_dump(data, allow_unicode=form == "yaml-unicode", sort_keys=False)


@FUZZ
@given(text=hostile_flows())
def test_a_flow_holding_a_control_anywhere_is_refused_at_its_place(text: str) -> None:
    """Loading refuses it with FILE:LINE:COL pointing at a raw control or at its escape;
    the message holds none raw."""
    with pytest.raises(FlowError) as caught:
        compile_text(text, "fuzz.yaml")
    found = [
        (offense_at(text, p.line, p.column) is not None, raw_controls(str(p)))
        for p in caught.value.problems
    ]
    event("refused, every problem at its place")
    assert [(True, [])] * len(found) == found


# --- transcripts from elsewhere: exports and replay escape them ----------------------------

TRANSCRIPT = json.loads(to_json(from_session(driven(mixed(), MIXED_URGENT))))


@FUZZ
@given(
    where=st.sampled_from([p for p, is_key in strings_in(TRANSCRIPT) if not is_key]),
    text=hostile,
    name=file_name,
)
def test_a_transcript_from_elsewhere_is_escaped_in_every_output(
    tmp_path: Path, where: tuple[Any, ...], text: str, name: str
) -> None:
    """Every export of it, and `replay`'s report or refusal, holds no raw control."""
    data = replaced(TRANSCRIPT, where, False, text)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outputs = []
    try:
        transcript = from_json(json.dumps(data))
    except ValueError:
        event("transcript refused by its schema")
    else:
        for fmt in FORMATS:
            try:
                outputs.append(render(fmt, transcript, mixed()))
            except ExportError:  # a message, escaped where it is shown (replay's below)
                event(f"{fmt} export refused")
        assert transcript == from_json(outputs[FORMATS.index("json")])
    code, out, err = run_cli(["replay", str(path), "--flow", str(MIXED)])
    event(f"replay exit {code}")
    assert_escaped(*outputs, out, err)


# --- journals from elsewhere: resume lists and offers escape them ---------------------------


def journal_lines() -> list[dict[str, Any]]:
    """The lines of a real unfinished session of the mixed flow (two answers)."""
    session = Session(mixed(), ticking_clock())
    record = journal.Journal.start(session)
    session.answer(None)
    session.answer(40)
    record.close()
    lines = [json.loads(line) for line in record.path.read_text(encoding="utf-8").splitlines()]
    record.path.unlink()
    return lines


@pytest.fixture(scope="module")
def base_journal() -> list[dict[str, Any]]:
    return journal_lines()


@FUZZ
@given(data=st.data(), text=hostile, name=file_name)
def test_a_journal_from_elsewhere_is_escaped_when_listed_and_offered(
    base_journal: list[dict[str, Any]], data: st.DataObject, text: str, name: str
) -> None:
    """`resume`, `resume NAME` and plain mode's offer hold no raw control, whatever string
    of the journal, or its file name, holds one."""
    where = data.draw(st.sampled_from([p for p, is_key in strings_in(base_journal) if not is_key]))
    lines = replaced(base_journal, where, False, text)
    folder = journal.sessions_dir()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    (folder / f"{name}{journal.SUFFIX}").write_text(body, encoding="utf-8")
    said = io.StringIO()
    run_plain(mixed(), io.StringIO("\n"), said, offer=True)
    found = resuming.offers()
    offers = [offer.line() for offer in found] + [w for offer in found for w in offer.warnings]
    event("journal resumable" if found and found[0].error is None else "journal refused")
    listed = run_cli(["resume"])
    resumed = run_cli(["resume", name, "--plain"])
    event(f"resume listing exit {listed[0]}")
    assert_escaped(said.getvalue(), *offers, *listed[1:], *resumed[1:])


# --- file names, answers and typed input: the command line and plain mode escape them -------


@FUZZ
@given(name=file_name, answer=hostile)
def test_file_names_and_answers_are_escaped_by_every_command(
    tmp_path: Path, name: str, answer: str
) -> None:
    """A flow, an answers file and an output file named with a control character, and an
    answer holding one: `validate`, `list`, `run` (every format, and --out) and `graph`
    hold none raw in what they print or write."""
    flows = tmp_path / name
    flows.mkdir(exist_ok=True)
    flow = flows / f"{name}.yaml"
    shutil.copy(BASE_FLOWS[0], flow)
    answers = flows / f"{name}.json"
    answers.write_text(json.dumps({"pain": answer}), encoding="utf-8")
    good = flows / "good.json"
    good.write_text(json.dumps({"pain": "no"}), encoding="utf-8")
    printed = [run_cli(["validate", str(flow)]), run_cli(["list", "--flows", str(flows)])]
    printed += [run_cli(["run", str(flow), "--answers", str(answers)])]
    printed += [run_cli(["run", str(flow), "--answers", str(good), "--format", f]) for f in FORMATS]
    out = flows / f"{name}.txt"
    printed += [run_cli(["run", str(flow), "--answers", str(good), "--out", str(out)])]
    printed += [run_cli(["graph", str(flow)])]
    event(f"run on a hostile answer exit {printed[2][0]}")
    assert_escaped(*(text for _, *texts in printed for text in texts), out.read_text())


@FUZZ
@given(lines=st.lists(st.one_of(hostile, st.sampled_from(["y", "1", "why", "back"])), max_size=8))
def test_typed_input_is_escaped_in_plain_mode(lines: list[str]) -> None:
    """Whatever is typed (echoed from a pipe, quoted in a refusal), plain mode writes no
    raw control."""
    said = io.StringIO()
    stdin = io.StringIO("".join(line.replace("\n", " ") + "\n" for line in lines))
    code = run_plain(
        compile_text(BASE_FLOWS[0].read_text(), "minimal.yaml"), stdin, said, offer=False
    )
    event(f"plain mode exit {code}")
    assert_escaped(said.getvalue())


# --- the TUI's last guard -------------------------------------------------------------------


@FUZZ
@given(texts=st.lists(st.one_of(plain_text, hostile), min_size=1, max_size=5))
def test_every_line_the_tui_draws_loses_its_controls_and_nothing_else(texts: list[str]) -> None:
    """The TUI's line filter leaves no raw control in a drawn line, and every other
    character where it was."""
    kept = DropUnsafe().apply([Segment(text) for text in texts], Color(0, 0, 0))
    drawn = [segment.text for segment in kept]
    expected = ([], [RAW.sub("", text) for text in texts])
    assert expected == (raw_controls("".join(drawn)), drawn)
