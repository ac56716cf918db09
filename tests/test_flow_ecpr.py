"""Scenario tests of the paediatric eCPR flow against ../shared/clinical-spec.md."""

from __future__ import annotations

from typing import Any

import pytest

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session, drive
from triagebot.flows.library import bundled_dir


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(bundled_dir() / "ecpr.yaml")


# A witnessed in-PICU cardiac arrest with a reversible cause and a low De Mul score: go.
GO: dict[str, Any] = {
    "in_arrest": "yes",
    "cpr_quality": "yes",
    "ecmo_contraindication": "no",
    "team_available": "yes",
    "location": "picu",
    "hypothermia": "no",
    "reversible_cause": "yes",
    "cause": "cardiac",
    "witnessed": "yes",
    "cpr_minutes": 20,
    "lactate": 4,
    "ph": 7.2,
    "weight_kg": 12,
}


def run(flow: CompiledFlow, **changes: Any) -> Session:
    return drive(flow, {**GO, **changes})


def assert_outcome(session: Session, expected: str) -> None:
    assert expected == session.current


def reasons(session: Session) -> list[str]:
    view = session.outcome()
    assert view is not None
    return [item.text for item in view.reasons]


def actions(session: Session) -> list[str]:
    view = session.outcome()
    assert view is not None
    return [item.text for item in view.actions]


def computed(session: Session, name: str) -> object:
    return session.computed_values()[name]


def test_baseline_is_go(flow: CompiledFlow) -> None:
    """The favourable case reaches go with the activation checklist."""
    session = run(flow)
    assert_outcome(session, "go")
    expected_score = 3
    assert expected_score == computed(session, "demul_score")
    assert any("Kardiodienst" in text for text in actions(session))
    assert any("NEO-Dienst" in text for text in actions(session))


def test_not_in_arrest_and_no_rosc_is_not_indicated(flow: CompiledFlow) -> None:
    """Rule 1: neither arrest nor ROSC with low output within 20 minutes."""
    session = run(flow, in_arrest="no", rosc_low_output="no")
    assert_outcome(session, "not_indicated")
    expected = ["in_arrest", "rosc_low_output"]
    assert expected == [step.node for step in session.steps]


def test_rosc_with_low_output_goes_on_without_cpr_quality(flow: CompiledFlow) -> None:
    """ROSC with low output meets the definition; CPR quality is not asked."""
    session = run(flow, in_arrest="no", rosc_low_output="yes")
    assert_outcome(session, "go")
    assert "cpr_quality" not in session.answers


def test_inefficient_cpr_is_optimise_cpr(flow: CompiledFlow) -> None:
    """Rule 2: in arrest without efficient CPR, establish it first."""
    session = run(flow, cpr_quality="no")
    assert_outcome(session, "optimise_cpr")
    assert any("80 %" in text for text in actions(session))


@pytest.mark.parametrize(
    ("changes", "expected_fragments"),
    [
        # rule 3 alone
        ({"ecmo_contraindication": "yes"}, ["contraindication"]),
        # rule 4 alone
        ({"team_available": "no"}, ["No ECMO team"]),
        # rule 5: OHCA, normothermic, no reversible cause
        ({"location": "ohca", "reversible_cause": "no"}, ["Out-of-hospital"]),
        # rule 5 with an unsure cause: unsure is not yes
        ({"location": "ohca", "reversible_cause": "unsure"}, ["Out-of-hospital"]),
        # all three together: every reason listed, not only the first
        (
            {
                "ecmo_contraindication": "yes",
                "team_available": "no",
                "location": "ohca",
                "reversible_cause": "unsure",
            },
            ["contraindication", "No ECMO team", "Out-of-hospital"],
        ),
        # contraindication with a hypothermic OHCA: only the contraindication applies
        (
            {"ecmo_contraindication": "yes", "location": "ohca", "hypothermia": "yes"},
            ["contraindication"],
        ),
    ],
)
def test_no_go_lists_every_reason(
    flow: CompiledFlow, changes: dict[str, str], expected_fragments: list[str]
) -> None:
    """Rules 3-5 end in no-go, listing each reason that applies."""
    session = run(flow, **changes)
    assert_outcome(session, "no_go")
    lines = reasons(session)
    assert len(expected_fragments) == len(lines)
    for fragment, line in zip(expected_fragments, lines, strict=True):
        assert fragment in line


def test_no_go_asks_every_no_go_criterion(flow: CompiledFlow) -> None:
    """A contraindication still asks team, location, hypothermia and cause before no-go."""
    session = run(flow, ecmo_contraindication="yes")
    expected = [
        "in_arrest",
        "cpr_quality",
        "ecmo_contraindication",
        "team_available",
        "location",
        "hypothermia",
        "reversible_cause",
    ]
    assert expected == [step.node for step in session.steps]


