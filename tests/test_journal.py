"""Crash-safe sessions: the journal survives SIGKILL; damage is reported, never fatal."""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.transcript_helpers import CAUDA_EQUINA, DATA, MIXED, mixed, ticking_clock
from triagebot.app import journal
from triagebot.cli import main
from triagebot.flows.compiler import load_flow
from triagebot.flows.engine import Session
from triagebot.flows.transcript import to_json_answer

SRC = Path(__file__).parents[1] / "src"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(folder))
    return folder


def journaled_session(*steps: object) -> tuple[Session, journal.Journal]:
    """A session on the mixed flow with a journal, and the given answers given."""
    session = Session(mixed(), ticking_clock())
    record = journal.Journal.start(session)
    for raw in steps:
        session.answer(raw)
    return session, record


def answers_of(session: Session) -> dict[str, object]:
    return {k: to_json_answer(v) for k, v in session.answers.items()}


def test_sigkilled_session_resumes_with_every_answer(tmp_path, data_dir) -> None:
    """A session process killed with SIGKILL mid-flow resumes with every answer intact."""
    steps = [
        ["answer"],
        ["answer", "52"],
        ["answer", "80,5"],
        ["back"],
        ["answer", "81"],
        ["answer", "red"],
        ["answer", ["headache", "fever"]],
        ["edit", "age", 53],
    ]
    steps_file = tmp_path / "steps.json"
    steps_file.write_text(json.dumps(steps))
    process = subprocess.Popen(
        [sys.executable, str(DATA / "journal_driver.py"), str(MIXED), str(steps_file)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        state = json.loads(process.stdout.readline())
        expected = "ready"
        assert expected == process.stdout.readline().strip()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.stdout.close()
    [entry] = journal.unfinished()
    resumed = journal.resume(entry)
    session = resumed.session
    expected = (state["current"], state["answers"], state["changes"])
    assert expected == (
        session.current,
        answers_of(session),
        [[c.question, to_json_answer(c.old), to_json_answer(c.new)] for c in session.changes],
    )
    # Each step keeps its time; steps carried over by an edit take the edit's time, which
    # the live session read a few microseconds apart.
    drift = [
        abs((step.at - datetime.fromisoformat(at)).total_seconds())
        for step, (_, at) in zip(session.steps, state["steps"], strict=True)
    ]
    assert [node for node, _ in state["steps"]] == [s.node for s in session.steps]
    assert max(drift) < 1
    expected = (-signal.SIGKILL, [])
    assert expected == (process.returncode, resumed.warnings)


def test_resumed_session_goes_on_recording_into_the_same_journal() -> None:
    """After a resume, further answers land in the same journal and survive another resume."""
    _, record = journaled_session(None, "40", "70")
    record.close()
    first = journal.resume(record.path)
    first.session.answer("purple")
    first.journal.close()
    second = journal.resume(record.path)
    expected = ("emergency", {"age": 40, "weight": 70.0, "colour": "purple"})
    assert expected == (second.session.current, answers_of(second.session))


def test_truncated_last_line_is_reported_and_dropped(data_dir) -> None:
    """A half-written last line is a warning; the steps before it resume intact."""
    _, record = journaled_session(None, "40", "70")
    record.close()
    with record.path.open("ab") as stream:
        stream.write(b'{"type": "answer", "node": "colour", "val')
    [entry] = journal.unfinished()
    resumed = journal.resume(entry)
    expected = ("colour", {"age": 40, "weight": 70.0})
    assert expected == (resumed.session.current, answers_of(resumed.session))
    expected = ["line 5 was only partly written"]
    assert expected == [w.split(": ", 1)[1][:30] for w in resumed.warnings]
    resumed.session.answer("red")
    resumed.journal.close()
    again = journal.read(record.path)
    expected = ((), "symptoms")
    assert expected == (again.warnings, journal.resume(record.path).session.current)


def test_damaged_middle_line_skips_the_journal_without_crashing(data_dir, capsys) -> None:
    """A journal damaged before its last line is listed with its error and not resumed."""
    _, record = journaled_session(None, "40", "70")
    record.close()
    lines = record.path.read_text().splitlines(keepends=True)
    lines[2] = '{"type": "answer", "node": 12}\n'
    record.path.write_text("".join(lines))
    [entry] = journal.unfinished()
    with pytest.raises(journal.JournalError, match="line 3 is damaged"):
        journal.resume(entry)
    code = main(["resume"])
    err = capsys.readouterr().err
    expected = (None, 0)
    assert expected == (entry.contents, code)
    assert f"cannot resume {record.path.name}: " in err and "line 3 is damaged" in err


@pytest.mark.parametrize(
    "content",
    [
        b"",  # an empty file: the crash came before the header was written
        # an event but no header
        b'{"type": "answer", "node": "age", "value": 4, "at": "2025-01-01T00:00:00Z"}\n',
        b"\xff\xfe garbage\n",  # not text at all
    ],
)
def test_journal_without_a_header_is_reported(data_dir, content) -> None:
    """A journal without a header cannot be resumed; listing reports it and goes on."""
    folder = data_dir / "sessions"
    folder.mkdir(parents=True)
    (folder / "broken.jsonl").write_bytes(content)
    _, record = journaled_session(None, "40")
    entries = {e.path.name: e for e in journal.unfinished()}
    expected = (True, False)
    assert expected == (
        entries["broken.jsonl"].error is not None,
        entries[record.path.name].error is not None,
    )


def test_finish_and_discard_remove_the_journal() -> None:
    """A finished or discarded session leaves no journal behind."""
    _, finished = journaled_session(None, "3", "12", "purple")
    _, discarded = journaled_session(None, "40")
    finished.finish()
    discarded.discard()
    expected: list[journal.Unfinished] = []
    assert expected == journal.unfinished()


def test_journal_and_its_folder_are_owner_only(data_dir) -> None:
    """Journals hold patient answers: the file is 0600, the folder 0700."""
    _, record = journaled_session(None)
    modes = (
        stat.S_IMODE(record.path.stat().st_mode),
        stat.S_IMODE(record.path.parent.stat().st_mode),
    )
    expected = (0o600, 0o700)
    assert expected == modes


def test_journal_lines_are_one_json_object_each() -> None:
    """The journal is JSON lines: a header, then one event per answer, back and edit."""
    session, record = journaled_session(None, "40", "70")
    session.back()
    session.edit("age", "41")
    kinds = [json.loads(line)["type"] for line in record.path.read_text().splitlines()]
    expected = ["session", "answer", "answer", "answer", "back", "edit"]
    assert expected == kinds


def test_resume_onto_a_changed_flow_that_still_fits_warns(tmp_path) -> None:
    """A flow file edited since the session started: resumed, with a warning."""
    flow_path = tmp_path / "mixed.yaml"
    flow_path.write_text(MIXED.read_text())
    session = Session(load_flow(flow_path), ticking_clock())
    record = journal.Journal.start(session)
    session.answer()
    session.answer("40")
    record.close()
    flow_path.write_text(MIXED.read_text().replace("Weight?", "Body weight?"))
    resumed = journal.resume(record.path)
    expected = (True, "weight")
    assert expected == (resumed.flow_changed, resumed.session.current)
    assert "changed since this session started" in resumed.warnings[0]


def test_resume_onto_a_flow_that_no_longer_fits_is_an_error(tmp_path) -> None:
    """Steps the changed flow refuses: a JournalError naming the line, not a crash."""
    flow_path = tmp_path / "mixed.yaml"
    flow_path.write_text(MIXED.read_text())
    session = Session(load_flow(flow_path), ticking_clock())
    record = journal.Journal.start(session)
    session.answer()
    session.answer("40")
    record.close()
    flow_path.write_text(MIXED.read_text().replace("max: 120", "max: 30"))
    with pytest.raises(journal.JournalError, match=r"line 3 \(answer 'age'\) cannot be replayed"):
        journal.resume(record.path)


def test_resume_command_lists_unfinished_sessions(capsys) -> None:
    """``triagebot resume`` lists each unfinished session with its flow and answers."""
    _, record = journaled_session(None, "40", "70")
    record.close()
    code = main(["resume"])
    out = capsys.readouterr().out
    expected = f"{record.path.name}  mixed-test v0.1  started 2025-03-14 09:30 (UTC+00:00)"
    assert (code, out.startswith(expected)) == (0, True)
    assert out.rstrip().endswith(", 2 answers")


def test_resume_command_discards_a_journal(capsys) -> None:
    """``triagebot resume --discard NAME`` removes that journal."""
    _, record = journaled_session(None)
    record.close()
    code = main(["resume", "--discard", record.path.name])
    expected = (0, False)
    assert expected == (code, record.path.exists())


def test_no_unfinished_sessions(capsys) -> None:
    """With no data folder yet, resume says there is nothing to resume."""
    code = main(["resume"])
    expected = (0, "no unfinished sessions\n")
    assert expected == (code, capsys.readouterr().out)


def test_journal_starts_with_a_session_already_under_way() -> None:
    """A journal opened mid-session records the steps so far, so a resume loses none."""
    session = Session(load_flow(CAUDA_EQUINA), ticking_clock())
    session.answer("yes")
    session.answer("no")
    record = journal.Journal.start(session)
    record.close()
    resumed = journal.resume(record.path)
    expected = {"back_or_leg_pain": "yes", "urinary_difficulty": "no"}
    assert expected == answers_of(resumed.session)


def test_journal_module_does_not_import_textual() -> None:
    """The journal is core: importing it never imports textual."""
    script = "import sys, triagebot.app.journal; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=SRC
    )
    expected = "False"
    assert expected == result.stdout.strip()


# --- one process at a time, and kills at random points -----------------------------------

ROUNDS = [["back"], ["answer", "81"], ["edit", "age", 53], ["back"], ["answer", "70"]]
"""Steps repeated by the random-kill test: back, answers and edits, never the outcome."""


def steps_with_states(steps: list[list[object]]) -> list[tuple[str, dict[str, object]]]:
    """(current node, answers) after each number of steps, 0 to all, on a journal-less
    session: what a resumed session must show after that many journaled steps."""
    session = Session(mixed(), ticking_clock())
    states = [(session.current, answers_of(session))]
    for step in steps:
        if step[0] == "answer":
            session.answer(*step[1:])
        elif step[0] == "back":
            session.back()
        else:
            session.edit(step[1], step[2])
        states.append((session.current, answers_of(session)))
    return states


def start_driver(driver: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(DATA / driver), str(MIXED), *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )


@pytest.mark.parametrize("seed", range(6))
def test_kill_9_at_a_random_point_loses_no_acknowledged_step(tmp_path, seed) -> None:
    """SIGKILL at a random moment mid-session: every step acknowledged before it resumes,
    and the session resumes (the dead process's lock does not block it)."""
    steps = [["answer"], ["answer", "52"], ["answer", "80,5"], *ROUNDS * 30]
    steps_file = tmp_path / "steps.json"
    steps_file.write_text(json.dumps(steps))
    process = start_driver("acking_driver.py", str(steps_file), str(seed))
    try:
        started = process.stdout.readline().strip()
        time.sleep(random.Random(seed).uniform(0.0, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        said = process.stdout.read().split()
    finally:
        process.kill()
        process.stdout.close()
    acked = [int(n) for word, n in itertools.pairwise(said) if word == "ack"]
    [entry] = journal.unfinished()
    journaled = len(entry.contents.events)
    resumed = journal.resume(entry)
    expected = ("started", True, steps_with_states(steps)[journaled])
    assert expected == (
        started,
        journaled >= max(acked, default=0),
        (resumed.session.current, answers_of(resumed.session)),
    )
    resumed.journal.close()


def test_a_session_held_by_another_process_is_refused_and_nothing_is_lost(tmp_path, capsys) -> None:
    """While a process holds a session, resuming or discarding it elsewhere is refused,
    naming that process; the journal is untouched, and resumes once the holder is gone."""
    steps_file = tmp_path / "steps.json"
    steps_file.write_text(json.dumps([["answer"], ["answer", "52"], ["answer", "80"]]))
    process = start_driver("journal_driver.py", str(steps_file))
    try:
        state = json.loads(process.stdout.readline())
        ready = process.stdout.readline().strip()
        path = Path(state["journal"])
        before = path.read_bytes()
        [entry] = journal.unfinished()
        with pytest.raises(journal.JournalBusy) as caught:
            journal.resume(entry)
        resume_code = main(["resume", path.name])
        discard_code = main(["resume", "--discard", path.name])
        list_code = main(["resume"])
        captured = capsys.readouterr()
        untouched = path.read_bytes() == before
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
    holder = caught.value.holder
    process_words = f"process {process.pid} (started {holder.started:%Y-%m-%d %H:%M} UTC)"
    refusal = (
        f"{path.name} is in use by {process_words}: finish or quit the session there first; "
        "nothing is lost\n"
    )
    expected = ("ready", process.pid, 1, 1, 0, refusal * 2, True)
    assert expected == (
        ready,
        holder.pid,
        resume_code,
        discard_code,
        list_code,
        captured.err,
        untouched,
    )
    assert captured.out.rstrip().endswith(f"2 answers, in use by {process_words}")
    resumed = journal.resume(path)  # the holder is dead: its lock went with it
    expected_state = (state["current"], state["answers"])
    assert expected_state == (resumed.session.current, answers_of(resumed.session))
    resumed.journal.close()


def test_a_session_open_in_this_process_is_refused_too() -> None:
    """flock locks an open file, not a process: the same process cannot hold a session
    twice, and says it is this triagebot that holds it."""
    _, record = journaled_session(None, "40")
    with pytest.raises(journal.JournalBusy) as caught:
        journal.resume(record.path)
    [entry] = journal.unfinished()
    expected = (True, True)
    assert expected == (caught.value.holder.here, entry.holder is not None and entry.holder.here)
    assert str(caught.value).startswith(f"{record.path.name} is in use by this triagebot:")
    record.close()
    journal.resume(record.path).journal.close()  # closed: free again


def test_finishing_removes_the_journal_while_still_holding_it() -> None:
    """A finished session's journal is removed before its lock is let go, so no other
    process can open it in between; discard by name refuses a held session."""
    _, record = journaled_session(None, "40")
    with pytest.raises(journal.JournalBusy):
        journal.remove(record.path)
    record.finish()
    expected = (False, False)
    assert expected == (record.path.exists(), record.open)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        # a 400-digit integer as an answer: replayed, refused, located
        (
            '{"type": "answer", "node": "age", "value": ' + "4" * 400 + ', "at": "{at}"}',
            "line 3 (answer 'age') cannot be replayed on flow 'mixed-test' version 0.1: "
            "444444444444444444444444444444… is out of range",
        ),
        # JSON nested far deeper than any journal line
        (
            '{"type": "answer", "node": "age", "value": ' + "[" * 600 + "]" * 600 + "}",
            "line 3 is damaged (",
        ),
    ],
    ids=["400-digits", "deep"],
)
def test_a_hostile_journal_line_is_a_located_error(line: str, problem: str) -> None:
    """A journal line with a huge number or deep nesting: a JournalError naming the line,
    never an internal error."""
    _, record = journaled_session(None)
    record.close()
    at = json.loads(record.path.read_text().splitlines()[1])["at"]
    with record.path.open("a") as stream:
        stream.write(line.replace("{at}", at) + "\n" + line.replace("{at}", at) + "\n")
    with pytest.raises(journal.JournalError) as caught:
        journal.resume(record.path)
    expected = f"{record.path}: {problem}"
    assert expected == str(caught.value)[: len(expected)]


def test_a_journal_that_is_no_regular_file_is_refused_without_waiting(data_dir) -> None:
    """A FIFO named like a journal is neither listed nor opened: resuming it is refused at
    once (opening it for writing used to wait for a reader for ever)."""
    folder = data_dir / "sessions"
    folder.mkdir(parents=True)
    fifo = folder / "20250101-000000-mixed-test-00000000.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(journal.JournalError) as caught:
        journal.resume(fifo)
    expected = ([], f"{fifo}: not a regular file; only files are read")
    assert expected == (journal.unfinished(), str(caught.value))


def test_a_journal_over_the_cap_is_refused(monkeypatch) -> None:
    """A journal is read up to its cap, measured on the read: a larger one is an error."""
    _, record = journaled_session(None, "40", "70")
    record.close()
    monkeypatch.setattr(journal, "MAX_JOURNAL_BYTES", 200)
    [entry] = journal.unfinished()
    expected = f"{record.path}: file is over 200 bytes, the limit"
    assert expected == entry.error
