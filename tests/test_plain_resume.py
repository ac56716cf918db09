"""Plain mode keeps an unfinished session's journal and resumes it (through a real pipe)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from tests.tui_support import EVERY_TYPE, every_type
from triagebot.app import journal, locks
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import FlowRuntimeError, OutcomeView, Session
from triagebot.flows.times import day_and_time
from triagebot.plain import PlainChat, run_plain

ROOT = Path(__file__).resolve().parents[1]
BILINGUAL = ROOT / "tests" / "data" / "lang" / "bilingual.yaml"
SEVERITY = "Q2. How severe is it?"
EMERGENCY = "OUTCOME: EMERGENCY — Severe — send to the emergency department"


def triagebot(args: list[str], lines: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a subprocess with ``lines`` on its stdin (a pipe, not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "triagebot", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "TRIAGEBOT_DATA_DIR": os.environ["TRIAGEBOT_DATA_DIR"],
        },
        timeout=60,
        check=False,
    )


def names() -> list[str]:
    return [entry.path.name for entry in journal.unfinished()]


def test_input_ending_keeps_the_session_and_resume_finishes_it() -> None:
    """Input ending mid-flow keeps the journal; ``resume NAME --plain`` goes on to the outcome."""
    first = triagebot(["chat", str(EVERY_TYPE), "--plain"], ["1", ""])
    [name] = names()
    out = first.stdout.splitlines()
    expected = (
        1,
        f"Unfinished session kept: resume it with `triagebot resume {name}` or from the "
        "start screen.",
        "input ended before an outcome was reached; nothing was decided.",
    )
    assert expected == (first.returncode, out[-2], out[-1])

    second = triagebot(["resume", name, "--plain"], ["3", "discard"])
    out = second.stdout.splitlines()
    assert (second.returncode, second.stderr) == (0, "")
    assert "- Has the patient been seen for this before? yes" in out
    assert [line for line in out if line.startswith("Q")] == [SEVERITY]
    assert EMERGENCY in out
    assert names() == []


def test_piped_chat_makes_no_offer_and_leaves_unfinished_sessions_alone() -> None:
    """On a pipe ``chat FLOW --plain`` starts afresh without a prompt (scripts stay simple)."""
    triagebot(["chat", str(EVERY_TYPE), "--plain"], ["1"])
    kept = names()
    done = triagebot(["chat", str(EVERY_TYPE), "--plain"], ["1", "", "3", "discard"])
    assert (done.returncode, EMERGENCY in done.stdout) == (0, True)
    assert "Unfinished sessions" not in done.stdout
    assert kept == names()


def test_quitting_before_any_answer_keeps_nothing() -> None:
    """A session left with no answer has nothing worth resuming: no journal is kept."""
    done = triagebot(["chat", str(EVERY_TYPE), "--plain"], ["quit"])
    assert (done.returncode, "kept" in done.stdout) == (1, False)
    assert names() == []


def test_resume_unknown_name_is_a_message() -> None:
    """``resume NAME`` for no such session says so (exit 1), without a traceback."""
    done = triagebot(["resume", "nosuch"], [])
    expected = (1, "no unfinished sessions\n")
    assert expected == (done.returncode, done.stderr)


def journaled(*answers: object) -> journal.Journal:
    session = Session(every_type())
    record = journal.Journal.start(session)
    for raw in answers:
        session.answer(raw)
    record.close()
    return record


def test_terminal_offer_resumes_the_chosen_session() -> None:
    """With the offer on (a terminal), typing its number resumes it with its answers."""
    record = journaled("yes", None)
    started = day_and_time(journal.read(record.path).header.started_at)
    out = io.StringIO()
    code = run_plain(every_type(), io.StringIO("1\n3\ndiscard\n"), out, offer=True)
    lines = out.getvalue().splitlines()
    assert "Unfinished sessions of Every question type (test fixture):" in lines
    expected = (
        f"  1. Every question type (test fixture), started {started}, 1 answer, at: {SEVERITY}"
    )
    assert expected in lines
    assert (code, EMERGENCY in lines, names()) == (0, True, [])


def test_terminal_offer_enter_starts_a_new_session_and_keeps_the_old() -> None:
    """Enter at the offer starts a new session; the unfinished one stays for later."""
    record = journaled("yes", None)
    out = io.StringIO()
    code = run_plain(every_type(), io.StringIO("\nyes\n\n3\ndiscard\n"), out, offer=True)
    assert (code, names()) == (0, [record.path.name])
    assert "Q1. Has the patient been seen for this before?" in out.getvalue().splitlines()


def test_terminal_offer_reports_a_damaged_journal_and_goes_on() -> None:
    """A damaged journal is mentioned, not offered, and never stops a new session."""
    record = journaled("yes", None)
    lines = record.path.read_text().splitlines(keepends=True)
    lines[1] = '{"type": "answer", "node": 12}\n'
    record.path.write_text("".join(lines))
    out = io.StringIO()
    code = run_plain(every_type(), io.StringIO("1\n\n3\n"), out, offer=True)
    first = out.getvalue().splitlines()[0]
    expected = (
        0,
        "1 unfinished session cannot be resumed (damaged); `triagebot resume` lists it.",
    )
    assert expected == (code, first)


def test_the_offer_is_worded_in_the_flows_language() -> None:
    """A French flow's unfinished sessions are listed in French, answers counted in French."""
    flow = load_flow(BILINGUAL)
    session = Session(flow)
    record = journal.Journal.start(session)
    session.answer("yes")
    record.close()
    started = day_and_time(journal.read(record.path).header.started_at)
    out = io.StringIO()
    run_plain(flow, io.StringIO("\n"), out, offer=True)
    expected = (
        f"  1. {flow.flow.title}, commencée le {started}, 1 réponse, "
        "en cours : Q2. Répond au remplissage ?"
    )
    assert expected in out.getvalue().splitlines()


