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

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    Arith,
    Compare,
    Const,
    Expr,
    IfElse,
    In,
    Name,
    Negate,
    names_in,
)
from triagebot.flows.schema import MAX_NUMBER, ChoiceQuestion, NumberQuestion

Role = tuple[str, ...]
"""What kind of data a value is: ``("label", member)``, ``("order", member)`` or
``("entry", group)``; an order member's value after affine steps carries them apart."""


@dataclass(frozen=True, slots=True)
class Threshold:
    """Where an order member's value may change a condition: where ``value * scale +
    shift`` equals ``limit`` (``shift`` None for 0), i.e. at ``(limit - shift) / scale``."""

    limit: Expr
    scale: float = 1.0
    shift: Expr | None = None


@dataclass(frozen=True, slots=True)
class _Affine:
    """An order member's value after ``* scale + shift`` (the shift a threshold expression).
    Two are equal when their shifts are written alike, wherever they are written: then
    comparing them compares the member's values."""

    member: str
    scale: float = 1.0
    shift: Expr | None = field(default=None, compare=False)
    shape: object = field(default=None, init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", None if self.shift is None else shape(self.shift))


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

    reader: _Reader | None = field(default=None, repr=False)

    def at_threshold(self, left: Expr, right: Expr) -> str | None:
        """The order member whose value one side is (after affine steps) when the other
        side is one of its thresholds; None otherwise."""
        assert self.reader is not None
        for side, other in ((left, right), (right, left)):
            found = self.reader.role(side, None)
            if (
                isinstance(found, _Affine)
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
        if isinstance(found, _Affine):
            plain = found == _Affine(found.member) and found.member in self.orders
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


class _Reader:
    """Walks the checked expressions, finding how each member's values are used."""

    def __init__(self, flow: CompiledFlow) -> None:
        self.flow = flow
        self.domains = Domains()
        self.concrete: set[str] = set()
        self.entry_concrete: set[str] = set()
        """Groups whose entry numbers meet other values (a number written, arithmetic)."""
        self.entry_ordered: set[str] = set()
        """Groups whose entry numbers are compared by order (with each other only)."""
        self._formulas: dict[str, Role | _Affine | None] = {}
        for group_id, group in flow.groups.items():
            self.domains.entries.add(group_id)
            for member, node in group.nodes.items():
                if isinstance(node, ChoiceQuestion):
                    self.domains.labels[member] = []
                    self.domains.options[member] = tuple(o.id for o in node.options)
                elif isinstance(node, NumberQuestion):
                    self.domains.orders[member] = []

    def role(self, node: Expr, group: str | None) -> Role | _Affine | None:  # noqa: PLR0911, PLR0912 (one return per kind of expression)
        """What data ``node``'s value is (None: not a member's data)."""
        if isinstance(node, Name):
            if node.name == ENTRY_NUMBER and group is not None:
                return ("entry", group)
            if node.name in self.domains.labels:
                return ("label", node.name)
            if node.name in self.domains.orders:
                return _Affine(node.name)
            if node.name in self.flow.computed:
                if node.name not in self._formulas:
                    self._formulas[node.name] = self.role(self.flow.computed[node.name], None)
                return self._formulas[node.name]
            return None
        if isinstance(node, Aggregate) and node.value is not None:
            inner = self.role(node.value, node.group)
            if node.function.startswith("first_"):
                return inner
            if node.function in ("min_of", "max_of") and inner == _Affine(_member(inner)):
                return inner
            return None
        if isinstance(node, IfElse):
            return self._choice_of_labels(node, group)
        if isinstance(node, Negate):
            inner = self.role(node.operand, group)
            if isinstance(inner, _Affine):
                return _Affine(inner.member, -inner.scale, _negated(inner.shift))
            return None
        if isinstance(node, Arith):
            return self._affine(node, group)
        return None

    def _choice_of_labels(self, node: IfElse, group: str | None) -> Role | None:
        """``a if c else b`` where each side is one label member's value or an option id
        (which is then distinguished): that member's label; else None."""
        sides = (node.then, node.otherwise)
        roles = {self.role(side, group) for side in sides if not isinstance(side, Const)}
        role = roles.pop() if len(roles) == 1 else None
        if isinstance(role, tuple) and role[0] == "label":
            return role
        return None

    def _affine(self, node: Arith, group: str | None) -> _Affine | None:
        left, right = self.role(node.left, group), self.role(node.right, group)
        if isinstance(left, _Affine) and right is None and self.is_threshold(node.right):
            return _shifted(left, node.op, node.right, member_first=True)
        if isinstance(right, _Affine) and left is None and self.is_threshold(node.left):
            return _shifted(right, node.op, node.left, member_first=False)
        return None

    def is_threshold(self, node: Expr) -> bool:
        """An expression of answers outside every group (and constants): a fixed number
        once the group is reached (checked again on each path, see ``rounds``)."""
        for name in names_in(node):
            if name == ENTRY_NUMBER or name in self.flow.group_of or name in self.flow.groups:
                return False
            if name in self.flow.computed and (
                self.role(Name(0, name), None) is not None
                or any(g in self.flow.groups for g in _reads(self.flow, name))
            ):
                return False
        return True

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
            elif node.function == "sum_of" or role != _Affine(_member(role)):
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
                isinstance(left, _Affine)
                and isinstance(right, _Affine)
                and left == _Affine(left.member)
                and right == _Affine(left.member)
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

    def _against(self, role: Role | _Affine | None, other: Expr, op: str) -> None:
        """``role``'s value compared (by ``op``) with ``other``, which is no member's data."""
        if role is None:
            return
        if isinstance(role, _Affine):
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

    def _concrete(self, role: Role | _Affine | None) -> None:
        if isinstance(role, _Affine):
            self.concrete.add(role.member)
        elif role is not None and role[0] == "entry":
            self.entry_concrete.add(role[1])
        elif role is not None:
            self.concrete.add(role[1])

    def guard(self, part: Expr) -> None:
        """A part that may overflow: an order member under it is cut at plus and minus
        ``MAX_NUMBER`` too."""
        role = self.role(part, None)
        if isinstance(role, _Affine):
            for limit in (MAX_NUMBER, -MAX_NUMBER):
                self._against(role, Const(part.offset, limit), "<=")


def crossing(threshold: Threshold) -> Expr:
    """Where an order member's value meets ``threshold``, as an expression of the answers
    it reads (``(limit - shift) / scale``)."""
    found = threshold.limit
    if threshold.shift is not None:
        found = Arith(found.offset, "-", found, threshold.shift)
    if threshold.scale != 1:
        found = Arith(found.offset, "/", found, Const(0, threshold.scale))
    return found


def shape(node: Expr) -> object:
    """How an expression is written, wherever it is (its columns left out)."""
    written = []
    for part in dataclasses.fields(node):
        value = getattr(node, part.name)
        inner = value if isinstance(value, tuple) else (value,)
        if part.name != "offset" and not any(isinstance(item, Expr) for item in inner):
            written.append(repr(value))  # the parts that are expressions: children below
    return (type(node).__name__, *written, *map(shape, node.children()))


def _member(role: Role | _Affine | None) -> str:
    return role.member if isinstance(role, _Affine) else ""


def _negated(shift: Expr | None) -> Expr | None:
    return None if shift is None else Negate(shift.offset, shift)


def _shifted(inner: _Affine, op: str, other: Expr, member_first: bool) -> _Affine | None:
    """``inner op other`` (or ``other op inner``) as an affine step, if it is one."""
    shift = inner.shift
    if op in ("+", "-") and (op == "+" or member_first):
        sign = 1 if op == "+" else -1
        step = other if sign == 1 else Negate(other.offset, other)
        total = step if shift is None else Arith(other.offset, "+", shift, step)
        return _Affine(inner.member, inner.scale, total)
    if op == "-":  # other - inner
        total = other if shift is None else Arith(other.offset, "-", other, shift)
        return _Affine(inner.member, -inner.scale, total)
    if not isinstance(other, Const) or not isinstance(other.value, int | float) or not other.value:
        return None
    if op == "*":
        factor = float(other.value)
    elif op == "/" and member_first:
        factor = 1 / float(other.value)
    else:
        return None
    scaled = None if shift is None else Arith(other.offset, "*", shift, Const(0, factor))
    return _Affine(inner.member, inner.scale * factor, scaled)


def _reads(flow: CompiledFlow, name: str) -> set[str]:
    """Every name a computed value reads, through other computed values."""
    found: set[str] = set()
    todo = [name]
    while todo:
        for read in names_in(flow.computed[todo.pop()]):
            if read not in found:
                found.add(read)
                if read in flow.computed:
                    todo.append(read)
    return found


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
