"""Scenario tests of the heparin (EVT) flow against ../shared/clinical-spec.md."""

from __future__ import annotations

from typing import Any

import pytest

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session, drive
from triagebot.flows.library import bundled_dir
from triagebot.flows.schema import NumberQuestion
from triagebot.flows.transcript import from_session


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(bundled_dir() / "heparin.yaml")


NO_REASON: dict[str, Any] = {
    "hit_history": "no",
    "ivt_given": "no",
    "aspects": 8,
    "oral_anticoagulant": "no",
    "multiple_femoral_punctures": "no",
    "planned_stenting": "no",
    "straightforward_recanalisation": "no",
}

# The survey's worked example: 3 bags x 90 mL/h x 2000 IU/L = 540 IU/h, no bolus.
WORKED_EXAMPLE: dict[str, Any] = {
    **NO_REASON,
    "bags": 3,
    "drip_rate_ml_h": 90,
    "concentration_iu_l": 2000,
    "bolus_iu": 0,
    "duration_h": 2,
}

WITHHOLDING = [
    "ivt_given",
    "aspects",
    "oral_anticoagulant",
    "multiple_femoral_punctures",
    "planned_stenting",
    "straightforward_recanalisation",
]


def run(flow: CompiledFlow, **changes: Any) -> Session:
    return drive(flow, {**WORKED_EXAMPLE, **changes})


def assert_outcome(session: Session, expected: str) -> None:
    assert expected == session.current


def reasons(session: Session) -> list[str]:
    view = session.outcome()
    assert view is not None
    return [item.text for item in view.reasons]


def computed(session: Session) -> dict[str, object]:
    return dict(session.computed_values())


def test_worked_example_is_540_iu_per_hour(flow: CompiledFlow) -> None:
    """3 bags x 90 mL/h x 2000 IU/L = 540 IU/h, the survey median; no bolus, 2 h."""
    session = run(flow)
    assert_outcome(session, "proceed")
    values = computed(session)
    expected = {"flush_iu_h": 540.0, "first_hour_iu": 540.0, "procedure_total_iu": 1080.0}
    assert expected == {name: values[name] for name in expected}


def test_hit_withholds_all_heparin_at_once(flow: CompiledFlow) -> None:
    """A history of HIT ends the flow at the first question: no heparin by any route."""
    session = run(flow, hit_history="yes", ivt_given="yes")
    assert_outcome(session, "withhold_all")
    expected = ["hit_history"]
    assert expected == [step.node for step in session.steps]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"ivt_given": "yes"}, "(40/69, 58 %)"),
        ({"aspects": 4}, "(24/69, 35 %)"),
        ({"aspects": 0}, "ASPECTS 0, below 5"),
        ({"oral_anticoagulant": "yes"}, "DOAC or warfarin"),
        ({"multiple_femoral_punctures": "yes"}, "Multiple femoral punctures"),
        ({"planned_stenting": "yes"}, "stenting"),
        ({"straightforward_recanalisation": "yes"}, "Straightforward"),
    ],
)
def test_each_withholding_reason_alone(
    flow: CompiledFlow, changes: dict[str, Any], fragment: str
) -> None:
    """Each reported reason alone withholds the flush, listed as reported practice."""
    session = run(flow, **changes)
    assert_outcome(session, "withhold_flush")
    lines = reasons(session)
    expected = 1
    assert expected == len(lines)
    assert fragment in lines[0]
    assert "reported practice" in lines[0]


@pytest.mark.parametrize(
    ("aspects", "expected"),
    [
        (4, "withhold_flush"),  # < 5 is a reason
        (5, "proceed"),  # 5 is not
    ],
)
def test_aspects_boundary(flow: CompiledFlow, aspects: int, expected: str) -> None:
    """ASPECTS below 5 withholds; 5 does not."""
    assert_outcome(run(flow, aspects=aspects), expected)


def test_every_reason_is_asked_and_listed(flow: CompiledFlow) -> None:
    """All six reasons apply: all six are asked and all six are listed."""
    answers = {
        "ivt_given": "yes",
        "aspects": 3,
        "oral_anticoagulant": "yes",
        "multiple_femoral_punctures": "yes",
        "planned_stenting": "yes",
        "straightforward_recanalisation": "yes",
    }
    session = run(flow, **answers)
    assert_outcome(session, "withhold_flush")
    expected_asked = ["hit_history", *WITHHOLDING]
    assert expected_asked == [step.node for step in session.steps]
    expected_count = 6
    assert expected_count == len(reasons(session))