def failing_outcome(session: Session) -> OutcomeView | None:
    """Stands for a flow whose outcome raises on this path (e.g. a huge dose)."""
    raise FlowRuntimeError("flow 'every-type': computed 'dose' is not a finite number")


def test_a_flow_failing_at_its_outcome_keeps_the_journal(monkeypatch) -> None:
    """The outcome fails to work out: one line says so, exit 1, and the journal keeps every
    answer (it used to be removed before the outcome was worked out)."""
    out = io.StringIO()
    with monkeypatch.context() as patched:
        patched.setattr(Session, "outcome", failing_outcome)
        code = run_plain(every_type(), io.StringIO("yes\n\n3\n"), out, offer=False)
    [name] = names()
    expected = (
        1,
        "The flow failed on these answers (flow 'every-type': computed 'dose' is not a finite "
        f"number); nothing was decided. The session is kept: resume it with `triagebot resume "
        f"{name}` once the flow is fixed.",
    )
    assert expected == (code, out.getvalue().splitlines()[-1])
    resumed = triagebot(["resume", name, "--plain"], ["discard"])
    assert (resumed.returncode, EMERGENCY in resumed.stdout, names()) == (0, True, [])


def test_the_journal_stays_after_the_outcome_until_exported_or_discarded(monkeypatch) -> None:
    """Reaching the outcome loses nothing: input ending after it keeps the journal."""
    seen: list[bool] = []
    show = PlainChat.show_outcome

    def showing(chat: PlainChat, view: OutcomeView) -> None:
        seen.append(bool(names()))
        show(chat, view)

    monkeypatch.setattr(PlainChat, "show_outcome", showing)
    code = run_plain(every_type(), io.StringIO("yes\n\n3\n"), io.StringIO(), offer=False)
    expected = (0, [True], 1)
    assert expected == (code, seen, len(names()))


def test_two_resumes_of_one_session_the_second_is_refused(tmp_path) -> None:
    """Two processes resume one session: the second is refused naming the first, and the
    first goes on to its outcome with nothing lost."""
    record = journaled("yes", None)
    before = record.path.read_bytes()
    first = subprocess.Popen(
        [sys.executable, "-m", "triagebot", "resume", record.path.name, "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={
            "PYTHONPATH": str(ROOT / "src"),
            "TRIAGEBOT_DATA_DIR": os.environ["TRIAGEBOT_DATA_DIR"],
        },
    )
    try:
        while SEVERITY not in first.stdout.readline():  # resumed, and asking
            pass
        second = triagebot(["resume", record.path.name, "--plain"], ["3"])
        untouched = record.path.read_bytes() == before
        out, _ = first.communicate("3\ndiscard\n", timeout=60)
    finally:
        first.kill()
    started = locks.process_started(first.pid)
    assert started is None or second.stderr.startswith(
        f"{record.path.name} is in use by process {first.pid} (started "
    )
    expected = (1, "", True, 0, True, [])
    assert expected == (
        second.returncode,
        second.stdout,
        untouched,
        first.returncode,
        EMERGENCY in out,
        names(),
    )
