"""The eCPR flow's invariants can fail: each promise broken in a copy of the flow is caught.

Each case plants a defect in a copy of flows/ecpr.yaml (a text replacement), and the
verifier, over every answer path, must report the invariant that promises the opposite,
with a counterexample that reaches the outcome it names.
"""

from __future__ import annotations

import pytest

from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.verify import answers_mapping, verify

FLOW_PATH = bundled_dir() / "ecpr.yaml"

CONTRAINDICATION_STOPS = "      - when: ecmo_contraindication == 'yes'\n        goto: no_go"
CONTRAINDICATION_GOES_ON = CONTRAINDICATION_STOPS.replace("no_go", "team_available")
NO_TEAM_STOPS = "      - when: team_available == 'no'\n        goto: no_go"
TO_CONSIDER = "      - when: adverse_factor == 'present'\n        goto: consider"


def before_consider(condition: str, goto: str) -> tuple[str, str]:
    """A rule put in before the one to consider (on the last question)."""
    return TO_CONSIDER, f"      - when: {condition}\n        goto: {goto}\n{TO_CONSIDER}"


def present_if(old: str, new: str) -> tuple[str, str]:
    """A factor value's condition changed (its formula reads "'present' if ... else")."""
    return f"'present' if {old} else", f"'present' if {new} else"


# (invariant, [(text in the flow, its replacement)]): a defect that breaks the invariant's
# promise; version 1's defects among them.
DEFECTS = [
    # a contraindication no longer stops the check: the flow can go on to go
    ("go_needs_every_prerequisite", [(CONTRAINDICATION_STOPS, CONTRAINDICATION_GOES_ON)]),
    # version 1's hypothermia override, put back: a hypothermic OHCA goes
    ("go_never_ohca_or_cpr_outside_icu", [before_consider("hypothermia == 'yes'", "go")]),
    # an unwitnessed arrest counted only when non-cardiac
    (
        "go_never_unwitnessed",
        [present_if("witnessed == 'no'", "witnessed == 'no' and cause == 'non_cardiac'")],
    ),
    # unsure read as a reversible cause identified
    (
        "go_never_without_reversible_cause",
        [("'present' if reversible_cause != 'yes'", "'present' if reversible_cause == 'no'")],
    ),
    # non-cardiac disease counted only out of hospital
    (
        "go_never_non_cardiac",
        [present_if("cause == 'non_cardiac'", "cause == 'non_cardiac' and location == 'ohca'")],
    ),
    # version 1's defect: a minimum of 9 or more with a lab value unknown is ignored
    (
        "go_never_demul_nine_or_more",
        [("demul_reading != 'below_nine'", "demul_reading in ('nine_or_more', 'not_computable')")],
    ),
    # a score that could not be computed no longer counts (both labs unknown: go)
    (
        "go_never_without_a_computed_score",
        [
            (
                "demul_reading != 'below_nine'",
                "demul_reading in ('nine_or_more', 'minimum_nine_or_more')",
            )
        ],
    ),
    # the card names a contraindication after ROSC when the team was missing
    (
        "no_go_names_its_hard_stop",
        [
            (
                "'contraindication' if ecmo_contraindication == 'yes'\n",
                "'contraindication' if ecmo_contraindication == 'yes' or in_arrest == 'no'\n",
            )
        ],
    ),
    # version 1's OHCA no-go, put back: no-go without a hard stop
    (
        "no_go_names_its_hard_stop",
        [before_consider("location == 'ohca' and reversible_cause != 'yes'", "no_go")],
    ),
    # version 1's order: the team is still asked after a contraindication
    (
        "no_go_asks_nothing_after_the_hard_stop",
        [
            (CONTRAINDICATION_STOPS, CONTRAINDICATION_GOES_ON),
            (
                NO_TEAM_STOPS,
                NO_TEAM_STOPS.replace("'no'", "'no' or ecmo_contraindication == 'yes'"),
            ),
        ],
    ),
    # consider without any adverse factor (every child under 15 kg)
    ("consider_has_an_adverse_factor", [before_consider("weight_kg < 15", "consider")]),
    # a non-cardiac disease left off the card when the arrest was unwitnessed
    (
        "consider_lists_every_adverse_factor",
        [present_if("cause == 'non_cardiac'", "cause == 'non_cardiac' and witnessed == 'yes'")],
    ),
    # a minimum of 8 with a lab value unknown read as "9 or more whatever the missing value"
    (
        "demul_reading_matches_the_score",
        [("demul_minimum_score >= 9 else", "demul_minimum_score >= 8 else")],
    ),
    # an arrest sent down the ROSC branch: "not indicated" while in arrest
    (
        "not_indicated_only_outside_the_definition",
        [("'yes'\n        goto: cpr_quality", "'yes'\n        goto: rosc_low_output")],
    ),
    # "establish CPR first" when CPR is efficient
    (
        "optimise_cpr_only_for_inefficient_cpr_in_arrest",
        [("      - when: cpr_quality == 'no'\n", "      - when: cpr_quality == 'yes'\n")],
    ),
]


def test_the_flow_as_bundled_keeps_every_invariant() -> None:
    """The bundled flow: explored exhaustively, no finding, every outcome reached."""
    report = verify(load_flow(FLOW_PATH))
    outcomes = {node for node, _ in report.flow.outcomes()}
    expected = (True, [], outcomes)
    assert expected == (report.exhaustive, report.findings, set(report.exploration.shortest))


def test_every_invariant_has_a_defect_that_breaks_it() -> None:
    """Each invariant of the flow is shown to fail by at least one planted defect."""
    names = {invariant.name for invariant in load_flow(FLOW_PATH).flow.invariants}
    assert names == {name for name, _ in DEFECTS}


@pytest.mark.parametrize(("invariant", "changes"), DEFECTS)
def test_a_broken_promise_fails_its_invariant(
    invariant: str, changes: list[tuple[str, str]]
) -> None:
    """The planted defect makes verify report the invariant, with a counterexample."""
    text = FLOW_PATH.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, f"not found once in the flow: {old!r}"
        text = text.replace(old, new)
    report = verify(compile_text(text, "ecpr.yaml"))
    violated = [
        finding
        for finding in report.findings
        if finding.code == "invariant" and finding.message.startswith(f"invariant {invariant} ")
    ]
    assert len(violated) == 1, [finding.message for finding in report.findings]
    answers = violated[0].answers
    assert answers is not None
    replayed = drive(report.flow, dict(answers_mapping(answers, report.flow)))
    expected = (True, violated[0].outcome)
    assert expected == (report.exhaustive, replayed.current)
