"""Records behave as frozen, slotted dataclasses do, each behaviour checked against one."""

from __future__ import annotations

import copy
import inspect
import pickle
from dataclasses import FrozenInstanceError, dataclass, field, fields, replace
from typing import Any

import pytest

from triagebot.flows.records import record
from triagebot.flows.schema import validator


@record(kw_only=True)
class Base:
    name: str
    tags: list[str] = field(default_factory=list)


@record(kw_only=True)
class Child(Base):
    size: float = 1.5


@record
class Point:
    x: int
    y: int = 0
    label: str | None = None


@record
class Lone:
    value: float


@dataclass(frozen=True, slots=True)
class PointDataclass:
    x: int
    y: int = 0
    label: str | None = None


def test_init_takes_what_a_dataclass_takes() -> None:
    """Positional and keyword parameters, defaults and default factories, as a dataclass."""
    assert str(inspect.signature(PointDataclass)) == str(inspect.signature(Point))
    assert (
        str(inspect.signature(Child))
        == "(*, name: 'str', tags: 'list[str]' = <factory>, size: 'float' = 1.5) -> None"
    )
    assert (Point(1).x, Point(1).y, Point(1).label) == (1, 0, None)
    assert Point(1, 2, "a") == Point(x=1, y=2, label="a")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Child("a")  # type: ignore[misc]


def test_a_default_factory_makes_a_new_value_each_time() -> None:
    """Two records built without the field do not share one list."""
    first, second = Base(name="a"), Base(name="b")
    assert first.tags == [] and first.tags is not second.tags


def test_no_field_can_be_assigned_or_deleted() -> None:
    """Assigning or deleting a field (or adding an attribute) raises FrozenInstanceError."""
    point = Point(1)
    for attempt in (
        lambda: setattr(point, "x", 2),
        lambda: delattr(point, "y"),
        lambda: setattr(point, "other", 1),
    ):
        with pytest.raises(FrozenInstanceError):
            attempt()
    assert (point.x, point.y) == (1, 0)


def test_equal_only_to_the_same_class_with_equal_fields() -> None:
    """Equality compares the class and the fields in order, inherited fields included."""
    assert Child(name="a", size=2) == Child(name="a", size=2)
    assert Child(name="a", size=2) != Child(name="a", size=3)
    assert Child(name="a", tags=["x"]) != Child(name="a", tags=["y"])
    assert Base(name="a") != Child(name="a")
    assert Point(1) != PointDataclass(1)
    assert Point(1).__eq__((1, 0, None)) is NotImplemented


def test_hash_repr_and_fields_as_a_dataclass() -> None:
    """Hash, repr and the field list match the equivalent frozen dataclass."""
    ours, theirs = Point(1, 2, "a"), PointDataclass(1, 2, "a")
    assert hash(theirs) == hash(ours)
    assert repr(theirs).replace("PointDataclass", "Point") == repr(ours)
    assert [f.name for f in fields(theirs)] == [f.name for f in fields(ours)]
    assert hash((0.5,)) == hash(Lone(0.5))
    with pytest.raises(TypeError):
        hash(Base(name="a"))  # a list field: unhashable, as with a dataclass


def test_copies_pickles_and_replace_give_equal_records() -> None:
    """pickle, copy, deepcopy and dataclasses.replace keep every field."""
    child = Child(name="a", tags=["x"], size=3.0)
    assert child == pickle.loads(pickle.dumps(child))
    assert child == copy.copy(child) == copy.deepcopy(child)
    assert Child(name="b", tags=["x"], size=3.0) == replace(child, name="b")


def test_pydantic_validates_into_a_frozen_record() -> None:
    """pydantic builds records through their fields; the result is frozen too."""
    adapter: Any = validator(Child)
    child = adapter.validate_python({"name": "a", "tags": ["x"], "size": "2.5"})
    assert Child(name="a", tags=["x"], size=2.5) == child
    with pytest.raises(FrozenInstanceError):
        child.size = 1.0


def test_a_default_before_a_required_field_is_refused() -> None:
    """As with a dataclass, a field without a default cannot follow one with a default."""
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @record
        class Wrong:
            a: int = 0
            b: int  # type: ignore[misc]
