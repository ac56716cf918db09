"""The condition and formula language of flow files.

Expressions are short Python-like strings (``lactate >= 8 and ph < 7.0``). They are parsed
with :func:`ast.parse` and only a whitelist of node kinds is accepted; everything else
(attributes, subscripts, other calls, ``**``, lambdas, comprehensions) is refused with its
column. The result is a small typed tree that is evaluated directly (no ``eval``) and can
be analysed: the verifier reads the thresholds a number is compared with off the tree.

Types are checked at load against the flow's declared variables: a yes/no answer compared
with a number, or with a value it can never take (``'yse'``), is a load error.

A repeated group's entries are read through aggregates (``count_of``, ``any_of``,
``all_of``, ``min_of``, ``max_of``, ``sum_of``, ``first_min``, ``first_max``; see
:class:`Aggregate`), whose per-entry arguments name the group's members.
"""

from __future__ import annotations

import ast
import enum
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from triagebot.flows.schema import MAX_NUMBER, UNKNOWN

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


@dataclass(frozen=True, slots=True)
class Count(Expr):
    """``len(x)``: how many options of a multi-choice answer were chosen."""

    operand: Expr

    def evaluate(self, env: Env) -> Value:
        value = self.operand.evaluate(env)
        assert isinstance(value, tuple)
        return len(value)

    def children(self) -> tuple[Expr, ...]:
        return (self.operand,)


AGGREGATES = (
    "count_of",
    "any_of",
    "all_of",
    "min_of",
    "max_of",
    "sum_of",
    "first_min",
    "first_max",
)
"""Functions over a repeated group's entries."""


ENTRY_NUMBER = "entry_number"
"""In an aggregate's per-entry arguments: the entry's number, 1 for the first round."""


class _EntryEnv:
    """One entry of a group as an aggregate's per-entry arguments see it: the group's
    members are that entry's answers (a member not answered in it is unavailable); every
    other name reads the enclosing environment."""

    def __init__(
        self, outer: Env, aggregate: Aggregate, entry: Mapping[str, Value], number: int
    ) -> None:
        self.outer = outer
        self.aggregate = aggregate
        self.entry = entry
        self.number = number

    def lookup(self, name: str) -> Value:
        if name == ENTRY_NUMBER:
            return self.number
        if name not in self.aggregate.members:
            return self.outer.lookup(name)
        if name not in self.entry:
            raise Unavailable(name)
        value = self.entry[name]
        if value == UNKNOWN and name in self.aggregate.numbers:
            raise Unavailable(name, "unknown")
        return value

    def is_answered(self, name: str) -> bool:
        if name == ENTRY_NUMBER:
            return True
        if name in self.aggregate.members:
            return name in self.entry
        return self.outer.is_answered(name)

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        return self.outer.entries(group)


