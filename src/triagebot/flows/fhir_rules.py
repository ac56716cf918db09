"""One routing rule as enableWhen (see :mod:`~triagebot.flows.fhir_gates`): the rule's
condition evaluated on every combination of the values it reads, and the combinations it
fires on matched to what enableWhen can say."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from triagebot.flows.compiled import CompiledFlow, CompiledRule
from triagebot.flows.expr import (
    Aggregate,
    Compare,
    Const,
    EvaluationError,
    Expr,
    Name,
    Unavailable,
    Value,
    names_in,
)
from triagebot.flows.questions import type_of
from triagebot.flows.schema import UNKNOWN, NumberQuestion, Question

MAX_COMBINATIONS = 5000
"""The most combinations of answers one rule is evaluated on."""
MAX_MULTI_OPTIONS = 12


@dataclass(frozen=True, slots=True)
class Atom:
    """One enableWhen: ``question operator value``. A coded value is the answer as
    triagebot records it (``yes``, an option id, ``""`` for nothing ticked)."""

    question: str
    operator: Literal["exists", "=", "!=", "<", "<=", ">", ">="]
    value: str | float | bool


@dataclass(frozen=True, slots=True)
class Gate:
    """An item's enableWhen: every atom (``all``) or any of them; no atoms: always shown."""

    behavior: Literal["all", "any"]
    atoms: tuple[Atom, ...]


@dataclass(frozen=True, slots=True)
class NotGated:
    """An item asked only on some paths whose rule enableWhen cannot write (a
    :data:`REASONS` code)."""

    reason: str


ALWAYS = Gate("all", ())
Shown = Gate | NotGated


@dataclass(frozen=True, slots=True)
class Edge:
    """What one rule leading to a node says as enableWhen: as ``all`` and/or ``any``."""

    all: tuple[Atom, ...] | None
    any: tuple[Atom, ...] | None


Rep = Edge | NotGated | None  # None: the rule never fires


def rule_parts(rules: Sequence[CompiledRule], index: int) -> list[tuple[Expr, bool]]:
    """The conditions of rule ``index`` firing: its own (holds) and every earlier one's
    (fails)."""
    parts = [(rule.condition, False) for rule in rules[:index] if rule.condition is not None]
    own = rules[index].condition
    return parts + ([(own, True)] if own is not None else [])


def has_value(node: object) -> bool:
    """Whether an answer to ``node`` always has a value a renderer can see (``unknown`` is
    recorded as absent)."""
    if not isinstance(node, Question):
        return False
    # Its values read by no rule: ``unknown`` is among them wherever the type allows it.
    values = type_of(node).answer_classes(node, _Domain("", [])) or []
    return UNKNOWN not in values


def single(atom: Atom) -> Edge:
    return Edge((atom,), (atom,))


def conditional(  # noqa: PLR0911 (one return per way a rule is left alone)
    flow: CompiledFlow,
    source: str,
    parts: list[tuple[Expr, bool]],
    dominators: frozenset[str],
    leading: frozenset[str] = frozenset(),
) -> Rep:
    """The rule with conditions ``parts`` at ``source`` as enableWhen. It may read the
    questions asked on every path to ``source`` (``dominators``); ``leading`` are those
    that are gated and from which every path goes through ``source``, so an answer to one
    of them means ``source`` is reached (they may stand alone in an ``any``)."""
    trees = [tree for tree, _ in parts]
    if any(isinstance(node, Aggregate) for tree in trees for node in tree.walk()):
        return NotGated("group")
    names = {source}.union(*(names_in(tree) for tree in trees))
    if any(name in flow.computed for name in names):
        return NotGated("computed")
    if any(name not in dominators or name in flow.group_of for name in names):
        return NotGated("combination")
    ordered = [source, *sorted(names - {source})]
    domains: list[list[Value]] = []
    for name in ordered:
        domain = _domain(flow, name, trees)
        if domain is None:
            return NotGated("combination")
        domains.append(domain)
    size = 1
    for domain in domains:
        size *= len(domain)
    if size > MAX_COMBINATIONS:
        return NotGated("combination")
    fired = _fired(parts, ordered, domains)
    if fired is None:
        return NotGated("combination")
    if not fired:
        return None
    return _edge(flow, ordered, domains, fired, leading)


def _fired(
    parts: list[tuple[Expr, bool]], names: list[str], domains: list[list[Value]]
) -> set[tuple[Value, ...]] | None:
    """The combinations of values on which every part is as required; None when one
    cannot be evaluated (then the rule is left alone)."""
    fired: set[tuple[Value, ...]] = set()
    for values in itertools.product(*domains):
        env = _Env(dict(zip(names, values, strict=True)))
        try:
            if all(bool(tree.evaluate(env)) == holds for tree, holds in parts):
                fired.add(values)
        except (Unavailable, EvaluationError):
            return None
    return fired


