"""Control characters and bidirectional controls are escaped in every output: plain mode,
the exports, and the command line's messages (file names, transcripts and journals from
elsewhere, answers)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.control_support import (
    HOSTILE,
    HOSTILE_FLOW,
    hostile_journals,
    raw_controls,
    unchecked,
)
from tests.transcript_helpers import MIXED, MIXED_URGENT, driven, mixed, ticking_clock
from triagebot.app.exports import FORMATS, render
from triagebot.cli import main
from triagebot.flows.driving import drive
from triagebot.flows.safe_text import escaped
from triagebot.flows.transcript import from_json, to_json
from triagebot.flows.transcript_build import from_session
from triagebot.plain import run_plain

ROOT = Path(__file__).parents[1]
DATA_VARIABLE = "TRIAGEBOT_DATA_DIR"
MINIMAL = ROOT / "tests" / "data" / "engine" / "minimal.yaml"
HOSTILE_ANSWERS = {
    "pain": "yes",
    "colour": "red",
    "flags": ["fever"],
    "lactate": 5,
}
"""The answers that walk the hostile fixture through every node to its outcome."""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- the escape ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\x1b]0;title\x07", "\\u001b]0;title\\u0007"),  # OSC 0: ESC and BEL
        ("a\rb", "a\\u000db"),  # a carriage return draws over the line
        ("\x7f\x00", "\\u007f\\u0000"),  # DEL and NUL
        ("\x9b2J", "\\u009b2J"),  # a C1 control: one-character CSI
        ("\u202eevil\u202c", "\\u202eevil\\u202c"),  # bidi override and its end
        # the isolates, and the three directional marks
        ("\u2066\u2069\u200e\u200f\u061c", "\\u2066\\u2069\\u200e\\u200f\\u061c"),
        ("line\n\tindented é — ≥ 8", "line\n\tindented é — ≥ 8"),  # newline, tab, letters: kept
    ],
)
def test_escaped_writes_each_unsafe_character_as_its_json_escape(text: str, expected: str) -> None:
    """Every control character and bidi control becomes \\uXXXX; the rest is untouched."""
    assert expected == escaped(text)


def test_escaped_is_json_s_own_escape_so_json_keeps_its_data() -> None:
    """Escaping a JSON text leaves the same data, with no raw character."""
    text = json.dumps({"title": HOSTILE}, ensure_ascii=False)
    expected = (HOSTILE, [])
    assert expected == (json.loads(escaped(text))["title"], raw_controls(escaped(text)))


# --- escaped in every output -----------------------------------------------------------------


def hostile_transcript():
    """A finished transcript whose every text holds escape sequences (its flow bypassed
    the load check), as a transcript from elsewhere might."""
    flow = unchecked(HOSTILE_FLOW)
    return flow, from_session(drive(flow, HOSTILE_ANSWERS, ticking_clock()))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_escapes_what_a_transcript_holds(fmt) -> None:
    """Text, Markdown, JSON and both FHIR releases write no raw control character, and show
    each escaped (Markdown escapes the bracket after it too)."""
    flow, transcript = hostile_transcript()
    output = render(fmt, transcript, flow)
    expected = ([], True)
    assert expected == (raw_controls(output), "\\u001b" in output and "\\u202e" in output)


def test_json_export_keeps_the_transcript_exactly() -> None:
    """The escaped JSON reads back as the very same transcript (JSON's own escapes)."""
    _, transcript = hostile_transcript()
    assert transcript == from_json(render("json", transcript))


def test_plain_mode_escapes_every_text_it_says() -> None:
    """Prompts, options, info, why, the outcome and its values: none raw in plain mode."""
    stdin = io.StringIO("why\ny\n1\n1\n\n5\n")
    stdout = io.StringIO()
    run_plain(unchecked(HOSTILE_FLOW), stdin, stdout, offer=False)
    said = stdout.getvalue()
    expected = ([], True)
    assert expected == (raw_controls(said), "Pain \\u001b]0;PWNED\\u0007?" in said)


def test_plain_mode_through_a_pipe_escapes_what_it_echoes_and_refuses() -> None:
    """Input with escape sequences, piped to plain mode, comes back escaped in the echo and
    in the refusal; the bytes written hold no raw control character."""
    done = subprocess.run(
        [sys.executable, "-m", "triagebot", "chat", str(MINIMAL), "--plain"],
        input=f"{HOSTILE}\nquit\n".encode(),
        capture_output=True,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "TRIAGEBOT_DATA_DIR": os.environ["TRIAGEBOT_DATA_DIR"],
        },
        timeout=60,
        check=False,
    )
    written = (done.stdout + done.stderr).decode("utf-8")
    expected = ([], True)
    assert expected == (raw_controls(written), "\\u001b]52;c;ZXZpbA==\\u0007" in written)


