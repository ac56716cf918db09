"""``--lang`` on every command, and plain mode in French through a real pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from triagebot.app import journal
from triagebot.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "lang"
BILINGUAL = str(DATA / "bilingual.yaml")
ANSWERS = '{"shock": "yes", "fluids": "no", "lactate": 3.5, "signs": [], "lvef": 50, "sbp": 80}'
INOTROPE_FR = "CONDUITE À TENIR : RAPIDEMENT — Discuter un inotrope"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pipe(args: list[str], lines: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, ``lines`` written to its stdin through a pipe."""
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


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


@pytest.fixture
def transcript_fr(tmp_path: Path, answers: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A French JSON transcript of the bilingual flow."""
    out = tmp_path / "fr.json"
    code, _, _ = run(
        ["run", BILINGUAL, "--answers", str(answers), "--format", "json", "--out", str(out)],
        capsys,
    )
    assert code == 0
    return out


# --- list and validate --------------------------------------------------------------------


def test_list_shows_each_flow_languages(capsys: pytest.CaptureFixture[str]) -> None:
    """``list`` has a languages column; the bundled flows are English only."""
    code, out, _ = run(["list", "--flows", str(DATA)], capsys)
    rows = {line.split()[0]: line for line in out.splitlines()}
    expected = (0, True, True)
    assert expected == (
        code,
        " fr,en " in rows["bilingual"],
        " en " in rows["cauda-equina"],
    )


def test_list_lang_gives_titles_in_that_language(capsys: pytest.CaptureFixture[str]) -> None:
    """``list --lang en`` shows the bilingual flow's English title; JSON lists languages."""
    code, out, _ = run(["list", "--flows", str(DATA), "--lang", "en", "--format", "json"], capsys)
    row = next(row for row in json.loads(out) if row["id"] == "bilingual")
    expected = (0, "Bilingual flow (test fixture)", "en", ["fr", "en"])
    assert expected == (code, row["title"], row["language"], row["languages"])


def test_validate_checks_every_language(capsys: pytest.CaptureFixture[str]) -> None:
    """``validate`` names the languages it checked; ``--lang`` checks only that one."""
    _, every, _ = run(["validate", BILINGUAL], capsys)
    _, one, _ = run(["validate", BILINGUAL, "--lang", "en"], capsys)
    expected = [
        f"ok  {BILINGUAL}  (bilingual v0.1, fr, en)",
        f"ok  {BILINGUAL}  (bilingual v0.1, en)",
    ]
    assert expected == [every.strip(), one.strip()]


def test_validate_reports_every_missing_translation(capsys: pytest.CaptureFixture[str]) -> None:
    """A file with translation mistakes fails validation with each one placed; exit 1."""
    code, _, err = run(["validate", str(DATA / "broken" / "untranslated.yaml")], capsys)
    expected = (1, 3)
    assert expected == (code, err.count("untranslated.yaml:"))


# --- run, and the errors of --lang ---------------------------------------------------------


def test_run_in_each_language_reaches_the_same_outcome(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``run --lang fr`` and ``--lang en`` give the same outcome id, each in its language."""
    outcomes = {}
    for lang in ("fr", "en"):
        code, out, _ = run(
            ["run", BILINGUAL, "--answers", str(answers), "--format", "json", "--lang", lang],
            capsys,
        )
        data = json.loads(out)
        outcomes[lang] = (code, data["language"], data["outcome"]["id"], data["outcome"]["title"])
    expected = {
        "fr": (0, "fr", "inotrope_review", "Discuter un inotrope"),
        "en": (0, "en", "inotrope_review", "Consider an inotrope"),
    }
    assert expected == outcomes


def test_run_text_in_french_uses_a_decimal_comma(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The French text export shows the lactate as 3,5 mmol/l."""
    _, out, _ = run(["run", BILINGUAL, "--answers", str(answers)], capsys)
    assert "- Lactate ? 3,5 mmol/l" in out.splitlines()


def test_a_language_the_flow_lacks_is_exit_1_with_its_languages(
    answers: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``run cauda-equina --lang fr``: one line naming the flow's languages, no traceback."""
    code, out, err = run(["run", "cauda-equina", "--lang", "fr", "--answers", str(answers)], capsys)
    expected = (1, "", "flow 'cauda-equina' is not written in 'fr'; its languages: en\n")
    assert expected == (code, out, err)


# (arguments) every command refuses a malformed language code as a usage error
MALFORMED = [
    ["list", "--lang", "french"],
    ["validate", "--lang", "f"],
    ["run", "cauda-equina", "--answers", "x.yaml", "--lang", "FRA"],
    ["chat", "cauda-equina", "--lang", "1x"],
    ["verify", "--lang", "xyz"],
    ["graph", "cauda-equina", "--lang", "xyz"],
    ["diff", "cauda-equina", "cauda-equina", "--lang", "xyz"],
    ["export-questionnaire", "cauda-equina", "--lang", "xyz"],
    ["replay", "t.json", "--lang", "xyz"],
    ["resume", "--lang", "xyz"],
    ["--lang", "xyz"],  # bare triagebot: chat
]


@pytest.mark.parametrize("args", MALFORMED)
def test_a_malformed_language_code_is_a_usage_error(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and a message saying what a language code is, on every command."""
    code, _, err = run(args, capsys)
    expected = (2, True)
    assert expected == (code, "is not a language code: use two letters, e.g. fr or en" in err)


# (command taking one flow) each refuses a language the flow lacks, exit 1, one message
LACKING = [
    ["verify", "cauda-equina", "--lang", "de"],
    ["graph", "cauda-equina", "--lang", "de"],
    ["diff", "cauda-equina", "cauda-equina", "--lang", "de"],
    ["export-questionnaire", "cauda-equina", "--lang", "de"],
    ["chat", "cauda-equina", "--plain", "--lang", "de"],
]


@pytest.mark.parametrize("args", LACKING)
def test_every_command_refuses_a_language_the_flow_lacks(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """One line on stderr listing the flow's languages, exit 1."""
    code, _, err = run(args, capsys)
    expected = (1, "flow 'cauda-equina' is not written in 'de'; its languages: en")
    assert expected == (code, err.strip().splitlines()[-1])


def test_lang_before_the_command_is_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    """``triagebot --lang en list`` is ``triagebot list --lang en``."""
    first = run(["--lang", "en", "list", "--flows", str(DATA)], capsys)
    second = run(["list", "--flows", str(DATA), "--lang", "en"], capsys)
    assert (first, True) == (second, "Bilingual flow (test fixture)" in first[1])


# --- verify, graph, diff, export-questionnaire ----------------------------------------------


def test_verify_reports_in_the_language_asked(capsys: pytest.CaptureFixture[str]) -> None:
    """``verify --lang en`` proves the invariant and words it in English."""
    code, out, _ = run(["verify", BILINGUAL, "--lang", "en", "--format", "json"], capsys)
    says = json.loads(out)[0]["invariants"][0]["says"]
    expected = (0, "Without septic shock, the flow does not apply.")
    assert expected == (code, says)


def test_graph_and_diff_are_the_same_in_every_language(capsys: pytest.CaptureFixture[str]) -> None:
    """The diagram and the diff are ids and conditions: French and English give the same."""
    graphs = [run(["graph", BILINGUAL, "--lang", lang], capsys) for lang in ("fr", "en")]
    diffs = [run(["diff", BILINGUAL, BILINGUAL, "--lang", lang], capsys) for lang in ("fr", "en")]
    assert (graphs[0], diffs[0][0]) == (graphs[1], 0)
    assert diffs[0] == diffs[1]


def test_export_questionnaire_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The Questionnaire is in the language asked and says so."""
    code, out, _ = run(["export-questionnaire", BILINGUAL, "--lang", "en"], capsys)
    form = json.loads(out)
    expected = (0, "en", "Septic shock?")
    assert expected == (code, form["language"], form["item"][0]["text"])


# --- replay and resume ------------------------------------------------------------------------


def test_replay_uses_the_transcript_language(
    transcript_fr: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A French transcript replays in French; ``--lang en`` still holds (exit 0)."""
    french = run(["replay", str(transcript_fr), "--flows", str(DATA)], capsys)
    english = run(["replay", str(transcript_fr), "--flows", str(DATA), "--lang", "en"], capsys)
    same = "Same outcome: inotrope_review (soon), with the same lines."
    expected = ((0, True), (0, True))
    assert expected == (
        (french[0], same in french[1]),
        (english[0], same in english[1]),
    )


def test_replay_in_a_language_the_flow_lacks_is_exit_1(
    transcript_fr: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``replay --lang de`` names the flow's languages."""
    code, _, err = run(["replay", str(transcript_fr), "--flows", str(DATA), "--lang", "de"], capsys)
    expected = (1, True)
    assert expected == (code, err.strip().endswith("its languages: fr, en"))


# --- plain mode through a real pipe ---------------------------------------------------------


def test_plain_mode_speaks_french_and_takes_oui_and_aucun() -> None:
    """French words around the flow, oui/non/aucun and a French label understood, a decimal
    comma, the outcome."""
    done = pipe(["chat", BILINGUAL, "--plain"], ["oui", "non", "3,5", "aucun", "", "50", "80"])
    lines = done.stdout.splitlines()
    assert (done.returncode, done.stderr) == (0, "")
    expected = [
        "Commandes : 'pourquoi' (pourquoi cette question, et la source), 'retour', "
        "'langue', 'exporter' (enregistrer la transcription), 'quitter'.",
        "   1. oui   2. non   3. incertain",
        "   Valeurs courantes : 2 mmol/l (limite haute); 4,5 mmol/l (élevé)",
        "Réévaluez après 3,5 mmol/l de lactate.",
        INOTROPE_FR,
        "Rapport 0,62 %/mmHg ; lactate 3,5 mmol/l.",
    ]
    assert expected == [line for line in lines if line in expected]


def test_plain_mode_lang_command_switches_mid_session() -> None:
    """``lang en`` at the third question: English from there on, no answer lost."""
    done = pipe(
        ["chat", BILINGUAL, "--plain"],
        ["o", "2", "lang", "lang de", "lang en", "3.5", "none", "", "50", "80"],
    )
    lines = done.stdout.splitlines()
    said = [
        "Langue : français (fr) ; ce parcours existe en : fr, en. "
        "Tapez 'langue CODE' pour changer.",
        "Ce parcours n'existe pas en 'de' ; ses langues : fr, en.",
        "Language: English (en).",
        "Q3. Lactate?",
        "OUTCOME: SOON — Consider an inotrope",
        "Ratio 0.62 %/mmHg; lactate 3.5 mmol/L.",
    ]
    assert (0, said) == (done.returncode, [line for line in lines if line in said])


def test_plain_mode_starts_in_the_language_asked() -> None:
    """``--lang en`` on a French-first flow: English prompts, yes/no words and outcome."""
    done = pipe(["chat", BILINGUAL, "--plain", "--lang", "en"], ["no"])
    expected = [
        "Q1. Septic shock?",
        "   1. yes   2. no   3. unsure",
        "OUTCOME: NO ACTION FROM THIS SCREEN — Outside this flow",
    ]
    assert (0, expected) == (
        done.returncode,
        [line for line in done.stdout.splitlines() if line in expected],
    )


def test_quitting_in_french_keeps_the_journal_and_resume_comes_back_in_french() -> None:
    """``quitter`` keeps the session (said in French); resume carries on in French, and
    ``resume --lang en`` in English."""
    first = pipe(["chat", BILINGUAL, "--plain"], ["oui", "quitter"])
    kept = [entry.path.name for entry in journal.unfinished()]
    again = pipe(["resume", kept[0], "--plain"], ["quit"])
    english = pipe(
        ["resume", kept[0], "--plain", "--lang", "en"], ["no", "3.5", "none", "", "50", "80"]
    )
    expected = (1, 1, 0)
    assert expected == (first.returncode, again.returncode, english.returncode)
    expected = "arrêté avant la conduite à tenir ; rien n'a été décidé."
    assert expected == first.stdout.splitlines()[-1]
    assert "Réponses déjà données :" in again.stdout.splitlines()
    assert "OUTCOME: SOON — Consider an inotrope" in english.stdout.splitlines()
