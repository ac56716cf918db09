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

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from weakref import WeakKeyDictionary

from transitions import EventData, Machine

from triagebot.flows.answers import AnswerError, AnswerValue, format_number, parse_answer
from triagebot.flows.catalog import DEFAULT_LANGUAGE, words
from triagebot.flows.compiler import (
    OUTCOME_VARIABLE,
    PLACEHOLDER_NAME,
    CompiledFlow,
    collection_paused,
    with_language,
)
from triagebot.flows.expr import EvaluationError, Expr, Unavailable, Value

# Re-exported: front ends catch it from here, as before it moved next to EvaluationError.
from triagebot.flows.expr import FlowRuntimeError as FlowRuntimeError  # noqa: PLC0414
from triagebot.flows.schema import (
    OUTCOME_SECTIONS,
    UNKNOWN,
    ChoiceQuestion,
    GroupNode,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    Question,
    YesNoQuestion,
)

TRIGGER = "answer"
SKIP = "skip"
"""The trigger that passes over a group's ``another`` question in its last round."""
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Step:
    """One node passed on the current path, with the answer given there."""

    node: str
    value: AnswerValue | None
    at: datetime
    carried: bool = False
    """Re-used from before an edit rather than asked again."""
    round: int | None = None
    """The round (1-based) for a member of a repeated group; None outside groups."""


@dataclass(frozen=True, slots=True)
class Change:
    """An earlier answer the user changed."""

    question: str
    old: AnswerValue
    new: AnswerValue
    at: datetime
    round: int | None = None
    """The round of the entry changed, for a member of a repeated group."""


@dataclass(frozen=True, slots=True)
class Superseded:
    """An answer that no longer applies because an earlier answer changed."""

    question: str
    value: AnswerValue
    at: datetime
    round: int | None = None
    """The round the answer was given in, for a member of a repeated group."""


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """Something a user did to a session, as listeners see it once it has taken effect.

    ``answer``: ``node`` was answered with ``value`` (None for an info message acknowledged);
    ``back``: the user went back to ``node``; ``edit``: the earlier answer to ``node`` was
    changed to ``value``; ``language``: the session now speaks ``value`` (a language code),
    at ``node`` (see :func:`triagebot.flows.languages.switch_language`).
    """

    kind: Literal["answer", "back", "edit", "language"]
    node: str
    value: AnswerValue | None
    at: datetime
    round: int | None = None
    """The round of ``node`` for a member of a repeated group (None outside groups)."""


Listener = Callable[["Session", SessionEvent], None]
"""Called after each answer, back and edit that changed the session (e.g. a journal)."""


@dataclass(frozen=True, slots=True)
class EditResult:
    """What an edit did: answers carried over unchanged, and answers that no longer apply."""

    carried: tuple[str, ...]
    dropped: tuple[str, ...]
    carried_rounds: tuple[int | None, ...] = ()
    """The round of each carried answer, in the same order (None outside groups)."""
    dropped_rounds: tuple[int | None, ...] = ()
    """The round of each dropped answer, in the same order (None outside groups)."""


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """Where the current node stands in a repeated group, for a UI to show."""

    group: str
    entry: str
    """What one entry is called (the group's ``entry``), e.g. "Branch"."""
    round: int
    """The current round, 1-based."""
    max: int
    """The most rounds."""
    language: str = DEFAULT_LANGUAGE
    """The language the label is worded in (the session's)."""

    @property
    def label(self) -> str:
        """E.g. "Branch 2 of up to 6"."""
        template = words(self.language).round_label
        return template.format(entry=self.entry, round=self.round, max=self.max)


@dataclass(frozen=True, slots=True)
class RenderedItem:
    """An outcome line as shown: placeholders filled, its citation resolved."""

    text: str
    doc: str
    section: str


@dataclass(frozen=True, slots=True)
class ShownValue:
    """A computed value or answer displayed with an outcome."""

    name: str
    label: str
    value: Value | None
    display: str


@dataclass(frozen=True, slots=True)
class OutcomeView:
    """An outcome as reached on this path: only the lines whose conditions hold."""

    id: str
    urgency: str
    title: str
    summary: str | None
    reasons: tuple[RenderedItem, ...]
    actions: tuple[RenderedItem, ...]
    evidence: tuple[RenderedItem, ...]
    safety_netting: tuple[RenderedItem, ...]
    shown: tuple[ShownValue, ...]


