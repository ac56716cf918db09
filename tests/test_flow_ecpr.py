"""Scenario tests of the paediatric eCPR flow against ../shared/clinical-spec.md version 2."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import OutcomeView, Session
from triagebot.flows.schema import OutcomeNode

FLOW_PATH = bundled_dir() / "ecpr.yaml"


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(FLOW_PATH)


# A witnessed in-PICU cardiac arrest with a reversible cause and a low De Mul score: go.
GO: dict[str, Any] = {
    "in_arrest": "yes",
    "cpr_quality": "yes",
    "ecmo_contraindication": "no",
    "team_available": "yes",
    "location": "picu",
    "cause": "cardiac",
    "hypothermia": "no",
    "witnessed": "yes",
    "reversible_cause": "yes",
    "cpr_minutes": 20,
    "lactate": 4,
    "ph": 7.2,
    "weight_kg": 12,
}

EVERY_QUESTION = [
    "in_arrest",
    "cpr_quality",
    "ecmo_contraindication",
    "team_available",
    "location",
    "cause",
    "hypothermia",
    "witnessed",
    "reversible_cause",
    "cpr_minutes",
    "lactate",
    "ph",
    "weight_kg",
]

# How each line of the consider and go cards about a factor begins, most specific first.
LINE_STARTS = [
    ("Out-of-hospital arrest (OHCA)", "ohca"),
    ("CPR started outside the ICU", "outside_icu"),
    ("Unwitnessed arrest", "unwitnessed"),
    ("No reversible underlying cause", "no_reversible_cause"),
    ("Non-cardiac underlying disease", "non_cardiac"),
    ("De Mul score 9 or more whatever the missing value", "demul_minimum_nine_or_more"),
    ("De Mul score ", "demul_nine_or_more"),
    ("The De Mul score could not be computed", "demul_not_computable"),
    ("Supporting factor", "hypothermia"),
]


def run(flow: CompiledFlow, **changes: Any) -> Session:
    return drive(flow, {**GO, **changes})


def view(session: Session) -> OutcomeView:
    outcome = session.outcome()
    assert outcome is not None
    return outcome


def reasons(session: Session) -> list[str]:
    return [item.text for item in view(session).reasons]


def actions(session: Session) -> list[str]:
    return [item.text for item in view(session).actions]


def evidence(session: Session) -> list[str]:
    return [item.text for item in view(session).evidence]


def shown(session: Session) -> dict[str, str]:
    return {value.name: value.display for value in view(session).shown}


def asked(session: Session) -> list[str]:
    return [step.node for step in session.steps]


def computed(session: Session, name: str) -> object:
    return session.computed_values()[name]


def listed(session: Session) -> list[str]:
    """The factors (adverse, and hypothermia as supporting) the card's reasons list, in order."""
    found = []
    for text in reasons(session):
        found += [key for start, key in LINE_STARTS if text.startswith(start)][:1]
    return found


def outcome_and_listed(session: Session) -> tuple[str, list[str]]:
    return session.current, listed(session)


# --- the definition, the prerequisite and the hard stops ---------------------------------


def test_baseline_is_go_with_the_activation_checklist(flow: CompiledFlow) -> None:
    """No listed adverse factor: go, with the checklist, and what was and was not checked."""
    session = run(flow)
    expected = ("go", "emergency", EVERY_QUESTION)
    assert expected == (session.current, view(session).urgency, asked(session))
    text = " ".join(reasons(session))
    assert "Checked, none present: out-of-hospital arrest;" in text
    assert "single-ventricle physiology, age under 12 months" in text
    checklist = " ".join(actions(session))
    for step in ("Kardiodienst", "NEO-Dienst", "cardiac surgery", "priming", "under 10 seconds"):
        assert step in checklist
    assert "No listed adverse factor" in view(session).title
    expected_score = 3
    assert expected_score == computed(session, "demul_score")


