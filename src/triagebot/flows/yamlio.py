"""The one YAML seam: every flow or answers file is read here and nowhere else.

Reading is strict because a flow file is clinical content: PyYAML's defaults would keep
the last of two duplicate keys, expand alias bombs and turn ``no`` into ``False``. This
module composes the node tree itself, refuses what a flow never needs (anchors, aliases,
tags, duplicate keys, huge files), builds plain Python data and remembers where every
value came from so later stages can report ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 512 * 1024
"""Largest flow or answers file accepted; the bundled flows are a few tens of kB."""

PathKey = tuple[str | int, ...]
"""Where a value sits in the document: mapping keys and list indices from the root."""


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, already placed at a line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FlowError(Exception):
    """A file could not be used; carries every problem found, each with its position."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(slots=True)
class Document:
    """Plain data read from a YAML file plus the position of every value in it."""

    file: str
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict)
    key_positions: dict[PathKey, Position] = field(default_factory=dict)
    """Where each mapping key is written (a bad id is reported at its key, not its value)."""
    quoted: dict[PathKey, bool] = field(default_factory=dict)

    def position_of(self, path: Iterable[str | int]) -> Position:
        """The position of the deepest part of ``path`` that exists in the file.

        A missing field has no position of its own, so it points at its parent.
        """
        key: PathKey = ()
        found = self.positions.get((), Position(1, 1))
        for part in path:
            key = (*key, part)
            if key not in self.positions:
                break
            found = self.positions[key]
        return found

    def problem(self, path: Iterable[str | int], message: str, offset: int = 0) -> Problem:
        """A problem at ``path``; ``offset`` moves it along a one-line scalar (an expression)."""
        path = tuple(path)
        where = self.position_of(path)
        if offset and self._is_one_line_scalar(path):
            shift = 1 if self.quoted.get(path, False) else 0
            where = Position(where.line, where.column + shift + offset)
        return Problem(self.file, where.line, where.column, message)

    def _is_one_line_scalar(self, path: PathKey) -> bool:
        return path in self.positions and path in self.quoted


# libyaml (shipped in PyYAML's wheels) parses about ten times faster than pure Python.
_BASE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE_LOADER):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans only and no timestamps (dates stay strings)."""


# YAML 1.1 reads yes/no/on/off as booleans: an answer "no" would silently become False.
_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _refuse_anchors(text: str, name: str) -> None:
    """Anchors and aliases have no place in a flow (and aliases make "billion laughs")."""
    loader = _StrictLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                message = "aliases (*name) are not allowed in flow files"
                raise FlowError([_problem_at(name, event.start_mark, message)])
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                message = f"anchors (&{anchor}) are not allowed in flow files"
                raise FlowError([_problem_at(name, event.start_mark, message)])
    finally:
        loader.dispose()


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a file as UTF-8, refusing a huge or undecodable one with its position."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FlowError(
                [Problem(name, 1, 1, f"file is {size} bytes; the limit is {max_bytes}")]
            )
        raw = path.read_bytes()
    except OSError as error:
        raise FlowError([Problem(name, 1, 1, f"cannot read file: {error.strerror}")]) from None
    return decode(raw, name, max_bytes)


def decode(raw: bytes, name: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Decode UTF-8 bytes, naming the line and column of the first bad byte."""
    if len(raw) > max_bytes:
        raise FlowError(
            [Problem(name, 1, 1, f"file is {len(raw)} bytes; the limit is {max_bytes}")]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        message = f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8"
        raise FlowError([Problem(name, line, column, message)]) from None


def load_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse a YAML (or JSON) file strictly."""
    return parse(read_text(path, max_bytes), str(path))


def parse(text: str, name: str) -> Document:
    """Parse YAML text strictly into plain data with positions."""
    try:
        _refuse_anchors(text, name)
        loader = _StrictLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = error.problem or error.context or "invalid YAML"
        raise FlowError([_problem_at(name, mark, f"YAML syntax: {message}")]) from None
    except yaml.YAMLError as error:
        raise FlowError([Problem(name, 1, 1, f"YAML syntax: {error}")]) from None
    if root is None:
        raise FlowError([Problem(name, 1, 1, "the file is empty; expected a mapping")])
    document = Document(name, None)
    document.data = _build(root, (), document)
    return document


def _problem_at(name: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(name, 1, 1, message)
    return Problem(name, mark.line + 1, mark.column + 1, message)


def _build(node: Node, path: PathKey, document: Document) -> Any:
    document.positions[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise FlowError(
            [_problem_at(document.file, node.start_mark, f"tag {node.tag} is not allowed")]
        )
    if isinstance(node, MappingNode):
        return _build_mapping(node, path, document)
    if isinstance(node, SequenceNode):
        return [_build(item, (*path, index), document) for index, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    document.quoted[path] = node.style in ("'", '"')
    try:
        return _construct_scalar(node)
    except (ValueError, yaml.YAMLError):
        raise FlowError([_problem_at(document.file, node.start_mark, "unreadable value")]) from None


def _build_mapping(node: MappingNode, path: PathKey, document: Document) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            message = "keys must be plain names (no merge keys or complex keys)"
            raise FlowError([_problem_at(document.file, key_node.start_mark, message)])
        key = str(key_node.value)
        if key in result:
            first = document.positions[(*path, key)]
            message = f"duplicate key '{key}' (first defined at line {first.line})"
            raise FlowError([_problem_at(document.file, key_node.start_mark, message)])
        mark = key_node.start_mark
        document.key_positions[(*path, key)] = Position(mark.line + 1, mark.column + 1)
        result[key] = _build(value_node, (*path, key), document)
    return result


# Scalars are built with SafeLoader's own constructors (one shared instance: they are pure).
_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")


def _construct_scalar(node: ScalarNode) -> Any:
    constructor = yaml.SafeLoader.yaml_constructors[node.tag]
    return constructor(_SCALAR_CONSTRUCTOR, node)
