"""Safety properties kept apart from the flow: a file the Clinical Safety Officer owns.

A flow's own ``invariants`` are written by the author of its routing; an audit of version 1
found invariants that faithfully proved a wrong spec. A properties file
(``flows/tests/<flow-id>.properties.yaml``) is written from the clinical spec by someone
else, names the flow and the versions it was written for, and says for each property the
harm it prevents::

    flow: ecpr
    versions: ">=2.0.0,<3"
    written_from: clinical-spec.md version 2
    properties:
      - name: go_never_ohca
        says: Go never follows an out-of-hospital arrest.
        hazard: A child is cannulated after an arrest with unknown no-flow time.
        holds: outcome != 'go' or location != 'ohca'

:func:`load_properties` reads and checks one against a compiled flow (every problem at
``FILE:LINE:COL`` of the properties file, a name the flow lacks at the name itself);
:func:`with_properties` gives the flow with them as extra invariants, so the verifier
proves them on every path exactly as it proves the flow's own (``verify.verify(flow,
properties=...)``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triagebot.flows import expr, safe_text
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow
from triagebot.flows.documents import Document, FlowError, PathKey, Problem, read_text
from triagebot.flows.expr import Expr, ExprError, Kind, VarType

SUFFIX = ".properties.yaml"
"""How a properties file is named beside its flow's tests: ``<flow-id>.properties.yaml``."""

KEY_PREFIX = "property:"
"""How a property is keyed among the invariants the verifier checks: no invariant name
contains ``:``, so a property never shadows an invariant of the same name."""

