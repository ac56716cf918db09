"""Scenario tests of the spinal-referral flow against ../shared/clinical-spec.md (version 2),
and each invariant shown to fail on a copy of the flow that breaks its promise."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.schema import MultiChoiceQuestion, OutcomeNode
from triagebot.flows.verify import Finding, verify

FLOW_FILE = bundled_dir() / "spinal-referral.yaml"


@pytest.fixture(scope="module")
def flow() -> CompiledFlow:
    return load_flow(FLOW_FILE)


@pytest.fixture(scope="module")
def ces_flow() -> CompiledFlow:
    return load_flow(bundled_dir() / "cauda-equina.yaml")


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
    """All ten flags ticked: suspected CES, with ten reason lines (each flag once)."""
    question = flow.question("red_flags")
    every = [option.id for option in question.options]  # type: ignore[union-attr]
    session = run(flow, red_flags=every)
    assert_outcome(session, "suspected_ces")
    assert_count(10, reasons(session))


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


# --- version 2 -------------------------------------------------------------------------------

# The ten red flags of the spec, in its order, with the details it lists (or, where it lists
# none, the source's own words).
SPEC_FLAGS = [
    ("previous_cancer", "Especially breast, lung, prostate, kidney and thyroid."),
    ("systemic_symptoms", "Weight loss, systemic symptoms, underlying malignancy."),
    ("vertebral_collapse", "Height loss, long-term steroids, osteoporotic or other collapse."),
    ("infection", "Discitis, TB, IV drug use."),
    ("neuro_signs", "Widespread neurological signs or myelopathy."),
    (
        "cauda_equina",
        "Any core CES symptom: new urinary difficulty, altered saddle sensation, loss of "
        "rectal sensation, severe deficit of both legs, retention or incontinence.",
    ),
    (
        "ces_warning_sign",
        "Sudden-onset bilateral radicular leg pain, or unilateral progressing to bilateral: "
        "the CES pathway's warning sign.",
    ),
    ("trauma", "Low-velocity fracture, osteoporotic or other vertebral collapse."),
    ("severe_pain_under_20", "Especially if not related to sport or injury."),
    ("severe_thoracic_pain", "Underlying malignancy or osteoporotic vertebral collapse."),
]
CES_FLAGS = ("cauda_equina", "ces_warning_sign")
# The start of each other flag's investigation line, as every red-flag outcome lists it.
FLAG_LINES = {
    "previous_cancer": "Previous cancer — investigations:",
    "systemic_symptoms": "Systemic symptoms, weight loss or underlying malignancy — invest",
    "vertebral_collapse": "Loss of height, long-term steroids, or vertebral collapse — investig",
    "infection": "Possible infection (discitis, TB, IV drug use) — investigations:",
    "neuro_signs": "Widespread neurological signs or myelopathy — investigations: urgent MRI",
    "trauma": "Trauma (low velocity): fracture, osteoporotic or other vertebral collapse — inv",
    "severe_pain_under_20": "Severe back pain under the age of 20",
    "severe_thoracic_pain": "Severe thoracic pain",
    "cauda_equina": "Suspected cauda equina syndrome ticked as a red flag",
    "ces_warning_sign": "CES warning sign",
}


def test_red_flag_options_are_the_spec_ten_with_their_details(flow: CompiledFlow) -> None:
    """The ten red flags, in the spec's order, each with its detail (trauma's included)."""
    question = flow.question("red_flags")
    assert isinstance(question, MultiChoiceQuestion)
    expected = SPEC_FLAGS
    assert expected == [(option.id, option.detail) for option in question.options]


def expected_red_flag_outcome(flags: tuple[str, ...]) -> str:
    if "cauda_equina" in flags:
        return "suspected_ces"
    if "ces_warning_sign" in flags:
        return "ces_warning_sign"
    return "red_flag_pathway"


def test_every_set_of_red_flags_routes_and_lists_each_flag(flow: CompiledFlow) -> None:
    """All 1,023 sets of ticked flags: the spec's outcome, and each flag ticked named once."""
    ids = [flag for flag, _ in SPEC_FLAGS]
    wrong = []
    for size in range(1, len(ids) + 1):
        for flags in itertools.combinations(ids, size):
            session = run(flow, red_flags=list(flags))
            lines = reasons(session)
            named = sorted(f for f in ids for line in lines if line.startswith(FLAG_LINES[f]))
            if (session.current, named, len(lines)) != (
                expected_red_flag_outcome(flags),
                sorted(flags),
                len(flags),
            ):
                wrong.append((flags, session.current, lines))
    expected: list[object] = []
    assert expected == wrong[:3]


