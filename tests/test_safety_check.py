"""`triagebot check`: the pre-merge gate, one line per failure and a non-zero exit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.flows.compiler import load_flow

PATHWAY = Path(__file__).parent / "data" / "safety" / "pathway.yaml"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def pathway(folder: Path, old: str = "", new: str = "") -> Path:
    text = PATHWAY.read_text(encoding="utf-8")
    assert not old or text.count(old) == 1
    target = folder / "pathway.yaml"
    target.write_text(text.replace(old, new) if old else text, encoding="utf-8")
    return target


def test_the_bundled_flows_pass(capsys: pytest.CaptureFixture[str]) -> None:
    """Every bundled flow is valid, proven and has no stale sign-off: exit 0, no line (a
    long budget: a loaded machine must not stop a proof)."""
    code, lines, err = run(["check", "--max-seconds", "600"], capsys)
    assert (code, lines, err) == (0, [], "check: 6 flows, 0 failures\n")


def test_an_invalid_flow_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flow that does not load: its problem at FILE:LINE:COL, exit 1."""
    flow = pathway(tmp_path, "goto: residual", "goto: nowhere")
    code, lines, _ = run(["check", str(flow)], capsys)
    assert (
        code,
        len(lines),
        bool(re.match(rf"{re.escape(str(flow))}:30:15: goes to unknown node", lines[0])),
    ) == (
        1,
        1,
        True,
    )


def test_a_failing_invariant_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The threshold moved without the invariant: the invariant's failure, exit 1."""
    flow = pathway(tmp_path, "when: residual >= 200", "when: residual >= 300")
    code, lines, _ = run(["check", str(flow)], capsys)
    assert (code, [line.split(": error: ")[1][:40] for line in lines]) == (
        1,
        ["invariant large_residual_is_an_emergency"],
    )


def test_a_stale_signoff_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sign-off made on other bytes, next to the flow: STALE, exit 1 (its judgements made)."""
    flow = pathway(tmp_path)
    (tmp_path / "tests").mkdir()
    judged = "{severity: a, likelihood: b, risk_rating: c, residual_risk: d, acceptance: e}"
    signoff = tmp_path / "tests" / "pathway.signoff.yaml"
    signoff.write_text(
        f"flow: pathway\nflow_sha256: '{'0' * 64}'\nhazards:\n"
        f"  unsure_never_routine: {judged}\n  large_residual_is_an_emergency: {judged}\n",
        encoding="utf-8",
    )
    code, lines, _ = run(["check", str(flow)], capsys)
    assert (code, [line.split(": sign-off ")[0] for line in lines]) == (1, [str(signoff)])


def test_a_current_complete_signoff_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sign-off on the flow's very bytes that assesses every hazard: exit 0."""
    flow = pathway(tmp_path)
    (tmp_path / "tests").mkdir()
    judged = "{severity: a, likelihood: b, risk_rating: c, residual_risk: d, acceptance: e}"
    (tmp_path / "tests" / "pathway.signoff.yaml").write_text(
        f"flow: pathway\nflow_sha256: '{load_flow(flow).sha256}'\nhazards:\n"
        f"  unsure_never_routine: {judged}\n  large_residual_is_an_emergency: {judged}\n",
        encoding="utf-8",
    )
    code, lines, _ = run(["check", str(flow)], capsys)
    assert (code, lines) == (0, [])


def test_an_unknown_flow_is_one_line_and_the_others_are_still_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A name that is no flow is one failure line; the flows after it are still checked."""
    code, lines, err = run(["check", "no-such-flow", str(PATHWAY)], capsys)
    assert (code, [line[:30] for line in lines], err) == (
        1,
        ["no-such-flow: no flow 'no-such"],
        "check: 2 flows, 1 failure\n",
    )