def test_list_escapes_the_name_of_a_flow_file_it_cannot_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name holding an escape sequence is named escaped in `list`'s message."""
    (tmp_path / "bad\x1b]0;PWNED\x07.yaml").write_text("id: [\n", encoding="utf-8")
    code, out, err = run(["list", "--flows", str(tmp_path)], capsys)
    expected = (1, [], True)
    assert expected == (code, raw_controls(out + err), "bad\\u001b]0;PWNED\\u0007" in err)


def test_run_escapes_an_answer_it_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answers file's value with escape sequences is quoted escaped in the refusal."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"pain": HOSTILE}), encoding="utf-8")
    code, out, err = run(["run", str(MINIMAL), "--answers", str(answers)], capsys)
    expected = (1, [], True)
    assert expected == (code, raw_controls(out + err), "\\u001b]0;PWNED" in err)


def hostile_transcript_file(tmp_path: Path) -> Path:
    """A transcript of the mixed flow edited elsewhere: escape sequences in its title, a
    prompt and an answer (which replay refuses, quoting it)."""
    data = json.loads(to_json(from_session(driven(mixed(), MIXED_URGENT))))
    data["flow"]["title"] = HOSTILE
    data["answers"][0]["prompt"] = HOSTILE
    data["answers"][2]["answer"] = HOSTILE
    path = tmp_path / "edited\x1b[2J.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_replay_escapes_what_a_transcript_from_elsewhere_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`replay` quotes a refused answer and names things from the transcript, all escaped."""
    path = hostile_transcript_file(tmp_path)
    code, out, err = run(["replay", str(path), "--flow", str(MIXED)], capsys)
    expected = (1, [], True)
    assert expected == (code, raw_controls(out + err), "\\u001b]0;PWNED" in out)


def test_replay_escapes_a_file_name_in_its_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A transcript that is not one is refused naming the file, escaped."""
    path = tmp_path / "not\x1b]0;PWNED\x07.json"
    path.write_text("{}", encoding="utf-8")
    code, out, err = run(["replay", str(path)], capsys)
    expected = (1, [], True)
    assert expected == (code, raw_controls(out + err), "not\\u001b]0;PWNED\\u0007" in err)


def test_resume_lists_hostile_journals_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    """`resume` names each unfinished session and its flow escaped."""
    hostile_journals()
    code, out, err = run(["resume"], capsys)
    expected = (0, [], True)
    assert expected == (code, raw_controls(out + err), "odd\\u001b]0;PWNED\\u0007" in out)


def test_plain_resume_offer_escapes_hostile_journals() -> None:
    """Plain mode's offer of unfinished sessions names them and their warnings escaped."""
    hostile_journals()
    stdout = io.StringIO()
    run_plain(mixed(), io.StringIO("\n"), stdout, offer=True)
    said = stdout.getvalue()
    expected = ([], True)
    assert expected == (raw_controls(said), "\\u001b]0;PWNED" in said)


def test_resume_by_name_escapes_the_refusal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resuming a journal that cannot be resumed says why, escaped."""
    hostile_journals()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(["resume", "broken", "--plain"], capsys)
    expected = (1, [], True)
    assert expected == (code, raw_controls(out + err), "broken\\u001b[2J" in out + err)
