"""Parsing and type checking expressions: an :mod:`ast` whitelist into the typed tree
(see :mod:`~triagebot.flows.expr`)."""

from __future__ import annotations

import ast
import math
import warnings
from collections.abc import Mapping

from triagebot.flows.expr_calls import BOOL, NUMBER, call
from triagebot.flows.expr_tree import (
    MAX_DEPTH,
    MAX_EXPRESSION_LENGTH,
    And,
    Arith,
    Compare,
    Const,
    Expr,
    ExprError,
    IfElse,
    In,
    Kind,
    Name,
    Negate,
    Not,
    Or,
    VarType,
    _number,
)
from triagebot.flows.schema import MAX_NUMBER


def parse(text: str, types: Mapping[str, VarType], expect: Kind | None = None) -> Expr:
    """Parse and type-check ``text``; ``expect`` is the type the result must have."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExprError(f"expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    result, result_type = infer(text, types)
    if expect is not None and result_type.kind is not expect:
        message = f"expected a {expect.value}, but this is a {result_type.kind.value}"
        raise ExprError(message, 0)
    return result


def infer(text: str, types: Mapping[str, VarType]) -> tuple[Expr, VarType]:
    """Parse ``text`` and return it with its type (for formulas, whose type is inferred)."""
    text = text.strip()
    try:
        with warnings.catch_warnings():
            # Python only warns of '1if x else 2' ("invalid decimal literal"), on stderr
            # where it would reach the user raw: refuse it as the syntax error it is.
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        # Python reports offset 0 for an expression that stops short: point at its end.
        offset = error.offset - 1 if error.offset else len(text)
        raise ExprError(f"syntax error: {error.msg}", offset) from None
    except (RecursionError, MemoryError, ValueError) as error:
        # Python's own parser gives up on some nestings and on numbers of over 4300 digits.
        raise ExprError(f"cannot be read: {error}"[:200]) from None
    checker = Checker(text, types)
    checker.check_depth(tree.body)
    return checker.convert(tree.body)


_AST_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_AST_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class Checker:
    """Turns a Python ``ast`` into the typed tree, refusing anything not whitelisted."""

    def __init__(self, text: str, types: Mapping[str, VarType]) -> None:
        self.text = text
        self.types = types

    def offset(self, node: ast.AST) -> int:
        byte_offset = getattr(node, "col_offset", 0)
        return len(self.text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(message, self.offset(node))

    def check_depth(self, root: ast.AST) -> None:
        """Refuse nesting deeper than ``MAX_DEPTH`` (checked without recursion), at the
        first node too deep."""
        stack = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                message = f"the expression nests more than {MAX_DEPTH} levels deep: simplify it"
                raise self.fail(node, message)
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def convert(self, node: ast.expr) -> tuple[Expr, VarType]:
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            raise self.fail(node, f"{_describe(node)}: not allowed in conditions or formulas")
        result: tuple[Expr, VarType] = handler(node)
        return result

    def expect(self, node: ast.expr, kind: Kind, role: str) -> Expr:
        converted, found = self.convert(node)
        if found.kind is not kind:
            raise self.fail(node, f"{role} must be a {kind.value}, not a {found.kind.value}")
        return converted

    def _Constant(self, node: ast.Constant) -> tuple[Expr, VarType]:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise self.fail(node, f"{value!r} is not allowed; compare answers with 'yes' or 'no'")
        if isinstance(value, int | float):
            self.check_number(node, value)
            return Const(self.offset(node), value), NUMBER
        if isinstance(value, str):
            return Const(self.offset(node), value), VarType(Kind.TEXT, frozenset({value}))
        raise self.fail(node, f"constant {value!r} is not allowed")

    def check_number(self, node: ast.AST, value: float) -> None:
        """A number written in an expression is finite and at most 10^15 in size."""
        if isinstance(value, float) and not math.isfinite(value):
            shown = "this number reads as infinity"
        elif abs(value) > MAX_NUMBER:
            shown = f"{value:g} is too large" if isinstance(value, float) else "too large"
        else:
            return
        raise self.fail(node, f"{shown}: numbers in a flow are at most 10^15 in size")

    def _Name(self, node: ast.Name) -> tuple[Expr, VarType]:
        if node.id not in self.types:
            self.member_outside(node, node.id)
            known = ", ".join(sorted(n for n, t in self.types.items() if t.kind is not Kind.GROUP))
            raise self.fail(node, f"unknown name '{node.id}' (declared: {known or 'none'})")
        found = self.types[node.id]
        if found.kind is Kind.GROUP:
            message = (
                f"'{node.id}' is a repeated group, not a value: read its entries with "
                f"count_of({node.id}), any_of({node.id}, ...) or another aggregate"
            )
            raise self.fail(node, message)
        return Name(self.offset(node), node.id), found

    def member_outside(self, node: ast.AST, name: str) -> None:
        """A member of a group named where it has no single value: suggest an aggregate."""
        for group, group_type in self.types.items():
            if group_type.kind is Kind.GROUP and name in dict(group_type.members):
                message = (
                    f"'{name}' has one answer per entry of group '{group}' and is not a value "
                    f"here: read it through an aggregate, e.g. any_of({group}, {name} ...), "
                    f"count_of({group}, ...) or min_of({group}, {name})"
                )
                raise self.fail(node, message)

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[Expr, VarType]:
        if isinstance(node.op, ast.Not):
            return Not(
                self.offset(node), self.expect(node.operand, Kind.BOOL, "'not' operand")
            ), BOOL
        if isinstance(node.op, ast.USub):
            operand = self.expect(node.operand, Kind.NUMBER, "'-' operand")
            if isinstance(operand, Const):
                return Const(self.offset(node), -_number(operand.value)), NUMBER
            return Negate(self.offset(node), operand), NUMBER
        raise self.fail(node, f"operator {type(node.op).__name__} is not allowed")

    def _BinOp(self, node: ast.BinOp) -> tuple[Expr, VarType]:
        op = _AST_ARITHMETIC.get(type(node.op))
        if op is None:
            raise self.fail(node, "only + - * / are allowed in arithmetic")
        left = self.expect(node.left, Kind.NUMBER, f"left of '{op}'")
        right = self.expect(node.right, Kind.NUMBER, f"right of '{op}'")
        return Arith(self.offset(node), op, left, right), NUMBER

    def _BoolOp(self, node: ast.BoolOp) -> tuple[Expr, VarType]:
        word = "and" if isinstance(node.op, ast.And) else "or"
        operands = tuple(self.expect(v, Kind.BOOL, f"each side of '{word}'") for v in node.values)
        cls = And if word == "and" else Or
        return cls(self.offset(node), operands), BOOL

    def _IfExp(self, node: ast.IfExp) -> tuple[Expr, VarType]:
        condition = self.expect(node.test, Kind.BOOL, "the condition of 'if'")
        then, then_type = self.convert(node.body)
        otherwise, other_type = self.convert(node.orelse)
        if then_type.kind is not other_type.kind:
            kinds = f"{then_type.kind.value} vs {other_type.kind.value}"
            message = f"both branches must have one type ({kinds})"
            raise self.fail(node, message)
        merged = then_type
        if then_type.values is not None and other_type.values is not None:
            merged = VarType(then_type.kind, then_type.values | other_type.values)
        return IfElse(self.offset(node), condition, then, otherwise), merged

    def _Compare(self, node: ast.Compare) -> tuple[Expr, VarType]:
        parts: list[Expr] = []
        left_node = node.left
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            parts.append(self.comparison(node, op, left_node, right_node))
            left_node = right_node
        if len(parts) == 1:
            return parts[0], BOOL
        return And(self.offset(node), tuple(parts)), BOOL

    def comparison(self, node: ast.Compare, op: ast.cmpop, left: ast.expr, right: ast.expr) -> Expr:
        if isinstance(op, ast.In | ast.NotIn):
            return self.membership(node, left, right, negated=isinstance(op, ast.NotIn))
        symbol = _AST_COMPARISONS.get(type(op))
        if symbol is None:
            raise self.fail(node, "'is' is not allowed; use == or !=")
        left_expr, left_type = self.convert(left)
        right_expr, right_type = self.convert(right)
        if symbol in ("<", "<=", ">", ">="):
            for side, side_type in ((left, left_type), (right, right_type)):
                if side_type.kind is not Kind.NUMBER:
                    what = f"'{side.id}' is" if isinstance(side, ast.Name) else "this is"
                    message = f"'{symbol}' compares numbers, but {what} a {side_type.kind.value}"
                    raise self.fail(side, message)
        else:
            self.same_kind(node, symbol, left_type, right_type)
            self.check_literal(right, left_type, right_type)
            self.check_literal(left, right_type, left_type)
        return Compare(self.offset(node), symbol, left_expr, right_expr)

    def same_kind(self, node: ast.AST, symbol: str, left: VarType, right: VarType) -> None:
        if left.kind is not right.kind or left.kind in (Kind.BOOL, Kind.SET):
            message = (
                f"cannot compare a {left.kind.value} with a {right.kind.value} using '{symbol}'"
            )
            raise self.fail(node, message)

    def check_literal(self, literal: ast.expr, variable: VarType, literal_type: VarType) -> None:
        """A text literal compared with an answer must be a value that answer can take."""
        if not isinstance(literal, ast.Constant) or variable.values is None:
            return
        if isinstance(literal.value, str) and literal.value not in variable.values:
            allowed = ", ".join(sorted(variable.values))
            message = f"'{literal.value}' is never an answer here; expected one of: {allowed}"
            raise self.fail(literal, message)

    def membership(self, node: ast.Compare, left: ast.expr, right: ast.expr, negated: bool) -> Expr:
        needle, needle_type = self.convert(left)
        if isinstance(right, ast.Tuple | ast.List):
            items = tuple(self.tuple_item(item, needle_type) for item in right.elts)
            if not items:
                raise self.fail(right, "'in' needs at least one value")
            return In(self.offset(node), needle, items, negated)
        haystack, haystack_type = self.convert(right)
        if haystack_type.kind is not Kind.SET:
            message = (
                "'in' needs a literal tuple such as ('yes', 'unsure') or a multi-choice answer"
            )
            raise self.fail(right, message)
        if needle_type.kind is not Kind.TEXT:
            raise self.fail(left, f"an option id is text, not a {needle_type.kind.value}")
        self.check_literal(left, haystack_type, needle_type)
        return In(self.offset(node), needle, haystack, negated)

    def tuple_item(self, item: ast.expr, needle_type: VarType) -> float | int | str:
        if not isinstance(item, ast.Constant) or isinstance(item.value, bool):
            raise self.fail(item, "the values after 'in' must be literal numbers or text")
        value = item.value
        if isinstance(value, int | float):
            self.check_number(item, value)
        is_text = isinstance(value, str)
        if needle_type.kind is Kind.TEXT and not is_text:
            raise self.fail(item, f"{value!r} is a number but the left side is text")
        if needle_type.kind is Kind.NUMBER and is_text:
            raise self.fail(item, f"{value!r} is text but the left side is a number")
        if needle_type.kind not in (Kind.TEXT, Kind.NUMBER):
            raise self.fail(item, f"'in' cannot test a {needle_type.kind.value}")
        self.check_literal(item, needle_type, needle_type)
        assert isinstance(value, int | float | str)
        return value

    def _Call(self, node: ast.Call) -> tuple[Expr, VarType]:
        return call(self, node)

    def within(self, members: Mapping[str, VarType]) -> Checker:
        """A checker of the same text for an aggregate's per-entry arguments, where the
        group's ``members`` are names too."""
        return Checker(self.text, {**self.types, **members})


def _describe(node: ast.AST) -> str:
    descriptions = {
        "Attribute": "attribute access (a.b)",
        "Subscript": "subscripts (a[b])",
        "Lambda": "lambda",
        "ListComp": "comprehensions",
        "SetComp": "comprehensions",
        "DictComp": "comprehensions",
        "GeneratorExp": "comprehensions",
        "Dict": "dictionaries",
        "Set": "sets",
        "Tuple": "a tuple outside 'in'",
        "List": "a list outside 'in'",
        "NamedExpr": "assignment (:=)",
        "Await": "await",
        "Yield": "yield",
        "JoinedStr": "f-strings",
        "Starred": "starred arguments",
    }
    return descriptions.get(type(node).__name__, type(node).__name__)
