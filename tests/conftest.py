"""Shared fixtures: the bundled flows and test data, loaded the way users load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from triagebot.flows import library
from triagebot.flows.compiler import CompiledFlow, load_flow

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def cauda_equina() -> CompiledFlow:
    return library.resolve("cauda-equina")


@pytest.fixture(scope="session")
def minimal_flow() -> CompiledFlow:
    return load_flow(DATA / "engine" / "minimal.yaml")
