"""From a YAML document to a checked, compiled flow, with every problem placed in the file.

Three stages, each reporting all it finds before giving up: the YAML seam (``yamlio``),
the shape (``schema`` via pydantic), and the meaning: references to nodes, sources and
variables, expression types, template placeholders and computed-value cycles.

A flow written in several languages is compiled in one of them at a time: the compiled
flow's text is plain strings in that language, so the engine, exports and front ends never
see a translation mapping. Every language's text is checked whichever is compiled (a
missing translation fails every load of the file); :func:`with_language` gives the same
flow in another of its languages without reading the file again.
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from triagebot.flows import expr
from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.expr import Expr, ExprError, Kind, VarType
from triagebot.flows.schema import (
    LANGUAGE_CONTEXT,
    LANGUAGES_CONTEXT,
    TRANSLATION_ERROR,
    UNSURE,
    YES_NO_VALUES,
    ChoiceQuestion,
    Citation,
    Flow,
    InfoNode,
    Item,
    MultiChoiceQuestion,
    NumberQuestion,
    OutcomeNode,
    Question,
    YesNoQuestion,
)
from triagebot.flows.yamlio import (
    Document,
    FlowError,
    PathKey,
    Problem,
    load_file,
    parse,
    read_text,
)

OUTCOME_VARIABLE = "outcome"
"""The name invariants use for the outcome reached."""

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDER_NAME = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


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


@dataclass(slots=True)
class CompiledFlow:
    """A flow that passed every check, with its expressions parsed and typed."""

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
    cache: dict[str, Any] = field(default_factory=dict)
    """Derived structures the engine builds once per flow (e.g. transition specs)."""
    siblings: dict[str, CompiledFlow] = field(default_factory=dict)
    """The same flow text compiled in each language asked for so far (shared by them all)."""

    @property
    def id(self) -> str:
        return self.flow.id

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the flow is written in, its default first."""
        return tuple(self.flow.languages)

    def question(self, node_id: str) -> Question:
        node = self.flow.nodes[node_id]
        assert isinstance(
            node, YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion
        )
        return node

    def questions(self) -> Iterator[tuple[str, Question]]:
        for node_id, node in self.flow.nodes.items():
            if isinstance(
                node, YesNoQuestion | ChoiceQuestion | MultiChoiceQuestion | NumberQuestion
            ):
                yield node_id, node

    def outcomes(self) -> Iterator[tuple[str, OutcomeNode]]:
        for node_id, node in self.flow.nodes.items():
            if isinstance(node, OutcomeNode):
                yield node_id, node

    def position(self, path: PathKey) -> str:
        """``FILE:LINE:COL`` of a place in the flow file (for the verifier's reports)."""
        where = self.document.position_of(path)
        return f"{self.file}:{where.line}:{where.column}"


def load_flow(path: Path, lang: str | None = None) -> CompiledFlow:
    """Read, validate and compile a flow file in ``lang`` (default: the flow's first language).

    Raises :class:`FlowError` with every problem, or :class:`LanguageError` when the flow is
    not written in ``lang``.
    """
    text = read_text(path)
    return compile_text(text, str(path), lang)


def compile_text(text: str, name: str, lang: str | None = None) -> CompiledFlow:
    """Validate and compile flow text in ``lang``; ``name`` is used in problem positions."""
    with collection_paused():
        document = parse(text, name)
        compiled = _compile_document(document, lang)
    compiled.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    compiled.siblings[compiled.language] = compiled
    return compiled


def with_language(compiled: CompiledFlow, lang: str) -> CompiledFlow:
    """The same flow (same file text, same sha256) compiled in ``lang``; built once per
    language and shared. Raises :class:`LanguageError` when the flow lacks ``lang``."""
    found = compiled if lang == compiled.language else compiled.siblings.get(lang)
    if found is not None:
        return found
    with collection_paused():
        other = _compile_document(compiled.document, lang)
    other.sha256 = compiled.sha256
    other.siblings = compiled.siblings
    compiled.siblings[lang] = other
    return other


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


