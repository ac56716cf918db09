"""Scenario tests of the heparin (EVT) flow against ../shared/clinical-spec.md version 2."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_flow_invariants import heparin_oracle, heparin_values
from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import OutcomeView, Session
from triagebot.flows.schema import NumberQuestion
from triagebot.flows.transcript_build import from_session
from triagebot.flows.verify import verify

FLOW_FILE = bundled_dir() / "heparin.yaml"


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(FLOW_FILE)


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
    "bolus_unit": "none",
    "duration_h": 2,
}

NO_FLUSH: dict[str, Any] = {"concentration_iu_l": 0}
"""A heparin-free flush: with no bolus, no heparin at all; with one, the bolus-only group."""

WITHHOLDING = [
    "ivt_given",
    "aspects",
    "oral_anticoagulant",
    "multiple_femoral_punctures",
    "planned_stenting",
    "straightforward_recanalisation",
]

DOSE_QUESTIONS = ["bags", "drip_rate_ml_h", "concentration_iu_l", "bolus_unit"]


def run(flow: CompiledFlow, **changes: Any) -> Session:
    return drive(flow, {**WORKED_EXAMPLE, **changes})


def bolus(amount: float) -> dict[str, Any]:
    """A bolus in IU."""
    return {"bolus_unit": "iu", "bolus_iu": amount}


def per_kg(dose: float, weight: float) -> dict[str, Any]:
    """A bolus in IU/kg, with the body weight."""
    return {"bolus_unit": "iu_per_kg", "bolus_iu_per_kg": dose, "weight_kg": weight}


def outcome(session: Session) -> OutcomeView:
    view = session.outcome()
    assert view is not None
    return view


def texts(session: Session, section: str) -> list[str]:
    return [item.text for item in getattr(outcome(session), section)]


def card(session: Session) -> str:
    """Every line of the outcome card, as one text."""
    view = outcome(session)
    lines = [view.title, view.summary or ""]
    for section in ("reasons", "actions", "evidence", "safety_netting"):
        lines += texts(session, section)
    lines += [f"{value.label}: {value.display}" for value in view.shown]
    return "\n".join(lines)


def computed(session: Session) -> dict[str, object]:
    return dict(session.computed_values())


def verdict(session: Session) -> tuple[str, object, object]:
    """The outcome, the survey group named, and the dose named high."""
    values = computed(session)
    return session.current, values["reference_group"], values["high_dose"]


# --- the worked example and the computed doses ------------------------------------------


def test_worked_example_is_540_iu_per_hour(flow: CompiledFlow) -> None:
    """3 bags x 90 mL/h x 2000 IU/L = 540 IU/h, the survey median; no bolus, 2 h: proceed."""
    session = run(flow)
    values = computed(session)
    expected = ("proceed", 540.0, 0, 540.0, 1080.0, "flush_only")
    assert expected == (
        session.current,
        values["flush_iu_h"],
        values["bolus_total_iu"],
        values["first_hour_iu"],
        values["procedure_total_iu"],
        values["reference_group"],
    )


@pytest.mark.parametrize(
    ("changes", "asked", "total"),
    [
        # no bolus: no bolus question, total 0
        ({"bolus_unit": "none"}, [], 0),
        # a dose in IU: asked, taken as it is
        (bolus(5000), ["bolus_iu"], 5000),
        # a dose in IU/kg: the dose and the weight asked, total = dose x weight
        (per_kg(70, 80), ["bolus_iu_per_kg", "weight_kg"], 5600),
    ],
)
def test_bolus_unit_asks_the_matching_questions(
    flow: CompiledFlow, changes: dict[str, Any], asked: list[str], total: float
) -> None:
    """The bolus is asked in IU or in IU/kg with the weight, and totalled in IU."""
    session = run(flow, **changes)
    expected_steps = ["hit_history", *WITHHOLDING, *DOSE_QUESTIONS, *asked, "duration_h"]
    assert expected_steps == [step.node for step in session.steps]
    assert total == computed(session)["bolus_total_iu"]


def test_per_kg_bolus_shows_dose_and_weight(flow: CompiledFlow) -> None:
    """A per-kg bolus is shown with its dose per kg and the weight: 100 IU/kg x 75 kg."""
    session = run(flow, **NO_FLUSH, **per_kg(100, 75))
    assert "IV bolus 100 IU/kg × 75 kg = 7500 IU." in texts(session, "reasons")


def test_doses_over_the_procedure(flow: CompiledFlow) -> None:
    """First hour = flush + bolus; whole procedure = flush x duration + bolus (540, 5000, 3 h)."""
    values = computed(run(flow, duration_h=3, **bolus(5000)))
    expected = (5540.0, 6620.0)
    assert expected == (values["first_hour_iu"], values["procedure_total_iu"])


# --- withholding -------------------------------------------------------------------------


def test_hit_withholds_all_heparin_at_once(flow: CompiledFlow) -> None:
    """A history of HIT ends the flow at the first question: no heparin by any route."""
    session = run(flow, hit_history="yes", ivt_given="yes")
    expected = ("withhold_all", ["hit_history"])
    assert expected == (session.current, [step.node for step in session.steps])


def test_hit_action_says_it_is_the_flows_conservative_reading(flow: CompiledFlow) -> None:
    """The HIT action says no route, and that the survey lists HIT only as a reported reason."""
    [action] = texts(run(flow, hit_history="yes"), "actions")
    assert "no heparin by any route" in action
    assert "conservative reading" in action
    assert "only as a reported reason" in action


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # IV thrombolysis: the flush was withheld, 40/69
        (
            {"ivt_given": "yes"},
            "IV thrombolysis already given: heparin in flush fluids withheld — reported "
            "practice (40/69, 58 %).",
        ),
        # ASPECTS below 5: the flush was withheld, 24/69
        (
            {"aspects": 4},
            "Baseline ASPECTS 4, below 5: heparin in flush fluids withheld — reported "
            "practice (24/69, 35 %).",
        ),
        # ASPECTS 0 is shown as typed
        (
            {"aspects": 0},
            "Baseline ASPECTS 0, below 5: heparin in flush fluids withheld — reported "
            "practice (24/69, 35 %).",
        ),
        # the other reasons: heparin, route not stated, no frequency
        (
            {"oral_anticoagulant": "yes"},
            "Concurrent DOAC or warfarin: heparin withheld, route not stated — reported "
            "practice (frequency not given).",
        ),
        (
            {"multiple_femoral_punctures": "yes"},
            "Multiple femoral punctures: heparin withheld, route not stated — reported "
            "practice (frequency not given).",
        ),
        (
            {"planned_stenting": "yes"},
            "Planned extracranial or intracranial stenting: heparin withheld, route not "
            "stated — reported practice (frequency not given).",
        ),
        (
            {"straightforward_recanalisation": "yes"},
            "Straightforward complete recanalisation anticipated: heparin withheld, route not "
            "stated — reported practice (frequency not given).",
        ),
    ],
)
def test_each_withholding_reason_says_what_was_withheld(
    flow: CompiledFlow, changes: dict[str, Any], expected: str
) -> None:
    """Each reason alone withholds, listed with what the survey says was withheld."""
    session = run(flow, **changes)
    assert ("withhold_flush", [expected]) == (session.current, texts(session, "reasons"))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # the flush reasons: a heparin-free flush, and still no permission for a bolus
        ({"ivt_given": "yes"}, ["heparin-free flush", "no permission for an IV bolus"]),
        # a route-less reason: withhold heparin, read as the flush and any bolus
        (
            {"planned_stenting": "yes"},
            ["the flush and any bolus", "no permission for an IV bolus"],
        ),
    ],
)
def test_withholding_is_no_permission_for_a_bolus(
    flow: CompiledFlow, changes: dict[str, Any], expected: list[str]
) -> None:
    """The withholding card never reads as permission for a bolus."""
    actions = texts(run(flow, **changes), "actions")
    assert len(expected) == len(actions)
    assert all(fragment in action for fragment, action in zip(expected, actions, strict=True))


@pytest.mark.parametrize(
    ("aspects", "expected"),
    [
        (4, "withhold_flush"),  # < 5 is a reason
        (5, "proceed"),  # 5 is not
    ],
)
def test_aspects_boundary(flow: CompiledFlow, aspects: int, expected: str) -> None:
    """ASPECTS below 5 withholds; 5 does not."""
    assert expected == run(flow, aspects=aspects).current


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
    expected = ("withhold_flush", ["hit_history", *WITHHOLDING], 6, 3)
    assert expected == (
        session.current,
        [step.node for step in session.steps],
        len(texts(session, "reasons")),
        len(texts(session, "actions")),
    )


def test_first_reason_does_not_skip_the_others(flow: CompiledFlow) -> None:
    """IV thrombolysis (the first reason) still asks the five other reasons."""
    session = run(flow, ivt_given="yes")
    expected = ["hit_history", *WITHHOLDING]
    assert expected == [step.node for step in session.steps]


# --- the high-dose rule, group by group, in the spec's order -------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # group 1, neither: no bolus, heparin-free flush
        ({**NO_FLUSH}, ("proceed", "no_heparin", "none")),
        # group 1 too: a bolus in IU of 0 is no bolus
        ({**NO_FLUSH, **bolus(0)}, ("proceed", "no_heparin", "none")),
        # group 2, flush only: exactly 1080 IU/h (3 x 180 x 2000) is the quartile, not above
        ({"drip_rate_ml_h": 180}, ("proceed", "flush_only", "none")),
        # flush only, 1080.9 IU/h (1 x 180 x 6005): above
        (
            {"bags": 1, "drip_rate_ml_h": 180, "concentration_iu_l": 6005},
            ("proceed_high_dose", "flush_only", "flush"),
        ),
        # flush only, 1080.01 IU/h (1 x 100 x 10800.1): a hundredth above
        (
            {"bags": 1, "drip_rate_ml_h": 100, "concentration_iu_l": 10800.1},
            ("proceed_high_dose", "flush_only", "flush"),
        ),
        # flush only with a 0 IU bolus: still the flush-only group
        ({"drip_rate_ml_h": 180, **bolus(0)}, ("proceed", "flush_only", "none")),
        # group 3, bolus only: 7500 IU is the quartile, not above (issue 17)
        ({**NO_FLUSH, **bolus(7500)}, ("proceed", "bolus_only", "none")),
        # bolus only, 7501 IU: above (issue 17)
        ({**NO_FLUSH, **bolus(7501)}, ("proceed_high_dose", "bolus_only", "bolus")),
        # bolus only, 7000 IU: inside the IQR, proceed (version 1 said high dose)
        ({**NO_FLUSH, **bolus(7000)}, ("proceed", "bolus_only", "none")),
        # 100 IU/kg x 75 kg = 7500 IU alone: proceed (issue 17)
        ({**NO_FLUSH, **per_kg(100, 75)}, ("proceed", "bolus_only", "none")),
        # 100 IU/kg x 75.01 kg = 7501 IU alone: above
        ({**NO_FLUSH, **per_kg(100, 75.01)}, ("proceed_high_dose", "bolus_only", "bolus")),
        # group 4: 7000 IU with a trace of flush (1 x 1 mL/h x 1 IU/L = 0.001 IU/h) is above
        # the bolus + flush quartile (issue 17)
        (
            {"bags": 1, "drip_rate_ml_h": 1, "concentration_iu_l": 1, **bolus(7000)},
            ("proceed_high_dose", "bolus_and_flush", "first_hour"),
        ),
        # bolus + flush, first hour exactly 5900 IU (540 + 5360): the quartile, not above
        ({**bolus(5360)}, ("proceed", "bolus_and_flush", "none")),
        # first hour 5901 IU (540 + 5361): above
        ({**bolus(5361)}, ("proceed_high_dose", "bolus_and_flush", "first_hour")),
        # bolus + flush, flush exactly 1080 IU/h with a 100 IU bolus: not above
        ({"drip_rate_ml_h": 180, **bolus(100)}, ("proceed", "bolus_and_flush", "none")),
        # flush 1080.9 IU/h with a 100 IU bolus: the flush is above, the first hour is not
        (
            {"bags": 1, "drip_rate_ml_h": 180, "concentration_iu_l": 6005, **bolus(100)},
            ("proceed_high_dose", "bolus_and_flush", "flush"),
        ),
        # flush 1080.9 IU/h and 5000 IU: both the first hour (6080.9) and the flush are above
        (
            {"bags": 1, "drip_rate_ml_h": 180, "concentration_iu_l": 6005, **bolus(5000)},
            ("proceed_high_dose", "bolus_and_flush", "first_hour_and_flush"),
        ),
        # flush 1440 IU/h and 5000 IU: both the first hour (6440) and the flush are above
        (
            {"bags": 4, "drip_rate_ml_h": 180, **bolus(5000)},
            ("proceed_high_dose", "bolus_and_flush", "first_hour_and_flush"),
        ),
        # a per-kg bolus with the flush: 70 IU/kg x 75 kg + 540 = 5790, not above
        ({**per_kg(70, 75)}, ("proceed", "bolus_and_flush", "none")),
        # 100 IU/kg x 75 kg with the survey's median flush: 8040, above
        ({**per_kg(100, 75)}, ("proceed_high_dose", "bolus_and_flush", "first_hour")),
    ],
)
def test_high_dose_within_the_matching_group(
    flow: CompiledFlow, changes: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    """High means above the upper quartile of the survey group matching the practice."""
    assert expected == verdict(run(flow, **changes))


def test_no_heparin_says_so(flow: CompiledFlow) -> None:
    """No bolus and a heparin-free flush: proceed, saying no heparin is given."""
    session = run(flow, **NO_FLUSH)
    expected = [
        "No heparin is given: no IV bolus, and no heparin in the flush. No survey group to "
        "compare with."
    ]
    assert expected == texts(session, "reasons")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # flush only: the flush-only group
        (
            {},
            "Flush only, 540 IU/h: compared with the survey's flush-only group, at or below "
            "its upper quartile (1080 IU/h).",
        ),
        # bolus only: the bolus-only group
        (
            {**NO_FLUSH, **bolus(7000)},
            "IV bolus only, 7000 IU: compared with the survey's bolus-only group, at or below "
            "its upper quartile (7500 IU).",
        ),
        # bolus + flush: the bolus + flush group, and the flush
        (
            bolus(5000),
            "Bolus + flush, first hour 5540 IU (bolus 5000 IU + flush 540 IU/h): compared "
            "with the survey's bolus + flush group, at or below its upper quartile "
            "(5900 IU/h), and the flush at or below 1080 IU/h.",
        ),
    ],
)
def test_proceed_names_the_group_used(
    flow: CompiledFlow, changes: dict[str, Any], expected: str
) -> None:
    """The proceed card names the survey group its dose was compared with."""
    assert [expected] == texts(run(flow, **changes), "reasons")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # flush only, high
        (
            {"bags": 4, "drip_rate_ml_h": 180},
            [
                "Flush only, 1440 IU/h: above the upper quartile of reported practice "
                "(survey) in the flush-only group, 1080 IU/h."
            ],
        ),
        # bolus only, high
        (
            {**NO_FLUSH, **bolus(7501)},
            [
                "IV bolus only, 7501 IU: above the upper quartile of reported practice "
                "(survey) in the bolus-only group, 7500 IU."
            ],
        ),
        # bolus + flush, both high: the first hour and the flush, each named
        (
            {"bags": 4, "drip_rate_ml_h": 180, **bolus(5000)},
            [
                "Bolus + flush, first hour 6440 IU (bolus 5000 IU + flush 1440 IU/h): above "
                "the upper quartile of reported practice (survey) in the bolus + flush group, "
                "5900 IU/h.",
                "Bolus + flush, flush 1440 IU/h: above 1080 IU/h, the upper quartile of "
                "reported flush doses (survey, flush-only group).",
            ],
        ),
    ],
)
def test_high_dose_names_the_group_and_the_dose(
    flow: CompiledFlow, changes: dict[str, Any], expected: list[str]
) -> None:
    """The high-dose card says which dose is high, against which group's upper quartile."""
    assert expected == texts(run(flow, **changes), "reasons")


