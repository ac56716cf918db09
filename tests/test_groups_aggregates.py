"""Aggregates over a repeated group's entries: values, ties, exclusions, types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from triagebot.flows import expr
from triagebot.flows.expr import ExprError, Kind, Unavailable, Value, VarType, names_in

MEMBERS = (
    ("name", VarType(Kind.TEXT, frozenset({"a", "b", "c", "d"}))),
    ("qrs", VarType(Kind.NUMBER)),
    ("stim", VarType(Kind.TEXT, frozenset({"yes", "no"}))),
)
TYPES = {
    "g": VarType(Kind.GROUP, members=MEMBERS),
    "limit": VarType(Kind.NUMBER),
    "colour": VarType(Kind.TEXT, frozenset({"red", "blue"})),
}


class Entries:
    """An environment holding one group's completed entries and one outer answer."""

    def __init__(self, *entries: dict[str, Value], limit: Value = 150) -> None:
        self.rows = list(entries)
        self.limit = limit

    def lookup(self, name: str) -> Value:
        if name == "limit":
            return self.limit
        raise Unavailable(name)

    def is_answered(self, name: str) -> bool:
        return name == "limit"

    def entries(self, group: str) -> Sequence[Mapping[str, Value]]:
        assert group == "g"
        return self.rows


def value(text: str, env: Entries) -> Value:
    return expr.parse(text, TYPES).evaluate(env)


THREE = Entries(
    {"name": "a", "qrs": 150, "stim": "no"},
    {"name": "b", "qrs": 140, "stim": "yes"},
    {"name": "c", "qrs": 140, "stim": "no"},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count_of(g)", 3),
        ("count_of(g, stim == 'no')", 2),
        ("any_of(g, stim == 'yes')", True),
        ("all_of(g, stim == 'no')", False),
        ("min_of(g, qrs)", 140),
        ("max_of(g, qrs, where=stim == 'no')", 150),
        ("sum_of(g, qrs, where=stim == 'no')", 290),
        # first_min: the first entry with the least key wins a tie (b before c).
        ("first_min(g, name, by=qrs)", "b"),
        # ... among the entries where the condition holds only.
        ("first_min(g, name, by=qrs, where=stim == 'no')", "c"),
        ("first_max(g, name, by=qrs)", "a"),
        # the value may be a number, and per-entry arguments may read outer names.
        ("first_max(g, qrs - limit, by=qrs)", 0),
        ("count_of(g, qrs < limit)", 2),
        # an aggregate is a number or condition like any other.
        ("count_of(g) - count_of(g, stim == 'no') == 1", True),
    ],
)
def test_aggregate_values(text: str, expected: Value) -> None:
    """Each aggregate reads the entries in round order."""
    assert expected == value(text, THREE)


def test_first_max_tie_goes_to_the_first_tested() -> None:
    """Equal keys: the entry tested first is the one returned, whichever direction."""
    tied = Entries({"name": "d", "qrs": 150, "stim": "no"}, {"name": "a", "qrs": 150, "stim": "no"})
    assert (
        value("first_max(g, name, by=qrs)", tied),
        value("first_min(g, name, by=qrs)", tied),
    ) == ("d", "d")


UNKNOWN_AND_MISSING = Entries(
    {"name": "a", "qrs": "unknown", "stim": "no"},
    {"name": "b"},  # a round that ended before qrs and stim were asked
    {"name": "c", "qrs": 160, "stim": "no"},
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An unknown or unasked key/value/condition: the entry does not take part.
        ("min_of(g, qrs)", 160),
        ("first_min(g, name, by=qrs)", "c"),
        ("sum_of(g, qrs)", 160),
        ("count_of(g, stim == 'no')", 2),
        ("count_of(g, not known(qrs))", 2),
        ("count_of(g, answered(qrs))", 2),
        # all_of over the entries whose condition can be evaluated.
        ("all_of(g, stim == 'no')", True),
        ("count_of(g)", 3),
    ],
)
def test_entries_that_cannot_be_evaluated_do_not_take_part(text: str, expected: Value) -> None:
    """Unknown numbers and members not asked in a round leave that entry out."""
    assert expected == value(text, UNKNOWN_AND_MISSING)


@pytest.mark.parametrize(
    "text",
    [
        "min_of(g, qrs, where=stim == 'yes')",
        "max_of(g, qrs, where=stim == 'yes')",
        "first_min(g, name, by=qrs, where=stim == 'yes')",
        "first_max(g, name, by=qrs, where=stim == 'yes')",
    ],
)
def test_min_max_and_first_over_no_entry_are_unavailable(text: str) -> None:
    """No entry takes part: the value is unavailable (authors test any_of first)."""
    none_yes = Entries({"name": "a", "qrs": 150, "stim": "no"})
    with pytest.raises(Unavailable) as caught:
        value(text, none_yes)
    assert caught.value.name == "g"


def test_empty_group() -> None:
    """Over no entries: count 0, sum 0, any false, all true (nothing contradicts it)."""
    empty = Entries()
    assert (
        value("count_of(g)", empty),
        value("sum_of(g, qrs)", empty),
        value("any_of(g, stim == 'no')", empty),
        value("all_of(g, stim == 'no')", empty),
    ) == (0, 0, False, True)


def test_names_in_binds_members_inside_aggregates() -> None:
    """An aggregate reads its group and outer names; its members are bound per entry."""
    tree = expr.parse("count_of(g, qrs < limit and stim == 'no') > 0", TYPES)
    assert {"g", "limit"} == names_in(tree)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("count_of(g, qrs)", "count_of()'s condition must be a condition, not a number"),
        ("any_of(g)", "any_of() is written any_of(group, condition)"),
        ("sum_of(g, name)", "sum_of()'s value must be a number, not a text"),
        ("first_min(g, name, by=stim)", "first_min()'s key (by=) must be a number, not a text"),
        ("min_of(g, qrs, where=qrs)", "min_of()'s where= must be a condition, not a number"),
        ("count_of(g, where=stim == 'no')", "count_of() is written count_of(group)"),
        ("count_of(colour)", "count_of()'s first argument must be a repeated group (g)"),
        ("count_of(g, stim == 'maybe')", "'maybe' is never an answer here"),
        ("qrs > 5", "'qrs' has one answer per entry of group 'g'"),
        ("g == 'a'", "'g' is a repeated group, not a value"),
        ("first_min(g, name, by=qrs) == 'e'", "'e' is never an answer here"),
    ],
)
def test_aggregates_are_type_checked(text: str, message: str) -> None:
    """Wrong arguments are load errors, as for every other call."""
    with pytest.raises(ExprError) as caught:
        expr.parse(text, TYPES, Kind.BOOL if "==" in text or ">" in text else None)
    assert caught.value.message.startswith(message), caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first_min(g, entry_number, by=qrs)", 2),
        ("first_min(g, entry_number, by=qrs, where=stim == 'no')", 3),
        ("max_of(g, entry_number)", 3),
        ("count_of(g, entry_number > 1)", 2),
    ],
)
def test_entry_number_is_each_entry_s_round(text: str, expected: Value) -> None:
    """In per-entry arguments, entry_number is the entry's round (1 for the first)."""
    assert expected == value(text, THREE)


def test_entry_number_is_only_a_name_inside_aggregates() -> None:
    """Outside an aggregate entry_number is unknown; names_in does not report it."""
    with pytest.raises(ExprError, match="entry_number"):
        expr.parse("entry_number > 1", TYPES)
    expected = {"g"}
    assert expected == names_in(expr.parse("max_of(g, entry_number)", TYPES))