def _compile_document(document: Document, lang: str | None) -> CompiledFlow:
    languages = declared_languages(document)
    if lang is not None and languages is not None and lang not in languages:
        flow_id = document.data.get("id", document.file) if isinstance(document.data, dict) else ""
        raise LanguageError(
            f"flow '{flow_id}' is not written in '{lang}'; its languages: {', '.join(languages)}"
        )
    chosen = lang or (languages[0] if languages else DEFAULT_LANGUAGE)
    flow = validate_shape(document, chosen)
    compiled = _Compiler(flow, document).compile()
    compiled.language = chosen
    return compiled


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
    try:
        return Flow.model_validate(document.data, context=context)
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


def dotted(path: PathKey) -> str:
    """A place in a flow file as a reader names it: ``nodes.shock.reasons[0].text``."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _shape_problem(document: Document, detail: Any) -> Problem:
    loc = tuple(detail["loc"])
    path = _data_path(document.data, loc)
    kind = detail["type"]
    last = loc[-1] if loc else ""
    if kind.startswith("union_tag"):
        path = (*path, "type")
    # A bad or unknown key is reported where the key is written, not at its value.
    key_path = path[:-1] if loc and loc[-1] == "[key]" else path
    if kind == "extra_forbidden" or loc[-1:] == ("[key]",):
        key = document.key_positions.get(key_path)
        if key is not None:
            message = _shape_message(detail, kind, last)
            return Problem(document.file, key.line, key.column, message)
    if path[-1:] != loc[-1:]:
        last = ""  # the error is about the whole value (e.g. a union member's validator)
    return document.problem(path, _shape_message(detail, kind, last))


def _shape_message(detail: Any, kind: str, last: Any) -> str:
    if kind == "extra_forbidden":
        message = f"unknown field '{last}'"
    elif kind == "missing":
        message = f"missing required field '{last}'"
    elif kind == "union_tag_not_found":
        message = "missing 'type' (one of: yes_no, choice, multi_choice, number, info, outcome)"
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
    """The type of every answer a flow can hold (computed values are added by the compiler)."""
    types: dict[str, VarType] = {}
    for node_id, node in flow.nodes.items():
        if isinstance(node, YesNoQuestion):
            values = set(YES_NO_VALUES) | ({UNSURE} if node.allow_unsure else set())
            types[node_id] = VarType(Kind.TEXT, frozenset(values))
        elif isinstance(node, ChoiceQuestion):
            types[node_id] = VarType(Kind.TEXT, frozenset(o.id for o in node.options))
        elif isinstance(node, MultiChoiceQuestion):
            types[node_id] = VarType(Kind.SET, frozenset(o.id for o in node.options))
        elif isinstance(node, NumberQuestion):
            types[node_id] = VarType(Kind.NUMBER)
    return types


class _Compiler:
    """The meaning checks; collects problems instead of stopping at the first."""

    def __init__(self, flow: Flow, document: Document) -> None:
        self.flow = flow
        self.document = document
        self.problems: list[Problem] = []
        self.types = variable_types(flow)
        self.source_ids = {source.id for source in flow.sources}

    def fail(self, path: PathKey, message: str, offset: int = 0) -> None:
        self.problems.append(self.document.problem(path, message, offset))

    def compile(self) -> CompiledFlow:
        self.check_ids()
        computed = self.compile_computed()
        routes = {
            node_id: self.compile_routes(node_id, node.next)
            for node_id, node in self.flow.nodes.items()
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
            sha256="",
            document=self.document,
            types=self.types,
            routes=routes,
            computed=computed,
            items=items,
            invariants=invariants,
        )

    def parse(
        self, text: str, path: PathKey, expect: Kind, types: Mapping[str, VarType] | None = None
    ) -> Expr | None:
        try:
            return expr.parse(text, types if types is not None else self.types, expect)
        except ExprError as error:
            self.fail(path, error.message, error.offset)
            return None

    def check_ids(self) -> None:
        if self.flow.start not in self.flow.nodes:
            self.fail(("start",), f"start node '{self.flow.start}' is not defined in nodes")
        elif isinstance(self.flow.nodes[self.flow.start], OutcomeNode):
            self.fail(("start",), "the flow cannot start at an outcome")
        for name in self.flow.computed:
            if name in self.flow.nodes:
                self.fail(("computed", name), f"'{name}' is both a node and a computed value")
            if name == OUTCOME_VARIABLE:
                self.fail(("computed", name), f"'{OUTCOME_VARIABLE}' is reserved for invariants")
        if OUTCOME_VARIABLE in self.flow.nodes:
            self.fail(
                ("nodes", OUTCOME_VARIABLE), f"'{OUTCOME_VARIABLE}' is reserved for invariants"
            )
        for index, source in enumerate(self.flow.sources):
            if [s.id for s in self.flow.sources].count(source.id) > 1:
                self.fail(("sources", index, "id"), f"source id '{source.id}' is used twice")
        for node_id, node in self.flow.nodes.items():
            citation = getattr(node, "source", None)
            if isinstance(citation, Citation):
                self.check_citation(citation, ("nodes", node_id, "source"))

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
        compiled[name] = tree
        self.types[name] = found

    def compile_routes(self, node_id: str, rules: Any) -> tuple[CompiledRule, ...]:
        result = []
        for index, rule in enumerate(rules):
            path: PathKey = ("nodes", node_id, "next", index)
            if rule.goto not in self.flow.nodes:
                # A plain `next: id` has no rule path in the file: position_of falls back to it.
                self.fail((*path, "goto"), f"goes to unknown node '{rule.goto}'")
            condition = None
            if rule.when is not None:
                condition = self.parse(rule.when, (*path, "when"), Kind.BOOL)
            elif index != len(rules) - 1:
                self.fail(
                    path, "a rule without 'when' must be the last: the rules after it never fire"
                )
            result.append(CompiledRule(index, condition, rule.when, rule.goto))
        return tuple(result)

    def compile_outcomes(self) -> dict[tuple[str, str, int], CompiledItem]:
        items: dict[tuple[str, str, int], CompiledItem] = {}
        for node_id, node in self.flow.nodes.items():
            if not isinstance(node, OutcomeNode):
                continue
            base: PathKey = ("nodes", node_id)
            if node.summary:
                self.placeholders(node.summary, (*base, "summary"))
            for name in node.show:
                if name not in self.types:
                    self.fail((*base, "show"), f"shows unknown value '{name}'")
            for section in ("reasons", "actions", "safety_netting"):
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

    def placeholders(self, text: str, path: PathKey) -> tuple[str, ...]:
        """The values ``text`` names in braces; checked in every language the file has it in,
        so a bad placeholder in any translation fails every load."""
        for code, other in self.translations(path):
            for match in _PLACEHOLDER.finditer(other):
                name = match.group(1)
                if not _NAME.match(name) or name not in self.types:
                    where = f" (in the '{code}' text)" if code else ""
                    self.fail(
                        path if code is None else (*path, code),
                        f"'{{{name}}}' is not an answer or computed value of this flow{where}",
                    )
        names = []
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1)
            if _NAME.match(name) and name in self.types:
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
        for node_id, node in self.flow.nodes.items():
            if isinstance(node, ChoiceQuestion | MultiChoiceQuestion):
                ids = [option.id for option in node.options]
                for index, option_id in enumerate(ids):
                    if ids.index(option_id) != index:
                        self.fail(
                            ("nodes", node_id, "options", index, "id"),
                            f"option '{option_id}' is listed twice",
                        )
            if isinstance(node, NumberQuestion):
                for index, suggestion in enumerate(node.suggestions):
                    if not node.min <= suggestion.value <= node.max:
                        self.fail(
                            ("nodes", node_id, "suggestions", index, "value"),
                            f"suggested value {suggestion.value} is outside {node.min}–{node.max}",
                        )
            if isinstance(node, InfoNode):
                self.placeholders(node.text, ("nodes", node_id, "text"))

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
    "load_file",
    "load_flow",
    "validate_shape",
    "variable_types",
    "with_language",
]
