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
    core = ("urinary_difficulty", "saddle_sensation", "bilateral_neuro_deficit")
    core += ("rectal_sensation_loss", "retention_or_incontinence")
    path.write_text("back_or_leg_pain: no\n" + "".join(f"{name}: no\n" for name in core))
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
