"""The one YAML seam: every flow or answers file is parsed here and nowhere else.

Reading is strict because a flow file is clinical content: PyYAML's defaults would keep
the last of two duplicate keys, expand alias bombs and turn ``no`` into ``False``. This
module composes the node tree itself, refuses what a flow never needs (anchors, aliases,
tags, duplicate keys, huge files), builds plain Python data and remembers where every
value came from so later stages can report ``FILE:LINE:COL: message``. It is the only module
that imports PyYAML; what a read document is (:class:`Document`, :class:`Problem`,
:class:`FlowError`, reading a file's text) lives in :mod:`triagebot.flows.documents` and is
re-exported here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from triagebot.flows.documents import (
    MAX_FILE_BYTES,
    Document,
    FlowError,
    PathKey,
    Position,
    Problem,
    decode,
    read_text,
)

__all__ = [
    "MAX_FILE_BYTES",
    "Document",
    "FlowError",
    "PathKey",
    "Position",
    "Problem",
    "decode",
    "load_file",
    "parse",
    "read_text",
]

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
