"""Replay for audit: recorded answers back through the flow; changes in the flow reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.transcript_helpers import DATA, MIXED, MIXED_URGENT, driven, mixed
from triagebot.app.library import resolve
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.replay import Asked, describe, replay
from triagebot.flows.transcript import Transcript, from_json, to_json
from triagebot.flows.transcript_build import from_session

SCENARIOS = sorted((DATA / "scenarios").glob("*.json"))


def load(path: Path) -> Transcript:
    return from_json(path.read_text(encoding="utf-8"))


def changed_flow(tmp_path: Path, old: str, new: str):
    """The mixed test flow (or ``base.yaml`` when a test wrote one) with one edit."""
    base = tmp_path / "base.yaml"
    text = (base if base.exists() else MIXED).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mixed.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_transcript_reaches_the_same_outcome(path) -> None:
    """Each recorded scenario, replayed through its bundled flow, ends where it ended."""
    transcript = load(path)
    report = replay(transcript, resolve(transcript.flow.id))
    expected = (True, (), (), ())
    assert expected == (report.same_outcome, report.refused, report.not_recorded, report.not_asked)


def test_scenarios_cover_every_outcome_of_the_bundled_flow() -> None:
    """The scenario transcripts reach every outcome of cauda-equina between them."""
    outcomes = {load(p).outcome.id for p in SCENARIOS if load(p).flow.id == "cauda-equina"}
    expected = {node_id for node_id, _ in resolve("cauda-equina").outcomes()}
    assert expected == outcomes


def test_edited_transcript_replays_its_final_answers() -> None:
    """A transcript with an edit replays the answers that stood, reaching the same outcome."""
    report = replay(load(DATA / "mixed-edited.json"), mixed())
    expected = (True, False)
    assert expected == (report.same_outcome, report.flow_changed)


def test_unchanged_flow_is_said_to_be_unchanged() -> None:
    """Same file, same sha256: the report says so and the outcome is the same."""
    report = replay(from_session(driven(mixed(), MIXED_URGENT)), mixed())
    lines = describe(report).splitlines()
    expected = [
        "The flow file is the one the transcript was taken on (same sha256).",
        "Same outcome: urgent (urgent), with the same lines.",
    ]
    assert expected == lines[1:]


def test_answer_now_refused_is_reported(tmp_path) -> None:
    """An option removed from the flow: the recorded answer is refused, and that is said."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    flow = changed_flow(tmp_path, "{id: red, label: Red}", "{id: pink, label: Pink}")
    report = replay(transcript, flow)
    text = describe(report)
    expected = (True, ["colour"], False, None)
    assert expected == (
        report.flow_changed,
        [r.question for r in report.refused],
        report.same_outcome,
        report.outcome,
    )
    assert "The flow file has changed since the transcript was taken:" in text
    assert (
        "  - colour (Colour of the rash?): 'red' is not accepted: answer one of: pink, purple"
        in text
    )
    assert "DIFFERENT OUTCOME: recorded urgent (urgent); now none reached." in text


def test_question_now_asked_is_reported(tmp_path) -> None:
    """A question added to the flow: it is reported as asked now but not recorded."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    text = MIXED.read_text(encoding="utf-8").replace(
        "  emergency:\n",
        "  pregnant:\n    type: yes_no\n    prompt: Could the patient be pregnant?\n"
        "    why: x\n    source: {doc: test_doc, section: S}\n    next: smoker\n\n"
        "  emergency:\n",
    )
    (tmp_path / "base.yaml").write_text(text, encoding="utf-8")
    old = "    source: {doc: test_doc, section: Symptoms}\n    next: smoker\n"
    flow = changed_flow(tmp_path, old, old.replace("next: smoker", "next: pregnant"))
    report = replay(transcript, flow)
    expected = ((Asked("pregnant", "Could the patient be pregnant?"),), ())
    assert expected == (report.not_recorded, report.refused)
    assert "Questions now asked that were not recorded:" in describe(report)


def test_different_outcome_is_reported(tmp_path) -> None:
    """A changed threshold routes the same answers elsewhere: a different outcome."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    flow = changed_flow(tmp_path, "len(symptoms) >= 2", "len(symptoms) >= 3")
    report = replay(transcript, flow)
    expected = (False, "routine")
    assert expected == (report.same_outcome, report.outcome.id)
    assert "DIFFERENT OUTCOME: recorded urgent (urgent); now routine (routine)." in describe(report)