class _Env:
    """One combination of answers, as an expression reads them."""

    def __init__(self, values: dict[str, Value]) -> None:
        self._values = values

    def lookup(self, name: str) -> Value:
        value = self._values[name]
        if value == UNKNOWN:
            raise Unavailable(name, "unknown")
        return value

    def is_answered(self, name: str) -> bool:
        return True

    def entries(self, group: str) -> Sequence[dict[str, Value]]:
        raise Unavailable(group)


# --- the values a question can take ----------------------------------------------------------


Shape = Literal["values", "subsets", "cuts"]
"""How a question type makes its answer classes (:class:`~triagebot.flows.questions.ClassMaker`):
a few values, sets of option ids, or pieces of a number's range."""


class _ShapeOf:
    """The shape of a question's answers, which says how enableWhen writes a set of them."""

    def values(self, values: Sequence[str]) -> Shape:
        return "values"

    def subsets(self, ids: Sequence[str]) -> Shape:
        return "subsets"

    def cuts(self, question: NumberQuestion) -> Shape:
        return "cuts"


_SHAPE_OF = _ShapeOf()


@dataclass(frozen=True, slots=True)
class _Domain:
    """Every value of question ``name`` the rule (``trees``) can tell apart, made the way
    its type makes answer classes; None when they cannot be listed."""

    name: str
    trees: list[Expr]

    def values(self, values: Sequence[str]) -> list[Value] | None:
        return list(values)

    def subsets(self, ids: Sequence[str]) -> list[Value] | None:
        if len(ids) > MAX_MULTI_OPTIONS:
            return None
        subsets = (itertools.combinations(ids, k) for k in range(len(ids) + 1))
        return [tuple(subset) for subset in itertools.chain.from_iterable(subsets)]

    def cuts(self, question: NumberQuestion) -> list[Value] | None:
        cuts = _thresholds(self.name, self.trees)
        if cuts is None:
            return None
        return [*_pieces(question, cuts), *([UNKNOWN] if question.allow_unknown else [])]


def _domain(flow: CompiledFlow, name: str, trees: list[Expr]) -> list[Value] | None:
    """Every value of ``name`` the rule can tell apart; None when that cannot be listed."""
    node = flow.flow.nodes.get(name)
    if not isinstance(node, Question):
        return None
    return type_of(node).answer_classes(node, _Domain(name, trees))


def _shape(flow: CompiledFlow, name: str) -> Shape:
    node = flow.flow.nodes[name]
    assert isinstance(node, Question)  # a name with a domain
    return type_of(node).answer_classes(node, _SHAPE_OF)


def _thresholds(name: str, trees: list[Expr]) -> list[float] | None:
    """The constants ``name`` is compared with; None when it is read any other way (in
    arithmetic, a function, or compared with another value)."""
    cuts: set[float] = set()
    uses = 0
    for tree in trees:
        for node in tree.walk():
            if isinstance(node, Name) and node.name == name:
                uses += 1
            if isinstance(node, Compare):
                sides = (node.left, node.right)
                if any(isinstance(s, Name) and s.name == name for s in sides):
                    other = (
                        node.right
                        if isinstance(node.left, Name) and node.left.name == name
                        else node.left
                    )
                    if not isinstance(other, Const) or isinstance(other.value, str):
                        return None
                    cuts.add(float(other.value))
                    uses -= 1
    return sorted(cuts) if uses == 0 else None


def _pieces(node: NumberQuestion, cuts: list[float]) -> list[float]:
    """One value per piece of the range the thresholds cut it into, in order: the range's
    start, a value inside the open interval after it, the next threshold, and so on to the
    range's end (points at even places, open intervals at odd ones)."""
    inside = sorted({cut for cut in cuts if node.min < cut < node.max})
    points = [node.min, *inside, node.max] if node.max > node.min else [node.min]
    values: list[float] = []
    for low, high in itertools.pairwise(points):
        values += [low, (low + high) / 2]
    return [*values, points[-1]]


# --- what the combinations say as enableWhen -------------------------------------------------


def _edge(
    flow: CompiledFlow,
    names: list[str],
    domains: list[list[Value]],
    fired: set[tuple[Value, ...]],
    leading: frozenset[str] = frozenset(),
) -> Rep:
    """The combinations a rule fires on, as enableWhen (the first name is the rule's own
    node, which every form must require to be answered)."""
    sides = [{values[i] for values in fired} for i in range(len(names))]
    box = 1
    for side in sides:
        box *= len(side)
    conj: list[Atom] | None = []
    if box == len(fired):
        for index, (name, domain, side) in enumerate(zip(names, domains, sides, strict=True)):
            atoms = _side(flow, name, domain, side, anchor=index == 0)
            if atoms is None or conj is None:
                conj = None
                break
            conj.extend(atoms)
    else:
        conj = None
    if len(names) == 1:
        disj = _any_of(flow, names[0], domains[0], sides[0])
    else:
        disj = _union(flow, names, domains, fired, leading)
    if conj is not None and len(conj) == 1:
        disj = disj or tuple(conj)
    if conj is None and disj is None:
        return NotGated("combination")
    return Edge(None if conj is None else tuple(conj), disj)


