"""cauda-equina: every routing rule of the clinical spec, through the engine and the CLI."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from triagebot.cli import main
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.engine import Session, drive

CORE = [
    "urinary_difficulty",
    "saddle_sensation",
    "bilateral_neuro_deficit",
    "rectal_sensation_loss",
    "retention_or_incontinence",
]
ALL_NO = {
    "back_or_leg_pain": "yes",
    **dict.fromkeys(CORE, "no"),
    "sexual_dysfunction": "no",
    "bilateral_radicular_pain": "no",
}


def case(**changes: str) -> dict[str, str]:
    return {**ALL_NO, **changes}


SCENARIOS: list[tuple[str, dict[str, str], str]] = [
    # rule 1: no back or leg pain
    ("rule1_no_pain", case(back_or_leg_pain="no", urinary_difficulty="yes"), "out_of_scope"),
    # rule 2: any core symptom yes or unsure (each one alone)
    *[(f"rule2_{s}_{v}", case(**{s: v}), "emergency_mri") for s in CORE for v in ("yes", "unsure")],
    # rule 3: sexual dysfunction yes/unsure with bilateral radicular pain
    (
        "rule3_sexual_yes_bilateral",
        case(sexual_dysfunction="yes", bilateral_radicular_pain="yes"),
        "emergency_mri",
    ),
    (
        "rule3_sexual_unsure_bilateral",
        case(sexual_dysfunction="unsure", bilateral_radicular_pain="yes"),
        "emergency_mri",
    ),
    # rule 4: sexual dysfunction as the only other feature
    ("rule4_sexual_yes", case(sexual_dysfunction="yes"), "ces_unlikely_review"),
    ("rule4_sexual_unsure", case(sexual_dysfunction="unsure"), "ces_unlikely_review"),
    # rule 5: the warning sign without CES symptoms
    ("rule5_bilateral_only", case(bilateral_radicular_pain="yes"), "urgent_msk_2ww"),
    # rule 6: nothing
    ("rule6_all_no", case(), "no_ces_features"),
]


@pytest.mark.parametrize(("name", "answers", "expected"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_routing_rules(
    cauda_equina: CompiledFlow, name: str, answers: dict[str, str], expected: str
) -> None:
    """Each routing rule of the spec leads to its outcome."""
    assert expected == drive(cauda_equina, answers).current


def test_screen_stops_at_the_first_core_symptom(cauda_equina: CompiledFlow) -> None:
    """A positive core symptom refers at once: no further questions delay the referral."""
    session = drive(cauda_equina, case(saddle_sensation="unsure"))
    assert [s.node for s in session.steps] == [
        "back_or_leg_pain",
        "urinary_difficulty",
        "saddle_sensation",
    ]


REASON_URINARY = "New difficulty initiating micturition or impaired sensation of urinary flow"


def test_unsure_is_recorded_as_unsure(cauda_equina: CompiledFlow) -> None:
    """Unsure routes like yes but is never silently turned into yes."""
    session = drive(cauda_equina, case(urinary_difficulty="unsure"))
    outcome = session.outcome()
    assert outcome is not None
    assert (
        session.answers["urinary_difficulty"],
        [r.text for r in outcome.reasons],
    ) == ("unsure", [f"{REASON_URINARY} (answered: unsure)"])


def test_every_outcome_line_cites_its_source(cauda_equina: CompiledFlow) -> None:
    """Every question and outcome line carries a citation into the flow's source."""
    sources = {s.id for s in cauda_equina.flow.sources}
    cited = [q.source.doc for _, q in cauda_equina.questions()] + [
        item.item.source.doc for item in cauda_equina.items.values()
    ]
    assert (True, set()) == (len(cited) > 20, set(cited) - sources)


