"""Where an expression may fail: the range of every number it computes, from the ranges
of the answers it reads (interval arithmetic).

Evaluation refuses a number that is not finite or is over ``MAX_NUMBER`` in size, and a
division by zero (:class:`~triagebot.flows.expr.EvaluationError`). :func:`failing` finds
the parts of a flow's expressions where that can happen on some path: an arithmetic step
whose range reaches past 10^15, or a division whose divisor's range holds 0. The verifier
explores those parts (it cuts the numbers they read where they start to fail) and checks
every path's outcome and computed values; every other expression cannot fail, whatever
the answers, and costs nothing more.

The ranges are sound over-approximations: a part not listed never fails.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    Arith,
    Call,
    Const,
    Count,
    Expr,
    IfElse,
    Kind,
    Name,
    Negate,
)
from triagebot.flows.schema import MAX_NUMBER, MultiChoiceQuestion, NumberQuestion

Interval = tuple[float, float]
"""The least and greatest value a number expression may take (either may be infinite)."""

UNBOUNDED: Interval = (-math.inf, math.inf)


def _span(values: Iterator[float] | list[float]) -> Interval:
    found = [v for v in values if not math.isnan(v)]
    return (min(found), max(found)) if found else UNBOUNDED


def _product(left: Interval, right: Interval) -> Interval:
    corners = [a * b for a in left for b in right if not (math.isinf(a) or math.isinf(b))]
    if any(math.isinf(v) for v in (*left, *right)):
        return UNBOUNDED
    return _span(corners)


class Bounds:
    """The range of each number expression of one flow, and the parts that may fail."""

    def __init__(self, flow: CompiledFlow) -> None:
        self.flow = flow
        self.failing: dict[int, tuple[Expr, str]] = {}
        """id() of a part that may fail -> (the part, why: "overflow" or "zero")."""
        self._computed: dict[str, Interval | None] = {}

    def of(self, expression: Expr, scope: Mapping[str, Interval] | None = None) -> Interval | None:  # noqa: PLR0911 (one return per kind of expression)
        """The range of a number expression (None for text, truth values and sets); every
        part met on the way that may fail is noted in :attr:`failing`."""
        scope = scope or {}
        if isinstance(expression, Const):
            value = expression.value
            return (float(value), float(value)) if isinstance(value, int | float) else None
        if isinstance(expression, Name):
            return self._name(expression.name, scope)
        if isinstance(expression, Negate):
            inner = self.of(expression.operand, scope) or UNBOUNDED
            return (-inner[1], -inner[0])
        if isinstance(expression, Arith):
            return self._arith(expression, scope)
        if isinstance(expression, Call):
            return self._call(expression, scope)
        if isinstance(expression, IfElse):
            self.of(expression.condition, scope)
            then, other = self.of(expression.then, scope), self.of(expression.otherwise, scope)
            if then is None or other is None:
                return None
            return (min(then[0], other[0]), max(then[1], other[1]))
        if isinstance(expression, Aggregate):
            return self._aggregate(expression, scope)
        if isinstance(expression, Count):
            return self._count(expression)
        for child in expression.children():
            self.of(child, scope)
        return None

    def _name(self, name: str, scope: Mapping[str, Interval]) -> Interval | None:
        if name in scope:
            return scope[name]
        if name in self.flow.computed:
            if name not in self._computed:
                self._computed[name] = None  # formulas are acyclic; this only guards
                self._computed[name] = self.of(self.flow.computed[name])
            return self._computed[name]
        node = self.flow.nodes.get(name)
        if isinstance(node, NumberQuestion):
            return (float(node.min), float(node.max))
        var = self.flow.types.get(name)
        return UNBOUNDED if var is not None and var.kind is Kind.NUMBER else None

    def _note(self, part: Expr, why: str) -> None:
        self.failing.setdefault(id(part), (part, why))

    def _bounded(self, part: Expr, found: Interval) -> Interval:
        """A result is at most MAX_NUMBER in size (beyond, evaluation fails)."""
        if found[0] < -MAX_NUMBER or found[1] > MAX_NUMBER:
            self._note(part, "overflow")
        return (max(found[0], -MAX_NUMBER), min(found[1], MAX_NUMBER))

    def _arith(self, arith: Arith, scope: Mapping[str, Interval]) -> Interval:
        left = self.of(arith.left, scope) or UNBOUNDED
        right = self.of(arith.right, scope) or UNBOUNDED
        if arith.op == "+":
            found = (left[0] + right[0], left[1] + right[1])
        elif arith.op == "-":
            found = (left[0] - right[1], left[1] - right[0])
        elif arith.op == "*":
            found = _product(left, right)
        elif right[0] <= 0 <= right[1]:
            self._note(arith, "zero")
            found = UNBOUNDED
        else:
            found = _product(left, (1 / right[1], 1 / right[0]))
        return self._bounded(arith, found)

    def _call(self, call: Call, scope: Mapping[str, Interval]) -> Interval:
        args = [self.of(arg, scope) or UNBOUNDED for arg in call.args]
        first = args[0]
        if call.function == "min":
            found = (min(a[0] for a in args), min(a[1] for a in args))
        elif call.function == "max":
            found = (max(a[0] for a in args), max(a[1] for a in args))
        elif call.function == "abs":
            low = 0.0 if first[0] <= 0 <= first[1] else min(abs(first[0]), abs(first[1]))
            found = (low, max(abs(first[0]), abs(first[1])))
        else:
            # round, floor and ceil move a value by less than one of its rounding steps.
            step = 1.0
            if call.function == "round" and len(args) == 2:
                step = 10.0 ** max(0.0, -args[1][0])
            found = (first[0] - step, first[1] + step)
        # Never past 10^15: every argument is at most that, and so is what these give
        # (round(x, -15) of a number up to 10^15 is at most 10^15).
        return (max(found[0], -MAX_NUMBER), min(found[1], MAX_NUMBER))

    def _aggregate(self, aggregate: Aggregate, scope: Mapping[str, Interval]) -> Interval | None:
        group = self.flow.groups[aggregate.group]
        inner = dict(scope)
        inner[ENTRY_NUMBER] = (1.0, float(group.max))
        for member, node in group.nodes.items():
            if isinstance(node, NumberQuestion):
                inner[member] = (float(node.min), float(node.max))
        value = None if aggregate.value is None else self.of(aggregate.value, inner)
        for part in (aggregate.key, aggregate.where):
            if part is not None:
                self.of(part, inner)
        function = aggregate.function
        if function == "count_of":
            return (0.0, float(group.max))
        if function in ("any_of", "all_of"):
            return None
        if value is None:
            return None
        if function == "sum_of":
            found = (group.max * min(value[0], 0.0), group.max * max(value[1], 0.0))
            return self._bounded(aggregate, found)
        return value

    def _count(self, count: Count) -> Interval:
        operand = count.operand
        node = self.flow.nodes.get(operand.name) if isinstance(operand, Name) else None
        most = len(node.options) if isinstance(node, MultiChoiceQuestion) else math.inf
        return (0.0, float(most))


def failing(flow: CompiledFlow) -> dict[int, tuple[Expr, str]]:
    """Every part of the flow's expressions that may fail on some path (by ``id``)."""
    bounds = Bounds(flow)
    for _, tree in flow.expressions():
        bounds.of(tree)
    return bounds.failing
