"""From a YAML document to a checked, compiled flow, with every problem placed in the file.

Three stages, each reporting all it finds before giving up: the YAML seam (``yamlio``),
the shape (``schema`` via pydantic), and the meaning: references to nodes, sources and
variables, expression types, template placeholders and computed-value cycles.

A flow written in several languages is compiled in one of them at a time: the compiled
flow's text is plain strings in that language, so the engine, exports and front ends never
see a translation mapping. Every language's text is checked whichever is compiled (a
missing translation fails every load of the file); :func:`with_language` gives the same
flow in another of its languages without reading the file again.

Repeated groups are flattened for the later stages: a group's members are nodes of the
compiled flow like any other (``CompiledFlow.nodes``, ``routes``), each knowing its group
(``group_of``); the group's own id is a node whose routes are the group's ``next``.
Expressions are checked in scopes: outside a group its members are not names (only
aggregates read them); a member's own rules read this round's answers by name.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol
from weakref import WeakValueDictionary

from triagebot.flows import expr, safe_text
from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.documents import Document, FlowError, PathKey, Problem, dotted, read_text
from triagebot.flows.expr import EvaluationError, Expr, ExprError, Kind, VarType
from triagebot.flows.schema import (
    LANGUAGE_CONTEXT,
    LANGUAGES_CONTEXT,
    MAX_ROUNDS,
    OUTCOME_SECTIONS,
    TRANSLATION_ERROR,
    UNSURE,
    YES_NO_VALUES,
    AnyNode,
    ChoiceQuestion,
    Citation,
    Flow,
    GroupNode,
    InfoNode,
    Item,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    Question,
    YesNoQuestion,
    validator,
)

OUTCOME_VARIABLE = "outcome"
"""The name invariants use for the outcome reached."""

_QUESTION_TYPES = (YesNoQuestion, ChoiceQuestion, MultiChoiceQuestion, NumberQuestion)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_NAME = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


MAX_REACH = 2 * expr.MAX_DEPTH
"""How deeply a formula may nest counting the formulas of the computed values it reads: a
chain of hundreds of computed values would overflow Python's stack when evaluated."""


class LanguageError(LookupError):
    """A language asked for that a flow is not written in; the message lists those it is."""


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A routing rule with its condition parsed; ``condition`` is None for the default."""

    index: int
    condition: Expr | None
    text: str | None
    goto: str


@dataclass(frozen=True, slots=True)
class CompiledItem:
    """An outcome line with its condition parsed and its placeholders listed."""

    item: Item
    condition: Expr | None
    placeholders: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class CompiledFlow:
    """A flow that passed every check, with its expressions parsed and typed.

    Nothing changes it once compiled. Two compiled flows are equal only when they are the
    same object (the engine keeps one Machine per compiled flow, by identity)."""

    flow: Flow
    file: str
    sha256: str
    document: Document
    types: dict[str, VarType]
    routes: dict[str, tuple[CompiledRule, ...]]
    computed: dict[str, Expr]
    items: dict[tuple[str, str, int], CompiledItem]
    invariants: dict[str, Expr]
    language: str = DEFAULT_LANGUAGE
    """The language this flow's text was compiled in."""
    nodes: dict[str, AnyNode] = field(default_factory=dict)
    """Every node by id, a group's members included (``flow.nodes`` has only the top
    level); members follow their group, in the order written."""
    groups: dict[str, GroupNode] = field(default_factory=dict)
    """The repeated groups, by id."""
    group_of: dict[str, str] = field(default_factory=dict)
    """Member id -> the id of its group."""

    @property
    def id(self) -> str:
        return self.flow.id

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the flow is written in, its default first."""
        return tuple(self.flow.languages)

    def node(self, node_id: str) -> AnyNode:
        """Any node by id, a group's member included."""
        return self.nodes[node_id]

    def question(self, node_id: str) -> Question:
        """A question by id (a group's member included)."""
        node = self.nodes[node_id]
        assert isinstance(node, _QUESTION_TYPES)
        return node

    def questions(self) -> Iterator[tuple[str, Question]]:
        """The top-level questions (a group's members: :meth:`members`)."""
        for node_id, node in self.flow.nodes.items():
            if isinstance(node, _QUESTION_TYPES):
                yield node_id, node

    def members(self, group_id: str) -> Iterator[tuple[str, Question]]:
        """The questions of a repeated group, in the order written."""
        for node_id, node in self.groups[group_id].nodes.items():
            if isinstance(node, _QUESTION_TYPES):
                yield node_id, node

    def path_of(self, node_id: str) -> PathKey:
        """Where a node is written: ``("nodes", id)``, or inside its group for a member."""
        group = self.group_of.get(node_id)
        return ("nodes", node_id) if group is None else ("nodes", group, "nodes", node_id)

    def outcomes(self) -> Iterator[tuple[str, OutcomeNode]]:
        for node_id, node in self.flow.nodes.items():
            if isinstance(node, OutcomeNode):
                yield node_id, node

    def position(self, path: PathKey) -> str:
        """``FILE:LINE:COL`` of a place in the flow file (for the verifier's reports)."""
        where = self.document.position_of(path)
        return f"{self.file}:{where.line}:{where.column}"

    def expressions(self) -> Iterator[tuple[PathKey, Expr]]:
        """Every compiled expression with the place it is written: routing conditions,
        formulas, outcome lines' conditions, invariants."""
        for node_id, rules in self.routes.items():
            for rule in rules:
                if rule.condition is not None:
                    yield (*self.path_of(node_id), "next", rule.index, "when"), rule.condition
        for name, formula in self.computed.items():
            yield ("computed", name, "formula"), formula
        for (node_id, section, index), item in self.items.items():
            if item.condition is not None:
                yield ("nodes", node_id, section, index, "when"), item.condition
        places = {invariant.name: i for i, invariant in enumerate(self.flow.invariants)}
        for name, tree in self.invariants.items():
            # A properties file's (see ``properties.with_properties``) is not in this file.
            yield ("invariants", places.get(name, name), "holds"), tree

    def place(self, error: EvaluationError) -> EvaluationError:
        """``error`` placed at the ``FILE:LINE:COL`` of the part of an expression that
        failed (unchanged when already placed, or when the part is not this flow's)."""
        if error.where is None:
            for path, tree in self.expressions():
                if any(node is error.node for node in tree.walk()):
                    found = self.document.problem(path, "", error.node.offset)
                    error.where = f"{found.file}:{found.line}:{found.column}"
                    break
        return error


