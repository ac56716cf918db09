"""The expression language: whitelist, types checked at load, evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from triagebot.flows.expr import (
    ExprError,
    Kind,
    Unavailable,
    Value,
    VarType,
    infer,
    names_in,
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


def test_division_by_zero_is_unavailable_not_a_crash() -> None:
    """A formula dividing by zero has no value."""
    with pytest.raises(Unavailable):
        evaluate("lactate / ph", lactate=1, ph=0)


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("__import__('os')", "'__import__' is not a function here", 0),
        ("pain.__class__", "attribute access (a.b): not allowed", 0),
        ("lactate ** 2", "only + - * / are allowed in arithmetic", 0),
        ("flags[0]", "subscripts (a[b]): not allowed", 0),
        ("(lambda: 1)()", "only these functions may be called", 0),
        ("[x for x in flags]", "comprehensions: not allowed", 0),
        ("pain >= 3", "'>=' compares numbers, but 'pain' is a text", 0),
        ("lactate == 'high'", "cannot compare a number with a text", 0),
        ("pain == 'yse'", "'yse' is never an answer here; expected one of: no, unsure, yes", 8),
        ("'trauma' in flags", "'trauma' is never an answer here", 0),
        ("site in ('left', 'up')", "'up' is never an answer here", 17),
        ("lactate > 8 and bogus", "unknown name 'bogus'", 16),
        ("lactate >", "syntax error", 9),
        ("pain == True", "True is not allowed", 8),
        ("pain is 'yes'", "'is' is not allowed; use == or !=", 0),
        ("open('x')", "'open' is not a function here", 0),
        ("lactate and ph", "each side of 'and' must be a condition, not a number", 0),
    ],
)
def test_refused_at_load_with_position(text: str, message: str, offset: int) -> None:
    """Anything outside the whitelist or ill-typed is refused with its column."""
    with pytest.raises(ExprError) as caught:
        parse(text, TYPES, Kind.BOOL)
    assert (True, offset) == (caught.value.message.startswith(message), caught.value.offset), (
        caught.value.message
    )


def test_condition_must_be_a_condition() -> None:
    """A number where a condition is expected is refused."""
    with pytest.raises(ExprError) as caught:
        parse("lactate + 1", TYPES, Kind.BOOL)
    assert caught.value.message == "expected a condition, but this is a number"


def test_names_in_lists_every_variable_read() -> None:
    """The verifier learns what an expression depends on."""
    tree = parse("known(lactate) and 'fever' in flags or answered(pain)", TYPES, Kind.BOOL)
    assert {"lactate", "flags", "pain"} == names_in(tree)
