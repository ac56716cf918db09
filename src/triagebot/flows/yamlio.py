"""The one YAML seam: every flow or answers file is parsed here and nowhere else.

Reading is strict because a flow file is clinical content: PyYAML's defaults would keep
the last of two duplicate keys, expand alias bombs and turn ``no`` into ``False``. This
module composes the node tree itself, refuses what a flow never needs (anchors, aliases,
tags, duplicate keys, huge files, nesting deeper than :data:`MAX_DEPTH`), builds plain
Python data and remembers where every value came from so later stages can report
``FILE:LINE:COL: message``. Numbers are decimal as written (``1e2`` included, as JSON
writes it); YAML 1.1's octal, hexadecimal, binary, sexagesimal and underscored numbers are
refused where they stand, never read as a number nobody typed. libyaml and PyYAML's
pure-Python parser (the fallback where libyaml is missing) read every file alike.

It is the only module that imports PyYAML; what a read document is (:class:`Document`,
:class:`Problem`, :class:`FlowError`, reading a file's text) lives in
:mod:`triagebot.flows.documents` and is re-exported here.
"""

from __future__ import annotations

import math
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

_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")

_DECIMAL = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
"""A number as a clinician or a JSON file writes it: decimal digits, an optional point and
exponent (``10``, ``-7.5``, ``.5``, ``1e3``, ``5e-324``)."""

_SPECIAL_FLOAT = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
"""YAML's infinities and NaN: numbers, left for the schema to refuse where it must."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted; a flow needs about ten levels, and
deeper nesting only exhausts the stack of whatever walks the data."""


class _PlainScalarsAsLibyaml(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader, reading plain scalars as libyaml does.

    In a flow collection (``{...}``, ``[...]``) the pure-Python scanner ends a plain
    scalar at ``?`` (``{section: To treat or not to treat?}`` is a syntax error) where
    libyaml reads ``?`` as part of the text, and it reads ``[a:]`` as a mapping where
    libyaml refuses the ``:``. A file must mean the same whichever is installed, so this
    scanner follows libyaml's rule (libyaml 0.2.5, ``yaml_parser_scan_plain_scalar``).
    """

    def scan_plain(self) -> yaml.ScalarToken:
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] = []
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                # Read past ':' only: the text ends with one '\0', never read beyond.
                following = self.peek(length + 1) if ch == ":" else ""
                if self.flow_level and ch == ":" and following in ",?[]{}":
                    raise yaml.scanner.ScannerError(
                        "while scanning a plain scalar",
                        start_mark,
                        "found unexpected ':'",
                        self.get_mark(),
                    )
                if (
                    ch in _BLANK_OR_END
                    or (ch == ":" and following in _BLANK_OR_END)
                    or (self.flow_level and ch in ",[]{}")
                ):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark) or []
            if not spaces or self.peek() == "#" or (not self.flow_level and self.column < indent):
                break
        return yaml.ScalarToken("".join(chunks), True, start_mark, end_mark)


_BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"


def _strict(base: type[Any]) -> type[Any]:
    """``base`` with YAML 1.2 booleans only, no timestamps (dates stay strings), and an
    exponent without a point read as a number (``1e2``, as JSON writes it).

    YAML 1.1's other numbers (``010`` octal, ``0x3E8``, ``0b11``, ``1:30`` sexagesimal,
    ``1_000``) are still recognised as numbers here, so that :func:`_build` can refuse
    them at their position rather than read them as text or as a number nobody meant.
    """
    loader: type[Any] = type(f"Strict{base.__name__}", (base,), {})
    # YAML 1.1 reads yes/no/on/off as booleans: an answer "no" would silently become False.
    loader.yaml_implicit_resolvers = {
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    loader.add_implicit_resolver("tag:yaml.org,2002:float", _DECIMAL, list("-+0123456789."))
    return loader


PURE_LOADER: type[Any] = _strict(_PlainScalarsAsLibyaml)
"""The strict loader on PyYAML's pure-Python parser (used where libyaml is missing)."""

LIBYAML_LOADER: type[Any] | None = (
    _strict(yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else None
)
"""The strict loader on libyaml (shipped in PyYAML's wheels: about ten times faster)."""

LOADER: type[Any] = LIBYAML_LOADER or PURE_LOADER
"""The loader :func:`parse` uses; both read every file the same (tests check it)."""

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _check_events(text: str, name: str) -> None:
    """Refuse, before any tree is built: anchors and aliases (they have no place in a flow,
    and aliases make "billion laughs"), and nesting deeper than :data:`MAX_DEPTH`."""
    loader = LOADER(text)
    depth = 0
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
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    message = f"nested more than {MAX_DEPTH} levels deep"
                    raise FlowError([_problem_at(name, event.start_mark, message)])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def load_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Read and parse a YAML (or JSON) file strictly."""
    return parse(read_text(path, max_bytes), str(path))


def parse(text: str, name: str) -> Document:
    """Parse YAML text strictly into plain data with positions."""
    try:
        _check_events(text, name)
        loader = LOADER(text)
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
    if node.tag in _NUMBER_TAGS and not (
        _DECIMAL.match(node.value) or _SPECIAL_FLOAT.match(node.value)
    ):
        raise FlowError([_problem_at(document.file, node.start_mark, _not_decimal(node.value))])
    try:
        value = _construct_scalar(node)
    except (ValueError, yaml.YAMLError):
        message = "too long a number" if node.tag in _NUMBER_TAGS else "unreadable value"
        raise FlowError([_problem_at(document.file, node.start_mark, message)]) from None
    if isinstance(value, float) and math.isinf(value) and not _SPECIAL_FLOAT.match(node.value):
        # The same limit every number in a flow or answer meets later (schema.MAX_NUMBER),
        # said here because past about 1.8e308 the value would silently become infinity.
        message = f"'{node.value}' must be a finite number from -10^15 to 10^15"
        raise FlowError([_problem_at(document.file, node.start_mark, message)])
    return value


def _not_decimal(text: str) -> str:
    """Why ``010`` (octal 8 in YAML 1.1), ``1:30`` (90), ``0x3E8``, ``0b11`` or ``1_000``
    is refused rather than read as a number nobody typed."""
    shown = text if len(text) <= 30 else text[:30] + "…"
    return (
        f"'{shown}' is not a decimal number: write numbers in decimal digits, with an optional "
        "point and exponent and no leading zero (10, 7.5, 1e3); quote text that looks like one"
    )


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
