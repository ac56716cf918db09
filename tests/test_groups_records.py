"""A repeated group's rounds in what a session leaves: transcripts, exports, FHIR, journals,
replay and the `run` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.questionnaire import Questionnaire as Questionnaire5
from fhir.resources.questionnaireresponse import QuestionnaireResponse as Response5
from fhir.resources.R4B.questionnaire import Questionnaire as Questionnaire4
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as Response4

from tests.transcript_helpers import ticking_clock
from triagebot.app import exports, fhir, journal, resuming
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.replay import replay
from triagebot.flows.transcript import Transcript, from_json, to_json
from triagebot.flows.transcript_build import from_session

DATA = Path(__file__).parent / "data" / "groups"
CRT_PATH = DATA / "crt.yaml"
CRT = load_flow(CRT_PATH)
MODELS = {"R5": (Questionnaire5, Response5), "R4B": (Questionnaire4, Response4)}
TWO_BRANCHES: dict[str, Any] = {
    "sinus_rhythm": "yes",
    "lvef_percent": 30,
    "baseline_qrs_ms": 160,
    "branches": [
        {"branch_name": "posterior", "paced_qrs_ms": 150, "diaphragmatic_stimulation": "no"},
        {"branch_name": "lateral", "paced_qrs_ms": 140, "diaphragmatic_stimulation": "yes"},
    ],
}


def transcript(answers: dict[str, Any] = TWO_BRANCHES) -> Transcript:
    return from_session(drive(CRT, answers, ticking_clock()))


def test_answers_keep_their_group_and_round() -> None:
    """Every member's answer records its group and round; the group is described."""
    record = transcript()
    rounds = [(a.question, a.group, a.round) for a in record.answers]
    assert (rounds[2:5], record.groups[0].model_dump()) == (
        [
            ("baseline_qrs_ms", None, None),
            ("branch_name", "branches", 1),
            ("paced_qrs_ms", "branches", 1),
        ],
        {"id": "branches", "entry": "Branch", "max": 6},
    )


def test_json_round_trips_and_recorded_answers_are_an_answers_file() -> None:
    """JSON is lossless; recorded answers give the group as a list, which drives again."""
    record = transcript()
    recorded = record.recorded_answers()
    again = from_session(drive(CRT, recorded, ticking_clock()))
    assert (from_json(to_json(record)) == record, recorded["branches"][1], again.outcome) == (
        True,
        {
            "branch_name": "lateral",
            "paced_qrs_ms": 140,
            "diaphragmatic_stimulation": "yes",
            "another_branch": "no",
        },
        record.outcome,
    )


def test_text_export_numbers_the_rounds() -> None:
    """Plain text: a line per round ("Branch 1:") with its answers indented under it."""
    text = exports.to_text(transcript())
    start = text.index("- Branch 1:")
    assert text[start : text.index("\n\nOUTCOME")].splitlines() == [
        "- Branch 1:",
        "  - Which branch? Posterior",
        "  - BiV-paced QRS duration? 150 ms",
        "  - Diaphragmatic stimulation at this site? No",
        "  - Test another branch? Yes",
        "- Branch 2:",
        "  - Which branch? Lateral",
        "  - BiV-paced QRS duration? 140 ms",
        "  - Diaphragmatic stimulation at this site? Yes",
        "  - Test another branch? No",
    ]


def test_markdown_and_changes_name_the_round() -> None:
    """Markdown nests each round's answers; a change says which round it was in."""
    session = drive(CRT, TWO_BRANCHES, ticking_clock())
    session.edit("paced_qrs_ms", 130, round=2)
    markdown = exports.to_markdown(from_session(session))
    assert (
        "- **Branch 2**\n  - **Which branch?** Lateral\n  - **BiV-paced QRS duration?** 130 ms\n"
        "  - **Diaphragmatic stimulation at this site?** Yes _(carried over)_" in markdown,
        "Branch 2: BiV-paced QRS duration?: 140 ms → 130 ms" in markdown,
    ) == (True, True)


@pytest.mark.parametrize("release", ["R5", "R4B"])
def test_fhir_questionnaire_repeats_the_group(release: fhir.Release) -> None:
    """The group is a repeating group item holding its members' items; it validates."""
    resource = fhir.questionnaire(CRT, release)
    MODELS[release][0].model_validate(resource)
    [group] = [item for item in resource["item"] if item["linkId"] == "branches"]
    assert (group["type"], group["repeats"], [i["linkId"] for i in group["item"]]) == (
        "group",
        True,
        ["branch_name", "paced_qrs_ms", "diaphragmatic_stimulation", "another_branch"],
    )