def test_flush_shown_with_two_decimals_at_the_edge(flow: CompiledFlow) -> None:
    """A flush of 1080.01 IU/h is shown as 1080.01, not as the quartile it is above."""
    session = run(flow, bags=1, drip_rate_ml_h=100, concentration_iu_l=10800.1)
    assert texts(session, "reasons")[0].startswith("Flush only, 1080.01 IU/h: above")


# --- advice lowers only the dose that is high --------------------------------------------

FLUSH_ADVICE = "The flush is high: consider a lower heparin concentration"
BOLUS_ADVICE = "The bolus is high: consider a lower IV bolus"
FIRST_HOUR_ADVICE = "The first hour is high"
CAUTION = "Caution"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # flush only: lower the flush, caution over the procedure
        ({"bags": 4, "drip_rate_ml_h": 180}, [FLUSH_ADVICE, CAUTION]),
        # bolus only: lower the bolus, and nothing about the flush
        ({**NO_FLUSH, **bolus(8000)}, [BOLUS_ADVICE, CAUTION]),
        # bolus + flush, the first hour only: bolus or flush lower it
        (bolus(5361), [FIRST_HOUR_ADVICE, CAUTION]),
        # bolus + flush, the flush only: lower the flush
        (
            {"bags": 1, "drip_rate_ml_h": 180, "concentration_iu_l": 6005, **bolus(100)},
            [FLUSH_ADVICE, CAUTION],
        ),
        # bolus + flush, both
        (
            {"bags": 4, "drip_rate_ml_h": 180, **bolus(5000)},
            [FLUSH_ADVICE, FIRST_HOUR_ADVICE, CAUTION],
        ),
    ],
)
def test_advice_lowers_only_the_high_dose(
    flow: CompiledFlow, changes: dict[str, Any], expected: list[str]
) -> None:
    """The high-dose card suggests only what lowers the dose that is high, with caution."""
    actions = texts(run(flow, **changes), "actions")
    assert len(expected) == len(actions)
    assert all(action.startswith(start) for start, action in zip(expected, actions, strict=True))


