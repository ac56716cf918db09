"""The structural checks of the meaning stage: ids, review dates, groups, citations and
where each rule may go, with the problems collected instead of stopping at the first
(:class:`FlowChecks`, the base of :class:`~triagebot.flows.compile_meaning.Compiler`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from triagebot.flows import expr
from triagebot.flows.compiled import OUTCOME_VARIABLE
from triagebot.flows.documents import Document, PathKey, Problem
from triagebot.flows.expr import Expr, ExprError, Kind, VarType
from triagebot.flows.questions import type_of
from triagebot.flows.schema import (
    AnyNode,
    Citation,
    Flow,
    GroupNode,
    OutcomeNode,
    QuestionBase,
    YesNoQuestion,
)


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


def _answer_type(node: AnyNode) -> VarType | None:
    return type_of(node).var_type(node) if isinstance(node, QuestionBase) else None


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


class FlowChecks:
    """The state the meaning checks share, and the checks of a flow's structure."""

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


def _one_year_after(day: date) -> date:
    """The same day a year later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
