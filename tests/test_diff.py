"""`triagebot diff`: every answer path whose outcome changed between two versions of a flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triagebot.app import library
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.diff import changed_paths

DATA = Path(__file__).parent / "data" / "verify"
CAUDA = library.bundled_dir() / "cauda-equina.yaml"


def edited(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1
    target = tmp_path / f"new-{source.name}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return target


def test_same_flow_has_no_changes() -> None:
    """A flow compared with itself: every path explored, none changed."""
    flow = load_flow(CAUDA)
    result = changed_paths(flow, flow)
    assert (len(result.changes), result.paths > 0) == (0, True)


def test_dropping_unsure_from_a_red_flag_changes_exactly_those_paths(tmp_path: Path) -> None:
    """'unsure' no longer leads to emergency MRI: the changed paths all answer it 'unsure'."""
    new = edited(
        tmp_path,
        CAUDA,
        "when: rectal_sensation_loss in ('yes', 'unsure')",
        "when: rectal_sensation_loss == 'yes'",
    )
    result = changed_paths(load_flow(CAUDA), load_flow(new))
    assert result.changes
    assert {("rectal_sensation_loss", "unsure")} == {
        answer
        for change in result.changes
        for answer in change.answers
        if answer[0] == "rectal_sensation_loss"
    }
    assert {"emergency_mri"} == {change.old for change in result.changes}
    # without pain the screen now goes on to the later core symptoms, then out of scope
    expected_new = {"no_ces_features", "ces_unlikely_review", "urgent_msk_2ww", "out_of_scope"}
    assert expected_new == {change.new for change in result.changes}


def test_threshold_change_finds_the_boundary_scores(tmp_path: Path) -> None:
    """'score >= 9' to '> 9': exactly the paths with a score of 9 change outcome."""
    old = load_flow(DATA / "score.yaml")
    new = load_flow(edited(tmp_path, DATA / "score.yaml", "score >= 9", "score > 9"))
    result = changed_paths(old, new)
    assert result.changes
    assert {"consider"} == {change.old for change in result.changes}
    assert {"go", "high_dose"} == {change.new for change in result.changes}


def test_diff_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`triagebot diff OLD NEW --format json` lists old and new outcome per changed path."""
    new = edited(tmp_path, CAUDA, "        goto: out_of_scope\n", "        goto: no_ces_features\n")
    assert main(["diff", str(CAUDA), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    core = ["urinary_difficulty", "saddle_sensation", "bilateral_neuro_deficit"]
    core += ["rectal_sensation_loss", "retention_or_incontinence"]
    no_pain_no_core = {"back_or_leg_pain": "no", **dict.fromkeys(core, "no")}
    expected = [{"answers": no_pain_no_core, "old": "out_of_scope", "new": "no_ces_features"}]
    assert expected == data["changes"]


def test_an_answer_only_one_version_accepts_is_a_changed_path(tmp_path: Path) -> None:
    """A range widened (lactate up to 40 -> 60): an answer the old version refuses is a
    change ('refused: ...' against the new outcome), never a stop of the whole diff."""
    old = load_flow(DATA / "score.yaml")
    new = load_flow(edited(tmp_path, DATA / "score.yaml", "    max: 40\n", "    max: 60\n"))
    result = changed_paths(old, new)
    refused = [change for change in result.changes if change.old.startswith("refused: ")]
    assert (bool(refused), all(not c.new.startswith("refused") for c in refused)) == (True, True)
    assert all("out of range" in change.old for change in refused), refused[0].old