def test_bolus_only_advice_never_mentions_the_flush(flow: CompiledFlow) -> None:
    """A high bolus alone: no advice on concentration, drip rate or bags."""
    actions = " ".join(texts(run(flow, **NO_FLUSH, **bolus(8000)), "actions"))
    assert not any(word in actions for word in ("concentration", "drip rate", "bags"))


def test_caution_gives_the_whole_procedure(flow: CompiledFlow) -> None:
    """The caution line gives the flush and the whole procedure's heparin (1440 IU/h, 4 h)."""
    session = run(flow, bags=4, drip_rate_ml_h=180, duration_h=4)
    expected = (
        "Caution during long or complex procedures: the flush gives 1440 IU/h for as long as "
        "it runs, 5760 IU in all over 4 h."
    )
    assert expected == texts(session, "actions")[-1]


# --- what every dose card shows ----------------------------------------------------------

DOSE_CARDS = [
    # proceed, flush only
    {},
    # proceed, no heparin
    NO_FLUSH,
    # proceed_high_dose, bolus only
    {**NO_FLUSH, **bolus(8000)},
    # proceed_high_dose, bolus + flush
    {"bags": 4, "drip_rate_ml_h": 180, **bolus(5000)},
]


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_every_dose_card_shows_all_three_groups(
    flow: CompiledFlow, changes: dict[str, Any]
) -> None:
    """Every dose card shows the three survey groups' figures and the Dutch median."""
    evidence = "\n".join(texts(run(flow, **changes), "evidence"))
    for figure in (
        "flush only: median 540 IU/h (IQR 180–1080, maximum 9000 IU/h; n = 139)",
        "IV bolus only: median 5250 IU (IQR 3750–7500; n = 21)",
        "median 4650 IU/h (IQR 3432–5900; n = 23)",
        "Dutch national survey: median flush dose 1350 IU/h",
    ):
        assert figure in evidence


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_every_dose_card_shows_the_doses_and_the_group(
    flow: CompiledFlow, changes: dict[str, Any]
) -> None:
    """The three computed doses, the bolus and the group used are on every dose card."""
    shown = [value.name for value in outcome(run(flow, **changes)).shown]
    expected = ["flush_iu_h", "bolus_total_iu", "first_hour_iu", "procedure_total_iu"]
    assert expected == shown[:4]
    assert "reference_group" in shown


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_proceed_transcript_has_the_three_doses(
    flow: CompiledFlow, changes: dict[str, Any]
) -> None:
    """Both proceed outcomes put the three computed doses, with values, in the transcript."""
    transcript = from_session(run(flow, **changes))
    names = ["flush_iu_h", "first_hour_iu", "procedure_total_iu"]
    assert all(transcript.computed[name] is not None for name in names)


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_high_is_named_a_survey_quartile(flow: CompiledFlow, changes: dict[str, Any]) -> None:
    """'High' is an upper quartile of reported practice, never a safety limit."""
    text = card(run(flow, **changes))
    assert "not a safety limit" in text
    assert "optimal or maximal total dose" in text


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_mr_clean_med_is_quoted_as_the_trial_found(
    flow: CompiledFlow, changes: dict[str, Any]
) -> None:
    """MR CLEAN-MED: its doses, no benefit, and more sICH with both aspirin and heparin."""
    [line] = [line for line in texts(run(flow, **changes), "evidence") if "MR CLEAN-MED" in line]
    assert "(5000 IU bolus, then 500 or 1250 IU/h for 6 h)" in line
    assert "neither aspirin nor heparin improved the 90-day functional outcome" in line
    assert "both (aspirin and heparin) were associated with more sICH" in line
    assert "arms" not in line


