"""The models of a flow file: what an author may write, each field documented.

The models check shape only (types, required fields, id patterns, no unknown keys).
Whether names refer to real nodes, whether expressions type-check, and whether the flow
is safe are later stages (``compiler`` and ``verify``), which report with positions too.

The models are frozen standard-library dataclasses, validated by pydantic: ``validator``
builds pydantic's validator from their annotations. A compiled flow is only these
dataclasses, so a flow read back from the compiled-flow cache (the TUI's start) never
imports pydantic (~50 ms). The constrained types the annotations name (``NodeId``,
``LocalText``...) are ordinary module-level ``Annotated`` types, so
``typing.get_type_hints(Flow)`` works; their pydantic parts are :class:`Constraint`
markers, built only when pydantic first reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar, Union

from triagebot.flows.catalog import DEFAULT_LANGUAGE, words

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter, ValidationInfo
    from pydantic_core import CoreSchema, PydanticCustomError


class Constraint:
    """``Annotated`` metadata standing for pydantic's own (``StringConstraints``,
    ``Field``, validators), built by ``build`` only when pydantic makes a validator: the
    models stay importable, and a compiled flow usable, without importing pydantic."""

    __slots__ = ("builds",)

    def __init__(self, *builds: Callable[[], tuple[object, ...]]) -> None:
        self.builds = builds

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """The schema of ``source`` under the metadata ``build`` makes (pydantic's hook)."""
        built = [part for build in self.builds for part in build()]
        return handler.generate_schema(Annotated[(source, *built)])


def _all(*constraints: Constraint) -> Constraint:
    """The constraints applied in order, as one marker (pydantic reads one marker's schema
    without the markers before it)."""
    return Constraint(*(build for constraint in constraints for build in constraint.builds))


def _strings(**keywords: object) -> Constraint:
    """Pydantic's ``StringConstraints(**keywords)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import StringConstraints  # noqa: PLC0415 (validating only)

        return (StringConstraints(**keywords),)  # type: ignore[arg-type]

    return Constraint(build)


def _field(**keywords: object) -> Constraint:
    """Pydantic's ``Field(**keywords)`` (lengths, bounds, a discriminator), built when
    validating."""

    def build() -> tuple[object, ...]:
        from pydantic import Field  # noqa: PLC0415 (validating only)

        return (Field(**keywords),)  # type: ignore[call-overload]

    return Constraint(build)


def _before(function: Callable[..., Any]) -> Constraint:
    """Pydantic's ``BeforeValidator(function)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import BeforeValidator  # noqa: PLC0415 (validating only)

        return (BeforeValidator(function),)

    return Constraint(build)


def _after(function: Callable[..., Any]) -> Constraint:
    """Pydantic's ``AfterValidator(function)``, built when validating."""

    def build() -> tuple[object, ...]:
        from pydantic import AfterValidator  # noqa: PLC0415 (validating only)

        return (AfterValidator(function),)

    return Constraint(build)


MAX_TEXT = 4000

MAX_NUMBER = 1e15
"""The largest size of a number a flow may write (ranges, suggestions, constants in
expressions) and an expression may compute: past 10^15 a double no longer counts every
whole number, and no clinical quantity comes near it. NaN and infinities are refused."""

MAX_ROUNDS = 12
"""The most rounds a repeated group may declare (its ``max``). A clinician records a
handful of entries in one sitting (the CRT study tested 2 or 3 branches a patient, the
flow allows 6), and the verifier walks every round: twelve keeps ``triagebot verify``
within its budget while leaving room; a larger ``max`` (``1000000000`` once took 5.9 GB)
is an error when the flow is loaded."""

LANGUAGES_CONTEXT = "languages"
"""Validation context key: the flow's declared languages (None when they are malformed)."""
LANGUAGE_CONTEXT = "language"
"""Validation context key: the language to compile the flow's text in."""

TRANSLATION_ERROR = "translation"
"""The pydantic error type of a localized text that does not fit the flow's languages; its
``ctx["problems"]`` lists ``(language key or None, message)``, placed at that key."""


def _context_languages(info: ValidationInfo) -> tuple[tuple[str, ...] | None, str]:
    """The flow's languages and the one being compiled, from the validation context."""
    context = info.context if isinstance(info.context, Mapping) else {}
    languages = context.get(LANGUAGES_CONTEXT, (DEFAULT_LANGUAGE,))
    chosen = context.get(LANGUAGE_CONTEXT) or (languages[0] if languages else DEFAULT_LANGUAGE)
    return languages, chosen


def _is_text(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= MAX_TEXT


def _translation_error(problems: list[tuple[str | None, str]]) -> PydanticCustomError:
    from pydantic_core import PydanticCustomError  # noqa: PLC0415 (validating only)

    summary = "; ".join(message for _, message in problems)
    return PydanticCustomError(
        TRANSLATION_ERROR, "{summary}", {"summary": summary, "problems": problems}
    )


def _in_language(value: object, info: ValidationInfo) -> object:
    """A localized text in the language being compiled, after checking its translations.

    In a one-language flow the text is a plain string; in a flow of several languages it is
    a mapping with exactly the flow's languages, each a non-empty text. Every language is
    checked whichever is compiled, so a missing translation fails every load of the file.
    """
    languages, chosen = _context_languages(info)
    if languages is None:  # the flow's own `languages` is malformed and reported there
        if isinstance(value, dict):
            return value.get(chosen, next(iter(value.values()), value))
        return value
    listed = ", ".join(languages)
    if len(languages) == 1:
        if isinstance(value, dict):
            raise _translation_error(
                [
                    (
                        None,
                        "is a mapping of languages, but this flow has one language "
                        f"({listed}): write plain text, or declare them all in 'languages'",
                    )
                ]
            )
        return value
    if not isinstance(value, dict):
        if not isinstance(value, str):
            return value  # not text at all: the str validation says so
        mapping = ", ".join(f"{code}: ..." for code in languages)
        missing = " or ".join(f"'{code}'" for code in languages)
        raise _translation_error([(None, f"has no {missing} text: write it as {{{mapping}}}")])
    problems: list[tuple[str | None, str]] = [
        (str(key), f"has '{key}' text, but '{key}' is not a language of this flow ({listed})")
        for key in value
        if key not in languages
    ]
    problems += [(None, f"has no '{code}' text") for code in languages if code not in value]
    problems += [
        (code, f"has an empty or non-text '{code}' text")
        for code in languages
        if code in value and code != chosen and not _is_text(value[code])
    ]
    if problems:
        raise _translation_error(problems)
    return value[chosen]


def localized_default(languages: Sequence[str] | None, chosen: str, word: str) -> object:
    """A catalog word as a field default, written the way the flow writes its own text."""
    if languages is None or len(languages) == 1:
        return getattr(words(chosen), word)
    return {code: getattr(words(code), word) for code in languages}


OUTCOME_SECTIONS = ("reasons", "actions", "evidence", "safety_netting")
"""An outcome's lists of lines, in the order every front end and export shows them."""

Urgency = Literal["emergency", "urgent", "soon", "routine", "none"]
"""How fast the outcome must be acted on, most urgent first."""

URGENCY_ORDER: tuple[Urgency, ...] = ("emergency", "urgent", "soon", "routine", "none")

YES_NO_VALUES = ("yes", "no")
UNSURE = "unsure"
UNKNOWN = "unknown"


class Strict:
    """Base of every flow model: unknown keys are errors and models never change (each is
    a record, a frozen dataclass; fields by keyword, so a subclass may add fields with no default
    after its base's defaulted ones)."""

    __pydantic_config__: ClassVar[dict[str, object]] = {
        "extra": "forbid",
        "str_strip_whitespace": True,
    }
    """Pydantic's config for a standard dataclass (a ``ConfigDict``, a plain dict here)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Source(Strict):
    """A source document a flow rests on."""

    id: NodeId
    """Short id that citations refer to, e.g. ``wy_ces_pathway``."""
    title: Text
    """Full title as the document gives it."""
    file: Text
    """The seed file name the text was taken from, e.g. ``004_839aa3e4ff605091.txt``."""
    version: Text
    """The document's own version or publication date, as printed."""
    review: Text | None = None
    """The document's review date exactly as it prints it (e.g. "January 2027 (or as NICE
    guidance changes)"). Omit it when the document prints none: it is then shown as "none
    stated", never invented."""
    review_date: date | None = None
    """The day from which the flow counts the document as due for review, read from
    ``review`` conservatively (2027-01-01 for "January 2027"); past it the flow still runs
    but says so. Only with ``review``: a date the document does not state is never set."""
    evidence: Literal["guideline", "policy", "survey", "study", "review", "lecture"]
    """What kind of evidence it is. A ``survey`` reports practice, never a standard."""
    note: LocalText | None = None
    """Anything a reader must know about the source (e.g. "reported practice, n = 69");
    shown with the source, so written in the flow's languages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentReview(Strict):
    """The flow's own content review, owned by its clinical author (spec principle 7)."""

    signed_off: date
    """When the clinical author signed this version of the flow's content off."""
    due: date
    """When the content must be reviewed again: after ``signed_off`` and at most 12 months
    after it; earlier when a newer guideline on the topic appears. Past it the flow still
    runs but says so on its start screen and in every export."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation(Strict):
    """Where in a source a question, action or outcome comes from."""

    doc: NodeId
    """The ``id`` of one of the flow's ``sources``."""
    section: Text
    """The section, table or slide title within that source, as the source words it (the
    same in every language)."""


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
    options: Annotated[list[Option], _field(min_length=2)]
    """The options, in the order shown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiChoiceQuestion(QuestionBase):
    """A question answered with any number of its options (none is a valid answer)."""

    type: Literal["multi_choice"]
    options: Annotated[list[Option], _field(min_length=1)]
    """The options, in the order shown."""
    none_label: LocalText = "None of these"
    """How the empty answer is offered (default: the catalog's "None of these" in each of
    the flow's languages, see ``_default_none_label``)."""


def _default_none_label(data: Any, info: ValidationInfo) -> Any:
    if isinstance(data, dict) and "none_label" not in data:
        languages, chosen = _context_languages(info)
        default = localized_default(languages, chosen, "none_of_these")
        data = {**data, "none_label": default}
    return data


@dataclass(frozen=True, slots=True, kw_only=True)
class NumberQuestion(QuestionBase):
    """A question answered with a number in a unit and a range."""

    type: Literal["number"]
    unit: LocalText | None = None
    """The unit shown beside the input, e.g. ``mmol/L``; omitted for unitless values."""
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
    max: Annotated[int, _field(ge=1, le=MAX_ROUNDS)]
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
    nodes: Annotated[dict[NodeId, Member], _field(min_length=1)]
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Computed(Strict):
    """A value computed from answers (a score, a dose); unavailable when an input is."""

    label: LocalText
    """How the value is named when shown."""
    formula: Text
    """An expression over answers and other computed values."""
    unit: LocalText | None = None
    """The unit shown after the value."""
    decimals: Annotated[int, _field(ge=0, le=4)] = 0
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
    sources: Annotated[list[Source], _field(min_length=1)]
    """The documents the flow rests on."""
    content_review: ContentReview
    """The flow's own sign-off and content review date (its sources' dates are their own)."""
    start: NodeId
    """The first node."""
    nodes: Annotated[dict[NodeId, Node], _field(min_length=1)]
    """Every question, info message, outcome and repeated group, by id."""
    computed: dict[NodeId, Computed] = field(default_factory=dict)
    """Values computed from answers, by name."""
    invariants: list[Invariant] = field(default_factory=list)
    """Safety properties proven over every path by the verifier."""


def _languages_are_unique(value: list[str]) -> list[str]:
    for index, code in enumerate(value):
        if value.index(code) != index:
            raise ValueError(f"'{code}' is listed twice")
    return value


# The constrained types the models' annotations name. Pydantic reads them (and the
# Constraint markers in them) when it builds a validator; the type checker reads the plain
# types under them.

NodeId = Annotated[str, _strings(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""A question, info, outcome or computed-value id: lower case, digits and underscores."""
FlowId = Annotated[str, _strings(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
"""A flow id as typed on the command line, e.g. ``cauda-equina``."""
Text = Annotated[str, _strings(min_length=1, max_length=MAX_TEXT)]
"""Text that is the same in every language: a source's own words, an expression, a note.
Never empty, at most ``MAX_TEXT`` characters."""
Language = Annotated[str, _strings(pattern=r"^[a-z]{2}$")]
"""A language code as ISO 639-1 writes it: two lower-case letters (``fr``, ``en``)."""
LocalText = Annotated[str, _all(_before(_in_language), _strings(min_length=1, max_length=MAX_TEXT))]
"""Text a clinician reads, in the flow's languages: a plain string in a one-language flow,
or a mapping ``{fr: ..., en: ...}`` with exactly the flow's languages. A compiled flow holds
it as a plain string in the language it was compiled in; never empty."""
Languages = Annotated[list[Language], _all(_field(min_length=1), _after(_languages_are_unique))]
"""The flow's languages: at least one, none twice."""
FlowNumber = Annotated[float, _field(allow_inf_nan=False, ge=-MAX_NUMBER, le=MAX_NUMBER)]
"""A number written in a flow (a range end, a suggestion): finite and at most
``MAX_NUMBER`` in size."""
Routing = Annotated[list[Rule], _all(_before(_one_next_node_is_a_rule), _field(min_length=1))]
"""Either one next node (``next: node_id``), or ordered rules where the first that holds
wins."""
_Members = Union[  # noqa: UP007 (Annotated members: typing's Union, not |)
    YesNoQuestion,
    ChoiceQuestion,
    Annotated[MultiChoiceQuestion, _before(_default_none_label)],
    Annotated[NumberQuestion, _after(_range_is_ordered)],
    InfoNode,
]
Member = Annotated[_Members, _field(discriminator="type")]
"""A node inside a repeated group: a question or an info message (no outcome, no group)."""
Node = Annotated[
    Union[_Members, OutcomeNode, GroupNode],  # noqa: UP007
    _field(discriminator="type"),
]
"""Any top-level node, told apart by its ``type``."""

Model = TypeVar("Model")

_validators: dict[type, Any] = {}
"""Validators built so far, by model."""


def validator(kind: type[Model]) -> TypeAdapter[Model]:
    """Pydantic's validator of a model (built once: about 40 ms for ``Flow``)."""
    from pydantic import TypeAdapter  # noqa: PLC0415 (only validation needs pydantic)

    if kind not in _validators:
        _validators[kind] = TypeAdapter(kind)
    adapter: TypeAdapter[Model] = _validators[kind]
    return adapter
