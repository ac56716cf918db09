"""cauda-equina: every routing rule of the clinical spec (version 2), through the engine and
the CLI, and each invariant shown to fail on a copy of the flow that breaks its promise."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from triagebot.app.library import bundled_dir
from triagebot.cli import main
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow, compile_text
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.verify import Finding, verify

FLOW_FILE = bundled_dir() / "cauda-equina.yaml"

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


NO_PAIN = {"back_or_leg_pain": "no", **dict.fromkeys(CORE, "no")}
"""No back or leg pain, and every core symptom answered no."""


def painless(**changes: str) -> dict[str, str]:
    return {**NO_PAIN, **changes}


SCENARIOS: list[tuple[str, dict[str, str], str]] = [
    # rule 1: any core symptom yes or unsure (each one alone), with back or leg pain
    *[(f"rule1_{s}_{v}", case(**{s: v}), "emergency_mri") for s in CORE for v in ("yes", "unsure")],
    # rule 1 without pain: CES can be painless, so each core symptom still means MRI
    *[
        (f"rule1_painless_{s}_{v}", painless(**{s: v}), "emergency_mri")
        for s in CORE
        for v in ("yes", "unsure")
    ],
    # the spec's example: painless urinary retention with saddle anaesthesia
    (
        "rule1_painless_retention_and_saddle",
        painless(saddle_sensation="yes", retention_or_incontinence="yes"),
        "emergency_mri",
    ),
    # rule 2: no back or leg pain and every core symptom no
    ("rule2_no_pain_no_core_symptom", painless(), "out_of_scope"),
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


def asked(session: Session) -> list[str]:
    return [step.node for step in session.steps]


def test_no_pain_still_asks_every_core_symptom(cauda_equina: CompiledFlow) -> None:
    """A "no" to back or leg pain is followed by the five core symptoms, and nothing else."""
    assert ["back_or_leg_pain", *CORE] == asked(drive(cauda_equina, painless()))


def test_painless_retention_with_saddle_anaesthesia_is_an_emergency(
    cauda_equina: CompiledFlow,
) -> None:
    """The spec's example: painless, with saddle anaesthesia: emergency MRI, not out of scope."""
    session = drive(cauda_equina, painless(saddle_sensation="yes", retention_or_incontinence="yes"))
    outcome = session.outcome()
    assert outcome is not None
    expected = ("emergency_mri", "emergency", 2)
    assert expected == (outcome.id, outcome.urgency, len(outcome.reasons))
    assert "CES can present as painless urinary retention" in outcome.reasons[1].text


def test_painless_reason_only_without_pain(cauda_equina: CompiledFlow) -> None:
    """With pain, the emergency card gives only the symptom: no word about painless CES."""
    outcome = drive(cauda_equina, case(saddle_sensation="yes")).outcome()
    assert outcome is not None
    expected = ["New altered perianal, perineal or genital sensation (answered: yes)"]
    assert expected == [r.text for r in outcome.reasons]


@pytest.mark.parametrize(
    "answers",
    [
        painless(),  # out of scope
        painless(rectal_sensation_loss="unsure"),  # a painless emergency
    ],
)
def test_sexual_and_radicular_questions_only_with_pain(
    cauda_equina: CompiledFlow, answers: dict[str, str]
) -> None:
    """Without back or leg pain, sexual dysfunction and bilateral radicular pain are not asked."""
    questions = set(asked(drive(cauda_equina, answers)))
    assert set() == questions & {"sexual_dysfunction", "bilateral_radicular_pain"}


def test_out_of_scope_says_no_pain_no_core_symptom_and_rescreen(
    cauda_equina: CompiledFlow,
) -> None:
    """Out of scope says: no pain, no core CES symptom today; re-screen if one appears."""
    outcome = drive(cauda_equina, painless()).outcome()
    assert outcome is not None
    assert (outcome.urgency, outcome.summary) == (
        "none",
        "No back or leg pain and no core CES symptom today: this screen applies to back "
        "and/or leg pain presentations. Re-screen if any core symptom appears.",
    )
    assert "no core CES symptom today" in outcome.title
    assert outcome.safety_netting[0].text.startswith("Re-screen at once if any core CES symptom")