@pytest.mark.parametrize("changes", DOSE_CARDS)
def test_authors_own_words_are_shown(flow: CompiledFlow, changes: dict[str, Any]) -> None:
    """The proceed outcomes quote the authors' caution and 'recommend limiting its use'."""
    quotation = (
        "\"caution physicians to be aware of the 'unknown' amount of heparin administered "
        'through flush fluids and recommend limiting its use"'
    )
    assert any(quotation in line for line in texts(run(flow, **changes), "evidence"))


@pytest.mark.parametrize("outcome_id", ["proceed", "proceed_high_dose"])
def test_figures_are_evidence_not_actions(flow: CompiledFlow, outcome_id: str) -> None:
    """Survey figures, the trial and the quotation are under evidence, never actions."""
    node = flow.flow.nodes[outcome_id]
    actions = " ".join(item.text for item in node.actions)  # type: ignore[union-attr]
    found = [word for word in ("median", "IQR", "MR CLEAN-MED", "Dutch", '"') if word in actions]
    expected: list[str] = []
    assert expected == found


def test_angel_registry_is_shown_with_its_finding(flow: CompiledFlow) -> None:
    """Where the ANGEL registry is named, its dose and its harm are named with it."""
    question = flow.question("bolus_iu_per_kg")
    assert question.detail is not None
    for fragment in ("ANGEL", "50–100 IU/kg", "higher rates of sICH and distal embolisation"):
        assert fragment in question.detail
    text = FLOW_FILE.read_text(encoding="utf-8")
    expected = 1
    assert expected == text.count("ANGEL")


