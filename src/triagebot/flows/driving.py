"""Driving a session from a mapping of answers, as a user would answer it (``run``,
``--cases``, ``replay`` and the tests use it)."""

from __future__ import annotations

from collections.abc import Mapping

from triagebot.flows.answers import AnswerError, parse_answer
from triagebot.flows.compiler import CompiledFlow
from triagebot.flows.engine import Clock, FlowRuntimeError, RoundInfo, Session, utc_now


def drive(
    compiled: CompiledFlow,
    answers: Mapping[str, object],
    clock: Clock = utc_now,
    *,
    rules: bool = False,
) -> Session:
    """Run a session exactly as a user would, answering each question asked from ``answers``.

    Answers for questions the path never asks are ignored; info messages are acknowledged.
    A repeated group's answers are a list of mappings under the group's id, one per round
    (``branches: [{branch_name: posterior, paced_qrs_ms: 142}, ...]``); its ``another``
    answers follow from the list's length (a mapping may give one, which must agree).
    Raises :class:`AnswerError` naming the question (and group and round) when an answer
    is missing or refused, or when a group's list does not fit the path. ``rules``: route
    straight from the compiled rules, as batches do (:class:`~triagebot.flows.machine.
    RuleModel`).
    """
    lists = {
        group_id: _group_answers(compiled, group_id, answers[group_id])
        for group_id in compiled.groups
        if group_id in answers
    }
    session = Session(compiled, clock, rules=rules)
    passed: set[tuple[str, int | None]] = set()
    while not session.finished:
        if (session.current, session.round) in passed:
            # A loop (verify reports it): the same answers would go round it for ever.
            raise FlowRuntimeError(
                f"flow '{compiled.id}': the path comes back to '{session.current}', already "
                "passed on this path (a loop in the flow)"
            )
        passed.add((session.current, session.round))
        question = session.question
        if question is None:
            session.answer()
            continue
        node_id = session.current
        where = session.round_info
        if where is None:
            if node_id not in answers:
                raise AnswerError(f"no answer for question '{node_id}' ({question.prompt})")
            value = answers[node_id]
            context = f"question '{node_id}'"
        else:
            value = _round_answer(compiled, where, node_id, lists)
            context = f"group '{where.group}' entry {where.round}, question '{node_id}'"
        try:
            session.answer(value)
        except AnswerError as error:
            raise AnswerError(f"{context}: {error}") from None
    for group_id, entries in lists.items():
        done = len(session.entries(group_id))
        if done and done != len(entries):
            raise AnswerError(
                f"group '{group_id}': the flow left it after {done} "
                f"{_plural(done, 'entry', 'entries')} but the answers give {len(entries)}"
            )
    return session


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _group_answers(
    compiled: CompiledFlow, group_id: str, given: object
) -> list[Mapping[str, object]]:
    """A group's list of entries from an answers mapping, checked for shape and length."""
    group = compiled.groups[group_id]
    how = f"a list of 1 to {group.max} mappings of member to answer, one per {group.entry.lower()}"
    if not isinstance(given, list | tuple):
        raise AnswerError(f"group '{group_id}' takes {how}")
    if not given:
        raise AnswerError(f"group '{group_id}' has an empty list: it takes {how}")
    if len(given) > group.max:
        raise AnswerError(
            f"group '{group_id}' has {len(given)} entries but at most {group.max} are asked"
        )
    for number, entry in enumerate(given, start=1):
        if not isinstance(entry, Mapping):
            raise AnswerError(f"group '{group_id}' entry {number} is not a mapping: it takes {how}")
    return list(given)


def _round_answer(
    compiled: CompiledFlow,
    where: RoundInfo,
    node_id: str,
    lists: dict[str, list[Mapping[str, object]]],
) -> object:
    """The answer to a member in a round, from the group's list; ``another`` from its length."""
    group = compiled.groups[where.group]
    entries = lists.get(where.group)
    if entries is None:
        raise AnswerError(
            f"no answers for group '{where.group}' ({group.entry}): give a list of mappings"
        )
    entry = entries[where.round - 1]
    if node_id == group.another:
        derived = "yes" if where.round < len(entries) else "no"
        if node_id in entry:
            given = parse_answer(compiled.question(node_id), entry[node_id])
            if given != derived:
                ends = "ends with" if derived == "no" else "goes on after"
                raise AnswerError(
                    f"group '{where.group}' entry {where.round}: '{node_id}' is '{given}' but "
                    f"the list {ends} this entry (another entry follows from the list's length)"
                )
        return derived
    if node_id not in entry:
        prompt = compiled.question(node_id).prompt
        raise AnswerError(
            f"no answer for question '{node_id}' ({prompt}) in group '{where.group}' "
            f"entry {where.round}"
        )
    return entry[node_id]
