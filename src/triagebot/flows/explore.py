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

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.explore_analysis import analyse
from triagebot.flows.explore_classes import ClassFinder

# Answers and Exploration are imported from here by many (verify, diff, commands, tests).
from triagebot.flows.explore_findings import Answers as Answers  # noqa: PLC0414
from triagebot.flows.explore_findings import Exploration as Exploration  # noqa: PLC0414
from triagebot.flows.explore_findings import Route, broken_invariants, fault, route_at
from triagebot.flows.explore_points import Classes
from triagebot.flows.expr import EvaluationError
from triagebot.flows.limits import DEFAULT_PATH_LIMIT, DEFAULT_SECONDS
from triagebot.flows.rounds import Rounds
from triagebot.flows.symmetry import checked_expressions

MAX_SUMMARIES = 200_000
"""Round summaries remembered at most (beyond, fewer paths are merged: still exact)."""


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def fixed_clock() -> datetime:
    return _EPOCH


# --- the walk ----------------------------------------------------------------------------


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
        found = fault(node, message, answers, kind, where)
        key = (where or node, found.message)
        known = self.result.faults.get(key)
        if known is None or len(answers) < len(known.answers):
            self.result.faults[key] = found

    def _route_before(self, node: str, value: AnswerValue | None) -> Route | None:
        """A group member's route, read before the move (a move that ends a round takes
        the round's answers out of the session's answers); None elsewhere: read after the
        move, with the values the engine computed still cached."""
        if node not in self.flow.group_of:
            return None
        return self._route(node, value)

    def _route(self, node: str, value: AnswerValue | None) -> Route:
        return route_at(self.flow, self.session, node, value)

    def _record_route(self, node: str, route: Route) -> None:
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
        for name, why in broken_invariants(self.flow, self.session, outcome):
            known = result.violations.get(name)
            if known is None or length < len(known[0]):
                result.violations[name] = (tuple(self.path), outcome, why)


def explore(flow: CompiledFlow, budget: Budget | None = None) -> Exploration:
    """Walk every answer class of every question on every path of ``flow`` (within
    ``budget``: the result says where it stopped)."""
    return Explorer(flow, budget=budget).run()
