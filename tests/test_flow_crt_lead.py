"""Scenario tests of the CRT lead placement flow against version 2 of
../shared/clinical-spec.md, and each invariant failing when its promise is broken."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings

from tests.test_flow_invariants import answer_sets, broken_invariants
from triagebot.app.library import bundled_dir
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import OutcomeView, Session
from triagebot.flows.verify import Finding, verify

PATH = bundled_dir() / "crt-lead.yaml"
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
OUTCOMES = {"not_candidate", "place_lead", "no_qrs_shortening", "no_suitable_branch"}


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(PATH)


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


def view_of(session: Session) -> OutcomeView:
    view = session.outcome()
    assert view is not None
    return view


def texts(session: Session, section: str) -> list[str]:
    return [item.text for item in getattr(view_of(session), section)]


def proposal(session: Session) -> tuple[object, ...]:
    """The outcome and the proposed branch as the card names it."""
    names = ("best_branch", "best_branch_number", "best_paced_qrs_ms", "delta_qrs_ms")
    return (session.current, *(computed(session, name) for name in names))


def test_candidate_with_two_branches_places_the_lead_in_the_shortest(flow: CompiledFlow) -> None:
    """The branch with the shortest paced QRS is proposed, by name and number, with ΔQRS."""
    session = run(flow, [branch("posterior", 150), branch("posterolateral", 138)])
    expected = ("place_lead", "posterolateral", 2, 138, 22)
    assert expected == proposal(session)
    summary = view_of(session).summary or ""
    assert "138 ms in branch 2 tested (posterolateral): ΔQRS 22 ms" in summary


def test_the_card_says_meets_the_study_criteria_and_never_indicated(flow: CompiledFlow) -> None:
    """'Meets / does not meet the study's inclusion criteria'; never 'indicated' or
    'candidate for CRT', anywhere a clinician reads."""
    text = PATH.read_text(encoding="utf-8")
    readable = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    forbidden = re.findall(r"\bindicated\b|candidate for CRT", readable, flags=re.IGNORECASE)
    placed = view_of(run(flow, [branch("posterior", 150)]))
    refused = view_of(run(flow, sinus_rhythm="no"))
    expected = ([], True, "Does not meet the study's inclusion criteria")
    actual = (
        forbidden,
        (placed.summary or "").startswith("Meets the study's inclusion criteria."),
        refused.title.split(" (")[0],
    )
    assert expected == actual
    assert "one study, not a guideline" in flow.flow.title


def test_optimal_medical_therapy_names_ace_inhibitor_or_arb(flow: CompiledFlow) -> None:
    """Table 1: an ACE inhibitor or ARB and a beta-blocker, symptoms despite adding an MRA."""
    prompt = " ".join(flow.question("optimal_medical_therapy").prompt.split())
    parts = ("ACE inhibitor or ARB", "beta-blocker", "mineralocorticoid receptor antagonist")
    expected = [True, True, True]
    assert expected == [part in prompt for part in parts]


def test_study_figures_are_evidence_not_actions(flow: CompiledFlow) -> None:
    """The study's figures are under evidence, and no action quotes a figure."""
    session = run(flow, [branch("posterior", 150)])
    evidence = " ".join(texts(session, "evidence"))
    figures = (
        "85 % with ECG-guided placement vs 50 % with standard placement (p = 0.02)",
        "85 % vs 70 % (p = 0.181, not significant)",
        "139 ± 10 ms at the chosen sites vs 157 ± 10 ms at the non-preferred sites",
    )
    actions = " ".join(texts(session, "actions"))
    expected = ([True, True, True], [])
    assert expected == ([f in evidence for f in figures], re.findall(r"\d+ %|p [=<]", actions))


@pytest.mark.parametrize("outcome_branches", [[branch("posterior", 150)], [branch("lateral", 170)]])
def test_card_says_the_paced_qrs_are_compared_in_the_same_lead(
    flow: CompiledFlow, outcome_branches: list[dict[str, Any]]
) -> None:
    """place_lead and no_qrs_shortening both note the same surface lead (II, V1 or V6)."""
    reasons = texts(run(flow, outcome_branches), "reasons")
    note = "compared in the same surface lead (II, V1 or V6, as in the study)"
    expected = 1
    assert expected == sum(note in " ".join(r.split()) for r in reasons)


