"""Computed values as FHIRPath, for the SDC ``calculatedExpression`` of their items, so
another tool (LHC-Forms, an EHR's form filler) recomputes them from the answers.

The flow's formula is translated node by node; a computed value it reads is written out in
place (each is small), and an answer is read from the response being filled
(``%resource.item.where(linkId='x').answer.value``). Where triagebot's value is not
available (an answer not given, or ``unknown``) FHIRPath's is empty: a condition that
cannot be decided gives empty rather than FHIRPath's "otherwise" branch, and ``in`` and
``len`` of a multi-choice not answered are empty, not false and 0. Yes/no answers are
compared by their SNOMED CT codes. A text value is shown by its label, as in the
transcript.

A repeated group's entries are its items in the response, one per round, in round order:
``count_of``, ``min_of``, ``max_of``, ``first_min`` and ``first_max`` read them, an entry
whose condition, value or key is empty taking no part, as in triagebot.

Not translated (the value has no calculatedExpression): ``any_of``, ``all_of``,
``sum_of``, ``entry_number`` other than as the value of ``first_min`` or ``first_max``,
``answered`` of a number that may be unknown, ``min``, ``max`` and ``round`` (FHIRPath
rounds halves differently), and any use of a yes/no answer other than comparing it.
"""

from __future__ import annotations

from collections.abc import Callable

from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.expr import (
    ENTRY_NUMBER,
    Aggregate,
    And,
    Answered,
    Arith,
    Call,
    Compare,
    Const,
    Count,
    Expr,
    IfElse,
    In,
    Known,
    Name,
    Negate,
    Not,
    Or,
)
from triagebot.flows.expr_tree import Kind
from triagebot.flows.fhir_rules import has_value
from triagebot.flows.fhir_values import NONE_CODE, option_system
from triagebot.flows.questions import type_of
from triagebot.flows.schema import Question

CALCULATED_URL = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
FUNCTIONS = {"abs": "abs", "floor": "floor", "ceil": "ceiling"}


class Untranslatable(Exception):
    """A part of a formula FHIRPath cannot say the same way."""


def calculated(flow: CompiledFlow) -> dict[str, str | None]:
    """Each computed value's FHIRPath, by name; None where it is not translated."""
    found: dict[str, str | None] = {}
    for name in flow.computed:
        try:
            found[name] = _shown(flow, name, _Translator(flow).computed(name))
        except Untranslatable:
            found[name] = None
    return found


def _shown(flow: CompiledFlow, name: str, path: str) -> str:
    """A text value as the transcript shows it: by its label where it has one."""
    labels = flow.flow.computed[name].labels
    if not labels:
        return path
    shown = "$this"
    for value, label in reversed(list(labels.items())):
        shown = f"iif($this = {_text(value)}, {_text(label)}, {shown})"
    return f"({path}).select({shown})"


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _answer(link_id: str) -> str:
    return f"%resource.item.where(linkId={_text(link_id)}).answer"


