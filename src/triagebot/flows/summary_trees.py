"""The pieces of a group's summary (:mod:`triagebot.flows.summary`): the data it renames
(:class:`Datum`), how a branch on a whole value is kept small, and how a summary is
renamed and read."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

from triagebot.flows.expr import Aggregate, Name
from triagebot.flows.places import Place

NONE = "<none>"
"""A value a whole value may end with: none (no entry takes part)."""

OTHER = "<other>"
"""How an option the entries so far never took is shown in a summary, with its class
(any one of the class stands for them all)."""

_MISSING = object()

Candidate = tuple[Hashable, object]
"""A value a whole value may end with: how the summary shows it, and the value."""


@dataclass(frozen=True, slots=True)
class Datum:
    """A value of interchangeable data in a summary, before it is renamed."""

    domain: str
    """``"L:member"``, ``"N:member"`` or ``"E:group"`` (see ``Domains.role``)."""
    value: object


class Unfit(Exception):
    """A whole value whose later values cannot be listed: no summary."""


def ranked(whole: Aggregate) -> bool:
    """The whole value is its own key: a least or greatest number (``min_of``,
    ``first_min(g, x, by=x)``)."""
    if whole.function in ("min_of", "max_of"):
        return True
    value, key = whole.value, whole.key
    return isinstance(value, Name) and isinstance(key, Name) and value.name == key.name


def as_float(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_datum(role: str | None, value: object) -> Hashable:
    if role is None:
        assert isinstance(value, Hashable)
        return value
    return Datum(role, value)


def shown_at(role: str, where: Place) -> Hashable:
    kind, low, high = where
    if kind == "at":
        return Datum(role, low)
    return ("between", Datum(role, low), Datum(role, high))


def simplified(
    name: str, children: list[tuple[Hashable, Hashable]], other_of: Callable[[Hashable], Hashable]
) -> Hashable:
    """A branch on a whole value, as small as its meaning allows: one child when all
    agree; options behaving like an option of their class the entries never took are
    left out (they mean: like it); numbers next to each other that behave alike are one
    run (its first place stands for it)."""
    subtrees = {subtree for _, subtree in children}
    if len(subtrees) == 1:
        return subtrees.pop()
    others: dict[Hashable, Hashable] = {
        shown: sub for shown, sub in children if isinstance(shown, tuple) and shown[:1] == (OTHER,)
    }
    if others:
        children = [
            (shown, sub) for shown, sub in children if others.get(other_of(shown), _MISSING) != sub
        ]
    runs: list[tuple[Hashable, Hashable]] = []
    for shown, sub in children:
        if runs and _ordered(shown) and _ordered(runs[-1][0]) and runs[-1][1] == sub:
            continue
        runs.append((shown, sub))
    return ("?", name, tuple(runs))


def _ordered(shown: Hashable) -> bool:
    """A number's place (a kept number or a gap between two)."""
    if isinstance(shown, Datum):
        return shown.domain.startswith("N:")
    return isinstance(shown, tuple) and shown[:1] == ("between",)


def data_in(tree: object) -> Iterator[Datum]:
    if isinstance(tree, Datum):
        yield tree
    elif isinstance(tree, tuple):
        for part in tree:
            yield from data_in(part)


def mapped(tree: object, names: dict[tuple[str, object], object]) -> Hashable:
    """``tree`` renamed; a branch over options lists them in the order of their new names
    (their order as found follows the option ids, which renaming must not show)."""
    if isinstance(tree, Datum):
        return Datum(tree.domain, names[(tree.domain, tree.value)])
    if not isinstance(tree, tuple):
        assert isinstance(tree, Hashable)
        return tree
    parts = tuple(mapped(part, names) for part in tree)
    children = parts[2] if len(parts) == 3 and parts[0] == "?" else ()
    assert isinstance(children, tuple)
    if any(_is_option(child[0]) for child in children):
        return ("?", parts[1], tuple(sorted(children, key=_option_order)))
    return parts


def _is_option(shown: object) -> bool:
    return isinstance(shown, Datum) and shown.domain.startswith("L:")


def _option_order(child: tuple[Hashable, Hashable]) -> tuple[int, str]:
    shown = child[0]
    return (0, repr(shown.value)) if _is_option(shown) else (1, repr(shown))  # type: ignore[attr-defined]
