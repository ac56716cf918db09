"""The bundled flows through the command line: `validate` and `run FLOW --cases FILE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triagebot.cli import main

DATA = Path(__file__).parent / "data" / "flows"
EXPECTED = json.loads((DATA / "expected-outcomes.json").read_text(encoding="utf-8"))


def test_validate_accepts_every_bundled_flow(capsys: pytest.CaptureFixture[str]) -> None:
    """`triagebot validate` checks the four flows (among any others bundled) and exits 0."""
    code = main(["validate"])
    out = capsys.readouterr().out
    expected = (0, sorted(EXPECTED))  # other bundled flows may be listed too
    ok = sorted(
        line.split("(")[1].split(" ")[0] for line in out.splitlines() if line.startswith("ok")
    )
    assert expected == (code, [flow_id for flow_id in ok if flow_id in EXPECTED])


@pytest.mark.parametrize("flow_id", sorted(EXPECTED))
def test_run_cases_reaches_each_outcome(flow_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`triagebot run FLOW --cases FILE` writes one transcript per case, each at its outcome."""
    code = main(["run", flow_id, "--cases", str(DATA / f"{flow_id}.cases.jsonl")])
    lines = capsys.readouterr().out.splitlines()
    transcripts = [json.loads(line) for line in lines]
    expected = (0, EXPECTED[flow_id], [flow_id] * len(lines))
    actual = (
        code,
        [transcript["outcome"]["id"] for transcript in transcripts],
        [transcript["flow"]["id"] for transcript in transcripts],
    )
    assert expected == actual
