"""The expression language: whitelist, types checked at load, evaluation."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triagebot.flows.expr import (
    MAX_DEPTH,
    Call,
    EvaluationError,
    Expr,
    ExprError,
    Kind,
    Name,
    Unavailable,
    Value,
    VarType,
    infer,
    parse,
)

TYPES = {
    "pain": VarType(Kind.TEXT, frozenset({"yes", "no", "unsure"})),
    "site": VarType(Kind.TEXT, frozenset({"left", "right"})),
    "flags": VarType(Kind.SET, frozenset({"fever", "rash"})),
    "lactate": VarType(Kind.NUMBER),
    "ph": VarType(Kind.NUMBER),
}


@dataclass
class FakeEnv:
    values: dict[str, Value] = field(default_factory=dict)

    def lookup(self, name: str) -> Value:
        if name not in self.values:
            raise Unavailable(name)
        return self.values[name]

    def is_answered(self, name: str) -> bool:
        return name in self.values


def evaluate(text: str, **values: Value) -> Value:
    return infer(text, TYPES)[0].evaluate(FakeEnv(dict(values)))


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("lactate >= 8", {"lactate": 8}, True),  # boundary included
        ("lactate >= 8", {"lactate": 7.9}, False),
        ("6.60 < ph < 6.85", {"ph": 6.6}, False),  # chained comparison, open at both ends
        ("6.60 < ph < 6.85", {"ph": 6.61}, True),
        ("pain in ('yes', 'unsure')", {"pain": "unsure"}, True),
        ("pain not in ('yes', 'unsure')", {"pain": "no"}, True),
        ("'fever' in flags", {"flags": ("fever",)}, True),
        ("len(flags) > 0", {"flags": ()}, False),
        ("2 if lactate >= 8 else 1", {"lactate": 9}, 2),
        ("lactate * 3 / 2 - 1 + -1", {"lactate": 4}, 4.0),
        ("max(lactate, ph) + min(1, 2) + abs(-1) + round(2.345, 1)", {"lactate": 1, "ph": 3}, 7.3),
        ("not (pain == 'no') and site != 'left'", {"pain": "yes", "site": "right"}, True),
        ("answered(pain) and pain == 'yes'", {}, False),  # short-circuits before reading pain
        ("known(lactate) or ph > 7", {"ph": 7.1}, True),
    ],
)
def test_evaluation(text: str, values: dict[str, Value], expected: Value) -> None:
    """Expressions evaluate as written."""
    assert expected == evaluate(text, **values)


def test_reading_a_missing_value_raises() -> None:
    """A name with no value on the path is never silently false."""
    with pytest.raises(Unavailable):
        evaluate("lactate >= 8")


@pytest.mark.parametrize(
    ("text", "values", "message", "offset"),
    [
        ("lactate / ph", {"lactate": 1, "ph": 0}, "this divides by zero on this path", 0),
        # 10^15 * 10^15 * 10^15 is finite but beyond what a number may be
        (
            "floor(lactate * 1000000000000000 * 1000000000000000)",
            {"lactate": 1},
            "this gives a number over 10^15 in size on this path",
            6,
        ),
        ("lactate + ph", {"lactate": 1e15, "ph": 1}, "this gives a number over 10^15", 0),
        ("round(lactate, ph)", {"lactate": 1.5, "ph": -1e9}, "round()'s digits must", 15),
    ],
)
def test_a_number_out_of_bounds_is_a_located_evaluation_error(
    text: str, values: dict[str, Value], message: str, offset: int
) -> None:
    """Division by zero, a result over 10^15 or a wild rounding stops evaluation with an
    EvaluationError (a FlowRuntimeError) naming the failing part's column."""
    tree = infer(text, TYPES)[0] if "ph)" not in text else _round_by(values)
    with pytest.raises(EvaluationError) as caught:
        tree.evaluate(FakeEnv(dict(values)))
    assert (caught.value.message.startswith(message), caught.value.node.offset) == (True, offset)


