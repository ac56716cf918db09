"""The transcript record: what it holds, and that JSON gives back the same record."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from tests.transcript_helpers import MIXED_URGENT, driven, mixed, ticking_clock
from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session
from triagebot.flows.transcript import Transcript, from_json, to_json
from triagebot.flows.transcript_build import from_session


def edited_session() -> Session:
    """Urgent path, then the rash changed to purple (emergency) and back to red."""
    session = driven(mixed(), MIXED_URGENT)
    session.edit("colour", "purple")
    session.edit("colour", "red")
    session.answer(["headache"])
    session.answer("no")
    return session


def test_record_names_the_flow_exactly() -> None:
    """Flow id, title, version, file name, sha256 and review dates are recorded: the
    earliest due, the content's sign-off and review, and each source's as it states it."""
    flow = mixed()
    record = from_session(driven(flow, MIXED_URGENT)).flow
    expected = (
        ("mixed-test", "Mixed test flow", "0.1", "mixed.yaml", flow.sha256),
        (date(2025, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
        ("1 January 2030", date(2030, 1, 1)),
    )
    assert expected == (
        (record.id, record.title, record.version, record.file, record.sha256),
        (record.review_date, record.content_signed_off, record.content_review_due),
        (record.sources[0].review, record.sources[0].review_date),
    )


def test_answers_are_recorded_as_shown_with_times() -> None:
    """Each answer: question id, kind, value, what was shown, unit, labels and time."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    expected = [
        ("age", "number", 40, "40 years", "years", []),
        ("weight", "number", 70.5, "70.5 kg", "kg", []),
        ("colour", "choice", "red", "Red", None, ["Red"]),
        ("symptoms", "multi_choice", ["fever", "cough"], "Fever; Cough", None, ["Fever", "Cough"]),
        ("smoker", "yes_no", "yes", "yes", None, []),
    ]
    assert expected == [
        (a.question, a.kind, a.answer, a.shown, a.unit, a.labels) for a in transcript.answers
    ]
    times = [a.at for a in transcript.answers]
    assert sorted(times) == times
    assert transcript.started_at < times[0]


def test_changes_and_superseded_answers_are_kept() -> None:
    """An edit records old → new with its time; answers off the new path are superseded."""
    transcript = from_session(edited_session())
    changes = [(c.question, c.old_shown, c.new_shown) for c in transcript.changes]
    superseded = [(s.question, s.shown) for s in transcript.superseded]
    purple = "Purple (non-blanching)"
    expected = (
        [("colour", "Red", purple), ("colour", purple, "Red")],
        [("symptoms", "Fever; Cough"), ("smoker", "yes")],
    )
    assert expected == (changes, superseded)


def test_outcome_lines_keep_their_sources() -> None:
    """Only the lines that apply, each with its source id and section."""
    outcome = from_session(driven(mixed(), MIXED_URGENT)).outcome
    assert outcome is not None
    expected = ("urgent", "urgent", [("Stop smoking advice.", "test_doc", "Smoking")])
    assert expected == (
        outcome.id,
        outcome.urgency,
        [(a.text, a.source, a.section) for a in outcome.actions[1:]],
    )


def test_computed_values_are_recorded_with_label_and_display() -> None:
    """Computed values carry their label, the exact value and the value as shown."""
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    expected = [("dose", "Dose", 141.0, "141 mg")]
    assert expected == [(v.name, v.label, v.value, v.shown) for v in transcript.computed_shown]


def test_unfinished_session_has_no_outcome() -> None:
    """A transcript of an unfinished session has no end time and no outcome."""
    session = Session(mixed(), ticking_clock())
    session.answer()
    session.answer("40")
    transcript = from_session(session)
    expected = (None, None, ["age"])
    assert expected == (
        transcript.finished_at,
        transcript.outcome,
        [a.question for a in transcript.answers],
    )


@pytest.mark.parametrize(
    "session_factory",
    [
        lambda: driven(mixed(), MIXED_URGENT),  # a plain path with every question kind
        edited_session,  # changes and superseded answers
        lambda: driven(mixed(), {**MIXED_URGENT, "weight": "unknown"}),  # unknown number
        lambda: driven(
            load_flow(bundled_dir() / "cauda-equina.yaml"),
            {"back_or_leg_pain": "yes", "urinary_difficulty": "unsure"},
        ),  # a bundled flow
    ],
)
def test_json_round_trip_gives_an_identical_record(session_factory) -> None:
    """JSON export → load → a record equal to the original, and the same JSON again."""
    transcript = from_session(session_factory())
    text = to_json(transcript)
    loaded = from_json(text)
    assert transcript == loaded
    assert text == to_json(loaded)


def test_json_that_is_not_a_transcript_is_refused() -> None:
    """Loading JSON with a missing field fails validation rather than making half a record."""
    with pytest.raises(ValidationError):
        from_json('{"format": 1, "flow": {}}')


def test_recorded_answers_map_question_to_value() -> None:
    """``recorded_answers`` is what replay feeds back through the flow."""
    transcript: Transcript = from_session(driven(mixed(), MIXED_URGENT))
    expected = {
        "age": 40,
        "weight": 70.5,
        "colour": "red",
        "symptoms": ["fever", "cough"],
        "smoker": "yes",
    }
    assert expected == transcript.recorded_answers()


def test_computed_values_by_name_hold_the_exact_value() -> None:
    """``computed`` maps each computed value's name to its exact value (None if unavailable)."""
    known = from_session(driven(mixed(), MIXED_URGENT)).computed
    unknown = from_session(driven(mixed(), {**MIXED_URGENT, "weight": "unknown"})).computed
    expected = ({"dose": 141.0}, {"dose": None})
    assert expected == (known, unknown)