@dataclass(frozen=True, slots=True)
class Aggregate(Expr):
    """A function over the completed entries of a repeated group, in round order.

    - ``count_of(g)``: how many entries; ``count_of(g, cond)``: how many where cond holds.
    - ``any_of(g, cond)`` / ``all_of(g, cond)``: cond holds for some / every entry.
    - ``min_of(g, value, where=cond)``, ``max_of(...)``, ``sum_of(...)``: over the entries
      where cond holds (every entry without ``where``).
    - ``first_min(g, value, by=key, where=cond)``, ``first_max(...)``: ``value`` of the
      first entry, in round order, whose key is the least (greatest) among the entries
      where cond holds: the entry tested first wins a tie.

    In the per-entry arguments (cond, value, key) the group's members are that entry's
    answers and ``entry_number`` is the entry's number (1 for the first round, so
    ``first_min(g, entry_number, by=key)`` says which entry was chosen when two share a
    name); other names are read as anywhere else.

    The conservative choice: an entry whose value or key is unknown or unavailable (the
    member was not asked in that round, or answered ``unknown``), or whose cond cannot be
    evaluated, does not take part. It is not counted by ``count_of(g, cond)`` or
    ``any_of``, it cannot make ``all_of`` false, and it is never the minimum, maximum or
    part of a sum. ``min_of``, ``max_of``, ``first_min`` and ``first_max`` over no
    taking-part entry are unavailable (:class:`Unavailable`, like an unanswered
    question: test ``any_of(...)`` or ``known(computed)`` first); ``sum_of`` over none is
    0; ``all_of`` over none is true.
    """

    function: str
    group: str
    value: Expr | None = None
    key: Expr | None = None
    where: Expr | None = None
    members: frozenset[str] = frozenset()
    """The group's members: names bound to each entry's answers in the arguments."""
    numbers: frozenset[str] = frozenset()
    """The members that are number questions (``unknown`` is unavailable)."""

    def evaluate(self, env: Env) -> Value:
        taking, holds, evaluable = self._taking_part(env)
        return self._combine(taking, holds, evaluable)

    def so_far(self, env: Env) -> object:
        """What the entries so far decide of this aggregate whatever entries follow: its
        value over them and any later entries is a function of this and of those later
        entries alone (the verifier merges rounds on it, see ``rounds``).

        A count, whether any / all hold, the plain sum, the least (greatest) value, the
        first least (greatest) key's ``(value, key)``; None where no entry takes part.
        """
        return self.so_far_of(
            [self.entry_part(env, e, n) for n, e in enumerate(env.entries(self.group), 1)]
        )

    def so_far_of(self, parts: Sequence[EntryPart]) -> object:  # noqa: PLR0911 (one return per aggregate function)
        """:meth:`so_far` from each entry's :meth:`entry_part`, in round order."""
        taking, holds, evaluable = self._tally(parts)
        function = self.function
        if function == "count_of":
            return holds
        if function == "any_of":
            return holds > 0
        if function == "all_of":
            return holds == evaluable
        if function == "sum_of":  # not bounded: only the sum over every entry is
            return sum(_number(value) for value, _ in taking if value is not None)
        if not taking:
            return None
        if function in ("min_of", "max_of"):
            return self._combine(taking, holds, evaluable)
        return self._first(taking)

    def entry_part(self, env: Env, entry: Mapping[str, Value], number: int) -> EntryPart:
        """What one entry brings: whether its condition could be evaluated, and its
        ``(value, key)`` where it takes part (None where it does not). An entry whose
        condition, value or key reads something unavailable does not take part; one whose
        condition cannot be evaluated does not count as evaluated either."""
        scope = _EntryEnv(env, self, entry, number)
        try:
            passes = self.where is None or bool(self.where.evaluate(scope))
        except Unavailable:
            return False, None
        if not passes:
            return True, None
        try:
            value = None if self.value is None else self.value.evaluate(scope)
            key = None if self.key is None else self.key.evaluate(scope)
        except Unavailable:
            return True, None
        return True, (value, key)

    def _taking_part(self, env: Env) -> tuple[list[tuple[Value | None, Value | None]], int, int]:
        parts = [self.entry_part(env, e, n) for n, e in enumerate(env.entries(self.group), 1)]
        return self._tally(parts)

    @staticmethod
    def _tally(
        parts: Sequence[EntryPart],
    ) -> tuple[list[tuple[Value | None, Value | None]], int, int]:
        """The (value, key) of each entry taking part, in round order; how many hold;
        how many could be evaluated."""
        taking = [taken for _, taken in parts if taken is not None]
        return taking, len(taking), sum(1 for evaluated, _ in parts if evaluated)

    def _combine(
        self, taking: list[tuple[Value | None, Value | None]], holds: int, evaluable: int
    ) -> Value:
        function = self.function
        if function == "count_of":
            return holds
        if function == "any_of":
            return holds > 0
        if function == "all_of":
            return holds == evaluable
        if function == "sum_of":
            return _bounded(self, sum(_number(value) for value, _ in taking if value is not None))
        if not taking:
            raise Unavailable(self.group, f"no entry of '{self.group}' takes part in {function}")
        if function in ("min_of", "max_of"):
            pick = min if function == "min_of" else max
            return pick(_number(value) for value, _ in taking if value is not None)
        best_value, _ = self._first(taking)
        assert best_value is not None
        return best_value

    def _first(
        self, taking: list[tuple[Value | None, Value | None]]
    ) -> tuple[Value | None, Value | None]:
        """first_min / first_max: the (value, key) of the first entry whose key is least
        (greatest): a later entry replaces it only with a strictly better key."""
        sign = 1 if self.function == "first_min" else -1
        best_value, best_key = taking[0]
        for value, key in taking[1:]:
            assert key is not None and best_key is not None
            if sign * _number(key) < sign * _number(best_key):  # strictly: the first wins a tie
                best_value, best_key = value, key
        return best_value, best_key

    def children(self) -> tuple[Expr, ...]:
        return tuple(part for part in (self.value, self.key, self.where) if part is not None)


EntryPart = tuple[bool, tuple[Value | None, Value | None] | None]
"""One entry's part in an aggregate: evaluated or not, and its (value, key) if it takes
part (see :meth:`Aggregate.entry_part`)."""


def _number(value: Value) -> float:
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return value


def names_in(expression: Expr) -> set[str]:
    """Every variable an expression reads, including through answered() and known().

    An aggregate reads its group (by the group's id) and the names its per-entry arguments
    read other than the group's members (which are bound to each entry).
    """
    if isinstance(expression, Name | Answered | Known):
        return {expression.name}
    found: set[str] = set()
    for child in expression.children():
        found |= names_in(child)
    if isinstance(expression, Aggregate):
        found = (found - expression.members - {ENTRY_NUMBER}) | {expression.group}
    return found


# --- parsing and type checking ----------------------------------------------------------

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