def test_ohca_with_reversible_cause_is_consider(flow: CompiledFlow) -> None:
    """Rule 5 does not apply with a reversible cause; rule 8 (OHCA) makes it consider."""
    session = run(flow, location="ohca")
    assert_outcome(session, "consider")
    expected = 1
    assert expected == len(reasons(session))
    assert "Out-of-hospital" in reasons(session)[0]


@pytest.mark.parametrize(
    "changes",
    [
        {"location": "ohca", "reversible_cause": "no"},  # hypothermia overrides rule 5
        {"cpr_minutes": 120, "lactate": 20, "ph": 6.5},  # and the De Mul score (18)
        {"witnessed": "no", "cause": "non_cardiac"},  # and the rule 8 factors
    ],
)
def test_hypothermia_is_go(flow: CompiledFlow, changes: dict[str, Any]) -> None:
    """Rule 6: accidental hypothermia is the exception; the score is shown, not applied."""
    session = run(flow, hypothermia="yes", **changes)
    assert_outcome(session, "go")
    assert "hypothermia" in reasons(session)[0]


def test_hypothermia_shows_score_but_does_not_apply_it(flow: CompiledFlow) -> None:
    """A hypothermic child with a score of 18 goes, and the score of 18 is shown."""
    session = run(flow, hypothermia="yes", cpr_minutes=120, lactate=20, ph=6.5)
    expected = 18
    assert expected == computed(session, "demul_score")
    assert "18 points" in reasons(session)[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lactate": 7.9}, "go"),  # 6 + 1 + 1 = 8
        ({"lactate": 8}, "consider"),  # 6 + 2 + 1 = 9
    ],
)
def test_score_nine_is_consider(flow: CompiledFlow, changes: dict[str, Any], expected: str) -> None:
    """Rule 7: a De Mul score of 9 or more is consider; 8 is go."""
    session = run(flow, cpr_minutes=105, ph=7.01, **changes)
    assert_outcome(session, expected)


def test_high_score_reason_names_the_score(flow: CompiledFlow) -> None:
    """The consider reason shows the score."""
    session = run(flow, cpr_minutes=105, lactate=8, ph=7.01)
    expected = ["De Mul score 9 points"]
    assert expected == [line[: len(expected[0])] for line in reasons(session)]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"witnessed": "no"}, "Unwitnessed"),
        ({"reversible_cause": "no"}, "No reversible"),
        ({"reversible_cause": "unsure"}, "answered: unsure"),
        ({"cause": "non_cardiac"}, "Non-cardiac"),
        ({"location": "ohca"}, "Out-of-hospital"),
    ],
)
def test_rule_eight_factors_are_consider(
    flow: CompiledFlow, changes: dict[str, str], fragment: str
) -> None:
    """Rule 8: each adverse factor alone makes the case borderline, with its reason."""
    session = run(flow, **changes)
    assert_outcome(session, "consider")
    lines = reasons(session)
    expected = 1
    assert expected == len(lines)
    assert fragment in lines[0]


def test_consider_lists_every_reason(flow: CompiledFlow) -> None:
    """All five consider reasons at once are all listed."""
    session = run(
        flow,
        location="ohca",
        witnessed="no",
        reversible_cause="yes",
        cause="non_cardiac",
        cpr_minutes=105,
        lactate=18,
        ph=6.6,
    )
    assert_outcome(session, "consider")
    expected = 4  # high score, unwitnessed, non-cardiac, OHCA (the cause is reversible)
    assert expected == len(reasons(session))
    session = run(
        flow,
        location="childrens_hospital",
        witnessed="no",
        reversible_cause="unsure",
        cause="non_cardiac",
        cpr_minutes=105,
        lactate=18,
        ph=6.6,
    )
    expected = 4  # high score, unwitnessed, no reversible cause, non-cardiac
    assert expected == len(reasons(session))


def test_non_cardiac_consider_names_the_specialist(flow: CompiledFlow) -> None:
    """Non-cardiac disease: the consultant confers with the cardiac surgeon and the specialist."""
    text = " ".join(actions(run(flow, cause="non_cardiac")))
    assert "consultant of the specialty concerned" in text
    assert "cardiologist" not in text


@pytest.mark.parametrize(
    ("minutes", "points"),
    [
        (0, 1),
        (39, 1),  # < 40 → 1
        (39.9, 1),
        (40, 2),  # 40-59 → 2
        (59, 2),
        (59.5, 2),  # between printed bands: the lower band
        (60, 3),  # 60-104 → 3
        (104, 3),
        (105, 6),  # ≥ 105 → 6 (the slide prints "> 105")
        (300, 6),
    ],
)
def test_cpr_duration_points(flow: CompiledFlow, minutes: float, points: int) -> None:
    """CPR duration bands of the De Mul score, both sides of each boundary."""
    assert points == computed(run(flow, cpr_minutes=minutes), "demul_cpr_points")


