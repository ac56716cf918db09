"""From a YAML document to a checked, compiled flow, with every problem placed in the file.

Three stages, each reporting all it finds before giving up: the YAML seam (``yamlio``),
the shape (``schema`` via pydantic), and the meaning: references to nodes, sources and
variables, expression types, template placeholders and computed-value cycles.
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
from triagebot.flows.expr import Expr, ExprError, Kind, VarType
from triagebot.flows.schema import (
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
    cache: dict[str, Any] = field(default_factory=dict)
    """Derived structures the engine builds once per flow (e.g. transition specs)."""

    @property
    def id(self) -> str:
        return self.flow.id

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


def load_flow(path: Path) -> CompiledFlow:
    """Read, validate and compile a flow file; raises :class:`FlowError` with every problem."""
    text = read_text(path)
    return compile_text(text, str(path))


def compile_text(text: str, name: str) -> CompiledFlow:
    """Validate and compile flow text; ``name`` is used in problem positions."""
    with collection_paused():
        document = parse(text, name)
        flow = validate_shape(document)
        compiled = _Compiler(flow, document).compile()
    compiled.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
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


def validate_shape(document: Document) -> Flow:
    """Validate a document against the schema, mapping pydantic errors to positions."""
    if not isinstance(document.data, dict):
        raise FlowError([document.problem((), "a flow file must be a mapping of fields")])
    try:
        return Flow.model_validate(document.data)
    except ValidationError as error:
        problems = [_shape_problem(document, detail) for detail in error.errors()]
        raise FlowError(_unique(problems)) from None


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
        names = []
        for match in _PLACEHOLDER.finditer(text):
            name = match.group(1)
            if not _NAME.match(name) or name not in self.types:
                self.fail(path, f"'{{{name}}}' is not an answer or computed value of this flow")
            else:
                names.append(name)
        return tuple(names)

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
    "compile_text",
    "load_file",
    "load_flow",
    "validate_shape",
    "variable_types",
]
