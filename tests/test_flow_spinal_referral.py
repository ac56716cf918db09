"""Scenario tests of the spinal-referral flow against ../shared/clinical-spec.md."""

from __future__ import annotations

from typing import Any

import pytest

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session, drive
from triagebot.flows.library import bundled_dir


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(bundled_dir() / "spinal-referral.yaml")


# Every inclusion criterion met without the waiver.
ELIGIBLE: dict[str, Any] = {
    "red_flags": [],
    "referrer": "msk_clinician",
    "non_degenerative": "no",
    "mri_target": "yes",
    "injection_trialled": "yes",
    "waiver_pathology": "no",
    "f2f_sdm_review": "yes",
    "willing_surgery": "yes",
}


def run(flow: CompiledFlow, **changes: Any) -> Session:
    return drive(flow, {**ELIGIBLE, **changes})


def reasons(session: Session) -> list[str]:
    view = session.outcome()
    assert view is not None
    return [item.text for item in view.reasons]


def assert_outcome(session: Session, expected: str) -> None:
    assert expected == session.current


def assert_count(expected: int, lines: list[str]) -> None:
    assert expected == len(lines)


def asked(session: Session) -> list[str]:
    return [step.node for step in session.steps]


def test_all_criteria_met_is_eligible(flow: CompiledFlow) -> None:
    """Every criterion met, no waiver: eligible, with the four criteria listed as met."""
    session = run(flow)
    assert_outcome(session, "eligible")
    assert_count(4, reasons(session))
    assert all(text.startswith("Met:") for text in reasons(session))


def test_waiver_with_purpose_discussed_is_eligible(flow: CompiledFlow) -> None:
    """With the waiver, a discussion of the referral's purpose replaces the face-to-face review."""
    session = run(flow, waiver_pathology="yes", purpose_discussed="yes", f2f_sdm_review="no")
    assert_outcome(session, "eligible")
    assert "f2f_sdm_review" not in asked(session)
    assert any(text.startswith("Waived:") for text in reasons(session))


@pytest.mark.parametrize(
    "flags",
    [
        ["previous_cancer"],  # one flag
        ["neuro_signs"],  # the flag that points to the cauda-equina screen
        ["infection", "trauma", "severe_thoracic_pain"],  # several flags
    ],
)
def test_any_red_flag_goes_to_red_flag_pathway(flow: CompiledFlow, flags: list[str]) -> None:
    """Any red flag ends the routine screen at once, with one investigation line per flag."""
    session = run(flow, red_flags=flags)
    assert_outcome(session, "red_flag_pathway")
    expected = ["red_flags"]
    assert expected == asked(session)
    assert len(flags) == len(reasons(session))


def test_all_red_flags_each_listed(flow: CompiledFlow) -> None:
    """All eight flags ticked: eight reason lines, and neuro signs names the cauda-equina screen."""
    question = flow.question("red_flags")
    every = [option.id for option in question.options]  # type: ignore[union-attr]
    session = run(flow, red_flags=every)
    assert_count(8, reasons(session))
    assert any("cauda-equina screen" in text for text in reasons(session))


def test_gp_referral_is_excluded(flow: CompiledFlow) -> None:
    """A GP referral is excluded before any inclusion criterion is asked."""
    session = run(flow, referrer="gp")
    assert_outcome(session, "gp_referral_excluded")
    expected = ["red_flags", "referrer"]
    assert expected == asked(session)


@pytest.mark.parametrize("referrer", ["msk_clinician", "other_clinician"])
def test_non_gp_referrers_continue(flow: CompiledFlow, referrer: str) -> None:
    """MSK and other clinicians go on to the criteria."""
    assert_outcome(run(flow, referrer=referrer), "eligible")


def test_non_degenerative_is_out_of_scope(flow: CompiledFlow) -> None:
    """A non-degenerative condition (e.g. scoliosis) is outside the policy."""
    session = run(flow, non_degenerative="yes")
    assert_outcome(session, "out_of_scope_non_degenerative")
    expected = ["red_flags", "referrer", "non_degenerative"]
    assert expected == asked(session)


@pytest.mark.parametrize(
    ("changes", "expected_unmet"),
    [
        ({"mri_target": "no"}, ["no appropriate spinal MRI"]),
        ({"injection_trialled": "no"}, ["no spinal injection"]),
        ({"f2f_sdm_review": "no"}, ["no pre-referral face-to-face"]),
        ({"willing_surgery": "no"}, ["would not consider surgery"]),
        # waiver applies but the purpose of the referral was not discussed
        ({"waiver_pathology": "yes", "purpose_discussed": "no"}, ["has not discussed"]),
        # everything unmet without the waiver: four lines, none skipped
        (
            {
                "mri_target": "no",
                "injection_trialled": "no",
                "f2f_sdm_review": "no",
                "willing_surgery": "no",
            },
            [
                "no appropriate spinal MRI",
                "no spinal injection",
                "no pre-referral face-to-face",
                "would not consider surgery",
            ],
        ),
        # everything unmet with the waiver
        (
            {
                "mri_target": "no",
                "injection_trialled": "no",
                "waiver_pathology": "yes",
                "purpose_discussed": "no",
                "willing_surgery": "no",
            },
            [
                "no appropriate spinal MRI",
                "no spinal injection",
                "has not discussed",
                "would not consider surgery",
            ],
        ),
    ],
)
def test_not_yet_eligible_lists_every_unmet_criterion(
    flow: CompiledFlow, changes: dict[str, str], expected_unmet: list[str]
) -> None:
    """Each unmet criterion is listed once, with its next step, and no met one is."""
    session = run(flow, **changes)
    assert_outcome(session, "not_yet_eligible")
    lines = reasons(session)
    assert len(expected_unmet) == len(lines)
    for fragment, line in zip(expected_unmet, lines, strict=True):
        assert fragment in line
        assert "Next step:" in line


def test_failed_criterion_does_not_skip_later_ones(flow: CompiledFlow) -> None:
    """A first criterion failing still asks every later criterion."""
    session = run(flow, mri_target="no")
    expected = [
        "red_flags",
        "referrer",
        "non_degenerative",
        "mri_target",
        "injection_trialled",
        "waiver_pathology",
        "f2f_sdm_review",
        "willing_surgery",
    ]
    assert expected == asked(session)


def test_injection_next_step_cites_girft(flow: CompiledFlow) -> None:
    """The injection criterion's next step names the GIRFT 2023 update."""
    line = reasons(run(flow, injection_trialled="no"))[0]
    assert "trial a spinal injection first" in line
    assert "GIRFT 2023" in line
