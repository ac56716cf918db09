"""Times as a clinician files them (spec principle 10): local, with their UTC offset.

A session's clock (``engine.Clock``) gives aware times; the front ends give it the
machine's local time (:func:`local_now`), tests a fixed one in a stated zone. A time is
kept with the offset it was taken in (the journal and JSON write ISO 8601 with it:
``2025-03-14T16:15:00+01:00``) and shown with it: ``16:15-16:20 (UTC+01:00)``. A naive
time (none should reach here) is read as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def local_now() -> datetime:
    """Now, in the machine's local time zone, with its offset (a fixed-offset zone)."""
    return datetime.now(UTC).astimezone()


def aware(at: datetime) -> datetime:
    """``at`` with its zone: a naive time is read as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def zone(at: datetime) -> str:
    """``UTC+01:00``, ``UTC-05:00``, ``UTC+00:00``: the offset ``at`` was taken at."""
    offset = aware(at).utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def clock_time(at: datetime) -> str:
    """``16:15``: the time of day where it was taken."""
    return f"{aware(at):%H:%M}"


def day_and_time(at: datetime) -> str:
    """``2025-03-14 16:15 (UTC+01:00)``: a moment on its own, e.g. in a list."""
    return f"{aware(at):%Y-%m-%d %H:%M} ({zone(at)})"


@dataclass(frozen=True, slots=True)
class Period:
    """A session's start and end as shown: ``zone`` once (`` (UTC+01:00)``), or empty when
    the offset changed in between (a clock change) and each time carries its own."""

    start: str
    end: str | None
    """None: not finished."""
    zone: str
    same_day: bool


def period(start: datetime, end: datetime | None) -> Period:
    """How a period from ``start`` to ``end`` reads: the end's day only when it differs."""
    start, first = aware(start), zone(start)
    if end is None:
        return Period(f"{start:%Y-%m-%d %H:%M}", None, f" ({first})", True)
    end = aware(end)
    if zone(end) != first:
        return Period(day_and_time(start), day_and_time(end), "", False)
    if end.date() == start.date():
        return Period(f"{start:%Y-%m-%d %H:%M}", f"{end:%H:%M}", f" ({first})", True)
    return Period(f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}", f" ({first})", False)
