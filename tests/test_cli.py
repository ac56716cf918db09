"""The command line: exit codes, messages, and what each command prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.commands import cases
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session

ROOT = Path(__file__).parents[1]
CORE_SYMPTOMS = (
    "urinary_difficulty",
    "saddle_sensation",
    "bilateral_neuro_deficit",
    "rectal_sensation_loss",
    "retention_or_incontinence",
)
CAUDA_NO = json.dumps({"back_or_leg_pain": "no", **dict.fromkeys(CORE_SYMPTOMS, "no")})
"""No pain and every core symptom no: the shortest case, out of scope (spec version 2)."""


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_json_has_review_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """`list --format json` gives id, title, version, review date and whether it has passed."""
    code, out, _ = run(["list", "--format", "json"], capsys)
    rows = {row["id"]: row for row in json.loads(out)}
    assert (
        code,
        rows["cauda-equina"]["review_date"],
        rows["cauda-equina"]["review_overdue"],
        rows["cauda-equina"]["version"],
    ) == (0, "2027-01-01", False, "2.0.0")


def test_list_marks_an_overdue_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A flow whose source is past its review date is marked, and still listed."""
    text = (ROOT / "tests/data/engine/minimal.yaml").read_text().replace("2030-01-01", "2020-01-01")
    (tmp_path / "minimal.yaml").write_text(text)
    code, out, _ = run(["list", "--flows", str(tmp_path)], capsys)
    line = next(line for line in out.splitlines() if line.startswith("minimal"))
    assert (code, "REVIEW OVERDUE" in line) == (0, True)


def test_run_missing_answer_names_the_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A question the path asks with no answer is an error naming it; exit 1."""
    path = tmp_path / "a.yaml"
    path.write_text("back_or_leg_pain: yes\n")
    code, out, err = run(["run", "cauda-equina", "--answers", str(path)], capsys)
    assert (
        code,
        out,
        err[: len("no answer for question 'urinary_difficulty'")],
    ) == (1, "", "no answer for question 'urinary_difficulty'")


def test_run_warns_about_unknown_ids_but_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key that is no question of the flow is probably a typo: warned, then ignored."""
    path = tmp_path / "a.yaml"
    path.write_text("back_or_leg_pain: yes\nurinary_difficulty: unsure\nurinary_dificulty: yes\n")
    code, _, err = run(["run", "cauda-equina", "--answers", str(path)], capsys)
    assert (code, err) == (
        0,
        "warning: 'urinary_dificulty' is not a question of flow 'cauda-equina'; ignored\n",
    )


def test_run_answers_file_that_is_not_a_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answers file must map question ids to answers."""
    path = tmp_path / "a.yaml"
    path.write_text("- yes\n- no\n")
    code, _, err = run(["run", "cauda-equina", "--answers", str(path)], capsys)
    assert (1, f"{path}:1:1: an answers file must be a mapping of question id to answer\n") == (
        code,
        err,
    )


def test_run_a_flow_by_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """FLOW may be a path to a flow file."""
    answers = tmp_path / "a.json"
    answers.write_text('{"pain": "no"}')
    code, out, _ = run(
        ["run", str(ROOT / "tests/data/engine/minimal.yaml"), "--answers", str(answers)], capsys
    )
    assert (code, "OUTCOME [NONE]: None" in out) == (0, True)


def test_unknown_flow_lists_the_known_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown flow id says which flows exist."""
    code, _, err = run(["run", "cauda", "--answers", str(tmp_path / "x.yaml")], capsys)
    assert (
        code,
        err.startswith("no flow 'cauda'; bundled flows: ") and "cauda-equina" in err,
    ) == (1, True)


