"""The models of a flow file: what an author may write, each field documented.

The models check shape only (types, required fields, id patterns, no unknown keys).
Whether names refer to real nodes, whether expressions type-check, and whether the flow
is safe are later stages (``compiler`` and ``verify``), which report with positions too.

The models are frozen standard-library dataclasses, validated by pydantic: ``validator``
builds pydantic's validator from their annotations. A compiled flow is only these
dataclasses, so a flow read back from the compiled-flow cache (the TUI's start) never
imports pydantic (~50 ms). The constrained types the annotations name (``NodeId``,
``LocalText``...) are ordinary module-level ``Annotated`` types, so
``typing.get_type_hints(Flow)`` works; their pydantic parts are
:class:`~triagebot.flows.schema_fields.Constraint` markers, built only when pydantic first
reads them (the fields, :mod:`~triagebot.flows.schema_fields`; the sources,
:mod:`~triagebot.flows.schema_sources`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args

from triagebot.flows.catalog import DEFAULT_LANGUAGE

# Imported from here by many (the expression language, bounds, journal, transcript...).
from triagebot.flows.schema_fields import MAX_NUMBER as MAX_NUMBER  # noqa: PLC0414
from triagebot.flows.schema_fields import (
    MAX_ROUNDS,
    FlowId,
    FlowNumber,
    Languages,
    LocalText,
    NodeId,
    Strict,
    Text,
    all_of,
    context_languages,
    field_constraints,
    localized_default,
    validate_after,
    validate_before,
)
from triagebot.flows.schema_fields import validator as validator  # noqa: PLC0414
from triagebot.flows.schema_sources import Citation as Citation  # noqa: PLC0414
from triagebot.flows.schema_sources import ContentReview as ContentReview  # noqa: PLC0414
from triagebot.flows.schema_sources import Source as Source  # noqa: PLC0414

if TYPE_CHECKING:
    from pydantic import ValidationInfo

OUTCOME_SECTIONS = ("reasons", "actions", "evidence", "safety_netting")
"""An outcome's lists of lines, in the order every front end and export shows them."""

Urgency = Literal["emergency", "urgent", "soon", "routine", "none"]
"""How fast the outcome must be acted on, most urgent first."""

URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "urgent", "soon", "routine", "none")

YES_NO_VALUES = ("yes", "no")
UNSURE = "unsure"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Strict):
    """One routing rule: go to ``goto`` when ``when`` holds (or always, with no ``when``)."""

    when: Text | None = None
    """A condition in the expression language; omitted on the final default rule."""
    goto: NodeId
    """The node to go to."""
    note: Text | None = None
    """Why the rule is there; source ambiguities are recorded here, next to the rule. For
    the flow's authors and the verifier (a note marks an overlap as intended): never shown
    to a clinician, so written once, not per language."""


def _one_next_node_is_a_rule(value: object) -> object:
    return [{"goto": value}] if isinstance(value, str) else value


@dataclass(frozen=True, slots=True, kw_only=True)
class Option(Strict):
    """One choice of a choice or multi-choice question."""

    id: NodeId
    """The value recorded and used in conditions."""
    label: LocalText
    """What the clinician sees."""
    detail: LocalText | None = None
    """A longer explanation shown beside the label."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion(Strict):
    """A common value offered for a number question (the user may still type another)."""

    value: FlowNumber
    """The number offered."""
    label: LocalText
    """How it is usually described (e.g. "1 drip per second")."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionBase(Strict):
    """What every question carries."""

    prompt: LocalText
    """The question as shown, written for a busy clinician."""
    why: LocalText
    """Why we ask: one or two sentences."""
    source: Citation
    """Where the question comes from."""
    detail: LocalText | None = None
    """Definitions or examples shown with the question (e.g. which dermatomes)."""
    next: Routing
    """Where to go once answered."""


@dataclass(frozen=True, slots=True, kw_only=True)
class YesNoQuestion(QuestionBase):
    """A question answered yes or no (and ``unsure`` where allowed)."""

    type: Literal["yes_no"]
    allow_unsure: bool = False
    """Offer ``unsure``; for red-flag symptoms routing must treat it like ``yes``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceQuestion(QuestionBase):
    """A question answered with exactly one of its options."""

    type: Literal["choice"]
    options: Annotated[list[Option], field_constraints(min_length=2)]
    """The options, in the order shown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiChoiceQuestion(QuestionBase):
    """A question answered with any number of its options (none is a valid answer)."""

    type: Literal["multi_choice"]
    options: Annotated[list[Option], field_constraints(min_length=1)]
    """The options, in the order shown."""
    none_label: LocalText = "None of these"
    """How the empty answer is offered (default: the catalog's "None of these" in each of
    the flow's languages, see ``_default_none_label``)."""


