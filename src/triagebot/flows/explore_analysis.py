"""What a flow's expressions read, computed once per flow (:func:`analyse`): the facts the
answer classes of :mod:`triagebot.flows.explore_classes` rest on.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.bounds import failing
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.expr import (
    Aggregate,
    Arith,
    Call,
    Compare,
    Const,
    Count,
    Env,
    Expr,
    IfElse,
    In,
    Kind,
    Name,
    Negate,
    Value,
    names_in,
)
from triagebot.flows.schema import MAX_NUMBER, NumberQuestion
from triagebot.flows.symmetry import Domains, domains
from triagebot.flows.symmetry_roles import crossing

_COMPARED_ACROSS = ("min_of", "max_of", "sum_of", "first_min", "first_max")


# --- what the flow's expressions read ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberAtom:
    """Two number expressions whose order (``<``, ``==``, ``>``) some condition reads."""

    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Guard(Expr):
    """A test the verifier adds for a part of an expression that may fail: true where
    evaluating it succeeds (what stops it otherwise is the test's outcome, see
    ``explore_points.outcome_of``), so the numbers it reads are cut where it starts to fail."""

    inner: Expr

    def evaluate(self, env: Env) -> Value:
        self.inner.evaluate(env)
        return True

    def children(self) -> tuple[Expr, ...]:
        return (self.inner,)


@dataclass(slots=True)
class Analysis:
    """Per-flow facts the answer classes rest on, computed once."""

    flow: CompiledFlow
    depends: dict[str, frozenset[str]] = field(default_factory=dict)
    """Computed value -> the answers it reads, through other computed values."""
    text_tests: dict[str, list[Expr]] = field(default_factory=dict)
    """Text answer -> the simple tests that read it (``x == 'a'``, ``x in (...)``)."""
    opaque: set[str] = field(default_factory=set)
    """Answers read some other way: every value is its own class."""
    set_mentioned: dict[str, set[str]] = field(default_factory=dict)
    set_counted: set[str] = field(default_factory=set)
    number_atoms: dict[str, list[NumberAtom]] = field(default_factory=dict)
    number_inputs: dict[str, frozenset[str]] = field(default_factory=dict)
    """Number answer -> the other answers its comparisons read (the cache key)."""
    number_tests: dict[str, list[Expr]] = field(default_factory=dict)
    """Number answer -> every comparison (``<``, ``==``, ``in``...) whose value reads it."""
    cross: dict[str, set[str]] = field(default_factory=dict)
    """Number member -> the aggregates that compare it across entries (value or key)."""
    carried: list[tuple[str, str]] = field(default_factory=list)
    """(text member, computed value) where ``first_min``/``first_max`` passes the member's
    answer into the computed value: opaque only if some condition reads that value."""
    whole: dict[int, str] = field(default_factory=dict)
    """id() of an aggregate that is a computed value's whole formula -> that value."""
    may_fail: bool = False
    """Some part of an expression may fail on some path (``bounds.failing``): every path's
    outcome and computed values are then evaluated, as a session shows them."""
    failing_parts: list[Expr] = field(default_factory=list)
    domains: Domains = field(default_factory=Domains)
    """The groups' interchangeable answers (``symmetry``)."""
    accounted: set[int] = field(default_factory=set)
    """id() of the atoms between an order member and one of its thresholds: a number the
    threshold reads is cut where it meets the member's other thresholds and range ends
    instead (the rounds try every order of the member around them, see ``rounds``)."""

    def expressions(self) -> Iterator[Expr]:
        for rules in self.flow.routes.values():
            for rule in rules:
                if rule.condition is not None:
                    yield rule.condition
        yield from self.flow.computed.values()
        yield from self.flow.invariants.values()

    _deps: dict[int, tuple[Expr, frozenset[str]]] = field(default_factory=dict, repr=False)
    """id() of an expression -> it (kept, so that its id is never reused) and its answers."""

    def deps(self, expression: Expr) -> frozenset[str]:
        """The answers ``expression`` reads, through computed values (asked for the same
        parts of the flow's expressions again and again: found once each)."""
        known = self._deps.get(id(expression))
        if known is not None:
            return known[1]
        found: set[str] = set()
        for name in names_in(expression):
            found |= self.depends.get(name, frozenset({name}))
        result = frozenset(found)
        self._deps[id(expression)] = (expression, result)
        return result