def test_tie_goes_to_the_branch_tested_first(flow: CompiledFlow) -> None:
    """Two branches with the same shortest paced QRS: the first tested wins."""
    session = run(flow, [branch("lateral", 150), branch("posterior", 140), branch("other", 140)])
    expected = ("place_lead", "posterior", 2, 140, 20)
    assert expected == proposal(session)


def test_a_shorter_branch_that_stimulates_the_diaphragm_is_set_aside(flow: CompiledFlow) -> None:
    """The shortest QRS site stimulating the phrenic nerve is never proposed."""
    session = run(flow, [branch("posterior", 120, "yes"), branch("lateral", 145)])
    expected = ("place_lead", "lateral", 2, 145, 15, 1)
    assert expected == (*proposal(session), computed(session, "branches_stimulating"))
    assert any("set aside for diaphragmatic stimulation" in t for t in texts(session, "reasons"))


def test_every_branch_stimulating_the_diaphragm_is_no_suitable_branch(flow: CompiledFlow) -> None:
    """All tested branches stimulate the diaphragm: urgent, reposition or another strategy,
    even where a paced QRS would have been longer than the intrinsic one (rule order)."""
    session = run(flow, [branch("posterior", 130, "yes"), branch("lateral", 170, "yes")])
    view = view_of(session)
    expected = ("no_suitable_branch", "urgent", None)
    assert expected == (view.id, view.urgency, computed(session, "best_branch"))
    assert any("Reposition the lead" in t for t in texts(session, "actions"))


@pytest.mark.parametrize(
    ("paced", "outcome", "delta"),
    [
        # one step shorter than the intrinsic 160 ms: shortened
        (159, "place_lead", 1),
        (159.99, "place_lead", pytest.approx(0.01)),
        # exactly the intrinsic QRS: ΔQRS 0 is no shortening
        (160, "no_qrs_shortening", 0),
        # one step longer
        (160.01, "no_qrs_shortening", pytest.approx(-0.01)),
        (161, "no_qrs_shortening", -1),
    ],
)
def test_delta_qrs_band_edge(flow: CompiledFlow, paced: float, outcome: str, delta: Any) -> None:
    """ΔQRS > 0 places the lead; ΔQRS ≤ 0 is no_qrs_shortening, on both sides of 0."""
    session = run(flow, [branch("posterior", paced)])
    assert (outcome, delta) == (session.current, computed(session, "delta_qrs_ms"))


