"""Crash-safe sessions: the journal survives SIGKILL; damage is reported, never fatal."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.transcript_helpers import CAUDA_EQUINA, DATA, MIXED, mixed, ticking_clock
from triagebot.cli import main
from triagebot.flows import journal
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
    code = main(["resume"])
    out = capsys.readouterr().out
    expected = f"{record.path.name}  mixed-test v0.1  started 2025-03-14 09:30 UTC"
    assert (code, out.startswith(expected)) == (0, True)
    assert out.rstrip().endswith(", 2 answers")


def test_resume_command_discards_a_journal(capsys) -> None:
    """``triagebot resume --discard NAME`` removes that journal."""
    _, record = journaled_session(None)
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
    script = "import sys, triagebot.flows.journal; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=SRC
    )
    expected = "False"
    assert expected == result.stdout.strip()