def _default_none_label(data: Any, info: ValidationInfo) -> Any:
    if isinstance(data, dict) and "none_label" not in data:
        languages, chosen = context_languages(info)
        default = localized_default(languages, chosen, "none_of_these")
        data = {**data, "none_label": default}
    return data


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberQuestion(QuestionBase):
    """A question answered with a number in a unit and a range."""

    type: Literal["number"]
    unit: LocalText | None = None
    """The unit shown beside the input, e.g. ``mmol/L``; omitted for unitless values."""
    unit_one: LocalText | None = None
    """The unit's singular, shown with an answer that takes it (1; 0 too in French), e.g.
    ``bag`` beside ``unit: bags``: "1 bag", never "1 bags". Omitted: ``unit`` always."""
    min: FlowNumber
    """Smallest accepted value (inclusive)."""
    max: FlowNumber
    """Largest accepted value (inclusive)."""
    integer: bool = False
    """Accept whole numbers only."""
    allow_unknown: bool = False
    """Offer ``unknown`` (e.g. no lab value yet); conditions must then test ``known(x)``."""
    suggestions: list[Suggestion] = field(default_factory=list)
    """Common values offered as choices; any value in range may still be typed."""


def _range_is_ordered(question: NumberQuestion) -> NumberQuestion:
    if question.min > question.max:
        raise ValueError(f"min ({question.min}) is greater than max ({question.max})")
    return question


@dataclass(frozen=True, slots=True, kw_only=True)
class InfoNode(Strict):
    """A message shown to the clinician (e.g. a warning) before the flow goes on."""

    type: Literal["info"]
    text: LocalText
    """The message."""
    source: Citation
    """Where it comes from."""
    next: Routing
    """Where to go once acknowledged."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Item(Strict):
    """A line of an outcome: an action, a reason or a safety-net; may depend on answers.

    ``text`` may name answers and computed values in braces, e.g. ``{demul_score}``.
    """

    text: LocalText
    """What to do or why; ``{name}`` is replaced by that value as shown."""
    source: Citation
    """Where the line comes from."""
    when: Text | None = None
    """Show the line only when this condition holds."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeNode(Strict):
    """Where a flow ends: what to do, how urgently, and on what source."""

    type: Literal["outcome"]
    urgency: Urgency
    """How fast to act."""
    title: LocalText
    """One line saying what the outcome is."""
    summary: LocalText | None = None
    """A short paragraph; may name values in braces."""
    reasons: list[Item] = field(default_factory=list)
    """Why this outcome was reached, each line shown when its condition holds."""
    actions: list[Item] = field(default_factory=list)
    """What to do, each with its source."""
    evidence: list[Item] = field(default_factory=list)
    """What the source found that bears on the decision (a study's figures, a survey's
    reference values), shown under its own heading: evidence, never an action."""
    safety_netting: list[Item] = field(default_factory=list)
    """What to tell the patient and when to come back."""
    show: list[NodeId] = field(default_factory=list)
    """Computed values (and answers) to display with the outcome, in this order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupNode(Strict):
    """Questions asked again for each entry of a list, e.g. one round per branch tested.

    Entering the group (any rule elsewhere going to its id) starts round 1 at ``start``.
    Inside, a member's rules go to other members or to the group's own id, which ends
    the round: when ``another`` was answered yes and fewer than ``max`` rounds are done,
    the next round starts at ``start``; otherwise the flow leaves through ``next``. In
    round ``max`` the ``another`` question is not asked (nothing is recorded) and the
    round ends there.

    Outside the group a member's name is not a value (each round has its own answer):
    conditions and formulas read the completed entries through aggregates such as
    ``count_of(group)``, ``any_of(group, cond)`` or ``first_min(group, value, by=key)``.
    Inside, a member's own rules read this round's answers by name.
    """

    type: Literal["group"]
    entry: LocalText
    """What one entry is called; each round is shown as "Branch 2 of up to 6"."""
    max: Annotated[int, field_constraints(ge=1, le=MAX_ROUNDS)]
    """The most rounds (1 to ``MAX_ROUNDS``); ``another`` is not asked in the last."""
    start: NodeId
    """The member asked first in each round."""
    another: NodeId
    """A yes/no member that ends each round: yes starts another round. Its rules may
    only go to the group's own id."""
    source: Citation
    """Where the repeated questions come from."""
    why: LocalText | None = None
    """Why the entries are repeated (e.g. "one entry per branch tested")."""
    nodes: Annotated[dict[NodeId, Member], field_constraints(min_length=1)]
    """The members, by id (unique across the whole flow), asked in each round."""
    next: Routing
    """Where to go once the last round is over; conditions may use aggregates."""


