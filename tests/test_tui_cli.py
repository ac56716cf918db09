"""The CLI's way into the TUI: default command, ``triagebot FLOW``, lazy textual import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.tui_support import BUNDLED_SCRIPTS
from triagebot import cli
from triagebot.app import library
from triagebot.cli import build_parser, with_default_command
from triagebot.tui import app as tui_app

ROOT = Path(__file__).resolve().parents[1]


def test_every_bundled_flow_has_a_key_script() -> None:
    """Each bundled flow is walked to an outcome in test_tui.py; a new flow needs a script."""
    assert sorted(e.path.stem for e in library.discover()) == sorted(BUNDLED_SCRIPTS)


# How argv is read: a flow (or nothing) means chat; subcommands and help stay as they are.
ROUTES = [
    ([], ["chat"]),  # no arguments: the start screen
    (["cauda-equina"], ["chat", "cauda-equina"]),  # a bundled id
    (["flows/x.yaml", "--plain"], ["chat", "flows/x.yaml", "--plain"]),  # a path
    (["--flows", "d"], ["chat", "--flows", "d"]),  # extra folder, start screen
    (["list"], ["list"]),  # a subcommand
    (
        ["run", "cauda-equina", "--answers", "a.yaml"],
        ["run", "cauda-equina", "--answers", "a.yaml"],
    ),
    (["--help"], ["--help"]),  # help
    (["--version"], ["--version"]),  # version
]


@pytest.mark.parametrize(("argv", "expected"), ROUTES)
def test_default_command_is_chat(argv: list[str], expected: list[str]) -> None:
    """Anything that is not a subcommand or help is a flow for ``chat``."""
    assert expected == with_default_command(build_parser(), argv)


def test_list_does_not_import_textual() -> None:
    """CLI commands other than the TUI never import textual (they stay fast)."""
    code = (
        "import sys; from triagebot.cli import main; main(['list']); "
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
        check=True,
    )
    assert done.stderr.strip() == "False"


def test_plain_mode_without_a_flow_is_a_message() -> None:
    """``chat --plain`` with no flow says what to type, without a traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "triagebot", "chat", "--plain"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 1
    expected = (
        "plain mode needs a FLOW, e.g. triagebot chat cauda-equina --plain "
        "(triagebot list shows them)\n"
    )
    assert expected == done.stderr


def test_lang_on_the_command_line_reaches_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """``triagebot septic-cardiomyopathy --lang en`` in a terminal builds the app with the
    flow in English and the app's language English."""
    built: list[tuple[str, object]] = []

    class Ran:
        farewell = ""

        def run(self) -> None:
            pass

    def fake_app(flow: Any, extra: Any, **options: Any) -> Ran:
        built.append((flow.language, options["lang"]))
        return Ran()

    monkeypatch.setattr(tui_app, "TriageApp", fake_app)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    expected = (0, [("en", "en")])
    assert expected == (cli.main(["septic-cardiomyopathy", "--lang", "en"]), built)
