"""The layers hold: front ends -> application layer -> core, no import cycle anywhere.

Imports are read from the source with ``ast``, those inside functions as much as those at
the top; only imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "triagebot"

CORE_MAY_IMPORT = {"pydantic", "pydantic_core", "yaml", "transitions"}
"""Besides the standard library and the core itself."""

ABOVE_THE_APP = (
    "triagebot.tui",
    "triagebot.plain",
    "triagebot.serve",
    "triagebot.commands",
    "triagebot.cli",
)

KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()
"""(module, imported) pairs allowed for now: none."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for other in node.orelse:
                yield from _statements(other)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _statements(node)


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports (a name imported from a package, when it is a module of
    triagebot, counts as that module)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{anchor}.{base}" if base else anchor
        for alias in node.names:
            inner = f"{base}.{alias.name}"
            found.add(inner if inner in MODULES else base)
    return found


GRAPH = {name: {other for other in imports_of(name) if other in MODULES} for name in MODULES}


def cycles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(GRAPH[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group: list[str] = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1 or node in GRAPH[node]:
                found.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return sorted(found)


def _top(name: str) -> str:
    return name.partition(".")[0]


def test_no_import_cycle_among_triagebot_modules() -> None:
    """No module imports, directly or through others, one that imports it back."""
    assert cycles() == []


def test_the_core_imports_only_itself_the_standard_library_and_its_libraries() -> None:
    """triagebot.flows imports nothing above it and no library but pydantic, PyYAML and
    transitions."""
    outside = sorted(
        (name, other)
        for name in MODULES
        if name.startswith("triagebot.flows")
        for other in imports_of(name)
        if not other.startswith("triagebot.flows")
        and _top(other) not in sys.stdlib_module_names
        and _top(other) not in CORE_MAY_IMPORT
        and other not in ("__future__", "triagebot")  # the root package: its __version__
        and (name, other) not in KNOWN_EXCEPTIONS
    )
    assert outside == []


def test_the_application_layer_imports_no_front_end() -> None:
    """triagebot.app never imports the TUI, plain mode, the commands or the CLI."""
    upward = sorted(
        (name, other)
        for name in MODULES
        if name.startswith("triagebot.app")
        for other in imports_of(name)
        if other.startswith(ABOVE_THE_APP)
    )
    assert upward == []


def test_the_checks_see_a_planted_cycle_and_a_planted_upward_import() -> None:
    """The reader finds a function-level import: the checks above can fail."""
    planted = ast.parse("def f():\n    from triagebot.tui import app\n")
    found = {node.module for node in _statements(planted) if isinstance(node, ast.ImportFrom)}
    assert found == {"triagebot.tui"}
