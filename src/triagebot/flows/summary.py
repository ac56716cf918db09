"""The summary of a group's entries so far: what decides every aggregate over the group,
whatever entries follow, with interchangeable data renamed.

See :mod:`triagebot.flows.rounds` for why equal summaries may be merged. Here:

- An aggregate whose per-entry arguments read only the entry and fixed values is summed
  up by ``Aggregate.so_far``.
- One whose arguments read a *whole value* (a computed value that is itself an aggregate
  over the group, e.g. ``best_branch``) is summed up as a decision tree: its ``so_far``
  for each value the whole value may still end with (``_candidates``), branches with the
  same outcome joined (``simplified``).
- Options, numbers and entry numbers in the result are then renamed by their place
  (``_renamed``): first appearance for options and entry numbers, rank between the
  thresholds for numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.expr import Aggregate, EntryPart, Env, EvaluationError, Unavailable, Value
from triagebot.flows.places import rank
from triagebot.flows.summary_endings import ends, later_values
from triagebot.flows.summary_trees import (
    NONE,
    OTHER,
    Candidate,
    Datum,
    Unfit,
    as_datum,
    as_float,
    data_in,
    mapped,
    simplified,
)
from triagebot.flows.symmetry import Domains


@dataclass(slots=True)
class GroupModel:
    """What a summary needs to know of one group, found once per flow."""

    group: str
    aggregates: list[Aggregate] = field(default_factory=list)
    """Every aggregate over the group in the checked expressions, in a fixed order."""
    wholes: dict[str, Aggregate] = field(default_factory=dict)
    """A whole value the per-entry arguments read -> its aggregate."""
    coupled: dict[str, str] = field(default_factory=dict)
    """A whole value -> its *selector* (``"<select N>"``), shared by the whole values that
    pick the same entry (same direction, key and condition; values given whenever the key
    is): they end with one entry's values, the current one's or a later one's."""
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


