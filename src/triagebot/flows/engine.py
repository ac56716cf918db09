"""The running side of a flow: a Session driving a ``transitions`` state machine.

A Session holds the answers on the current path and a Machine whose states are the flow's
nodes. Answering fires the one trigger, ``answer``; its transitions are the node's routing
rules, in order, with the compiled conditions as callables (never strings: transitions
would look a string up on the model or import it). The first rule that holds wins.

Bad input never changes a session: the answer is checked before anything moves, and if
routing fails the answer is taken back.

Repeated groups: the group's id is a state the session passes through, never rests at.
Arriving there from outside starts round 1; from inside it ends the round (the round's
answers become an entry), and the group's transitions decide: first a new round at
``start`` (when entering, or when ``another`` was yes and fewer than ``max`` rounds are
done), else the group's ``next`` rules. A second trigger, ``skip``, passes over
``another`` in the last round. Every step remembers its round, so back and edit work
inside rounds and across their boundaries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from triagebot.flows import editing, views
from triagebot.flows.answers import AnswerError, AnswerValue, parse_answer
from triagebot.flows.catalog import words
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import EvaluationError, Unavailable, Value

# Re-exported: front ends catch it from here, as before it moved next to EvaluationError.
from triagebot.flows.expr import FlowRuntimeError as FlowRuntimeError  # noqa: PLC0414
from triagebot.flows.groupentries import GroupEntries, Undo
from triagebot.flows.machine import SKIP, TRIGGER, session_model

# Re-exported: the shared Machine of a flow is found next to Session, as before.
from triagebot.flows.machine import machine_of as machine_of  # noqa: PLC0414
from triagebot.flows.schema import (
    UNKNOWN,
    GroupNode,
    InfoNode,
    OutcomeNode,
    Question,
    QuestionBase,
)

# Re-exported: front ends and the tests read a session's records from here.
from triagebot.flows.steps import Change as Change  # noqa: PLC0414
from triagebot.flows.steps import EditResult as EditResult  # noqa: PLC0414
from triagebot.flows.steps import RoundInfo as RoundInfo  # noqa: PLC0414
from triagebot.flows.steps import SessionEvent as SessionEvent  # noqa: PLC0414
from triagebot.flows.steps import Step as Step  # noqa: PLC0414
from triagebot.flows.steps import Superseded as Superseded  # noqa: PLC0414

# Re-exported: front ends read the outcome's parts and describe answers from here.
from triagebot.flows.views import OutcomeView as OutcomeView  # noqa: PLC0414
from triagebot.flows.views import RenderedItem as RenderedItem  # noqa: PLC0414
from triagebot.flows.views import ShownValue as ShownValue  # noqa: PLC0414
from triagebot.flows.views import describe_answer as describe_answer  # noqa: PLC0414

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


Listener = Callable[["Session", SessionEvent], None]
"""Called after each answer, back and edit that changed the session (e.g. a journal)."""


class SessionEnv:
    """Answers and computed values as expressions see them."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[str, Value | Unavailable] = {}
        self.extra: dict[str, Value] = {}

    def clear(self) -> None:
        self._cache.clear()

    def lookup(self, name: str) -> Value:
        if name in self.extra:
            return self.extra[name]
        answers = self._session.answers
        if name in answers:
            value = answers[name]
            if value == UNKNOWN and self._session.flow.types[name].kind.name == "NUMBER":
                raise Unavailable(name, "unknown")
            return value
        formula = self._session.flow.computed.get(name)
        if formula is None:
            raise Unavailable(name)
        if name not in self._cache:
            try:
                self._cache[name] = formula.evaluate(self)
            except Unavailable as missing:
                self._cache[name] = missing
        cached = self._cache[name]
        if isinstance(cached, Unavailable):
            raise Unavailable(name, f"needs {cached.name} ({cached.reason})")
        return cached

    def is_answered(self, name: str) -> bool:
        return name in self._session.answers

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        return self._session.groups.done.get(group, ())


