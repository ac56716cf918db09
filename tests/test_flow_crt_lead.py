"""Scenario tests of the CRT lead placement flow against ../shared/clinical-spec.md."""

from __future__ import annotations

from typing import Any

import pytest

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session, drive
from triagebot.flows.library import bundled_dir

CANDIDATE: dict[str, Any] = {
    "sinus_rhythm": "yes",
    "lvef_percent": 25,
    "lbbb": "yes",
    "baseline_qrs_ms": 160,
    "nyha_class": "iii",
    "optimal_medical_therapy": "yes",
    "life_expectancy_over_1y": "yes",
    "recent_acs": "no",
}
CANDIDACY = list(CANDIDATE)


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(bundled_dir() / "crt-lead.yaml")


def branch(name: str, qrs: float, diaphragm: str = "no") -> dict[str, Any]:
    return {"branch_name": name, "paced_qrs_ms": qrs, "diaphragmatic_stimulation": diaphragm}


def run(
    flow: CompiledFlow, branches: list[dict[str, Any]] | None = None, **changes: Any
) -> Session:
    answers = {**CANDIDATE, **changes}
    if branches is not None:
        answers["branches"] = branches
    return drive(flow, answers)


def computed(session: Session, name: str) -> object:
    return session.computed_values()[name]


def texts(session: Session, section: str) -> list[str]:
    view = session.outcome()
    assert view is not None
    return [item.text for item in getattr(view, section)]


def test_candidate_with_two_branches_places_the_lead_in_the_shortest(flow: CompiledFlow) -> None:
    """The branch with the shortest paced QRS is proposed, with its ΔQRS."""
    session = run(flow, [branch("posterior", 150), branch("posterolateral", 138)])
    expected = ("place_lead", "posterolateral", 138, 22, 2)
    actual = (
        session.current,
        computed(session, "best_branch"),
        computed(session, "best_paced_qrs_ms"),
        computed(session, "delta_qrs_ms"),
        computed(session, "best_branch_number"),
    )
    assert expected == actual


def test_place_lead_quotes_the_study_figures_and_says_one_study(flow: CompiledFlow) -> None:
    """The outcome gives responders 85 % vs 50 %, 139 ± 10 vs 157 ± 10 ms, and the label."""
    session = run(flow, [branch("posterior", 150)])
    view = session.outcome()
    assert view is not None
    actions = " ".join(texts(session, "actions"))
    assert ("85 % vs 50 %" in actions, "139 ± 10 ms against 157 ± 10 ms" in actions) == (True, True)
    assert "not a guideline" in (view.summary or "")
    assert "one study, not a guideline" in flow.flow.title


def test_tie_goes_to_the_branch_tested_first(flow: CompiledFlow) -> None:
    """Two branches with the same shortest paced QRS: the first tested wins."""
    session = run(flow, [branch("lateral", 150), branch("posterior", 140), branch("other", 140)])
    expected = ("posterior", 2)
    actual = (computed(session, "best_branch"), computed(session, "best_branch_number"))
    assert expected == actual


def test_a_shorter_branch_that_stimulates_the_diaphragm_is_set_aside(flow: CompiledFlow) -> None:
    """The shortest QRS site stimulating the phrenic nerve is never proposed."""
    session = run(flow, [branch("posterior", 120, "yes"), branch("lateral", 145)])
    expected = ("place_lead", "lateral", 145, 1)
    actual = (
        session.current,
        computed(session, "best_branch"),
        computed(session, "best_paced_qrs_ms"),
        computed(session, "branches_stimulating"),
    )
    assert expected == actual
    assert any("set aside for diaphragmatic stimulation" in t for t in texts(session, "reasons"))


def test_every_branch_stimulating_the_diaphragm_is_no_suitable_branch(flow: CompiledFlow) -> None:
    """All tested branches stimulate the diaphragm: urgent, reposition or another strategy."""
    session = run(flow, [branch("posterior", 130, "yes"), branch("lateral", 140, "yes")])
    view = session.outcome()
    assert view is not None
    expected = ("no_suitable_branch", "urgent", None)
    assert expected == (view.id, view.urgency, computed(session, "best_branch"))
    assert any("Reposition the lead" in t for t in texts(session, "actions"))


