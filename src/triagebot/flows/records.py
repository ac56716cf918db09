"""Records: the immutable data classes of triagebot, cheap to define.

``@record`` makes a slotted dataclass that behaves as ``@dataclass(frozen=True,
slots=True)`` does: its fields are set once, by ``__init__``, and assigning or deleting one
afterwards raises ``FrozenInstanceError``; two records are equal when they are of the very
same class with equal fields; a record hashes and pickles by its fields and reads as
``Name(field=value, ...)``.

Why not the dataclass itself: on Python 3.11 a frozen dataclass compiles six methods from
source text as its class is created (~0.4 ms a class), and ``triagebot FLOW`` imports some
sixty of them before its first question is drawn: ~15 ms of a ~220 ms launch
(``benchmarks/bench_tui.py``). A record compiles only its ``__init__``; the other methods
are the shared functions below, which read the fields the class lists.

A record's ``__init__`` is written here as dataclasses writes a frozen one's (the same
parameters, defaults and default factories, fields set with ``object.__setattr__``), in
one compiled function; dataclasses itself then adds the slots, ``__match_args__`` and the
field list that ``dataclasses.fields``, ``replace`` and pydantic read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


def _values_of(names: tuple[str, ...]) -> Callable[[object], tuple[Any, ...]]:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple of the values, read in C
    if names:
        one = attrgetter(names[0])
        return lambda item: (one(item),)
    return lambda item: ()


def _eq(self: Any, other: Any) -> Any:  # bool, or NotImplemented for another class
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = type(self).__record_values__
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(type(self).__record_values__(self))


@recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_fields__)
    return f"{type(self).__qualname__}({shown})"


def _no_assign(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _no_delete(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> tuple[Any, ...]:
    return type(self).__record_values__(self)  # type: ignore[no-any-return]


def _setstate(self: Any, state: tuple[Any, ...]) -> None:
    for name, value in zip(type(self).__record_fields__, state, strict=True):
        object.__setattr__(self, name, value)


SHARED: dict[str, Callable[..., Any]] = {
    "__eq__": _eq,
    "__hash__": _hash,
    "__repr__": _repr,
    "__setattr__": _no_assign,
    "__delattr__": _no_delete,
    "__getstate__": _getstate,
    "__setstate__": _setstate,
}
"""The methods every record shares (a class may still define its own)."""


class _FactoryDefault:
    """Stands for a default factory's value in ``__init__``'s signature (as in dataclasses)."""

    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _FactoryDefault()


def _init(cls: type, fields: tuple[Field[Any], ...]) -> Callable[..., None]:
    """``cls.__init__``, as ``dataclass(frozen=True)`` writes it."""
    names: dict[str, object] = {"__set": object.__setattr__, "__factory": FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for item in fields:
        name = item.name
        if not item.init:
            raise TypeError(f"{cls.__qualname__}.{name}: a record sets every field in __init__")
        if item.default_factory is not MISSING:
            names[f"__make_{name}"] = item.default_factory
            parameter = f"{name}=__factory"
            body.append(
                f"__set(self, {name!r}, __make_{name}() if {name} is __factory else {name})"
            )
        else:
            if item.default is not MISSING:
                names[f"__default_{name}"] = item.default
            parameter = name if item.default is MISSING else f"{name}=__default_{name}"
            body.append(f"__set(self, {name!r}, {name})")
        if item.kw_only:
            keyword.append(parameter)
        else:
            if positional and "=" in positional[-1] and "=" not in parameter:
                raise TypeError(f"non-default argument {name!r} follows default argument")
            positional.append(parameter)
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    signature = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    source = f"def __init__({signature}):\n    " + "\n    ".join(body or ["pass"])
    exec(source, names)  # the source is made above from field names, as dataclasses does
    init: Callable[..., None] = names["__init__"]  # type: ignore[assignment]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {item.name: item.type for item in fields} | {"return": None}
    return init


def _make(cls: type[T], kw_only: bool) -> type[T]:
    """The record made of ``cls``. Its class attributes ``__record_fields__`` (the field
    names, inherited ones first) and ``__record_values__`` (their values as a tuple) are
    what the shared methods read."""
    own = set(cls.__dict__)
    made = dataclass(cls, init=False, eq=False, repr=False, slots=True, kw_only=kw_only)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]
    names = tuple(item.name for item in fields)
    if "__init__" not in own:
        made.__init__ = _init(made, fields)  # type: ignore[method-assign]
    made.__record_fields__ = names  # type: ignore[attr-defined]
    made.__record_values__ = staticmethod(_values_of(names))  # type: ignore[attr-defined]
    for name, method in SHARED.items():
        if name not in own:
            setattr(made, name, method)
    return made


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(
    cls: type[T] | None = None, /, *, kw_only: bool = False
) -> type[T] | Callable[[type[T]], type[T]]:
    """Make ``cls`` a record: ``@record``, or ``@record(kw_only=True)`` for keyword-only
    fields (as ``dataclass`` takes them)."""
    if cls is not None:
        return _make(cls, kw_only)
    return lambda later: _make(later, kw_only)
