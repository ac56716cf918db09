"""Small pieces (issue 19, item 7): modules of at most 400 lines, core classes of at most 250."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).parent.parent / "src" / "triagebot"
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 250


def test_no_module_is_over_400_lines() -> None:
    """Every module of the package is at most 400 lines long."""
    expected: dict[str, int] = {}
    long = {
        str(path.relative_to(SOURCE)): lines
        for path in sorted(SOURCE.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert expected == long


def test_no_core_class_is_over_250_lines() -> None:
    """Every class of the core (``triagebot.flows``) is at most 250 lines long."""
    expected: dict[str, int] = {}
    long = {}
    for path in sorted((SOURCE / "flows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_CLASS_LINES:
                    long[f"{path.relative_to(SOURCE)}:{node.name}"] = lines
    assert expected == long
