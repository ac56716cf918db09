"""A number question's range cut where any comparison reading it may change truth value.

Each comparison is solved for the number piece by piece (``if``/``min``/``max`` pieces are
found by refinement): exact for formulas linear in the number once earlier answers are
fixed, sampled otherwise (see :mod:`triagebot.flows.explore`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.explore_analysis import NumberAtom
from triagebot.flows.explore_points import Classes, Entries, PointEnv, pieces, representatives, tidy
from triagebot.flows.expr import (
    Arith,
    Call,
    EvaluationError,
    Expr,
    IfElse,
    Name,
    Negate,
    Unavailable,
    Value,
    names_in,
)
from triagebot.flows.schema import (
    UNKNOWN,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    YesNoQuestion,
)

if TYPE_CHECKING:
    from triagebot.flows.explore_classes import ClassFinder

SMALL_INTEGER_RANGE = 24
"""Whole-number questions with at most this many values are enumerated outright."""

MAX_REFINEMENT_ROUNDS = 12
"""Rounds of cutting a number's range before the cut points are declared sampled."""


Affine = tuple[float, float]
"""``a * x + b`` near a point."""


class _NotLinear(Exception):
    """The comparison is not linear in the number near this point."""


class NumberCuts:
    """Cut a number question's range where any comparison reading it may change."""

    def __init__(
        self,
        finder: ClassFinder,
        variable: str,
        question: NumberQuestion,
        answers: dict[str, AnswerValue],
        groups: Entries,
    ) -> None:
        self.finder = finder
        self.flow = finder.flow
        self.variable = variable
        self.question = question
        self.answers = answers  # read only; the question itself is not answered yet
        self.groups = groups
        self.sampled: str | None = None
        self.later = False
        """A comparison also reads an answer asked later: pieces cannot be merged."""
        self.waits_for: str | None = None
        """A comparison also reads a group whose entries are not complete here."""
        self.nonlinear: dict[int, int] = {}
        """id() of an atom found not linear in the number -> the refinement round that
        found it (it is sampled in that round only: refining it would not end)."""
        self.rounds = 0

    def classes(self) -> Classes:
        question = self.question
        low, high = question.min, question.max
        extra: tuple[AnswerValue, ...] = (UNKNOWN,) if question.allow_unknown else ()
        points = {float(low), float(high)}
        cuts: set[float] = set()
        atoms = self.finder.analysis.number_atoms.get(self.variable, [])
        for self.rounds in range(MAX_REFINEMENT_ROUNDS):
            ordered = sorted(points)
            new: set[float] = set()
            for start, end in itertools.pairwise(ordered):
                middle = (start + end) / 2
                for atom in atoms:
                    for root in self.roots(atom, middle, start, end):
                        if start <= root <= end:
                            cuts.add(root)
                            new.add(root)
            if not new - points:
                break
            points |= new
        else:
            self.sampled = self.sampled or "the cut points did not settle"
        across = self.compared_across()
        if question.integer and high - low < SMALL_INTEGER_RANGE:
            # Every whole number is a piece of its own: exact even where the cut points
            # are not (then each is tried), and for entries compared with each other.
            cuts = set(map(float, range(math.ceil(low), math.floor(high) + 1)))
            if self.sampled or across:
                self.sampled = None
                return Classes((*map(int, sorted(cuts)), *extra))
        values = representatives(float(low), float(high), cuts, question.integer)
        if across:
            if len(values) < 2 and low < high:
                values.append(int(high) if question.integer else tidy(high))
            return Classes((*values, *extra), across)
        if self.sampled or self.later:
            return Classes((*values, *extra), self.sampled)
        one = self.one_per_class(float(low), float(high), cuts, question.integer)
        return Classes((*one, *extra), None, points=(*values, *extra))

    def compared_across(self) -> str | None:
        """Why a group's number member needs values that tie and come in both orders
        across entries (None when it does not)."""
        functions = self.finder.analysis.cross.get(self.variable)
        if functions:
            how = "compared across entries by " + ", ".join(sorted(functions))
        elif self.waits_for is not None and self.variable in self.flow.group_of:
            how = f"compared with the entries of '{self.waits_for}', complete later"
        else:
            return None
        return f"{how}: two or more values per round, so entries tie and come in both orders"

    def one_per_class(
        self, low: float, high: float, cuts: set[float], integer: bool
    ) -> list[AnswerValue]:
        """One value per class: the pieces of the range (each cut point, each interval
        between) in order, neighbours merged while every comparison reading the number
        gives the same result on them; each class is tried at its smallest piece (the cut
        point itself where it belongs to the class above it, as ``x >= c`` puts it)."""
        chosen: list[AnswerValue] = []
        last: tuple[object, ...] | None = None
        for value in pieces(low, high, cuts, integer):
            signature = self.finder.signature(self.variable, self.answers, value, self.groups)
            if signature != last:
                chosen.append(value)
                last = signature
        return chosen

    def roots(self, atom: NumberAtom, at: float, start: float, end: float) -> list[float]:  # noqa: PLR0911 (each way the root search ends)
        """Where ``atom.left - atom.right`` crosses zero on the piece around ``at``."""
        missing: list[str] = []
        for _ in range(5):
            try:
                if not missing:
                    return self._solve(atom, at, {})
                self.later = True
                numbers = [n for n in missing if isinstance(self.flow.question(n), NumberQuestion)]
                if numbers:
                    self.sampled = self.sampled or (
                        "a comparison also reads " + ", ".join(numbers) + ", asked later"
                    )
                return self._sampled_roots(atom, at, missing)
            except (_NotLinear, EvaluationError):
                self.sampled = self.sampled or "a comparison is not linear in it"
                if self.nonlinear.setdefault(id(atom), self.rounds) != self.rounds:
                    return []  # sampled once, on the first pieces: refining would not end
                return [start + (end - start) * k / 4 for k in (1, 2, 3)]
            except Unavailable as unavailable:
                if id(atom) in self.finder.analysis.accounted:
                    return []  # cut where the threshold meets the others (_threshold_pairs)
                name = _root_cause(self.flow, unavailable, self.answers, self.variable, missing)
                if name is None:
                    return []
                if name in self.flow.groups:
                    # Its entries come later: no cut point can be solved for here.
                    self.later = True
                    self.waits_for = name
                    self.sampled = self.sampled or (
                        f"a comparison also reads the entries of group '{name}', complete later"
                    )
                    return []
                missing.append(name)
        return []

    def _sampled_roots(self, atom: NumberAtom, at: float, missing: list[str]) -> list[float]:
        """Roots with each later number at its range ends and middle (a bounded sample) and
        each later yes/no or choice at every one of its answer classes (exact)."""
        choices: list[tuple[Value, ...]] = []
        for name in missing:
            question = self.flow.question(name)
            if isinstance(question, NumberQuestion):
                choices.append((question.min, (question.min + question.max) / 2, question.max))
            else:
                choices.append(self.finder.classes(name, {}).values)
        roots: list[float] = []
        for combination in itertools.product(*choices):
            try:
                roots.extend(self._solve(atom, at, dict(zip(missing, combination, strict=True))))
            except (_NotLinear, EvaluationError):
                continue
        return roots

    def _solve(self, atom: NumberAtom, at: float, assumed: dict[str, Value]) -> list[float]:
        env = PointEnv(self.flow, self.answers, {**assumed, self.variable: at}, self.groups)
        self._pending: Unavailable | None = None
        try:
            left = self._affine(atom.left, env)
            right = self._affine(atom.right, env)
            slope, offset = left[0] - right[0], left[1] - right[1]
            if slope != 0 and math.isnan(offset):
                raise _Inseparable
        except _Inseparable:
            if self._pending is None:  # not a later answer: the arithmetic overflowed
                raise _NotLinear from None
            raise self._pending from None
        if math.isinf(slope) or math.isnan(slope) or math.isinf(offset):
            raise _NotLinear  # dividing by a number near 0: no use solving in floats
        # Slope 0: the comparison does not change on this piece, whatever is asked later.
        return [] if slope == 0 else [-offset / slope]

    def _later(self, expression: Expr, env: PointEnv) -> float:
        """A value without the number in it; NaN when it waits for a number asked later."""
        try:
            value = expression.evaluate(env)
        except Unavailable as unavailable:
            cause = _root_cause(self.flow, unavailable, self.answers, self.variable, [])
            if cause is None:
                raise
            self._pending = unavailable
            return math.nan
        assert isinstance(value, int | float)
        return float(value)

    def _affine(self, expression: Expr, env: PointEnv) -> Affine:  # noqa: PLR0911 (one return per kind of expression)
        """``a * x + b`` near the point; ``b`` is NaN where it waits for later answers."""
        if self.variable not in self.finder.analysis.deps(expression):
            return (0.0, self._later(expression, env))
        if isinstance(expression, Name):
            if expression.name == self.variable:
                return (1.0, 0.0)
            return self._affine(self.flow.computed[expression.name], env)
        if isinstance(expression, Negate):
            slope, offset = self._affine(expression.operand, env)
            return (-slope, -offset)
        if isinstance(expression, Arith):
            return _combine(
                expression.op,
                self._affine(expression.left, env),
                self._affine(expression.right, env),
            )
        if isinstance(expression, IfElse):
            if math.isnan(self._later(expression.condition, env)):
                pieces = [
                    self._affine(expression.then, env),
                    self._affine(expression.otherwise, env),
                ]
                return _flat(pieces)
            branch = expression.then if expression.condition.evaluate(env) else expression.otherwise
            return self._affine(branch, env)
        if isinstance(expression, Call):
            return self._call(expression, env)
        raise _NotLinear

    def _call(self, call: Call, env: PointEnv) -> Affine:
        at = float(env.extra[self.variable])  # type: ignore[arg-type]
        pieces = [self._affine(arg, env) for arg in call.args]
        if any(math.isnan(offset) for _, offset in pieces):
            return _flat(pieces)
        if call.function in ("min", "max"):
            pick: Callable[..., Affine] = min if call.function == "min" else max
            return pick(pieces, key=lambda piece: piece[0] * at + piece[1])
        if call.function == "abs":
            slope, offset = pieces[0]
            return (slope, offset) if slope * at + offset >= 0 else (-slope, -offset)
        raise _NotLinear