class _Condition:
    """A compiled condition in the shape transitions calls (``send_event=True``).

    Its ``__name__`` is the condition's text, which transitions' diagrams use as the label.
    """

    def __init__(self, condition: Expr, text: str) -> None:
        self.condition = condition
        self.__name__ = " ".join(text.split())  # one line, even from a folded YAML scalar

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, _MachineModel)
        return bool(self.condition.evaluate(model.session.env))


class _NewRound:
    """The first transition of a group's state: a round starts at ``start`` when the group
    is entered, or when the round just ended said yes to ``another`` and rounds remain."""

    def __init__(self, group_id: str, group: GroupNode) -> None:
        self.group_id = group_id
        self.__name__ = round_label(group)

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, _MachineModel)
        return model.session._starts_round(self.group_id)


class _LastRound:
    """The ``skip`` transition of ``another``: taken in the last round, where it is not asked."""

    def __init__(self, group: GroupNode) -> None:
        self.max = group.max
        self.__name__ = skip_label(group)

    def __call__(self, event: EventData) -> bool:
        model = event.model
        assert isinstance(model, _MachineModel)
        return model.session.round == self.max


def round_label(group: GroupNode) -> str:
    """How the edge from a group to its ``start`` reads (diagrams use it)."""
    return f"round 1, or {group.another} == 'yes' (at most {group.max} rounds)"


def skip_label(group: GroupNode) -> str:
    """How the edge that passes over ``another`` in the last round reads."""
    return f"round {group.max} of {group.max}, not asked"


def transition_specs(compiled: CompiledFlow) -> list[dict[str, Any]]:
    """One transition per routing rule, in rule order (transitions tries them in order).

    A group's state first tries its new-round transition, then its ``next`` rules; each
    group's ``another`` has a ``skip`` transition to the group for the last round.
    """
    specs: list[dict[str, Any]] = []
    for node_id, rules in compiled.routes.items():
        group = compiled.groups.get(node_id)
        if group is not None:
            new_round = _NewRound(node_id, group)
            specs.append(
                {
                    "trigger": TRIGGER,
                    "source": node_id,
                    "dest": group.start,
                    "conditions": [new_round],
                }
            )
        for rule in rules:
            spec: dict[str, Any] = {"trigger": TRIGGER, "source": node_id, "dest": rule.goto}
            if rule.condition is not None:
                spec["conditions"] = [_Condition(rule.condition, rule.text or "")]
            specs.append(spec)
    for group_id, group in compiled.groups.items():
        specs.append(
            {
                "trigger": SKIP,
                "source": group.another,
                "dest": group_id,
                "conditions": [_LastRound(group)],
            }
        )
    return specs


_machines: WeakKeyDictionary[CompiledFlow, Machine] = WeakKeyDictionary()
"""The one Machine of each compiled flow, shared by its sessions (gone with the flow)."""


def machine_of(compiled: CompiledFlow) -> Machine:
    """The flow's Machine, built on first use. It holds no model: each session keeps its
    own state on its :class:`_MachineModel` and fires the Machine's events on it, so a
    Machine keeps no session alive and a batch of sessions builds it once."""
    machine = _machines.get(compiled)
    if machine is None:
        with collection_paused():
            machine = Machine(
                model=None,
                states=list(compiled.nodes),
                transitions=transition_specs(compiled),
                initial=compiled.flow.start,
                auto_transitions=False,
                send_event=True,
                model_attribute="state",
            )
        _machines[compiled] = machine
    return machine


class _MachineModel:
    """What transitions decorates (state, trigger, is_<state>): kept apart from Session so
    none of transitions' generated names can shadow a Session method."""

    state: str

    def __init__(self, session: Session, machine: Machine, initial: str) -> None:
        self.session = session
        self.machine = machine
        self.state = initial

    def trigger(self, name: str) -> bool:
        """Fire the shared Machine's event ``name`` on this session; whether it moved."""
        return bool(self.machine.events[name].trigger(self))

    def go_to(self, state: str) -> None:
        """Put this session at ``state`` without a transition (undo, back, edit)."""
        self.machine.set_state(state, model=self)


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
        return self._session._entries.get(group, ())


_Undo = tuple[str, str, dict[str, AnswerValue]]
"""How a group was passed during one move: ("ended" | "entered", group, the entry)."""


