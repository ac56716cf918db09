"""Routing straight from the compiled rules (batches) moves a session as the Machine does."""

from __future__ import annotations

import json
import random
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transcript_helpers import (
    BUNDLED_FLOW_IDS,
    bundled_flow,
    bundled_scenarios,
    ticking_clock,
)
from triagebot.flows.answers import AnswerError
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.transcript_build import from_session


@cache
def _candidates(flow_id: str) -> dict[str, list[Any]]:
    """Every value the flow's scenarios give each key (a group's lists included)."""
    found: dict[str, list[Any]] = {}
    for scenario in bundled_scenarios(flow_id):
        for key, value in scenario.answers.items():
            if value not in found.setdefault(key, []):
                found[key].append(value)
    return found


def _run(flow_id: str, answers: dict[str, Any], rules: bool, seed: int) -> str:
    """Where the answers lead (then an edit and a step back, chosen by ``seed``): the
    transcript's JSON and the state, or the error's kind and message."""
    rng = random.Random(seed)
    try:
        session = drive(bundled_flow(flow_id), answers, ticking_clock(), rules=rules)
        _wander(flow_id, session, rng)
    except (AnswerError, FlowRuntimeError) as error:
        return f"{type(error).__name__}: {error}"
    record = from_session(session).model_dump(mode="json")
    return f"{session.current} {session.round} {json.dumps(record)}"


def _wander(flow_id: str, session: Session, rng: random.Random) -> None:
    """Change an earlier answer, go back a step, answer again: what a clinician does."""
    answered = [step for step in session.steps if step.value is not None]
    if not answered:
        return
    step = rng.choice(answered)
    session.edit(step.node, rng.choice(_candidates(flow_id).get(step.node) or [step.value]))
    if rng.random() < 0.5 and session.back() and session.question is not None:
        values = _candidates(flow_id).get(session.current) or ["yes"]
        session.answer(rng.choice(values))


@pytest.mark.parametrize("flow_id", BUNDLED_FLOW_IDS)
def test_every_bundled_scenario_routes_the_same_on_the_rules(flow_id: str) -> None:
    """Each scenario of each bundled flow: the same path, record and outcome both ways."""
    for number, scenario in enumerate(bundled_scenarios(flow_id)):
        expected = _run(flow_id, scenario.answers, rules=False, seed=number)
        assert expected == _run(flow_id, scenario.answers, rules=True, seed=number)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BUNDLED_FLOW_IDS), st.randoms(use_true_random=False), st.integers(0, 2**16))
def test_random_answers_route_the_same_on_the_rules(
    flow_id: str, rng: random.Random, seed: int
) -> None:
    """Answers mixed from a flow's scenarios (some left out), then an edit and a step
    back: the same path, record, outcome or error on the rules as on the Machine."""
    answers = {
        key: rng.choice(values)
        for key, values in _candidates(flow_id).items()
        if rng.random() < 0.95
    }
    assert _run(flow_id, answers, rules=False, seed=seed) == _run(
        flow_id, answers, rules=True, seed=seed
    )
