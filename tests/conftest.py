"""Shared fixtures: the bundled flows and test data, loaded the way users load them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from triagebot.app import library
from triagebot.flows.compiler import CompiledFlow, load_flow

DATA = Path(__file__).parent / "data"

# Session fixtures load flows before any test's own data folder is set (below): they get a
# folder too, so no test run writes (compiled flows, journals) into the user's data folder.
os.environ["TRIAGEBOT_DATA_DIR"] = tempfile.mkdtemp(prefix="triagebot-tests-")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def cauda_equina() -> CompiledFlow:
    return library.resolve("cauda-equina")


@pytest.fixture(scope="session")
def minimal_flow() -> CompiledFlow:
    return load_flow(DATA / "engine" / "minimal.yaml")


@pytest.fixture(autouse=True)
def _private_data_folder(tmp_path_factory, monkeypatch) -> Path:
    """No test writes journals or exports into the real user data folder."""
    folder = tmp_path_factory.mktemp("triagebot-data")
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(folder))
    return folder
