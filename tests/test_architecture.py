"""The layout keeps its shape: imports point one way, and only the surface knows the terminal."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ipstats"
# The command line: the ipstats command, its parts (ipstats._cli_*), the renderer, the entry point.
SURFACE = {
    "ipstats.cli",
    "ipstats._cli_group",
    "ipstats._cli_options",
    "ipstats._cli_output",
    "ipstats._cli_list",
    "ipstats._cli_analysis",
    "ipstats._cli_export",
    "ipstats._cli_dataset",
    "ipstats.render",
    "ipstats.__main__",
}
TOP = {"ipstats", "ipstats.api", *SURFACE}  # what users call; nothing below may import it
TERMINAL_LIBRARIES = {"typer", "rich", "click"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in the module, at any depth of its code.

    ``from ipstats import x`` names the submodule x when there is one; otherwise a name the
    package re-exports (``__version__``), so it names the module the package imports it from.
    """
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(name, node)
            for alias in node.names:
                yield _source_of(base, alias.name), node.lineno


def _absolute(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _source_of(base: str, attribute: str) -> str:
    if f"{base}.{attribute}" in MODULES:
        return f"{base}.{attribute}"
    if base in MODULES and MODULES[base].name == "__init__.py":
        init = ast.parse(MODULES[base].read_text(encoding="utf-8"))
        for node in init.body:  # the package's own top-level imports: what it re-exports
            if isinstance(node, ast.ImportFrom) and any(a.name == attribute for a in node.names):
                return _absolute(base, node)
    return base


@functools.cache
def graph() -> dict[str, set[str]]:
    return {
        name: {target for target, _ in imports(name) if target in MODULES and target != name}
        for name in MODULES
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


@functools.cache
def surface() -> frozenset[str]:
    """The command line: its modules, and private modules that only they import."""
    edges = graph()
    members = set(SURFACE)
    for name in MODULES:
        importers = {m for m, targets in edges.items() if name in targets}
        if name.rpartition(".")[2].startswith("_") and importers and importers <= SURFACE:
            members.add(name)
    return frozenset(members)


def test_the_graph_sees_every_module_and_function_level_imports() -> None:
    edges = graph()
    assert {"ipstats", "ipstats.cli", "ipstats.query", "ipstats.model"} <= set(edges)
    # the list commands import the query module only inside their bodies
    assert "ipstats.query" in edges["ipstats._cli_list"]
    assert edges["ipstats.model"] <= {"ipstats.errors"}


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_command_line_imports_terminal_libraries(name: str) -> None:
    if name in surface():
        return
    used = {t for t, _ in imports(name) if t.split(".")[0] in TERMINAL_LIBRARIES}
    assert not used, f"{name} imports {sorted(used)}"


@pytest.mark.parametrize("name", sorted(set(MODULES) - TOP - surface()))
def test_the_core_never_imports_the_api_or_the_surface(name: str) -> None:
    upward = {t for t, _ in imports(name) if t in TOP}
    assert not upward, f"{name} imports {sorted(upward)}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_its_purpose_in_one_line(name: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert doc, f"{name} has no docstring"
    assert doc.splitlines()[0].strip().endswith("."), f"{name}: {doc.splitlines()[0]}"


MAX_LINES = 500


def physical_lines(path: Path) -> int:
    """The number of lines in the file as an editor shows them, the last one with or without
    a line break."""
    return len(path.read_bytes().splitlines())


def test_physical_lines_counts_every_line_blank_or_not(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b'"""Doc."""\n\nx = 1\r\n\n')
    assert physical_lines(path) == 4
    path.write_bytes(b"x = 1\ny = 2")  # no line break after the last line
    assert physical_lines(path) == 2


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_500_lines(name: str) -> None:
    lines = physical_lines(MODULES[name])
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES})"