def test_not_in_arrest_and_no_rosc_is_not_indicated(flow: CompiledFlow) -> None:
    """Rule 1: neither arrest nor ROSC with low output within 20 minutes."""
    session = run(flow, in_arrest="no", rosc_low_output="no")
    expected = ("not_indicated", ["in_arrest", "rosc_low_output"])
    assert expected == (session.current, asked(session))


def test_rosc_with_low_output_goes_on_without_cpr_quality(flow: CompiledFlow) -> None:
    """ROSC with low output meets the definition; CPR quality is not asked, nor CPR advised."""
    session = run(flow, in_arrest="no", rosc_low_output="yes")
    expected = ("go", False)
    assert expected == (session.current, "cpr_quality" in session.answers)
    assert any(text.startswith("Prerequisites met: ROSC") for text in reasons(session))
    assert not any("CPR" in text for text in actions(session))


def test_inefficient_cpr_is_optimise_cpr(flow: CompiledFlow) -> None:
    """Rule 2: in arrest without efficient CPR, establish it first; nothing more is asked."""
    session = run(flow, cpr_quality="no")
    expected = ("optimise_cpr", ["in_arrest", "cpr_quality"])
    assert expected == (session.current, asked(session))
    assert any("80 %" in text for text in actions(session))


@pytest.mark.parametrize(
    ("changes", "last_question", "hard_stop"),
    [
        # rule 3 in arrest: the contraindication ends the check at once
        ({"ecmo_contraindication": "yes"}, "ecmo_contraindication", "General contraindication"),
        # rule 3 after ROSC with low output
        (
            {"in_arrest": "no", "rosc_low_output": "yes", "ecmo_contraindication": "yes"},
            "ecmo_contraindication",
            "General contraindication",
        ),
        # rule 4: no team ends the check at once
        ({"team_available": "no"}, "team_available", "No ECMO team"),
        # rule 3 wins over rule 4: the team is never asked
        (
            {"ecmo_contraindication": "yes", "team_available": "no"},
            "ecmo_contraindication",
            "General contraindication",
        ),
        # a hard stop whatever would follow (an OHCA with hypothermia and a high score)
        (
            {"team_available": "no", "location": "ohca", "hypothermia": "yes", "cpr_minutes": 150},
            "team_available",
            "No ECMO team",
        ),
    ],
)
def test_a_hard_stop_ends_the_check_at_once(
    flow: CompiledFlow, changes: dict[str, Any], last_question: str, hard_stop: str
) -> None:
    """Rules 3-4: no-go (an emergency) right after the hard stop, naming it and only it."""
    session = run(flow, **changes)
    lines = reasons(session)
    assert ("no_go", "emergency", last_question, 1) == (
        session.current,
        view(session).urgency,
        asked(session)[-1],
        len(lines),
    )
    assert lines[0].startswith(hard_stop)


@pytest.mark.parametrize(
    ("in_arrest", "advice"),
    [
        ("yes", "Continue guideline-conform CPR without pauses"),  # still in arrest
        ("no", "Continue guideline-conform care of the low cardiac output after ROSC"),
    ],
)
def test_no_go_says_what_to_continue(flow: CompiledFlow, in_arrest: str, advice: str) -> None:
    """No-go says to go on with CPR in arrest, or with post-ROSC care."""
    session = run(flow, in_arrest=in_arrest, rosc_low_output="yes", ecmo_contraindication="yes")
    assert [advice] == [text[: len(advice)] for text in actions(session) if "Continue" in text]


# --- issue 17's examples ------------------------------------------------------------------


