"""Scenario tests of the septic cardiomyopathy flow (French and English) against the spec."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.engine import Session, drive
from triagebot.flows.library import bundled_dir

LANGUAGES = ("fr", "en")

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


@cache
def flow(language: str) -> CompiledFlow:
    return load_flow(bundled_dir() / "septic-cardiomyopathy.yaml", lang=language)


def run(language: str, **changes: Any) -> Session:
    return drive(flow(language), {**TRIAL, **changes})


ROUTES = [
    ({"septic_shock": "no"}, "not_applicable", ["septic_shock"]),
    ({"fluid_responsive": "yes"}, "correct_hypovolaemia", ["septic_shock", "fluid_responsive"]),
    ({"fluid_responsive": "not_assessed"}, "correct_hypovolaemia", list(TRIAL)[:2]),
    ({"map_target_met": "no"}, "correct_hypotension", list(TRIAL)[:3]),
    ({"low_output_high_filling": "no"}, "no_inotrope", list(TRIAL)[:7]),
    ({}, "dobutamine_trial", list(TRIAL)),
    (
        {"low_output_high_filling": "no", "ongoing_hypoperfusion": "yes"},
        "dobutamine_trial",
        list(TRIAL),
    ),
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


@pytest.mark.parametrize(("changes", "outcome", "asked"), ROUTES)
def test_french_and_english_reach_the_same_outcome(
    changes: dict[str, Any], outcome: str, asked: list[str]
) -> None:
    """Same answers, same outcome, same reasons and actions count, same computed values."""
    french, english = (run(language, **changes) for language in LANGUAGES)
    fr_view, en_view = french.outcome(), english.outcome()
    assert fr_view is not None and en_view is not None
    expected = (en_view.id, en_view.urgency, len(en_view.reasons), len(en_view.actions))
    actual = (fr_view.id, fr_view.urgency, len(fr_view.reasons), len(fr_view.actions))
    assert expected == actual
    assert english.computed_values() == french.computed_values()
    assert fr_view.title != en_view.title


@pytest.mark.parametrize(
    ("lvef", "sbp", "flag"),
    [(45, 89, "yes"), (44, 89, "no"), (45, 90, "no"), (80, 40, "yes"), (44.9, 89.9, "no")],
)
def test_low_afterload_flag_boundaries(lvef: float, sbp: float, flag: str) -> None:
    """The flag is LVEF >= 45 % and SBP < 90 mmHg, on both sides of each threshold."""
    session = run("en", lvef_percent=lvef, sbp_mmhg=sbp, low_output_high_filling="no")
    reasons = [item.text for item in session.outcome().reasons]  # type: ignore[union-attr]
    shown = any("may hide a profound depression" in text for text in reasons)
    assert (flag, flag == "yes") == (session.computed_values()["lvef_low_afterload"], shown)


def test_french_text_and_decimal_comma() -> None:
    """The French version reads French and shows a decimal comma."""
    session = run("fr", lvef_percent=47.5, sbp_mmhg=85, low_output_high_filling="no")
    view = session.outcome()
    assert view is not None
    assert view.title.startswith("Pas d'inotrope")
    assert any("FEVG 47,5 %" in item.text for item in view.reasons)


def test_dobutamine_trial_says_up_to_20_and_35_percent() -> None:
    """The trial gives the dose ceiling and the 35 % responder figure."""
    view = run("en").outcome()
    assert view is not None
    text = " ".join([view.summary or "", *(item.text for item in view.actions)])
    assert ("20 µg/kg/min" in text, "35 %" in text) == (True, True)


def test_default_language_is_french() -> None:
    """Without --lang the flow opens in its source's language."""
    compiled = load_flow(bundled_dir() / "septic-cardiomyopathy.yaml")
    expected = ("fr", ("fr", "en"))
    assert expected == (compiled.language, tuple(compiled.languages))
