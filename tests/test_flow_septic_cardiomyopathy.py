"""Scenario tests of the septic cardiomyopathy flow (French and English) against version 2
of ../shared/clinical-spec.md, and the verifier catching each broken invariant."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from triagebot.app.library import bundled_dir
from triagebot.flows.answers import AnswerError
from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow, compile_text, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import OutcomeView, Session
from triagebot.flows.verify import Finding, verify

LANGUAGES = ("fr", "en")
PATH = bundled_dir() / "septic-cardiomyopathy.yaml"

# Septic shock, not fluid responsive, MAP reached, low output with high filling pressures,
# dobutamine not yet tested: a dobutamine trial.
TRIAL: dict[str, Any] = {
    "septic_shock": "yes",
    "fluid_responsive": "no",
    "map_target_met": "yes",
    "lvef_percent": 30,
    "sbp_mmhg": 100,
    "low_output_high_filling": "yes",
    "ongoing_hypoperfusion": "no",
    "dobutamine_response": "not_tested",
}
FIRST_THREE = list(TRIAL)[:3]

SPEC_URGENCY = {
    "not_applicable": "none",
    "correct_hypotension": "emergency",
    "correct_hypovolaemia": "urgent",
    "assess_fluid_responsiveness": "urgent",
    "no_inotrope": "soon",
    "dobutamine_trial": "urgent",
    "continue_dobutamine": "soon",
    "stop_dobutamine": "urgent",
}
"""The spec's table of outcomes and urgencies (version 2)."""

INOTROPE_OUTCOMES = ("dobutamine_trial", "continue_dobutamine", "stop_dobutamine")
READING = {
    "en": (
        "an LVEF of 50 % suggests moderate myocardial depression at a systolic pressure of "
        "130 mmHg, but profound depression at 80 mmHg: read the LVEF against the systolic "
        "pressure (afterload)"
    ),
    "fr": (
        "une FEVG de 50 % suggère une dépression myocardique modérée si la PAS est à 130 mmHg, "
        "mais profonde si la PAS est à 80 mmHg : lire la FEVG en tenant compte de la PAS "
        "(postcharge)"
    ),
}
"""The source's own reading of the LVEF against the systolic pressure, as the spec words it."""


@cache
def flow(language: str) -> CompiledFlow:
    return load_flow(PATH, lang=language)


def run(language: str, **changes: Any) -> Session:
    return drive(flow(language), {**TRIAL, **changes})


def card(language: str, **changes: Any) -> OutcomeView:
    view = run(language, **changes).outcome()
    assert view is not None
    return view


def texts(view: OutcomeView, section: str) -> list[str]:
    return [item.text for item in getattr(view, section)]


ROUTES = [
    # rule 1: no septic shock, nothing else asked
    ({"septic_shock": "no"}, "not_applicable", ["septic_shock"]),
    # rule 2: an unmet MAP target comes first, whatever the fluid answer
    ({"map_target_met": "no"}, "correct_hypotension", FIRST_THREE),
    ({"map_target_met": "no", "fluid_responsive": "yes"}, "correct_hypotension", FIRST_THREE),
    (
        {"map_target_met": "no", "fluid_responsive": "not_assessed"},
        "correct_hypotension",
        FIRST_THREE,
    ),
    # rule 3: fluid responsive, MAP reached
    ({"fluid_responsive": "yes"}, "correct_hypovolaemia", FIRST_THREE),
    # rule 4: fluid responsiveness not assessed, MAP reached
    ({"fluid_responsive": "not_assessed"}, "assess_fluid_responsiveness", FIRST_THREE),
    # rule 5: neither indication
    ({"low_output_high_filling": "no"}, "no_inotrope", list(TRIAL)[:7]),
    # rule 6: indication (a), (b) or both, not tested
    ({}, "dobutamine_trial", list(TRIAL)),
    (
        {"low_output_high_filling": "no", "ongoing_hypoperfusion": "yes"},
        "dobutamine_trial",
        list(TRIAL),
    ),
    ({"ongoing_hypoperfusion": "yes"}, "dobutamine_trial", list(TRIAL)),
    # rules 7 and 8
    ({"dobutamine_response": "responded"}, "continue_dobutamine", list(TRIAL)),
    ({"dobutamine_response": "no_response"}, "stop_dobutamine", list(TRIAL)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("changes", "outcome", "asked"), ROUTES)
def test_routing_first_match_wins(
    language: str, changes: dict[str, Any], outcome: str, asked: list[str]
) -> None:
    """Each rule of the spec, in order, in both languages; later questions are not asked."""
    session = run(language, **changes)
    assert (outcome, asked) == (session.current, [step.node for step in session.steps])


def test_every_outcome_has_the_spec_urgency() -> None:
    """The outcomes are the spec's, each with the spec's urgency."""
    actual = {node_id: node.urgency for node_id, node in flow("en").outcomes()}
    expected = SPEC_URGENCY
    assert expected == actual


def test_no_urgency_reads_as_elective_in_french() -> None:
    """No outcome of a patient in septic shock carries the catalog's French word for
    routine ("PROGRAMMÉ", which reads as elective)."""
    elective = words("fr").urgency["routine"]
    shown = {words("fr").urgency[urgency] for urgency in SPEC_URGENCY.values()}
    expected = (False, {"URGENCE VITALE", "URGENT", "RAPIDEMENT", "AUCUNE ACTION DEPUIS CET ÉCRAN"})
    assert expected == (elective in shown, shown)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("changes", "outcome", "asked"), ROUTES)