def test_changed_outcome_lines_are_listed(tmp_path) -> None:
    """Same outcome id but a reworded action: the lines that differ are listed."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    flow = changed_flow(tmp_path, "Stop smoking advice.", "Offer stop smoking support.")
    text = describe(replay(transcript, flow))
    expected = [
        "DIFFERENT OUTCOME: recorded urgent (urgent); now urgent (urgent).",
        "  - no longer shown: Stop smoking advice.",
        "  + now shown: Offer stop smoking support.",
    ]
    assert expected == text.splitlines()[-3:]


def test_answers_no_longer_asked_are_reported(tmp_path) -> None:
    """A question the new routing skips: its recorded answer is listed as not asked."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    flow = changed_flow(tmp_path, "    next: weight\n", "    next: colour\n")
    report = replay(transcript, flow)
    expected = (Asked("weight", "Weight?"),)
    assert expected == report.not_asked


def test_replay_command_exit_codes(tmp_path, capsys) -> None:
    """``triagebot replay`` exits 0 for the same outcome and 1 for a different one."""
    transcript_path = tmp_path / "t.json"
    transcript_path.write_text(to_json(from_session(driven(mixed(), MIXED_URGENT))))
    same = main(["replay", str(transcript_path), "--flow", str(MIXED)])
    changed_flow(tmp_path, "len(symptoms) >= 2", "len(symptoms) >= 3")
    different = main(["replay", str(transcript_path), "--flow", str(tmp_path / "mixed.yaml")])
    out = capsys.readouterr().out
    expected = (0, 1)
    assert expected == (same, different)
    assert "now routine (routine)" in out


def test_replay_command_refuses_a_file_that_is_not_a_transcript(tmp_path, capsys) -> None:
    """A JSON file that is no transcript is one message and exit 1, never a traceback."""
    path = tmp_path / "answers.json"
    path.write_text('{"back_or_leg_pain": "yes"}')
    code = main(["replay", str(path)])
    err = capsys.readouterr().err
    expected = (1, True)
    assert expected == (code, err.startswith(f"{path}: not a triagebot JSON transcript:"))


def test_replay_command_finds_the_bundled_flow_by_id(capsys) -> None:
    """Without --flow, the transcript's flow id names the bundled flow."""
    code = main(["replay", str(SCENARIOS[0])])
    expected = (0, "Same outcome:")
    assert expected == (code, capsys.readouterr().out.splitlines()[-1][:13])


@pytest.mark.parametrize(
    "flow_id",
    [
        "{flow}",  # the path of a real flow file, absolute
        "../../flows/heparin.yaml",  # a relative path
        "heparin.yaml",  # a bundled flow's file name, not its id
    ],
)
def test_a_transcripts_flow_id_is_never_a_path(tmp_path, capsys, flow_id) -> None:
    """A transcript's flow.id names a bundled flow only: a path in it is not loaded."""
    flow_file = tmp_path / "evil.yaml"
    flow_file.write_text(MIXED.read_text())
    data = json.loads(SCENARIOS[0].read_text(encoding="utf-8"))
    data["flow"]["id"] = flow_id.replace("{flow}", str(flow_file))
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    code = main(["replay", str(path)])
    err = capsys.readouterr().err
    expected = (1, f"{path}: no flow '", True)
    assert expected == (code, err[: len(expected[1])], "'; bundled flows: cauda-equina" in err)


def test_a_400_digit_answer_in_a_transcript_is_reported_as_refused(tmp_path, capsys) -> None:
    """A recorded number no float holds is an answer the flow refuses, not a crash."""
    data = json.loads(to_json(from_session(driven(mixed(), MIXED_URGENT))))
    [age] = [answer for answer in data["answers"] if answer["question"] == "age"]
    age["answer"] = 10**400
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    code = main(["replay", str(path), "--flow", str(MIXED)])
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("  - age (")]
    expected = (1, "  - age (Age of the patient?): 100000000000000000000000000000… is out of range")
    assert expected == (code, line[: len(expected[1])])