def test_six_branches_stop_without_asking_for_another(flow: CompiledFlow) -> None:
    """The sixth branch ends the loop: 'test another branch?' is asked five times only."""
    qrs = [160, 155, 150, 145, 140, 135]
    session = run(flow, [branch("other", value) for value in qrs])
    asked = [step.node for step in session.steps].count("another_branch")
    expected = ("place_lead", 5, 6, 135, 6)
    actual = (
        session.current,
        asked,
        computed(session, "branches_tested"),
        computed(session, "best_paced_qrs_ms"),
        computed(session, "best_branch_number"),
    )
    assert expected == actual


def test_a_seventh_branch_is_refused(flow: CompiledFlow) -> None:
    """An answers file with seven branches is an error naming the group."""
    with pytest.raises(AnswerError, match="branches"):
        run(flow, [branch("other", 150)] * 7)


def test_no_qrs_shortening_is_said(flow: CompiledFlow) -> None:
    """A best paced QRS as long as the intrinsic QRS is pointed out (ΔQRS ≤ 0)."""
    session = run(flow, [branch("posterior", 160)], baseline_qrs_ms=160)
    expected = 0
    assert expected == computed(session, "delta_qrs_ms")
    assert any("not shorter than the intrinsic QRS" in t for t in texts(session, "reasons"))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sinus_rhythm": "no"}, "not in sinus rhythm"),
        ({"lvef_percent": 35}, "LVEF 35 %"),
        ({"lbbb": "no"}, "no LBBB morphology"),
        ({"baseline_qrs_ms": 120}, "intrinsic QRS 120 ms"),
        ({"nyha_class": "i"}, "NYHA class I"),
        ({"optimal_medical_therapy": "no"}, "medical therapy not yet optimal"),
        ({"life_expectancy_over_1y": "no"}, "life expectancy under one year"),
        ({"recent_acs": "yes"}, "acute coronary syndrome within the last 3 months"),
    ],
)
def test_each_unmet_criterion_alone_is_not_candidate(
    flow: CompiledFlow, changes: dict[str, Any], reason: str
) -> None:
    """Each criterion on its failing side alone: not a candidate, that one reason listed."""
    session = run(flow, **changes)
    reasons = texts(session, "reasons")
    expected = ("not_candidate", 1, True, CANDIDACY)
    actual = (
        session.current,
        len(reasons),
        reason in reasons[0],
        [step.node for step in session.steps],
    )
    assert expected == actual


def test_every_unmet_criterion_is_listed(flow: CompiledFlow) -> None:
    """All eight criteria unmet: all eight listed."""
    session = run(
        flow,
        sinus_rhythm="no",
        lvef_percent=50,
        lbbb="no",
        baseline_qrs_ms=100,
        nyha_class="i",
        optimal_medical_therapy="no",
        life_expectancy_over_1y="no",
        recent_acs="yes",
    )
    expected = ("not_candidate", 8)
    assert expected == (session.current, len(texts(session, "reasons")))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lvef_percent": 34.9}, "place_lead"),
        ({"lvef_percent": 35}, "not_candidate"),
        ({"baseline_qrs_ms": 121}, "place_lead"),
        ({"baseline_qrs_ms": 120}, "not_candidate"),
        ({"nyha_class": "ii"}, "place_lead"),
        ({"nyha_class": "iv"}, "place_lead"),
    ],
)
def test_candidacy_boundaries(flow: CompiledFlow, changes: dict[str, Any], expected: str) -> None:
    """LVEF < 35 % and QRS > 120 ms are strict; NYHA II to IV qualify."""
    session = run(flow, [branch("posterior", 140)], **changes)
    assert expected == session.current


def test_back_inside_a_round_and_across_rounds(flow: CompiledFlow) -> None:
    """Back from round 2's first question returns to round 1's 'another branch?'."""
    session = Session(flow)
    for question in CANDIDACY:
        session.answer(CANDIDATE[question])
    for value in ("posterior", 150, "no", "yes"):
        session.answer(value)
    info = session.round_info
    assert info is not None
    before = ("branch_name", 2, "Branch 2 of up to 6")
    assert before == (session.current, info.round, info.label)
    session.back()
    info = session.round_info
    assert info is not None
    after = ("another_branch", 1, "Branch 1 of up to 6")
    assert after == (session.current, info.round, info.label)