def test_no_qrs_shortening_shows_the_branch_and_its_figures(flow: CompiledFlow) -> None:
    """Urgent; the implanter decides; the branch named by name and number with its paced
    QRS and ΔQRS, even when a shorter branch stimulated the diaphragm."""
    session = run(flow, [branch("posterior", 130, "yes"), branch("lateral", 165)])
    view = view_of(session)
    summary = " ".join((view.summary or "").split())
    shown = {value.name: value.display for value in view.shown}
    named = "165 ms in branch 2 tested (lateral), is not shorter than the intrinsic 160 ms"
    figures = ("best_branch", "best_branch_number", "best_paced_qrs_ms", "delta_qrs_ms")
    expected = (
        ("no_qrs_shortening", "lateral", 2, 165, -5),
        "urgent",
        True,
        ("lateral", "2", "165 ms", "-5 ms"),
    )
    actual = (
        proposal(session),
        view.urgency,
        named in summary,
        tuple(shown[name] for name in figures),
    )
    assert expected == actual
    assert texts(session, "actions")[0].startswith("The implanter decides")


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        # the veins the study used
        ("lateral", False),
        ("posterior", False),
        ("posterolateral", False),
        # outside them
        ("anterolateral", True),
        ("other", True),
    ],
)
def test_a_branch_outside_the_study_veins_is_said(
    flow: CompiledFlow, name: str, flagged: bool
) -> None:
    """place_lead says when the proposed branch is outside lateral, posterior or
    posterolateral veins, and only then."""
    session = run(flow, [branch(name, 140)])
    outside = [t for t in texts(session, "evidence") if "outside the veins the study used" in t]
    expected = (flagged, "no" if flagged else "yes")
    assert expected == (bool(outside), computed(session, "best_branch_in_study_veins"))


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


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"sinus_rhythm": "no"}, "not in sinus rhythm"),
        ({"lvef_percent": 35}, "LVEF 35 %"),
        ({"lbbb": "no"}, "no LBBB morphology"),
        ({"baseline_qrs_ms": 120}, "intrinsic QRS 120 ms"),
        ({"nyha_class": "i"}, "NYHA class I"),
        ({"optimal_medical_therapy": "no"}, "an ACE inhibitor or ARB and a beta-blocker"),
        ({"life_expectancy_over_1y": "no"}, "life expectancy under one year"),
        ({"recent_acs": "yes"}, "acute coronary syndrome within the last 3 months"),
    ],
)
def test_each_unmet_criterion_alone_is_not_candidate(
    flow: CompiledFlow, changes: dict[str, Any], reason: str
) -> None:
    """Each criterion on its failing side alone: does not meet, that one reason listed."""
    session = run(flow, **changes)
    reasons = texts(session, "reasons")
    expected = ("not_candidate", 1, True, CANDIDACY)
    actual = (
        session.current,
        len(reasons),
        reason in " ".join(reasons[0].split()),
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
    session = run(flow, [branch("posterior", 110)], **changes)
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


# --- each invariant fails when its promise is broken ---------------------------------------

MUTATIONS = [
    (
        "lead_proposed_only_when_the_inclusion_criteria_are_met",
        "and baseline_qrs_ms > 120 and nyha_class in ('ii', 'iii', 'iv')",
        "and baseline_qrs_ms >= 120 and nyha_class in ('ii', 'iii', 'iv')",
    ),
    (
        "not_candidate_only_with_an_unmet_criterion",
        "and baseline_qrs_ms > 120 and nyha_class in ('ii', 'iii', 'iv')",
        "and baseline_qrs_ms > 120 and nyha_class in ('iii', 'iv')",
    ),
    (
        # the name of the shortest branch, stimulating or not: a wrong branch named, while
        # the number and the paced QRS shown stay right
        "proposed_branch_never_stimulates_and_is_the_shortest",
        "first_min(branches, branch_name, by=paced_qrs_ms, "
        "where=diaphragmatic_stimulation == 'no')",
        "first_min(branches, branch_name, by=paced_qrs_ms)",
    ),
    (
        # the number of the longest branch without stimulation, the name still right
        "proposed_branch_never_stimulates_and_is_the_shortest",
        "first_min(branches, entry_number, by=paced_qrs_ms, where=",
        "first_max(branches, entry_number, by=paced_qrs_ms, where=",
    ),
    (
        # the paced QRS shown taken from every branch, stimulating ones too
        "proposed_branch_never_stimulates_and_is_the_shortest",
        "min_of(branches, paced_qrs_ms, where=diaphragmatic_stimulation == 'no')",
        "min_of(branches, paced_qrs_ms)",
    ),
    (
        "no_suitable_branch_exactly_when_every_branch_stimulates",
        "      - when: all_of(branches, diaphragmatic_stimulation == 'yes')\n",
        "      - when: any_of(branches, diaphragmatic_stimulation == 'yes')\n",
    ),
    (
        # ΔQRS exactly 0 read as a shortening
        "no_qrs_shortening_exactly_when_delta_qrs_is_not_positive",
        "      - when: delta_qrs_ms <= 0\n",
        "      - when: delta_qrs_ms < 0\n",
    ),
    (
        # the ΔQRS shown with the wrong sign
        "no_qrs_shortening_exactly_when_delta_qrs_is_not_positive",
        "    formula: baseline_qrs_ms - best_paced_qrs_ms\n",
        "    formula: best_paced_qrs_ms - baseline_qrs_ms\n",
    ),
    (
        "branch_outside_the_study_veins_is_flagged",
        "\"'yes' if best_branch in ('lateral', 'posterior', 'posterolateral') else 'no'\"",
        "\"'yes' if best_branch != 'other' else 'no'\"",
    ),
    ("at_most_six_branches", "    max: 6\n", "    max: 7\n"),
]
"""(invariant, text in the flow file, its replacement that breaks the invariant's promise)."""

IDS = [f"{name}-{index}" for index, (name, _, _) in enumerate(MUTATIONS)]


def mutated(old: str, new: str, rounds: int | None = None) -> CompiledFlow:
    """The flow with ``old`` replaced by ``new``; with ``rounds``, at most that many branches."""
    text = PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"mutation target not found once: {old!r}"
    text = text.replace(old, new)
    if rounds is not None:
        text = text.replace("    max: 6\n", f"    max: {rounds}\n")
    return compile_text(text, PATH.name)


def test_every_invariant_has_a_mutation(flow: CompiledFlow) -> None:
    """Each invariant of the flow is shown below to fail when its promise is broken."""
    assert list(flow.invariants) == list(dict.fromkeys(name for name, _, _ in MUTATIONS))


@pytest.mark.parametrize(("invariant", "old", "new"), MUTATIONS, ids=IDS)
def test_a_broken_promise_breaks_its_invariant_on_generated_answers(
    invariant: str, old: str, new: str
) -> None:
    """Generated answers find a path of the mutated flow where that invariant is false."""
    broken = mutated(old, new)
    quick = settings(
        max_examples=3000,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],  # any example will do: no shrinking
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )

    def breaks(answers: dict[str, Any]) -> bool:
        return invariant in broken_invariants(drive(broken, answers))

    # find raises NoSuchExample (the test fails) when no generated answers break it
    example = find(answer_sets(broken), breaks, settings=quick)
    assert invariant in broken_invariants(drive(broken, example))