class _Inseparable(Exception):
    """The number is combined with a number asked later: its cut points depend on it."""


def _flat(pieces: list[Affine]) -> Affine:
    """A choice between pieces that waits for later answers: exact only if all are flat."""
    if any(slope != 0 for slope, _ in pieces):
        raise _Inseparable
    return (0.0, math.nan)


def _scale(factor: float, piece: Affine) -> Affine:
    if piece[0] == 0:
        return (0.0, factor * piece[1])
    if math.isnan(factor):
        raise _Inseparable
    return (factor * piece[0], factor * piece[1])


def _combine(op: str, left: Affine, right: Affine) -> Affine:
    if op == "+":
        return (left[0] + right[0], left[1] + right[1])
    if op == "-":
        return (left[0] - right[0], left[1] - right[1])
    if op == "*":
        if left[0] == 0:
            return _scale(left[1], right)
        if right[0] == 0:
            return _scale(right[1], left)
        raise _NotLinear
    if right[0] != 0 or right[1] == 0:
        raise _NotLinear
    return _scale(1 / right[1], left)


def _root_cause(
    flow: CompiledFlow,
    unavailable: Unavailable,
    answers: dict[str, AnswerValue],
    variable: str,
    missing: list[str],
) -> str | None:
    """The later-asked question (or repeated group) a comparison is waiting for, if that
    is the cause."""
    name = unavailable.name
    while name in flow.computed:
        formula = flow.computed[name]
        later = [
            n
            for n in sorted(names_in(formula))
            if n not in answers and n != variable and n not in missing
        ]
        if not later:
            return None
        name = later[0]
    if name in flow.groups:
        return None if name in missing else name
    question = flow.nodes.get(name)
    asked = (YesNoQuestion, ChoiceQuestion, MultiChoiceQuestion, NumberQuestion)
    if name in answers or name in missing or not isinstance(question, asked):
        return None
    return name
