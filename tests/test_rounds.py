"""Rounds merged by symmetry find exactly what walking every order of every value finds.

The reference explorer tries every option of the choice member, numbers realizing every
order of the entries between the thresholds (as many distinct values in each gap as there
are rounds), and merges nothing. Invariants and routing are drawn at random from the
aggregate language; both explorers must reach the same outcomes, fire the same rules and
break the same invariants with counterexamples of the same length.
"""

from __future__ import annotations

import bisect
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triagebot.flows.answers import AnswerValue
from triagebot.flows.compiler import OUTCOME_VARIABLE, CompiledFlow, compile_text
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.explore import Exploration, Explorer
from triagebot.flows.explore_analysis import analyse
from triagebot.flows.explore_classes import ClassFinder
from triagebot.flows.explore_points import Classes, Entries
from triagebot.flows.expr import Unavailable
from triagebot.flows.places import positions
from triagebot.flows.rounds import Rounds
from triagebot.flows.summary import Context

FLOW = """\
id: rounds-test
title: Rounds test
version: "1"
audience: tests
disclaimer: Test fixture.
content_review: {{signed_off: 2025-01-01, due: 2025-12-31}}
sources:
  - {{id: s, title: S, file: none.txt, version: "1", evidence: guideline}}
start: base
nodes:
  base:
    type: number
    min: 0
    max: 10
    prompt: Base?
    why: Test.
    source: {{doc: s, section: x}}
    next: items
  items:
    type: group
    entry: Item
    max: {rounds}
    start: name
    another: more
    source: {{doc: s, section: x}}
    nodes:
      name:
        type: choice
        prompt: Name?
        why: Test.
        source: {{doc: s, section: x}}
        options: [{{id: a, label: A}}, {{id: b, label: B}}, {{id: c, label: C}}]
        next: level
      level:
        type: number
        min: 0
        max: 10
        prompt: Level?
        why: Test.
        source: {{doc: s, section: x}}
        next: flag
      flag:
        type: yes_no
        prompt: Flag?
        why: Test.
        source: {{doc: s, section: x}}
        next: more
      more:
        type: yes_no
        prompt: More?
        why: Test.
        source: {{doc: s, section: x}}
        next: items
    next:
      - when: "{route}"
        goto: one
      - goto: two
  one: {{type: outcome, urgency: routine, title: One}}
  two: {{type: outcome, urgency: routine, title: Two}}
computed:
  best_name: {{label: B, formula: "first_min(items, name, by=level, where=flag == 'no')",
    source: {{doc: s, section: x}}}}
  best_level: {{label: L, formula: "min_of(items, level, where=flag == 'no')",
    source: {{doc: s, section: x}}}}
  best_no: {{label: N, formula: "first_min(items, entry_number, by=level, where=flag == 'no')",
    source: {{doc: s, section: x}}}}
  last_no: {{label: M, formula: "max_of(items, entry_number, where=level == best_level)",
    source: {{doc: s, section: x}}}}
  top_name: {{label: T, formula: "first_max(items, name, by=level)",
    source: {{doc: s, section: x}}}}
invariants:
{invariants}
"""

PER_ENTRY_ATOMS = [
    "flag == 'no'",
    "flag == 'yes'",
    "name == 'a'",
    "name == best_name",
    "name == top_name",
    "name != best_name",
    "level > 5",
    "level >= 5",
    "level == best_level",
    "level >= best_level",
    "level < best_level",
    "entry_number == best_no",
    "entry_number == last_no",
    "entry_number != best_no",
    "entry_number >= best_no",
]
PER_ENTRY = st.sampled_from(PER_ENTRY_ATOMS)


def _combined(atoms: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        atoms,
        st.tuples(atoms, st.sampled_from(["and", "or"]), atoms).map(lambda t: f"({' '.join(t)})"),
        atoms.map(lambda a: f"not ({a})"),
    )


ENTRY_CONDITION = _combined(PER_ENTRY)

WHOLE_ATOMS = [
    "count_of(items) == 2",
    "best_name == 'a'",
    "known(best_level) and best_level > 5",
    "known(best_level) and best_level < base",
    "known(best_level) and base - best_level <= 0",
    "known(best_no) and best_no == last_no",
    "top_name == best_name",
]

INVARIANT_ATOMS = [
    *WHOLE_ATOMS,
    # the outcome is only known at the end: a per-entry condition reading it
    "any_of(items, outcome == 'one' and level > 5)",
    "count_of(items, outcome == 'two' or flag == 'no') >= 2",
]

WHOLE = st.one_of(
    ENTRY_CONDITION.map(lambda c: f"any_of(items, {c})"),
    ENTRY_CONDITION.map(lambda c: f"all_of(items, {c})"),
    st.tuples(ENTRY_CONDITION, st.integers(0, 2)).map(
        lambda t: f"count_of(items, {t[0]}) >= {t[1]}"
    ),
    st.sampled_from(WHOLE_ATOMS),
)


