"""The runtime model: frozen standard dataclasses that the compiler produces and nothing
changes, and authoring models whose annotations resolve without validating first."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from triagebot.flows.compiler import compile_text, with_language
from triagebot.flows.engine import Session, machine_of
from triagebot.flows.schema import Flow

DATA = Path(__file__).parent / "data"
BILINGUAL = Path(__file__).parents[1] / "flows" / "septic-cardiomyopathy.yaml"


def minimal_flow_text() -> str:
    return (DATA / "engine" / "minimal.yaml").read_text()


def test_flow_type_hints_resolve_before_any_validation() -> None:
    """typing.get_type_hints(Flow) names every field's type in a fresh interpreter."""
    script = (
        "import typing\n"
        "from triagebot.flows.schema import Flow\n"
        "print(sorted(set(typing.get_type_hints(Flow)) - {'__pydantic_config__'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    expected = sorted(field.name for field in dataclasses.fields(Flow))
    assert (result.returncode, result.stdout.strip()) == (0, str(expected))


def test_a_compiled_flow_cannot_be_changed() -> None:
    """Assigning to a compiled flow's field raises FrozenInstanceError."""
    flow = compile_text(minimal_flow_text(), "minimal.yaml")
    with pytest.raises(dataclasses.FrozenInstanceError):
        flow.sha256 = "changed"  # type: ignore[misc]


def test_sessions_of_one_flow_share_its_machine_and_keep_their_own_state() -> None:
    """Two sessions of a flow use one Machine; answering in one leaves the other where it was."""
    flow = compile_text(minimal_flow_text(), "minimal.yaml")
    first, second = Session(flow), Session(flow)
    first.answer("yes")
    assert (machine_of(flow) is machine_of(flow), first.current, second.current) == (
        True,
        "colour",
        "pain",
    )


def test_a_flow_in_another_language_is_compiled_once_and_shared() -> None:
    """with_language gives one object per language, and leads back to the original."""
    flow = compile_text(BILINGUAL.read_text(), str(BILINGUAL))
    other = "en" if flow.language != "en" else "fr"
    translated = with_language(flow, other)
    assert (with_language(flow, other) is translated, with_language(translated, flow.language)) == (
        True,
        flow,
    )
