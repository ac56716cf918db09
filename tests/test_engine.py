"""The Session: answering, bad input, back, edit, computed values and outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import CompiledFlow, compile_text
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, Session

FULL = {"pain": "yes", "colour": "blue", "flags": [], "lactate": 9, "age": 70}


class Clock:
    """A clock that ticks one second per reading, so timestamps are predictable."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def test_walks_every_node_type_to_an_outcome(minimal_flow: CompiledFlow) -> None:
    """Questions are asked in routing order; the info message is acknowledged."""
    session = Session(minimal_flow)
    seen = []
    for answer in ("yes", "blue", [], None, "9", "70"):
        seen.append(session.current)
        session.answer(answer)
    assert (
        seen,
        session.current,
    ) == (["pain", "colour", "flags", "notice", "lactate", "age"], "high_out")


def test_bad_input_leaves_the_session_unchanged(minimal_flow: CompiledFlow) -> None:
    """A refused answer changes nothing: same question, same answers, same history."""
    session = drive_until(minimal_flow, "lactate")
    before = (session.current, dict(session.answers), list(session.steps))
    for bad in ("abc", "41", "", "x" * 100_000, None, True):
        with pytest.raises(AnswerError):
            session.answer(bad)
    assert before == (session.current, dict(session.answers), list(session.steps))


def drive_until(flow: CompiledFlow, stop: str) -> Session:
    session = Session(flow)
    while session.current != stop:
        session.answer(FULL.get(session.current))
    return session


def test_computed_values_and_shown_values(minimal_flow: CompiledFlow) -> None:
    """Formulas are evaluated from answers and shown with their labels."""
    session = drive(minimal_flow, FULL)
    outcome = session.outcome()
    assert outcome is not None
    assert (
        session.computed_values(),
        [(v.label, v.display) for v in outcome.shown],
        [r.text for r in outcome.reasons],
    ) == ({"score": 3, "band": "high"}, [("Score", "3"), ("Band", "High band")], ["Score 3"])


def test_unknown_lab_value_makes_the_score_not_available(minimal_flow: CompiledFlow) -> None:
    """`unknown` is recorded; formulas needing it are 'not available'; guarded rules pass over."""
    session = drive(minimal_flow, {**FULL, "lactate": "unknown", "colour": "red"})
    outcome = session.outcome()
    assert outcome is not None
    assert (
        session.current,
        session.computed_values(),
        outcome.shown[0].display,
        [r.text for r in outcome.reasons],
    ) == ("mid_out", {"score": None, "band": None}, "not available", ["Red"])


def test_reasons_list_every_line_that_applies(minimal_flow: CompiledFlow) -> None:
    """Every reason whose condition holds is listed, not only the first."""
    session = drive(
        minimal_flow, {**FULL, "lactate": 1, "age": 20, "colour": "red", "flags": ["fever"]}
    )
    outcome = session.outcome()
    assert outcome is not None
    assert [r.text for r in outcome.reasons] == ["Fever", "Red"]


def test_back_returns_to_the_previous_question_skipping_info(minimal_flow: CompiledFlow) -> None:
    """Back passes over info messages to the last real question and forgets its answer."""
    session = drive_until(minimal_flow, "lactate")
    moved = session.back()
    assert (moved, session.current, "flags" in session.answers) == (True, "flags", False)


def test_back_from_outcome_and_at_start(minimal_flow: CompiledFlow) -> None:
    """Back from the outcome reopens the last question; at the start there is nowhere to go."""
    session = drive(minimal_flow, {"pain": "no"})
    assert (
        session.back(),
        session.current,
        session.back(),
        session.outcome(),
    ) == (True, "pain", False, None)


