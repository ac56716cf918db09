"""Exhaustive exploration of a flow's answer space, path by path, through the real Session.

At each question only that question's *answer classes* are tried, so the exploration is a
tree of paths and its cost grows with the number of distinct paths, not with the product
of all answer ranges. Answer classes:

- yes/no/unsure and single choices: values that every condition of the flow (routing,
  computed values, invariants) treats alike are one class, tried once with its first value
  (e.g. ``yes`` and ``unsure`` when every condition reads ``x in ('yes', 'unsure')``).
  A value read any other way (``x == y``, a text formula) keeps every value apart.
- multi-choice: every subset of the options some condition names, each with 0..k of the
  options no condition names when ``len(x)`` is read (only their number can matter), else
  none of them. This is exact for ``'o' in x`` and ``len(x)``.
- numbers: the range is cut at every point where a comparison that reads the number can
  change truth value, given the answers already on the path. Each comparison is solved for
  the number piece by piece (``if``/``min``/``max`` pieces are found by refinement), which is
  exact for formulas linear in the number once earlier answers are fixed. The cut points
  and the open intervals between them are the *pieces* of the range (small whole-number
  ranges, at most ``SMALL_INTEGER_RANGE`` values: each whole number is a piece).
  Neighbouring pieces on which every comparison reading the number gives the same result
  (its *signature*) are one class, tried once at its smallest piece: ``x >= 9`` gives
  ``[.., 9)`` and ``[9, ..]`` tried at the range start and at 9, ``x > 9`` gives ``[.., 9]``
  and ``(9, ..]``; ``x == 9`` keeps 9 alone. Plus ``unknown`` where allowed.
  When a comparison also reads an answer asked *later*, pieces are not merged (the
  signature cannot see it): every piece is tried. A later yes/no or choice is solved for
  at each of its answer classes (exact); a later number (``bags * rate * conc > 1080`` at
  ``bags``) is taken at its range ends and middle, and so is a comparison that is not
  linear (``round``): the question is then reported as sampled, not proven.

Repeated groups are explored round by round up to their ``max``; a visit is a node in a
round, so rounds are not loops. Where a group's answers are data compared only with each
other and with thresholds (options compared for equality, numbers compared by order,
entry numbers compared for equality: :mod:`triagebot.flows.symmetry`), a round's
questions are tried at one value per way they can relate to what the entries so far keep,
and a round whose summary of the entries so far was met before is not walked again
(:mod:`triagebot.flows.rounds`): exact, and linear in the rounds rather than exponential.
Otherwise (a member summed, or compared after arithmetic with another member) a member
an aggregate compares across entries (the value or key of ``min_of``, ``max_of``,
``sum_of``, ``first_min``, ``first_max``) is tried at two values at least, so that
entries tie and come in both orders, and reported as sampled ("bounded"). A text member
that ``first_min``/``first_max`` only passes into a computed value whose value no
condition reads (it is only shown) is tried at one value; otherwise at every value.
``another`` is always tried at yes and no. A number asked before a group and read as a
threshold of its members (``best < baseline``) is cut where it meets their other
thresholds and range ends.

When some part of an expression may fail on a path (a number over 10^15, a division by
zero: :mod:`triagebot.flows.bounds`), the numbers it reads are also cut where it starts to
fail, and every path's outcome lines and computed values are evaluated as shown.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from triagebot.flows.answers import AnswerValue
from triagebot.flows.bounds import failing
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.expr import (
    Aggregate,
    Arith,
    Call,
    Compare,
    Const,
    Count,
    Env,
    EvaluationError,
    Expr,
    IfElse,
    In,
    Kind,
    Name,
    Negate,
    Unavailable,
    Value,
    names_in,
)
from triagebot.flows.limits import DEFAULT_PATH_LIMIT, DEFAULT_SECONDS
from triagebot.flows.places import between
from triagebot.flows.rounds import Rounds
from triagebot.flows.schema import (
    MAX_NUMBER,
    UNKNOWN,
    UNSURE,
    YES_NO_VALUES,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    Question,
    YesNoQuestion,
)
from triagebot.flows.symmetry import Domains, checked_expressions, crossing, domains

SMALL_INTEGER_RANGE = 24
"""Whole-number questions with at most this many values are enumerated outright."""

MAX_REFINEMENT_ROUNDS = 12
"""Rounds of cutting a number's range before the cut points are declared sampled."""


