"""The expression tree: values, the kinds of node, and how each evaluates (see
:mod:`~triagebot.flows.expr`)."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from triagebot.flows.schema import MAX_NUMBER

Value = float | int | str | bool | tuple[str, ...]
"""What an expression evaluates to: a number, a text value, a truth value or a set of ids."""

MAX_EXPRESSION_LENGTH = 2000

MAX_DEPTH = 50
"""How deeply an expression may nest (``-(-(...))``, parentheses, chained ``+``): the
bundled flows reach 6; the limit keeps parsing, checking and evaluating within Python's
recursion limit, so a hostile flow gets a located error instead of a crash."""

ROUND_DIGITS = 15
"""``round(x, n)`` takes a whole ``n`` from -15 to 15: doubles carry no more digits."""


class Kind(enum.Enum):
    """The type of a variable or expression."""

    NUMBER = "number"
    TEXT = "text"
    BOOL = "condition"
    SET = "list of options"
    GROUP = "repeated group"


@dataclass(frozen=True, slots=True)
class VarType:
    """A declared variable's type and, for text and sets, the values it can take."""

    kind: Kind
    values: frozenset[str] | None = None
    members: tuple[tuple[str, VarType], ...] = ()
    """For a repeated group: its members' names and types, in the order written."""


class ExprError(Exception):
    """An expression that cannot be accepted; ``offset`` is its 0-based column in the text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class FlowRuntimeError(RuntimeError):
    """The flow itself is faulty on this path (the verifier exists to make this impossible)."""


class EvaluationError(FlowRuntimeError):
    """An expression that gives no usable value on this path: a number that is not finite
    or is over ``MAX_NUMBER`` in size, or a division by zero.

    ``node`` is the part of the expression that failed. A session fills in ``where``
    (``FILE:LINE:COL``, see ``CompiledFlow.place``) before the error leaves it, so the
    message names the line of the flow file; the session itself is kept.
    """

    def __init__(self, message: str, node: Expr, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Unavailable(Exception):
    """A value an expression needs is not available on this path (not asked, or unknown)."""

    def __init__(self, name: str, reason: str = "not answered") -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class Env(Protocol):
    """What evaluation reads: answers and computed values by name."""

    def lookup(self, name: str) -> Value:
        """The value of ``name``; raises :class:`Unavailable` when it has none."""
        ...

    def is_answered(self, name: str) -> bool:
        """Whether ``name`` was asked and answered on this path (``unknown`` included)."""
        ...

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        """The completed entries of a repeated group, in round order (member -> answer)."""
        ...


# --- the tree ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expr:
    """Base of the expression tree; ``offset`` is the node's column in the source text."""

    offset: int

    def evaluate(self, env: Env) -> Value:
        raise NotImplementedError

    def children(self) -> tuple[Expr, ...]:
        return ()

    def walk(self) -> Iterator[Expr]:
        """This node and every node below it."""
        yield self
        for child in self.children():
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Const(Expr):
    value: float | int | str

    def evaluate(self, env: Env) -> Value:
        return self.value


@dataclass(frozen=True, slots=True)
class Name(Expr):
    name: str

    def evaluate(self, env: Env) -> Value:
        return env.lookup(self.name)


def _bounded(node: Expr, value: float) -> float:
    """``value`` if it is a number an expression may give, else an :class:`EvaluationError`
    at ``node`` (evaluation is total and bounded: no infinity, NaN or huge number leaves
    it)."""
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        shown = "not a number" if math.isnan(value) else "a number over 10^15 in size"
        raise EvaluationError(f"this gives {shown} on this path", node)
    return value


@dataclass(frozen=True, slots=True)
class Negate(Expr):
    operand: Expr

    def evaluate(self, env: Env) -> Value:
        return -_number(self.operand.evaluate(env))

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True)
class Not(Expr):
    operand: Expr

    def evaluate(self, env: Env) -> Value:
        return not self.operand.evaluate(env)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@dataclass(frozen=True, slots=True)
class Arith(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, env: Env) -> Value:
        left = _number(self.left.evaluate(env))
        right = _number(self.right.evaluate(env))
        if self.op == "/" and right == 0:
            raise EvaluationError("this divides by zero on this path", self)
        return _bounded(self, ARITHMETIC[self.op](left, right))

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class And(Expr):
    operands: tuple[Expr, ...]

    def evaluate(self, env: Env) -> Value:
        return all(operand.evaluate(env) for operand in self.operands)

    def children(self) -> tuple[Expr, ...]:
        return self.operands


@dataclass(frozen=True, slots=True)
class Or(Expr):
    operands: tuple[Expr, ...]

    def evaluate(self, env: Env) -> Value:
        return any(operand.evaluate(env) for operand in self.operands)

    def children(self) -> tuple[Expr, ...]:
        return self.operands


COMPARISONS: dict[str, Callable[[Value, Value], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, env: Env) -> Value:
        return COMPARISONS[self.op](self.left.evaluate(env), self.right.evaluate(env))

    def children(self) -> tuple[Expr, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True)
class In(Expr):
    """``needle in haystack``: a value in a literal tuple, or an option id in a set answer."""

    needle: Expr
    haystack: Expr | tuple[float | int | str, ...]
    negated: bool = False

    def evaluate(self, env: Env) -> Value:
        haystack = self.haystack
        items = haystack if isinstance(haystack, tuple) else haystack.evaluate(env)
        found = self.needle.evaluate(env) in items  # type: ignore[operator]
        return found != self.negated

    def children(self) -> tuple[Expr, ...]:
        if isinstance(self.haystack, tuple):
            return (self.needle,)
        return (self.needle, self.haystack)


@dataclass(frozen=True, slots=True)
class IfElse(Expr):
    condition: Expr
    then: Expr
    otherwise: Expr

    def evaluate(self, env: Env) -> Value:
        if self.condition.evaluate(env):
            return self.then.evaluate(env)
        return self.otherwise.evaluate(env)

    def children(self) -> tuple[Expr, ...]:
        return (self.condition, self.then, self.otherwise)


@dataclass(frozen=True, slots=True)
class Answered(Expr):
    """``answered(x)``: x was asked and answered on this path (``unknown`` counts)."""

    name: str

    def evaluate(self, env: Env) -> Value:
        return env.is_answered(self.name)


@dataclass(frozen=True, slots=True)
class Known(Expr):
    """``known(x)``: x has a usable value (answered and not ``unknown``; computable)."""

    name: str

    def evaluate(self, env: Env) -> Value:
        try:
            env.lookup(self.name)
        except Unavailable:
            return False
        return True


def _round(value: float, digits: float = 0) -> float:
    # As a float: an int rounded to -10^9 digits computes 10^(10^9) and never returns.
    return round(float(value), int(digits))


NUMBER_FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    # name: (function, fewest arguments, most arguments)
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
}


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """One of the number functions: min, max, abs, round, floor, ceil."""

    function: str
    args: tuple[Expr, ...]

    def evaluate(self, env: Env) -> Value:
        function = NUMBER_FUNCTIONS[self.function][0]
        args = [_number(arg.evaluate(env)) for arg in self.args]
        if self.function == "round" and len(args) == 2:
            digits = args[1]
            if digits != int(digits) or abs(digits) > ROUND_DIGITS:
                message = f"round()'s digits must be a whole number from -15 to 15, not {digits}"
                raise EvaluationError(message, self.args[1])
        return _bounded(self, function(*args))

    def children(self) -> tuple[Expr, ...]:
        return self.args


def _number(value: Value) -> float:
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return value
