"""The conversation view of a transcript is the view of the session it was taken from.

``entries_of(transcript)`` (what the exports draw) must equal ``entries(session)`` (what
the TUI and plain mode draw), less what a transcript cannot hold: a question's detail,
the review warning and the question asked now.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triagebot.app import library
from triagebot.flows import exports
from triagebot.flows.compiler import CompiledFlow, load_flow, with_language
from triagebot.flows.conversation import Entry, entries
from triagebot.flows.driving import drive
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.flows.questions.base import AnswerError
from triagebot.flows.scenarios import load_scenarios
from triagebot.flows.schema import (
    ChoiceQuestion,
    InfoNode,
    MultiChoiceQuestion,
    NumberQuestion,
    YesNoQuestion,
)
from triagebot.flows.transcript import Transcript, from_json, to_json
from triagebot.flows.transcript_build import from_session
from triagebot.flows.transcript_view import entries_of

BUNDLED = library.bundled_dir()
SCENARIO_FILES = sorted((BUNDLED / "tests").glob("*.scenarios.yaml"))


def _flow(path: Path) -> CompiledFlow:
    return load_flow(BUNDLED / f"{path.name.removesuffix('.scenarios.yaml')}.yaml")


def ticking() -> Callable[[], datetime]:
    """A clock a second later at every reading: changes and superseded answers are ordered."""
    seconds = itertools.count()
    start = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    return lambda: start + timedelta(seconds=next(seconds))


def recordable(session: Session) -> list[Entry]:
    """The session's view less what a transcript cannot hold."""
    shown = [e for e in entries(session, session.started_at.date()) if e.kind != "warning"]
    if not session.finished and shown[-1].kind == "question":
        shown.pop()  # the question asked now: not answered, so not recorded
        if shown[-1].kind == "round":
            shown.pop()
    return [dataclasses.replace(e, detail=None) for e in shown]


def from_record(session: Session) -> list[Entry]:
    """The view of the session's transcript, read back from its JSON as replay reads it."""
    return entries_of(from_json(to_json(from_session(session))))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_every_scenarios_transcript_draws_the_sessions_conversation(path: Path) -> None:
    """Each bundled scenario's transcript gives the entries its session gives."""
    flow = _flow(path)
    file = load_scenarios(path, flow)
    spoken = flow if file.language is None else with_language(flow, file.language)
    for scenario in file.scenarios:
        session = drive(spoken, scenario.answers, ticking())
        assert recordable(session) == from_record(session), scenario.name


def _pool(path: Path) -> dict[str, list[Any]]:
    """Every answer the scenarios give each question (a group's rounds flattened)."""
    pool: dict[str, list[Any]] = {}
    for scenario in load_scenarios(path, _flow(path)).scenarios:
        for key, value in scenario.answers.items():
            group = isinstance(value, list) and all(isinstance(v, dict) for v in value)
            rounds = value if group and value else [{key: value}]
            for answers in rounds:
                for question, answer in answers.items():
                    if answer not in pool.setdefault(question, []):
                        pool[question].append(answer)
    return pool


def _typed_pool(flow: CompiledFlow) -> dict[str, list[Any]]:
    """A few answers of each question's type (for fixtures without scenarios)."""
    pool: dict[str, list[Any]] = {}
    for node_id, node in flow.nodes.items():
        if isinstance(node, YesNoQuestion):
            pool[node_id] = ["yes", "no", "unsure"]
        elif isinstance(node, ChoiceQuestion):
            pool[node_id] = [option.id for option in node.options]
        elif isinstance(node, MultiChoiceQuestion):
            pool[node_id] = [[option.id] for option in node.options]
        elif isinstance(node, NumberQuestion):
            low, high = node.min, node.max
            pool[node_id] = [low, high, (low + high) // 2, *(["unknown"] * node.allow_unknown)]
    return pool


DATA = Path(__file__).parent / "data"
FIXTURES = [  # info messages inside and outside repeated groups, every question type
    DATA / "groups" / "doses.yaml",
    DATA / "groups" / "crt.yaml",
    DATA / "tui" / "every-type.yaml",
    DATA / "transcripts" / "mixed.yaml",
    DATA / "conversation" / "info-placeholder.yaml",
]
FLOWS = {path.name: (_flow(path), _pool(path)) for path in SCENARIO_FILES} | {
    path.name: (flow, _typed_pool(flow)) for path in FIXTURES for flow in [load_flow(path)]
}


def _act(session: Session, action: str, pool: dict[str, list[Any]], data: st.DataObject) -> None:
    """One move of a clinician: answer what is asked, go back, or edit an earlier answer."""
    if action == "back":
        session.back()
        return
    if action == "edit":
        steps = [s for s in session.steps if s.value is not None and s.node in pool]
        if steps:
            step = data.draw(st.sampled_from(steps))
            session.edit(step.node, data.draw(st.sampled_from(pool[step.node])), step.round)
        return
    if session.finished:
        return
    if isinstance(session.node, InfoNode):
        session.answer()  # an info message, acknowledged
    elif session.current in pool:
        session.answer(data.draw(st.sampled_from(pool[session.current])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_random_walk_with_back_and_edits_draws_alike_from_its_transcript(
    data: st.DataObject,
) -> None:
    """Answers, backs and edits in any order: the transcript gives the session's entries,
    and the text and Markdown exports drawn from them are the text laid out from records."""
    flow, pool = FLOWS[data.draw(st.sampled_from(sorted(FLOWS)))]
    session = Session(flow, ticking())
    moves = st.sampled_from(["answer", "answer", "answer", "back", "edit"])
    for action in data.draw(st.lists(moves, max_size=40)):
        with contextlib.suppress(AnswerError, FlowRuntimeError):  # refused: the session stands
            _act(session, action, pool, data)
        assert recordable(session) == from_record(session)
        transcript = from_session(session)
        drawn = [exports.to_text(transcript), exports.to_markdown(transcript)]
        assert laid_out_from_records(transcript) == drawn


def rows_by_records(transcript: Transcript) -> Iterator[exports.Row]:
    """The answers section as exports laid it out from the records before they drew the
    conversation view: the reference their text must still equal."""
    infos = list(transcript.infos)
    last: tuple[str, int] | None = None
    for index, answer in enumerate(transcript.answers):
        while infos and infos[0].after <= index:
            yield (0 if last is None else 1), "info", infos.pop(0).text, None
        if answer.group is None or answer.round is None:
            last = None
            yield 0, "answer", "", answer
            continue
        if last != (answer.group, answer.round):
            last = (answer.group, answer.round)
            name = exports._round_name(transcript, answer.group, answer.round) or ""
            yield 0, "round", name, None
        yield 1, "answer", "", answer
    for info in infos:
        yield (0 if last is None else 1), "info", info.text, None


def laid_out_from_records(transcript: Transcript) -> list[str]:
    """Text and Markdown as laid out from the records (:func:`rows_by_records`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exports, "_answer_rows", rows_by_records)
        return [exports.to_text(transcript), exports.to_markdown(transcript)]