def texts(outcome: OutcomeNode, section: str) -> list[str]:
    return [" ".join(item.text.split()) for item in getattr(outcome, section)]


def test_suspected_ces_is_an_emergency_with_the_ces_flows_actions(
    flow: CompiledFlow, ces_flow: CompiledFlow
) -> None:
    """Suspected CES: emergency, MRI within 4 hours, the cauda-equina flow's emergency actions."""
    session = run(flow, red_flags=["cauda_equina"])
    view = session.outcome()
    assert view is not None
    emergency = ces_flow.flow.nodes["emergency_mri"]
    assert isinstance(emergency, OutcomeNode)
    ces_actions = texts(emergency, "actions")
    expected = ("emergency", ["red_flags"])
    assert expected == (view.urgency, asked(session))
    assert ces_actions == [" ".join(item.text.split()) for item in view.actions]
    assert "within 4 hours" in view.title


def test_suspected_ces_lists_other_flags_and_asks_for_their_investigations(
    flow: CompiledFlow,
) -> None:
    """Suspected CES with two other flags: both listed with investigations, and an action."""
    view = run(flow, red_flags=["cauda_equina", "infection", "trauma"]).outcome()
    assert view is not None
    assert [FLAG_LINES["cauda_equina"], FLAG_LINES["infection"], FLAG_LINES["trauma"]] == [
        line.text[: len(prefix)]
        for line, prefix in zip(
            view.reasons,
            [FLAG_LINES["cauda_equina"], FLAG_LINES["infection"], FLAG_LINES["trauma"]],
            strict=True,
        )
    ]
    expected = "Arrange the investigations listed above for each other red flag ticked."
    assert expected == view.actions[-1].text


def test_ces_warning_sign_screens_then_refers_urgently_to_msk_triage(
    flow: CompiledFlow, ces_flow: CompiledFlow
) -> None:
    """The warning sign alone: urgent; screen with the cauda-equina flow, else the 2-week
    wait with the cauda-equina flow's urgent_msk_2ww actions and safety-netting."""
    view = run(flow, red_flags=["ces_warning_sign"]).outcome()
    assert view is not None
    msk = ces_flow.flow.nodes["urgent_msk_2ww"]
    assert isinstance(msk, OutcomeNode)
    refer, details = texts(msk, "actions")
    expected = (
        "urgent",
        [
            "Screen for CES now with the cauda-equina flow: any core CES symptom means "
            "suspected CES, an emergency MRI within 4 hours of referral.",
            "Without CES symptoms: r" + refer[1:],
            details,
        ],
        texts(msk, "safety_netting"),
    )
    assert expected == (
        view.urgency,
        [" ".join(item.text.split()) for item in view.actions],
        [item.text for item in view.safety_netting],
    )


def test_red_flag_pathway_names_urgent_mri_for_neuro_signs(flow: CompiledFlow) -> None:
    """Neuro signs: urgent MRI (Appendix 3), and the card safety-nets for CES symptoms."""
    view = run(flow, red_flags=["neuro_signs"]).outcome()
    assert view is not None
    expected = (
        "red_flag_pathway",
        ["Widespread neurological signs or myelopathy — investigations: urgent MRI."],
    )
    assert expected == (view.id, [line.text for line in view.reasons])
    assert "emergency MRI within 4 hours" in view.safety_netting[0].text


def test_waiver_branch_asks_the_purpose_never_a_review(flow: CompiledFlow) -> None:
    """With the waiver the purpose discussion is asked, not the face-to-face review, and the
    willingness question does not speak of a shared decision-making review."""
    session = run(flow, waiver_pathology="yes", purpose_discussed="yes")
    prompt = flow.question("willing_surgery").prompt
    expected = (["purpose_discussed", "willing_surgery"], False, False)
    assert expected == (
        asked(session)[-2:],
        "f2f_sdm_review" in asked(session),
        "shared decision" in prompt.lower(),
    )


