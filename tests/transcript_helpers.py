"""Shared by the transcript tests: a ticking clock, fixture paths, sessions on known answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from triagebot.app.library import bundled_dir, flow_files
from triagebot.flows.compiler import CompiledFlow, load_flow
from triagebot.flows.driving import drive
from triagebot.flows.engine import Session
from triagebot.flows.scenarios import Scenario, load_scenarios

DATA = Path(__file__).parent / "data" / "transcripts"
MIXED = DATA / "mixed.yaml"
CAUDA_EQUINA = bundled_dir() / "cauda-equina.yaml"
BUNDLED_FLOW_IDS = sorted(path.stem for path in flow_files([bundled_dir()]))


@cache
def bundled_flow(flow_id: str) -> CompiledFlow:
    """A bundled flow, compiled once per test run."""
    return load_flow(bundled_dir() / f"{flow_id}.yaml")


@cache
def bundled_scenarios(flow_id: str) -> tuple[Scenario, ...]:
    """A bundled flow's scenarios (``flows/tests/<id>.scenarios.yaml``)."""
    return load_scenarios(bundled_dir() / "tests" / f"{flow_id}.scenarios.yaml").scenarios


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
