"""Repeated groups, round by round: rounds that lead to the same future are walked once.

The explorer walks answer paths through the real Session. Inside a group every round
multiplies the paths, so at the start of each round (and where the flow leaves the
group) it asks :meth:`Rounds.key` for a *summary* of the entries so far, and does not walk
on when an equal key was met before on a path no longer than this one (so the shortest
counterexamples stay the shortest). A round's questions are tried at one value per way
they can relate to what the summary keeps (:meth:`Rounds.classes`).

Why this proves what walking every value would. Write P for the entries so far, S for
anything that may follow (later entries, later answers), and R for a *renaming* of the
interchangeable data of :mod:`triagebot.flows.symmetry`: a permutation of the options no
expression writes, an increasing map of an order member's numbers keeping its thresholds
and range ends in place, a renaming of the entry numbers already given.

1. Every condition the verifier checks holds on P + S exactly when it holds on
   R(P + S), and fails to evaluate exactly when it does (values that are data are renamed
   alike): each domain is only compared in ways R keeps (equality of options, order of
   numbers, equality of entry numbers, a number where it passes 10^15); that is what
   makes it interchangeable.
2. Each aggregate's value on P + S is a function of its summary over P and of S alone.
   ``Aggregate.so_far`` is the state of its fold over P (a count, any/all, a sum, the
   least value, the first best entry's value and key). An aggregate whose per-entry
   arguments read a *whole value* W (``best_branch == branch_name``, W a ``first_min``
   over the same entries) is summarized as its ``so_far`` over P for each value W may
   still end with after P (``summary._candidates``: its value now, none, or what a later
   entry may bring, of a least value only smaller ones; a superset is enough), so the
   final W picks the right one. Branches that agree are joined, which keeps the function.
   The other names per-entry arguments and thresholds read must already be settled
   (``_fixed``: answered, or never asked again from here); else no summary is made.
3. The key holds the node, the round, the answers outside groups, the nodes passed (a
   loop is a repeat of one) and each group's summary with its data renamed by place
   (first appearance, or rank between the thresholds): equal keys mean
   key(P') = R(key(P)) for some R. By 1 and 2, every S after P ends exactly as R(S)
   after P' (outcome, invariants, faults), so what the walk found after P is what it
   would find after P'.

The classes rest on the same facts: a value relates to the summary's data and the
thresholds in one of finitely many ways (equal to one of them, or between two), and a
renaming fixing that data maps any value onto the tried one of its way. A number tried
between two leaves room for every order the rounds still to come may need, or each value
of a small gap is tried (:mod:`triagebot.flows.places`). Thresholds reached through
arithmetic (``best - 10 < baseline``) are solved in floating point, as the verifier's
other cut points are.

When a group does not fit (a per-entry argument reads an answer still to come, a sum
over the group is read per entry, ...) its summary is None: nothing is merged and its
questions are explored as before (sampled where they were, and said so), always sound.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.engine import Session
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    Env,
    EvaluationError,
    Expr,
    Name,
    Unavailable,
    names_in,
)
from triagebot.flows.places import positions
from triagebot.flows.schema import UNKNOWN, ChoiceQuestion, NumberQuestion
from triagebot.flows.summary import Context, GroupModel, Summary, _Read
from triagebot.flows.symmetry import Domains
from triagebot.flows.symmetry_roles import Threshold, shape

MAX_CONTEXTS = 50_000
"""Summaries kept for reuse at most (the cache is emptied past it)."""


class Rounds:
    """Summaries of groups' entries and the classes of their rounds' questions."""

    def __init__(self, flow: CompiledFlow, found: Domains, checked: list[Expr]) -> None:
        self.flow = flow
        self.domains = found
        self.models = {group: _model(flow, group, checked, found) for group in flow.groups}
        self._graph = {
            node: [rule.goto for rule in flow.routes.get(node, ())] for node in flow.nodes
        }
        self._ahead: dict[str, frozenset[str]] = {}
        self._contexts: dict[Hashable, Context | None] = {}
        self._parts: dict[Hashable, dict[Hashable, _Read]] = {}
        """Entry parts evaluated (``Summary.parts``), by the answers outside the group."""

    # --- the merge key --------------------------------------------------------------

    def key(self, session: Session, passed: frozenset[object]) -> Hashable | None:
        """What decides the rest of the session from here, or None (nothing is merged):
        the node and round, the answers outside groups, the nodes passed (a loop is a
        repeat of one), and each group's summary."""
        parts: list[Hashable] = [session.current, session.round, self._outside(session), passed]
        for group in self.flow.groups:
            entries = session.env.entries(group)
            if not entries:
                continue
            context = self.context(group, session)
            if context is None:
                return None
            parts.append((group, len(entries), context.key))
        return tuple(parts)

    def _outside(self, session: Session) -> frozenset[object]:
        answers = session.answers
        return frozenset(item for item in answers.items() if item[0] not in self.flow.group_of)

    def context(self, group: str, session: Session) -> Context | None:
        """The summary of ``group``'s entries so far (cached), None where it does not fit."""
        model = self.models[group]
        if not model.fits or not self._fixed(model, session):
            return None
        entries = session.env.entries(group)
        inside = session.round is not None and self.flow.group_of.get(session.current) == group
        left = self.flow.groups[group].max - len(entries) if inside or not entries else 0
        others = tuple(
            tuple(tuple(sorted(entry.items())) for entry in session.env.entries(other))
            for other in self.flow.groups
            if other != group
        )
        settled = (group, self._outside(session), others)
        cache = (*settled, left, tuple(tuple(sorted(e.items())) for e in entries))
        if cache not in self._contexts:
            if len(self._contexts) > MAX_CONTEXTS:
                self._contexts.clear()
                self._parts.clear()
            cuts = {
                member: self.cuts(member, session.env)
                for member in self.flow.groups[group].nodes
                if member in self.domains.orders
            }
            parts = self._parts.setdefault(settled, {})
            summary = Summary(self.flow, self.domains, model, session.env, left, cuts, parts=parts)
            self._contexts[cache] = summary.context()
        return self._contexts[cache]

    def _fixed(self, model: GroupModel, session: Session) -> bool:
        """Every name outside the group that the summary reads has its final value: it is
        answered, or no longer asked on any path from here."""
        ahead = self._questions_ahead(session.current)
        for name in model.outer:
            for answer in _answers_read(self.flow, name):
                if answer in ahead and not session.env.is_answered(answer):
                    return False
        return True

    def _questions_ahead(self, node: str) -> frozenset[str]:
        if node not in self._ahead:
            seen = {node}
            todo = [node]
            while todo:
                for target in self._graph.get(todo.pop(), []):
                    if target not in seen:
                        seen.add(target)
                        todo.append(target)
                        group = self.flow.groups.get(target)
                        todo.extend(group.nodes if group is not None else ())
            self._ahead[node] = frozenset(seen)
        return self._ahead[node]

    def cuts(self, member: str, env: Env) -> list[float]:
        """An order member's thresholds on this path and its range ends, in order."""
        question = self.flow.nodes[member]
        assert isinstance(question, NumberQuestion)
        low, high = float(question.min), float(question.max)
        found = {low, high}
        for threshold in self.domains.orders[member]:
            try:
                value = _crossing(threshold, env)
            except (Unavailable, EvaluationError):
                continue  # the comparison cannot be made on this path, whatever the value
            if value is not None and low <= value <= high:
                found.add(value)
        return sorted(found)

    # --- a round's classes ------------------------------------------------------------

    def classes(self, node: str, session: Session) -> tuple[tuple[AnswerValue, ...], str | None]:
        """The values tried at a member question of a fitting group, and why they are not
        exact (None when they are); no values when it is explored as before. An option:
        each the summary keeps, each written in the flow, and one other. A number: each
        the summary keeps and each threshold, and one value in each gap between two with
        room for the rounds to come (``places``)."""
        group = self.flow.group_of.get(node)
        question = self.flow.nodes.get(node)
        symmetric = node in self.domains.labels or node in self.domains.orders
        context = None if group is None or not symmetric else self.context(group, session)
        if group is None or context is None:
            return (), None
        if isinstance(question, ChoiceQuestion):
            chosen = set(map(str, context.kept.get(f"L:{node}", [])))
            for options in self.domains.label_classes(node):
                chosen.add(next((o for o in options if o not in chosen), options[0]))
            return tuple(o.id for o in question.options if o.id in chosen), None
        assert isinstance(question, NumberQuestion)
        kept = [float(v) for v in context.kept.get(f"N:{node}", []) if isinstance(v, int | float)]
        left = self.flow.groups[group].max - len(session.env.entries(group))
        found, sampled = positions(sorted({*kept, *context.cuts[node]}), question.integer, left)
        extra: tuple[AnswerValue, ...] = (UNKNOWN,) if question.allow_unknown else ()
        return (*(value for _, value in found), *extra), sampled