def test_french_and_english_reach_the_same_outcome(
    language: str, changes: dict[str, Any], outcome: str, asked: list[str]
) -> None:
    """Same answers, same outcome, urgency and number of lines in every section."""
    french, english = (card(lang, **changes) for lang in LANGUAGES)
    sections = ("reasons", "actions", "evidence", "safety_netting")
    expected = (english.id, english.urgency, *(len(texts(english, s)) for s in sections))
    actual = (french.id, french.urgency, *(len(texts(french, s)) for s in sections))
    assert expected == actual
    assert french.title != english.title


FIRST_STEPS = {
    "en": {
        "yes": "Fluid responsive: give fluid, guided by dynamic indices",
        "not_assessed": "Fluid responsiveness not assessed: assess preload dependence with dynamic",
        "no": "Not fluid responsive: vasopressors to reach the MAP target.",
    },
    "fr": {
        "yes": "Précharge-dépendant : remplir, guidé par les indices dynamiques",
        "not_assessed": "Réponse au remplissage non évaluée : évaluer la précharge-dépendance",
        "no": "Pas de précharge-dépendance : vasopresseurs pour atteindre l'objectif de PAM.",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fluid", ["yes", "not_assessed", "no"])
def test_hypotension_card_first_step_follows_the_fluid_answer(language: str, fluid: str) -> None:
    """MAP target not met: an emergency whose first action is the one for the fluid answer,
    and none of the other two."""
    view = card(language, map_target_met="no", fluid_responsive=fluid)
    actions = texts(view, "actions")
    steps = [step for step in FIRST_STEPS[language].values() if actions[0].startswith(step)]
    others = [step for step in FIRST_STEPS[language].values() for a in actions[1:] if step in a]
    expected = ("emergency", [FIRST_STEPS[language][fluid]], [])
    assert expected == (view.urgency, steps, others)


@pytest.mark.parametrize("map_met", ["yes", "no"])
def test_fluid_not_assessed_never_says_give_fluid(map_met: str) -> None:
    """Issue 17: 'not assessed' fluid responsiveness in septic shock never says to give
    fluid; it says to assess with dynamic indices, not static ones such as the CVP."""
    view = card("en", fluid_responsive="not_assessed", map_target_met=map_met)
    shown = " ".join([view.title, view.summary or "", *texts(view, "actions")])
    expected = (False, True, True)
    assert expected == ("give fluid" in shown.lower(), "dynamic indices" in shown, "CVP" in shown)


def test_assess_fluid_responsiveness_card() -> None:
    """Rule 4: assess the response to fluid before fluid or any inotrope (urgent)."""
    view = card("en", fluid_responsive="not_assessed")
    expected = (
        "assess_fluid_responsiveness",
        "urgent",
        "Assess fluid responsiveness before fluid or any inotrope",
    )
    assert expected == (view.id, view.urgency, view.title)
    assert "static preload indices (e.g. CVP) are not appropriate" in texts(view, "actions")[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("outcome", ["no_inotrope", *INOTROPE_OUTCOMES])
def test_lvef_is_shown_next_to_its_systolic_pressure_with_the_source_reading(
    language: str, outcome: str
) -> None:
    """Every outcome after the LVEF shows it with the systolic pressure and the source's
    own reading, under evidence (display, not routing)."""
    changes = {
        "no_inotrope": {"low_output_high_filling": "no"},
        "dobutamine_trial": {},
        "continue_dobutamine": {"dobutamine_response": "responded"},
        "stop_dobutamine": {"dobutamine_response": "no_response"},
    }[outcome]
    view = card(language, lvef_percent=47.5, sbp_mmhg=85, **changes)
    values = {
        "fr": "FEVG 47,5 % à une PAS de 85 mmHg.",
        "en": "LVEF 47.5 % at a systolic pressure of 85 mmHg.",
    }
    lines = [t for t in texts(view, "evidence") if READING[language] in t]
    expected = (outcome, 1, True)
    assert expected == (view.id, len(lines), lines[0].startswith(values[language]))


@pytest.mark.parametrize(
    ("lvef", "sbp"),
    [
        # both sides of version 1's retired flag (LVEF >= 45 % and SBP < 90 mmHg)
        (45, 89),
        (44, 89),
        (45, 90),
        (44.9, 89.9),
        # the source's own two examples
        (50, 130),
        (50, 80),
        # the ends of both ranges
        (5, 40),
        (80, 250),
    ],
)
def test_no_lvef_threshold_decides_or_flags(lvef: float, sbp: float) -> None:
    """The LVEF and the systolic pressure change nothing but the numbers shown: same
    outcome and the same lines whatever their values (the retired flag is gone)."""
    reference = card("en", low_output_high_filling="no")
    view = card("en", low_output_high_filling="no", lvef_percent=lvef, sbp_mmhg=sbp)
    expected = (reference.id, texts(reference, "reasons"), texts(reference, "actions"), 1)
    actual = (view.id, texts(view, "reasons"), texts(view, "actions"), len(texts(view, "evidence")))
    assert expected == actual
    assert {"hypotension_first_step"} == set(run("en").computed_values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_systolic_pressure_question_shows_the_source_reading(language: str) -> None:
    """The question asked next to the LVEF carries the source's reading in its detail."""
    detail = flow(language).question("sbp_mmhg").detail or ""
    reading = READING[language]
    assert f"{reading[0].upper()}{reading[1:]}." == " ".join(detail.split())


@pytest.mark.parametrize(
    ("question", "value"),
    [
        # one step past each end of both ranges
        ("lvef_percent", 4.9),
        ("lvef_percent", 80.1),
        ("sbp_mmhg", 39),
        ("sbp_mmhg", 251),
    ],
)
def test_values_outside_the_range_are_refused(question: str, value: float) -> None:
    """LVEF 5-80 % and systolic pressure 40-250 mmHg: a step outside is refused."""
    with pytest.raises(AnswerError, match=question):
        run("en", **{question: value})


def test_dobutamine_trial_says_up_to_20_and_puts_the_35_percent_under_evidence() -> None:
    """The trial gives the dose ceiling as an action and the cited 35 % as evidence."""
    view = card("en")
    actions, evidence = " ".join(texts(view, "actions")), " ".join(texts(view, "evidence"))
    expected = (True, False, True)
    assert expected == ("20 µg/kg/min" in actions, "35 %" in actions, "only 35 % of" in evidence)


def test_a_response_is_the_clinician_judgement_not_an_invented_criterion() -> None:
    """'Responded' is as judged by the clinician; the cited study's > 10 % is said as such."""
    question = flow("en").question("dobutamine_response")
    responded = next(o for o in question.options if o.id == "responded")  # type: ignore[union-attr]
    expected = ("Responded", True, False)
    detail = responded.detail or ""
    assert expected == (responded.label, "judged by the clinician" in detail, "perfusion" in detail)


def test_french_text_and_decimal_comma() -> None:
    """The French version reads French and shows a decimal comma."""
    view = card("fr", lvef_percent=47.5, sbp_mmhg=85, low_output_high_filling="no")
    assert view.title.startswith("Pas d'inotrope")
    assert any("FEVG 47,5 %" in text for text in texts(view, "evidence"))


def test_default_language_is_french() -> None:
    """Without --lang the flow opens in its source's language."""
    compiled = load_flow(PATH)
    expected = ("fr", ("fr", "en"))
    assert expected == (compiled.language, tuple(compiled.languages))


# --- the verifier catches each broken promise --------------------------------------------


def test_the_flow_verifies_exhaustively() -> None:
    """verify: every path explored exactly, every invariant holds, every outcome reached."""
    report = verify(flow("en"))
    expected = (True, True, [])
    assert expected == (report.ok, report.exhaustive, report.findings)


MUTATIONS = [
    (
        "not_applicable_exactly_without_septic_shock",
        "      - when: septic_shock == 'no'\n",
        "      - when: septic_shock == 'yes'\n",
    ),
    (
        # version 1's order: the fluid answer before the MAP target
        "unmet_map_target_means_correct_hypotension",
        "      - when: map_target_met == 'no'\n",
        "      - when: map_target_met == 'no' and fluid_responsive == 'no'\n",
    ),
    (
        # 'not assessed' read as fluid responsive: the card would say give fluid
        "hypotension_first_step_follows_the_fluid_answer",
        "'give_fluid' if fluid_responsive == 'yes'",
        "'give_fluid' if fluid_responsive in ('yes', 'not_assessed')",
    ),
    (
        # version 1's rule: not assessed treated like fluid responsive
        "not_assessed_never_fluid_nor_inotrope",
        "map_target_met == 'yes' and fluid_responsive == 'yes'",
        "map_target_met == 'yes' and fluid_responsive in ('yes', 'not_assessed')",
    ),
    (
        "not_assessed_with_map_met_means_assess_first",
        "        goto: assess_fluid_responsiveness\n",
        "        goto: lvef_percent\n",
    ),
    (
        "fluid_first_only_when_fluid_responsive",
        "        goto: no_inotrope\n",
        "        goto: correct_hypovolaemia\n",
    ),
    (
        "inotrope_only_when_not_fluid_responsive_map_met_and_indicated",
        "      - when: low_output_high_filling == 'no' and ongoing_hypoperfusion == 'no'\n",
        "      - when: low_output_high_filling == 'no' and ongoing_hypoperfusion == 'yes'\n",
    ),
    (
        "no_inotrope_only_without_an_indication",
        "      - when: low_output_high_filling == 'no' and ongoing_hypoperfusion == 'no'\n",
        "      - when: low_output_high_filling == 'no'\n",
    ),
    (
        "dobutamine_outcome_follows_the_tested_response",
        "      - when: dobutamine_response == 'responded'\n",
        "      - when: dobutamine_response == 'no_response'\n",
    ),
    (
        "lvef_shown_with_its_systolic_pressure",
        "      - goto: lvef_percent\n",
        "      - goto: low_output_high_filling\n",
    ),
]
"""(invariant, text in the flow file, its replacement that breaks the invariant's promise)."""


def violations(text: str) -> dict[str, Finding]:
    """The invariants verify reports as violated in the flow written as ``text``, by name."""
    report = verify(compile_text(text, PATH.name, lang="en"))
    found = [finding for finding in report.findings if finding.code == "invariant"]
    return {finding.message.split()[1]: finding for finding in found}


def test_every_invariant_has_a_mutation() -> None:
    """Each invariant of the flow is shown below to fail when its promise is broken."""
    assert list(flow("en").invariants) == [name for name, _, _ in MUTATIONS]


@pytest.mark.parametrize(("invariant", "old", "new"), MUTATIONS)
def test_a_broken_promise_fails_verify(invariant: str, old: str, new: str) -> None:
    """A copy of the flow with the promise broken fails verify on that invariant, with a
    counterexample reaching an outcome."""
    text = PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"mutation target not found once: {old!r}"
    found = violations(text.replace(old, new))
    assert invariant in found
    finding = found[invariant]
    expected = (True, True)
    assert expected == (bool(finding.answers), finding.outcome in SPEC_URGENCY)
