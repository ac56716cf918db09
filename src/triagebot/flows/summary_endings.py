"""What a whole value may still end with, given a summary's entries so far and the rounds
to come (:mod:`triagebot.flows.summary`, ``Summary._candidates``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from triagebot.flows.expr import ENTRY_NUMBER, Aggregate, Name
from triagebot.flows.places import positions
from triagebot.flows.schema import UNSURE, YES_NO_VALUES, ChoiceQuestion, NumberQuestion
from triagebot.flows.summary_trees import (
    NONE,
    OTHER,
    Candidate,
    Datum,
    Unfit,
    as_datum,
    as_float,
    is_number,
    ranked,
    shown_at,
)

if TYPE_CHECKING:
    from triagebot.flows.summary import Summary


def ends(summary: Summary, whole: Aggregate, now: object) -> list[Candidate]:
    """The values ``whole`` may end with when its ``so_far`` is ``now``: a count may
    still grow by the rounds to come, any/all turn once; otherwise its value now (or
    none) and a later entry's."""
    function = whole.function
    if function == "count_of":
        assert isinstance(now, int)
        return [(count, count) for count in range(now, now + summary.left + 1)]
    if function in ("any_of", "all_of"):
        settled = (now is True) == (function == "any_of")
        return [
            (value, value) for value in ([now] if settled or not summary.left else [now, not now])
        ]
    found: list[Candidate] = [(NONE, NONE)] if now is None else []
    if now is not None:
        value = now[0] if isinstance(now, tuple) else now
        found.append((as_datum(summary.role(whole, "value"), value), value))
    return found + (later_values(summary, whole, now) if summary.left else [])


def later_values(summary: Summary, whole: Aggregate, now: object) -> list[Candidate]:
    """The values a later entry may bring as ``whole``'s value: of a least (greatest)
    number, only those below (above) the current one; a later entry replaces the
    current one only with a strictly better key."""
    value = whole.value
    if not isinstance(value, Name):
        raise Unfit
    role = summary.role(whole, "value")
    if value.name == ENTRY_NUMBER:
        start = len(summary.entries) + 1
        if role is not None:  # every later number compares alike with those so far
            return [(Datum(role, "later"), start)]
        last = summary.flow.groups[whole.group].max
        return [(number, number) for number in range(start, last + 1)]
    question = summary.flow.nodes.get(value.name)
    if role is not None and role.startswith("N:"):
        assert isinstance(question, NumberQuestion)
        return later_numbers(summary, whole, question, role, now)
    if role is not None and role.startswith("L:"):
        seen = {entry.get(value.name) for entry in summary.entries}
        found: list[Candidate] = []
        for index, options in enumerate(summary.domains.label_classes(value.name)):
            found += [(Datum(role, option), option) for option in options if option in seen]
            other = next((option for option in options if option not in seen), None)
            if other is not None:  # stands for every option of its class not seen
                found.append(((OTHER, index), other))
        return found
    if isinstance(question, ChoiceQuestion):
        return [(option.id, option.id) for option in question.options]
    if question is not None and question.type == "yes_no":
        return [(v, v) for v in (*YES_NO_VALUES, UNSURE)]
    raise Unfit


def later_numbers(
    summary: Summary, whole: Aggregate, question: NumberQuestion, role: str, now: object
) -> list[Candidate]:
    """The places a later entry's number may take as ``whole``'s value (the question
    ``whole`` reads, compared by order: ``role``)."""
    assert isinstance(whole.value, Name)
    member, integer = whole.value.name, question.integer
    seen = {as_float(e[member]) for e in summary.entries if is_number(e.get(member))}
    places = positions(sorted(seen | set(summary.cuts[member])), integer, None)[0]
    if now is not None and ranked(whole):
        bound = as_float(now[1] if isinstance(now, tuple) else now)
        least = whole.function in ("min_of", "first_min")
        places = [
            p for p in places if (as_float(p[1]) < bound if least else as_float(p[1]) > bound)
        ]
    return [(shown_at(role, where), found) for where, found in places]