def _crossing(threshold: Threshold, env: Env) -> float | None:
    limit = threshold.limit.evaluate(env)
    shift = 0 if threshold.shift is None else threshold.shift.evaluate(env)
    if not isinstance(limit, int | float) or not isinstance(shift, int | float):
        return None
    value = (limit - shift) / threshold.scale
    return value if math.isfinite(value) else None


def _answers_read(flow: CompiledFlow, name: str) -> set[str]:
    """The answers (and groups) a name stands for, through computed values."""
    if name not in flow.computed:
        return {name}
    found: set[str] = set()
    todo, seen = [name], {name}
    while todo:
        for read in names_in(flow.computed[todo.pop()]):
            if read in flow.computed:
                if read not in seen:
                    seen.add(read)
                    todo.append(read)
            else:
                found.add(read)
    return found


def _model(flow: CompiledFlow, group: str, checked: list[Expr], found: Domains) -> GroupModel:  # noqa: PLR0912 (one branch per kind of aggregate part)
    """The aggregates over ``group`` in the checked expressions, the whole values their
    per-entry arguments read, and whether a summary can be made."""
    model = GroupModel(group)
    members = set(flow.groups[group].nodes) | {ENTRY_NUMBER}
    seen: set[object] = set()  # written alike twice: the same so_far, summed up once
    for expression in checked:
        for node in expression.walk():
            if isinstance(node, Aggregate) and node.group == group and shape(node) not in seen:
                seen.add(shape(node))
                model.aggregates.append(node)
    for aggregate in list(model.aggregates):
        for part in (aggregate.value, aggregate.key, aggregate.where):
            if part is None:
                continue
            if any(isinstance(n, Aggregate) and n.group == group for n in part.walk()):
                model.fits = False  # an aggregate of the group inside one: not a whole value
            for name in names_in(part) - members:
                if name == OUTCOME_VARIABLE:  # only known at the end: each is assumed
                    model.outcomes = tuple(node for node, _ in flow.outcomes())
                    continue
                if group not in _answers_read(flow, name):
                    model.outer.add(name)
                    continue
                whole = flow.computed.get(name)
                if not isinstance(whole, Aggregate) or whole.group != group:
                    model.fits = False  # a formula of the whole group, not one aggregate
                else:
                    model.wholes[name] = whole
    if any(whole.function == "sum_of" for whole in model.wholes.values()):
        model.fits = False  # a sum's later values cannot be listed
    _couple(flow, group, model)
    for member in flow.groups[group].nodes:
        for threshold in found.orders.get(member, []):
            for part in (threshold.limit, threshold.shift):
                if part is not None:
                    model.outer |= names_in(part)
    return model