class Session:
    """One run through a flow: the current node, the answers, back and edit, the outcome."""

    def __init__(
        self, compiled: CompiledFlow, clock: Clock = utc_now, *, rules: bool = False
    ) -> None:
        """``rules``: route straight from the compiled rules (batches: ``machine.RuleModel``)
        rather than on the flow's transitions Machine; the moves are the same."""
        self.flow = compiled
        self.clock = clock
        self.started_at = clock()
        self.finished_at: datetime | None = None
        self.patient: str | None = None
        """The patient reference the user typed (``flows.patient``); None: none given."""
        self.clinician: str | None = None
        """Who runs the session, where the front end knows it (``serve``'s proxy user);
        None: not known. Recorded in its transcripts, never guessed."""
        self.answers: dict[str, AnswerValue] = {}
        """The answers on the current path: every top-level question's, and the answers of
        the round in progress (completed rounds: :meth:`entries`)."""
        self.steps: list[Step] = []
        self.changes: list[Change] = []
        self.superseded: list[Superseded] = []
        self.env = SessionEnv(self)
        self.listeners: list[Listener] = []
        """Called in order after every answer, back and edit; an exception propagates to
        the caller, and the change it reports stands."""
        self.passed: tuple[str, ...] = ()
        """The groups the last move passed through (ending a round, entering or leaving)."""
        self.groups = GroupEntries(self)
        """The repeated groups' completed entries and the round in progress."""
        self._model = session_model(self, compiled, rules=rules)
        if compiled.groups:
            self._pass_over([])  # a flow may start at a group

    # --- where we are ---------------------------------------------------------------

    @property
    def current(self) -> str:
        """The id of the node on screen: a question, an info message or the outcome."""
        return self._model.state

    @property
    def node(self) -> Question | InfoNode | OutcomeNode:
        node = self.flow.node(self.current)
        assert not isinstance(node, GroupNode)  # a group's state is only passed through
        return node

    @property
    def question(self) -> Question | None:
        """The question being asked, or None at an info message or the outcome."""
        node = self.node
        if isinstance(node, QuestionBase):
            return node
        return None

    @property
    def finished(self) -> bool:
        return isinstance(self.node, OutcomeNode)

    @property
    def questions_answered(self) -> int:
        return sum(1 for step in self.steps if step.value is not None)

    @property
    def round(self) -> int | None:
        """The round (1-based) of the current node when it is a group's member, else None."""
        return self.groups.round_of(self.current)

    @property
    def round_info(self) -> RoundInfo | None:
        """The current node's group, round and most rounds; None outside groups."""
        return self.groups.info(self.current)

    def entries(self, group: str) -> list[dict[str, AnswerValue]]:
        """The completed entries of a group on this path, in round order (member -> answer;
        a member not asked in a round is absent). The round in progress is not among them:
        its answers are in :attr:`answers` until it ends."""
        return [dict(entry) for entry in self.groups.done.get(group, ())]

    def completed_groups(self) -> dict[str, list[dict[str, AnswerValue]]]:
        """The groups entered and left on this path -> their entries (the session's own
        lists, not copies: read them, never change them)."""
        return self.groups.completed()

    # --- moving -----------------------------------------------------------------------

    def answer(self, raw: object = None) -> None:
        """Answer the current question (or acknowledge an info message) and move on.

        Raises :class:`AnswerError` for a value the question does not accept; the session
        is then unchanged.
        """
        if self.finished:
            raise AnswerError(words(self.flow.language).flow_finished)
        question = self.question
        node_id = self.current
        value = None if question is None else parse_answer(question, raw, self.flow.language)
        self.advance(value, carried=False)
        step = self.steps[-1]
        self.notify(SessionEvent("answer", node_id, value, step.at, step.round))

    def notify(self, event: SessionEvent) -> None:
        """Tell every listener of ``event`` (a change made to the session from outside it,
        such as its language, is told this way too)."""
        for listener in list(self.listeners):
            listener(self, event)

    def advance(self, value: AnswerValue | None, carried: bool) -> None:
        """Move on from the current node with ``value`` (checked already), recording the
        step; ``carried`` marks an answer re-used by an edit. Listeners are not told."""
        node_id = self.current
        number = self.round
        inside = self.groups.inside
        undo: list[Undo] = []
        if value is not None:
            self.answers[node_id] = value
        self.env.clear()
        self.passed = ()
        try:
            moved = self._model.trigger(TRIGGER)
            if not moved:
                raise FlowRuntimeError(
                    f"flow '{self.flow.id}': no routing rule of '{node_id}' matched"
                )
            if self.flow.groups:
                self._pass_over(undo)
        except Unavailable as missing:
            self._take_back(node_id, inside, undo)
            raise FlowRuntimeError(
                f"flow '{self.flow.id}' cannot route from '{node_id}': {missing} on this path"
            ) from None
        except FlowRuntimeError as error:
            self._take_back(node_id, inside, undo)
            if isinstance(error, EvaluationError):
                self.flow.place(error)
            raise
        self.steps.append(Step(node_id, value, self.clock(), carried, number))
        if self.finished:
            self.finished_at = self.clock()

    def _pass_over(self, undo: list[Undo]) -> None:
        """Pass the states a session never rests at: a group's own state, and ``another``
        in the group's last round."""
        passed: list[str] = []
        while True:
            state = self.current
            group = self.flow.groups.get(state)
            if group is not None:
                passed.append(state)
                self.passed = tuple(passed)
                self._at_group(state, group, undo)
                continue
            owner = self.flow.group_of.get(state)
            is_another = owner is not None and self.flow.groups[owner].another == state
            # In the group's last round, skip passes over 'another' (not asked).
            if not (is_another and self._model.trigger(SKIP)):
                return

    def _at_group(self, group_id: str, group: GroupNode, undo: list[Undo]) -> None:
        """End the round in progress (or enter the group) and take the group's transition."""
        self.groups.end_or_enter(group_id, group, undo)
        self.env.clear()
        try:
            moved = self._model.trigger(TRIGGER)
        except Unavailable as missing:
            raise FlowRuntimeError(
                f"flow '{self.flow.id}' cannot route from '{group_id}': {missing} on this path"
            ) from None
        finally:
            self.groups.entering = None
        if not moved:
            raise FlowRuntimeError(
                f"flow '{self.flow.id}': no routing rule of '{group_id}' matched"
            )
        self.groups.arrived(group_id, group, self.current)

    def _take_back(self, node_id: str, inside: tuple[str, int] | None, undo: list[Undo]) -> None:
        """Undo a move that failed: the groups it passed, the answer, the state."""
        self.groups.take_back(undo, inside)
        self.answers.pop(node_id, None)
        self._model.go_to(node_id)
        self.passed = ()
        self.env.clear()

    def back(self) -> bool:
        """Go back one question (info messages are passed over); False at the start.

        Inside a group this crosses round boundaries: back from the first question of
        round 2 reopens round 1 at its ``another`` question.
        """
        went_back = False
        moved_to: Step | None = None
        while self.steps and not went_back:
            moved_to = self._pop_step()
            went_back = moved_to.value is not None
        if moved_to is not None:
            # Also when only info messages were passed over: the session did move.
            self._model.go_to(moved_to.node)
            self.env.clear()
            event = SessionEvent("back", moved_to.node, None, self.clock(), moved_to.round)
            self.notify(event)
        return went_back

    def _pop_step(self) -> Step:
        """Remove the last step and its answer, reopening its round if that had ended."""
        step = self.steps.pop()
        self.groups.reopen(step)
        self.answers.pop(step.node, None)
        self.finished_at = None
        self.passed = ()
        return step

    def edit(self, question_id: str, raw: object, round: int | None = None) -> EditResult:
        """Change an earlier answer; re-ask only what the change makes necessary
        (:func:`triagebot.flows.editing.edit` says how)."""
        return editing.edit(self, question_id, raw, round)

    def rewind_to(self, index: int) -> None:
        """Back to just before step ``index``, its node current again."""
        node = self.steps[index].node
        while len(self.steps) > index:
            self._pop_step()
        self._model.go_to(node)
        self.env.clear()

    # --- what it adds up to (triagebot.flows.views) ----------------------------------

    def computed_values(self) -> dict[str, Value | None]:
        """Every computed value on this path; None where an input is missing or unknown."""
        return views.computed_values(self)

    def outcome(self) -> OutcomeView | None:
        """The outcome reached, with only the lines that apply; None before the end."""
        return views.outcome_of(self)

    def fill(self, text: str) -> str:
        """Replace ``{name}`` placeholders with values as shown."""
        return views.fill(self, text)

    def shown_value(self, name: str) -> ShownValue:
        """A computed value or answer as displayed with an outcome."""
        return views.shown_value(self, name)

    def display(self, name: str) -> str:
        """A value as a clinician reads it: labels for options, units and decimals for numbers."""
        return views.display(self, name)