# --- the dose rule on generated doses, against the spec restated in Python ------------------


@st.composite
def dose_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Dose answers around the spec's edges: no heparin, each group, each upper quartile
    (the first hour's 5900 IU/h reached exactly, just under and just over)."""
    bags = draw(st.integers(1, 6))
    drip = draw(st.sampled_from([1, 36, 90, 180, 360, 900, 1000]))
    # concentrations that put the flush at the survey's median, at 1080 IU/h and either side
    at_flush = [target * 1000 / (bags * drip) for target in (540, 1079.99, 1080, 1080.01)]
    concentrations = [0, 1, 2000, *(c for c in at_flush if c <= 25000)]
    answers: dict[str, Any] = {
        **NO_REASON,
        "bags": bags,
        "drip_rate_ml_h": drip,
        "concentration_iu_l": draw(
            st.one_of(st.just(0), st.sampled_from(concentrations), st.floats(0, 25000))
        ),
        "bolus_unit": draw(st.sampled_from(["none", "iu", "iu_per_kg"])),
        "duration_h": draw(st.floats(0.25, 8)),
    }
    flush = bags * drip * answers["concentration_iu_l"] / 1000
    if answers["bolus_unit"] == "iu":
        first_hour_edge = [
            5900 - flush + delta for delta in (-1, 0, 1) if 5900 - flush + delta >= 0
        ]
        # the bolus-only quartiles and median (3750, 5250, 7500), 7000 and the edges
        near = st.sampled_from([0, 3750, 5250, 7000, 7500, 7501, *first_hour_edge])
        answers["bolus_iu"] = draw(st.one_of(near, st.floats(0, 20000)))
    elif answers["bolus_unit"] == "iu_per_kg":
        answers["bolus_iu_per_kg"] = draw(st.one_of(st.sampled_from([70, 100]), st.floats(1, 200)))
        answers["weight_kg"] = draw(st.one_of(st.sampled_from([75, 75.01]), st.floats(20, 300)))
    return answers


@settings(max_examples=300, deadline=None)
@given(answers=dose_answers())
def test_dose_rule_matches_the_spec(flow: CompiledFlow, answers: dict[str, Any]) -> None:
    """Outcome, lines, doses, group and high dose equal the spec's (the oracle), on any dose."""
    session = drive(flow, answers)
    parsed = dict(session.answers)
    view = outcome(session)
    assert heparin_oracle(parsed) == (view.id, len(view.reasons))
    values = session.computed_values()
    expected = heparin_values(parsed)
    assert expected == {name: values[name] for name in expected}


# --- questions ---------------------------------------------------------------------------


def test_drip_rate_offers_the_survey_rates(flow: CompiledFlow) -> None:
    """The drip rate question offers 36, 90, 180, 360 and 900 mL/h; any value may be typed."""
    question = flow.question("drip_rate_ml_h")
    assert isinstance(question, NumberQuestion)
    expected = [36, 90, 180, 360, 900]
    assert expected == [suggestion.value for suggestion in question.suggestions]
    typed = 45.5  # typed with a decimal comma
    assert typed == run(flow, drip_rate_ml_h="45,5").answers["drip_rate_ml_h"]


def test_question_order_follows_the_spec(flow: CompiledFlow) -> None:
    """The spec's order: HIT, the six reasons, bags, drip, concentration, bolus, duration."""
    session = run(flow, **per_kg(70, 75))
    expected = [
        "hit_history",
        *WITHHOLDING,
        *DOSE_QUESTIONS,
        "bolus_iu_per_kg",
        "weight_kg",
        "duration_h",
    ]
    assert expected == [step.node for step in session.steps]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bags": 7}, "from 1 to 6"),  # bags 1-6
        (bolus(20001), "from 0 to 20000"),  # bolus 0-20000 IU
        (per_kg(0, 75), "from 1 to 200"),  # IU/kg 1-200
        (per_kg(201, 75), "from 1 to 200"),
        (per_kg(70, 19), "from 20 to 300"),  # weight 20-300 kg
        (per_kg(70, 301), "from 20 to 300"),
        ({"concentration_iu_l": 25001}, "from 0 to 25000"),  # IU/L 0-25000
        ({"duration_h": 0.2}, "from 0.25 to 8"),  # duration 0.25-8 h
    ],
)
def test_out_of_range_refused(flow: CompiledFlow, changes: dict[str, Any], message: str) -> None:
    """A value outside the spec's range is refused with the range."""
    with pytest.raises(ValueError, match=message):
        run(flow, **changes)