class _EveryOrder(ClassFinder):
    """Every option; numbers at each threshold and ``rounds`` values inside each gap."""

    def __init__(self, flow_text: str, rounds: int) -> None:
        flow = compile_text(flow_text, "rounds.yaml")
        super().__init__(analyse(flow))
        self.rounds = rounds

    def classes(
        self, question_id: str, answers: dict[str, AnswerValue], groups: Entries | None = None
    ) -> Classes:
        if question_id == "base":
            return Classes((0, 2.5, 5, 7.5, 10))
        if question_id == "name":
            return Classes(("a", "b", "c"))
        if question_id == "level":
            cuts = sorted({0.0, 5.0, 10.0, float(answers["base"])})
            values: list[AnswerValue] = []
            for low, high in itertools.pairwise(cuts):
                values.append(low)
                step = (high - low) / (self.rounds + 1)
                values += [low + step * k for k in range(1, self.rounds + 1)]
            return Classes((*values, 10.0))
        return super().classes(question_id, answers, groups)


Signature = tuple[str, tuple[bool, ...]]
"""What a path ends in: its outcome and which invariants hold there."""


def _signature(flow: CompiledFlow, session: Session) -> Signature:
    env = session.env
    env.extra[OUTCOME_VARIABLE] = session.current
    truths = []
    for invariant in flow.invariants.values():
        try:
            truths.append(bool(invariant.evaluate(env)))
        except Unavailable:
            truths.append(False)
    env.extra.pop(OUTCOME_VARIABLE, None)
    return session.current, tuple(truths)


def _end(flow: CompiledFlow, base: float, entries: list[dict[str, object]]) -> object:
    """How a concrete path ends: its signature, or the error that stops it."""
    try:
        return _signature(flow, drive(flow, {"base": base, "items": entries}))
    except FlowRuntimeError as error:
        return str(error)


class _Recording(Explorer):
    """An explorer that keeps every path end's signature."""

    signatures: set[Signature]

    def _leaf(self) -> None:
        super()._leaf()
        if not hasattr(self, "signatures"):
            self.signatures = set()
        self.signatures.add(_signature(self.flow, self.session))


def _seen(result: Exploration) -> tuple[object, ...]:
    return (
        result.reached,
        result.fired,
        {name: len(found[0]) for name, found in result.violations.items()},
        {(fault.kind, fault.node, len(fault.answers)) for fault in result.faults.values()},
    )


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(st.integers(1, 2), WHOLE, st.lists(WHOLE, min_size=1, max_size=3))
def test_merged_rounds_find_what_every_order_finds(
    rounds: int, route: str, invariants: list[str]
) -> None:
    """Random routing and invariants over a group: the same outcomes, rules, violations
    (with counterexamples as short), faults and path ends (outcome and which invariants
    hold) as the reference."""
    listed = "".join(
        f"  - name: i{index}\n    says: Test.\n    holds: \"outcome != 'one' or {holds}\"\n"
        for index, holds in enumerate([*invariants, *INVARIANT_ATOMS])
    )
    text = FLOW.format(rounds=rounds, route=route, invariants=listed)
    flow = compile_text(text, "rounds.yaml")
    merged = _Recording(flow)
    reference = _Recording(flow, finder=_EveryOrder(text, rounds))
    reference.rounds = None
    assert (_seen(reference.run()), reference.signatures) == (
        _seen(merged.run()),
        merged.signatures,
    )


def test_positions_leave_room_for_every_later_order() -> None:
    """Whole numbers 0..10 with 3 rounds to come: a gap value with 3 values free on each
    side, or every value of a gap too small to halve."""
    values, sampled = positions([0.0, 10.0], True, 3)
    assert ([value for _, value in values], sampled) == ([0, 5, 10], None)
    values, sampled = positions([0.0, 4.0], True, 3)
    assert ([value for _, value in values], sampled) == ([0, 1, 2, 3, 4], None)


