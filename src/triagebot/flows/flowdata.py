"""A validated flow as plain data (JSON's types) and back, with no pydantic and no I/O.

The flow cache (``triagebot.app.flowcache``) keeps what schema validation produced: the
:class:`~triagebot.flows.schema.Flow` in the language it was validated in, and the
:class:`~triagebot.flows.documents.Document` its positions come from. Read back, the two
are compiled again (:func:`~triagebot.flows.compiler.compile_validated`): the checks of
meaning and the expressions are the compiler's own, so a cached flow routes exactly as a
fresh one, while PyYAML and pydantic (most of a load's cost) are skipped.

Data only: nothing here runs code named by the data, and anything that does not fit the
models' types raises :class:`ValueError` (the cache then compiles the file instead).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache
from typing import Any, Literal, Union

from triagebot.flows.documents import Document, PathKey, Position
from triagebot.flows.schema import Flow

FORMAT = 1
"""The version of this data form; bumped when it changes meaning."""


def flow_to_data(flow: Flow) -> dict[str, Any]:
    """``flow`` as JSON's types (dates as ISO text)."""
    data = _dump(flow)
    assert isinstance(data, dict)
    return data


def flow_from_data(data: object) -> Flow:
    """The :class:`Flow` that :func:`flow_to_data` gave ``data`` for."""
    flow = _load(Flow, data)
    assert isinstance(flow, Flow)
    return flow


def document_to_data(document: Document) -> dict[str, Any]:
    """A document as JSON's types: its YAML values tagged so that each comes back as the
    same type, its positions as ``[path, line, column]`` lists."""
    return {
        "file": document.file,
        "data": _tagged(document.data),
        "positions": [[list(p), at.line, at.column] for p, at in document.positions.items()],
        "keys": [[list(p), at.line, at.column] for p, at in document.key_positions.items()],
        "quoted": [[list(p), quoted] for p, quoted in document.quoted.items()],
    }


def document_from_data(data: Any) -> Document:
    """The :class:`Document` that :func:`document_to_data` gave ``data`` for."""
    try:
        return Document(
            file=_text(data["file"]),
            data=_untagged(data["data"]),
            positions={
                _path(p): Position(_int(line), _int(col)) for p, line, col in data["positions"]
            },
            key_positions={
                _path(p): Position(_int(line), _int(col)) for p, line, col in data["keys"]
            },
            quoted={_path(p): bool(q) for p, q in data["quoted"]},
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"not a document: {error}") from None


def _positions(rows: Any) -> dict[PathKey, Position]:
    return {_path(path): Position(_int(line), _int(column)) for path, line, column in rows}


def _dump(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: _dump(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    if isinstance(value, dict):
        return {key: _dump(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    """A model's fields and their types (the models' annotations resolve at import)."""
    hints = typing.get_type_hints(kind, include_extras=True)
    return {item.name: hints[item.name] for item in dataclasses.fields(kind)}


def _load(kind: Any, value: object) -> object:  # noqa: PLR0911 (one return per kind of type)
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _load(typing.get_args(kind)[0], value)
    if origin is Union or origin is types.UnionType:
        return _load_union(typing.get_args(kind), value)
    if origin is Literal:
        if value not in typing.get_args(kind):
            raise ValueError(f"{value!r} is not one of {typing.get_args(kind)}")
        return value
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_load(item, one) for one in _a(list, value)]
    if origin is dict:
        key, item = typing.get_args(kind)
        return {_load(key, k): _load(item, v) for k, v in _a(dict, value).items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields = _a(dict, value)
        hints = _hints(kind)
        if set(fields) != set(hints):
            raise ValueError(f"{kind.__name__}: fields {sorted(fields)}, not {sorted(hints)}")
        return kind(**{name: _load(hints[name], fields[name]) for name in hints})
    return _load_plain(kind, value)


def _load_union(members: tuple[Any, ...], value: object) -> object:
    if value is None and type(None) in members:
        return None
    choices = [member for member in members if member is not type(None)]
    if len(choices) == 1:
        return _load(choices[0], value)
    tag = _a(dict, value).get("type")  # a node, told apart by its type as in the schema
    for member in choices:
        model = (
            typing.get_args(member)[0] if typing.get_origin(member) is typing.Annotated else member
        )
        if tag in typing.get_args(_hints(model).get("type", Literal[None])):
            return _load(model, value)
    raise ValueError(f"no node type {tag!r}")


def _load_plain(kind: Any, value: object) -> object:
    if kind is date:
        return date.fromisoformat(_a(str, value))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind in (str, int, float, bool) and type(value) is kind:
        return value
    raise ValueError(f"{value!r} is not a {getattr(kind, '__name__', kind)}")


def _a(kind: type[Any], value: object) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"{value!r} is not a {kind.__name__}")
    return value


def _text(value: object) -> str:
    return typing.cast(str, _a(str, value))


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _path(parts: object) -> PathKey:
    path = tuple(_a(list, parts))
    if not all(isinstance(part, str | int) and not isinstance(part, bool) for part in path):
        raise ValueError(f"{parts!r} is not a path")
    return path


# YAML gives mappings (keys need not be text), lists, dates and timestamps, which JSON
# does not have: each value is written as a one-key object naming its type.


def _tagged(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return {"v": value}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, list):
        return {"l": [_tagged(item) for item in value]}
    if isinstance(value, dict):
        return {"m": [[_tagged(key), _tagged(item)] for key, item in value.items()]}
    raise ValueError(f"a {type(value).__name__} is not kept")


def _untagged(value: object) -> object:
    [(tag, inner)] = _a(dict, value).items()
    if tag == "v" and (inner is None or isinstance(inner, bool | int | float | str)):
        return inner
    if tag == "t":
        return datetime.fromisoformat(_text(inner))
    if tag == "d":
        return date.fromisoformat(_text(inner))
    if tag == "l":
        return [_untagged(item) for item in _a(list, inner)]
    if tag == "m":
        return {_untagged(key): _untagged(item) for key, item in _a(list, inner)}
    raise ValueError(f"unknown tag {tag!r}")