def test_source_is_labelled_as_a_survey(flow: CompiledFlow) -> None:
    """The source is a survey, the disclaimer says not a guideline, and the flow is v2."""
    expected = (["survey"], "2.0.0")
    assert expected == ([s.evidence for s in flow.flow.sources], flow.flow.version)
    assert "not a guideline" in flow.flow.disclaimer
    header = FLOW_FILE.read_text(encoding="utf-8").splitlines()[1]
    assert "Contract: ../shared/clinical-spec.md version 2, flow `heparin`" in header


# --- each invariant fails when its promise is broken (issue 17 item 2) --------------------

ONE_BAG_COUNT = ("    min: 1\n    max: 6\n", "    min: 3\n    max: 3\n")
"""Three bags only (the survey's most common count): a sixth of the paths to explore, and
no fault below depends on the number of bags."""

MUTATIONS = [
    # HIT sent to the flush-withholding card: heparin by some route would be allowed
    (
        "hit_means_withhold_all",
        "      - when: hit_history == 'yes'\n        goto: withhold_all",
        "      - when: hit_history == 'yes'\n        goto: withhold_flush",
    ),
    # IV thrombolysis forgotten in the withholding rule: it would go on to a dose
    (
        "withholding_reason_never_proceeds",
        "          ivt_given == 'yes' or aspects < 5 or oral_anticoagulant == 'yes'\n",
        "          aspects < 5 or oral_anticoagulant == 'yes'\n",
    ),
    # IV thrombolysis withholds at once: the other five reasons are never asked or listed
    (
        "withhold_flush_asked_every_reason",
        "    source: {doc: esmint_survey, section: Results — Withholding heparin}\n"
        "    next: aspects\n",
        "    source: {doc: esmint_survey, section: Results — Withholding heparin}\n"
        "    next:\n"
        "      - when: ivt_given == 'yes'\n"
        "        goto: withhold_flush\n"
        "      - goto: aspects\n",
    ),
    # no reason at all still withholds: an empty list of reasons
    (
        "withhold_flush_lists_a_reason",
        "        note: Any reported withholding reason; all six were asked, so all that apply "
        "are listed.\n      - goto: bags\n",
        "        note: Any reported withholding reason; all six were asked, so all that apply "
        "are listed.\n      - goto: withhold_flush\n",
    ),
    # no bolus ends before the duration: the whole-procedure dose is never computed
    (
        "proceed_shows_the_doses",
        "        goto: bolus_iu_per_kg\n      - goto: duration_h\n",
        "        goto: bolus_iu_per_kg\n      - goto: proceed\n",
    ),
    # the flush formula forgets the number of bags
    (
        "doses_follow_the_survey_formula",
        "    formula: bags * drip_rate_ml_h * concentration_iu_l / 1000\n",
        "    formula: drip_rate_ml_h * concentration_iu_l / 1000\n",
    ),
    # a per-kg bolus taken for the survey's average 75 kg, whatever the weight
    (
        "per_kg_bolus_is_dose_times_weight",
        "(bolus_iu if bolus_unit == 'iu' else bolus_iu_per_kg * weight_kg)\n    unit: IU",
        "(bolus_iu if bolus_unit == 'iu' else bolus_iu_per_kg * 75)\n    unit: IU",
    ),
    # the bolus-only quartile misread as 7000 IU (version 1's verdict on 7000 IU alone)
    (
        "high_dose_exactly_by_the_group_rule",
        "      - when: flush_iu_h == 0 and bolus_total_iu > 7500\n",
        "      - when: flush_iu_h == 0 and bolus_total_iu > 7000\n",
    ),
    # a bolus with a small flush named as the bolus-only group
    (
        "card_names_the_matching_group",
        "('bolus_only' if flush_iu_h == 0 else 'bolus_and_flush'))\n",
        "('bolus_only' if flush_iu_h <= 1080 else 'bolus_and_flush'))\n",
    ),
    # a high first hour with a flush just above 1080 IU/h: the flush not named high
    (
        "high_dose_card_names_the_high_dose",
        "(('first_hour_and_flush' if flush_iu_h > 1080 else 'first_hour')",
        "(('first_hour_and_flush' if flush_iu_h > 1200 else 'first_hour')",
    ),
]


def test_every_invariant_has_a_mutation(flow: CompiledFlow) -> None:
    """Each invariant of the flow is broken by one mutation below."""
    expected = sorted(flow.invariants)
    assert expected == sorted(name for name, _, _ in MUTATIONS)


@pytest.mark.parametrize(
    ("invariant", "old", "new"), MUTATIONS, ids=[name for name, _, _ in MUTATIONS]
)
def test_broken_promise_fails_its_invariant(invariant: str, old: str, new: str) -> None:
    """A copy of the flow that breaks the promise fails that invariant, with a counterexample
    that reaches the outcome it names."""
    text = FLOW_FILE.read_text(encoding="utf-8")
    once = (1, 1)
    assert once == (text.count(old), text.count(ONE_BAG_COUNT[0]))
    mutated = text.replace(old, new).replace(*ONE_BAG_COUNT)
    faulty = compile_text(mutated, "heparin-mutated.yaml")
    violations = [
        finding
        for finding in verify(faulty).findings
        if finding.code == "invariant" and f"invariant {invariant} " in finding.message
    ]
    [violation] = violations
    assert violation.answers, "no counterexample"
    assert violation.outcome == drive(faulty, dict(violation.answers)).current