def test_ohca_with_everything_else_favourable_is_consider_listing_ohca_only(
    flow: CompiledFlow,
) -> None:
    """OHCA is an adverse factor (group III: individual decision), not a no-go."""
    session = run(flow, location="ohca")
    expected = ("consider", ["ohca"], 1)
    assert expected == (*outcome_and_listed(session), len(reasons(session)))
    assert any("80 %" in text for text in evidence(session))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # witnessed, in the PICU, cause otherwise unknown: hypothermia is the reversible cause
        ({"reversible_cause": "unsure"}, ("go", ["hypothermia"])),
        ({"reversible_cause": "no"}, ("go", ["hypothermia"])),
        # on the children's hospital ward: consider, the ward listed, hypothermia supporting
        ({"location": "childrens_hospital"}, ("consider", ["outside_icu", "hypothermia"])),
        # hypothermia no longer overrides a De Mul score of 9 or more (2 h CPR as in case 2)
        (
            {"cpr_minutes": 120, "lactate": 20, "ph": 6.5},
            ("consider", ["demul_nine_or_more", "hypothermia"]),
        ),
        # nor an unwitnessed, non-cardiac arrest (drowning)
        (
            {"witnessed": "no", "cause": "non_cardiac"},
            ("consider", ["unwitnessed", "non_cardiac", "hypothermia"]),
        ),
    ],
)
def test_hypothermic_in_hospital_arrest(
    flow: CompiledFlow, changes: dict[str, Any], expected: tuple[str, list[str]]
) -> None:
    """Hypothermia is supporting: go with nothing adverse, else consider with the factors."""
    session = run(flow, hypothermia="yes", **changes)
    assert expected == outcome_and_listed(session)
    assert any("11 cases, 7 with death" in text for text in evidence(session))


def test_hypothermic_ohca_as_in_case_2_is_consider(flow: CompiledFlow) -> None:
    """Case 2 (drowning, lay CPR, transfer under CPR, 2 h): consider, never forced to go."""
    session = run(
        flow,
        location="ohca",
        cause="non_cardiac",
        hypothermia="yes",
        witnessed="no",
        reversible_cause="unsure",
        cpr_minutes=120,
        lactate="unknown",
        ph="unknown",
    )
    factors = ["ohca", "unwitnessed", "non_cardiac", "demul_not_computable", "hypothermia"]
    assert ("consider", factors) == outcome_and_listed(session)


@pytest.mark.parametrize(
    ("changes", "reading", "minimum"),
    [
        # 6 (105 min) + 2 (lactate 8) + at least 1 (pH unknown) = 9: 9 or more whatever pH is
        ({"cpr_minutes": 105, "lactate": 8, "ph": "unknown"}, "minimum_nine_or_more", 9),
        # one step below: 6 + 1 + at least 1 = 8, so the score cannot be computed
        ({"cpr_minutes": 105, "lactate": 7.99, "ph": "unknown"}, "not_computable", 8),
        # lactate unknown, CPR 110 min, pH 6.6: 6 + at least 1 + 6 = 13 (version 1 said go)
        ({"cpr_minutes": 110, "lactate": "unknown", "ph": 6.6}, "minimum_nine_or_more", 13),
        # both unknown after 150 min: 6 + 1 + 1 = 8, the score cannot be computed
        ({"cpr_minutes": 150, "lactate": "unknown", "ph": "unknown"}, "not_computable", 8),
        # both unknown after 10 min: still cannot be shown to be below 9
        ({"cpr_minutes": 10, "lactate": "unknown", "ph": "unknown"}, "not_computable", 3),
    ],
)
def test_an_unknown_lab_value_is_never_go(
    flow: CompiledFlow, changes: dict[str, Any], reading: str, minimum: int
) -> None:
    """Lactate or pH unknown: consider, with what the known components give."""
    session = run(flow, **changes)
    key = "demul_minimum_nine_or_more" if reading == "minimum_nine_or_more" else "demul_" + reading
    assert ("consider", [key], reading, minimum, None) == (
        *outcome_and_listed(session),
        computed(session, "demul_reading"),
        computed(session, "demul_minimum_score"),
        computed(session, "demul_score"),
    )
    line = reasons(session)[0]
    assert (
        f"the known components {'already give' if minimum >= 9 else 'give'} {minimum} points"
        in line
    )
    values = shown(session)
    assert ("not available", f"{minimum} points") == (
        values["demul_score"],
        values["demul_minimum_score"],
    )