def _couple(flow: CompiledFlow, group: str, model: GroupModel) -> None:
    """Whole values that pick the same entry share a selector (``GroupModel.coupled``):
    the least (greatest) by the same key among the entries where the same condition
    holds, each with a value every such entry gives (the key itself, ``entry_number``, or
    a member asked in every round that cannot be ``unknown``)."""
    members = set(flow.groups[group].nodes) | {ENTRY_NUMBER}
    always = _always_asked(flow, group)
    chosen: dict[object, list[str]] = {}
    for name, whole in model.wholes.items():
        if whole.function not in ("first_min", "first_max", "min_of", "max_of"):
            continue
        reads = set().union(*(names_in(p) for p in (whole.value, whole.key, whole.where) if p))
        if (reads - members) & {*model.wholes, OUTCOME_VARIABLE}:
            continue
        ranked = whole.function in ("min_of", "max_of")
        key = whole.value if ranked else whole.key
        assert key is not None and whole.value is not None
        if not (ranked or _always_given(flow, whole.value, key, always)):
            continue
        where = None if whole.where is None else shape(whole.where)
        chosen.setdefault(("min" in whole.function, shape(key), where), []).append(name)
    for index, names in enumerate(names for names in chosen.values() if len(names) > 1):
        model.coupled.update(dict.fromkeys(names, f"<select {index}>"))


def _always_given(flow: CompiledFlow, value: Expr, key: Expr, always: set[str]) -> bool:
    if (isinstance(value, Name) and value.name == ENTRY_NUMBER) or shape(value) == shape(key):
        return True
    question = flow.nodes.get(value.name) if isinstance(value, Name) else None
    if isinstance(question, NumberQuestion) and question.allow_unknown:
        return False
    return isinstance(value, Name) and value.name in always


def _always_asked(flow: CompiledFlow, group: str) -> set[str]:
    """The members every round asks: the round cannot end without passing them."""
    start = flow.groups[group].start
    found = {start}
    for member in flow.groups[group].nodes:
        seen, todo = {start}, [start]
        while todo and member != start:
            for rule in flow.routes.get(todo.pop(), ()):
                if rule.goto not in seen and rule.goto != member:
                    seen.add(rule.goto)
                    todo.append(rule.goto)
        if member != start and group not in seen:
            found.add(member)
    return found
