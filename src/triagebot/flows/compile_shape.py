"""The shape stage of compiling: a document validated against the schema (pydantic), each
problem placed at its ``FILE:LINE:COL`` in words a flow's author reads.
"""

from __future__ import annotations

import re
from typing import Any

from triagebot.flows.catalog import DEFAULT_LANGUAGE
from triagebot.flows.documents import Document, FlowError, PathKey, Problem, dotted
from triagebot.flows.schema import NODE_TYPES, Flow
from triagebot.flows.schema_fields import (
    LANGUAGE_CONTEXT,
    LANGUAGES_CONTEXT,
    MAX_ROUNDS,
    TRANSLATION_ERROR,
    validator,
)

_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


def declared_languages(document: Document) -> tuple[str, ...] | None:
    """The languages a flow file declares (``[en]`` when it declares none); None when its
    ``languages`` field is malformed (the schema then reports it)."""
    data = document.data
    if not isinstance(data, dict) or "languages" not in data:
        return (DEFAULT_LANGUAGE,)
    value = data["languages"]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(code, str) and _LANGUAGE_CODE.match(code) for code in value)
        or len(set(value)) != len(value)
    ):
        return None
    return tuple(value)


def validate_shape(document: Document, lang: str | None = None) -> Flow:
    """Validate a document against the schema in ``lang`` (default: the flow's first
    language), mapping pydantic errors to positions."""
    if not isinstance(document.data, dict):
        raise FlowError([document.problem((), "a flow file must be a mapping of fields")])
    languages = declared_languages(document)
    context = {
        LANGUAGES_CONTEXT: languages,
        LANGUAGE_CONTEXT: lang or (languages[0] if languages else DEFAULT_LANGUAGE),
    }
    from pydantic import ValidationError  # noqa: PLC0415 (a cached flow never validates)

    try:
        return validator(Flow).validate_python(document.data, context=context)
    except ValidationError as error:
        problems = [
            problem for detail in error.errors() for problem in _shape_problems(document, detail)
        ]
        raise FlowError(unique_problems(problems)) from None


def _shape_problems(document: Document, detail: Any) -> list[Problem]:
    if detail["type"] == TRANSLATION_ERROR:
        return _translation_problems(document, detail)
    return [_shape_problem(document, detail)]


def _translation_problems(document: Document, detail: Any) -> list[Problem]:
    """Each translation problem of one text, named by its place (``nodes.x.prompt``) and put
    at the language key it is about, or at the field's key."""
    path = _data_path(document.data, tuple(detail["loc"]))
    name = dotted(path)
    problems = []
    for code, message in detail["ctx"]["problems"]:
        where = None if code is None else document.key_positions.get((*path, code))
        where = where or document.key_positions.get(path) or document.position_of(path)
        problems.append(Problem(document.file, where.line, where.column, f"{name} {message}"))
    return problems


UNKNOWN_FIELD = "unexpected_keyword_argument"
"""Pydantic's error type for a key a model does not have (the models are dataclasses)."""


def _shape_problem(document: Document, detail: Any) -> Problem:
    loc = tuple(detail["loc"])
    path = _data_path(document.data, loc)
    kind = detail["type"]
    last = loc[-1] if loc else ""
    if kind == "union_tag_invalid" and _is_member(path):
        tag = detail["ctx"]["tag"]
        if tag in ("group", "outcome"):
            message = (
                "groups cannot be nested: a group's members are questions and info messages"
                if tag == "group"
                else "a group cannot hold an outcome: leave the group through its 'next'"
            )
            return document.problem((*path, "type"), message)
    if kind.startswith("union_tag"):
        path = (*path, "type")
    # A bad or unknown key is reported where the key is written, not at its value.
    key_path = path[:-1] if loc and loc[-1] == "[key]" else path
    if kind == UNKNOWN_FIELD or loc[-1:] == ("[key]",):
        key = document.key_positions.get(key_path)
        if key is not None:
            message = _shape_message(detail, kind, last)
            return Problem(document.file, key.line, key.column, message)
    if path[-1:] != loc[-1:]:
        last = ""  # the error is about the whole value (e.g. a union member's validator)
    bound = _bound_message(document, path, detail)
    return document.problem(path, bound or _shape_message(detail, kind, last))


def _bound_message(document: Document, path: PathKey, detail: Any) -> str | None:
    """A number written out of bounds: a range end or suggestion that is not finite or
    over 10^15, or a group's ``max`` over ``MAX_ROUNDS``; None for any other error."""
    if detail["type"] not in ("finite_number", "less_than_equal", "greater_than_equal"):
        return None
    parent: Any = document.data
    for part in path[:-1]:
        parent = parent[part] if _has(parent, part) else None
    kind = parent.get("type") if isinstance(parent, dict) else None
    last = path[-1] if path else ""
    if kind == "group" and last == "max":
        return f"'max': a repeated group has 1 to {MAX_ROUNDS} rounds, not {detail['input']}"
    if (kind == "number" and last in ("min", "max")) or last == "value":
        return (
            f"'{last}' must be a finite number from -10^15 to 10^15 (not NaN, an infinity "
            f"or a number such as 1e400), not {detail['input']!r}"
        )
    return None


def _shape_message(detail: Any, kind: str, last: Any) -> str:
    if kind == UNKNOWN_FIELD:
        message = f"unknown field '{last}'"
    elif kind == "missing":
        message = f"missing required field '{last}'"
    elif kind == "union_tag_not_found":
        message = f"missing 'type' (one of: {', '.join(NODE_TYPES)})"
    elif kind == "union_tag_invalid":
        context = detail["ctx"]
        message = f"unknown type {context['tag']!r} (expected one of: {context['expected_tags']})"
    elif kind == "string_pattern_mismatch" and detail["loc"][:1] == ("languages",):
        message = (
            f"'{detail['input']}' is not a language code: "
            "use two lower-case letters (ISO 639-1), e.g. fr or en"
        )
    elif kind == "string_pattern_mismatch":
        message = (
            f"'{detail['input']}' is not a valid id: "
            "use lower case letters, digits and _ (start with a letter)"
        )
    else:
        field_name = f"'{last}': " if isinstance(last, str) and last else ""
        message = f"{field_name}{detail['msg']}"
    return message


def _is_member(path: PathKey) -> bool:
    """Whether ``path`` is a group's member: ``("nodes", group, "nodes", member)``."""
    return len(path) == 4 and path[0] == "nodes" and path[2] == "nodes"


def _data_path(data: Any, loc: tuple[Any, ...]) -> PathKey:
    """Follow a pydantic ``loc`` through the data, skipping parts that are union tags."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if _has(current, part):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and current.get("type") == part:
            continue  # pydantic's name for the union member (the node type), not a key
        elif isinstance(current, dict) and isinstance(part, str):
            # A missing key: keep it so the position falls back to the parent.
            path.append(part)
            break
    return tuple(path)


def _has(container: Any, part: Any) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def unique_problems(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str]] = set()
    result = []
    for problem in problems:
        key = (problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            result.append(problem)
    return result