GIRFT_INJECTION = (
    "Unmet: no spinal injection trialled and reviewed. Next step: trial a spinal injection "
    "first, review its outcome, and hold a shared decision-making discussion if it fails "
    "(GIRFT 2023)."
)
WAIVER_INJECTION = (
    "Unmet: no spinal injection trialled and reviewed. Next step: under the policy as "
    "written, the referral is not yet eligible without it: the Note waives only the "
    "face-to-face assessment and the shared decision-making discussion, and does not "
    "mention the injection trial."
)


def unmet_lines(answers: dict[str, str]) -> list[str]:
    """The start of each line not_yet_eligible must show: one per unmet criterion, worded
    for the branch (the spec restated)."""
    waiver = answers["waiver_pathology"] == "yes"
    lines = []
    if answers["mri_target"] == "no":
        lines.append("Unmet: no appropriate spinal MRI")
    if answers["injection_trialled"] == "no":
        lines.append(WAIVER_INJECTION if waiver else GIRFT_INJECTION)
    if not waiver and answers["f2f_sdm_review"] == "no":
        lines.append("Unmet: no pre-referral face-to-face review with shared decision-making.")
    if waiver and answers["purpose_discussed"] == "no":
        lines.append("Unmet: the patient has not discussed the referral with a skilled")
    if answers["willing_surgery"] == "no":
        lines.append(
            "Unmet: the patient would not consider surgery if offered. Next step: do not "
            "refer for surgical assessment now"
            + (" (the policy requires" if waiver else "; continue non-surgical management")
        )
    return lines


CRITERIA = ("mri_target", "injection_trialled", "waiver_pathology", "f2f_sdm_review")
CRITERIA += ("purpose_discussed", "willing_surgery")


def test_every_combination_of_criteria_lists_exactly_the_unmet_ones(flow: CompiledFlow) -> None:
    """All 64 combinations: eligible when none is unmet; otherwise one line per unmet
    criterion, worded for the branch, each with a next step, and none for a met one."""
    wrong = []
    for values in itertools.product(("yes", "no"), repeat=len(CRITERIA)):
        answers = dict(zip(CRITERIA, values, strict=True))
        session = run(flow, **answers)
        starts = unmet_lines(answers)
        lines = reasons(session)
        if not starts:
            ok = (session.current, len(lines)) == ("eligible", 4)
        else:
            ok = (
                session.current == "not_yet_eligible"
                and len(lines) == len(starts)
                and all(line.startswith(start) for line, start in zip(lines, starts, strict=True))
                and all("Next step:" in line for line in lines)
            )
        if not ok:
            wrong.append((answers, session.current, lines))
    expected: list[object] = []
    assert expected == wrong[:2]


def test_waiver_injection_line_says_only_what_the_policy_says(flow: CompiledFlow) -> None:
    """With the waiver and no injection: the policy's words, never 'trial an injection first'."""
    lines = reasons(
        run(flow, waiver_pathology="yes", purpose_discussed="yes", injection_trialled="no")
    )
    expected = ([WAIVER_INJECTION], False)
    assert expected == (lines, "trial a spinal injection" in lines[0])


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # the waiver applies, eligible: the card says myelopathy is a red flag checked first
        ({"waiver_pathology": "yes", "purpose_discussed": "yes"}, ("eligible", True)),
        # the waiver applies, not yet eligible: said there too
        (
            {"waiver_pathology": "yes", "purpose_discussed": "no"},
            ("not_yet_eligible", True),
        ),
        # no waiver: not said
        ({}, ("eligible", False)),
        ({"mri_target": "no"}, ("not_yet_eligible", False)),
    ],
)
def test_waiver_cards_say_myelopathy_is_a_red_flag_checked_first(
    flow: CompiledFlow, changes: dict[str, str], expected: tuple[str, bool]
) -> None:
    """The waiver's myelopathy example is the neuro_signs red flag, checked first: said so."""
    view = run(flow, **changes).outcome()
    assert view is not None
    said = any(
        "myelopathy is also the red flag" in " ".join(a.text.split()) and "checks first" in a.text
        for a in view.actions
    )
    assert expected == (view.id, said)