AnyNode = (
    YesNoQuestion
    | ChoiceQuestion
    | MultiChoiceQuestion
    | NumberQuestion
    | InfoNode
    | OutcomeNode
    | GroupNode
)
"""Any node: a top-level node or a group's member."""

Question = YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion

QuestionTypeName = Literal["yes_no", "choice", "multi_choice", "number"]
"""The ``type`` of each model in ``Question``: what a transcript records as its kind, and
the name its module has in :mod:`triagebot.flows.questions`."""

NODE_TYPES: tuple[str, ...] = (*get_args(QuestionTypeName), "info", "outcome", "group")
"""The ``type`` of each model in ``AnyNode``, in the order an error lists them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Computed(Strict):
    """A value computed from answers (a score, a dose); unavailable when an input is."""

    label: LocalText
    """How the value is named when shown."""
    formula: Text
    """An expression over answers and other computed values."""
    unit: LocalText | None = None
    """The unit shown after the value."""
    unit_one: LocalText | None = None
    """The unit's singular, shown for a value that takes it (1; 0 too in French), e.g.
    ``point`` beside ``unit: points``, so a card never reads "1 points". Omitted: ``unit``
    whatever the value."""
    decimals: Annotated[int, field_constraints(ge=0, le=4)] = 0
    """Decimal places shown (the value itself is kept exact)."""
    labels: dict[str, LocalText] = field(default_factory=dict)
    """For a text value: how each possible value is shown (e.g. ``picu`` → "PICU ECMO")."""
    note: Text | None = None
    """How the formula was derived; source ambiguities are recorded here. For the flow's
    authors: never shown to a clinician, so written once, not per language."""
    source: Citation
    """Where the formula comes from."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Invariant(Strict):
    """A safety property that must hold on every path; proven by ``triagebot verify``."""

    name: NodeId
    """Short id, e.g. ``i1_core_symptom_means_mri``."""
    says: LocalText
    """The property in one sentence (shown in the verifier's report)."""
    holds: Text
    """A condition over answers, computed values and ``outcome`` that must be true."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow(Strict):
    """A clinical pathway: questions, routing, computed values and outcomes."""

    id: FlowId
    """Stable id used on the command line and in transcripts."""
    languages: Languages = field(default_factory=lambda: [DEFAULT_LANGUAGE])
    """The languages the flow's text is written in, the default first (e.g. ``[fr, en]``:
    French unless another is asked for). With more than one, every text a clinician reads
    is a mapping ``{fr: ..., en: ...}`` with exactly these languages. Default ``[en]``."""
    title: LocalText
    """Shown in the flow list and at the top of every transcript."""
    version: Text
    """The flow's own version (write it quoted: ``"1.0"``)."""
    audience: LocalText
    """Who the flow is for, e.g. "GP or any first-contact clinician"."""
    summary: LocalText | None = None
    """A paragraph on what the flow does and does not do."""
    disclaimer: LocalText
    """Shown at the start and in every export: decision support, not decision."""
    sources: Annotated[list[Source], field_constraints(min_length=1)]
    """The documents the flow rests on."""
    content_review: ContentReview
    """The flow's own sign-off and content review date (its sources' dates are their own)."""
    start: NodeId
    """The first node."""
    nodes: Annotated[dict[NodeId, Node], field_constraints(min_length=1)]
    """Every question, info message, outcome and repeated group, by id."""
    computed: dict[NodeId, Computed] = field(default_factory=dict)
    """Values computed from answers, by name."""
    invariants: list[Invariant] = field(default_factory=list)
    """Safety properties proven over every path by the verifier."""


Routing = Annotated[
    list[Rule], all_of(validate_before(_one_next_node_is_a_rule), field_constraints(min_length=1))
]
"""Either one next node (``next: node_id``), or ordered rules where the first that holds
wins."""
_Members = Union[  # noqa: UP007 (Annotated members: typing's Union, not |)
    YesNoQuestion,
    ChoiceQuestion,
    Annotated[MultiChoiceQuestion, validate_before(_default_none_label)],
    Annotated[NumberQuestion, validate_after(_range_is_ordered)],
    InfoNode,
]
Member = Annotated[_Members, field_constraints(discriminator="type")]
"""A node inside a repeated group: a question or an info message (no outcome, no group)."""
Node = Annotated[
    Union[_Members, OutcomeNode, GroupNode],  # noqa: UP007
    field_constraints(discriminator="type"),
]
"""Any top-level node, told apart by its ``type``."""
