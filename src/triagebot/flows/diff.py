"""Every answer path whose outcome differs between two versions of a flow.

Both versions are walked together: at each step the next question either version asks is
tried with the answer classes of *both* versions (discrete answers: every value; numbers:
both versions' class values, plus a value between each neighbouring pair, so every
interval either version distinguishes is visited). Each version runs in the real engine.
A repeated group's answers are keyed by question and round. Rounds multiply the paths, so
a group is compared over its first ``GROUP_ROUNDS`` rounds (2 by default: one entry, and
two that tie or come in either order; ``another`` is answered no in the last), with its
members at both versions' answer classes rather than every value; the report says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from triagebot.flows.answers import AnswerError, AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.explore import Answers, fixed_clock
from triagebot.flows.explore_analysis import analyse
from triagebot.flows.explore_classes import ClassFinder
from triagebot.flows.explore_points import tidy
from triagebot.flows.places import between
from triagebot.flows.questions import type_of
from triagebot.flows.schema import (
    UNKNOWN,
    NumberQuestion,
    OutcomeNode,
    Question,
)
from triagebot.flows.verify import answers_inline, answers_mapping, json_answer

DEFAULT_LIMIT = 100_000

GROUP_ROUNDS = 2
"""Rounds of a repeated group compared by default (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One answer path and what each version ends in (an outcome id, ``error: ...``, or
    ``refused: ...`` for an answer that version does not accept)."""

    answers: Answers
    old: str
    new: str


@dataclass(slots=True)
class DiffResult:
    old: CompiledFlow
    new: CompiledFlow
    paths: int = 0
    changes: list[Change] = field(default_factory=list)
    truncated: bool = False
    rounds: dict[str, int] = field(default_factory=dict)
    """Repeated group -> the rounds compared (fewer than its most: later ones were not)."""


Key = tuple[str, int | None]
"""A question in a round (None outside groups)."""


def _advance(flow: CompiledFlow, answers: dict[Key, AnswerValue]) -> tuple[str, str, Key | None]:
    """('ask', question, key) when the flow needs an answer not given, else ('end', outcome,
    None)."""
    session = Session(flow, fixed_clock)
    steps = len(flow.nodes) + sum(g.max * len(g.nodes) for g in flow.groups.values())
    try:
        for _ in range(steps + 1):
            if session.finished:
                return "end", session.current, None
            key = (session.current, session.round)
            if session.question is None:
                session.answer()
            elif key not in answers:
                return "ask", session.current, key
            else:
                session.answer(answers[key])
    except AnswerError as error:
        # An answer only the other version accepts (a range or an option changed): this
        # version ends the path there, which is itself a change to report.
        return "end", f"refused: {error}", None
    except FlowRuntimeError as error:
        return "end", f"error: {error}", None
    return "end", "error: the path loops", None


def _seen(answers: dict[Key, AnswerValue], number: int | None) -> dict[str, AnswerValue]:
    """The answers a question in round ``number`` sees by name: outside groups, and its
    own round's."""
    return {node: value for (node, at), value in answers.items() if at is None or at == number}


class _Differ:
    def __init__(self, old: CompiledFlow, new: CompiledFlow, limit: int, rounds: int) -> None:
        self.flows = (old, new)
        self.finders = (ClassFinder(analyse(old)), ClassFinder(analyse(new)))
        self.result = DiffResult(old, new)
        self.limit = limit
        self.rounds = rounds
        self.another = {
            group.another: group_id
            for flow in self.flows
            for group_id, group in flow.groups.items()
        }
        for flow in self.flows:
            for group_id, group in flow.groups.items():
                if group.max > rounds:
                    self.result.rounds[group_id] = rounds

    def classes(self, question_id: str, answers: dict[str, AnswerValue]) -> list[AnswerValue]:
        """Both versions' answer classes of a question, merged."""
        found: list[Question] = []
        values: list[AnswerValue] = []
        for flow, finder in zip(self.flows, self.finders, strict=True):
            if question_id in flow.types and not (
                question_id in flow.computed or question_id in flow.groups
            ):
                question = flow.question(question_id)
                found.append(question)
                values.extend(finder.classes(question_id, answers).boundaries())
        if len({type(q) for q in found}) > 1:
            raise ValueError(
                f"question '{question_id}' has a different type in the two versions: "
                "answer paths cannot be compared"
            )
        question = found[0]
        if any(question_id in flow.group_of for flow in self.flows):
            # A member, once per round: both versions' classes (every value would multiply
            # the paths by its count in each round).
            return list(dict.fromkeys(values))
        return type_of(question).answer_classes(question, _Merged(found, values))

    def run(self) -> DiffResult:
        stack: list[dict[Key, AnswerValue]] = [{}]
        order: dict[int, Answers] = {id(stack[0]): ()}
        while stack:
            answers = stack.pop()
            path = order.pop(id(answers))
            states = [_advance(flow, answers) for flow in self.flows]
            key = next((state[2] for state in states if state[0] == "ask"), None)
            if key is None:
                self.result.paths += 1
                if states[0][1] != states[1][1]:
                    self.result.changes.append(Change(path, states[0][1], states[1][1]))
                if self.result.paths >= self.limit:
                    self.result.truncated = True
                    break
                continue
            asking = key[0]
            values = self.classes(asking, _seen(answers, key[1]))
            if asking in self.another and (key[1] or 0) >= self.rounds:
                values = ["no"]  # the last round compared
            for value in reversed(values):
                child = {**answers, key: value}
                stack.append(child)
                order[id(child)] = (*path, (asking, value))
        self.result.changes.sort(key=lambda change: len(change.answers))
        return self.result


class _Merged:
    """Both versions' answer classes of a question (of one type in both), merged the way
    its type makes them: every value of either version, or the classes each version
    explored (sets of options; numbers, with a value between each two)."""

    def __init__(self, found: list[Question], explored: list[AnswerValue]) -> None:
        self.found = found
        self.explored = explored

    def values(self, values: Sequence[str]) -> list[AnswerValue]:
        every = [v for q in self.found for v in type_of(q).answer_classes(q, _Few())]
        return list(dict.fromkeys(every))

    def subsets(self, ids: Sequence[str]) -> list[AnswerValue]:
        return list(dict.fromkeys(self.explored))

    def cuts(self, question: NumberQuestion) -> list[AnswerValue]:
        return _merge_numbers(self.explored, question)


class _Few:
    """A question's every value, when its type has a few (none otherwise)."""

    def values(self, values: Sequence[str]) -> list[AnswerValue]:
        return list(values)

    def subsets(self, ids: Sequence[str]) -> list[AnswerValue]:
        return []

    def cuts(self, question: NumberQuestion) -> list[AnswerValue]:
        return []


def _merge_numbers(values: list[AnswerValue], question: NumberQuestion) -> list[AnswerValue]:
    numbers = sorted({float(v) for v in values if not isinstance(v, str | tuple)})
    merged: set[float] = set(numbers)
    for first, second in itertools.pairwise(numbers):
        if question.integer:
            if second - first >= 2:
                merged.add(first + 1)
        else:
            merged.add(between(first, second))
    result: list[AnswerValue] = [tidy(v) for v in sorted(merged)]
    if UNKNOWN in values:
        result.append(UNKNOWN)
    return result


def changed_paths(
    old: CompiledFlow,
    new: CompiledFlow,
    limit: int = DEFAULT_LIMIT,
    rounds: int = GROUP_ROUNDS,
) -> DiffResult:
    """Walk both versions together; every path whose outcome differs (a repeated group
    over its first ``rounds`` rounds)."""
    return _Differ(old, new, limit, rounds).run()


def _describe(flow: CompiledFlow, ending: str) -> str:
    node = flow.flow.nodes.get(ending)
    return f"{ending} ({node.urgency})" if isinstance(node, OutcomeNode) else ending


def to_text(result: DiffResult) -> str:
    old, new = result.old, result.new
    lines = [
        f"{old.id} v{old.flow.version} ({old.file}) -> {new.id} v{new.flow.version} ({new.file})",
        f"  {len(result.changes)} of {result.paths} answer paths end differently"
        + (" (stopped early: not every path was compared)" if result.truncated else ""),
    ]
    for group_id, rounds in sorted(result.rounds.items()):
        lines.append(
            f"  group '{group_id}' compared over its first {rounds} "
            f"round{'s' if rounds != 1 else ''} only (--rounds N for more)"
        )
    for change in result.changes:
        lines.append(f"  {answers_inline(change.answers, new)}")
        lines.append(f"      old: {_describe(old, change.old)}")
        lines.append(f"      new: {_describe(new, change.new)}")
    return "\n".join(lines) + "\n"


def to_data(result: DiffResult) -> dict[str, Any]:
    return {
        "old": {"flow": result.old.id, "version": result.old.flow.version, "file": result.old.file},
        "new": {"flow": result.new.id, "version": result.new.flow.version, "file": result.new.file},
        "paths": result.paths,
        "truncated": result.truncated,
        "group_rounds": dict(sorted(result.rounds.items())),
        "changes": [
            {
                "answers": {q: json_answer(v) for q, v in answers_mapping(c.answers, result.new)},
                "old": c.old,
                "new": c.new,
            }
            for c in result.changes
        ],
    }
