"""Every answer path whose outcome differs between two versions of a flow.

Both versions are walked together: at each step the next question either version asks is
tried with the answer classes of *both* versions (discrete answers: every value; numbers:
both versions' class values, plus a value between each neighbouring pair, so every
interval either version distinguishes is visited). Each version runs in the real engine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.explore import Answers, ClassFinder, analyse, between, fixed_clock, tidy
from triagebot.flows.schema import (
    UNKNOWN,
    UNSURE,
    YES_NO_VALUES,
    ChoiceQuestion,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    Question,
    YesNoQuestion,
)
from triagebot.flows.verify import answers_inline

DEFAULT_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Change:
    """One answer path and what each version ends in (an outcome id or ``error: ...``)."""

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


def _advance(flow: CompiledFlow, answers: dict[str, AnswerValue]) -> tuple[str, str]:
    """('ask', question) when the flow needs an answer not given, else ('end', outcome)."""
    session = Session(flow, fixed_clock)
    try:
        for _ in range(len(flow.flow.nodes) + 1):
            if session.finished:
                return "end", session.current
            if session.question is None:
                session.answer()
            elif session.current not in answers:
                return "ask", session.current
            else:
                session.answer(answers[session.current])
    except FlowRuntimeError as error:
        return "end", f"error: {error}"
    return "end", "error: the path loops"


class _Differ:
    def __init__(self, old: CompiledFlow, new: CompiledFlow, limit: int) -> None:
        self.flows = (old, new)
        self.finders = (ClassFinder(analyse(old)), ClassFinder(analyse(new)))
        self.result = DiffResult(old, new)
        self.limit = limit

    def classes(self, question_id: str, answers: dict[str, AnswerValue]) -> list[AnswerValue]:
        found: list[Question] = []
        values: list[AnswerValue] = []
        for flow, finder in zip(self.flows, self.finders, strict=True):
            if question_id in flow.types and question_id not in flow.computed:
                question = flow.question(question_id)
                found.append(question)
                values.extend(finder.classes(question_id, answers).boundaries())
        if len({type(q) for q in found}) > 1:
            raise ValueError(
                f"question '{question_id}' has a different type in the two versions: "
                "answer paths cannot be compared"
            )
        question = found[0]
        if isinstance(question, NumberQuestion):
            return _merge_numbers(values, question)
        if isinstance(question, MultiChoiceQuestion):
            return list(dict.fromkeys(values))
        everything = [v for q in found for v in _all_values(q)]
        return list(dict.fromkeys(everything))

    def run(self) -> DiffResult:
        stack: list[dict[str, AnswerValue]] = [{}]
        order: dict[int, Answers] = {id(stack[0]): ()}
        while stack:
            answers = stack.pop()
            path = order.pop(id(answers))
            states = [_advance(flow, answers) for flow in self.flows]
            asking = next((state[1] for state in states if state[0] == "ask"), None)
            if asking is None:
                self.result.paths += 1
                if states[0][1] != states[1][1]:
                    self.result.changes.append(Change(path, states[0][1], states[1][1]))
                if self.result.paths >= self.limit:
                    self.result.truncated = True
                    break
                continue
            for value in reversed(self.classes(asking, answers)):
                child = {**answers, asking: value}
                stack.append(child)
                order[id(child)] = (*path, (asking, value))
        self.result.changes.sort(key=lambda change: len(change.answers))
        return self.result


def _all_values(question: Question) -> list[AnswerValue]:
    if isinstance(question, YesNoQuestion):
        return [*YES_NO_VALUES, *([UNSURE] if question.allow_unsure else [])]
    assert isinstance(question, ChoiceQuestion)
    return [option.id for option in question.options]


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


def changed_paths(old: CompiledFlow, new: CompiledFlow, limit: int = DEFAULT_LIMIT) -> DiffResult:
    """Walk both versions together; every path whose outcome differs."""
    return _Differ(old, new, limit).run()


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
    for change in result.changes:
        lines.append(f"  {answers_inline(change.answers)}")
        lines.append(f"      old: {_describe(old, change.old)}")
        lines.append(f"      new: {_describe(new, change.new)}")
    return "\n".join(lines) + "\n"


def to_data(result: DiffResult) -> dict[str, Any]:
    return {
        "old": {"flow": result.old.id, "version": result.old.flow.version, "file": result.old.file},
        "new": {"flow": result.new.id, "version": result.new.flow.version, "file": result.new.file},
        "paths": result.paths,
        "truncated": result.truncated,
        "changes": [
            {
                "answers": {q: list(v) if isinstance(v, tuple) else v for q, v in c.answers},
                "old": c.old,
                "new": c.new,
            }
            for c in result.changes
        ],
    }
