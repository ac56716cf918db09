"""The running side of a flow: a Session driving a ``transitions`` state machine.

A Session holds the answers on the current path and a Machine whose states are the flow's
nodes. Answering fires the one trigger, ``answer``; its transitions are the node's routing
rules, in order, with the compiled conditions as callables (never strings: transitions
would look a string up on the model or import it). The first rule that holds wins.

Bad input never changes a session: the answer is checked before anything moves, and if
routing fails the answer is taken back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from transitions import EventData, Machine

from triagebot.flows.answers import AnswerError, AnswerValue, format_number, parse_answer
from triagebot.flows.catalog import words
from triagebot.flows.compiler import (
    OUTCOME_VARIABLE,
    PLACEHOLDER_NAME,
    CompiledFlow,
    collection_paused,
    with_language,
)
from triagebot.flows.expr import Expr, Unavailable, Value
from triagebot.flows.schema import (
    UNKNOWN,
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    Question,
    YesNoQuestion,
)

TRIGGER = "answer"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class FlowRuntimeError(RuntimeError):
    """The flow itself is faulty on this path (the verifier exists to make this impossible)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One node passed on the current path, with the answer given there."""

    node: str
    value: AnswerValue | None
    at: datetime
    carried: bool = False
    """Re-used from before an edit rather than asked again."""


@dataclass(frozen=True, slots=True)
class Change:
    """An earlier answer the user changed."""

    question: str
    old: AnswerValue
    new: AnswerValue
    at: datetime


@dataclass(frozen=True, slots=True)
class Superseded:
    """An answer that no longer applies because an earlier answer changed."""

    question: str
    value: AnswerValue
    at: datetime


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


Listener = Callable[["Session", SessionEvent], None]
"""Called after each answer, back and edit that changed the session (e.g. a journal)."""


@dataclass(frozen=True, slots=True)
class EditResult:
    """What an edit did: answers carried over unchanged, and answers that no longer apply."""

    carried: tuple[str, ...]
    dropped: tuple[str, ...]


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


def transition_specs(compiled: CompiledFlow) -> list[dict[str, Any]]:
    """One transition per routing rule, in rule order (transitions tries them in order)."""
    specs: list[dict[str, Any]] = []
    for node_id, rules in compiled.routes.items():
        for rule in rules:
            spec: dict[str, Any] = {"trigger": TRIGGER, "source": node_id, "dest": rule.goto}
            if rule.condition is not None:
                spec["conditions"] = [_Condition(rule.condition, rule.text or "")]
            specs.append(spec)
    return specs


def _specs_for(compiled: CompiledFlow) -> list[dict[str, Any]]:
    if "transition_specs" not in compiled.cache:
        compiled.cache["transition_specs"] = transition_specs(compiled)
    specs: list[dict[str, Any]] = compiled.cache["transition_specs"]
    return specs


class _MachineModel:
    """What transitions decorates (state, trigger, is_<state>): kept apart from Session so
    none of transitions' generated names can shadow a Session method."""

    state: str

    def __init__(self, session: Session) -> None:
        self.session = session


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