def test_the_flow_verifies_exhaustively(flow: CompiledFlow) -> None:
    """`verify` proves every invariant on every path, exhaustively, reaching every outcome."""
    report = verify(flow)
    expected = (True, True, [], 7, 6)
    assert expected == (
        report.ok,
        report.exhaustive,
        report.findings,
        len(report.exploration.shortest),
        len(flow.invariants),
    )


def violations(old: str, new: str) -> dict[str, Finding]:
    """Each invariant the verifier reports broken on a copy of the flow with ``old`` → ``new``."""
    text = FLOW_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"not in the flow: {old!r}"
    report = verify(compile_text(text.replace(old, new), "mutant.yaml"))
    return {f.message.split()[1]: f for f in report.findings if f.code == "invariant"}


RED_FLAG_RULES = (
    "      - when: \"'cauda_equina' in red_flags\"\n        goto: suspected_ces\n"
    "      - when: \"'ces_warning_sign' in red_flags and 'cauda_equina' not in red_flags\"\n"
    "        goto: ces_warning_sign\n"
)

# Each invariant, and a copy of the flow that breaks its promise (old text, new text).
MUTANTS = [
    # suspected CES sent to the urgent red-flag route (version 1's urgency)
    (
        "cauda_equina_means_suspected_ces",
        "\"'cauda_equina' in red_flags\"\n        goto: suspected_ces",
        "\"'cauda_equina' in red_flags\"\n        goto: red_flag_pathway",
    ),
    # the warning sign checked before suspected CES: CES ticked with it is only urgent
    (
        "cauda_equina_means_suspected_ces",
        RED_FLAG_RULES,
        "      - when: \"'ces_warning_sign' in red_flags\"\n        goto: ces_warning_sign\n"
        "      - when: \"'cauda_equina' in red_flags\"\n        goto: suspected_ces\n",
    ),
    # the warning sign treated as any other red flag
    (
        "ces_warning_sign_means_its_outcome",
        "'cauda_equina' not in red_flags\"\n        goto: ces_warning_sign",
        "'cauda_equina' not in red_flags\"\n        goto: red_flag_pathway",
    ),
    # other red flags let through to the routine referral
    (
        "other_red_flag_means_red_flag_pathway",
        "and 'cauda_equina' not in red_flags and 'ces_warning_sign' not in red_flags\n"
        "        goto: red_flag_pathway",
        "and 'cauda_equina' not in red_flags and 'ces_warning_sign' not in red_flags\n"
        "        goto: referrer",
    ),
    # eligible without the injection trial
    (
        "eligible_only_when_every_criterion_held",
        "mri_target == 'yes' and injection_trialled == 'yes' and willing_surgery == 'yes'\n"
        "          and ((waiver_pathology",
        "mri_target == 'yes' and willing_surgery == 'yes'\n          and ((waiver_pathology",
    ),
    # a GP referral let through to the criteria
    (
        "eligible_only_when_every_criterion_held",
        "      - when: referrer == 'gp'\n",
        "      - when: referrer == 'gp' and len(red_flags) > 0\n",
    ),
    # no MRI stops the screen: the later criteria are not asked, so not listed
    (
        "not_yet_eligible_names_every_unmet_criterion",
        "    next: injection_trialled\n",
        "    next:\n      - when: mri_target == 'no'\n        goto: not_yet_eligible\n"
        "      - goto: injection_trialled\n",
    ),
    # the waiver branch asks the face-to-face review: its purpose line can never show
    (
        "not_yet_eligible_names_every_unmet_criterion",
        "      - when: waiver_pathology == 'yes'\n        goto: purpose_discussed\n",
        "      - when: waiver_pathology == 'yes'\n        goto: f2f_sdm_review\n",
    ),
    # the same mutant, seen from the waiver branch's question
    (
        "waiver_asks_the_purpose_not_a_review",
        "      - when: waiver_pathology == 'yes'\n        goto: purpose_discussed\n",
        "      - when: waiver_pathology == 'yes'\n        goto: f2f_sdm_review\n",
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