MAX_SUMMARIES = 200_000
"""Round summaries remembered at most (beyond, fewer paths are merged: still exact)."""

Answers = tuple[tuple[str, AnswerValue], ...]
"""An answer path: question ids and answers in the order asked. A repeated group's rounds
follow from it: a round ends where the group's ``another`` is answered yes."""

Entries = Mapping[str, Sequence[Mapping[str, AnswerValue]]]
"""Groups completed on a path (entered and left) -> their entries."""

_COMPARED_ACROSS = ("min_of", "max_of", "sum_of", "first_min", "first_max")

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def fixed_clock() -> datetime:
    return _EPOCH


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
    ``_outcome_of``), so the numbers it reads are cut where it starts to fail."""

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

    def deps(self, expression: Expr) -> frozenset[str]:
        found: set[str] = set()
        for name in names_in(expression):
            found |= self.depends.get(name, frozenset({name}))
        return frozenset(found)


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


# --- answer classes ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Classes:
    """The answers tried at a question, and why the list is not exhaustive (if it is not)."""

    values: tuple[AnswerValue, ...]
    sampled: str | None = None
    merged: tuple[tuple[str, ...], ...] = ()
    """Groups of values tried once for the whole group (for the report)."""
    points: tuple[AnswerValue, ...] = ()
    """Numbers: every cut point and a value inside each interval between them (what
    ``diff`` needs to intersect two versions' classes); empty when it equals ``values``."""

    def boundaries(self) -> tuple[AnswerValue, ...]:
        return self.points or self.values


class ClassFinder:
    """Answer classes of each question, given the answers already on the path."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.flow = analysis.flow
        self._static: dict[str, Classes] = {}
        self._numbers: dict[tuple[object, ...], Classes] = {}

    def classes(
        self, question_id: str, answers: dict[str, AnswerValue], groups: Entries | None = None
    ) -> Classes:
        """The classes of a question after ``answers``; ``groups``: the groups completed on
        the path (a comparison reading an incomplete group waits for it)."""
        question = self.flow.question(question_id)
        if isinstance(question, NumberQuestion):
            groups = groups or {}
            inputs = self.analysis.number_inputs.get(question_id, frozenset())
            key = (
                question_id,
                *(
                    (name, _frozen(groups[name]) if name in groups else answers.get(name))
                    for name in sorted(inputs)
                ),
            )
            if key not in self._numbers:
                cuts = _NumberCuts(self, question_id, question, answers, groups)
                self._numbers[key] = cuts.classes()
            return self._numbers[key]
        if question_id not in self._static:
            self._static[question_id] = self._discrete(question_id, question)
        return self._static[question_id]

    def signature(
        self,
        question_id: str,
        answers: dict[str, AnswerValue],
        value: AnswerValue,
        groups: Entries | None = None,
    ) -> tuple[object, ...]:
        """What every comparison that reads the number gives when it is ``value``, after
        ``answers``: where the cut points are exact, two values with the same signature
        take the same branch of every rule, formula and invariant."""
        env = _PointEnv(self.flow, answers, {question_id: value}, groups)
        tests = self.analysis.number_tests.get(question_id, [])
        return tuple(_outcome_of(test, env) for test in tests)

    def _discrete(self, question_id: str, question: Question) -> Classes:
        if isinstance(question, MultiChoiceQuestion):
            return self._subsets(question_id, question)
        if isinstance(question, YesNoQuestion):
            values: list[str] = [*YES_NO_VALUES, *([UNSURE] if question.allow_unsure else [])]
        else:
            assert isinstance(question, ChoiceQuestion)
            values = [option.id for option in question.options]
        if question_id in self.analysis.opaque:
            return Classes(tuple(values))
        tests = self.analysis.text_tests.get(question_id, [])
        groups: dict[tuple[bool, ...], list[str]] = {}
        for value in values:
            env = _PointEnv(self.flow, {question_id: value}, {})
            signature = tuple(bool(test.evaluate(env)) for test in tests)
            groups.setdefault(signature, []).append(value)
        merged = tuple(tuple(group) for group in groups.values() if len(group) > 1)
        return Classes(tuple(group[0] for group in groups.values()), None, merged)

    def _subsets(self, question_id: str, question: MultiChoiceQuestion) -> Classes:
        ids = [option.id for option in question.options]
        if question_id in self.analysis.opaque:
            mentioned, extra = ids, 0
        else:
            named = self.analysis.set_mentioned.get(question_id, set())
            mentioned = [i for i in ids if i in named]
            extra = len(ids) - len(mentioned) if question_id in self.analysis.set_counted else 0
        others = [i for i in ids if i not in mentioned]
        values: list[tuple[str, ...]] = []
        for size in range(len(mentioned) + 1):
            for subset in itertools.combinations(mentioned, size):
                for count in range(extra + 1):
                    chosen = set(subset) | set(others[:count])
                    values.append(tuple(i for i in ids if i in chosen))
        return Classes(tuple(values))


def _frozen(entries: Sequence[Mapping[str, AnswerValue]]) -> tuple[object, ...]:
    return tuple(tuple(sorted(entry.items())) for entry in entries)


class _PointEnv:
    """Answers on the path plus assumed values: what a comparison reads at a point."""

    def __init__(
        self,
        flow: CompiledFlow,
        answers: dict[str, AnswerValue],
        extra: dict[str, Value],
        groups: Entries | None = None,
    ) -> None:
        self.flow = flow
        self.answers = answers
        self.extra = extra
        self.groups = groups or {}

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        if group not in self.groups:
            raise Unavailable(group, "its entries are not complete here")
        return self.groups[group]

    def lookup(self, name: str) -> Value:
        if name in self.extra or name in self.answers:
            value = self.extra[name] if name in self.extra else self.answers[name]
            if value == UNKNOWN and self.flow.types[name].kind is Kind.NUMBER:
                raise Unavailable(name, "unknown")
            return value
        formula = self.flow.computed.get(name)
        if formula is None:
            raise Unavailable(name)
        return formula.evaluate(self)

    def is_answered(self, name: str) -> bool:
        return name in self.answers or name in self.extra


Affine = tuple[float, float]
"""``a * x + b`` near a point."""


class _NotLinear(Exception):
    """The comparison is not linear in the number near this point."""


class _NumberCuts:
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
        env = _PointEnv(self.flow, self.answers, {**assumed, self.variable: at}, self.groups)
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

    def _later(self, expression: Expr, env: _PointEnv) -> float:
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

    def _affine(self, expression: Expr, env: _PointEnv) -> Affine:  # noqa: PLR0911 (one return per kind of expression)
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

    def _call(self, call: Call, env: _PointEnv) -> Affine:
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


def representatives(low: float, high: float, cuts: set[float], integer: bool) -> list[AnswerValue]:
    """One value per class of ``[low, high]`` cut at ``cuts``: each cut point itself (a
    comparison may hold only there) and one value inside each interval between cuts; an
    interval reaching a range end that is not a cut is represented by that end."""
    if integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    singles = {c for c in cuts if low <= c <= high and (not integer or c.is_integer())}
    splits = sorted({c for c in cuts if low <= c <= high} | {low, high})
    values: set[float] = set(singles)
    for start, end in itertools.pairwise(splits):
        if start == low and low not in cuts:
            values.add(low)
        elif end == high and high not in cuts:
            values.add(high)
        elif integer:
            inside = math.floor(start) + 1
            if inside < end:
                values.add(float(inside))
        else:
            values.add(between(start, end))
    if not values:
        values.add(low)
    return [int(v) if integer else tidy(v) for v in sorted(values)]


def pieces(low: float, high: float, cuts: set[float], integer: bool) -> list[int | float]:
    """One value from each piece of ``[low, high]`` cut at ``cuts``, in order: each cut
    point, and the smallest whole number (else the middle) strictly inside each interval
    between cuts, or the range end where the interval reaches it."""
    if integer:
        low, high = float(math.ceil(low)), float(math.floor(high))
    if low >= high:
        return [int(low) if integer else tidy(low)]
    inside = sorted(c for c in cuts if low < c < high)
    found: list[float] = []
    if low in cuts or low == high:
        found.append(low)
    for start, end in itertools.pairwise([low, *inside, high]):
        if start == low and low not in cuts:
            found.append(low)
        elif integer:
            whole = math.floor(start) + 1
            if whole < end or (end == high and high not in cuts and whole <= end):
                found.append(float(whole))
        else:
            found.append(between(start, end))
        is_answer = not integer or end.is_integer()
        if (end != high or high in cuts) and is_answer:
            found.append(end)
    return [int(v) if integer else tidy(v) for v in found]


def _outcome_of(test: Expr, env: _PointEnv) -> object:
    """A comparison's value at a point; what stops it otherwise (the same for every value
    of a piece when the cut points are exact)."""
    try:
        return test.evaluate(env)
    except Unavailable as missing:
        return ("unavailable", missing.name, missing.reason)
    except (ArithmeticError, EvaluationError) as error:
        return ("error", type(error).__name__)


def tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# --- the walk ----------------------------------------------------------------------------


@dataclass(slots=True)
class Fault:
    """A path on which the flow itself fails (no rule matches, a value is unavailable, a loop)."""

    kind: str
    node: str
    message: str
    answers: Answers
    where: str | None = None
    """``FILE:LINE:COL`` of the expression that failed (a ``raises`` fault)."""


@dataclass(slots=True)
class Exploration:
    """Everything learnt by walking every answer path."""

    paths: int = 0
    truncated: bool = False
    stopped: str | None = None
    """Why the walk stopped before the end (a budget: ``--max-paths``, ``--max-seconds``)."""
    reached: set[str] = field(default_factory=set)
    fired: set[tuple[str, int]] = field(default_factory=set)
    shortest: dict[str, Answers] = field(default_factory=dict)
    violations: dict[str, tuple[Answers, str, str]] = field(default_factory=dict)
    """Invariant name -> (shortest answers, outcome reached, what went wrong)."""
    overlaps: dict[tuple[str, int, int], Answers] = field(default_factory=dict)
    faults: dict[tuple[str, str], Fault] = field(default_factory=dict)
    sampled: dict[str, str] = field(default_factory=dict)
    merged: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    joined: int = 0
    """Paths not walked on: they reached a round summary already met (``rounds``)."""
    outcomes_by_path: list[tuple[Answers, str]] | None = None
    """Every path and its outcome, when asked for (``diff``)."""


Visit = tuple[str, int | None]
"""A node in a round (None outside groups): what a loop is a repeat of."""


@dataclass(slots=True)
class _Frame:
    node: str
    values: tuple[AnswerValue, ...]
    index: int = 0
    added: list[Visit] = field(default_factory=list)


LeafHook = Callable[[Session, str], None]

Progress = Callable[[Exploration, float], None]
"""Told how far a long walk got: what it found so far and the seconds it has run."""

PROGRESS_AFTER = 2.0
"""Seconds before the first progress report (then one every ``PROGRESS_EVERY``)."""
PROGRESS_EVERY = 5.0


@dataclass(frozen=True, slots=True)
class Budget:
    """When a walk stops before its end, and whom it tells how far it got."""

    paths: int = DEFAULT_PATH_LIMIT
    seconds: float = DEFAULT_SECONDS
    progress: Progress | None = None


class _Clock:
    """Reads the time every ``CHECK_EVERY`` steps (each step takes tens of microseconds)."""

    CHECK_EVERY = 256

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.started = time.perf_counter()
        self.report_at = PROGRESS_AFTER
        self.steps = 0

    def tick(self, result: Exploration) -> bool:
        """Whether the time is up; reports progress when due."""
        self.steps += 1
        if self.steps % self.CHECK_EVERY:
            return False
        elapsed = time.perf_counter() - self.started
        if self.budget.progress is not None and elapsed >= self.report_at:
            self.budget.progress(result, elapsed)
            self.report_at = elapsed + PROGRESS_EVERY
        return elapsed > self.budget.seconds


_Route = tuple[int | None, tuple[int, ...]]
"""The rule that fires at a node, and later rules (to other nodes) that hold too."""


class Explorer:
    """Walks every answer class of every question on every path of one flow."""

    def __init__(
        self,
        flow: CompiledFlow,
        limit: int = DEFAULT_PATH_LIMIT,
        keep_paths: bool = False,
        finder: ClassFinder | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.flow = flow
        self.limit = limit
        self.budget = budget or Budget(paths=limit)
        self._clock = _Clock(self.budget)
        self.finder = finder or ClassFinder(analyse(flow))
        self.session = Session(flow, fixed_clock)
        self.result = Exploration(outcomes_by_path=[] if keep_paths else None)
        self.path: list[tuple[str, AnswerValue]] = []
        self.on_path: set[Visit] = set()
        self.rounds: Rounds | None = None
        """Round summaries (``rounds``); not when every path is kept (``diff``)."""
        if flow.groups and not keep_paths:
            analysis = self.finder.analysis
            checked = list(checked_expressions(flow, analysis.may_fail))
            self.rounds = Rounds(flow, analysis.domains, checked)
        self.summaries: dict[Hashable, int] = {}
        """A round summary met -> the shortest path length it was met at."""

    def run(self) -> Exploration:
        session = self.session
        self.on_path.add((session.current, session.round))
        self.result.reached.add(session.current)
        self.result.reached.update(session.passed)
        added: list[Visit] = []
        if not self._settle(added):
            return self.result
        if session.finished:
            self._leaf()
            return self.result
        frames = [self._frame()]
        while frames:
            frame = frames[-1]
            if frame.index >= len(frame.values):
                frames.pop()
                if frames:
                    self._undo(frames[-1])
                continue
            if self.result.paths >= self.budget.paths:
                self._stop(f"after {self.result.paths} paths (--max-paths {self.budget.paths})")
                break
            if self._clock.tick(self.result):
                seconds = self.budget.seconds
                self._stop(f"after {self.result.paths} paths in {seconds:g} s (--max-seconds)")
                break
            value = frame.values[frame.index]
            frame.index += 1
            moved, ok = self._transition(frame, value)
            if not moved:
                continue
            if not ok:
                self._undo(frame)
            elif session.finished:
                self._leaf()
                self._undo(frame)
            elif self._met_before():
                self._undo(frame)
            else:
                frames.append(self._frame())
        return self.result

    def _stop(self, why: str) -> None:
        self.result.truncated = True
        self.result.stopped = why

    def _met_before(self) -> bool:
        """At a round's start or where a group was just left: whether a path no longer
        than this one met an equal summary (its future, walked then, is this one's; see
        ``rounds``)."""
        session = self.session
        if self.rounds is None or not self._round_boundary():
            return False
        key = self.rounds.key(session, frozenset(self.on_path))
        if key is None:
            return False
        length = len(self.path)
        seen = self.summaries.get(key)
        if seen is not None and seen <= length:
            self.result.joined += 1
            return True
        if len(self.summaries) < MAX_SUMMARIES:
            self.summaries[key] = length
        return False

    def _round_boundary(self) -> bool:
        session = self.session
        group_id = self.flow.group_of.get(session.current)
        if group_id is None:
            return any(group in self.flow.groups for group in session.passed)
        group = self.flow.groups[group_id]
        return session.current == group.start and not any(m in session.answers for m in group.nodes)

    def _frame(self) -> _Frame:
        node = self.session.current
        groups = self.session.completed_groups() if self.flow.groups else None
        classes = self.finder.classes(node, self.session.answers, groups)
        if self.rounds is not None and node in self.flow.group_of:
            values, sampled = self.rounds.classes(node, self.session)
            if values:
                classes = Classes(values, sampled)
        if classes.sampled:
            self.result.sampled.setdefault(node, classes.sampled)
        if classes.merged:
            self.result.merged[node] = classes.merged
        return _Frame(node, classes.values)

    def _transition(self, frame: _Frame, value: AnswerValue) -> tuple[bool, bool]:
        """Answer, then pass info messages; (moved at all, arrived at a question or outcome)."""
        node = frame.node
        route = self._route_before(node, value)
        try:
            self.session.answer(value)
        except FlowRuntimeError as error:
            self._failed(node, error, (*self.path, (node, value)))
            return False, False
        self.path.append((node, value))
        self._record_route(node, route or self._route(node, value))
        self._record_groups()
        if not self._arrive(frame.added):
            return True, False
        return True, self._settle(frame.added)

    def _arrive(self, added: list[Visit]) -> bool:
        current = self.session.current
        visit = (current, self.session.round)
        if visit in self.on_path:
            message = (
                f"the path comes back to '{current}', already passed on this path: "
                "its answer would be asked again and overwritten"
            )
            self._fault(current, message, tuple(self.path), kind="loop")
            return False
        self.on_path.add(visit)
        added.append(visit)
        self.result.reached.add(current)
        return True

    def _record_groups(self) -> None:
        """Groups the last move passed: reached, and their rules when it left them (read
        after the move: the entries are complete, as when the engine routed)."""
        for group_id in self.session.passed:
            self.result.reached.add(group_id)
            if self.session.current not in self.flow.groups[group_id].nodes:
                self._record_route(group_id, self._route(group_id, None))

    def _settle(self, added: list[Visit]) -> bool:
        session = self.session
        while not session.finished and session.question is None:
            node = session.current
            route = self._route_before(node, None)
            try:
                session.answer()
            except FlowRuntimeError as error:
                self._failed(node, error, tuple(self.path))
                return False
            self._record_route(node, route or self._route(node, None))
            self._record_groups()
            if not self._arrive(added):
                return False
        return True

    def _undo(self, frame: _Frame) -> None:
        self.session.back()
        self.path.pop()
        for node in frame.added:
            self.on_path.discard(node)
        frame.added = []

    def _failed(self, node: str, error: FlowRuntimeError, answers: Answers) -> None:
        if isinstance(error, EvaluationError):
            self._fault(node, error.message, answers, "raises", error.where)
        else:
            self._fault(node, str(error), answers)

    def _fault(
        self, node: str, message: str, answers: Answers, kind: str = "", where: str | None = None
    ) -> None:
        if not kind and "comes back to group" in message:
            kind = "loop"
            message = message.split(" comes back to ", 1)[-1]
            message = f"the path comes back to {message}: its rounds would be asked again"
        if not kind:
            kind = "unrouted" if "no routing rule" in message else "unavailable"
        if kind == "unrouted":
            value = answers[-1][1] if answers and answers[-1][0] == node else None
            shown = "" if value is None else f" {_show(value)}"
            message = (
                f"the answer{shown} to '{node}' is not routed: "
                "no rule matches and there is no default rule"
            )
        elif kind == "unavailable":
            message = message.split(": ", 1)[-1] if message.startswith("flow '") else message
        key = (where or node, message)
        known = self.result.faults.get(key)
        if known is None or len(answers) < len(known.answers):
            self.result.faults[key] = Fault(kind, node, message, answers, where)

    def _route_before(self, node: str, value: AnswerValue | None) -> _Route | None:
        """A group member's route, read before the move (a move that ends a round takes
        the round's answers out of the session's answers); None elsewhere: read after the
        move, with the values the engine computed still cached."""
        if node not in self.flow.group_of:
            return None
        return self._route(node, value)

    def _route(self, node: str, value: AnswerValue | None) -> _Route:
        """Which rule the engine fires at ``node`` answered ``value`` (its first that
        holds) and which later ones hold too."""
        answers = self.session.answers
        env = self.session.env
        if value is not None and node not in answers:
            answers[node] = value  # as the engine holds it while routing
            env.clear()
        else:
            value = None  # already in place (after the move): nothing to take back
        try:
            rules = self.flow.routes[node]
            fired: int | None = None
            overlapping: list[int] = []
            for rule in rules:
                holds = rule.condition is None or _holds(rule.condition, env)
                if fired is None:
                    if holds:
                        fired = rule.index
                    continue
                if rule.condition is not None and holds and rule.goto != rules[fired].goto:
                    overlapping.append(rule.index)
        finally:
            if value is not None:
                del answers[node]
                env.clear()
        return fired, tuple(overlapping)

    def _record_route(self, node: str, route: _Route) -> None:
        fired, overlapping = route
        if fired is None:
            return
        self.result.fired.add((node, fired))
        if self.flow.node(node).next[fired].note is not None:  # type: ignore[union-attr]
            return
        for index in overlapping:
            key = (node, fired, index)
            known = self.result.overlaps.get(key)
            if known is None or len(self.path) < len(known):
                self.result.overlaps[key] = tuple(self.path)

    def _leaf(self) -> None:
        result = self.result
        result.paths += 1
        outcome = self.session.current
        length = len(self.path)
        best = result.shortest.get(outcome)
        if best is None or length < len(best):
            result.shortest[outcome] = tuple(self.path)
        if result.outcomes_by_path is not None:
            result.outcomes_by_path.append((tuple(self.path), outcome))
        if self.finder.analysis.may_fail:
            try:  # as a session shows the outcome and a transcript its computed values
                self.session.outcome()
                self.session.computed_values()
            except FlowRuntimeError as error:
                self._failed(outcome, error, tuple(self.path))
        env = self.session.env
        env.extra[OUTCOME_VARIABLE] = outcome
        try:
            for name, invariant in self.flow.invariants.items():
                try:
                    holds = bool(invariant.evaluate(env))
                    why = "does not hold"
                except Unavailable as missing:
                    holds, why = False, f"cannot be evaluated on this path ({missing})"
                except EvaluationError as error:
                    failure = error.message.removeprefix("this ")
                    holds, why = False, f"cannot be evaluated on this path (it {failure})"
                if holds:
                    continue
                known = result.violations.get(name)
                if known is None or length < len(known[0]):
                    result.violations[name] = (tuple(self.path), outcome, why)
        finally:
            env.extra.pop(OUTCOME_VARIABLE, None)


def _holds(condition: Expr, env: object) -> bool:
    try:
        return bool(condition.evaluate(env))  # type: ignore[arg-type]
    except (Unavailable, EvaluationError):
        return False  # the session's own routing fails there too, and is reported


def _show(value: AnswerValue) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def explore(flow: CompiledFlow, budget: Budget | None = None) -> Exploration:
    """Walk every answer class of every question on every path of ``flow`` (within
    ``budget``: the result says where it stopped)."""
    return Explorer(flow, budget=budget).run()
