"""Transcript files: atomic, owner-only, never over an existing file unless forced."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.transcript_helpers import MIXED, MIXED_URGENT, driven, mixed
from triagebot.app import files, flowcache, journal
from triagebot.cli import main
from triagebot.flows.compiler import load_flow, use_cache
from triagebot.flows.engine import Session
from triagebot.flows.transcript import from_json
from triagebot.flows.transcript_build import from_session


@pytest.fixture
def answers_file(tmp_path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(MIXED_URGENT))
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_is_owner_only_and_leaves_no_temporary_file(tmp_path) -> None:
    """The file is 0600 with the text in full, and only the file is left in the folder."""
    path = files.write_private(tmp_path / "out" / "t.txt", "hello\n")
    expected = (0o600, "hello\n", ["t.txt"], 0o700)
    assert expected == (
        mode(path),
        path.read_text(),
        sorted(p.name for p in path.parent.iterdir()),
        mode(path.parent),
    )


def test_write_private_never_overwrites_unless_forced(tmp_path) -> None:
    """An existing file is refused with a message; with force it is replaced."""
    path = tmp_path / "t.txt"
    path.write_text("patient A\n")
    with pytest.raises(files.WriteError, match="already exists; use --force"):
        files.write_private(path, "patient B\n")
    kept = path.read_text()
    files.write_private(path, "patient B\n", force=True)
    expected = ("patient A\n", "patient B\n", ["t.txt"], 0o600)
    assert expected == (kept, path.read_text(), [p.name for p in tmp_path.iterdir()], mode(path))


def test_unwritable_folder_is_a_write_error(tmp_path) -> None:
    """A folder that cannot be made (a file is in the way) is a message, not a traceback."""
    (tmp_path / "blocker").write_text("")
    with pytest.raises(files.WriteError, match="cannot create the folder"):
        files.write_private(tmp_path / "blocker" / "t.txt", "x")


def test_data_dir_follows_the_environment(tmp_path, monkeypatch) -> None:
    """TRIAGEBOT_DATA_DIR overrides the platform data folder."""
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(tmp_path))
    assert tmp_path == files.data_dir()


def test_data_dir_defaults_to_the_platform_user_data_dir(monkeypatch) -> None:
    """Without the override the folder is platformdirs' user data dir for triagebot."""
    import platformdirs  # noqa: PLC0415

    monkeypatch.delenv("TRIAGEBOT_DATA_DIR", raising=False)
    expected = Path(platformdirs.user_data_dir("triagebot", appauthor=False))
    assert expected == files.data_dir()


def test_default_export_path_names_flow_time_and_format(tmp_path, monkeypatch) -> None:
    """Default export path: DATA/transcripts/FLOW-YYYYMMDD-HHMMSS.EXT."""
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(tmp_path))
    transcript = from_session(driven(mixed(), MIXED_URGENT))
    when = transcript.finished_at
    expected = [
        tmp_path / "transcripts" / f"mixed-test-{when:%Y%m%d-%H%M%S}.txt",
        tmp_path / "transcripts" / f"mixed-test-{when:%Y%m%d-%H%M%S}.r4b.fhir.json",
    ]
    assert expected == [
        files.default_export_path(transcript, "text"),
        files.default_export_path(transcript, "fhir-r4b"),
    ]


def test_run_out_writes_the_transcript_owner_only(tmp_path, answers_file, capsys) -> None:
    """``run --out FILE`` writes the transcript there (0600) and prints nothing on stdout."""
    out = tmp_path / "t.json"
    code = main(
        ["run", str(MIXED), "--answers", str(answers_file), "--format", "json", "--out", str(out)]
    )
    captured = capsys.readouterr()
    transcript = from_json(out.read_text())
    expected = (0, "", f"wrote {out}\n", 0o600, "urgent")
    assert expected == (code, captured.out, captured.err, mode(out), transcript.outcome.id)


def test_run_out_refuses_an_existing_file_unless_forced(tmp_path, answers_file, capsys) -> None:
    """``run --out`` keeps an existing file (exit 1, one message); ``--force`` replaces it."""
    out = tmp_path / "t.txt"
    out.write_text("earlier patient\n")
    refused = main(["run", str(MIXED), "--answers", str(answers_file), "--out", str(out)])
    err = capsys.readouterr().err
    kept = out.read_text()
    forced = main(["run", str(MIXED), "--answers", str(answers_file), "--out", str(out), "--force"])
    expected = (1, f"{out} already exists; use --force to overwrite it\n", "earlier patient\n", 0)
    assert expected == (refused, err, kept, forced)
    assert out.read_text().startswith("Mixed test flow\n")


def test_run_format_fhir_prints_a_questionnaire_response(answers_file, capsys) -> None:
    """``run --format fhir`` prints the QuestionnaireResponse for the run."""
    code = main(["run", str(MIXED), "--answers", str(answers_file), "--format", "fhir"])
    resource = json.loads(capsys.readouterr().out)
    expected = (0, "QuestionnaireResponse", "urn:triagebot:flow:mixed-test|0.1")
    assert expected == (code, resource["resourceType"], resource["questionnaire"])


def test_export_questionnaire_out(tmp_path, capsys) -> None:
    """``export-questionnaire --out`` writes the Questionnaire owner-only."""
    out = tmp_path / "q.json"
    code = main(["export-questionnaire", str(MIXED), "--out", str(out)])
    expected = (0, "Questionnaire", 0o600)
    assert expected == (code, json.loads(out.read_text())["resourceType"], mode(out))


@pytest.fixture
def usual_umask():
    """The common umask (022), under which mkdir's parents came out 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_out_makes_every_missing_folder_owner_only(
    tmp_path, answers_file, capsys, usual_umask
) -> None:
    """``--out a/b/t.json``: both folders made for it are 0700, not only the last."""
    out = tmp_path / "a" / "b" / "t.json"
    code = main(["run", str(MIXED), "--answers", str(answers_file), "--out", str(out)])
    expected = (0, 0o700, 0o700, 0o600)
    assert expected == (code, mode(tmp_path / "a"), mode(out.parent), mode(out))


def test_the_data_folder_is_made_owner_only(tmp_path, monkeypatch, usual_umask) -> None:
    """The data folder made for the first journal or cached flow is 0700, as are its
    folders."""
    data = tmp_path / "fresh" / "data"
    monkeypatch.setenv("TRIAGEBOT_DATA_DIR", str(data))
    monkeypatch.delenv("TRIAGEBOT_FLOW_CACHE", raising=False)
    flowcache.use_for_sessions()  # as launching a session does
    try:
        load_flow(MIXED)  # compiled and cached under data/cache/flows
    finally:
        use_cache(None)
    record = journal.Journal.start(Session(mixed()))
    record.discard()
    modes = [mode(folder) for folder in (data.parent, data, data / "cache", data / "sessions")]
    expected = [0o700, 0o700, 0o700, 0o700]
    assert expected == modes


def test_an_out_name_near_the_file_system_limit_is_written(tmp_path, answers_file, capsys) -> None:
    """A 250-character --out name is written: the temporary file's name stays short."""
    out = tmp_path / ("t" * 245 + ".json")
    code = main(["run", str(MIXED), "--answers", str(answers_file), "--out", str(out)])
    expected = (0, [out.name])
    assert expected == (code, [p.name for p in tmp_path.iterdir() if p != answers_file])