class _Translator:
    """Translates the expressions of one flow."""

    def __init__(self, flow: CompiledFlow) -> None:
        self.flow = flow
        self.depth = 0
        self.entry: frozenset[str] = frozenset()
        """A repeated group's members, while translating an aggregate's per-entry
        arguments: read from the entry (the context), not the whole response."""

    def _kind(self, name: str) -> Kind | None:
        """What a question's answer is to the expression language; None if not a question."""
        question = self.flow.nodes.get(name)
        return type_of(question).var_type(question).kind if isinstance(question, Question) else None

    def _codes(self, node: Expr) -> dict[str, str] | None:
        """The codes of a text answer written with codes other than its values (yes/no:
        SNOMED CT), by value; None for anything else."""
        question = self.flow.nodes.get(node.name) if isinstance(node, Name) else None
        if not isinstance(node, Name) or not isinstance(question, Question):
            return None
        answers = type_of(question)
        var = answers.var_type(question)
        if var.kind is not Kind.TEXT or var.values is None:
            return None
        system, lang = option_system(self.flow.id, node.name), self.flow.language
        codes = {
            value: answers.fhir_when(question, "=", value, system, lang)["answerCoding"]["code"]
            for value in var.values
        }
        return None if all(code == value for value, code in codes.items()) else codes

    def _answer(self, name: str) -> str:
        if name in self.entry:
            return f"item.where(linkId={_text(name)}).answer"
        return _answer(name)

    def computed(self, name: str) -> str:
        self.depth += 1
        if self.depth > 20:
            raise Untranslatable(name)
        try:
            return self.of(self.flow.computed[name])
        finally:
            self.depth -= 1

    def of(self, node: Expr) -> str:
        kind = type(node)
        handler: Callable[[Expr], str] | None = getattr(self, f"_{kind.__name__.lower()}", None)
        if handler is None:
            raise Untranslatable(kind.__name__)
        return handler(node)

    # --- one method per kind of node ------------------------------------------------------

    def _const(self, node: Expr) -> str:
        assert isinstance(node, Const)
        value = node.value
        return _text(value) if isinstance(value, str) else repr(value)

    def _name(self, node: Expr) -> str:
        assert isinstance(node, Name)
        if node.name in self.flow.computed:
            return f"({self.computed(node.name)})"
        question = self.flow.nodes.get(node.name)
        if question is None:
            raise Untranslatable(node.name)  # entry_number: a round's number
        outside = node.name in self.flow.group_of and node.name not in self.entry
        kind = self._kind(node.name)
        if outside or kind is Kind.SET or self._codes(node) is not None:
            raise Untranslatable(node.name)
        if kind is Kind.NUMBER:
            return f"{self._answer(node.name)}.value"
        return f"{self._answer(node.name)}.value.code"

    def _negate(self, node: Expr) -> str:
        assert isinstance(node, Negate)
        return f"(0 - {self.of(node.operand)})"

    def _not(self, node: Expr) -> str:
        assert isinstance(node, Not)
        return f"({self.of(node.operand)}).not()"

    def _arith(self, node: Expr) -> str:
        assert isinstance(node, Arith)
        return f"({self.of(node.left)} {node.op} {self.of(node.right)})"

    def _and(self, node: Expr) -> str:
        """Left to right as triagebot reads it: the first false operand decides, and an
        empty one before it makes the whole empty (FHIRPath's ``{} and false`` is false)."""
        assert isinstance(node, And)
        *first, last = [self.of(part) for part in node.operands]
        found = f"({last})"
        for operand in reversed(first):
            found = self._decided(operand, found, "false")
        return found

    def _or(self, node: Expr) -> str:
        """Left to right: the first true operand decides, an empty one before it makes
        the whole empty."""
        assert isinstance(node, Or)
        *first, last = [self.of(part) for part in node.operands]
        found = f"({last})"
        for operand in reversed(first):
            found = self._decided(operand, "true", found)
        return found

    def _decided(self, condition: str, then: str, otherwise: str) -> str:
        """``then`` or ``otherwise`` as ``condition`` holds; empty when it is empty (and
        triagebot has no value either). Inside an aggregate's per-entry argument the
        context must stay the entry, so the condition is written twice there."""
        if self.entry:
            return f"iif(({condition}).empty(), {{}}, iif({condition}, {then}, {otherwise}))"
        return f"({condition}).select(iif($this, {then}, {otherwise}))"

    def _compare(self, node: Expr) -> str:
        assert isinstance(node, Compare)
        left, right = self._side(node.left, node.right), self._side(node.right, node.left)
        operator = "=" if node.op == "==" else node.op
        return f"({left} {operator} {right})"

    def _side(self, node: Expr, other: Expr) -> str:
        """One side of a comparison: an answer written with codes other than its values
        (yes/no: SNOMED CT), and the value it is compared with, as those codes."""
        if self._codes(node) is not None:
            assert isinstance(node, Name)
            return f"{self._answer(node.name)}.value.code"
        codes = self._codes(other)
        if codes is not None and isinstance(node, Const) and isinstance(node.value, str):
            return _text(codes[node.value])
        return self.of(node)

    def _in(self, node: Expr) -> str:
        assert isinstance(node, In)
        if isinstance(node.haystack, tuple):
            values = list(node.haystack)
            recoded = self._codes(node.needle)
            if recoded is not None:
                assert isinstance(node.needle, Name)
                needle = f"{self._answer(node.needle.name)}.value.code"
                values = [recoded[str(value)] for value in values]
            else:
                needle = self.of(node.needle)
            found = (
                f"({needle} in ("
                + " | ".join(_text(v) if isinstance(v, str) else repr(v) for v in values)
                + "))"
            )
        else:
            codes = self._ticked(node.haystack)
            found = f"iif({codes[0]}.exists(), ({codes[1]} contains {self.of(node.needle)}), {{}})"
        return f"({found}).not()" if node.negated else found

    def _ticked(self, node: Expr) -> tuple[str, str]:
        """A multi-choice answer: (its answer, its codes ticked)."""
        if not isinstance(node, Name) or self._kind(node.name) is not Kind.SET:
            raise Untranslatable("in")
        answer = self._answer(node.name)
        return answer, f"{answer}.value.code.where($this != '{NONE_CODE}')"

    def _count(self, node: Expr) -> str:
        assert isinstance(node, Count)
        answer, codes = self._ticked(node.operand)
        return f"iif({answer}.exists(), {codes}.count(), {{}})"

    def _ifelse(self, node: Expr) -> str:
        assert isinstance(node, IfElse)
        condition = self.of(node.condition)
        return self._decided(condition, self.of(node.then), self.of(node.otherwise))

    def _answered(self, node: Expr) -> str:
        assert isinstance(node, Answered)
        question = self.flow.nodes.get(node.name)
        if isinstance(question, Question) and not has_value(question):
            raise Untranslatable("answered")
        return f"{self._answer(node.name)}.exists()"

    def _known(self, node: Expr) -> str:
        assert isinstance(node, Known)
        if node.name in self.flow.computed:
            return f"({self.computed(node.name)}).exists()"
        return f"{self._answer(node.name)}.value.exists()"

    def _call(self, node: Expr) -> str:
        assert isinstance(node, Call)
        function = FUNCTIONS.get(node.function)
        if function is None:
            raise Untranslatable(node.function)
        return f"({self.of(node.args[0])}).{function}()"

    def _aggregate(self, node: Expr) -> str:
        """An aggregate over a repeated group's entries (the group's items, one per
        round): an entry whose condition, value or key is empty takes no part."""
        assert isinstance(node, Aggregate)
        if self.entry:
            raise Untranslatable("an aggregate inside an aggregate")
        entries = f"%resource.item.where(linkId={_text(node.group)})"
        numbered = isinstance(node.value, Name) and node.value.name == ENTRY_NUMBER
        self.entry = node.members
        try:
            where = "true" if node.where is None else self.of(node.where)
            value = None if node.value is None or numbered else self.of(node.value)
            key = None if node.key is None else self.of(node.key)
        finally:
            self.entry = frozenset()
        if numbered and key is not None and node.function in ("first_min", "first_max"):
            return _first_number(node.function, entries, where, key)
        return _combined(node.function, f"{entries}.where({where})", value, key)


def _combined(function: str, taking: str, value: str | None, key: str | None) -> str:
    """An aggregate function over the entries taking part (``taking``)."""
    if function == "count_of":
        return f"{taking}.count()"
    if function in ("min_of", "max_of") and value is not None:
        return f"{taking}.select({value}).{function[:3]}()"
    if function in ("first_min", "first_max") and value is not None and key is not None:
        present = f"{taking}.where(({key}).exists() and ({value}).exists())"
        best = f"{present}.select({key}).{function[-3:]}()"
        return f"{present}.where(({key}) = {best}).first().select({value})"
    raise Untranslatable(function)  # any_of, all_of, sum_of


def _first_number(function: str, entries: str, where: str, key: str) -> str:
    """``first_min(g, entry_number, by=key)``: the round number (1 for the first) of the
    first entry whose key is the least (greatest) among those taking part."""
    taking = f"({where}) and ({key}).exists()"
    best = f"{entries}.where({taking}).select({key}).{function[-3:]}()"
    return f"{entries}.select(iif({taking} and ({key}) = {best}, $index + 1, {{}})).first()"