def _union(
    flow: CompiledFlow,
    names: list[str],
    domains: list[list[Value]],
    fired: set[tuple[Value, ...]],
    leading: frozenset[str],
) -> tuple[Atom, ...] | None:
    """The combinations as "one of the questions has one of some answers" (``any``),
    where each question but the rule's own node is ``leading``; None otherwise."""
    every = list(itertools.product(*domains))
    atoms: list[Atom] = []
    covered: set[tuple[Value, ...]] = set()
    for index, (name, domain) in enumerate(zip(names, domains, strict=True)):
        picked = {v for v in domain if all(c in fired for c in every if c[index] == v)}
        if not picked:
            continue
        if (index > 0 and name not in leading) or UNKNOWN in picked:
            return None
        found = _any_of(flow, name, domain, picked)
        if found is None:
            return None
        atoms.extend(found)
        covered |= {c for c in every if c[index] in picked}
    return tuple(atoms) if covered == fired else None


def _side(  # noqa: PLR0911 (one return per kind of side)
    flow: CompiledFlow, name: str, domain: list[Value], side: set[Value], *, anchor: bool
) -> list[Atom] | None:
    """The atoms saying ``name``'s value is in ``side`` (``anchor``: and it is answered)."""
    node = flow.flow.nodes[name]
    if len(side) == len(domain):
        if not anchor:
            return []
        return [Atom(name, "exists", True)] if has_value(node) else None
    if UNKNOWN in side:
        return None
    shape = _shape(flow, name)
    if shape == "cuts":
        return _number_side(name, [v for v in domain if v != UNKNOWN], side)
    if shape == "subsets":
        return _multi_side(name, domain, side)
    if len(side) == 1:
        return [Atom(name, "=", str(next(iter(side))))]
    others = [Atom(name, "!=", str(value)) for value in domain if value not in side]
    return [Atom(name, "exists", True), *others] if anchor else others


def _number_side(name: str, domain: list[Value], side: set[Value]) -> list[Atom] | None:
    """A run of pieces of a number's range as one or two comparisons (pieces alternate:
    a threshold, the open interval after it...; the first and last are the range's ends)."""
    marks = [value in side for value in domain]
    first = marks.index(True)
    last = len(marks) - 1 - marks[::-1].index(True)
    if not all(marks[first : last + 1]):
        return None
    points = [float(value) for value in domain]  # type: ignore[arg-type]
    atoms: list[Atom] = []
    if first > 0:
        odd = first % 2 == 1
        atoms.append(Atom(name, ">", points[first - 1]) if odd else Atom(name, ">=", points[first]))
    if last < len(marks) - 1:
        odd = last % 2 == 1
        atoms.append(Atom(name, "<", points[last + 1]) if odd else Atom(name, "<=", points[last]))
    return atoms or [Atom(name, "exists", True)]


def _multi_side(name: str, domain: list[Value], side: set[Value]) -> list[Atom] | None:
    """Multi-choice answers holding one given option, or nothing ticked."""
    if side == {()}:
        return [Atom(name, "=", "")]
    for option in {option for subset in domain for option in subset}:  # type: ignore[union-attr]
        if side == {subset for subset in domain if option in subset}:  # type: ignore[operator]
            return [Atom(name, "=", option)]
    return None


def _any_of(
    flow: CompiledFlow, name: str, domain: list[Value], side: set[Value]
) -> tuple[Atom, ...] | None:
    """The answers of one question as ``any`` of its values, where that is exact."""
    shape = _shape(flow, name)
    if UNKNOWN in side or shape == "cuts":
        return None
    if len(side) == len(domain):
        return (Atom(name, "exists", True),)
    if shape != "subsets":
        return tuple(Atom(name, "=", str(value)) for value in domain if value in side)
    chosen = {v for v in domain if v in side and len(v) <= 1}  # type: ignore[arg-type]
    picked = {subset[0] if subset else "" for subset in chosen}  # type: ignore[index]
    expected = {s for s in domain if (not s and "" in picked) or any(o in picked for o in s)}  # type: ignore[union-attr]
    if expected != side:
        return None
    return tuple(Atom(name, "=", value) for value in sorted(picked))