class _Branch(Exception):
    """A per-entry argument reads a whole value not assumed yet."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _to_assume(name: str, assumed: Mapping[str, object], coupled: Mapping[str, str]) -> str:
    """What to branch on when ``name`` is read unassumed: its selector first, if coupled."""
    selector = coupled.get(name)
    return selector if selector is not None and selector not in assumed else name


@dataclass(slots=True)
class _Read:
    """What an entry's part was found to depend on: the whole value read next (``name``)
    and, for each value it was assumed to take, what follows; or the part itself."""

    name: str | None = None
    then: dict[object, _Read] = field(default_factory=dict)
    part: EntryPart | None = None


class _Assumed:
    """The session's values, with whole values assumed (see ``Summary._tree``)."""

    def __init__(
        self,
        base: Env,
        wholes: Mapping[str, object],
        assumed: dict[str, object],
        coupled: Mapping[str, str],
    ) -> None:
        self.base = base
        self.wholes = wholes
        self.assumed = assumed
        self.coupled = coupled
        self.read: dict[str, object] = {}
        """The assumed values read so far (what a result computed here depends on)."""

    def lookup(self, name: str) -> Value:
        if name not in self.wholes:
            return self.base.lookup(name)
        if name not in self.assumed:
            raise _Branch(_to_assume(name, self.assumed, self.coupled))
        value = self.assumed[name]
        self.read[name] = value
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
    parts: dict[Hashable, _Read] = field(default_factory=dict)
    """Entry parts already evaluated (see ``_so_far``): shared by the summaries made with
    the same answers outside the group."""
    _assumable: dict[str, object] = field(default_factory=dict)
    _entry_keys: list[tuple[tuple[str, Value], ...]] = field(default_factory=list)
    _assumed_for: dict[tuple[str, bool], list[tuple[Hashable, dict[str, object]]]] = field(
        default_factory=dict
    )
    """The names a summary branches on: whole values, and ``outcome`` where read."""

    def __post_init__(self) -> None:
        self.entries = self.env.entries(self.model.group)
        self._entry_keys = [tuple(sorted(entry.items())) for entry in self.entries]
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
        for datum in data_in(raw):
            values = kept.setdefault(datum.domain, [])
            if datum.value not in values:
                values.append(datum.value)
        return Context(self._renamed(raw, kept), kept, self.cuts)

    def _tree(self, aggregate: Aggregate, assumed: dict[str, object]) -> Hashable:
        try:
            return ("=", self._wrap(aggregate, self._so_far(aggregate, assumed)))
        except _Branch as branch:
            name = branch.name
            children = [
                (shown, self._tree(aggregate, {**assumed, **values}))
                for shown, values in self._assumptions(name, assumed)
            ]
            return simplified(name, children, self._other_of)
        except EvaluationError as error:
            return ("raises", id(error.node), error.message)

    def _so_far(self, aggregate: Aggregate, assumed: dict[str, object]) -> object:
        """``aggregate.so_far`` under ``assumed``, from each entry's part (``_part``)."""
        return aggregate.so_far_of(
            [
                self._part(aggregate, number, entry, assumed)
                for number, entry in enumerate(self.entries, start=1)
            ]
        )

    def _part(
        self,
        aggregate: Aggregate,
        number: int,
        entry: Mapping[str, Value],
        assumed: dict[str, object],
    ) -> EntryPart:
        """One entry's part under ``assumed``, remembered with the assumed values it read
        on the way (a trie in ``parts``): a branch on a whole value re-evaluates only the
        entries that read it, and a later round's summary only the entry it adds."""
        key = (id(aggregate), number, self._entry_keys[number - 1])
        node = self.parts.setdefault(key, _Read())
        while node.part is None and node.name is not None:
            if node.name not in assumed:
                raise _Branch(_to_assume(node.name, assumed, self.model.coupled))
            following = node.then.get(assumed[node.name])
            if following is None:
                break
            node = following
        if node.part is not None:
            return node.part
        env = _Assumed(self.env, self._assumable, assumed, self.model.coupled)
        try:
            part = aggregate.entry_part(env, entry, number)
        except _Branch as branch:
            self._remember(key, env.read, None, branch.name)
            raise
        self._remember(key, env.read, part, None)
        return part

    def _remember(
        self, key: Hashable, read: dict[str, object], part: EntryPart | None, waits: str | None
    ) -> None:
        node = self.parts[key]
        for name, value in read.items():
            node.name = name
            node = node.then.setdefault(value, _Read())
        node.part, node.name = part, waits if part is None else None

    def _other_of(self, shown: Hashable) -> Hashable:
        """For an option shown in a branch: how the other options of its class are shown."""
        if isinstance(shown, Datum) and shown.domain.startswith("L:"):
            member = shown.domain[2:]
            return (OTHER, self.domains.label_class(member, str(shown.value)))
        return None

    def role(self, aggregate: Aggregate, part: str) -> str | None:
        found = getattr(aggregate, part)
        return None if found is None else self.domains.role(found, aggregate.group)

    def _wrap(self, aggregate: Aggregate, found: object) -> Hashable:
        """A ``so_far`` with its interchangeable data marked."""
        if found is None or aggregate.function in ("count_of", "any_of", "all_of", "sum_of"):
            assert isinstance(found, Hashable)
            return found
        if aggregate.function in ("min_of", "max_of"):
            return as_datum(self.role(aggregate, "value"), found)
        assert isinstance(found, tuple)
        value, key = found
        return (
            as_datum(self.role(aggregate, "value"), value),
            as_datum(self.role(aggregate, "key"), key),
        )

    def _assumptions(
        self, name: str, assumed: Mapping[str, object]
    ) -> list[tuple[Hashable, dict[str, object]]]:
        """The values to assume for ``name`` (a whole value, a selector, ``outcome``), each
        with how the summary shows it."""
        later = assumed.get(self.model.coupled.get(name, "")) == "later"
        if (name, later) not in self._assumed_for:
            if name in self.model.coupled.values():
                found = self._selections(name)
            else:
                values = (
                    later_values(self, self.model.wholes[name], self._now(name))
                    if later
                    else self._candidates(name)
                )
                found = [(shown, {name: value}) for shown, value in values]
            self._assumed_for[(name, later)] = found
        return self._assumed_for[(name, later)]

    def _now(self, name: str) -> object:
        return self._so_far(self.model.wholes[name], {})

    def _selections(self, selector: str) -> list[tuple[Hashable, dict[str, object]]]:
        """A selector's entry: the one selected so far (or none) with every value its whole
        values take from it, or one a later round brings (each then assumed apart)."""
        wholes = [name for name, chosen in self.model.coupled.items() if chosen == selector]
        nows = {name: self._now(name) for name in wholes}
        found: list[tuple[Hashable, dict[str, object]]] = []
        if any(now is None for now in nows.values()):
            found.append(("none", {selector: "none", **dict.fromkeys(wholes, NONE)}))
        else:
            values = {n: now[0] if isinstance(now, tuple) else now for n, now in nows.items()}
            found.append(("current", {selector: "current", **values}))
        return found + ([("later", {selector: "later"})] if self.left else [])

    def _candidates(self, name: str) -> list[Candidate]:
        """Every value the whole value ``name`` may still end with (a superset), one for
        each class of interchangeable values; numbers in order (``simplified`` joins
        runs of them)."""
        if name == OUTCOME_VARIABLE:
            return [(outcome, outcome) for outcome in self.model.outcomes]
        if name not in self._found:
            whole = self.model.wholes[name]
            found: list[Candidate] = []
            for now in self._nows(whole, {}):
                for shown, value in ends(self, whole, now):
                    if all(value != other for _, other in found):
                        found.append((shown, value))
            role = self.role(whole, "value")
            if role is not None and role.startswith("N:"):
                found.sort(key=lambda item: -math.inf if item[1] == NONE else as_float(item[1]))
            self._found[name] = found
        return self._found[name]

    def _nows(self, whole: Aggregate, assumed: dict[str, object]) -> list[object]:
        """``whole``'s ``so_far``; where its own arguments read another whole value, one
        for each value that one may end with."""
        try:
            return [self._so_far(whole, assumed)]
        except _Branch as branch:
            return [
                now
                for _, values in self._assumptions(branch.name, assumed)
                for now in self._nows(whole, {**assumed, **values})
            ]
        except EvaluationError:
            raise Unfit from None

    def _renamed(self, raw: Hashable, kept: dict[str, list[object]]) -> Hashable:
        """``raw`` with interchangeable data renamed by place (module docstring)."""
        names: dict[tuple[str, object], object] = {}
        for domain, values in kept.items():
            kind, member = domain.split(":", 1)
            if kind == "N":
                numbers = [as_float(value) for value in values]
                for value in values:
                    names[(domain, value)] = rank(as_float(value), self.cuts[member], numbers)
                continue
            if kind == "L":  # by class, then first appearance within it
                classes = [self.domains.label_class(member, str(v)) for v in values]
                for value, index in zip(values, classes, strict=True):
                    same = [v for v, i in zip(values, classes, strict=True) if i == index]
                    names[(domain, value)] = (index, same.index(value))
                continue
            plain = [v for v in values if v != "later"]
            if kind == "O":  # compared by order: by rank (all below a later entry's)
                plain = sorted(plain)  # type: ignore[type-var]
            for value in values:
                names[(domain, value)] = value if value == "later" else plain.index(value)
        return mapped(raw, names)