LEVELS = st.sampled_from([0, 1, 2.5, 4, 5, 6, 7.5, 10])
ENTRY = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["a", "b", "c"]),
        "level": LEVELS,
        "flag": st.sampled_from(["yes", "no"]),
    }
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    st.integers(3, 4),
    WHOLE,
    st.lists(WHOLE, min_size=1, max_size=3),
    st.lists(st.tuples(LEVELS, st.lists(ENTRY, min_size=1, max_size=4)), min_size=40, max_size=40),
)
def test_merged_rounds_miss_nothing_a_concrete_path_shows(
    rounds: int,
    route: str,
    invariants: list[str],
    paths: list[tuple[float, list[dict[str, object]]]],
) -> None:
    """Three or four rounds (too many to walk every order): what each concrete path ends
    in (its outcome, which invariants hold) is what some explored path ends in."""
    listed = "".join(
        f"  - name: i{index}\n    says: Test.\n    holds: \"outcome != 'one' or {holds}\"\n"
        for index, holds in enumerate(invariants)
    )
    text = FLOW.format(rounds=rounds, route=route, invariants=listed)
    flow = compile_text(text, "rounds.yaml")
    explorer = _Recording(flow)
    seen = explorer.run()
    if seen.faults:
        return  # a route unavailable on some path: concrete paths may stop there too
    missed = []
    for base, entries in paths:
        session = drive(flow, {"base": base, "items": entries[:rounds]})
        if _signature(flow, session) not in explorer.signatures:
            missed.append((base, entries[:rounds], _signature(flow, session)))
    assert missed == []


SMALL_ENTRY = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["a", "b", "c"]),
        "level": st.sampled_from([1, 4, 6]),
        "flag": st.sampled_from(["yes", "no"]),
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    WHOLE,
    st.lists(WHOLE, min_size=1, max_size=3),
    LEVELS,
    st.lists(st.lists(SMALL_ENTRY, min_size=1, max_size=2), min_size=60, max_size=60),
    st.lists(st.lists(ENTRY, min_size=1, max_size=2), min_size=6, max_size=6),
)
def test_equal_summaries_have_equal_futures(
    route: str,
    invariants: list[str],
    base: float,
    prefixes: list[list[dict[str, object]]],
    continuations: list[list[dict[str, object]]],
) -> None:
    """Two sets of entries with equal summaries: every continuation ends the same way
    after the first as its renamed image after the second (what merging rests on)."""
    listed = "".join(
        f"  - name: i{index}\n    says: Test.\n    holds: \"outcome != 'one' or {holds}\"\n"
        for index, holds in enumerate([*invariants, *INVARIANT_ATOMS])
    )
    flow = compile_text(FLOW.format(rounds=4, route=route, invariants=listed), "rounds.yaml")
    rounds = Explorer(flow).rounds
    assert rounds is not None
    classes = (
        rounds.domains.label_classes("name")
        if "name" in rounds.domains.labels
        else [(option,) for option in "abc"]  # not interchangeable: each keeps its id
    )
    buckets: dict[object, list[tuple[list[dict[str, object]], Context]]] = {}
    for prefix in prefixes:
        context = _context_after(flow, rounds, base, prefix)
        if context is not None:
            buckets.setdefault(context.key, []).append((prefix, context))
    differ = []
    for group in buckets.values():
        (first, seen), *others = group
        for prefix, context in others:
            for continuation in continuations:
                image = _renamed(continuation, seen, context, classes)
                ends = (
                    _end(flow, base, [*first, *continuation]),
                    _end(flow, base, [*prefix, *image]),
                )
                if ends[0] != ends[1]:
                    differ.append((first, continuation, prefix, image, ends))
    assert differ == []


def _context_after(
    flow: CompiledFlow, rounds: Rounds, base: float, prefix: list[dict[str, object]]
) -> Context | None:
    """The summary at the start of the round after ``prefix``."""
    try:
        session = drive(flow, {"base": base, "items": [*prefix, prefix[-1]]})
    except FlowRuntimeError:
        return None  # the route cannot be evaluated after these entries
    while session.round != len(prefix) + 1 or session.current != "name":
        session.back()
    return rounds.context("items", session)


def _renamed(
    entries: list[dict[str, object]],
    seen: Context,
    other: Context,
    classes: list[tuple[str, ...]],
) -> list[dict[str, object]]:
    """``entries`` as they relate to ``other``'s kept data the way they relate to
    ``seen``'s: kept options by their place, the others one to one within their class
    of interchangeable options; levels at the same place between the kept levels and
    thresholds (stretched within a gap)."""
    names = dict(zip(seen.kept.get("L:name", []), other.kept.get("L:name", []), strict=True))
    for options in classes:
        free = iter(o for o in options if o not in names.values())
        names.update((o, next(free)) for o in options if o not in names)
    before = sorted({*map(float, seen.kept.get("N:level", [])), *seen.cuts["level"]})  # type: ignore[arg-type]
    after = sorted({*map(float, other.kept.get("N:level", [])), *other.cuts["level"]})  # type: ignore[arg-type]
    result = []
    for entry in entries:
        level = float(entry["level"])  # type: ignore[arg-type]
        place = bisect.bisect_left(before, level)
        if before[place] == level:
            mapped = after[place]
        else:
            low, high = before[place - 1], before[place]
            mapped = after[place - 1] + (level - low) / (high - low) * (
                after[place] - after[place - 1]
            )
        result.append({**entry, "name": names[str(entry["name"])], "level": mapped})
    return result
