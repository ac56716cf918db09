"""Aggregates over a repeated group's entries (``count_of``, ``min_of``, ``first_min``...)
and the names an expression reads (see :mod:`~triagebot.flows.expr`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from triagebot.flows.expr_tree import (
    Answered,
    Env,
    Expr,
    Known,
    Name,
    Unavailable,
    Value,
    _bounded,
    _number,
)
from triagebot.flows.schema import UNKNOWN


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
