"""``run --cases``'s transcripts, built as plain data, equal the pydantic record's JSON."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.transcript_helpers import (
    BUNDLED_FLOW_IDS,
    MIXED_URGENT,
    bundled_flow,
    bundled_scenarios,
    driven,
    mixed,
    ticking_clock,
)
from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.transcript_build import BatchTranscripts, from_session


def _both(session: Session) -> tuple[str, str]:
    """The pydantic record's JSON and the batch's, as ``run --cases`` writes a line."""
    record = from_session(session).model_dump(mode="json")
    batch = BatchTranscripts(session.flow).json(session)
    return json.dumps(record, ensure_ascii=False), json.dumps(batch, ensure_ascii=False)


def _scenario_ids() -> list[tuple[str, str]]:
    return [(flow_id, s.name) for flow_id in BUNDLED_FLOW_IDS for s in bundled_scenarios(flow_id)]


@pytest.mark.parametrize(("flow_id", "name"), _scenario_ids())
def test_every_bundled_scenario_gives_the_records_json(flow_id: str, name: str) -> None:
    """Each scenario under flows/tests/: the batch's JSON is the record's, key for key."""
    scenario = next(s for s in bundled_scenarios(flow_id) if s.name == name)
    expected, actual = _both(drive(bundled_flow(flow_id), scenario.answers, ticking_clock()))
    assert expected == actual


def _edited() -> Session:
    session = driven(mixed(), MIXED_URGENT)
    session.edit("colour", "purple")
    session.edit("colour", "red")
    session.answer(["headache"])
    session.answer("no")
    return session


def _unfinished() -> Session:
    session = Session(mixed(), ticking_clock())
    session.answer(40)
    return session


@pytest.mark.parametrize(
    "make",
    [
        _edited,  # changes and superseded answers
        _unfinished,  # no outcome, no finishing time
        lambda: Session(mixed(), ticking_clock()),  # resting at an info message, unanswered
        lambda: driven(mixed(), {**MIXED_URGENT, "weight": "unknown"}),  # an unknown number
    ],
)
def test_edited_and_unfinished_sessions_give_the_records_json(make: Callable[[], Session]) -> None:
    """Changes, superseded answers and an unfinished path are recorded as the record does."""
    expected, actual = _both(make())
    assert expected == actual


def test_a_batch_crossing_midnight_records_each_days_review_status() -> None:
    """The flow record is kept per day: a session on a later day gets that day's."""
    flow = bundled_flow("cauda-equina")
    answers = bundled_scenarios("cauda-equina")[0].answers
    batch = BatchTranscripts(flow)
    days = [datetime(2020, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)]
    sessions = [drive(flow, answers, ticking_clock(day)) for day in days]
    expected = [from_session(s).model_dump(mode="json")["flow"] for s in sessions]
    assert expected == [batch.json(s)["flow"] for s in sessions]


def _candidates(flow_id: str) -> dict[str, list[Any]]:
    """Every value the flow's scenarios give each key (a group's lists included)."""
    found: dict[str, list[Any]] = {}
    for scenario in bundled_scenarios(flow_id):
        for key, value in scenario.answers.items():
            if value not in found.setdefault(key, []):
                found[key].append(value)
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BUNDLED_FLOW_IDS), st.randoms(use_true_random=False))
def test_random_answers_give_the_records_json(flow_id: str, rng: random.Random) -> None:
    """Answers mixed from a flow's scenarios, sometimes then one changed: the same JSON."""
    flow = bundled_flow(flow_id)
    answers = {key: rng.choice(values) for key, values in _candidates(flow_id).items()}
    try:
        session = drive(flow, answers, ticking_clock())
        answered = [step for step in session.steps if step.value is not None]
        if answered and rng.random() < 0.5:
            step = rng.choice(answered)
            values = _candidates(flow_id).get(step.node) or [step.value]
            session.edit(step.node, rng.choice(values), step.round)
    except (AnswerError, FlowRuntimeError):
        return  # run --cases writes an error record for these, never a transcript
    expected, actual = _both(session)
    assert expected == actual


DOSES = Path(__file__).parent / "data" / "groups" / "doses.yaml"


def _doses(finish: bool) -> Session:
    """Two doses given by hand (the info message acknowledged in each round); unfinished, it
    rests at the second round's info message."""
    session = Session(load_flow(DOSES), ticking_clock())
    for raw in (70, None, 60, "iv", "yes", *((None, 50, "oral", "no") if finish else ())):
        session.answer(raw)
    return session


@pytest.mark.parametrize("finish", [True, False])  # at the outcome; resting at an info
def test_info_messages_inside_a_group_give_the_records_json(finish: bool) -> None:
    """An info message in a repeated group's round: the batch's JSON names its group and
    round as the record's does (no bundled flow has an info node to show it)."""
    expected, actual = _both(_doses(finish))
    assert expected == actual
    assert [i["round"] for i in json.loads(actual)["infos"]] == [1, 2]
