"""What data a value read in a group's expressions is (its *role*, see
:mod:`triagebot.flows.symmetry`): a label member's option, an order member's value after
affine steps (``* scale + shift``), an entry number; and where an order member meets the
thresholds it is compared with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    Arith,
    Const,
    Expr,
    IfElse,
    Name,
    Negate,
    names_in,
)

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
class ScaledMember:
    """An order member's value after ``* scale + shift`` (the shift a threshold expression).
    Two are equal when their shifts are written alike, wherever they are written: then
    comparing them compares the member's values."""

    member: str
    scale: float = 1.0
    shift: Expr | None = field(default=None, compare=False)
    shape: object = field(default=None, init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", None if self.shift is None else shape(self.shift))


class Roles:
    """Finds what data each value is, for the members in ``labels`` and ``orders``: the
    live dicts of a :class:`~triagebot.flows.symmetry.Domains` (a member made concrete and
    dropped from them is no one's data from then on)."""

    def __init__(
        self, flow: CompiledFlow, labels: Mapping[str, object], orders: Mapping[str, object]
    ) -> None:
        self.flow = flow
        self._labels = labels
        self._orders = orders
        self._formulas: dict[str, Role | ScaledMember | None] = {}

    def role(self, node: Expr, group: str | None) -> Role | ScaledMember | None:  # noqa: PLR0911, PLR0912 (one return per kind of expression)
        """What data ``node``'s value is (None: not a member's data)."""
        if isinstance(node, Name):
            if node.name == ENTRY_NUMBER and group is not None:
                return ("entry", group)
            if node.name in self._labels:
                return ("label", node.name)
            if node.name in self._orders:
                return ScaledMember(node.name)
            if node.name in self.flow.computed:
                if node.name not in self._formulas:
                    self._formulas[node.name] = self.role(self.flow.computed[node.name], None)
                return self._formulas[node.name]
            return None
        if isinstance(node, Aggregate) and node.value is not None:
            inner = self.role(node.value, node.group)
            if node.function.startswith("first_"):
                return inner
            if node.function in ("min_of", "max_of") and inner == ScaledMember(member_of(inner)):
                return inner
            return None
        if isinstance(node, IfElse):
            return self._choice_of_labels(node, group)
        if isinstance(node, Negate):
            inner = self.role(node.operand, group)
            if isinstance(inner, ScaledMember):
                return ScaledMember(inner.member, -inner.scale, _negated(inner.shift))
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

    def _affine(self, node: Arith, group: str | None) -> ScaledMember | None:
        left, right = self.role(node.left, group), self.role(node.right, group)
        if isinstance(left, ScaledMember) and right is None and self.is_threshold(node.right):
            return _shifted(left, node.op, node.right, member_first=True)
        if isinstance(right, ScaledMember) and left is None and self.is_threshold(node.left):
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


def member_of(role: Role | ScaledMember | None) -> str:
    return role.member if isinstance(role, ScaledMember) else ""


def _negated(shift: Expr | None) -> Expr | None:
    return None if shift is None else Negate(shift.offset, shift)


def _shifted(inner: ScaledMember, op: str, other: Expr, member_first: bool) -> ScaledMember | None:
    """``inner op other`` (or ``other op inner``) as an affine step, if it is one."""
    shift = inner.shift
    if op in ("+", "-") and (op == "+" or member_first):
        sign = 1 if op == "+" else -1
        step = other if sign == 1 else Negate(other.offset, other)
        total = step if shift is None else Arith(other.offset, "+", shift, step)
        return ScaledMember(inner.member, inner.scale, total)
    if op == "-":  # other - inner
        total = other if shift is None else Arith(other.offset, "-", other, shift)
        return ScaledMember(inner.member, -inner.scale, total)
    if not isinstance(other, Const) or not isinstance(other.value, int | float) or not other.value:
        return None
    if op == "*":
        factor = float(other.value)
    elif op == "/" and member_first:
        factor = 1 / float(other.value)
    else:
        return None
    scaled = None if shift is None else Arith(other.offset, "*", shift, Const(0, factor))
    return ScaledMember(inner.member, inner.scale * factor, scaled)


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
