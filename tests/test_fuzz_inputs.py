"""Fuzzing every file triagebot reads from elsewhere: answers files, --cases lines,
transcripts (replay) and journals (resume).

Each example is hostile text run through the command line in this process. Whatever the
input, the command ends within :data:`HANG_SECONDS` with a documented exit code (0, or 1
with a message on stderr or stdout) and never an internal error or a traceback.

``TRIAGEBOT_FUZZ_EXAMPLES`` sets the examples per test (default 60: the module takes well
under 40 s). A campaign: ``TRIAGEBOT_FUZZ_EXAMPLES=4000 TRIAGEBOT_FUZZ_REPORT=counts.json
pytest tests/test_fuzz_inputs.py`` writes, per input kind, how many inputs were tried, ran
clean (exit 0), were refused cleanly (exit 1 and a message) and failed (any other end).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triagebot.app import journal, library
from triagebot.cli import main
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.transcript import to_json
from triagebot.flows.transcript_build import from_session

EXAMPLES = int(os.environ.get("TRIAGEBOT_FUZZ_EXAMPLES", "60"))
HANG_SECONDS = 10
FLOWS = ("cauda-equina", "heparin", "crt-lead")
CASES = Path(__file__).parent / "data" / "flows"
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
COUNTS: dict[str, Counter[str]] = {}


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    """With TRIAGEBOT_FUZZ_REPORT set, write the counts there once the module is done; the
    scratch folder goes."""
    yield
    shutil.rmtree(SCRATCH, ignore_errors=True)
    target = os.environ.get("TRIAGEBOT_FUZZ_REPORT")
    if target:
        Path(target).write_text(json.dumps(COUNTS, indent=2, sort_keys=True) + "\n")


class Hung(Exception):
    """The command ran past HANG_SECONDS."""


@contextlib.contextmanager
def deadline() -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hung(f"no answer after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(kind: str, args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run the CLI in this process; count and check how it ended."""
    out, err = io.StringIO(), io.StringIO()
    real_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with deadline(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    except Hung:
        COUNTS.setdefault(kind, Counter()).update(["tried", "failed"])
        raise
    finally:
        sys.stdin = real_stdin
    said = out.getvalue() + err.getvalue()
    clean = code == 0 or (code == 1 and said.strip() != "")
    broken = "internal error" in said or "Traceback" in said or not clean
    result = "failed" if broken else "clean" if code == 0 else "refused cleanly"
    COUNTS.setdefault(kind, Counter()).update(["tried", result])
    assert (code in (0, 1), "internal error" in said, "Traceback" in said) == (True, False, False)
    return code, out.getvalue(), err.getvalue()


# --- hostile values -------------------------------------------------------------------------

TYPED_NUMBERS = ["010", "0x3E8", "0b11", "1:30", "1_000", "1e2", "5e-324", "7,1", "1e400"]
TYPED_NUMBERS += [".nan", "-.inf", "-0", "1" * 400, "9" * 5000, "1.", ".5", "00.5"]
WORDS = ["yes", "no", "unsure", "unknown", "none", "", "~", "null", "[]", "{}", "&a", "*a"]
WORDS += ["!!python/object:os.system", "\u2028", "\u202e", "\x1b[2J", "\x00", "'", '"']

EXTREMES = [10**400, -(10**400), 1e308, 5e-324]
"""Numbers rare at random that broke answers before: a 400-digit integer among them."""

scalars = st.one_of(
    st.sampled_from(TYPED_NUMBERS + WORDS),
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
deep = st.integers(min_value=60, max_value=1500).map(lambda n: "[" * n + "]" * n)
hostile = st.one_of(
    st.sampled_from(EXTREMES),
    st.sampled_from(TYPED_NUMBERS + WORDS),
    deep.map(json.loads),
    values,
)
"""An answer to put where one is expected: the extremes first, then anything."""


def question_ids(flow_id: str) -> list[str]:
    flow = library.resolve(flow_id)
    return [node for node, _ in flow.questions()] + list(flow.groups)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random cuts, insertions and overwrites."""
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, len(text)))
        change = draw(st.sampled_from(["cut", "insert", "truncate"]))
        piece = draw(st.text(max_size=6) | st.sampled_from(["\n", "\u2028", "[[[[", "{", '"']))
        if change == "cut":
            text = text[:where] + text[where + len(piece) :]
        elif change == "insert":
            text = text[:where] + piece + text[where:]
        else:
            text = text[:where]
    return text


def known_cases(flow_id: str) -> list[dict[str, Any]]:
    """The bundled scenarios' answers: each reaches an outcome."""
    lines = (CASES / f"{flow_id}.cases.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


@st.composite
def answers_texts(draw: st.DrawFn, flow_id: str) -> str:
    """An answers file: a scenario that reaches an outcome with a few answers (or ids)
    replaced by hostile ones, as JSON or as YAML (numbers as typed), then perhaps cut."""
    mapping = dict(draw(st.sampled_from(known_cases(flow_id))))
    for key in draw(st.lists(st.sampled_from(sorted(mapping)), max_size=2)):
        mapping[key] = draw(hostile)  # an answer on the path, replaced
    keys = st.sampled_from(question_ids(flow_id)) | st.text(max_size=10)
    mapping.update(draw(st.dictionaries(keys, values, max_size=2)))
    if draw(st.booleans()):
        text = json.dumps(mapping, default=str)
    else:
        typed = st.sampled_from(TYPED_NUMBERS + WORDS) | deep | st.text(max_size=20)
        as_typed = set(draw(st.lists(st.sampled_from(sorted(mapping)), max_size=3)))
        lines = [
            f"{key}: {draw(typed) if key in as_typed else json.dumps(value, default=str)}"
            for key, value in mapping.items()
        ]
        text = "\n".join(lines) + "\n"
    return draw(mutated(text)) if draw(st.booleans()) else text


SCRATCH = Path(tempfile.mkdtemp(prefix="triagebot-fuzz-"))
"""Where each example's input file is written (the same file, over and over)."""


def write(text: str, suffix: str) -> Path:
    path = SCRATCH / f"input{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


# --- answers files and cases ----------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_hostile_answers_files_are_run_or_refused(data: st.DataObject) -> None:
    """Any answers file: a transcript (exit 0) or one clean refusal (exit 1)."""
    flow_id = data.draw(st.sampled_from(FLOWS))
    suffix = data.draw(st.sampled_from([".yaml", ".json"]))
    path = write(data.draw(answers_texts(flow_id)), suffix)
    run("answers", ["run", flow_id, "--answers", str(path)])


@st.composite
def case_lines(draw: st.DrawFn, flow_id: str) -> str:
    keys = st.sampled_from(question_ids(flow_id)) | st.text(max_size=10)
    mapping = draw(st.dictionaries(keys, values, max_size=10))
    line = json.dumps(mapping, ensure_ascii=draw(st.booleans()), default=str)
    kind = draw(st.sampled_from(["json", "mutated", "deep", "duplicate", "separator"]))
    if kind == "mutated":
        line = draw(mutated(line))
    elif kind == "deep":
        line = '{"a": ' + draw(deep) + "}"
    elif kind == "duplicate" and mapping:
        first = json.dumps(next(iter(mapping)))
        line = "{" + f"{first}: 1, " + line[1:] if len(line) > 2 else line
    elif kind == "separator":
        line = line.replace('"', '"\u2028', 1)
    return line.replace("\n", " ")


@FUZZ
@given(data=st.data())
def test_hostile_cases_give_one_line_out_per_line_in(data: st.DataObject) -> None:
    """Every cases line gets exactly one JSON line out, in order; exit 1 iff one is an error."""
    flow_id = data.draw(st.sampled_from(FLOWS))
    known = (CASES / f"{flow_id}.cases.jsonl").read_text(encoding="utf-8").splitlines()
    lines = data.draw(
        st.lists(case_lines(flow_id) | st.sampled_from(known), min_size=1, max_size=6)
    )
    path = write("\n".join(lines) + "\n", ".jsonl")
    code, out, _ = run("cases", ["run", flow_id, "--cases", str(path)])
    results = [json.loads(line) for line in out.split("\n")[:-1]]
    errors = [r["case"] for r in results if "error" in r]
    expected = (len(lines), 1 if errors else 0)
    assert expected == (len(results), code)
    assert all(r["case"] == number for number, r in enumerate(results, 1) if "error" in r)


# --- transcripts and journals ---------------------------------------------------------------


def base_transcripts() -> list[str]:
    """One JSON transcript per bundled scenario of each fuzzed flow."""
    found = []
    for flow_id in FLOWS:
        flow = library.resolve(flow_id)
        for line in (CASES / f"{flow_id}.cases.jsonl").read_text(encoding="utf-8").splitlines():
            found.append(to_json(from_session(drive(flow, json.loads(line)))))
    return found


TRANSCRIPTS = base_transcripts()


@st.composite
def edited_json(draw: st.DrawFn, text: str) -> str:
    """``text`` (a JSON object) with a few fields, anywhere in it, replaced, dropped or
    added, or the text itself cut and spliced."""
    try:
        data: Any = json.loads(text)
    except ValueError:  # already cut by an earlier edit
        return draw(mutated(text))
    for _ in range(draw(st.integers(1, 4))):
        container: Any = data
        while isinstance(container, dict | list) and container and draw(st.booleans()):
            keys = list(container) if isinstance(container, dict) else list(range(len(container)))
            child = container[draw(st.sampled_from(keys))]
            if not isinstance(child, dict | list):
                break
            container = child
        if isinstance(container, dict) and container:
            key = draw(st.sampled_from(sorted(container)))
            if draw(st.booleans()):
                container[key] = draw(hostile)
            else:
                del container[key]
        elif isinstance(container, list) and container:
            container[draw(st.integers(0, len(container) - 1))] = draw(hostile)
    text = json.dumps(data, default=str)
    return draw(mutated(text)) if draw(st.booleans()) else text


@st.composite
def recorded_answer_replaced(draw: st.DrawFn, text: str) -> str:
    """A transcript whose recorded answers (some of them) are replaced by hostile ones."""
    transcript = json.loads(text)
    recorded = st.sampled_from(transcript["answers"])
    numbers = [a for a in transcript["answers"] if a["kind"] == "number"]
    if numbers:  # the answers a huge number broke: picked more often
        recorded = st.sampled_from(numbers) | recorded
    for answer in draw(st.lists(recorded, min_size=1)):
        answer["answer"] = draw(st.sampled_from(EXTREMES) | hostile)
    return json.dumps(transcript)


@FUZZ
@given(data=st.data())
def test_hostile_transcripts_replay_or_are_refused(data: st.DataObject) -> None:
    """Any transcript file: a replay report (exit 0 or 1) or one clean refusal."""
    text = data.draw(st.sampled_from(TRANSCRIPTS))
    text = data.draw(recorded_answer_replaced(text) | edited_json(text))
    run("transcripts", ["replay", str(write(text, ".json"))])


def base_journal_lines() -> list[str]:
    """A journal of a heparin session stopped before its outcome, as lines."""
    with tempfile.TemporaryDirectory() as folder:
        session = Session(library.resolve("heparin"))
        record = journal.Journal.start(session, Path(folder))
        for answer in ("no", "no", "7", "no", "no", "no", "no", "3"):
            session.answer(answer)
        record.close()
        return record.path.read_text(encoding="utf-8").splitlines()


JOURNAL = base_journal_lines()


@st.composite
def answered(draw: st.DrawFn, line: str) -> str:
    """A journal line whose answer is replaced by a hostile one."""
    try:
        event = json.loads(line)
    except ValueError:  # already cut by an earlier edit
        return line
    if isinstance(event, dict):
        event["value"] = draw(hostile)
    return json.dumps(event)


@FUZZ
@given(data=st.data())
def test_hostile_journals_resume_or_are_refused(data: st.DataObject) -> None:
    """Any journal: listed, then resumed to its outcome (exit 0), or refused cleanly (exit 1:
    a damaged journal, or answers it no longer fits)."""
    lines = list(JOURNAL)
    for _ in range(data.draw(st.integers(1, 3))):
        number = data.draw(st.integers(0, len(lines) - 1))
        lines[number] = data.draw(
            answered(lines[number]) | edited_json(lines[number]) | mutated(lines[number])
        )
    folder = journal.sessions_dir()
    for old in folder.glob("*") if folder.exists() else ():
        old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    name = "20250101-000000-heparin-fuzz0000.jsonl"
    (folder / name).write_text("\n".join(lines) + data.draw(st.sampled_from(["\n", ""])))
    assert run("journal listings", ["resume"])[0] == 0
    # The answers the unchanged journal still needs (drip rate, concentration, bolus, hours).
    run("journals", ["resume", name, "--plain"], stdin="360\n2000\n5000\n2\n")