_FIELDS = ("flow", "versions", "written_from", "properties")
_PROPERTY_FIELDS = ("name", "says", "hazard", "holds")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)\s*$")
_VERSION = re.compile(r"^\d+(?:\.\d+)*$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Property:
    """One safety property, checked against its flow and ready to prove."""

    name: str
    """Short id, unique in its file, e.g. ``go_never_ohca``."""
    says: str
    """The property in one sentence, in clinical words."""
    hazard: str
    """The harm the property prevents (the hazard of a safety case's hazard log)."""
    holds: str
    """The condition, in the expression language of in-flow invariants."""
    tree: Expr
    """``holds`` parsed and typed against the flow."""
    where: str
    """``FILE:LINE:COL`` of ``holds`` in the properties file."""


@dataclass(frozen=True, slots=True)
class PropertiesFile:
    """A properties file read and checked against one flow."""

    file: str
    """The file's path as given."""
    flow: str
    """The id of the flow it was written for."""
    versions: str
    """The flow versions it was written for, e.g. ``>=2.0.0,<3``."""
    written_from: str | None
    """What it was written from (free text), e.g. the spec and its version."""
    properties: tuple[Property, ...]
    """The properties, in the order written."""

    def by_key(self, key: str) -> Property | None:
        """The property keyed ``key`` among the verifier's invariants, or None."""
        if not key.startswith(KEY_PREFIX):
            return None
        name = key.removeprefix(KEY_PREFIX)
        return next((p for p in self.properties if p.name == name), None)


def key_of(prop: Property) -> str:
    """A property's key among the invariants the verifier checks."""
    return KEY_PREFIX + prop.name


def load_properties(path: Path, flow: CompiledFlow) -> PropertiesFile:
    """Read the properties file at ``path`` and check it against ``flow``.

    Raises:
        FlowError: every problem found, each at ``FILE:LINE:COL`` of the properties file.
    """
    return parse_properties(read_text(path), str(path), flow)


def parse_properties(text: str, name: str, flow: CompiledFlow) -> PropertiesFile:
    """A properties file's ``text`` (read from ``name``) checked against ``flow``."""
    from triagebot.flows.yamlio import parse  # noqa: PLC0415 (PyYAML only when used)

    # Its text reaches the terminal and the safety case as a flow's does: the same refusal.
    safe_text.refuse_raw(text, name)
    document = parse(text, name)
    safe_text.refuse_escaped(document, text)
    return _Checker(document, text, flow).check()


def with_properties(flow: CompiledFlow, properties: PropertiesFile) -> CompiledFlow:
    """``flow`` with the properties added to the invariants its verifier checks (keyed by
    :func:`key_of`); the flow itself is not changed."""
    extra = {key_of(prop): prop.tree for prop in properties.properties}
    return dataclasses.replace(flow, invariants={**flow.invariants, **extra})


def summary_lines(properties: PropertiesFile, holds: Callable[[str], bool]) -> list[str]:
    """The verifier's text lines for a properties file: where it is from, then each
    property's verdict (``holds(name)``) with what it says."""
    written = f"; written from {properties.written_from}" if properties.written_from else ""
    lines = [f"  properties: {properties.file} (versions {properties.versions}{written}):"]
    for prop in properties.properties:
        verdict = "holds" if holds(prop.name) else "FAILS"
        lines.append(f"    {verdict}  {prop.name}: {prop.says}")
    return lines


def version_in_range(version: str, versions: str) -> bool:
    """Whether ``version`` (dotted numbers, e.g. ``2.0.0``) is in ``versions``, a comma
    list of clauses each ``>=``, ``<=``, ``>``, ``<``, ``==`` or ``!=`` a dotted number
    (``>=2.0.0,<3``); missing parts count as 0, so ``<3`` means below 3.0.0.

    Raises:
        ValueError: ``versions`` or ``version`` is not written so; the message says how.
    """
    if not _VERSION.match(version.strip()):
        raise ValueError(f"the flow's version '{version}' is not dotted numbers (e.g. 2.0.0)")
    have = _numbers(version.strip())
    clauses = versions.split(",")
    result = True
    for clause in clauses:
        found = _CLAUSE.match(clause)
        if found is None:
            raise ValueError(
                f"'{clause.strip()}' is not a version clause: write e.g. \">=2.0.0,<3\" "
                "(each clause >=, <=, >, <, == or != a dotted number)"
            )
        operator, bound = found.groups()
        result = result and _compare(have, operator, _numbers(bound))
    return result


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _compare(have: tuple[int, ...], operator: str, bound: tuple[int, ...]) -> bool:
    width = max(len(have), len(bound))
    left = have + (0,) * (width - len(have))
    right = bound + (0,) * (width - len(bound))
    return {
        ">=": left >= right,
        "<=": left <= right,
        ">": left > right,
        "<": left < right,
        "==": left == right,
        "!=": left != right,
    }[operator]


class _Checker:
    """Checks a read properties file against a flow, collecting every problem."""

    def __init__(self, document: Document, text: str, flow: CompiledFlow) -> None:
        self.document = document
        self.text = text
        self.flow = flow
        self.problems: list[Problem] = []

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(self.document.problem(path, message))

    def fail_key(self, path: PathKey, message: str) -> None:
        key = self.document.key_positions.get(path)
        if key is None:
            self.fail(path, message)
        else:
            self.problems.append(Problem(self.document.file, key.line, key.column, message))

    def check(self) -> PropertiesFile:
        data = self.document.data
        if not isinstance(data, dict):
            raise FlowError(
                [self.document.problem((), "a properties file must be a mapping of fields")]
            )
        for key in data:
            if key not in _FIELDS:
                self.fail_key((key,), f"unknown field '{key}' (expected: {_expected(_FIELDS)})")
        flow_id = self.text_field(data, ("flow",))
        versions = self.text_field(data, ("versions",))
        written_from = self.text_field(data, ("written_from",), required=False)
        if flow_id is not None and flow_id != self.flow.id:
            self.fail(
                ("flow",),
                f"this properties file is for flow '{flow_id}', not '{self.flow.id}' "
                f"({self.flow.file})",
            )
        elif versions is not None:
            self.check_version(versions)
        properties = self.check_properties(data.get("properties"))
        if self.problems:
            unique = {(p.line, p.column, p.message): p for p in self.problems}
            raise FlowError(sorted(unique.values(), key=lambda p: (p.line, p.column)))
        assert flow_id is not None and versions is not None
        return PropertiesFile(
            self.document.file, flow_id, versions, written_from, tuple(properties)
        )

    def text_field(self, data: dict[str, Any], path: PathKey, required: bool = True) -> str | None:
        value = data.get(str(path[-1]))
        if value is None:
            if required:
                parent = path[:-1]
                self.fail(parent, f"missing required field '{path[-1]}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"'{path[-1]}' must be text, not {_kind(value)}")
            return None
        return value.strip()

    def check_version(self, versions: str) -> None:
        version = self.flow.flow.version
        try:
            inside = version_in_range(version, versions)
        except ValueError as error:
            self.fail(("versions",), str(error))
            return
        if not inside:
            self.fail(
                ("versions",),
                f"this properties file was written for '{self.flow.id}' versions {versions}, "
                f"but {self.flow.file} is version {version}: review each property against "
                "this version (and the spec it follows), then update 'versions'",
            )

    def check_properties(self, raw: object) -> list[Property]:
        if raw is None:
            self.fail((), "missing required field 'properties'")
            return []
        if not isinstance(raw, list) or not raw:
            self.fail(("properties",), "'properties' must be a list of at least one property")
            return []
        result: list[Property] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            prop = self.check_property(index, item)
            if prop is None:
                continue
            if prop.name in seen:
                self.fail(("properties", index, "name"), f"property '{prop.name}' is defined twice")
            seen.add(prop.name)
            result.append(prop)
        return result

    def check_property(self, index: int, item: object) -> Property | None:
        path: PathKey = ("properties", index)
        if not isinstance(item, dict):
            self.fail(path, f"a property must be a mapping of {_expected(_PROPERTY_FIELDS)}")
            return None
        for key in item:
            if key not in _PROPERTY_FIELDS:
                self.fail_key(
                    (*path, key), f"unknown field '{key}' (expected: {_expected(_PROPERTY_FIELDS)})"
                )
        fields = {name: self.text_field(item, (*path, name)) for name in _PROPERTY_FIELDS}
        name = fields["name"]
        if name is not None and not _NAME.match(name):
            self.fail(
                (*path, "name"),
                f"'{name}' is not a valid name: use lower case letters, digits and _ "
                "(start with a letter)",
            )
        holds = fields["holds"]
        tree = None if holds is None else self.parse(name or "?", holds, (*path, "holds"))
        if tree is None or None in fields.values():
            return None
        where = self.document.position_of((*path, "holds"))
        return Property(
            name=str(name),
            says=str(fields["says"]),
            hazard=str(fields["hazard"]),
            holds=holds or "",
            tree=tree,
            where=f"{self.document.file}:{where.line}:{where.column}",
        )

    def parse(self, name: str, holds: str, path: PathKey) -> Expr | None:
        # On one line, the parser's column is the offset in the whole text (same length).
        flat = holds.replace("\n", " ").replace("\r", " ")
        try:
            return expr.parse(flat, self.types(), Kind.BOOL)
        except ExprError as error:
            offset = error.offset + len(flat) - len(flat.lstrip())
            self.problems.append(
                self.locate(path, holds, offset, f"property '{name}': {error.message}")
            )
            return None

    def types(self) -> dict[str, VarType]:
        """The names a property may read: the flow's answers and computed values (a
        group's members only inside an aggregate, as for the flow's own invariants) and
        ``outcome``."""
        flow = self.flow
        outcomes = frozenset(node_id for node_id, _ in flow.outcomes())
        types = {name: found for name, found in flow.types.items() if name not in flow.group_of}
        types[OUTCOME_VARIABLE] = VarType(Kind.TEXT, outcomes)
        return types

    def locate(self, path: PathKey, value: str, offset: int, message: str) -> Problem:
        """A problem at the part of ``value`` (written at ``path``) that starts at ``offset``:
        the same word, counted from the value's start, in the file's own text (a folded or
        block scalar is written over several lines)."""
        start = self.document.position_of(path)
        fallback = Problem(self.document.file, start.line, start.column, message)
        found = _WORD.match(value, offset)
        token = found.group() if found else value[offset : offset + 1]
        if not token.strip():
            return fallback
        pattern = re.escape(token)
        if found:
            pattern = rf"(?<![A-Za-z0-9_]){pattern}(?![A-Za-z0-9_])"
        nth = len(re.findall(pattern, value[:offset]))
        lines = self.text.splitlines(keepends=True)
        base = sum(len(line) for line in lines[: start.line - 1]) + start.column - 1
        matches = re.finditer(pattern, self.text[base:])
        for count, match in enumerate(matches):
            if count == nth:
                absolute = base + match.start()
                line = self.text.count("\n", 0, absolute) + 1
                column = absolute - (self.text.rfind("\n", 0, absolute) + 1) + 1
                return Problem(self.document.file, line, column, message)
        return fallback


def _expected(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def _kind(value: object) -> str:
    if isinstance(value, str):
        return "empty text"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing"


__all__ = [
    "KEY_PREFIX",
    "SUFFIX",
    "PropertiesFile",
    "Property",
    "key_of",
    "load_properties",
    "parse_properties",
    "summary_lines",
    "version_in_range",
    "with_properties",
]
