"""The summary of a group's entries so far: what decides every aggregate over the group,
whatever entries follow, with interchangeable data renamed.

See :mod:`triagebot.flows.rounds` for why equal summaries may be merged. Here:

- An aggregate whose per-entry arguments read only the entry and fixed values is summed
  up by ``Aggregate.so_far``.
- One whose arguments read a *whole value* (a computed value that is itself an aggregate
  over the group, e.g. ``best_branch``) is summed up as a decision tree: its ``so_far``
  for each value the whole value may still end with (``_candidates``), branches with the
  same outcome joined (``_simplified``).
- Options, numbers and entry numbers in the result are then renamed by their place
  (``_renamed``): first appearance for options and entry numbers, rank between the
  thresholds for numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    Env,
    EvaluationError,
    Name,
    Unavailable,
    Value,
)
from triagebot.flows.places import Place, positions, rank
from triagebot.flows.schema import UNSURE, YES_NO_VALUES, ChoiceQuestion, NumberQuestion
from triagebot.flows.symmetry import Domains

NONE = "<none>"
"""A value a whole value may end with: none (no entry takes part)."""

OTHER = "<other>"
"""How an option the entries so far never took is shown in a summary (any one of them)."""

Candidate = tuple[Hashable, object]
"""A value a whole value may end with: how the summary shows it, and the value."""


@dataclass(frozen=True, slots=True)
class Datum:
    """A value of interchangeable data in a summary, before it is renamed."""

    domain: str
    """``"L:member"``, ``"N:member"`` or ``"E:group"`` (see ``Domains.role``)."""
    value: object


@dataclass(slots=True)
class GroupModel:
    """What a summary needs to know of one group, found once per flow."""

    group: str
    aggregates: list[Aggregate] = field(default_factory=list)
    """Every aggregate over the group in the checked expressions, in a fixed order."""
    wholes: dict[str, Aggregate] = field(default_factory=dict)
    """A whole value the per-entry arguments read -> its aggregate."""
    outcomes: tuple[str, ...] = ()
    """The flow's outcomes, when per-entry arguments of an invariant read ``outcome``
    (known only at the end: the summary is made for each)."""
    outer: set[str] = field(default_factory=set)
    """Names outside the group that per-entry arguments and thresholds read."""
    fits: bool = True
    """False where a summary cannot be made (nothing of the group is then merged)."""


@dataclass(slots=True)
class Context:
    """A summary of the entries so far and the data it keeps (for a round's classes)."""

    key: Hashable
    kept: dict[str, list[object]]
    """Domain -> its values the summary keeps, in first appearance."""
    cuts: dict[str, list[float]]
    """Order member -> its thresholds here, with its range ends, in order."""


class Unfit(Exception):
    """A whole value whose later values cannot be listed: no summary."""


class _Branch(Exception):
    """A per-entry argument reads a whole value not assumed yet."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Assumed:
    """The session's values, with whole values assumed (see ``Summary._tree``)."""

    def __init__(self, base: Env, wholes: Mapping[str, object], assumed: dict[str, object]) -> None:
        self.base = base
        self.wholes = wholes
        self.assumed = assumed

    def lookup(self, name: str) -> Value:
        if name not in self.wholes:
            return self.base.lookup(name)
        if name not in self.assumed:
            raise _Branch(name)
        value = self.assumed[name]
        if value == NONE:
            raise Unavailable(name, "no entry takes part")
        assert isinstance(value, str | int | float | tuple)
        return value

    def is_answered(self, name: str) -> bool:
        return self.base.is_answered(name)

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        return self.base.entries(group)


@dataclass(slots=True)
class Summary:
    """One summary of one group's entries (see the module docstring)."""

    flow: CompiledFlow
    domains: Domains
    model: GroupModel
    env: Env
    left: int
    """Rounds still to come (0 once the group is left)."""
    cuts: dict[str, list[float]]
    entries: Sequence[Mapping[str, Value]] = ()
    _found: dict[str, list[Candidate]] = field(default_factory=dict)
    _assumable: dict[str, object] = field(default_factory=dict)
    """The names a summary branches on: whole values, and ``outcome`` where read."""

    def __post_init__(self) -> None:
        self.entries = self.env.entries(self.model.group)
        self._assumable = dict(self.model.wholes)
        if self.model.outcomes:
            self._assumable[OUTCOME_VARIABLE] = self.model.outcomes

    def context(self) -> Context | None:
        """The summary, None where it cannot be made."""
        try:
            raw = tuple(self._tree(aggregate, {}) for aggregate in self.model.aggregates)
        except Unfit:
            return None
        kept: dict[str, list[object]] = {}
        for datum in _data(raw):
            values = kept.setdefault(datum.domain, [])
            if datum.value not in values:
                values.append(datum.value)
        return Context(self._renamed(raw, kept), kept, self.cuts)

    def _tree(self, aggregate: Aggregate, assumed: dict[str, object]) -> Hashable:
        env = _Assumed(self.env, self._assumable, assumed)
        try:
            return ("=", self._wrap(aggregate, aggregate.so_far(env)))
        except _Branch as branch:
            name = branch.name
            children = [
                (shown, self._tree(aggregate, {**assumed, name: value}))
                for shown, value in self._candidates(name)
            ]
            return _simplified(name, children)
        except EvaluationError as error:
            return ("raises", id(error.node), error.message)

    def _role(self, aggregate: Aggregate, part: str) -> str | None:
        found = getattr(aggregate, part)
        return None if found is None else self.domains.role(found, aggregate.group)

    def _wrap(self, aggregate: Aggregate, found: object) -> Hashable:
        """A ``so_far`` with its interchangeable data marked."""
        if found is None or aggregate.function in ("count_of", "any_of", "all_of", "sum_of"):
            assert isinstance(found, Hashable)
            return found
        if aggregate.function in ("min_of", "max_of"):
            return _datum(self._role(aggregate, "value"), found)
        assert isinstance(found, tuple)
        value, key = found
        return (
            _datum(self._role(aggregate, "value"), value),
            _datum(self._role(aggregate, "key"), key),
        )

    def _candidates(self, name: str) -> list[Candidate]:
        """Every value the whole value ``name`` may still end with (a superset), one for
        each class of interchangeable values; numbers in order (``_simplified`` joins
        runs of them)."""
        if name == OUTCOME_VARIABLE:
            return [(outcome, outcome) for outcome in self.model.outcomes]
        if name not in self._found:
            whole = self.model.wholes[name]
            found: list[Candidate] = []
            for now in self._nows(whole, {}):
                for shown, value in self._ends(whole, now):
                    if all(value != other for _, other in found):
                        found.append((shown, value))
            role = self._role(whole, "value")
            if role is not None and role.startswith("N:"):
                found.sort(key=lambda item: -math.inf if item[1] == NONE else _float(item[1]))
            self._found[name] = found
        return self._found[name]

    def _nows(self, whole: Aggregate, assumed: dict[str, object]) -> list[object]:
        """``whole``'s ``so_far``; where its own arguments read another whole value, one
        for each value that one may end with."""
        env = _Assumed(self.env, self._assumable, assumed)
        try:
            return [whole.so_far(env)]
        except _Branch as branch:
            return [
                now
                for _, value in self._candidates(branch.name)
                for now in self._nows(whole, {**assumed, branch.name: value})
            ]
        except EvaluationError:
            raise Unfit from None

    def _ends(self, whole: Aggregate, now: object) -> list[Candidate]:
        """The values ``whole`` may end with when its ``so_far`` is ``now``: a count may
        still grow by the rounds to come, any/all turn once; otherwise its value now (or
        none) and a later entry's."""
        function = whole.function
        if function == "count_of":
            assert isinstance(now, int)
            return [(count, count) for count in range(now, now + self.left + 1)]
        if function in ("any_of", "all_of"):
            settled = (now is True) == (function == "any_of")
            return [
                (value, value) for value in ([now] if settled or not self.left else [now, not now])
            ]
        found: list[Candidate] = [(NONE, NONE)] if now is None else []
        if now is not None:
            value = now[0] if isinstance(now, tuple) else now
            found.append((_datum(self._role(whole, "value"), value), value))
        return found + (self._later(whole, now) if self.left else [])

    def _later(self, whole: Aggregate, now: object) -> list[Candidate]:
        """The values a later entry may bring as ``whole``'s value: of a least (greatest)
        number, only those below (above) the current one; a later entry replaces the
        current one only with a strictly better key."""
        value = whole.value
        if not isinstance(value, Name):
            raise Unfit
        role = self._role(whole, "value")
        if value.name == ENTRY_NUMBER:
            start = len(self.entries) + 1
            if role is not None:  # every later number alike (compared only for equality)
                return [(Datum(role, "later"), start)]
            last = self.flow.groups[whole.group].max
            return [(number, number) for number in range(start, last + 1)]
        question = self.flow.nodes.get(value.name)
        if role is not None and role.startswith("N:"):
            assert isinstance(question, NumberQuestion)
            return self._later_numbers(whole, value.name, question.integer, role, now)
        if role is not None and role.startswith("L:"):
            assert isinstance(question, ChoiceQuestion)
            seen = {entry.get(value.name) for entry in self.entries}
            written = self.domains.labels[value.name]
            options = [option.id for option in question.options]
            kept = [o for o in options if o in seen or o in written]
            other = next((o for o in options if o not in kept), None)
            found: list[Candidate] = [(Datum(role, o), o) for o in kept]
            return found + ([(OTHER, other)] if other is not None else [])
        if isinstance(question, ChoiceQuestion):
            return [(option.id, option.id) for option in question.options]
        if question is not None and question.type == "yes_no":
            return [(v, v) for v in (*YES_NO_VALUES, UNSURE)]
        raise Unfit

    def _later_numbers(
        self, whole: Aggregate, member: str, integer: bool, role: str, now: object
    ) -> list[Candidate]:
        seen = {_float(e[member]) for e in self.entries if _is_number(e.get(member))}
        places = positions(sorted(seen | set(self.cuts[member])), integer, None)[0]
        if now is not None and _ranked(whole):
            bound = _float(now[1] if isinstance(now, tuple) else now)
            least = whole.function in ("min_of", "first_min")
            places = [
                p for p in places if (_float(p[1]) < bound if least else _float(p[1]) > bound)
            ]
        return [(_shown(role, where), found) for where, found in places]

    def _renamed(self, raw: Hashable, kept: dict[str, list[object]]) -> Hashable:
        """``raw`` with interchangeable data renamed by place (module docstring)."""
        names: dict[tuple[str, object], object] = {}
        for domain, values in kept.items():
            kind, member = domain.split(":", 1)
            if kind == "N":
                numbers = [_float(value) for value in values]
                for value in values:
                    names[(domain, value)] = rank(_float(value), self.cuts[member], numbers)
                continue
            fixed = self.domains.labels[member] if kind == "L" else frozenset({"later"})
            plain = [v for v in values if v not in fixed]
            for value in values:
                names[(domain, value)] = value if value in fixed else plain.index(value)
        return _mapped(raw, names)


def _ranked(whole: Aggregate) -> bool:
    """The whole value is its own key: a least or greatest number (``min_of``,
    ``first_min(g, x, by=x)``)."""
    if whole.function in ("min_of", "max_of"):
        return True
    value, key = whole.value, whole.key
    return isinstance(value, Name) and isinstance(key, Name) and value.name == key.name


def _float(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _datum(role: str | None, value: object) -> Hashable:
    if role is None:
        assert isinstance(value, Hashable)
        return value
    return Datum(role, value)


def _shown(role: str, where: Place) -> Hashable:
    kind, low, high = where
    if kind == "at":
        return Datum(role, low)
    return ("between", Datum(role, low), Datum(role, high))


def _simplified(name: str, children: list[tuple[Hashable, Hashable]]) -> Hashable:
    """A branch on a whole value, as small as its meaning allows: one child when all
    agree; options behaving like an option the entries never took are left out (they
    mean: like it); numbers next to each other that behave alike are one run (its first
    place stands for it)."""
    subtrees = {subtree for _, subtree in children}
    if len(subtrees) == 1:
        return subtrees.pop()
    other = next((sub for shown, sub in children if shown == OTHER), None)
    if other is not None:
        children = [
            (shown, sub)
            for shown, sub in children
            if shown == OTHER or not (isinstance(shown, Datum) and sub == other)
        ]
    runs: list[tuple[Hashable, Hashable]] = []
    for shown, sub in children:
        if runs and _ordered(shown) and _ordered(runs[-1][0]) and runs[-1][1] == sub:
            continue
        runs.append((shown, sub))
    return ("?", name, tuple(runs))


def _ordered(shown: Hashable) -> bool:
    """A number's place (a kept number or a gap between two)."""
    if isinstance(shown, Datum):
        return shown.domain.startswith("N:")
    return isinstance(shown, tuple) and shown[:1] == ("between",)


def _data(tree: object) -> Iterator[Datum]:
    if isinstance(tree, Datum):
        yield tree
    elif isinstance(tree, tuple):
        for part in tree:
            yield from _data(part)


def _mapped(tree: object, names: dict[tuple[str, object], object]) -> Hashable:
    if isinstance(tree, Datum):
        return Datum(tree.domain, names[(tree.domain, tree.value)])
    if isinstance(tree, tuple):
        return tuple(_mapped(part, names) for part in tree)
    assert isinstance(tree, Hashable)
    return tree
