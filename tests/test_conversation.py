"""The application layer every front end shares: a Session, its journal, and their rules."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.tui_support import every_type, fixed_clock
from triagebot.app import journal
from triagebot.app.conversation import Conversation, ResumeRefused
from triagebot.flows.compiler import load_flow
from triagebot.flows.conversation import entries
from triagebot.flows.engine import FlowRuntimeError, Session
from triagebot.plain import run_plain

DATA = Path(__file__).parent / "data"
INFO_PLACEHOLDER = DATA / "conversation" / "info-placeholder.yaml"
BILINGUAL = DATA / "lang" / "bilingual.yaml"


def started(reports: list[str] | None = None) -> Conversation:
    """A journaled conversation of the fixture flow; what it reports goes to ``reports``."""
    said = reports if reports is not None else []
    conversation = Conversation.new(every_type(), said.append, fixed_clock)
    conversation.keep()
    return conversation


def journals() -> list[tuple[str, int]]:
    """The unfinished sessions on disk, as (flow, answers)."""
    return [(e.contents.header.flow.id, e.answers) for e in journal.unfinished() if e.contents]


def test_leaving_after_an_answer_keeps_the_journal() -> None:
    """Leaving a session with an answer keeps its journal and names it."""
    conversation = started()
    conversation.answer("yes")
    kept = conversation.leave()
    assert (kept is not None, journals()) == (True, [("every-type", 1)])


def test_leaving_before_any_answer_drops_the_journal() -> None:
    """Leaving a session with no answer removes its journal: there is nothing to resume."""
    conversation = started()
    assert (conversation.leave(), journals()) == (None, [])


def test_a_left_session_is_never_journaled_again() -> None:
    """An answer or a draw reaching a session after it was left starts no second journal."""
    conversation = started()
    conversation.answer("yes")
    conversation.leave()
    conversation.answer()  # the info message, answered late
    conversation.keep()
    assert journals() == [("every-type", 1)]


def test_the_journal_outlives_the_outcome_until_the_transcript_is_exported(tmp_path) -> None:
    """Reaching the outcome loses nothing: the journal goes only once an export is made."""
    conversation = started()
    for raw in ("no", None, "mild", [], "37.0"):
        conversation.answer(raw)
    conversation.outcome_shown()
    shown = journals()
    conversation.export("markdown", tmp_path)
    expected = (True, [("every-type", 4)], [])
    assert expected == (conversation.session.finished, shown, journals())


def test_a_finished_session_left_unexported_is_kept_and_said_so() -> None:
    """Leaving after the outcome without an export keeps the journal and says how to
    come back to it."""
    conversation = started()
    for raw in ("no", None, "mild", [], "37.0"):
        conversation.answer(raw)
    kept = conversation.leave()
    assert kept is not None
    expected = (
        f"Finished session kept until its transcript is exported: `triagebot resume "
        f"{kept.name}` to export or discard it.",
        [("every-type", 4)],
    )
    assert expected == (conversation.kept_line(kept), journals())


def test_a_failing_flow_keeps_the_journal_and_says_which() -> None:
    """The flow failing on this path keeps the journal and names it in one line."""
    conversation = started()
    conversation.answer("yes")
    assert conversation.journal is not None
    name = conversation.journal.path.name
    line = conversation.failed(FlowRuntimeError("division by zero"))
    conversation.leave()
    assert (name in line, "division by zero" in line, journals()) == (
        True,
        True,
        [("every-type", 1)],
    )


def test_a_journal_that_cannot_be_written_is_reported_once_and_not_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A data folder that refuses the journal is said once; the answers still stand."""
    tries: list[Session] = []

    def refuse(session: Session, folder: Path | None = None) -> journal.Journal:
        tries.append(session)
        raise OSError("read-only file system")

    monkeypatch.setattr(journal.Journal, "start", refuse)
    reports: list[str] = []
    conversation = started(reports)
    conversation.answer("yes")
    conversation.answer()
    expected = [
        "Could not save this session's journal (read-only file system); it is no longer crash-safe."
    ]
    assert (reports, len(tries), conversation.session.current) == (expected, 1, "severity")


def test_a_language_switch_is_journaled_and_resumed() -> None:
    """A switch of language is recorded: the session resumes in the language it was left in."""
    conversation = Conversation.new(load_flow(BILINGUAL), print)
    conversation.keep()
    following = conversation.next_language()
    conversation.switch_language(following)
    conversation.answer("yes")
    kept = conversation.leave()
    assert kept is not None
    resumed, _ = Conversation.resume(kept, print)
    assert resumed.session.flow.language == following


def test_a_session_held_elsewhere_is_refused_in_the_language_asked() -> None:
    """Resuming a journal this process holds is refused, saying so in French when asked."""
    conversation = started()
    conversation.answer("yes")
    assert conversation.journal is not None
    with pytest.raises(ResumeRefused) as refused:
        Conversation.resume(conversation.journal.path, print)
    assert (refused.value.busy, "utilisée" in refused.value.reason("fr")) == (True, True)


def test_an_export_is_the_transcript_text_written_once(tmp_path: Path) -> None:
    """F5 writes the transcript's text; again, unchanged, it finds the same file."""
    conversation = started()
    conversation.answer("yes")
    first = conversation.export("text", tmp_path)
    again = conversation.export("text", tmp_path)
    assert (first.path.read_text(), again.path, again.written) == (
        conversation.text(),
        first.path,
        False,
    )


def test_an_info_messages_placeholder_is_filled_alike_in_every_front_end() -> None:
    """An info message naming an answer shows that answer in the TUI and in plain mode."""
    flow = load_flow(INFO_PLACEHOLDER)
    session = Session(flow, fixed_clock)
    session.answer("yes")
    shown = [entry.text for entry in entries(session) if entry.kind == "info"]
    out = io.StringIO()
    run_plain(flow, io.StringIO("y\n\n"), out, offer=False)
    assert (shown, "Fever answered: yes." in out.getvalue()) == (["Fever answered: yes."], True)