@pytest.mark.parametrize(
    ("lactate", "points"),
    [
        (0, 1),
        (7.9, 1),  # < 8 → 1
        (8, 2),  # 8 to < 14 → 2
        (13.9, 2),
        (14, 3),  # 14 to < 18 → 3
        (17.9, 3),
        (18, 6),  # ≥ 18 → 6 (the slide prints "> 18")
        (40, 6),
    ],
)
def test_lactate_points(flow: CompiledFlow, lactate: float, points: int) -> None:
    """Lactate bands of the De Mul score, both sides of each boundary."""
    assert points == computed(run(flow, lactate=lactate), "demul_lactate_points")


@pytest.mark.parametrize(
    ("ph", "points"),
    [
        (7.8, 1),
        ("7,01", 1),  # > 7.00 → 1 (decimal comma accepted)
        ("7,00", 2),  # 6.85-7.00 → 2
        (6.85, 2),
        (6.84, 3),  # > 6.60 to < 6.85 → 3
        (6.61, 3),
        (6.60, 6),  # ≤ 6.60 → 6 (the slide prints "> 6,6")
        (6.3, 6),
    ],
)
def test_ph_points(flow: CompiledFlow, ph: object, points: int) -> None:
    """pH bands of the De Mul score, both sides of each boundary."""
    assert points == computed(run(flow, ph=ph), "demul_ph_points")


def test_outcome_shows_points_per_component(flow: CompiledFlow) -> None:
    """The outcome shows each component's points, the score and the ECMO system."""
    session = run(flow, cpr_minutes=45, lactate=14, ph=6.9)
    view = session.outcome()
    assert view is not None
    shown = {value.name: value.display for value in view.shown}
    expected = {
        "demul_cpr_points": "2 points",
        "demul_lactate_points": "3 points",
        "demul_ph_points": "2 points",
        "demul_score": "7 points",
        "ecmo_system": "the PICU's own ECMO system (under 15 kg)",
    }
    assert expected == shown


@pytest.mark.parametrize("unknown", ["lactate", "ph"])
def test_unknown_lab_value_makes_score_not_available(flow: CompiledFlow, unknown: str) -> None:
    """Lactate or pH unknown: no score, rule 7 skipped, and the outcome says so."""
    session = run(flow, cpr_minutes=120, **{unknown: "unknown"})
    assert_outcome(session, "go")
    assert computed(session, "demul_score") is None
    view = session.outcome()
    assert view is not None
    shown = {value.name: value.display for value in view.shown}
    expected = "not available"
    assert expected == shown["demul_score"]
    assert expected == shown[f"demul_{unknown}_points"]
    assert any("could not be computed" in text for text in actions(session))


def test_unknown_lab_value_in_consider_says_score_not_computed(flow: CompiledFlow) -> None:
    """A consider outcome without a score says the score could not be computed."""
    session = run(flow, witnessed="no", lactate="unknown")
    assert_outcome(session, "consider")
    assert any("could not be computed" in text for text in actions(session))


@pytest.mark.parametrize(
    ("changes", "warned"),
    [
        ({"cpr_minutes": 105, "ph": 6.6, "lactate": "unknown"}, True),  # 6 + 6 + ≥1
        ({"cpr_minutes": 60, "ph": 6.6, "lactate": "unknown"}, True),  # 3 + 6 + ≥1 = 10
        ({"cpr_minutes": 40, "ph": 6.6, "lactate": "unknown"}, True),  # 2 + 6 + ≥1 = 9
        ({"cpr_minutes": 39, "ph": 6.6, "lactate": "unknown"}, False),  # 1 + 6 + ≥1 = 8
    ],
)
def test_known_components_reaching_nine_are_flagged(
    flow: CompiledFlow, changes: dict[str, Any], warned: bool
) -> None:
    """With lactate unknown, the outcome says when the known points alone reach 9."""
    session = run(flow, **changes)
    assert_outcome(session, "go")
    assert warned == any("already give" in text for text in actions(session))


@pytest.mark.parametrize(
    ("weight", "system"),
    [
        (0.5, "picu_system"),
        (14.9, "picu_system"),  # < 15 kg → the PICU's own system
        (15, "perfusion_system"),  # ≥ 15 kg → cardiotechnics
        (150, "perfusion_system"),
    ],
)
def test_ecmo_system_by_weight(flow: CompiledFlow, weight: float, system: str) -> None:
    """The ECMO system is chosen by weight, 15 kg and over from cardiotechnics."""
    assert system == computed(run(flow, weight_kg=weight), "ecmo_system")


def test_out_of_range_ph_is_refused_with_range(flow: CompiledFlow) -> None:
    """A pH outside 6.3-7.8 is refused, the message giving the range."""
    with pytest.raises(ValueError, match=r"from 6\.3 to 7\.8"):
        run(flow, ph=8.1)