@pytest.mark.parametrize("release", ["R5", "R4B"])
def test_fhir_response_repeats_the_group_per_entry(release: fhir.Release) -> None:
    """One group item per entry, in round order, each with that round's answers."""
    fmt: exports.Format = "fhir" if release == "R5" else "fhir-r4b"
    response = json.loads(exports.render(fmt, transcript(), CRT))
    MODELS[release][1].model_validate(response)
    groups = [item for item in response["item"] if item["linkId"] == "branches"]
    assert [(g["text"], g["item"][1]["answer"][0]["valueInteger"]) for g in groups] == [
        ("Branch 1", 150),
        ("Branch 2", 140),
    ]


def test_fhir_check_refuses_a_repeated_item_that_does_not_repeat() -> None:
    """A top-level question given twice does not fit the Questionnaire."""
    form = fhir.questionnaire(CRT)
    response = {"item": [{"linkId": "sinus_rhythm"}, {"linkId": "sinus_rhythm"}]}
    assert fhir.check_response(form, response) == [
        "'sinus_rhythm' is given twice but does not repeat"
    ]


def test_replay_matches_answers_by_round() -> None:
    """Replaying a transcript with rounds reaches the same outcome with the same lines."""
    report = replay(transcript(), CRT)
    assert (report.same_outcome, report.not_recorded, report.not_asked) == (True, (), ())


def test_replay_names_the_round_of_an_answer_no_longer_asked(tmp_path: Path) -> None:
    """A flow that now stops the group earlier: round 2's answers are listed with rounds."""
    text = CRT_PATH.read_text(encoding="utf-8").replace("    max: 6\n", "    max: 1\n")
    path = tmp_path / "crt.yaml"
    path.write_text(text, encoding="utf-8")
    report = replay(transcript(), load_flow(path))
    assert [a.where for a in report.not_asked][:2] == [
        "another_branch (round 1)",
        "branch_name (round 2)",
    ]


def test_journal_resumes_mid_round(tmp_path: Path) -> None:
    """A journaled session stopped in round 2 resumes at the same question and round."""
    session = Session(CRT, ticking_clock())
    record = journal.Journal.start(session, tmp_path)
    for raw in ("yes", 30, 160, "posterior", 150, "no", "yes", "lateral"):
        session.answer(raw)
    session.back()
    session.answer("anterolateral")
    session.edit("paced_qrs_ms", 145, round=1)
    record.close()
    resumed = journal.resume(record.path)
    again = resumed.session
    assert (
        (again.current, again.round),
        again.entries("branches"),
        dict(again.answers),
        [(s.node, s.round, s.carried) for s in again.steps][-2:],
    ) == (
        (session.current, session.round),
        session.entries("branches"),
        dict(session.answers),
        [("another_branch", 1, True), ("branch_name", 2, True)],
    )


def test_run_takes_a_group_list_from_an_answers_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot run --answers` reads the group as a list of mappings."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        'sinus_rhythm: "yes"\nlvef_percent: 30\nbaseline_qrs_ms: 160\nbranches:\n'
        '  - {branch_name: posterior, paced_qrs_ms: 150, diaphragmatic_stimulation: "no"}\n'
        '  - {branch_name: lateral, paced_qrs_ms: 140, diaphragmatic_stimulation: "no"}\n',
        encoding="utf-8",
    )
    code = main(["run", str(CRT_PATH), "--answers", str(answers), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert (code, out["outcome"]["id"], out["computed"]["best_branch"]) == (
        0,
        "place_lead",
        "lateral",
    )


def test_run_warns_about_a_member_outside_its_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A member given at the top level, or an unknown key in an entry, is warned about."""
    answers = tmp_path / "answers.json"
    data = {**TWO_BRANCHES, "paced_qrs_ms": 120}
    data["branches"] = [{**TWO_BRANCHES["branches"][0], "typo": 1}]
    answers.write_text(json.dumps(data), encoding="utf-8")
    code = main(["run", str(CRT_PATH), "--answers", str(answers)])
    err = capsys.readouterr().err
    assert (
        code,
        "warning: 'paced_qrs_ms' is asked once per entry of group 'branches'" in err,
        "warning: 'typo' in entry 1 of 'branches' is not a question of the group" in err,
    ) == (0, True, True)


def test_run_cases_with_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--cases`: one transcript per line, a bad group list an error naming the group."""
    cases = tmp_path / "cases.jsonl"
    bad = {**TWO_BRANCHES, "branches": []}
    cases.write_text(json.dumps(TWO_BRANCHES) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    code = main(["run", str(CRT_PATH), "--cases", str(cases)])
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (code, first["outcome"]["id"], second["error"].split(":")[0]) == (
        1,
        "place_lead",
        "group 'branches' has an empty list",
    )


def test_an_unfinished_session_says_which_round_it_stopped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resume list shows the question a session stopped at with its round."""
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(tmp_path))
    session = Session(CRT, ticking_clock())
    record = journal.Journal.start(session)
    for raw in ("yes", 30, 160, "posterior", 150, "no", "yes"):
        session.answer(raw)
    record.close()
    [offer] = resuming.offers()
    assert offer.current == "Q8. Which branch? (Branch 2 of up to 6)"
