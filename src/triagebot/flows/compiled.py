"""What the compiler produces: a flow that passed every check, its expressions parsed and
typed (:class:`CompiledFlow`), with its routing rules and outcome lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.documents import Document, PathKey
from triagebot.flows.expr import EvaluationError, Expr, VarType
from triagebot.flows.schema import (
    AnyNode,
    Flow,
    GroupNode,
    Item,
    OutcomeNode,
    Question,
    QuestionBase,
)

OUTCOME_VARIABLE = "outcome"
"""The name invariants use for the outcome reached."""


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
        assert isinstance(node, QuestionBase)
        return node

    def questions(self) -> Iterator[tuple[str, Question]]:
        """The top-level questions (a group's members: :meth:`members`)."""
        for node_id, node in self.flow.nodes.items():
            if isinstance(node, QuestionBase):
                yield node_id, node

    def members(self, group_id: str) -> Iterator[tuple[str, Question]]:
        """The questions of a repeated group, in the order written."""
        for node_id, node in self.groups[group_id].nodes.items():
            if isinstance(node, QuestionBase):
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
