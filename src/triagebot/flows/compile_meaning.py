"""The meaning stage of compiling: expressions typed in their scope, computed values in
dependency order, routing rules, outcome lines and their placeholders, invariants; every
problem collected before a :class:`~triagebot.flows.documents.FlowError` is raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triagebot.flows import expr
from triagebot.flows.compile_checks import FlowChecks
from triagebot.flows.compile_shape import unique_problems
from triagebot.flows.compiled import OUTCOME_VARIABLE, CompiledFlow, CompiledItem, CompiledRule
from triagebot.flows.documents import FlowError, PathKey
from triagebot.flows.expr import Expr, ExprError, Kind, VarType
from triagebot.flows.questions import type_of
from triagebot.flows.schema import (
    OUTCOME_SECTIONS,
    InfoNode,
    OutcomeNode,
    QuestionBase,
)

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


MAX_REACH = 2 * expr.MAX_DEPTH
"""How deeply a formula may nest counting the formulas of the computed values it reads: a
chain of hundreds of computed values would overflow Python's stack when evaluated."""


class Compiler(FlowChecks):
    """The meaning checks; collects problems instead of stopping at the first."""

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
            raise FlowError(
                sorted(unique_problems(self.problems), key=lambda p: (p.line, p.column))
            )
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
            if isinstance(node, QuestionBase):
                for where, message in type_of(node).problems(node):
                    self.fail((*base, *where), message)
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


def _formula_names(formula: str) -> set[str]:
    """Names a formula mentions, found leniently (the real parse reports syntax errors)."""
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", formula))