def _round_by(values: dict[str, Value]) -> Expr:
    """round(lactate, ph): digits read from an answer (refused at load; built by hand, as a
    flow from an older triagebot might hold it)."""
    return Call(0, "round", (Name(6, "lactate"), Name(15, "ph")))


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        pytest.param(
            "-" * 1500 + "lactate > 1",
            f"the expression nests more than {MAX_DEPTH} levels",
            49,  # under the comparison, the 50th minus sign is the first too deep
            id="1500 minus signs",
        ),
        pytest.param(
            "(" * 300 + "lactate" + ")" * 300 + " > 1",
            "syntax error: too many nested",
            200,  # Python's parser stops at the 201st parenthesis
            id="300 parentheses",
        ),
        pytest.param(
            "not " * 100 + "lactate > 1",
            f"the expression nests more than {MAX_DEPTH} levels",
            200,
            id="100 nots",
        ),
        ("lactate > 1e400", "this number reads as infinity", 10),
        pytest.param(
            "lactate > " + "9" * 400,
            "too large: numbers in a flow are at most 10^15",
            10,
            id="400 digits",
        ),
        ("lactate in (1, 2e15)", "2e+15 is too large: numbers in a flow are at most 10^15", 15),
        ("round(lactate, 16) > 1", "round()'s digits must be a whole number from -15 to 15", 15),
        ("round(lactate, ph) > 1", "round()'s digits must be a whole number from -15 to 15", 15),
        ("round(lactate, 0.5) > 1", "round()'s digits must be a whole number from -15 to 15", 15),
    ],
)
def test_hostile_expressions_are_refused_with_their_column(
    text: str, message: str, offset: int
) -> None:
    """Deep nesting, infinite or huge numbers, unbounded rounding: a located load error,
    never a RecursionError or an internal error."""
    with pytest.raises(ExprError) as caught:
        parse(text, TYPES, Kind.BOOL)
    assert (caught.value.message.startswith(message), caught.value.offset) == (True, offset), (
        caught.value.message
    )


_NUMBER_LEAVES = st.one_of(
    st.sampled_from(["lactate", "ph"]),
    st.integers(-(10**15), 10**15).map(str),
    st.floats(-1e15, 1e15, allow_nan=False).map(repr),
)


def _arithmetic(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({' '.join(t)})")
        calls = st.tuples(st.sampled_from(["floor", "ceil", "abs", "round"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        )
        pair = st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        )
        return st.one_of(binary, calls, pair, inner.map(lambda t: f"-{t}"))

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(
    _arithmetic(_NUMBER_LEAVES),
    st.floats(-1e15, 1e15, allow_nan=False),
    st.floats(-1e15, 1e15, allow_nan=False),
)
def test_evaluation_is_total_and_bounded(text: str, lactate: float, ph: float) -> None:
    """Any formula of the language on answers in range gives a finite number of at most
    10^15, or a located EvaluationError, quickly: never another exception or a hang."""
    tree = infer(text, TYPES)[0]
    started = time.perf_counter()
    try:
        value = tree.evaluate(FakeEnv({"lactate": lactate, "ph": ph}))
        usable = isinstance(value, int | float) and abs(value) <= 1e15
    except EvaluationError as error:
        usable = any(node is error.node for node in tree.walk())  # located in the formula
    assert (usable, time.perf_counter() - started < 1) == (True, True)


@pytest.mark.parametrize(
    "text",
    [
        "1if lactate > 2 else 0",  # a number run into a keyword: Python only warns
        "lactate > 2and ph < 7",
        "0x1for",
    ],
)
def test_a_number_run_into_a_word_is_a_syntax_error_not_a_warning(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's SyntaxWarning ("invalid decimal literal") would reach the user's terminal
    raw: it is refused as a located syntax error, and nothing is written to stderr."""
    with pytest.raises(ExprError) as caught:
        infer(text, TYPES)
    assert (caught.value.message.startswith("syntax error"), capsys.readouterr().err) == (True, "")