def test_first_reason_does_not_skip_the_others(flow: CompiledFlow) -> None:
    """IV thrombolysis (the first reason) still asks the five other reasons."""
    session = run(flow, ivt_given="yes")
    expected = ["hit_history", *WITHHOLDING]
    assert expected == [step.node for step in session.steps]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # flush exactly 1080 IU/h (3 x 180 x 2000 / 1000): the upper quartile, not above it
        ({"drip_rate_ml_h": 180}, "proceed"),
        # flush 1080.9 IU/h (1 x 180 x 6005 / 1000): above
        ({"bags": 1, "drip_rate_ml_h": 180, "concentration_iu_l": 6005}, "proceed_high_dose"),
        # first hour exactly 5900 IU (540 + 5360)
        ({"bolus_iu": 5360}, "proceed"),
        # first hour 5901 IU (540 + 5361)
        ({"bolus_iu": 5361}, "proceed_high_dose"),
    ],
)
def test_dose_boundaries(flow: CompiledFlow, changes: dict[str, Any], expected: str) -> None:
    """Flush over 1080 IU/h or a first hour over 5900 IU is high; the quartiles are not."""
    assert_outcome(run(flow, **changes), expected)


def test_high_flush_reason_and_advice(flow: CompiledFlow) -> None:
    """A high flush names the 1080 IU/h quartile and suggests lowering the dose."""
    session = run(flow, bags=4, drip_rate_ml_h=180, concentration_iu_l=2000)
    assert_outcome(session, "proceed_high_dose")
    lines = reasons(session)
    expected = 1
    assert expected == len(lines)
    assert lines[0].startswith("Flush 1440 IU/h: above the upper quartile")
    view = session.outcome()
    assert view is not None
    assert "lowering the heparin concentration, the drip rate or the number of bags" in (
        view.actions[0].text
    )
    assert "long or complex procedures" in view.actions[1].text


def test_both_doses_high_lists_both_reasons(flow: CompiledFlow) -> None:
    """A high flush and a high first hour are both listed."""
    session = run(flow, drip_rate_ml_h=360, bolus_iu=5000)
    expected = 2
    assert expected == len(reasons(session))


@pytest.mark.parametrize("outcome_changes", [{}, {"bolus_iu": 6000}])
def test_proceed_transcript_has_the_three_doses(
    flow: CompiledFlow, outcome_changes: dict[str, Any]
) -> None:
    """Both proceed outcomes put the three computed doses in the transcript."""
    transcript = from_session(run(flow, **outcome_changes))
    assert transcript.outcome is not None
    shown = [value.name for value in transcript.outcome.shown]
    expected = ["flush_iu_h", "first_hour_iu", "procedure_total_iu"]
    assert expected == shown[:3]
    assert all(transcript.computed[name] is not None for name in expected)


def test_mr_clean_med_comparison_over_the_same_time(flow: CompiledFlow) -> None:
    """The MR CLEAN-MED arms are computed over the expected duration (2 h: 6000 and 7500 IU)."""
    values = computed(run(flow))
    expected = (6000.0, 7500.0)
    assert expected == (values["mrclean_low_total_iu"], values["mrclean_high_total_iu"])


def test_drip_rate_offers_the_survey_rates(flow: CompiledFlow) -> None:
    """The drip rate question offers 36, 90, 180, 360 and 900 mL/h; any value may be typed."""
    question = flow.question("drip_rate_ml_h")
    assert isinstance(question, NumberQuestion)
    expected = [36, 90, 180, 360, 900]
    assert expected == [suggestion.value for suggestion in question.suggestions]
    assert_outcome(run(flow, drip_rate_ml_h="45,5"), "proceed")


def test_source_is_labelled_as_a_survey(flow: CompiledFlow) -> None:
    """The source is a survey, and the disclaimer says it is not a guideline."""
    expected = ["survey"]
    assert expected == [source.evidence for source in flow.flow.sources]
    assert "not a guideline" in flow.flow.disclaimer


def test_out_of_range_bags_refused(flow: CompiledFlow) -> None:
    """Seven bags is outside 1-6 and refused with the range."""
    with pytest.raises(ValueError, match="from 1 to 6"):
        run(flow, bags=7)
