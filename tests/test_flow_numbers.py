"""Numbers in flows are bounded when loaded, and bounded when evaluated: a flow that
writes NaN, an infinity, a number over 10^15 or a group of a billion rounds is refused at
its line; an expression that fails on a path stops the step with its line, and the
session is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from triagebot.cli import main
from triagebot.flows.compiler import compile_text
from triagebot.flows.documents import FlowError
from triagebot.flows.engine import FlowRuntimeError, Session

DATA = Path(__file__).parent / "data"
FAILING = (DATA / "verify" / "failing.yaml").read_text(encoding="utf-8")
CRT = (DATA / "groups" / "crt.yaml").read_text(encoding="utf-8")


def load_error(text: str) -> str:
    with pytest.raises(FlowError) as caught:
        compile_text(text, "flow.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ("    min: 0\n    max: 1000\n", "    min: .nan\n    max: 1000\n", "flow.yaml:18:10:"),
        ("    min: 0\n    max: 1000\n", "    min: -.inf\n    max: 1000\n", "flow.yaml:18:10:"),
        ("    min: 0\n    max: 1000\n", "    min: 0\n    max: .inf\n", "flow.yaml:19:10:"),
        # YAML reads 1e400 as text, pydantic as infinity
        ("    min: 0\n    max: 1000\n", "    min: 0\n    max: 1e400\n", "flow.yaml:19:10:"),
        ("    min: 0\n    max: 1000\n", "    min: -2e15\n    max: 1000\n", "flow.yaml:18:10:"),
        # a suggestion is a number written in the flow too
        (
            "    max: 1000\n",
            "    max: 1000\n    suggestions: [{value: .nan, label: x}]\n",
            "flow.yaml:20:27:",
        ),
    ],
)
def test_a_number_that_is_not_finite_or_too_large_is_refused_at_its_line(
    old: str, new: str, place: str
) -> None:
    """NaN, infinities and numbers over 10^15 in a range or suggestion: FILE:LINE:COL."""
    message = load_error(FAILING.replace(old, new, 1))
    assert (place in message, "must be a finite number from -10^15 to 10^15" in message) == (
        True,
        True,
    ), message


@pytest.mark.parametrize(
    ("rounds", "refused"),
    [("12", False), ("13", True), ("1000000000", True)],  # the cap, and past it
)
def test_a_group_has_at_most_twelve_rounds(rounds: str, refused: bool) -> None:
    """A group's max is capped when loaded (the verifier walks every round)."""
    text = CRT.replace("    max: 6\n", f"    max: {rounds}\n", 1)
    if not refused:
        assert compile_text(text, "flow.yaml").groups["branches"].max == 12
        return
    assert f"'max': a repeated group has 1 to 12 rounds, not {rounds}" in load_error(text)


def test_the_validate_command_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`triagebot validate` on a NaN range: exit 1, the line and column on stderr."""
    path = tmp_path / "flow.yaml"
    path.write_text(FAILING.replace("    min: 0\n", "    min: .nan\n", 1), encoding="utf-8")
    code = main(["validate", str(path)])
    assert (code, f"{path}:18:10: 'min' must be a finite number" in capsys.readouterr().err) == (
        1,
        True,
    )


def planted(old: str, new: str) -> Session:
    return Session(compile_text(FAILING.replace(old, new, 1), "flow.yaml"))


def test_a_rule_that_fails_keeps_the_session_and_names_its_line() -> None:
    """Routing that divides by zero: a FlowRuntimeError at the rule's line and column;
    the answer is taken back, the question is still asked."""
    session = planted("      - when: dose > 500\n", "      - when: dose / weight > 5\n")
    session.answer(600)
    with pytest.raises(FlowRuntimeError) as caught:
        session.answer(0)
    assert (str(caught.value), session.current, session.answers) == (
        "flow.yaml:34:15: this divides by zero on this path",
        "weight",
        {"dose": 600},
    )


def test_an_outcome_line_that_fails_names_its_line() -> None:
    """A reason dividing by zero: showing the outcome raises a located FlowRuntimeError,
    and the session stays at its outcome (the answers are all kept)."""
    session = planted("        when: dose > 500\n", "        when: dose / weight > 5\n")
    session.answer(600)
    session.answer(0)
    with pytest.raises(FlowRuntimeError) as caught:
        session.outcome()
    assert (str(caught.value), session.current, session.answers) == (
        "flow.yaml:45:15: this divides by zero on this path",
        "high",
        {"dose": 600, "weight": 0},
    )


def test_a_computed_value_that_overflows_names_its_line() -> None:
    """A formula over 10^15: computed_values() (every transcript reads it) raises at the
    formula's line."""
    session = planted("formula: dose * 2", "formula: dose * 1000000000000000")
    session.answer(1000)
    session.answer(70)
    with pytest.raises(FlowRuntimeError) as caught:
        session.computed_values()
    assert (
        str(caught.value) == "flow.yaml:60:14: this gives a number over 10^15 in size on this path"
    )


def chained(count: int) -> str:
    """The fixture with ``count`` computed values, each the one before plus 1."""
    chain = "".join(
        f"  c{i}:\n    label: C{i}\n    formula: {'dose' if i == 0 else f'c{i - 1}'} + 1\n"
        "    source: {doc: fixture, section: dose}\n"
        for i in range(count)
    )
    return FAILING.replace("computed:\n", "computed:\n" + chain)


def test_a_chain_of_hundreds_of_computed_values_is_refused_once_at_its_line() -> None:
    """400 values each reading the one before would overflow the stack when evaluated:
    one located error where the chain gets too deep, not a RecursionError later."""
    assert load_error(chained(400)) == (
        "flow.yaml:260:14: 'c50' nests 102 levels deep with the computed values it reads "
        "(at most 100): compute it in fewer steps"
    )


def test_a_chain_within_the_limit_evaluates() -> None:
    """45 chained values load and evaluate."""
    session = Session(compile_text(chained(45), "flow.yaml"))
    session.answer(5)
    session.answer(70)
    assert session.computed_values()["c44"] == 50