class Session:
    """One run through a flow: the current node, the answers, back and edit, the outcome."""

    def __init__(self, compiled: CompiledFlow, clock: Clock = utc_now) -> None:
        self.flow = compiled
        self.clock = clock
        self.started_at = clock()
        self.finished_at: datetime | None = None
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
        self._entries: dict[str, list[dict[str, AnswerValue]]] = {}
        self._inside: tuple[str, int] | None = None
        self._entering: str | None = None
        self._model = _MachineModel(self, machine_of(compiled), compiled.flow.start)
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
        if isinstance(node, YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion):
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
        if self._inside is not None and self.current in self.flow.group_of:
            return self._inside[1]
        return None

    @property
    def round_info(self) -> RoundInfo | None:
        """The current node's group, round and most rounds; None outside groups."""
        if self._inside is None or self.current not in self.flow.group_of:
            return None
        group_id, number = self._inside
        group = self.flow.groups[group_id]
        return RoundInfo(group_id, group.entry, number, group.max, self.flow.language)

    def entries(self, group: str) -> list[dict[str, AnswerValue]]:
        """The completed entries of a group on this path, in round order (member -> answer;
        a member not asked in a round is absent). The round in progress is not among them:
        its answers are in :attr:`answers` until it ends."""
        return [dict(entry) for entry in self._entries.get(group, ())]

    def completed_groups(self) -> dict[str, list[dict[str, AnswerValue]]]:
        """The groups entered and left on this path -> their entries (the session's own
        lists, not copies: read them, never change them)."""
        inside = None if self._inside is None else self._inside[0]
        return {group: entries for group, entries in self._entries.items() if group != inside}

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
        self._advance(value, carried=False)
        step = self.steps[-1]
        self._notify(SessionEvent("answer", node_id, value, step.at, step.round))

    def _notify(self, event: SessionEvent) -> None:
        for listener in list(self.listeners):
            listener(self, event)

    def _advance(self, value: AnswerValue | None, carried: bool) -> None:
        node_id = self.current
        number = self.round
        inside = self._inside
        undo: list[_Undo] = []
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

    def _pass_over(self, undo: list[_Undo]) -> None:
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

    def _at_group(self, group_id: str, group: GroupNode, undo: list[_Undo]) -> None:
        """End the round in progress (or enter the group) and take the group's transition."""
        if self._inside is not None and self._inside[0] == group_id:
            entry = {m: self.answers.pop(m) for m in group.nodes if m in self.answers}
            self._entries[group_id].append(entry)
            undo.append(("ended", group_id, entry))
        else:
            if group_id in self._entries:
                raise FlowRuntimeError(
                    f"flow '{self.flow.id}' comes back to group '{group_id}', already passed "
                    "on this path"
                )
            self._entries[group_id] = []
            undo.append(("entered", group_id, {}))
            self._entering = group_id
        self._inside = None
        self.env.clear()
        try:
            moved = self._model.trigger(TRIGGER)
        except Unavailable as missing:
            raise FlowRuntimeError(
                f"flow '{self.flow.id}' cannot route from '{group_id}': {missing} on this path"
            ) from None
        finally:
            self._entering = None
        if not moved:
            raise FlowRuntimeError(
                f"flow '{self.flow.id}': no routing rule of '{group_id}' matched"
            )
        if self.current in group.nodes:
            self._inside = (group_id, len(self._entries[group_id]) + 1)

    def _starts_round(self, group_id: str) -> bool:
        if self._entering == group_id:
            return True
        group = self.flow.groups[group_id]
        entries = self._entries[group_id]
        return (
            bool(entries) and entries[-1].get(group.another) == "yes" and len(entries) < group.max
        )

    def _take_back(self, node_id: str, inside: tuple[str, int] | None, undo: list[_Undo]) -> None:
        """Undo a move that failed: the groups it passed, the answer, the state."""
        for kind, group_id, entry in reversed(undo):
            if kind == "ended":
                self._entries[group_id].pop()
                self.answers.update(entry)
            else:
                del self._entries[group_id]
        self._inside = inside
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
            self._notify(event)
        return went_back

    def _pop_step(self) -> Step:
        """Remove the last step and its answer, reopening its round if that had ended."""
        step = self.steps.pop()
        group_id = self.flow.group_of.get(step.node)
        if group_id is None:
            if self._inside is not None:  # at round 1's start, nothing answered in the group
                del self._entries[self._inside[0]]
                self._inside = None
        elif self._inside != (group_id, step.round):
            entry = self._entries[group_id].pop()
            self.answers.update(entry)
            assert step.round is not None
            self._inside = (group_id, step.round)
        self.answers.pop(step.node, None)
        self.finished_at = None
        self.passed = ()
        return step

    def edit(self, question_id: str, raw: object, round: int | None = None) -> EditResult:
        """Change an earlier answer; re-ask only what the change makes necessary.

        The path is rewound to the question and followed again with the new answer. Later
        answers the new path still needs (the same question in the same round) are carried
        over unchanged; a question the new path reaches for the first time is asked;
        answers off the new path are superseded. A group's member is named by its
        ``round`` (which may be left out when it was answered in one round only):
        changing ``another`` from yes to no supersedes the later rounds, from no to yes
        opens a new round, asked afresh.
        """
        index = self._step_index(question_id, round)
        target = self.steps[index]
        question = self.flow.question(question_id)
        value = parse_answer(question, raw, self.flow.language)
        old = target.value
        assert old is not None
        later = {(step.node, step.round): step.value for step in self.steps[index + 1 :]}
        self._rewind_to(index)
        try:
            self._advance(value, carried=False)
        except FlowRuntimeError:
            self._replay_unchanged(old, later)
            raise
        if value != old:
            self.changes.append(Change(question_id, old, value, self.clock(), target.round))
        carried: list[tuple[str, int | None]] = []
        while not self.finished and (key := (self.current, self.round)) in later:
            self._advance(later.pop(key), carried=True)
            carried.append(key)
        now = self.clock()
        dropped = {key: kept for key, kept in later.items() if kept is not None}
        self.superseded.extend(
            Superseded(node, kept, now, number) for (node, number), kept in dropped.items()
        )
        self._notify(SessionEvent("edit", question_id, value, now, target.round))
        return EditResult(
            tuple(node for node, _ in carried),
            tuple(node for node, _ in dropped),
            tuple(number for _, number in carried),
            tuple(number for _, number in dropped),
        )

    def _replay_unchanged(
        self, old: AnswerValue, later: dict[tuple[str, int | None], AnswerValue | None]
    ) -> None:
        self._advance(old, carried=False)
        while not self.finished and (key := (self.current, self.round)) in later:
            self._advance(later.pop(key), carried=True)

    def _step_index(self, question_id: str, round: int | None) -> int:
        found = {
            step.round: index
            for index, step in reversed(list(enumerate(self.steps)))
            if step.node == question_id and step.value is not None
        }
        if not found:
            raise AnswerError(words(self.flow.language).not_answered.format(question=question_id))
        group = self.flow.group_of.get(question_id)
        if group is None:
            if round is not None:
                raise AnswerError(f"'{question_id}' is not in a repeated group: it has no rounds")
            return found[None]
        if round is None:
            if len(found) == 1:
                return next(iter(found.values()))
            rounds = ", ".join(str(number) for number in sorted(found, key=lambda n: n or 0))
            raise AnswerError(
                f"'{question_id}' was answered in rounds {rounds} of group '{group}': "
                "say which round to change"
            )
        if round not in found:
            raise AnswerError(
                f"'{question_id}' has no answer in round {round} of group '{group}' on this path"
            )
        return found[round]

    def _rewind_to(self, index: int) -> None:
        """Back to just before step ``index``, its node current again."""
        node = self.steps[index].node
        while len(self.steps) > index:
            self._pop_step()
        self._model.go_to(node)
        self.env.clear()

    # --- what it adds up to -----------------------------------------------------------

    @contextmanager
    def _placed(self) -> Iterator[None]:
        """An expression that fails (:class:`EvaluationError`, a FlowRuntimeError) leaves
        with its place in the flow file; the session is unchanged."""
        try:
            yield
        except EvaluationError as error:
            raise self.flow.place(error) from None

    def computed_values(self) -> dict[str, Value | None]:
        """Every computed value on this path; None where an input is missing or unknown."""
        values: dict[str, Value | None] = {}
        with self._placed():
            for name in self.flow.computed:
                try:
                    values[name] = self.env.lookup(name)
                except Unavailable:
                    values[name] = None
        return values

    def outcome(self) -> OutcomeView | None:
        """The outcome reached, with only the lines that apply; None before the end."""
        node = self.node
        if not isinstance(node, OutcomeNode):
            return None
        outcome_id = self.current
        self.env.extra[OUTCOME_VARIABLE] = outcome_id
        try:
            with self._placed():
                sections = {
                    section: tuple(self._rendered(outcome_id, section))
                    for section in OUTCOME_SECTIONS
                }
        finally:
            self.env.extra.pop(OUTCOME_VARIABLE, None)
        return OutcomeView(
            id=outcome_id,
            urgency=node.urgency,
            title=node.title,
            summary=None if node.summary is None else self.fill(node.summary),
            reasons=sections["reasons"],
            actions=sections["actions"],
            evidence=sections["evidence"],
            safety_netting=sections["safety_netting"],
            shown=tuple(self.shown_value(name) for name in node.show),
        )

    def _rendered(self, outcome_id: str, section: str) -> Iterator[RenderedItem]:
        node = self.flow.flow.nodes[outcome_id]
        assert isinstance(node, OutcomeNode)
        for index in range(len(getattr(node, section))):
            compiled = self.flow.items[(outcome_id, section, index)]
            if compiled.condition is not None and not self._holds(compiled.condition):
                continue
            citation = compiled.item.source
            yield RenderedItem(self.fill(compiled.item.text), citation.doc, citation.section)

    def _holds(self, condition: Expr) -> bool:
        try:
            return bool(condition.evaluate(self.env))
        except Unavailable:
            # A line about a value this path never asked for does not apply.
            return False

    def fill(self, text: str) -> str:
        """Replace ``{name}`` placeholders with values as shown."""
        result = text
        for name in set(_placeholders(text)):
            result = result.replace("{" + name + "}", self.display(name))
        return result

    def shown_value(self, name: str) -> ShownValue:
        computed = self.flow.flow.computed.get(name)
        label = computed.label if computed else self._question_label(name)
        try:
            with self._placed():
                value: Value | None = self.env.lookup(name)
        except Unavailable:
            value = None
        return ShownValue(name, label, value, self.display(name))

    def _question_label(self, name: str) -> str:
        node = self.flow.nodes.get(name)
        return (
            node.prompt
            if isinstance(
                node, YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion
            )
            else name
        )

    def display(self, name: str) -> str:
        """A value as a clinician reads it: labels for options, units and decimals for numbers."""
        lang = self.flow.language
        try:
            with self._placed():
                value = self.env.lookup(name)
        except Unavailable as missing:
            said = words(lang)
            return said.unknown if missing.reason == "unknown" else said.not_available
        computed = self.flow.flow.computed.get(name)
        if computed is None:
            assert not isinstance(value, bool)
            return describe_answer(self.flow.question(name), value, lang)
        if isinstance(value, str):
            return computed.labels.get(value, value)
        assert isinstance(value, int | float)
        number = round(float(value), computed.decimals) if computed.decimals else round(value)
        unit = f" {computed.unit}" if computed.unit else ""
        return f"{format_number(number, lang)}{unit}"


