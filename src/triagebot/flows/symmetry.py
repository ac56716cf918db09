"""Which answers of a repeated group are interchangeable: what the verifier's
round-by-round reduction (:mod:`triagebot.flows.rounds`) rests on.

A group's entries are read only through aggregates. Three kinds of answers there are
*data*, whose values matter only by how they compare with one another:

- **labels**: a choice member whose options are compared only for equality, with each
  other's (``branch_name == best_branch``, where ``best_branch`` is a ``first_min`` of
  it) or with options written in the flow (``x == 'a'``, ``x in ('a', 'b')``). Renaming
  options that appear in exactly the same written tests (one permutation within each
  such class, applied to every answer at once) changes no condition: they are
  interchangeable labels.
- **orders**: a number member read only by order: compared (``<``, ``==``, ...) with
  another value of it or with a *threshold* (a number written in the flow, or an
  expression of answers outside the group, possibly after adding a threshold to the
  member or multiplying it by a constant), or taken as the key or value of ``min_of``,
  ``max_of``, ``first_min``, ``first_max``. A strictly increasing map of the numbers that
  keeps every threshold and both range ends in place changes no condition.
- **entry numbers**: ``entry_number`` compared only for equality with another entry
  number. Renaming the entries already answered (not reordering them) changes no
  condition. Compared by order too, but only with each other, every number a later entry
  may have still compares alike with all those given so far (``later_alike``).

A member used any other way (arithmetic between two members, ``sum_of``, a comparison with
another question's answer, ...) is *concrete*: its values are kept as they are, which is
always sound, and it is explored as before (sampled where it was).

Only the expressions the verifier checks are read (:func:`checked_expressions`): routing,
invariants, the computed values they read and, when some expression may fail on a path,
outcome lines and every computed value (then evaluated on every path).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import (
    Aggregate,
    Arith,
    Compare,
    Const,
    Expr,
    IfElse,
    In,
    Negate,
    names_in,
)
from triagebot.flows.schema import MAX_NUMBER, ChoiceQuestion, NumberQuestion
from triagebot.flows.symmetry_roles import Role, Roles, ScaledMember, Threshold, member_of


@dataclass(slots=True)
class Domains:
    """The interchangeable answers of a flow's groups (see the module docstring)."""

    labels: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    """Label member -> the sets of options the flow writes in a test (``x == 'a'``,
    ``x in ('a', 'b')``): options in exactly the same sets are interchangeable
    (:meth:`label_classes`)."""
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Label member -> its options, in the order written."""
    orders: dict[str, list[Threshold]] = field(default_factory=dict)
    """Order member -> its thresholds."""
    entries: set[str] = field(default_factory=set)
    """Groups whose entry numbers are interchangeable."""
    later_alike: set[str] = field(default_factory=set)
    """Groups whose entry numbers are compared only with each other (by any operator):
    every number a later entry may have compares alike with those given so far."""
    _classes: dict[str, list[tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def label_classes(self, member: str) -> list[tuple[str, ...]]:
        """A label member's options in classes of interchangeable ones (each in the same
        written tests), in the order written."""
        if member not in self._classes:
            tests = self.labels[member]
            found: dict[frozenset[int], list[str]] = {}
            for option in self.options[member]:
                written = frozenset(i for i, test in enumerate(tests) if option in test)
                found.setdefault(written, []).append(option)
            self._classes[member] = [tuple(options) for options in found.values()]
        return self._classes[member]

    def label_class(self, member: str, option: str) -> int:
        """Which of :meth:`label_classes` an option is in."""
        return next(i for i, found in enumerate(self.label_classes(member)) if option in found)

    reader: Roles | None = field(default=None, repr=False)

    def at_threshold(self, left: Expr, right: Expr) -> str | None:
        """The order member whose value one side is (after affine steps) when the other
        side is one of its thresholds; None otherwise."""
        assert self.reader is not None
        for side, other in ((left, right), (right, left)):
            found = self.reader.role(side, None)
            if (
                isinstance(found, ScaledMember)
                and found.member in self.orders
                and self.reader.role(other, None) is None
                and self.reader.is_threshold(other)
            ):
                return found.member
        return None

    def role(self, node: Expr, group: str | None) -> str | None:
        """The domain ``node``'s value is data of, as kept by the reduction: ``"L"`` (a
        label member's option), ``"N"`` (an order member's own value), ``"E"`` (an entry
        number compared for equality) or ``"O"`` (an entry number compared by order, only
        with others), with the member or group: ``"L:branch_name"``; None otherwise."""
        assert self.reader is not None
        found = self.reader.role(node, group)
        if isinstance(found, ScaledMember):
            plain = found == ScaledMember(found.member) and found.member in self.orders
            return f"N:{found.member}" if plain else None
        if found is not None and found[0] == "label" and found[1] in self.labels:
            return f"L:{found[1]}"
        if found is not None and found[0] == "entry" and found[1] in self.entries:
            return f"E:{found[1]}"
        if found is not None and found[0] == "entry" and found[1] in self.later_alike:
            return f"O:{found[1]}"
        return None


def checked_expressions(flow: CompiledFlow, may_fail: bool) -> Iterator[Expr]:
    """The expressions whose values the verifier checks: routing conditions, invariants
    and the computed values they read; with ``may_fail`` also outcome lines' conditions
    and every computed value (each is then evaluated on every path)."""
    roots = [rule.condition for rules in flow.routes.values() for rule in rules]
    roots += list(flow.invariants.values())
    if may_fail:
        roots += [item.condition for item in flow.items.values()]
        roots += list(flow.computed.values())
    seen: set[str] = set()
    todo = [root for root in roots if root is not None]
    while todo:
        expression = todo.pop()
        yield expression
        for name in names_in(expression):
            if name in flow.computed and name not in seen:
                seen.add(name)
                todo.append(flow.computed[name])


class _Reader(Roles):
    """Walks the checked expressions, finding how each member's values are used."""

    def __init__(self, flow: CompiledFlow) -> None:
        self.domains = Domains()
        super().__init__(flow, self.domains.labels, self.domains.orders)
        self.concrete: set[str] = set()
        self.entry_concrete: set[str] = set()
        """Groups whose entry numbers meet other values (a number written, arithmetic)."""
        self.entry_ordered: set[str] = set()
        """Groups whose entry numbers are compared by order (with each other only)."""
        for group_id, group in flow.groups.items():
            self.domains.entries.add(group_id)
            for member, node in group.nodes.items():
                if isinstance(node, ChoiceQuestion):
                    self.domains.labels[member] = []
                    self.domains.options[member] = tuple(o.id for o in node.options)
                elif isinstance(node, NumberQuestion):
                    self.domains.orders[member] = []

    # --- uses -----------------------------------------------------------------------

    def visit(self, node: Expr, group: str | None) -> None:
        """Check how ``node`` and everything under it use members' data (a computed
        value's whole formula passes its value on: its uses are checked where it is read)."""
        if isinstance(node, Aggregate):
            for part in (node.value, node.key, node.where):
                if part is not None:
                    self.visit(part, node.group)
            self._aggregate_uses(node)
        else:
            for child in node.children():
                self.visit(child, group)
            self._uses(node, group)

    def _aggregate_uses(self, node: Aggregate) -> None:
        """The key of first_min/first_max and the value of min_of/max_of are compared
        across entries: by order only when they are an order member's own value."""
        compared = [node.key] if node.function.startswith("first_") else []
        if node.function in ("min_of", "max_of", "sum_of"):
            compared.append(node.value)
        for part in compared:
            role = None if part is None else self.role(part, node.group)
            if role is None:
                continue
            if role == ("entry", node.group) and node.function != "sum_of":
                self.entry_ordered.add(node.group)  # the first or last entry that...
            elif node.function == "sum_of" or role != ScaledMember(member_of(role)):
                self._concrete(role)

    def _uses(self, node: Expr, group: str | None) -> None:  # noqa: PLR0912 (one branch per kind of expression)
        if isinstance(node, Compare):
            self._compare(node, group)
        elif isinstance(node, In):
            needle = self.role(node.needle, group)
            if isinstance(node.haystack, tuple) and isinstance(needle, tuple):
                if needle[0] == "label":
                    self.domains.labels[needle[1]].append(frozenset(map(str, node.haystack)))
                else:
                    self._concrete(needle)
            elif isinstance(node.haystack, tuple):
                for item in node.haystack:
                    self._against(needle, Const(node.offset, item), "==")
            else:
                self._concrete(needle)
                self._concrete(self.role(node.haystack, group))
        elif isinstance(node, IfElse):
            role = self.role(node, group)
            for side in (node.then, node.otherwise):
                if role is None:
                    self._concrete(self.role(side, group))
                elif isinstance(side, Const):
                    self._against(role, side, "==")
        elif isinstance(node, Arith | Negate):
            if self.role(node, group) is None:
                for child in node.children():
                    self._concrete(self.role(child, group))
        elif not isinstance(node, Aggregate):
            for child in node.children():
                self._concrete(self.role(child, group))

    def _compare(self, node: Compare, group: str | None) -> None:
        left, right = self.role(node.left, group), self.role(node.right, group)
        if left is None and right is None:
            return
        if left is not None and right is not None:
            same = left == right or (
                isinstance(left, ScaledMember)
                and isinstance(right, ScaledMember)
                and left == ScaledMember(left.member)
                and right == ScaledMember(left.member)
            )
            entry = isinstance(left, tuple) and left[0] == "entry"
            if same and entry and node.op not in ("==", "!="):
                self.entry_ordered.add(left[1])  # type: ignore[index]
            elif not same:
                self._concrete(left)
                self._concrete(right)
            elif isinstance(left, tuple) and left[0] == "label" and node.op not in ("==", "!="):
                self._concrete(left)
            return
        role, other = (left, node.right) if left is not None else (right, node.left)
        self._against(role, other, node.op)

    def _against(self, role: Role | ScaledMember | None, other: Expr, op: str) -> None:
        """``role``'s value compared (by ``op``) with ``other``, which is no member's data."""
        if role is None:
            return
        if isinstance(role, ScaledMember):
            if self.is_threshold(other):
                self.domains.orders.get(role.member, []).append(
                    Threshold(other, role.scale, role.shift)
                )
            else:
                self._concrete(role)
        elif role[0] == "label" and isinstance(other, Const) and op in ("==", "!="):
            self.domains.labels[role[1]].append(frozenset({str(other.value)}))
        elif role[0] == "entry":
            self.entry_concrete.add(role[1])
        else:
            self._concrete(role)

    def _concrete(self, role: Role | ScaledMember | None) -> None:
        if isinstance(role, ScaledMember):
            self.concrete.add(role.member)
        elif role is not None and role[0] == "entry":
            self.entry_concrete.add(role[1])
        elif role is not None:
            self.concrete.add(role[1])

    def guard(self, part: Expr) -> None:
        """A part that may overflow: an order member under it is cut at plus and minus
        ``MAX_NUMBER`` too."""
        role = self.role(part, None)
        if isinstance(role, ScaledMember):
            for limit in (MAX_NUMBER, -MAX_NUMBER):
                self._against(role, Const(part.offset, limit), "<=")


def domains(flow: CompiledFlow, may_fail: bool, failing: list[Expr]) -> Domains:
    """The interchangeable answers of ``flow``'s groups, from the checked expressions."""
    reader = _Reader(flow)
    for expression in checked_expressions(flow, may_fail):
        reader.visit(expression, None)
    for part in failing:
        reader.guard(part)
    result = reader.domains
    result.reader = reader
    for member in reader.concrete:
        result.labels.pop(member, None)
        result.orders.pop(member, None)
    result.later_alike = result.entries - reader.entry_concrete
    result.entries -= reader.entry_concrete | reader.entry_ordered
    return result
