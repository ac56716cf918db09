"""What a set of scenario tests exercised in a flow: its coverage items and their tracing.

An item is one thing a clinician's scenarios should reach at least once:

- every outcome;
- every routing rule (a question's, an info message's or a repeated group's ``next``);
- each side of every numeric threshold (a comparison with a number, such as
  ``flush_iu_h > 1080``) in routing conditions, outcome lines' ``when`` and computed
  values' formulas: the side where it holds and the side where it does not;
- every line an outcome may show (reasons, actions, evidence, safety-netting).

A threshold counts only where the expression's own evaluation reaches it (``known(x) and
x < 9`` does not reach ``x < 9`` when x is unknown), so the tracing here walks ``and``,
``or``, ``not`` and ``a if c else b`` exactly as evaluation does. Comparisons inside an
aggregate's per-entry condition or inside arithmetic are not items: they are not decision
points of the path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.documents import PathKey, dotted
from triagebot.flows.expr import (
    And,
    Arith,
    Call,
    Compare,
    Const,
    Count,
    Env,
    Expr,
    IfElse,
    Name,
    Negate,
    Not,
    Or,
    Value,
)
from triagebot.flows.schema import OUTCOME_SECTIONS

KINDS = ("outcome", "rule", "threshold", "line")
"""The kinds of coverage item, in the order a report lists them."""

KIND_TITLES = {
    "outcome": "outcomes reached",
    "rule": "routing rules fired",
    "threshold": "threshold sides taken",
    "line": "outcome lines shown",
}

ItemKey = tuple[object, ...]
"""What identifies an item: its kind first, then where it is in the flow."""


@dataclass(frozen=True, slots=True)
class CoverageItem:
    """One outcome, rule, threshold side or outcome line, and the scenarios that reach it."""

    kind: str
    key: ItemKey
    label: str
    """How a reader names it, e.g. ``heparin rule 2: when ... -> proceed_high_dose``."""
    where: str
    """``FILE:LINE:COL`` in the flow file."""
    covered_by: tuple[str, ...]
    """The names of the scenarios that reach it, in file order."""

    @property
    def covered(self) -> bool:
        return bool(self.covered_by)


@dataclass(frozen=True, slots=True)
class Coverage:
    """Every coverage item of a flow, covered or not."""

    items: tuple[CoverageItem, ...]

    def of_kind(self, kind: str) -> tuple[CoverageItem, ...]:
        return tuple(item for item in self.items if item.kind == kind)

    @property
    def uncovered(self) -> tuple[CoverageItem, ...]:
        return tuple(item for item in self.items if not item.covered)

    @property
    def percent(self) -> float:
        """Covered items over all items, in percent (100 for a flow with none)."""
        if not self.items:
            return 100.0
        return 100.0 * sum(item.covered for item in self.items) / len(self.items)


@dataclass(slots=True)
class Trace:
    """What one scenario reached: the item keys it covered."""

    reached: set[ItemKey] = field(default_factory=set)


# --- thresholds ---------------------------------------------------------------------------


def is_threshold(node: Expr) -> bool:
    """A comparison of a value with a number written in the flow."""
    if not isinstance(node, Compare):
        return False
    return any(
        isinstance(side, Const) and not isinstance(side.value, str)
        for side in (node.left, node.right)
    )


def thresholds(tree: Expr) -> Iterator[Compare]:
    """The thresholds evaluation decides on, in reading order (see the module's note)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if is_threshold(node):
            assert isinstance(node, Compare)
            yield node
        elif isinstance(node, And | Or | Not | IfElse):
            pending.extend(reversed(node.children()))


def traced_expressions(flow: CompiledFlow) -> Iterator[tuple[PathKey, Expr]]:
    """Routing conditions, outcome lines' conditions and formulas (not invariants)."""
    for path, tree in flow.expressions():
        if path[0] != "invariants":
            yield path, tree


def evaluate(tree: Expr, env: Env, path: PathKey, trace: Trace) -> Value:
    """Evaluate ``tree`` as :meth:`Expr.evaluate` does, noting each threshold side reached."""
    ordinals = {id(node): index for index, node in enumerate(thresholds(tree))}
    return _walk(tree, env, path, ordinals, trace)


def _walk(node: Expr, env: Env, path: PathKey, ordinals: dict[int, int], trace: Trace) -> Value:
    if isinstance(node, And):
        return all(_walk(part, env, path, ordinals, trace) for part in node.operands)
    if isinstance(node, Or):
        return any(_walk(part, env, path, ordinals, trace) for part in node.operands)
    if isinstance(node, Not):
        return not _walk(node.operand, env, path, ordinals, trace)
    if isinstance(node, IfElse):
        chosen = node.then if _walk(node.condition, env, path, ordinals, trace) else node.otherwise
        return _walk(chosen, env, path, ordinals, trace)
    value = node.evaluate(env)
    if id(node) in ordinals:
        trace.reached.add(("threshold", path, ordinals[id(node)], bool(value)))
    return value


def shown(node: Expr) -> str:  # noqa: PLR0911 (one return per kind of expression)
    """A threshold's sides as a reader writes them (``len(red_flags) > 1``)."""
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Const):
        value = node.value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, str) else str(value)
    if isinstance(node, Compare | Arith):
        return f"{shown(node.left)} {node.op} {shown(node.right)}"
    if isinstance(node, Negate):
        return f"-{shown(node.operand)}"
    if isinstance(node, Count):
        return f"len({shown(node.operand)})"
    if isinstance(node, Call):
        return f"{node.function}({', '.join(shown(arg) for arg in node.args)})"
    return "(…)"


