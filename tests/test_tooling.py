"""The house rules: ruff (lint and format) and mypy (strict on the core) stay clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TARGETS = [p for p in ("src", "tests", "benchmarks") if (ROOT / p).exists()]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: install the test extras (pip install -e '.[test]')")
    return found


def check(args: list[str]) -> tuple[int, str]:
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


def test_ruff_lint_is_clean() -> None:
    """ruff check finds nothing."""
    code, output = check([tool("ruff"), "check", "--output-format", "concise", *TARGETS])
    assert code == 0, output


def test_ruff_format_is_clean() -> None:
    """Every file is as ruff format would write it."""
    code, output = check([tool("ruff"), "format", "--check", *TARGETS])
    assert code == 0, output


def test_mypy_is_clean() -> None:
    """mypy passes (strict on src/triagebot/flows, per pyproject)."""
    code, output = check([tool("mypy")])
    assert code == 0, output