def all_answer_sets() -> list[dict[str, str]]:
    """Every combination of answers (2 x 3^6 x 2): small enough to check exhaustively."""
    yes_no_unsure = ("yes", "no", "unsure")
    result = []
    for pain, core, sexual, bilateral in itertools.product(
        ("yes", "no"), itertools.product(yes_no_unsure, repeat=5), yes_no_unsure, ("yes", "no")
    ):
        result.append(
            {
                "back_or_leg_pain": pain,
                **dict(zip(CORE, core, strict=True)),
                "sexual_dysfunction": sexual,
                "bilateral_radicular_pain": bilateral,
            }
        )
    return result


def broken_invariants(session: Session) -> list[str]:
    session.env.extra[OUTCOME_VARIABLE] = session.current
    try:
        return [
            name for name, rule in session.flow.invariants.items() if not rule.evaluate(session.env)
        ]
    finally:
        session.env.extra.pop(OUTCOME_VARIABLE)


def test_invariants_hold_for_every_answer_set(cauda_equina: CompiledFlow) -> None:
    """I1-I4 of the spec hold on all 2,916 answer combinations."""
    failures = [
        (answers, broken)
        for answers in all_answer_sets()
        if (broken := broken_invariants(drive(cauda_equina, answers)))
    ]
    assert (failures[:3], len(cauda_equina.invariants)) == ([], 4)


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("name", "answers", "expected"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_run_with_answers_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    answers: dict[str, str],
    expected: str,
) -> None:
    """`run --answers FILE` reaches the spec's outcome (a YAML file, yes/no unquoted)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text("".join(f"{key}: {value}\n" for key, value in answers.items()))
    code, out, _ = run_cli(
        ["run", "cauda-equina", "--answers", str(path), "--format", "json"], capsys
    )
    assert (0, expected) == (code, json.loads(out)["outcome"]["id"])


def test_run_with_cases_keeps_order_and_reports_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--cases`: one JSON line out per line in, in order; a bad case gives an error line."""
    lines = [json.dumps(answers) for _, answers, _ in SCENARIOS]
    lines.insert(3, json.dumps({"back_or_leg_pain": "yes", "urinary_difficulty": "perhaps"}))
    lines.insert(5, "{not json")
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(["run", "cauda-equina", "--cases", str(path)], capsys)
    results = [json.loads(line) for line in out.splitlines()]
    expected = [outcome for _, _, outcome in SCENARIOS]
    got = [r["outcome"]["id"] for r in results if "error" not in r]
    errors = [(r["case"], r["error"]) for r in results if "error" in r]
    assert (1, len(lines), expected, 2) == (code, len(results), got, len(errors))
    assert errors[0] == (
        4,
        "question 'urinary_difficulty': 'perhaps' is not accepted: answer yes, no or unsure",
    )
    assert f"2 of {len(lines)} cases failed" in err


def test_json_transcript_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON transcript names the flow (with sha256), answers in order, computed and outcome."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(case(bilateral_radicular_pain="yes")))
    _, out, _ = run_cli(["run", "cauda-equina", "--answers", str(path), "--format", "json"], capsys)
    data: dict[str, Any] = json.loads(out)
    flow_text = (Path(__file__).parents[1] / "flows" / "cauda-equina.yaml").read_bytes()

    assert (
        {"id": "cauda-equina", "version": "1.0.0", "sha256": hashlib.sha256(flow_text).hexdigest()},
        list(ALL_NO),
        "Does the patient present with back pain and/or leg pain?",
        {},
        ("urgent_msk_2ww", "urgent"),
    ) == (
        {k: data["flow"][k] for k in ("id", "version", "sha256")},
        [a["question"] for a in data["answers"]],
        data["answers"][0]["prompt"],
        data["computed"],
        (data["outcome"]["id"], data["outcome"]["urgency"]),
    )
    assert all({"question", "prompt", "answer", "at"} <= set(a) for a in data["answers"])


def test_yaml_answers_are_not_yaml_booleans(tmp_path: Path) -> None:
    """`no` in an answers file means the answer no (PyYAML alone would read False)."""
    assert yaml.safe_load("a: no") == {"a": False}  # the trap this guards against
    path = tmp_path / "a.yaml"
    path.write_text("back_or_leg_pain: no\n")
    assert main(["run", "cauda-equina", "--answers", str(path)]) == 0