def violations(flow: CompiledFlow) -> dict[str, Finding]:
    """The invariants verify reports as violated, by name."""
    found = [finding for finding in verify(flow).findings if finding.code == "invariant"]
    return {finding.message.split()[1]: finding for finding in found}


# Two rounds are enough to break each promise below (a tie or a set-aside branch needs
# two), and verify explores them in a fraction of a second; the tests over all six rounds
# follow.
TWO_ROUNDS = [
    (mutation, name)
    for mutation, name in zip(MUTATIONS, IDS, strict=True)
    if mutation[0] != "at_most_six_branches"
]


def test_the_flow_over_two_rounds_verifies() -> None:
    """verify over at most two branches: no finding, every outcome reached."""
    report = verify(mutated("    max: 6\n", "    max: 2\n"))
    expected: tuple[bool, list[Finding]] = (True, [])
    assert expected == (report.ok, report.findings)


@pytest.mark.parametrize(
    ("invariant", "old", "new"), [m for m, _ in TWO_ROUNDS], ids=[name for _, name in TWO_ROUNDS]
)
def test_a_broken_promise_fails_verify_over_two_rounds(invariant: str, old: str, new: str) -> None:
    """Over at most two branches, the mutated flow fails verify on that invariant alone,
    with a counterexample reaching an outcome."""
    found = violations(mutated(old, new, rounds=2))
    expected = ([invariant], True, True)
    finding = found.get(invariant)
    actual = (
        sorted(found),
        finding is not None and bool(finding.answers),
        finding is not None and finding.outcome in OUTCOMES,
    )
    assert expected == actual


def test_the_flow_verifies_exhaustively(flow: CompiledFlow) -> None:
    """verify: every path explored exactly, every invariant holds, every outcome reached."""
    report = verify(flow)
    expected = (True, True, [])
    assert expected == (report.ok, report.exhaustive, report.findings)


@pytest.mark.parametrize(("invariant", "old", "new"), MUTATIONS, ids=IDS)
def test_a_broken_promise_fails_verify(invariant: str, old: str, new: str) -> None:
    """A copy of the flow with the promise broken fails verify on that invariant, with a
    counterexample reaching an outcome."""
    found = violations(mutated(old, new))
    assert invariant in found
    finding = found[invariant]
    expected = (True, True)
    assert expected == (bool(finding.answers), finding.outcome in OUTCOMES)