def describe_answer(question: Question, value: AnswerValue, lang: str | None = None) -> str:
    """An answer as shown in a transcript: option labels, numbers with their unit, yes/no
    and numbers in ``lang`` (default English)."""
    if isinstance(question, YesNoQuestion):
        said = words(lang)
        return {"yes": said.yes, "no": said.no, "unsure": said.unsure}.get(str(value), str(value))
    if isinstance(question, ChoiceQuestion):
        return next(o.label for o in question.options if o.id == value)
    if isinstance(question, MultiChoiceQuestion):
        assert isinstance(value, tuple)
        labels = [o.label for o in question.options if o.id in value]
        return "; ".join(labels) if labels else question.none_label
    if isinstance(question, NumberQuestion):
        if value == UNKNOWN:
            return words(lang).unknown
        unit = f" {question.unit}" if question.unit else ""
        return f"{format_number(value, lang)}{unit}"  # type: ignore[arg-type]
    return str(value)


def _placeholders(text: str) -> list[str]:
    return PLACEHOLDER_NAME.findall(text)


def drive(compiled: CompiledFlow, answers: Mapping[str, object], clock: Clock = utc_now) -> Session:
    """Run a session exactly as a user would, answering each question asked from ``answers``.

    Answers for questions the path never asks are ignored; info messages are acknowledged.
    A repeated group's answers are a list of mappings under the group's id, one per round
    (``branches: [{branch_name: posterior, paced_qrs_ms: 142}, ...]``); its ``another``
    answers follow from the list's length (a mapping may give one, which must agree).
    Raises :class:`AnswerError` naming the question (and group and round) when an answer
    is missing or refused, or when a group's list does not fit the path.
    """
    lists = {
        group_id: _group_answers(compiled, group_id, answers[group_id])
        for group_id in compiled.groups
        if group_id in answers
    }
    session = Session(compiled, clock)
    passed: set[tuple[str, int | None]] = set()
    while not session.finished:
        if (session.current, session.round) in passed:
            # A loop (verify reports it): the same answers would go round it for ever.
            raise FlowRuntimeError(
                f"flow '{compiled.id}': the path comes back to '{session.current}', already "
                "passed on this path (a loop in the flow)"
            )
        passed.add((session.current, session.round))
        question = session.question
        if question is None:
            session.answer()
            continue
        node_id = session.current
        where = session.round_info
        if where is None:
            if node_id not in answers:
                raise AnswerError(f"no answer for question '{node_id}' ({question.prompt})")
            value = answers[node_id]
            context = f"question '{node_id}'"
        else:
            value = _round_answer(compiled, where, node_id, lists)
            context = f"group '{where.group}' entry {where.round}, question '{node_id}'"
        try:
            session.answer(value)
        except AnswerError as error:
            raise AnswerError(f"{context}: {error}") from None
    for group_id, entries in lists.items():
        done = len(session.entries(group_id))
        if done and done != len(entries):
            raise AnswerError(
                f"group '{group_id}': the flow left it after {done} "
                f"{_plural(done, 'entry', 'entries')} but the answers give {len(entries)}"
            )
    return session