def test_edit_carries_over_answers_still_needed(minimal_flow: CompiledFlow) -> None:
    """Changing an answer re-routes, keeping later answers the new path still asks."""
    session = drive(minimal_flow, FULL)
    result = session.edit("colour", "red")
    assert (
        result.carried,
        result.dropped,
        session.current,
        len(session.changes),
    ) == (("flags", "notice", "lactate", "age"), (), "high_out", 1)


def test_edit_drops_answers_that_no_longer_apply(minimal_flow: CompiledFlow) -> None:
    """Answers off the new path are superseded, not silently kept."""
    session = drive(minimal_flow, FULL)
    result = session.edit("pain", "no")
    assert (
        session.current,
        result.dropped,
        session.answers,
    ) == ("none_out", ("colour", "flags", "lactate", "age"), {"pain": "no"})


def test_edit_then_asks_what_the_new_path_needs(minimal_flow: CompiledFlow) -> None:
    """After an edit that opens a new branch, the first unanswered question is asked."""
    session = drive(minimal_flow, {"pain": "no"})
    result = session.edit("pain", "unsure")
    assert (
        session.current,
        result.carried,
        result.dropped,
        session.outcome(),
    ) == ("colour", (), (), None)


def test_edit_records_old_and_new_value_with_time(minimal_flow: CompiledFlow) -> None:
    """A change is recorded as old -> new with its time."""
    session = Session(minimal_flow, clock=Clock())
    for answer in ("yes", "blue"):
        session.answer(answer)
    session.edit("pain", "unsure")
    change = session.changes[0]
    assert ("pain", "yes", "unsure", datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC)) == (
        change.question,
        change.old,
        change.new,
        change.at,
    )


def test_edit_with_a_bad_value_changes_nothing(minimal_flow: CompiledFlow) -> None:
    """A refused edit leaves the path as it was."""
    session = drive(minimal_flow, FULL)
    with pytest.raises(AnswerError):
        session.edit("lactate", "99")
    assert (session.current, session.answers["lactate"]) == ("high_out", 9)


def test_edit_of_an_unasked_question_is_refused(minimal_flow: CompiledFlow) -> None:
    """Only answers on the current path can be changed."""
    session = drive(minimal_flow, {"pain": "no"})
    with pytest.raises(AnswerError, match="has not been answered on this path"):
        session.edit("colour", "red")


def test_answer_after_the_outcome_is_refused(minimal_flow: CompiledFlow) -> None:
    """The outcome is final until the user goes back or edits."""
    session = drive(minimal_flow, {"pain": "no"})
    with pytest.raises(AnswerError, match="reached its outcome"):
        session.answer("yes")


def test_drive_names_a_missing_answer(minimal_flow: CompiledFlow) -> None:
    """A question the path asks but the answers lack is an error naming it."""
    with pytest.raises(AnswerError, match=r"no answer for question 'colour' \(Colour\?\)"):
        drive(minimal_flow, {"pain": "yes"})


def test_unguarded_unknown_is_a_flow_fault_and_rolls_back(minimal_flow: CompiledFlow) -> None:
    """Routing that reads a value the path lacks is reported as a flow fault, not a crash."""
    text = minimal_flow.document.file
    broken = compile_text(
        Path(text).read_text().replace("when: known(score) and score >= 3", "when: score >= 3"),
        "broken.yaml",
    )
    session = drive_until(broken, "age")
    session.answers["lactate"] = "unknown"
    with pytest.raises(FlowRuntimeError, match="cannot route from 'age'"):
        session.answer(70)
    assert ("age", "age" in session.answers) == (session.current, False)


def test_timestamps_and_finish_time(minimal_flow: CompiledFlow) -> None:
    """Each step carries the time it was answered; the session records when it ended."""
    session = Session(minimal_flow, clock=Clock())
    session.answer("no")
    assert (
        datetime(2026, 1, 1, 0, 0, 2, tzinfo=UTC),
        datetime(2026, 1, 1, 0, 0, 3, tzinfo=UTC),
    ) == (
        session.steps[0].at,
        session.finished_at,
    )
