"""Checking the calls of an expression (:mod:`~triagebot.flows.expr_parse`): the named
functions (``answered``, ``known``, ``len``, ``round``...) and the aggregates over a
repeated group, with the forms each may be written in."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from triagebot.flows.expr_aggregates import AGGREGATES, ENTRY_NUMBER, Aggregate, Count
from triagebot.flows.expr_tree import (
    NUMBER_FUNCTIONS,
    ROUND_DIGITS,
    Answered,
    Call,
    Const,
    Expr,
    Kind,
    Known,
    VarType,
)

if TYPE_CHECKING:
    from triagebot.flows.expr_parse import Checker

NUMBER = VarType(Kind.NUMBER)
BOOL = VarType(Kind.BOOL)

FUNCTIONS_HELP = (
    "answered(x), known(x), len(x), "
    + ", ".join(f"{n}(…)" for n in NUMBER_FUNCTIONS)
    + ", and over a repeated group: "
    + ", ".join(f"{n}(…)" for n in AGGREGATES)
)

AGGREGATE_FORMS = {
    "count_of": "count_of(group) or count_of(group, condition)",
    "any_of": "any_of(group, condition)",
    "all_of": "all_of(group, condition)",
    "min_of": "min_of(group, value, where=condition)",
    "max_of": "max_of(group, value, where=condition)",
    "sum_of": "sum_of(group, value, where=condition)",
    "first_min": "first_min(group, value, by=key, where=condition)",
    "first_max": "first_max(group, value, by=key, where=condition)",
}
"""How each aggregate is written (``where`` is optional)."""

AGGREGATE_KEYWORDS = {
    "min_of": frozenset({"where"}),
    "max_of": frozenset({"where"}),
    "sum_of": frozenset({"where"}),
    "first_min": frozenset({"by", "where"}),
    "first_max": frozenset({"by", "where"}),
}


def call(checker: Checker, node: ast.Call) -> tuple[Expr, VarType]:
    """A call of a named function or of an aggregate, checked."""
    if not isinstance(node.func, ast.Name):
        raise checker.fail(node, f"only these functions may be called: {FUNCTIONS_HELP}")
    name = node.func.id
    if name in AGGREGATES:
        return aggregate(checker, node, name)
    if node.keywords:
        raise checker.fail(node, f"{name}() takes no keyword arguments")
    if name in ("answered", "known"):
        return presence_test(checker, node, name)
    if name == "len":
        if len(node.args) != 1:
            raise checker.fail(node, "len() takes one multi-choice answer")
        counted = checker.expect(node.args[0], Kind.SET, "len()'s argument")
        return Count(checker.offset(node), counted), NUMBER
    if name not in NUMBER_FUNCTIONS:
        raise checker.fail(node, f"'{name}' is not a function here; allowed: {FUNCTIONS_HELP}")
    _, fewest, most = NUMBER_FUNCTIONS[name]
    if not fewest <= len(node.args) <= most:
        raise checker.fail(node, f"{name}() takes {fewest} to {most} arguments")
    args = tuple(checker.expect(arg, Kind.NUMBER, f"{name}()'s argument") for arg in node.args)
    if name == "round" and len(args) == 2:
        check_digits(checker, node.args[1], args[1])
    return Call(checker.offset(node), name, args), NUMBER


def check_digits(checker: Checker, node: ast.expr, digits: Expr) -> None:
    """round()'s digits are a whole number from -15 to 15, written as a constant."""
    value = digits.value if isinstance(digits, Const) else None
    if not isinstance(value, int | float) or value != int(value) or abs(value) > ROUND_DIGITS:
        message = (
            f"round()'s digits must be a whole number from -{ROUND_DIGITS} to "
            f"{ROUND_DIGITS}, written as a number (e.g. round(x, 1))"
        )
        raise checker.fail(node, message)


def aggregate(checker: Checker, node: ast.Call, name: str) -> tuple[Expr, VarType]:
    """An aggregate over a group: first argument the group, the rest per entry."""
    form = AGGREGATE_FORMS[name]
    fewest = 1 if name == "count_of" else 2
    allowed = AGGREGATE_KEYWORDS.get(name, frozenset())
    keywords: dict[str, ast.expr] = {}
    for keyword in node.keywords:
        if keyword.arg not in allowed or keyword.arg in keywords:
            raise checker.fail(keyword.value, f"{name}() is written {form}")
        keywords[keyword.arg] = keyword.value
    if not fewest <= len(node.args) <= 2:
        raise checker.fail(node, f"{name}() is written {form}")
    if name.startswith("first_") and "by" not in keywords:
        raise checker.fail(node, f"{name}() needs a key to compare entries by: {form}")
    group, group_type = group_argument(checker, node, name)
    members = dict(group_type.members)
    if ENTRY_NUMBER in members or ENTRY_NUMBER in checker.types:
        raise checker.fail(node, f"'{ENTRY_NUMBER}' is reserved for the entry's number in {name}()")
    inner = checker.within({**members, ENTRY_NUMBER: NUMBER})
    value = key = where = None
    result = NUMBER
    if name in ("count_of", "any_of", "all_of"):
        if len(node.args) == 2:
            where = inner.expect(node.args[1], Kind.BOOL, f"{name}()'s condition")
        result = NUMBER if name == "count_of" else BOOL
    elif name.startswith("first_"):
        value, result = inner.convert(node.args[1])
        key = inner.expect(keywords["by"], Kind.NUMBER, f"{name}()'s key (by=)")
    else:
        value = inner.expect(node.args[1], Kind.NUMBER, f"{name}()'s value")
    if "where" in keywords:
        where = inner.expect(keywords["where"], Kind.BOOL, f"{name}()'s where=")
    numbers = frozenset(m for m, t in members.items() if t.kind is Kind.NUMBER)
    tree = Aggregate(
        checker.offset(node), name, group, value, key, where, frozenset(members), numbers
    )
    return tree, result


def group_argument(checker: Checker, node: ast.Call, name: str) -> tuple[str, VarType]:
    """An aggregate's first argument: a repeated group's name."""
    first = node.args[0] if node.args else node
    groups = sorted(n for n, t in checker.types.items() if t.kind is Kind.GROUP)
    if isinstance(first, ast.Name):
        found = checker.types.get(first.id)
        if found is not None and found.kind is Kind.GROUP:
            return first.id, found
    listed = ", ".join(groups) if groups else "this flow has none"
    raise checker.fail(first, f"{name}()'s first argument must be a repeated group ({listed})")


def presence_test(checker: Checker, node: ast.Call, name: str) -> tuple[Expr, VarType]:
    """``answered(x)`` or ``known(x)``: x a declared name that is not a group."""
    if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
        raise checker.fail(node, f"{name}() takes one variable name")
    variable = node.args[0].id
    if variable not in checker.types:
        checker.member_outside(node.args[0], variable)
        raise checker.fail(node.args[0], f"unknown name '{variable}'")
    if checker.types[variable].kind is Kind.GROUP:
        raise checker.fail(node.args[0], f"'{variable}' is a repeated group: use count_of()")
    test = Answered if name == "answered" else Known
    return test(checker.offset(node), variable), BOOL