class FlowCache(Protocol):
    """Compiled flows kept between runs (the application layer's ``flowcache``): the core
    asks it, it does the file I/O."""

    def load(self, name: str, digest: str, lang: str | None) -> CompiledFlow | None:
        """The flow compiled before from the text of sha256 ``digest`` read as ``name`` in
        ``lang`` (None: the flow's default), or None."""

    def store(self, name: str, lang: str | None, compiled: CompiledFlow) -> None:
        """Keep ``compiled`` (its file read as ``name``, asked for in ``lang``)."""


_cache: FlowCache | None = None
"""The cache :func:`load_flow` and :func:`with_language` use; None (the default) for none.
Only launching a session sets one (:func:`use_cache`): ``validate``, ``verify``, ``diff``
and ``replay`` always compile the file."""


def use_cache(cache: FlowCache | None) -> FlowCache | None:
    """Read and keep compiled flows in ``cache`` from now on (None: stop); the cache used
    until now."""
    global _cache
    previous, _cache = _cache, cache
    return previous


def text_digest(text: str) -> str:
    """The sha256 a compiled flow records for its text (``CompiledFlow.sha256``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_flow(path: Path, lang: str | None = None) -> CompiledFlow:
    """Read, validate and compile a flow file in ``lang`` (default: the flow's first language).

    Raises :class:`FlowError` with every problem, or :class:`LanguageError` when the flow is
    not written in ``lang``. When a session is being launched (:func:`use_cache`), a flow
    compiled before from the same text is read back from the cache instead.
    """
    text = read_text(path)
    name = str(path)
    cache = _cache
    cached = None if cache is None else cache.load(name, text_digest(text), lang)
    if cached is not None:
        return cached
    compiled = compile_text(text, name, lang)
    if cache is not None:
        cache.store(name, lang, compiled)
    return compiled


def compile_validated(flow: Flow, document: Document, sha256: str, language: str) -> CompiledFlow:
    """Compile a flow already validated in ``language`` (read back from a cache): the
    checks of meaning run again, with no YAML parsing and no pydantic."""
    with collection_paused():
        return _Compiler(flow, document).compile(sha256, language)


def compile_text(text: str, name: str, lang: str | None = None) -> CompiledFlow:
    """Validate and compile flow text in ``lang``; ``name`` is used in problem positions.

    No text of a flow holds a control character or a bidirectional control
    (:mod:`~triagebot.flows.safe_text`): the file's text is checked before it is parsed,
    and every key and value after (an escape such as ``"\\e"`` makes one).
    """
    from triagebot.flows.yamlio import parse  # noqa: PLC0415 (a cached flow needs no PyYAML)

    with collection_paused():
        safe_text.refuse_raw(text, name)
        document = parse(text, name)
        safe_text.refuse_escaped(document, text)
        compiled = _compile_document(document, lang, text_digest(text))
    _translations[id(compiled.document), compiled.language] = compiled
    return compiled


def with_language(compiled: CompiledFlow, lang: str) -> CompiledFlow:
    """The same flow (same file text, same sha256) compiled in ``lang``; built once per
    language and shared. Raises :class:`LanguageError` when the flow lacks ``lang``."""
    if lang == compiled.language:
        return compiled
    found = _translations.get((id(compiled.document), lang))
    if found is not None:
        return found
    cache = _cache
    other = None if cache is None else cache.load(compiled.file, compiled.sha256, lang)
    if other is None:
        with collection_paused():
            other = _compile_document(compiled.document, lang, compiled.sha256)
        if cache is not None:
            cache.store(compiled.file, lang, other)
    else:
        other = replace(other, document=compiled.document)
    _translations[id(compiled.document), compiled.language] = compiled
    _translations[id(compiled.document), lang] = other
    return other


_translations: WeakValueDictionary[tuple[int, str], CompiledFlow] = WeakValueDictionary()
"""The flows compiled from one document (one file's text), by the document's identity and
the language: a flow asked for in another language is compiled once and shared while
anything holds it. Each flow holds its document, so an identity here is never reused
while its entries live."""


def declared_languages(document: Document) -> tuple[str, ...] | None:
    """The languages a flow file declares (``[en]`` when it declares none); None when its
    ``languages`` field is malformed (the schema then reports it)."""
    data = document.data
    if not isinstance(data, dict) or "languages" not in data:
        return (DEFAULT_LANGUAGE,)
    value = data["languages"]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(code, str) and _LANGUAGE_CODE.match(code) for code in value)
        or len(set(value)) != len(value)
    ):
        return None
    return tuple(value)


def _compile_document(document: Document, lang: str | None, sha256: str) -> CompiledFlow:
    languages = declared_languages(document)
    if lang is not None and languages is not None and lang not in languages:
        flow_id = document.data.get("id", document.file) if isinstance(document.data, dict) else ""
        raise LanguageError(
            f"flow '{flow_id}' is not written in '{lang}'; its languages: {', '.join(languages)}"
        )
    chosen = lang or (languages[0] if languages else DEFAULT_LANGUAGE)
    flow = validate_shape(document, chosen)
    return _Compiler(flow, document).compile(sha256, chosen)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a flow (or its Machine) is built.

    Building allocates hundreds of thousands of long-lived objects and no cycles; the
    collector's repeated passes over them made a 10,000-node flow 16x slower to load than
    a 1,000-node one (measured in benchmarks/bench_engine.py) instead of 10x.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_shape(document: Document, lang: str | None = None) -> Flow:
    """Validate a document against the schema in ``lang`` (default: the flow's first
    language), mapping pydantic errors to positions."""
    if not isinstance(document.data, dict):
        raise FlowError([document.problem((), "a flow file must be a mapping of fields")])
    languages = declared_languages(document)
    context = {
        LANGUAGES_CONTEXT: languages,
        LANGUAGE_CONTEXT: lang or (languages[0] if languages else DEFAULT_LANGUAGE),
    }
    from pydantic import ValidationError  # noqa: PLC0415 (a cached flow never validates)

    try:
        return validator(Flow).validate_python(document.data, context=context)
    except ValidationError as error:
        problems = [
            problem for detail in error.errors() for problem in _shape_problems(document, detail)
        ]
        raise FlowError(_unique(problems)) from None


def _shape_problems(document: Document, detail: Any) -> list[Problem]:
    if detail["type"] == TRANSLATION_ERROR:
        return _translation_problems(document, detail)
    return [_shape_problem(document, detail)]


def _translation_problems(document: Document, detail: Any) -> list[Problem]:
    """Each translation problem of one text, named by its place (``nodes.x.prompt``) and put
    at the language key it is about, or at the field's key."""
    path = _data_path(document.data, tuple(detail["loc"]))
    name = dotted(path)
    problems = []
    for code, message in detail["ctx"]["problems"]:
        where = None if code is None else document.key_positions.get((*path, code))
        where = where or document.key_positions.get(path) or document.position_of(path)
        problems.append(Problem(document.file, where.line, where.column, f"{name} {message}"))
    return problems


UNKNOWN_FIELD = "unexpected_keyword_argument"
"""Pydantic's error type for a key a model does not have (the models are dataclasses)."""


def _shape_problem(document: Document, detail: Any) -> Problem:
    loc = tuple(detail["loc"])
    path = _data_path(document.data, loc)
    kind = detail["type"]
    last = loc[-1] if loc else ""
    if kind == "union_tag_invalid" and _is_member(path):
        tag = detail["ctx"]["tag"]
        if tag in ("group", "outcome"):
            message = (
                "groups cannot be nested: a group's members are questions and info messages"
                if tag == "group"
                else "a group cannot hold an outcome: leave the group through its 'next'"
            )
            return document.problem((*path, "type"), message)
    if kind.startswith("union_tag"):
        path = (*path, "type")
    # A bad or unknown key is reported where the key is written, not at its value.
    key_path = path[:-1] if loc and loc[-1] == "[key]" else path
    if kind == UNKNOWN_FIELD or loc[-1:] == ("[key]",):
        key = document.key_positions.get(key_path)
        if key is not None:
            message = _shape_message(detail, kind, last)
            return Problem(document.file, key.line, key.column, message)
    if path[-1:] != loc[-1:]:
        last = ""  # the error is about the whole value (e.g. a union member's validator)
    bound = _bound_message(document, path, detail)
    return document.problem(path, bound or _shape_message(detail, kind, last))


def _bound_message(document: Document, path: PathKey, detail: Any) -> str | None:
    """A number written out of bounds: a range end or suggestion that is not finite or
    over 10^15, or a group's ``max`` over ``MAX_ROUNDS``; None for any other error."""
    if detail["type"] not in ("finite_number", "less_than_equal", "greater_than_equal"):
        return None
    parent: Any = document.data
    for part in path[:-1]:
        parent = parent[part] if _has(parent, part) else None
    kind = parent.get("type") if isinstance(parent, dict) else None
    last = path[-1] if path else ""
    if kind == "group" and last == "max":
        return f"'max': a repeated group has 1 to {MAX_ROUNDS} rounds, not {detail['input']}"
    if (kind == "number" and last in ("min", "max")) or last == "value":
        return (
            f"'{last}' must be a finite number from -10^15 to 10^15 (not NaN, an infinity "
            f"or a number such as 1e400), not {detail['input']!r}"
        )
    return None


def _shape_message(detail: Any, kind: str, last: Any) -> str:
    if kind == UNKNOWN_FIELD:
        message = f"unknown field '{last}'"
    elif kind == "missing":
        message = f"missing required field '{last}'"
    elif kind == "union_tag_not_found":
        message = (
            "missing 'type' (one of: yes_no, choice, multi_choice, number, info, outcome, group)"
        )
    elif kind == "union_tag_invalid":
        context = detail["ctx"]
        message = f"unknown type {context['tag']!r} (expected one of: {context['expected_tags']})"
    elif kind == "string_pattern_mismatch" and detail["loc"][:1] == ("languages",):
        message = (
            f"'{detail['input']}' is not a language code: "
            "use two lower-case letters (ISO 639-1), e.g. fr or en"
        )
    elif kind == "string_pattern_mismatch":
        message = (
            f"'{detail['input']}' is not a valid id: "
            "use lower case letters, digits and _ (start with a letter)"
        )
    else:
        field_name = f"'{last}': " if isinstance(last, str) and last else ""
        message = f"{field_name}{detail['msg']}"
    return message


def _is_member(path: PathKey) -> bool:
    """Whether ``path`` is a group's member: ``("nodes", group, "nodes", member)``."""
    return len(path) == 4 and path[0] == "nodes" and path[2] == "nodes"


def _data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Follow a pydantic ``loc`` through the data, skipping parts that are union tags."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if _has(current, part):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and current.get("type") == part:
            continue  # pydantic's name for the union member (the node type), not a key
        elif isinstance(current, dict) and isinstance(part, str):
            # A missing key: keep it so the position falls back to the parent.
            path.append(part)
            break
    return tuple(path)


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str]] = set()
    result = []
    for problem in problems:
        key = (problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result


def variable_types(flow: Flow) -> dict[str, VarType]:
    """The type of every top-level answer and repeated group of a flow (a group's type
    lists its members' types; computed values are added by the compiler)."""
    types: dict[str, VarType] = {}
    for node_id, node in flow.nodes.items():
        if isinstance(node, GroupNode):
            members = tuple(
                (member_id, found)
                for member_id, member in node.nodes.items()
                if (found := _answer_type(member)) is not None
            )
            types[node_id] = VarType(Kind.GROUP, members=members)
        elif (found := _answer_type(node)) is not None:
            types[node_id] = found
    return types


def _answer_type(node: object) -> VarType | None:
    if isinstance(node, YesNoQuestion):
        values = set(YES_NO_VALUES) | ({UNSURE} if node.allow_unsure else set())
        return VarType(Kind.TEXT, frozenset(values))
    if isinstance(node, ChoiceQuestion):
        return VarType(Kind.TEXT, frozenset(o.id for o in node.options))
    if isinstance(node, MultiChoiceQuestion):
        return VarType(Kind.SET, frozenset(o.id for o in node.options))
    if isinstance(node, NumberQuestion):
        return VarType(Kind.NUMBER)
    return None


def flat_nodes(flow: Flow) -> tuple[dict[str, AnyNode], dict[str, str]]:
    """Every node by id with a group's members after their group, and member -> group.

    A member id that clashes with another node keeps the first (the compiler reports it).
    """
    nodes: dict[str, AnyNode] = {}
    group_of: dict[str, str] = {}
    for node_id, node in flow.nodes.items():
        nodes[node_id] = node
        if isinstance(node, GroupNode):
            for member_id, member in node.nodes.items():
                if member_id not in flow.nodes and member_id not in group_of:
                    nodes[member_id] = member
                    group_of[member_id] = node_id
    return nodes, group_of


class _Compiler:
    """The meaning checks; collects problems instead of stopping at the first."""

    def __init__(self, flow: Flow, document: Document) -> None:
        self.flow = flow
        self.document = document
        self.problems: list[Problem] = []
        self.types = variable_types(flow)
        """The names of the outer scope: answers, groups and (once typed) computed values."""
        self.source_ids = {source.id for source in flow.sources}
        self.nodes, self.group_of = flat_nodes(flow)
        self.groups = {n: g for n, g in flow.nodes.items() if isinstance(g, GroupNode)}
        self.reach: dict[str, int] = {}
        """Computed value -> how deeply evaluating it nests (see ``_reach``)."""
        self.member_types = {
            member: found
            for group in self.groups
            for member, found in self.types[group].members
            if self.group_of.get(member) == group
        }

    def fail(self, path: PathKey, message: str, offset: int = 0) -> None:
        self.problems.append(self.document.problem(path, message, offset))

    def fail_key(self, path: PathKey, message: str) -> None:
        """A problem placed at a mapping key (e.g. an id) rather than at its value."""
        key = self.document.key_positions.get(path)
        if key is None:
            self.fail(path, message)
        else:
            self.problems.append(Problem(self.document.file, key.line, key.column, message))

    def compile(self, sha256: str, language: str) -> CompiledFlow:
        self.check_ids()
        self.check_review_dates()
        self.check_groups()
        computed = self.compile_computed()
        routes = {
            node_id: self.compile_routes(node_id, node.next)
            for node_id, node in self.nodes.items()
            if not isinstance(node, OutcomeNode)
        }
        items = self.compile_outcomes()
        self.check_questions()
        invariants = self.compile_invariants()
        if self.problems:
            raise FlowError(sorted(_unique(self.problems), key=lambda p: (p.line, p.column)))
        return CompiledFlow(
            flow=self.flow,
            file=self.document.file,
            sha256=sha256,
            document=self.document,
            types={**self.types, **self.member_types},
            routes=routes,
            computed=computed,
            items=items,
            invariants=invariants,
            nodes=self.nodes,
            groups=self.groups,
            group_of=self.group_of,
            language=language,
        )

    def scope(self, node_id: str) -> Mapping[str, VarType]:
        """The names a node's expressions may read: a member's add its group's members."""
        group = self.group_of.get(node_id)
        if group is None:
            return self.types
        return {**self.types, **dict(self.types[group].members)}

    def parse(
        self, text: str, path: PathKey, expect: Kind, types: Mapping[str, VarType] | None = None
    ) -> Expr | None:
        try:
            return expr.parse(text, types if types is not None else self.types, expect)
        except ExprError as error:
            self.fail(path, error.message, error.offset)
            return None

    def check_ids(self) -> None:
        start = self.flow.start
        if start in self.group_of:
            self.fail(
                ("start",),
                f"'{start}' is a member of group '{self.group_of[start]}': start at the group",
            )
        elif start not in self.flow.nodes:
            self.fail(("start",), f"start node '{start}' is not defined in nodes")
        elif isinstance(self.flow.nodes[start], OutcomeNode):
            self.fail(("start",), "the flow cannot start at an outcome")
        for name in self.flow.computed:
            if name in self.nodes:
                self.fail(("computed", name), f"'{name}' is both a node and a computed value")
            if name == OUTCOME_VARIABLE:
                self.fail(("computed", name), f"'{OUTCOME_VARIABLE}' is reserved for invariants")
        if OUTCOME_VARIABLE in self.nodes:
            self.fail(
                self.path(OUTCOME_VARIABLE), f"'{OUTCOME_VARIABLE}' is reserved for invariants"
            )
        for index, source in enumerate(self.flow.sources):
            if [s.id for s in self.flow.sources].count(source.id) > 1:
                self.fail(("sources", index, "id"), f"source id '{source.id}' is used twice")
        for node_id, node in self.flow.nodes.items():
            citation = getattr(node, "source", None)
            if isinstance(citation, Citation):
                self.check_citation(citation, ("nodes", node_id, "source"))

    def check_review_dates(self) -> None:
        """A source's review date is one it states; the content review is due within a year."""
        for index, source in enumerate(self.flow.sources):
            if source.review_date is not None and source.review is None:
                self.fail(
                    ("sources", index, "review_date"),
                    "review_date needs 'review': the review date as the source prints it "
                    "(a date the source does not state is never set)",
                )
        review = self.flow.content_review
        latest = _one_year_after(review.signed_off)
        if not review.signed_off < review.due <= latest:
            self.fail(
                ("content_review", "due"),
                f"the content review is due after its sign-off ({review.signed_off}) and at "
                f"most 12 months after it (by {latest})",
            )

    def check_groups(self) -> None:
        """Member ids unique across the flow; ``start`` and ``another`` are members."""
        for group_id, group in self.groups.items():
            base: PathKey = ("nodes", group_id)
            for member_id, member in group.nodes.items():
                path = (*base, "nodes", member_id)
                self.check_citation(member.source, (*path, "source"))
                owner = self.group_of.get(member_id)
                if member_id in self.flow.nodes:
                    self.fail_key(
                        path,
                        f"member id '{member_id}' is also a node of the flow: "
                        "ids must be unique across the whole flow",
                    )
                elif owner != group_id:
                    self.fail_key(
                        path,
                        f"member id '{member_id}' is also a member of group '{owner}': "
                        "ids must be unique across the whole flow",
                    )
            names = ", ".join(group.nodes)
            for field_name in ("start", "another"):
                member_id = getattr(group, field_name)
                if member_id not in group.nodes:
                    self.fail(
                        (*base, field_name),
                        f"{field_name} '{member_id}' is not a member of group '{group_id}' "
                        f"(members: {names})",
                    )
            another = group.nodes.get(group.another)
            if another is not None and not isinstance(another, YesNoQuestion):
                self.fail(
                    (*base, "another"),
                    f"'{group.another}' must be a yes/no question: yes starts another round",
                )
            if group.start == group.another:
                self.fail(
                    (*base, "start"),
                    "start and another must be different members: a round asks something "
                    "before asking for another",
                )

    def check_citation(self, citation: Citation, path: PathKey) -> None:
        if citation.doc not in self.source_ids:
            known = ", ".join(sorted(self.source_ids))
            self.fail((*path, "doc"), f"cites unknown source '{citation.doc}' (sources: {known})")

    def compile_computed(self) -> dict[str, Expr]:
        """Type every formula in dependency order; a cycle is an error."""
        pending = dict(self.flow.computed)
        compiled: dict[str, Expr] = {}
        for name, value in pending.items():
            self.check_citation(value.source, ("computed", name, "source"))
        while pending:
            ready = [
                name
                for name, value in pending.items()
                if not (_formula_names(value.formula) & set(pending) - {name})
            ]
            if not ready:
                for name in pending:
                    self.fail(
                        ("computed", name, "formula"),
                        f"'{name}' depends on itself through other computed values",
                    )
                break
            for name in ready:
                self.compile_formula(name, pending.pop(name).formula, compiled)
        return {name: compiled[name] for name in self.flow.computed if name in compiled}

    def compile_formula(self, name: str, formula: str, compiled: dict[str, Expr]) -> None:
        path: PathKey = ("computed", name, "formula")
        if name in _formula_names(formula):
            self.fail(path, f"'{name}' refers to itself")
            return
        try:
            tree, found = expr.infer(formula, self.types)
        except ExprError as error:
            self.fail(path, error.message, error.offset)
            return
        if found.kind not in (Kind.NUMBER, Kind.TEXT):
            self.fail(path, f"a computed value must be a number or text, not a {found.kind.value}")
            return
        reach = self._reach(tree)
        self.reach[name] = reach
        self.types[name] = found
        if reach > MAX_REACH:
            # Said once, where the chain first goes too deep (not again for each value after).
            if all(self.reach.get(read, 0) <= MAX_REACH for read in expr.names_in(tree)):
                self.fail(
                    path,
                    f"'{name}' nests {reach} levels deep with the computed values it reads "
                    f"(at most {MAX_REACH}): compute it in fewer steps",
                )
            return
        compiled[name] = tree

    def _reach(self, tree: Expr) -> int:
        """How deeply evaluating ``tree`` nests, a computed value it reads counting with
        its own formula's depth (formulas are compiled after those they read)."""
        deepest = 0
        stack = [(tree, 1)]
        while stack:
            node, depth = stack.pop()
            if isinstance(node, expr.Name) and node.name in self.reach:
                depth += self.reach[node.name]
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in node.children())
        return deepest

    def compile_routes(self, node_id: str, rules: Any) -> tuple[CompiledRule, ...]:
        result = []
        base = self.path(node_id)
        scope = self.scope(node_id)
        for index, rule in enumerate(rules):
            path: PathKey = (*base, "next", index)
            # A plain `next: id` has no rule path in the file: position_of falls back to it.
            self.check_goto(node_id, rule.goto, (*path, "goto"))
            condition = None
            if rule.when is not None:
                condition = self.parse(rule.when, (*path, "when"), Kind.BOOL, scope)
            elif index != len(rules) - 1:
                self.fail(
                    path, "a rule without 'when' must be the last: the rules after it never fire"
                )
            result.append(CompiledRule(index, condition, rule.when, rule.goto))
        return tuple(result)

    def path(self, node_id: str) -> PathKey:
        group = self.group_of.get(node_id)
        return ("nodes", node_id) if group is None else ("nodes", group, "nodes", node_id)

    def check_goto(self, node_id: str, goto: str, path: PathKey) -> None:
        """A rule goes to a node of its scope: members stay in their group."""
        group = self.group_of.get(node_id)
        target_group = self.group_of.get(goto)
        if goto not in self.nodes:
            self.fail(path, f"goes to unknown node '{goto}'")
        elif group is not None and self.groups[group].another == node_id and goto != group:
            self.fail(
                path,
                f"'{node_id}' ends the round of group '{group}': its rules can only go to "
                f"'{group}' (which starts another round or leaves the group)",
            )
        elif group is not None and group not in (goto, target_group):
            self.fail(
                path,
                f"a member of group '{group}' can only go to another member or to '{group}' "
                f"(the end of the round); '{goto}' is outside the group",
            )
        elif group is None and target_group is not None:
            self.fail(
                path,
                f"'{goto}' is a member of group '{target_group}': go to '{target_group}' to "
                "start its first round",
            )
        elif group is None and goto == node_id and node_id in self.groups:
            self.fail(path, f"group '{node_id}' cannot go back to itself once its rounds are over")

    def compile_outcomes(self) -> dict[tuple[str, str, int], CompiledItem]:
        items: dict[tuple[str, str, int], CompiledItem] = {}
        for node_id, node in self.flow.nodes.items():
            if not isinstance(node, OutcomeNode):
                continue
            base: PathKey = ("nodes", node_id)
            if node.summary:
                self.placeholders(node.summary, (*base, "summary"))
            for index, name in enumerate(node.show):
                problem = self.not_a_value(name)
                if problem is not None:
                    self.fail((*base, "show", index), f"shows {problem}")
            for section in OUTCOME_SECTIONS:
                for index, item in enumerate(getattr(node, section)):
                    path = (*base, section, index)
                    self.check_citation(item.source, (*path, "source"))
                    condition = (
                        None
                        if item.when is None
                        else self.parse(item.when, (*path, "when"), Kind.BOOL)
                    )
                    names = self.placeholders(item.text, (*path, "text"))
                    items[(node_id, section, index)] = CompiledItem(item, condition, names)
        return items

    def not_a_value(self, name: str, scope: Mapping[str, VarType] | None = None) -> str | None:
        """Why ``name`` cannot be shown in this scope, or None when it can."""
        types = self.types if scope is None else scope
        if name in self.group_of and name not in types:
            group = self.group_of[name]
            return (
                f"'{name}', which has one answer per entry of group '{group}': show it "
                "through a computed value (e.g. an aggregate)"
            )
        if name not in types:
            return f"unknown value '{name}'"
        if types[name].kind is Kind.GROUP:
            return f"'{name}', a repeated group: show a computed value such as count_of({name})"
        return None

    def placeholders(
        self, text: str, path: PathKey, scope: Mapping[str, VarType] | None = None
    ) -> tuple[str, ...]:
        """The values ``text`` names in braces; checked in every language the file has it in,
        so a bad placeholder in any translation fails every load."""
        for code, other in self.translations(path):
            where = f" (in the '{code}' text)" if code else ""
            place = path if code is None else (*path, code)
            for match in _PLACEHOLDER.finditer(other):
                name = match.group(1)
                problem = self.not_a_value(name, scope) if _NAME.match(name) else "unknown"
                if problem is None:
                    continue
                if problem.startswith("unknown"):
                    message = f"'{{{name}}}' is not an answer or computed value of this flow"
                else:
                    message = f"'{{{name}}}' names {problem}"
                self.fail(place, message + where)
        names = []
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1)
            if _NAME.match(name) and self.not_a_value(name, scope) is None:
                names.append(name)
        return tuple(names)

    def translations(self, path: PathKey) -> list[tuple[str | None, str]]:
        """The text at ``path`` as written: each language's (code, text), or (None, text)."""
        raw: Any = self.document.data
        for part in path:
            raw = raw[part]
        if isinstance(raw, dict):
            return [(str(code), str(text)) for code, text in raw.items()]
        return [(None, str(raw))]

    def check_questions(self) -> None:
        for node_id, node in self.nodes.items():
            base = self.path(node_id)
            if isinstance(node, ChoiceQuestion | MultiChoiceQuestion):
                ids = [option.id for option in node.options]
                for index, option_id in enumerate(ids):
                    if ids.index(option_id) != index:
                        self.fail(
                            (*base, "options", index, "id"),
                            f"option '{option_id}' is listed twice",
                        )
            if isinstance(node, NumberQuestion):
                for index, suggestion in enumerate(node.suggestions):
                    if not node.min <= suggestion.value <= node.max:
                        self.fail(
                            (*base, "suggestions", index, "value"),
                            f"suggested value {suggestion.value} is outside {node.min}–{node.max}",
                        )
            if isinstance(node, InfoNode):
                self.placeholders(node.text, (*base, "text"), self.scope(node_id))

    def compile_invariants(self) -> dict[str, Expr]:
        outcome_ids = frozenset(
            node_id for node_id, node in self.flow.nodes.items() if isinstance(node, OutcomeNode)
        )
        types = {**self.types, OUTCOME_VARIABLE: VarType(Kind.TEXT, outcome_ids)}
        compiled: dict[str, Expr] = {}
        for index, invariant in enumerate(self.flow.invariants):
            if invariant.name in compiled:
                self.fail(
                    ("invariants", index, "name"), f"invariant '{invariant.name}' is defined twice"
                )
            tree = self.parse(invariant.holds, ("invariants", index, "holds"), Kind.BOOL, types)
            if tree is not None:
                compiled[invariant.name] = tree
        return compiled


def _one_year_after(day: date) -> date:
    """The same day a year later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _formula_names(formula: str) -> set[str]:
    """Names a formula mentions, found leniently (the real parse reports syntax errors)."""
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))


__all__ = [
    "OUTCOME_VARIABLE",
    "CompiledFlow",
    "CompiledItem",
    "CompiledRule",
    "FlowError",
    "LanguageError",
    "compile_text",
    "declared_languages",
    "dotted",
    "load_flow",
    "validate_shape",
    "variable_types",
    "with_language",
]