def switch_language(session: Session, lang: str) -> Session:
    """Go on in ``lang``: the same session, its flow's text now in that language.

    Nothing is lost or re-asked: the machine, steps, answers, changes, superseded answers
    and listeners hold ids and values only, and the other language's CompiledFlow comes from
    the same file text (same ids, routing and sha256). Listeners hear a ``language`` event
    (a journal records it, so a resumed session comes back in ``lang``). Returns the session.
    Raises :class:`~triagebot.flows.compiler.LanguageError` when the flow lacks ``lang``.
    """
    if lang == session.flow.language:
        return session
    session.flow = with_language(session.flow, lang)
    session.env.clear()
    session._notify(SessionEvent("language", session.current, lang, session.clock()))
    return session


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _group_answers(
    compiled: CompiledFlow, group_id: str, given: object
) -> list[Mapping[str, object]]:
    """A group's list of entries from an answers mapping, checked for shape and length."""
    group = compiled.groups[group_id]
    how = f"a list of 1 to {group.max} mappings of member to answer, one per {group.entry.lower()}"
    if not isinstance(given, list | tuple):
        raise AnswerError(f"group '{group_id}' takes {how}")
    if not given:
        raise AnswerError(f"group '{group_id}' has an empty list: it takes {how}")
    if len(given) > group.max:
        raise AnswerError(
            f"group '{group_id}' has {len(given)} entries but at most {group.max} are asked"
        )
    for number, entry in enumerate(given, start=1):
        if not isinstance(entry, Mapping):
            raise AnswerError(f"group '{group_id}' entry {number} is not a mapping: it takes {how}")
    return list(given)


def _round_answer(
    compiled: CompiledFlow,
    where: RoundInfo,
    node_id: str,
    lists: dict[str, list[Mapping[str, object]]],
) -> object:
    """The answer to a member in a round, from the group's list; ``another`` from its length."""
    group = compiled.groups[where.group]
    entries = lists.get(where.group)
    if entries is None:
        raise AnswerError(
            f"no answers for group '{where.group}' ({group.entry}): give a list of mappings"
        )
    entry = entries[where.round - 1]
    if node_id == group.another:
        derived = "yes" if where.round < len(entries) else "no"
        if node_id in entry:
            given = parse_answer(compiled.question(node_id), entry[node_id])
            if given != derived:
                ends = "ends with" if derived == "no" else "goes on after"
                raise AnswerError(
                    f"group '{where.group}' entry {where.round}: '{node_id}' is '{given}' but "
                    f"the list {ends} this entry (another entry follows from the list's length)"
                )
        return derived
    if node_id not in entry:
        prompt = compiled.question(node_id).prompt
        raise AnswerError(
            f"no answer for question '{node_id}' ({prompt}) in group '{where.group}' "
            f"entry {where.round}"
        )
    return entry[node_id]
