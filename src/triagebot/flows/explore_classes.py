"""The answer classes of each question, given the answers already on the path (see
:mod:`triagebot.flows.explore` for what a class is).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from triagebot.flows.answers import AnswerValue
from triagebot.flows.explore_analysis import Analysis
from triagebot.flows.explore_cuts import NumberCuts
from triagebot.flows.explore_points import Classes, Entries, PointEnv, outcome_of
from triagebot.flows.questions import type_of
from triagebot.flows.schema import NumberQuestion


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
        making = _Making(self, question_id, answers, groups or {})
        return type_of(question).answer_classes(question, making)

    def numbers(
        self,
        question_id: str,
        question: NumberQuestion,
        answers: dict[str, AnswerValue],
        groups: Entries,
    ) -> Classes:
        """A number's classes: they depend on the answers its thresholds read."""
        inputs = self.analysis.number_inputs.get(question_id, frozenset())
        key = (
            question_id,
            *(
                (name, _frozen(groups[name]) if name in groups else answers.get(name))
                for name in sorted(inputs)
            ),
        )
        if key not in self._numbers:
            cuts = NumberCuts(self, question_id, question, answers, groups)
            self._numbers[key] = cuts.classes()
        return self._numbers[key]

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
        env = PointEnv(self.flow, answers, {question_id: value}, groups)
        tests = self.analysis.number_tests.get(question_id, [])
        return tuple(outcome_of(test, env) for test in tests)

    def by_values(self, question_id: str, values: Sequence[str]) -> Classes:
        """A few values: those every rule, formula and invariant reads alike are merged."""
        if question_id in self._static:
            return self._static[question_id]
        if question_id in self.analysis.opaque:
            found = Classes(tuple(values))
        else:
            tests = self.analysis.text_tests.get(question_id, [])
            groups: dict[tuple[bool, ...], list[str]] = {}
            for value in values:
                env = PointEnv(self.flow, {question_id: value}, {})
                signature = tuple(bool(test.evaluate(env)) for test in tests)
                groups.setdefault(signature, []).append(value)
            merged = tuple(tuple(group) for group in groups.values() if len(group) > 1)
            found = Classes(tuple(group[0] for group in groups.values()), None, merged)
        self._static[question_id] = found
        return found

    def subsets(self, question_id: str, ids: Sequence[str]) -> Classes:
        """Sets of options: every set of those the rules name (counted ones stand for
        the rest)."""
        if question_id in self._static:
            return self._static[question_id]
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
        self._static[question_id] = Classes(tuple(values))
        return self._static[question_id]


class _Making:
    """The finder's ways of making classes, for one question after ``answers`` (what a
    question type picks from: :meth:`~triagebot.flows.questions.QuestionType.answer_classes`)."""

    def __init__(
        self,
        finder: ClassFinder,
        question_id: str,
        answers: dict[str, AnswerValue],
        groups: Entries,
    ) -> None:
        self.finder = finder
        self.question_id = question_id
        self.answers = answers
        self.groups = groups

    def values(self, values: Sequence[str]) -> Classes:
        return self.finder.by_values(self.question_id, values)

    def subsets(self, ids: Sequence[str]) -> Classes:
        return self.finder.subsets(self.question_id, ids)

    def cuts(self, question: NumberQuestion) -> Classes:
        return self.finder.numbers(self.question_id, question, self.answers, self.groups)


def _frozen(entries: Sequence[Mapping[str, AnswerValue]]) -> tuple[object, ...]:
    return tuple(tuple(sorted(entry.items())) for entry in entries)