_AGGREGATE_KEYWORDS = {
    "min_of": frozenset({"where"}),
    "max_of": frozenset({"where"}),
    "sum_of": frozenset({"where"}),
    "first_min": frozenset({"by", "where"}),
    "first_max": frozenset({"by", "where"}),
}


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
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        # Python reports offset 0 for an expression that stops short: point at its end.
        offset = error.offset - 1 if error.offset else len(text)
        raise ExprError(f"syntax error: {error.msg}", offset) from None
    except (RecursionError, MemoryError, ValueError) as error:
        # Python's own parser gives up on some nestings and on numbers of over 4300 digits.
        raise ExprError(f"cannot be read: {error}"[:200]) from None
    checker = _Checker(text, types)
    checker.check_depth(tree.body)
    return checker.convert(tree.body)


NUMBER = VarType(Kind.NUMBER)
BOOL = VarType(Kind.BOOL)

_AST_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_AST_ARITHMETIC = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class _Checker:
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
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, f"only these functions may be called: {FUNCTIONS_HELP}")
        name = node.func.id
        if name in AGGREGATES:
            return self.aggregate(node, name)
        if node.keywords:
            raise self.fail(node, f"{name}() takes no keyword arguments")
        if name in ("answered", "known"):
            return self.presence_test(node, name)
        if name == "len":
            if len(node.args) != 1:
                raise self.fail(node, "len() takes one multi-choice answer")
            return Count(
                self.offset(node), self.expect(node.args[0], Kind.SET, "len()'s argument")
            ), NUMBER
        if name not in NUMBER_FUNCTIONS:
            raise self.fail(node, f"'{name}' is not a function here; allowed: {FUNCTIONS_HELP}")
        _, fewest, most = NUMBER_FUNCTIONS[name]
        if not fewest <= len(node.args) <= most:
            raise self.fail(node, f"{name}() takes {fewest} to {most} arguments")
        args = tuple(self.expect(arg, Kind.NUMBER, f"{name}()'s argument") for arg in node.args)
        if name == "round" and len(args) == 2:
            self.check_digits(node.args[1], args[1])
        return Call(self.offset(node), name, args), NUMBER

    def check_digits(self, node: ast.expr, digits: Expr) -> None:
        """round()'s digits are a whole number from -15 to 15, written as a constant."""
        value = digits.value if isinstance(digits, Const) else None
        if not isinstance(value, int | float) or value != int(value) or abs(value) > ROUND_DIGITS:
            message = (
                f"round()'s digits must be a whole number from -{ROUND_DIGITS} to "
                f"{ROUND_DIGITS}, written as a number (e.g. round(x, 1))"
            )
            raise self.fail(node, message)

    def aggregate(self, node: ast.Call, name: str) -> tuple[Expr, VarType]:
        """An aggregate over a group: first argument the group, the rest per entry."""
        form = AGGREGATE_FORMS[name]
        fewest = 1 if name == "count_of" else 2
        allowed = _AGGREGATE_KEYWORDS.get(name, frozenset())
        keywords: dict[str, ast.expr] = {}
        for keyword in node.keywords:
            if keyword.arg not in allowed or keyword.arg in keywords:
                raise self.fail(keyword.value, f"{name}() is written {form}")
            keywords[keyword.arg] = keyword.value
        if not fewest <= len(node.args) <= 2:
            raise self.fail(node, f"{name}() is written {form}")
        if name.startswith("first_") and "by" not in keywords:
            raise self.fail(node, f"{name}() needs a key to compare entries by: {form}")
        group, group_type = self.group_argument(node, name)
        members = dict(group_type.members)
        if ENTRY_NUMBER in members or ENTRY_NUMBER in self.types:
            raise self.fail(
                node, f"'{ENTRY_NUMBER}' is reserved for the entry's number in {name}()"
            )
        inner = _Checker(self.text, {**self.types, **members, ENTRY_NUMBER: NUMBER})
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
            self.offset(node), name, group, value, key, where, frozenset(members), numbers
        )
        return tree, result

    def group_argument(self, node: ast.Call, name: str) -> tuple[str, VarType]:
        first = node.args[0] if node.args else node
        groups = sorted(n for n, t in self.types.items() if t.kind is Kind.GROUP)
        if isinstance(first, ast.Name):
            found = self.types.get(first.id)
            if found is not None and found.kind is Kind.GROUP:
                return first.id, found
        listed = ", ".join(groups) if groups else "this flow has none"
        raise self.fail(first, f"{name}()'s first argument must be a repeated group ({listed})")

    def presence_test(self, node: ast.Call, name: str) -> tuple[Expr, VarType]:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise self.fail(node, f"{name}() takes one variable name")
        variable = node.args[0].id
        if variable not in self.types:
            self.member_outside(node.args[0], variable)
            raise self.fail(node.args[0], f"unknown name '{variable}'")
        if self.types[variable].kind is Kind.GROUP:
            raise self.fail(node.args[0], f"'{variable}' is a repeated group: use count_of()")
        cls = Answered if name == "answered" else Known
        return cls(self.offset(node), variable), BOOL


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
