"""Shared by the transcript tests: a ticking clock, fixture paths, sessions on known answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from triagebot.app.library import bundled_dir
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session

DATA = Path(__file__).parent / "data" / "transcripts"
MIXED = DATA / "mixed.yaml"
CAUDA_EQUINA = bundled_dir() / "cauda-equina.yaml"

MIXED_URGENT: dict[str, object] = {
    "age": 40,
    "weight": "70,5",
    "colour": "red",
    "symptoms": ["cough", "fever"],
    "smoker": "yes",
}
"""Answers reaching the mixed flow's ``urgent`` outcome."""


def ticking_clock(start: datetime | None = None) -> Callable[[], datetime]:
    """A clock that moves on one second each time it is read."""
    now = start or datetime(2025, 3, 14, 9, 30, tzinfo=UTC)

    def clock() -> datetime:
        nonlocal now
        now += timedelta(seconds=1)
        return now

    return clock


def mixed() -> CompiledFlow:
    return load_flow(MIXED)


def driven(flow: CompiledFlow, answers: Mapping[str, object]) -> Session:
    return drive(flow, answers, ticking_clock())
