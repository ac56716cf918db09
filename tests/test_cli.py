"""The command line: exit codes, messages, and what each command prints."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from triagebot.cli import main

ROOT = Path(__file__).parents[1]


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
    ) == (0, "2027-01-01", False, "1.0.0")


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
    path.write_text("back_or_leg_pain: no\nurinary_dificulty: yes\n")
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
    path.write_text("back_or_leg_pain: no\n")
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