@pytest.mark.parametrize(
    "args",
    [
        ["nonsense"],  # unknown command
        ["run", "cauda-equina"],  # neither --answers nor --cases
        ["list", "--format", "xml"],  # bad choice
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Usage errors exit 2 with argparse's message."""
    code, _, err = run(args, capsys)
    assert (code, "usage:" in err) == (2, True)


def test_markdown_and_text_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The transcript prints as text or Markdown, each with the outcome and disclaimer."""
    path = tmp_path / "a.yaml"
    # no pain and every core symptom no: out of scope (version 2 asks the core symptoms)
    path.write_text("back_or_leg_pain: no\n" + "".join(f"{name}: no\n" for name in CORE_SYMPTOMS))
    _, text, _ = run(["run", "cauda-equina", "--answers", str(path), "--format", "text"], capsys)
    _, markdown, _ = run(
        ["run", "cauda-equina", "--answers", str(path), "--format", "markdown"], capsys
    )
    assert (
        "OUTCOME [NONE]: Outside this screen" in text,
        markdown.startswith("# Suspected cauda equina syndrome"),
        "Decision support for a qualified clinician" in text and "Decision support" in markdown,
    ) == (True, True, True)


def test_module_entry_point_has_no_traceback_on_bad_input(tmp_path: Path) -> None:
    """`python -m triagebot` on a broken flow prints one clean message and exits 1."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nid: y\n")
    result = subprocess.run(
        [sys.executable, "-m", "triagebot", "validate", str(broken)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert (1, f"{broken}:2:1: duplicate key 'id' (first defined at line 1)\n", "") == (
        result.returncode,
        result.stderr,
        result.stdout,
    )


HEPARIN_START = "hit_history: no\nivt_given: no\n"


def test_an_octal_looking_dose_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`aspects: 010` (YAML 1.1: 8) is refused at FILE:LINE:COL, not run as 8."""
    path = tmp_path / "a.yaml"
    path.write_text(HEPARIN_START + "aspects: 010\n")
    code, out, err = run(["run", "heparin", "--answers", str(path)], capsys)
    assert (code, out, err.split(" is not")[0]) == (1, "", f"{path}:3:10: '010'")


def test_a_json_exponent_is_a_number_in_an_answers_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`"aspects": 4e0` in a JSON answers file is the number 4 (it was refused as text)."""
    path = tmp_path / "a.json"
    others = ["hit_history", "ivt_given", "oral_anticoagulant", "multiple_femoral_punctures"]
    others += ["planned_stenting", "straightforward_recanalisation"]
    path.write_text(json.dumps(dict.fromkeys(others, "no"))[:-1] + ', "aspects": 4e0}')
    code, out, _ = run(["run", "heparin", "--answers", str(path), "--format", "json"], capsys)
    answers = {a["question"]: a["answer"] for a in json.loads(out)["answers"]}
    assert (code, answers["aspects"]) == (0, 4)


def test_a_400_digit_answer_is_refused_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 400-digit integer in an answers file is out of range, said like any other."""
    path = tmp_path / "a.yaml"
    path.write_text(HEPARIN_START + "aspects: " + "1" * 400 + "\n")
    code, _, err = run(["run", "heparin", "--answers", str(path)], capsys)
    expected = (1, "question 'aspects': 111111111111111111111111111111… is out of range")
    assert expected == (code, err.split(": enter")[0])


def run_cases_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> tuple[int, list[dict[str, object]], str]:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(content)
    code, out, err = run(["run", "cauda-equina", "--cases", str(path)], capsys)
    return code, [json.loads(line) for line in out.splitlines()], err


def test_every_case_line_gets_one_output_line_and_bad_ones_never_stop_the_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bad line is an error record naming its line; the lines after it still run."""
    lines = [
        CAUDA_NO,
        '{"back_or_leg_pain": ' + "1" * 400 + "}",  # a 400-digit integer
        '{"back_or_leg_pain": ' + "[" * 1500 + "]" * 1500 + "}",  # deep: RecursionError
        '{"back_or_leg_pain": ' + "[" * 70 + "]" * 70 + "}",  # deeper than the cap
        "{not json",  # not JSON at all
        '{"back_or_leg_pain": "no", "typo": "yes"}',  # an id the flow does not have
        '{"back_or_leg_pain": "yes", "back_or_leg_pain": "no"}',  # a duplicate key
        '{"back_or_leg_pain": NaN}',  # not a JSON number
        '{"back_or_leg_pain": ' + "1" * 5000 + "}",  # more digits than Python reads
        "[1, 2]",  # not an object
        "",  # an empty line
        CAUDA_NO,
    ]
    content = ("\n".join(lines) + "\n").encode()
    code, results, err = run_cases_file(tmp_path, capsys, content)
    expected = [
        (1, None),
        (2, "question 'back_or_leg_pain': 111111111111111111111111111111… is not accepted"),
        (3, "line 3: nested more than 64 levels deep"),
        (4, "line 4: nested more than 64 levels deep"),
        (5, "line 5, column 2: not JSON: Expecting property name enclosed in double quotes"),
        (6, "line 6: 'typo' is not a question of flow 'cauda-equina'"),
        (7, "line 7: duplicate key 'back_or_leg_pain'"),
        (8, "line 8: NaN is not a number JSON allows"),
        (9, "line 9: an integer of 5000 digits is too long to be an answer"),
        (10, "line 10: expected a JSON object of question id to answer"),
        (11, "line 11, column 1: not JSON: Expecting value"),
        (12, None),
    ]
    got = [
        (number, None if "error" not in r else str(r["error"]).split(": answer")[0][:80])
        for number, r in enumerate(results, start=1)
    ]
    assert [(n, e if e is None else e[:80]) for n, e in expected] == got
    assert (code, err) == (1, "10 of 12 cases failed\n")


def test_a_line_separator_inside_a_string_does_not_split_a_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """U+2028 and U+2029 are text inside JSON strings: lines end at \\n only."""
    odd = json.dumps({"back_or_leg_pain": "n\u2028o\u2029"}, ensure_ascii=False)
    code, results, _ = run_cases_file(tmp_path, capsys, (odd + "\n" + CAUDA_NO + "\n").encode())
    expected = (1, 2, 1, "out_of_scope")
    assert expected == (code, len(results), results[0]["case"], results[1]["outcome"]["id"])


def test_an_overlong_or_undecodable_line_is_one_error_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line over the cap is skipped to its end; bytes that are not UTF-8 are placed."""
    monkeypatch.setattr(cases, "MAX_LINE_BYTES", 300)
    long_line = json.dumps({"back_or_leg_pain": "no", "x": "y" * 500}).encode()
    content = long_line + b"\n" + b'{"back_or_leg_pain": "n\xffo"}\n' + CAUDA_NO.encode()
    code, results, _ = run_cases_file(tmp_path, capsys, content)
    expected = [
        {"case": 1, "error": "line 1: longer than 300 bytes"},
        {"case": 2, "error": "line 2, column 24: not valid UTF-8 (byte 0xff)"},
        "out_of_scope",
    ]
    assert (code, expected) == (1, [*results[:2], results[2]["outcome"]["id"]])


def test_cases_exit_0_when_every_line_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0 and nothing on stderr when every line reached an outcome (a last line
    without its newline counts too)."""
    code, results, err = run_cases_file(tmp_path, capsys, f"{CAUDA_NO}\n{CAUDA_NO}".encode())
    assert (code, len(results), err) == (0, 2, "")


HOSTILE_PATHS = {
    "fifo": os.mkfifo,  # opening it waited for a writer for ever
    "device": lambda path: path.symlink_to("/dev/zero"),  # read until memory ran out
    "folder": lambda path: path.mkdir(),
}


@pytest.mark.parametrize("kind", HOSTILE_PATHS)
@pytest.mark.parametrize(
    "command",
    [
        ["run", "cauda-equina", "--answers", "{path}"],  # an answers file
        ["run", "cauda-equina", "--cases", "{path}"],  # a cases file
        ["replay", "{path}"],  # a transcript
        ["run", "{path}", "--answers", "{path}"],  # a flow file (named .yaml)
    ],
    ids=["answers", "cases", "replay", "flow"],
)
def test_only_regular_files_are_read_by_every_command(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    """A FIFO, a device or a folder is refused in one line, exit 1, and never hangs."""
    path = tmp_path / "input.yaml"
    HOSTILE_PATHS[kind](path)
    args = [part.replace("{path}", str(path)) for part in command]
    result = subprocess.run(
        [sys.executable, "-m", "triagebot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=20,
        check=False,
    )
    [line] = result.stderr.splitlines()
    assert (result.returncode, "not a regular file" in line, "Traceback" in line) == (
        1,
        True,
        False,
    )


def failing_outcome(session: Session) -> OutcomeView | None:
    """Stands for a flow whose outcome raises on this path (e.g. a huge dose)."""
    raise FlowRuntimeError("flow 'cauda-equina': computed 'x' is not a finite number")


def test_a_flow_failing_at_its_outcome_is_one_message_in_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """run --answers, run --cases and replay: a fault in the outcome is one located line
    (an error record for --cases), exit 1, never an internal error."""
    answers = tmp_path / "a.json"
    answers.write_text(CAUDA_NO)
    code, transcript, _ = run(
        ["run", "cauda-equina", "--answers", str(answers), "--format", "json"], capsys
    )
    recorded = tmp_path / "t.json"
    recorded.write_text(transcript)
    monkeypatch.setattr(Session, "outcome", failing_outcome)
    flow_file = ROOT / "flows" / "cauda-equina.yaml"
    message = f"{flow_file}: flow 'cauda-equina': computed 'x' is not a finite number\n"
    cases_code, results, _ = run_cases_file(tmp_path, capsys, CAUDA_NO.encode())
    expected = [
        (1, message),
        (1, message),
        (1, [{"case": 1, "error": "flow 'cauda-equina': computed 'x' is not a finite number"}]),
    ]
    assert expected == [
        run(["run", "cauda-equina", "--answers", str(answers)], capsys)[::2],
        run(["replay", str(recorded)], capsys)[::2],
        (cases_code, results),
    ]
    assert code == 0


@pytest.mark.parametrize(
    "folder",
    [
        "/nonexistent/flows",  # no such folder: listing it was an internal error
        "/dev/zero",  # not a folder at all
    ],
)
def test_flows_must_name_a_folder(folder: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--flows DIR that is no folder is a usage error naming it, not an internal error."""
    code, _, err = run(["list", "--flows", folder], capsys)
    expected = (2, f"argument --flows: '{folder}' is not a folder of flow files")
    assert expected == (code, err.strip().splitlines()[-1].split("error: ")[1])