def test_score_not_computed_shows_the_known_components(flow: CompiledFlow) -> None:
    """With pH unknown the card shows the CPR and lactate points, and pH as not available."""
    session = run(flow, cpr_minutes=45, lactate=14, ph="unknown")
    values = shown(session)
    expected = ("2 points", "3 points", "not available", "not available", "6 points")
    assert expected == (
        values["demul_cpr_points"],
        values["demul_lactate_points"],
        values["demul_ph_points"],
        values["demul_score"],
        values["demul_minimum_score"],
    )


# --- each adverse factor ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "factor"),
    [
        ({"location": "ohca"}, "ohca"),
        ({"location": "childrens_hospital"}, "outside_icu"),  # CCPR outside the ICU
        ({"witnessed": "no"}, "unwitnessed"),
        ({"reversible_cause": "no"}, "no_reversible_cause"),
        ({"reversible_cause": "unsure"}, "no_reversible_cause"),  # unsure is not identified
        ({"cause": "non_cardiac"}, "non_cardiac"),
        ({"cpr_minutes": 105, "lactate": 8, "ph": 7.01}, "demul_nine_or_more"),  # 6 + 2 + 1
        ({"lactate": "unknown"}, "demul_not_computable"),
        ({"ph": "unknown"}, "demul_not_computable"),
    ],
)
def test_each_adverse_factor_alone_is_consider(
    flow: CompiledFlow, changes: dict[str, Any], factor: str
) -> None:
    """Rule 5: each adverse factor alone is consider, listing that factor and no other."""
    assert ("consider", [factor]) == outcome_and_listed(run(flow, **changes))


def test_the_cath_lab_is_not_an_adverse_factor(flow: CompiledFlow) -> None:
    """An arrest in the catheter lab is listed by EuroELSO with better outcomes: go."""
    expected: tuple[str, list[str]] = ("go", [])
    assert expected == outcome_and_listed(run(flow, location="cath_lab"))


def test_consider_lists_every_factor_present(flow: CompiledFlow) -> None:
    """Six adverse factors at once, and hypothermia: every one listed, in the card's order."""
    session = run(
        flow,
        location="childrens_hospital",
        cause="non_cardiac",
        witnessed="no",
        reversible_cause="unsure",
        cpr_minutes=105,
        lactate=18,
        ph=6.6,
    )
    expected = ["outside_icu", "unwitnessed", "no_reversible_cause", "non_cardiac"]
    assert ("consider", [*expected, "demul_nine_or_more"]) == outcome_and_listed(session)
    assert "De Mul score 18 points" in reasons(session)[-1]


@pytest.mark.parametrize(
    ("cause", "partners", "not_named"),
    [
        ("cardiac", "the cardiac surgeon and the cardiologist", "specialty"),  # group I
        ("non_cardiac", "the consultant of the specialty concerned", "cardiologist"),  # group II
    ],
)
def test_consider_names_whom_the_consultant_decides_with(
    flow: CompiledFlow, cause: str, partners: str, not_named: str
) -> None:
    """The PICU consultant decides within 15 minutes, with the protocol's partners."""
    text = " ".join(actions(run(flow, cause=cause, witnessed="no")))
    expected = (True, True, False)
    assert expected == (partners in text, "15 minutes" in text, not_named in text)


@pytest.mark.parametrize(
    ("in_arrest", "cpr_advised"),
    [
        ("yes", True),  # keep CPR going at full quality meanwhile
        ("no", False),  # ROSC with low output: no CPR to keep going
    ],
)
def test_consider_keeps_cpr_going_only_in_arrest(
    flow: CompiledFlow, in_arrest: str, cpr_advised: bool
) -> None:
    """Consider advises full-quality CPR meanwhile only while the child is in arrest."""
    session = run(flow, in_arrest=in_arrest, rosc_low_output="yes", witnessed="no")
    assert cpr_advised == any("keep CPR going" in text for text in actions(session))


# --- the De Mul score: both sides of every band edge --------------------------------------