def test_sexual_dysfunction_asks_about_difficulty(cauda_equina: CompiledFlow) -> None:
    """The sexual dysfunction question asks about new difficulty, as the spec words it."""
    prompt = cauda_equina.question("sexual_dysfunction").prompt
    assert "difficulty achieving an erection or ejaculating, or loss of vaginal sensation" in prompt


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
    """I1-I4 of the spec (and the pain-only questions) hold on all 2,916 answer combinations."""
    failures = [
        (answers, broken)
        for answers in all_answer_sets()
        if (broken := broken_invariants(drive(cauda_equina, answers)))
    ]
    assert (failures[:3], len(cauda_equina.invariants)) == ([], 5)


def test_the_flow_verifies_exhaustively(cauda_equina: CompiledFlow) -> None:
    """`verify` proves every invariant on every path, exhaustively, reaching every outcome."""
    report = verify(cauda_equina)
    expected = (True, True, [], 5)
    assert expected == (
        report.ok,
        report.exhaustive,
        report.findings,
        len(report.exploration.shortest),
    )


def violations(old: str, new: str) -> dict[str, Finding]:
    """Each invariant the verifier reports broken on a copy of the flow with ``old`` → ``new``."""
    text = FLOW_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"not in the flow: {old!r}"
    report = verify(compile_text(text.replace(old, new), "mutant.yaml"))
    return {f.message.split()[1]: f for f in report.findings if f.code == "invariant"}


# Each invariant, and a copy of the flow that breaks its promise (old text, new text).
MUTANTS = [
    # I1: 'unsure' about rectal sensation no longer leads to MRI
    (
        "i1_core_symptom_means_mri",
        "when: rectal_sensation_loss in ('yes', 'unsure')",
        "when: rectal_sensation_loss == 'yes'",
    ),
    # I2: the warning sign with sexual dysfunction sent to the 2-week-wait route
    (
        "i2_msk_only_without_ces_symptoms",
        "bilateral_radicular_pain == 'yes'\n        goto: emergency_mri",
        "bilateral_radicular_pain == 'yes'\n        goto: urgent_msk_2ww",
    ),
    # I3: version 1's defect: "no pain" ends the screen before any core symptom is asked
    (
        "i3_out_of_scope_only_without_pain_or_core_symptom",
        "    next: urinary_difficulty\n",
        "    next:\n      - when: back_or_leg_pain == 'no'\n        goto: out_of_scope\n"
        "      - goto: urinary_difficulty\n",
    ),
    # I3: a patient with pain called out of scope
    (
        "i3_out_of_scope_only_without_pain_or_core_symptom",
        "      - when: back_or_leg_pain == 'no' and retention_or_incontinence == 'no'\n",
        "      - when: retention_or_incontinence == 'no'\n",
    ),
    # I4: version 1's defect again, seen from "out of scope"
    (
        "i4_no_reassurance_before_every_core_no",
        "    next: urinary_difficulty\n",
        "    next:\n      - when: back_or_leg_pain == 'no'\n        goto: out_of_scope\n"
        "      - goto: urinary_difficulty\n",
    ),
    # I4: "no CES features" after skipping rectal sensation and retention
    (
        "i4_no_reassurance_before_every_core_no",
        "      - goto: rectal_sensation_loss\n",
        "      - when: back_or_leg_pain == 'yes'\n        goto: sexual_dysfunction\n"
        "      - goto: rectal_sensation_loss\n",
    ),
    # the pain-only questions asked without pain
    (
        "pain_questions_only_with_pain",
        "        goto: out_of_scope\n",
        "        goto: sexual_dysfunction\n",
    ),
]


@pytest.mark.parametrize(
    ("name", "old", "new"), MUTANTS, ids=[f"{m[0]}-{n}" for n, m in enumerate(MUTANTS)]
)
def test_breaking_a_promise_fails_its_invariant(name: str, old: str, new: str) -> None:
    """A copy of the flow that breaks an invariant's promise is caught, with a counterexample."""
    found = violations(old, new)
    assert name in found, sorted(found)
    expected = (True, True)  # shortest answers that reproduce it, and where they end
    assert expected == (bool(found[name].answers), found[name].outcome is not None)


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
        {"id": "cauda-equina", "version": "2.0.0", "sha256": hashlib.sha256(flow_text).hexdigest()},
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
    path.write_text("".join(f"{question}: no\n" for question in NO_PAIN))
    assert main(["run", "cauda-equina", "--answers", str(path)]) == 0