def analyse(flow: CompiledFlow) -> Analysis:
    """Read the flow's expressions once: which tests read which answers."""
    analysis = Analysis(flow)
    for name in flow.computed:  # formulas are stored in dependency order
        analysis.depends[name] = analysis.deps(flow.computed[name])
        if isinstance(flow.computed[name], Aggregate):
            analysis.whole[id(flow.computed[name])] = name
    for group in flow.groups.values():
        # The engine reads 'another' to start a round: yes and no are never one class.
        another = Name(0, group.another)
        analysis.text_tests.setdefault(group.another, []).append(
            Compare(0, "==", another, Const(0, "yes"))
        )
    for expression in analysis.expressions():
        _scan(analysis, expression)
    _guard_failing_parts(analysis)
    analysis.domains = domains(flow, analysis.may_fail, analysis.failing_parts)
    _threshold_pairs(analysis)
    read = {n.name for e in analysis.expressions() for n in e.walk() if isinstance(n, Name)}
    for member, carrier in analysis.carried:
        if carrier in read:
            analysis.opaque.add(member)
    for variable, atoms in analysis.number_atoms.items():
        inputs: set[str] = set()
        for atom in atoms:
            inputs |= analysis.deps(atom.left) | analysis.deps(atom.right)
        analysis.number_inputs[variable] = frozenset(inputs - {variable, OUTCOME_VARIABLE})
    return analysis


def _threshold_pairs(analysis: Analysis) -> None:
    """A number asked before a group and read as a threshold of an order member (``best
    < base``): what its value changes is where the threshold lies among the member's other
    thresholds and range ends (the rounds then try the member at every place between
    them). It is cut there, and its classes keep those orders apart."""
    flow = analysis.flow
    found = analysis.domains
    for member, thresholds in found.orders.items():
        question = flow.nodes[member]
        assert isinstance(question, NumberQuestion)
        ends = [Const(0, question.min), Const(0, question.max)]
        places = [crossing(threshold) for threshold in thresholds] + ends
        for first, second in itertools.combinations(places, 2):
            numbers = {
                name
                for name in analysis.deps(first) | analysis.deps(second)
                if name not in flow.computed
                and (var := flow.types.get(name)) is not None
                and var.kind is Kind.NUMBER
            }
            if not numbers:
                continue
            _add_atom(analysis, first, second)
            for name in numbers:
                tests = analysis.number_tests.setdefault(name, [])
                tests += [Compare(0, "<", first, second), Compare(0, "==", first, second)]
    for atoms in analysis.number_atoms.values():
        for atom in atoms:
            if found.at_threshold(atom.left, atom.right) is not None:
                analysis.accounted.add(id(atom))


def _guard_failing_parts(analysis: Analysis) -> None:
    """Each part that may fail is a test of the numbers it reads, cut where it starts to:
    at plus and minus ``MAX_NUMBER`` (a result too large), at 0 (a divisor)."""
    parts = failing(analysis.flow)
    analysis.may_fail = bool(parts)
    analysis.failing_parts = [part for part, _ in parts.values()]
    for part, why in parts.values():
        if why == "zero" and isinstance(part, Arith):
            _add_atom(analysis, part.right, Const(0, 0))
        else:
            _add_atom(analysis, part, Const(0, MAX_NUMBER))
            _add_atom(analysis, part, Const(0, -MAX_NUMBER))
        guard = Guard(part.offset, part)
        for name in analysis.deps(part):
            var = analysis.flow.types.get(name)
            if var is not None and var.kind is Kind.NUMBER and name not in analysis.flow.computed:
                analysis.number_tests.setdefault(name, []).append(guard)


def _is_number(flow: CompiledFlow, expression: Expr) -> bool:
    if isinstance(expression, Const):
        return isinstance(expression.value, int | float)
    if isinstance(expression, Name):
        var = flow.types.get(expression.name)
        return var is not None and var.kind is Kind.NUMBER
    if isinstance(expression, IfElse):
        return _is_number(flow, expression.then)
    if isinstance(expression, Aggregate):
        if expression.function.startswith("first_"):
            return expression.value is not None and _is_number(flow, expression.value)
        return expression.function not in ("any_of", "all_of")
    return isinstance(expression, Arith | Negate | Call | Count)


def _answer_name(flow: CompiledFlow, expression: Expr, kind: Kind) -> str | None:
    """The question id if ``expression`` is a bare answer of that kind."""
    if not isinstance(expression, Name) or expression.name in flow.computed:
        return None
    var = flow.types.get(expression.name)
    return expression.name if var is not None and var.kind is kind else None


