"""Points of a flow's answer space, shared by the answer classes and the number cuts.

``Classes``: the answers tried at a question; ``PointEnv``: what an expression reads at a
point (the answers on a path plus assumed values); ``pieces`` and ``representatives``: one
value per piece of a number range cut at given points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import EvaluationError, Expr, Kind, Unavailable, Value
from triagebot.flows.places import between
from triagebot.flows.schema import UNKNOWN

Entries = Mapping[str, Sequence[Mapping[str, AnswerValue]]]
"""Groups completed on a path (entered and left) -> their entries."""


@dataclass(frozen=True, slots=True)
class Classes:
    """The answers tried at a question, and why the list is not exhaustive (if it is not)."""

    values: tuple[AnswerValue, ...]
    sampled: str | None = None
    merged: tuple[tuple[str, ...], ...] = ()
    """Groups of values tried once for the whole group (for the report)."""
    points: tuple[AnswerValue, ...] = ()
    """Numbers: every cut point and a value inside each interval between them (what
    ``diff`` needs to intersect two versions' classes); empty when it equals ``values``."""

    def boundaries(self) -> tuple[AnswerValue, ...]:
        return self.points or self.values


class PointEnv:
    """Answers on the path plus assumed values: what a comparison reads at a point."""

    def __init__(
        self,
        flow: CompiledFlow,
        answers: dict[str, AnswerValue],
        extra: dict[str, Value],
        groups: Entries | None = None,
    ) -> None:
        self.flow = flow
        self.answers = answers
        self.extra = extra
        self.groups = groups or {}
        self._computed: dict[str, Value] = {}
        """Computed values found here (a point is fixed: each is evaluated once)."""

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        if group not in self.groups:
            raise Unavailable(group, "its entries are not complete here")
        return self.groups[group]

    def lookup(self, name: str) -> Value:
        if name in self.extra or name in self.answers:
            value = self.extra[name] if name in self.extra else self.answers[name]
            if value == UNKNOWN and self.flow.types[name].kind is Kind.NUMBER:
                raise Unavailable(name, "unknown")
            return value
        if name in self._computed:
            return self._computed[name]
        formula = self.flow.computed.get(name)
        if formula is None:
            raise Unavailable(name)
        value = formula.evaluate(self)
        self._computed[name] = value
        return value

    def is_answered(self, name: str) -> bool:
        return name in self.answers or name in self.extra


def representatives(low: float, high: float, cuts: set[float], integer: bool) -> list[AnswerValue]:
    """One value per class of ``[low, high]`` cut at ``cuts``: each cut point itself (a
    comparison may hold only there) and one value inside each interval between cuts; an
    interval reaching a range end that is not a cut is represented by that end."""
    if integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    singles = {c for c in cuts if low <= c <= high and (not integer or c.is_integer())}
    splits = sorted({c for c in cuts if low <= c <= high} | {low, high})
    values: set[float] = set(singles)
    for start, end in itertools.pairwise(splits):
        if start == low and low not in cuts:
            values.add(low)
        elif end == high and high not in cuts:
            values.add(high)
        elif integer:
            inside = math.floor(start) + 1
            if inside < end:
                values.add(float(inside))
        else:
            values.add(between(start, end))
    if not values:
        values.add(low)
    return [int(v) if integer else tidy(v) for v in sorted(values)]


def pieces(low: float, high: float, cuts: set[float], integer: bool) -> list[int | float]:
    """One value from each piece of ``[low, high]`` cut at ``cuts``, in order: each cut
    point, and the smallest whole number (else the middle) strictly inside each interval
    between cuts, or the range end where the interval reaches it."""
    if integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    if low >= high:
        return [int(low) if integer else tidy(low)]
    inside = sorted(c for c in cuts if low < c < high)
    found: list[float] = []
    if low in cuts or low == high:
        found.append(low)
    for start, end in itertools.pairwise([low, *inside, high]):
        if start == low and low not in cuts:
            found.append(low)
        elif integer:
            whole = math.floor(start) + 1
            if whole < end or (end == high and high not in cuts and whole <= end):
                found.append(float(whole))
        else:
            found.append(between(start, end))
        is_answer = not integer or end.is_integer()
        if (end != high or high in cuts) and is_answer:
            found.append(end)
    return [int(v) if integer else tidy(v) for v in found]


def outcome_of(test: Expr, env: PointEnv) -> object:
    """A comparison's value at a point; what stops it otherwise (the same for every value
    of a piece when the cut points are exact)."""
    try:
        return test.evaluate(env)
    except Unavailable as missing:
        return ("unavailable", missing.name, missing.reason)
    except (ArithmeticError, EvaluationError) as error:
        return ("error", type(error).__name__)


def tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