# --- the items ----------------------------------------------------------------------------


def items(flow: CompiledFlow) -> Iterator[tuple[ItemKey, str, str]]:
    """Every coverage item of ``flow``: (key, label, FILE:LINE:COL), kinds in order."""
    for outcome_id, node in flow.outcomes():
        label = f"outcome '{outcome_id}' ({node.urgency.upper()})"
        yield ("outcome", outcome_id), label, flow.position(("nodes", outcome_id))
    for node_id, rules in flow.routes.items():
        for rule in rules:
            condition = "otherwise" if rule.text is None else f"when {' '.join(rule.text.split())}"
            label = f"{node_id} rule {rule.index + 1}: {condition} -> {rule.goto}"
            where = flow.position((*flow.path_of(node_id), "next", rule.index))
            yield ("rule", node_id, rule.index), label, where
    for path, tree in traced_expressions(flow):
        for ordinal, threshold in enumerate(thresholds(tree)):
            problem = flow.document.problem(path, "", threshold.offset)
            where = f"{problem.file}:{problem.line}:{problem.column}"
            for side in (True, False):
                holds = "holds" if side else "does not hold"
                label = f"{shown(threshold)} {holds} (in {dotted(path)})"
                yield ("threshold", path, ordinal, side), label, where
    for (outcome_id, section, index), item in sorted(flow.items.items(), key=_line_order):
        text = " ".join(item.item.text.split())
        text = text if len(text) <= 70 else text[:69] + "…"
        label = f"{outcome_id} {section}[{index}]: {text}"
        where = flow.position(("nodes", outcome_id, section, index))
        yield ("line", outcome_id, section, index), label, where


def _line_order(entry: tuple[tuple[str, str, int], object]) -> tuple[str, int, int]:
    (outcome_id, section, index), _ = entry
    return outcome_id, OUTCOME_SECTIONS.index(section), index


def measure(flow: CompiledFlow, traces: list[tuple[str, Trace]]) -> Coverage:
    """The coverage of ``flow`` by the named scenarios' traces."""
    found = []
    for key, label, where in items(flow):
        names = tuple(name for name, trace in traces if key in trace.reached)
        found.append(CoverageItem(str(key[0]), key, label, where, names))
    order = {kind: index for index, kind in enumerate(KINDS)}
    return Coverage(tuple(sorted(found, key=lambda item: order[item.kind])))