def _scan(analysis: Analysis, expression: Expr) -> None:  # noqa: PLR0912 (one branch per kind of expression)
    flow = analysis.flow
    if isinstance(expression, Aggregate):
        _scan_aggregate(analysis, expression)
        return
    consumed: set[int] = set()
    if isinstance(expression, Compare) and expression.op in ("==", "!="):
        for side, other in (
            (expression.left, expression.right),
            (expression.right, expression.left),
        ):
            name = _answer_name(flow, side, Kind.TEXT)
            if name is not None and isinstance(other, Const):
                analysis.text_tests.setdefault(name, []).append(expression)
                consumed.add(id(side))
    if isinstance(expression, In) and isinstance(expression.haystack, tuple):
        name = _answer_name(flow, expression.needle, Kind.TEXT)
        if name is not None:
            analysis.text_tests.setdefault(name, []).append(expression)
            consumed.add(id(expression.needle))
        elif _is_number(flow, expression.needle):
            for item in expression.haystack:
                _add_atom(analysis, expression.needle, Const(0, item))
    if isinstance(expression, In) and not isinstance(expression.haystack, tuple):
        name = _answer_name(flow, expression.haystack, Kind.SET)
        if name is not None and isinstance(expression.needle, Const):
            analysis.set_mentioned.setdefault(name, set()).add(str(expression.needle.value))
            consumed.add(id(expression.haystack))
    if isinstance(expression, Count):
        name = _answer_name(flow, expression.operand, Kind.SET)
        if name is not None:
            analysis.set_counted.add(name)
            consumed.add(id(expression.operand))
    if isinstance(expression, Compare) and _is_number(flow, expression.left):
        _add_atom(analysis, expression.left, expression.right)
        for side, other in (
            (_formula_of(flow, expression.left), expression.right),
            (_formula_of(flow, expression.right), expression.left),
        ):
            if (
                isinstance(side, Aggregate)
                and side.function in _COMPARED_ACROSS
                and side.value is not None
            ):
                # min_of(g, x) < 150 changes where an entry's x crosses 150 (sum_of: alone).
                _add_atom(analysis, side.value, other)
    if isinstance(expression, Compare | In):
        for name in analysis.deps(expression):
            var = flow.types.get(name)
            if var is not None and var.kind is Kind.NUMBER and name not in flow.computed:
                analysis.number_tests.setdefault(name, []).append(expression)
    if isinstance(expression, Call) and expression.function in ("min", "max"):
        for first, second in itertools.combinations(expression.args, 2):
            _add_atom(analysis, first, second)
    if isinstance(expression, Call) and expression.function == "abs":
        _add_atom(analysis, expression.args[0], Const(0, 0))
    if isinstance(expression, Name) and expression.name not in flow.computed:
        var = flow.types.get(expression.name)
        if var is not None and var.kind in (Kind.TEXT, Kind.SET):
            analysis.opaque.add(expression.name)
    for child in expression.children():
        if id(child) not in consumed:
            _scan(analysis, child)


def _formula_of(flow: CompiledFlow, expression: Expr) -> Expr:
    """A computed value's formula in place of its name (through computed values)."""
    while isinstance(expression, Name) and expression.name in flow.computed:
        expression = flow.computed[expression.name]
    return expression


def _scan_aggregate(analysis: Analysis, aggregate: Aggregate) -> None:
    """Per-entry arguments: conditions are scanned as anywhere; a number member read as a
    value or key is compared across entries; a text member passed out as the value of a
    computed value is noted (see ``Analysis.carried``)."""
    flow = analysis.flow
    if aggregate.where is not None:
        _scan(analysis, aggregate.where)
    for part in (aggregate.value, aggregate.key):
        if part is None:
            continue
        if aggregate.function in _COMPARED_ACROSS:
            for node in part.walk():
                if isinstance(node, Name) and node.name in aggregate.numbers:
                    analysis.cross.setdefault(node.name, set()).add(aggregate.function)
        carrier = analysis.whole.get(id(aggregate))
        if (
            part is aggregate.value
            and carrier is not None
            and isinstance(part, Name)
            and part.name in aggregate.members
            and flow.types[part.name].kind in (Kind.TEXT, Kind.SET)
        ):
            analysis.carried.append((part.name, carrier))
            continue
        _scan(analysis, part)


def _add_atom(analysis: Analysis, left: Expr, right: Expr) -> None:
    atom = NumberAtom(left, right)
    for name in analysis.deps(left) | analysis.deps(right):
        var = analysis.flow.types.get(name)
        if var is not None and var.kind is Kind.NUMBER and name not in analysis.flow.computed:
            analysis.number_atoms.setdefault(name, []).append(atom)
