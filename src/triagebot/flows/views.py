"""What a session adds up to, as a clinician reads it: the outcome reached with the lines
that apply, values with their labels and units, placeholders filled, answers described.

Read off a :class:`~triagebot.flows.engine.Session` (its answers and computed values);
nothing here changes it. ``Session.outcome()``, ``fill``, ``display``... call these.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triagebot.flows.answers import AnswerValue
from triagebot.flows.catalog import with_unit, words
from triagebot.flows.compiler import OUTCOME_VARIABLE, PLACEHOLDER_NAME
from triagebot.flows.expr import EvaluationError, Expr, Unavailable, Value
from triagebot.flows.questions import type_of
from triagebot.flows.schema import (
    OUTCOME_SECTIONS,
    OutcomeNode,
    Question,
    QuestionBase,
)

if TYPE_CHECKING:
    from triagebot.flows.engine import Session


@dataclass(frozen=True, slots=True)
class RenderedItem:
    """An outcome line as shown: placeholders filled, its citation resolved."""

    text: str
    doc: str
    """The cited source's id (for records; never shown: ``cited`` is)."""
    section: str
    cited: str = ""
    """The source's short title, as a citation shows it (:attr:`Source.cited`)."""


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


@contextmanager
def placed(session: Session) -> Iterator[None]:
    """An expression that fails (:class:`EvaluationError`, a FlowRuntimeError) leaves
    with its place in the flow file; the session is unchanged."""
    try:
        yield
    except EvaluationError as error:
        raise session.flow.place(error) from None


def computed_values(session: Session) -> dict[str, Value | None]:
    """Every computed value on this path; None where an input is missing or unknown."""
    values: dict[str, Value | None] = {}
    with placed(session):
        for name in session.flow.computed:
            try:
                values[name] = session.env.lookup(name)
            except Unavailable:
                values[name] = None
    return values


def outcome_of(session: Session) -> OutcomeView | None:
    """The outcome reached, with only the lines that apply; None before the end."""
    node = session.node
    if not isinstance(node, OutcomeNode):
        return None
    outcome_id = session.current
    session.env.extra[OUTCOME_VARIABLE] = outcome_id
    try:
        with placed(session):
            sections = {
                section: tuple(_rendered(session, outcome_id, section))
                for section in OUTCOME_SECTIONS
            }
    finally:
        session.env.extra.pop(OUTCOME_VARIABLE, None)
    return OutcomeView(
        id=outcome_id,
        urgency=node.urgency,
        title=node.title,
        summary=None if node.summary is None else fill(session, node.summary),
        reasons=sections["reasons"],
        actions=sections["actions"],
        evidence=sections["evidence"],
        safety_netting=sections["safety_netting"],
        shown=tuple(shown_value(session, name) for name in node.show),
    )


def _rendered(session: Session, outcome_id: str, section: str) -> Iterator[RenderedItem]:
    node = session.flow.flow.nodes[outcome_id]
    assert isinstance(node, OutcomeNode)
    cited = {source.id: source.cited for source in session.flow.flow.sources}
    for index in range(len(getattr(node, section))):
        compiled = session.flow.items[(outcome_id, section, index)]
        if compiled.condition is not None and not _holds(session, compiled.condition):
            continue
        citation = compiled.item.source
        text = fill(session, compiled.item.text)
        yield RenderedItem(text, citation.doc, citation.section, cited[citation.doc])


def _holds(session: Session, condition: Expr) -> bool:
    try:
        return bool(condition.evaluate(session.env))
    except Unavailable:
        # A line about a value this path never asked for does not apply.
        return False


def fill(session: Session, text: str) -> str:
    """Replace ``{name}`` placeholders with values as shown."""
    result = text
    for name in set(_placeholders(text)):
        result = result.replace("{" + name + "}", display(session, name))
    return result


def shown_value(session: Session, name: str) -> ShownValue:
    computed = session.flow.flow.computed.get(name)
    label = computed.label if computed else _question_label(session, name)
    try:
        with placed(session):
            value: Value | None = session.env.lookup(name)
    except Unavailable:
        value = None
    return ShownValue(name, label, value, display(session, name))


def _question_label(session: Session, name: str) -> str:
    node = session.flow.nodes.get(name)
    return node.prompt if isinstance(node, QuestionBase) else name


def display(session: Session, name: str) -> str:
    """A value as a clinician reads it: labels for options, units and decimals for numbers."""
    lang = session.flow.language
    try:
        with placed(session):
            value = session.env.lookup(name)
    except Unavailable as missing:
        said = words(lang)
        return said.unknown if missing.reason == "unknown" else said.not_available
    computed = session.flow.flow.computed.get(name)
    if computed is None:
        assert not isinstance(value, bool)
        return describe_answer(session.flow.question(name), value, lang)
    if isinstance(value, str):
        return computed.labels.get(value, value)
    assert isinstance(value, int | float)
    number = round(float(value), computed.decimals) if computed.decimals else round(value)
    return with_unit(number, computed.unit, computed.unit_one, lang)


def describe_answer(question: Question, value: AnswerValue, lang: str | None = None) -> str:
    """An answer as shown in a transcript: option labels, numbers with their unit, yes/no
    and numbers in ``lang`` (default English)."""
    return type_of(question).describe(question, value, lang)


def _placeholders(text: str) -> list[str]:
    return PLACEHOLDER_NAME.findall(text)
