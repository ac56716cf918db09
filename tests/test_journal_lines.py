"""The journal's lines are written without pydantic, as pydantic writes and reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from triagebot.flows.journal import JournalEvent, JournalFlow, JournalHeader, dump
from triagebot.flows.schema import validator

TEXT = st.text(max_size=20)
ANSWER = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(TEXT, max_size=4),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES
)


def pydantic_dump(line: JournalEvent | JournalHeader) -> bytes:
    return validator(type(line)).dump_json(line) + b"\n"


def written(line: JournalEvent | JournalHeader) -> tuple[object, bool]:
    """What pydantic reads back from the line written, and whether the bytes are pydantic's
    own (a float may differ in its exponent's form only: ``1e-07`` and ``1e-7``)."""
    data = dump(line)
    return validator(type(line)).validate_json(data), data == pydantic_dump(line)


@given(
    kind=st.sampled_from(["answer", "back", "edit", "language"]),
    node=TEXT,
    value=ANSWER,
    at=TIMES,
    round=st.one_of(st.none(), st.integers(1, 50)),
)
def test_an_event_is_written_as_pydantic_writes_it(
    kind: str, node: str, value: object, at: datetime, round: int | None
) -> None:
    """Any event (answers of every shape, times in any zone, control characters in text)."""
    event = JournalEvent(type=kind, node=node, value=value, at=at, round=round)  # type: ignore[arg-type]
    assert (event, True) == (written(event)[0], written(event)[1] or isinstance(value, float))


@given(text=TEXT, language=st.one_of(st.none(), st.sampled_from(["en", "fr"])), at=TIMES)
def test_a_header_is_written_as_pydantic_writes_it(
    text: str, language: str | None, at: datetime
) -> None:
    """Any header (its flow's names and file free text, with or without a language)."""
    flow = JournalFlow(id=text, version=text, file=text, sha256=text)
    header = JournalHeader(
        id=text, flow=flow, language=language, started_at=at, triagebot_version=text
    )
    assert (header, True) == written(header)


def test_a_small_float_is_read_back_as_written() -> None:
    """1e-07 (Python's form) reads back as pydantic's 1e-7 does."""
    event = JournalEvent(
        type="answer", node="dose", value=1e-7, at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert event == written(event)[0]