class Session:
    """One run through a flow: the current node, the answers, back and edit, the outcome."""

    def __init__(self, compiled: CompiledFlow, clock: Clock = utc_now) -> None:
        self.flow = compiled
        self.clock = clock
        self.started_at = clock()
        self.finished_at: datetime | None = None
        self.answers: dict[str, AnswerValue] = {}
        self.steps: list[Step] = []
        self.changes: list[Change] = []
        self.superseded: list[Superseded] = []
        self.env = SessionEnv(self)
        self.listeners: list[Listener] = []
        """Called in order after every answer, back and edit; an exception propagates to
        the caller, and the change it reports stands."""
        self._model = _MachineModel(self)
        with collection_paused():
            self._machine = Machine(
                model=self._model,
                states=list(compiled.flow.nodes),
                transitions=_specs_for(compiled),
                initial=compiled.flow.start,
                auto_transitions=False,
                send_event=True,
                model_attribute="state",
            )

    # --- where we are ---------------------------------------------------------------

    @property
    def current(self) -> str:
        """The id of the node on screen: a question, an info message or the outcome."""
        return self._model.state

    @property
    def node(self) -> Question | InfoNode | OutcomeNode:
        return self.flow.flow.nodes[self.current]

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
        self._notify(SessionEvent("answer", node_id, value, self.steps[-1].at))

    def _notify(self, event: SessionEvent) -> None:
        for listener in list(self.listeners):
            listener(self, event)

    def _advance(self, value: AnswerValue | None, carried: bool) -> None:
        node_id = self.current
        if value is not None:
            self.answers[node_id] = value
        self.env.clear()
        try:
            moved = self._model.trigger(TRIGGER)  # type: ignore[attr-defined]
        except Unavailable as missing:
            self._take_back(node_id)
            raise FlowRuntimeError(
                f"flow '{self.flow.id}' cannot route from '{node_id}': {missing} on this path"
            ) from None
        if not moved:
            self._take_back(node_id)
            raise FlowRuntimeError(f"flow '{self.flow.id}': no routing rule of '{node_id}' matched")
        self.steps.append(Step(node_id, value, self.clock(), carried))
        if self.finished:
            self.finished_at = self.clock()

    def _take_back(self, node_id: str) -> None:
        self.answers.pop(node_id, None)
        self.env.clear()

    def back(self) -> bool:
        """Go back one question (info messages are passed over); False at the start."""
        went_back = False
        moved_to: str | None = None
        while self.steps and not went_back:
            step = self.steps.pop()
            self.answers.pop(step.node, None)
            self._machine.set_state(step.node, model=self._model)
            self.finished_at = None
            self.env.clear()
            moved_to = step.node
            went_back = step.value is not None
        if moved_to is not None:
            # Also when only info messages were passed over: the session did move.
            self._notify(SessionEvent("back", moved_to, None, self.clock()))
        return went_back

    def edit(self, question_id: str, raw: object) -> EditResult:
        """Change an earlier answer; re-ask only what the change makes necessary.

        The path is rewound to the question and followed again with the new answer. Later
        answers the new path still needs are carried over unchanged; a question the new
        path reaches for the first time is asked; answers off the new path are superseded.
        """
        index = self._step_index(question_id)
        question = self.flow.question(question_id)
        value = parse_answer(question, raw, self.flow.language)
        old = self.steps[index].value
        assert old is not None
        later = {step.node: step.value for step in self.steps[index + 1 :]}
        self._rewind_to(index)
        try:
            self._advance(value, carried=False)
        except FlowRuntimeError:
            self._replay_unchanged(old, later)
            raise
        if value != old:
            self.changes.append(Change(question_id, old, value, self.clock()))
        carried = []
        while not self.finished and self.current in later:
            node = self.current
            self._advance(later.pop(node), carried=True)
            carried.append(node)
        now = self.clock()
        dropped = {node: kept for node, kept in later.items() if kept is not None}
        self.superseded.extend(Superseded(node, kept, now) for node, kept in dropped.items())
        self._notify(SessionEvent("edit", question_id, value, now))
        return EditResult(tuple(carried), tuple(dropped))

    def _replay_unchanged(self, old: AnswerValue, later: dict[str, AnswerValue | None]) -> None:
        self._advance(old, carried=False)
        while not self.finished and self.current in later:
            self._advance(later.pop(self.current), carried=True)

    def _step_index(self, question_id: str) -> int:
        for index, step in enumerate(self.steps):
            if step.node == question_id and step.value is not None:
                return index
        raise AnswerError(words(self.flow.language).not_answered.format(question=question_id))

    def _rewind_to(self, index: int) -> None:
        for step in self.steps[index:]:
            self.answers.pop(step.node, None)
        node = self.steps[index].node
        del self.steps[index:]
        self._machine.set_state(node, model=self._model)
        self.finished_at = None
        self.env.clear()

    # --- what it adds up to -----------------------------------------------------------

    def computed_values(self) -> dict[str, Value | None]:
        """Every computed value on this path; None where an input is missing or unknown."""
        values: dict[str, Value | None] = {}
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
            sections = {
                section: tuple(self._rendered(outcome_id, section))
                for section in ("reasons", "actions", "safety_netting")
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
            value: Value | None = self.env.lookup(name)
        except Unavailable:
            value = None
        return ShownValue(name, label, value, self.display(name))

    def _question_label(self, name: str) -> str:
        node = self.flow.flow.nodes.get(name)
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
    Raises :class:`AnswerError` naming the question when an answer is missing or refused.
    """
    session = Session(compiled, clock)
    while not session.finished:
        question = session.question
        if question is None:
            session.answer()
            continue
        node_id = session.current
        if node_id not in answers:
            raise AnswerError(f"no answer for question '{node_id}' ({question.prompt})")
        try:
            session.answer(answers[node_id])
        except AnswerError as error:
            raise AnswerError(f"question '{node_id}': {error}") from None
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
