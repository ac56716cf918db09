"""Session listeners: the general hook the journal uses (engine.Session.listeners)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from triagebot.flows.answers import AnswerError
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session, SessionEvent

MIXED = Path(__file__).parent / "data" / "transcripts" / "mixed.yaml"


def ticking_clock():
    now = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)

    def clock() -> datetime:
        nonlocal now
        now += timedelta(seconds=1)
        return now

    return clock


def recorded(session: Session) -> list[tuple[str, str, object]]:
    events: list[tuple[str, str, object]] = []

    def listen(_: Session, event: SessionEvent) -> None:
        events.append((event.kind, event.node, event.value))

    session.listeners.append(listen)
    return events


def test_listeners_see_answers_back_and_edit_in_order() -> None:
    """Every answer (info acknowledgements too), back and edit reaches listeners once."""
    session = Session(load_flow(MIXED), ticking_clock())
    events = recorded(session)
    session.answer()
    session.answer("40")
    session.answer("70")
    session.back()
    session.answer("unknown")
    session.answer("red")
    session.edit("age", 41)
    expected = [
        ("answer", "intro", None),
        ("answer", "age", 40),
        ("answer", "weight", 70.0),
        ("back", "weight", None),
        ("answer", "weight", "unknown"),
        ("answer", "colour", "red"),
        ("edit", "age", 41),
    ]
    assert expected == events


def test_refused_answer_is_not_reported() -> None:
    """A refused answer changes nothing, so listeners hear nothing."""
    session = Session(load_flow(MIXED), ticking_clock())
    session.answer()
    events = recorded(session)
    with pytest.raises(AnswerError):
        session.answer("200")
    expected: list[tuple[str, str, object]] = []
    assert expected == events


def test_back_over_only_an_info_message_is_reported() -> None:
    """Going back over an info message alone still moves the session, so it is reported."""
    session = Session(load_flow(MIXED), ticking_clock())
    session.answer()
    events = recorded(session)
    went_back = session.back()
    expected = (False, [("back", "intro", None)], "intro")
    assert expected == (went_back, events, session.current)


def test_back_at_the_start_is_not_reported() -> None:
    """Back with nothing to go back to does nothing and reports nothing."""
    session = Session(load_flow(MIXED), ticking_clock())
    events = recorded(session)
    session.back()
    expected: list[tuple[str, str, object]] = []
    assert expected == events