@pytest.mark.parametrize(
    ("minutes", "points"),
    [
        (0, 1),
        (39, 1),  # < 40 → 1
        (39.99, 1),
        (40, 2),  # 40-59 → 2
        (59, 2),
        (59.5, 2),  # between the printed bands: the lower band
        (60, 3),  # 60-104 → 3
        (104, 3),
        (104.99, 3),
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
        (7.99, 1),  # < 8 → 1
        (8, 2),  # 8 to < 14 → 2
        (13.99, 2),
        (14, 3),  # 14 to < 18 → 3
        (17.99, 3),
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


@pytest.mark.parametrize(
    ("changes", "score", "outcome"),
    [
        ({"cpr_minutes": 105, "lactate": 7.99, "ph": 7.01}, 8, "go"),  # 6 + 1 + 1
        ({"cpr_minutes": 105, "lactate": 8, "ph": 7.01}, 9, "consider"),  # 6 + 2 + 1
        ({"cpr_minutes": 105, "lactate": 7.99, "ph": 7.0}, 9, "consider"),  # 6 + 1 + 2
        ({"cpr_minutes": 104, "lactate": 14, "ph": 6.85}, 8, "go"),  # 3 + 3 + 2
        ({"cpr_minutes": 104, "lactate": 14, "ph": 6.84}, 9, "consider"),  # 3 + 3 + 3
        ({"cpr_minutes": 39, "lactate": 7.99, "ph": 6.6}, 8, "go"),  # 1 + 1 + 6
        ({"cpr_minutes": 40, "lactate": 7.99, "ph": 6.6}, 9, "consider"),  # 2 + 1 + 6
        ({"cpr_minutes": 59, "lactate": 17.99, "ph": 6.85}, 7, "go"),  # 2 + 3 + 2
        ({"cpr_minutes": 60, "lactate": 17.99, "ph": 6.85}, 8, "go"),  # 3 + 3 + 2
        ({"cpr_minutes": 60, "lactate": 17.99, "ph": 6.84}, 9, "consider"),  # 3 + 3 + 3
        ({"cpr_minutes": 0, "lactate": 18, "ph": 6.61}, 10, "consider"),  # 1 + 6 + 3
    ],
)
def test_score_of_nine_is_the_cut_off(
    flow: CompiledFlow, changes: dict[str, Any], score: int, outcome: str
) -> None:
    """A De Mul score of 9 or more is an adverse factor; 8 is not."""
    session = run(flow, **changes)
    assert (score, outcome) == (computed(session, "demul_score"), session.current)


def test_outcome_shows_points_per_component(flow: CompiledFlow) -> None:
    """The outcome shows each component's points, the score, its reading and the ECMO system."""
    session = run(flow, cpr_minutes=45, lactate=14, ph=6.9)
    expected = {
        "demul_cpr_points": "2 points",
        "demul_lactate_points": "3 points",
        "demul_ph_points": "2 points",
        "demul_score": "7 points",
        "demul_reading": "below 9",
        "ecmo_system": "the PICU's own ECMO system (under 15 kg)",
    }
    assert expected == shown(session)


@pytest.mark.parametrize(
    ("weight", "system"),
    [
        (0.5, "picu_system"),
        (14.9, "picu_system"),  # < 15 kg → the PICU's own system
        (15, "perfusion_system"),  # ≥ 15 kg → cardiotechnics (the slide leaves 15 kg open)
        (150, "perfusion_system"),
    ],
)
def test_ecmo_system_by_weight(flow: CompiledFlow, weight: float, system: str) -> None:
    """The ECMO system is chosen by weight, 15 kg and over from cardiotechnics."""
    session = run(flow, weight_kg=weight)
    assert (system, "go") == (computed(session, "ecmo_system"), session.current)


def test_out_of_range_ph_is_refused_with_range(flow: CompiledFlow) -> None:
    """A pH outside 6.3-7.8 is refused, the message giving the range."""
    with pytest.raises(ValueError, match=r"from 6\.3 to 7\.8"):
        run(flow, ph=8.1)


# --- what the card lists, on any answers --------------------------------------------------


def spec_factors(answers: dict[str, Any]) -> list[str]:
    """The spec's adverse factors present, and hypothermia as supporting, in the card's order."""
    unknown = [answers[name] == "unknown" for name in ("lactate", "ph")]
    minutes, lactate, ph = answers["cpr_minutes"], answers["lactate"], answers["ph"]
    cpr = 1 if minutes < 40 else 2 if minutes < 60 else 3 if minutes < 105 else 6
    lac = 1 if unknown[0] or lactate < 8 else 2 if lactate < 14 else 3 if lactate < 18 else 6
    acid = 1 if unknown[1] or ph > 7.0 else 2 if ph >= 6.85 else 3 if ph > 6.6 else 6
    minimum = cpr + lac + acid
    present = {
        "ohca": answers["location"] == "ohca",
        "outside_icu": answers["location"] == "childrens_hospital",
        "unwitnessed": answers["witnessed"] == "no",
        "no_reversible_cause": answers["reversible_cause"] != "yes"
        and answers["hypothermia"] == "no",
        "non_cardiac": answers["cause"] == "non_cardiac",
        "demul_minimum_nine_or_more": any(unknown) and minimum >= 9,
        "demul_nine_or_more": not any(unknown) and minimum >= 9,
        "demul_not_computable": any(unknown) and minimum < 9,
        "hypothermia": answers["hypothermia"] == "yes",
    }
    return [key for _, key in LINE_STARTS if present[key]]


def near(*edges: float) -> st.SearchStrategy[float]:
    """Values at and one step either side of each edge."""
    return st.sampled_from(sorted({round(e + d, 2) for e in edges for d in (-0.01, 0, 0.01)}))


ANSWERS = st.fixed_dictionaries(
    {
        **{name: st.just(GO[name]) for name in EVERY_QUESTION[:4]},
        "location": st.sampled_from(["picu", "cath_lab", "childrens_hospital", "ohca"]),
        "cause": st.sampled_from(["cardiac", "non_cardiac"]),
        "hypothermia": st.sampled_from(["yes", "no"]),
        "witnessed": st.sampled_from(["yes", "no"]),
        "reversible_cause": st.sampled_from(["yes", "no", "unsure"]),
        "cpr_minutes": st.one_of(near(40, 60, 105), st.floats(0, 300)),
        "lactate": st.one_of(near(8, 14, 18), st.floats(0, 40), st.just("unknown")),
        "ph": st.one_of(near(6.6, 6.85, 7.0), st.floats(6.3, 7.8), st.just("unknown")),
        "weight_kg": st.one_of(near(15), st.floats(0.5, 150)),
    }
)


@settings(max_examples=300, deadline=None)
@given(ANSWERS)
def test_the_card_lists_exactly_the_factors_present(answers: dict[str, Any]) -> None:
    """Consider lists every adverse factor present and no other; go only when there is none."""
    session = drive(load_flow(FLOW_PATH), answers)
    factors = spec_factors(answers)
    adverse = [key for key in factors if key != "hypothermia"]
    assert ("consider" if adverse else "go", factors) == outcome_and_listed(session)


def test_every_factor_line_is_shown_by_the_factor_value_the_invariants_check(
    flow: CompiledFlow,
) -> None:
    """Each adverse-factor line of the consider card is shown by its factor's value exactly."""
    node = flow.flow.nodes["consider"]
    assert isinstance(node, OutcomeNode)
    expected = [
        "factor_ohca == 'present'",
        "factor_outside_icu == 'present'",
        "factor_unwitnessed == 'present'",
        "factor_no_reversible_cause == 'present'",
        "factor_non_cardiac == 'present'",
        "demul_reading == 'nine_or_more'",
        "demul_reading == 'minimum_nine_or_more'",
        "demul_reading == 'not_computable'",
        "hypothermia == 'yes'",
    ]
    assert expected == [item.when for item in node.reasons]


def test_the_no_go_lines_are_shown_by_the_hard_stop_the_invariants_check(
    flow: CompiledFlow,
) -> None:
    """Each no-go reason is shown by the hard-stop value exactly."""
    node = flow.flow.nodes["no_go"]
    assert isinstance(node, OutcomeNode)
    expected = ["hard_stop == 'contraindication'", "hard_stop == 'no_team'"]
    assert expected == [item.when for item in node.reasons]
