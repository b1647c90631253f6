"""What keeps startup fast, checked without timing (benchmarks/startup.py times it).

A warm query from a pipe imports no parser, validator, renderer, decimal arithmetic nor package
metadata beyond what Typer itself imports; and ipstats reaches into no dependency's private
modules or names, which no version promises to keep.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "ipstats"
FLOOR = ROOT / "benchmarks" / "floor_app.py"

# What a warm query must not import beyond what Typer itself does. Typer 0.29 converts every
# option that is not a flag through pydantic, whose plugin loader imports importlib.metadata,
# and offers no way around that: those two are checked against the floor, a minimal Typer app
# (benchmarks/floor_app.py), so that the check holds again as soon as a Typer stops needing them.
# decimal (with numbers) and unicodedata would cost over a millisecond of a warm query's ten,
# for the few numbers precision and figures read exactly, and names typed in ASCII, without them.
VALIDATOR = ("ipstats.schema", "ipstats.schema_records", "ipstats.schema_observations")
HEAVY = (
    "yaml",
    *VALIDATOR,
    "rich",
    "tabulate",
    "decimal",
    "unicodedata",
    "importlib.metadata",
    "pydantic",
)

_REPORT = (
    "import atexit, sys\n"
    f"heavy = {HEAVY!r}\n"
    "atexit.register(lambda: print('imported:', *sorted(m for m in heavy if m in sys.modules),"
    " file=sys.stderr))\n"
    "sys.argv[0] = 'ipstats'\n"
)
_QUERY = _REPORT + "from ipstats.__main__ import main\nmain()\n"
_FLOOR = _REPORT + f"import runpy\nrunpy.run_path({str(FLOOR)!r}, run_name='__main__')\n"


def _imported(code: str, *args: str, env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**_environ(), **env},
        check=True,
        timeout=60,
    )
    (report,) = [line for line in done.stderr.splitlines() if line.startswith("imported:")]
    return set(report.split()[1:])


@pytest.mark.slow
def test_a_warm_piped_query_imports_no_parser_validator_renderer_nor_metadata(
    tmp_path: Path,
) -> None:
    data = tmp_path / "indicators.yaml"  # a copy: the shipped file may be edited meanwhile
    data.write_bytes((ROOT / "data" / "indicators.yaml").read_bytes())
    args = ("--data", str(data), "compare", "shanghai", "shenzhen", "--metric", "pct")
    env = {"IPSTATS_CACHE_DIR": str(tmp_path / "cache")}
    cold = _imported(_QUERY, *args, env=env)  # reads the file and writes the cache
    assert "yaml" in cold, "the check sees imports"
    warm = _imported(_QUERY, *args, env=env)
    assert warm & {"yaml", *VALIDATOR, "rich", "tabulate", "decimal", "unicodedata"} == set()
    floor = _imported(_FLOOR, "compare", "shanghai", "shenzhen", "--metric", "pct", env=env)
    assert warm - floor == set()


def _environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("IPSTATS_")}


# No private names of Typer, Click or Rich

GUARDED = ("typer", "click", "rich")


def private_uses(source: str) -> list[str]:
    """Every private module or name of typer, click or rich that ``source`` imports or reads."""
    tree = ast.parse(source)
    found: list[str] = []
    modules: set[str] = set()  # local names bound to a guarded module

    def guarded(module: str) -> bool:
        return module.split(".")[0] in GUARDED

    def private(dotted: str) -> bool:
        return any(part.startswith("_") and not part.endswith("__") for part in dotted.split("."))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if guarded(alias.name):
                    if private(alias.name):
                        found.append(alias.name)
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and guarded(node.module):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if private(dotted):
                    found.append(dotted)
                modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in modules:
                dotted = ".".join([inner.id, *reversed(chain)])
                if private(dotted):
                    found.append(dotted)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in modules
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
        ):
            found.append(f"{node.args[0].id}.{node.args[1].value}")
    return sorted(set(found))


def test_the_check_finds_private_names_however_reached() -> None:
    source = (
        "import typer\n"
        "import typer.core\n"
        "from typer import _coercion, core\n"
        "from typer._param_types import coerce_cli_choice\n"
        "from rich.console import Console, _is_jupyter\n"
        "import click._compat as compat\n"
        "x = typer.core._TyperParameter\n"
        "y = getattr(core, '_TyperParameter', None)\n"
        "z = typer.core.TyperGroup\n"
        "w = Console.__init__\n"
    )
    assert private_uses(source) == [
        "click._compat",
        "core._TyperParameter",
        "rich.console._is_jupyter",
        "typer._coercion",
        "typer._param_types.coerce_cli_choice",
        "typer.core._TyperParameter",
    ]


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_uses_a_private_name_of_typer_click_or_rich(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8")) == []


# The collector's pause while Rich is imported for a terminal (_cli_output._emit)

_TERMINAL = (
    "import gc, sys\n"
    "from ipstats.cli import app\n"
    "frozen = gc.get_freeze_count()\n"
    "try:\n"
    "    app(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "import rich.console\n"
    "walked = any(o is rich.console.Console for o in gc.get_objects())\n"
    "print('collector:', gc.isenabled(), gc.get_freeze_count() > frozen, not walked,"
    " file=sys.stderr)\n"
)


@pytest.mark.slow
def test_the_collector_runs_again_after_rich_is_imported_for_a_terminal(tmp_path: Path) -> None:
    args = ["compare", "shanghai", "shenzhen", "--metric", "pct", "--format", "table"]
    done = subprocess.run(
        [sys.executable, "-c", _TERMINAL, *args],
        capture_output=True,
        text=True,
        env={**_environ(), "IPSTATS_CACHE_DIR": str(tmp_path / "cache")},
        check=True,
        timeout=60,
    )
    assert "Shanghai" in done.stdout
    (report,) = [line for line in done.stderr.splitlines() if line.startswith("collector:")]
    assert report.split()[1:] == ["True", "True", "True"]  # collector on, Rich's objects set aside


# The dataset is set aside too, once loaded for a command (_cli_group.State.dataset)

_DATASET = (
    "import gc, sys\n"
    "from ipstats._cli_group import State\n"
    "dataset = State().dataset()\n"
    "walked = any(o is dataset for o in gc.get_objects())\n"
    "print('collector:', gc.isenabled(), gc.is_tracked(dataset), not walked)\n"
)


@pytest.mark.slow
def test_a_loaded_dataset_is_set_aside_from_the_collector(tmp_path: Path) -> None:
    env = {**_environ(), "IPSTATS_CACHE_DIR": str(tmp_path / "cache")}
    for _ in ("cold", "warm"):
        done = subprocess.run(
            [sys.executable, "-c", _DATASET],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        )
        assert done.stdout.split() == ["collector:", "True", "True", "True"]


# Typer reads the annotations of every command and shared option at each start; as strings
# (`from __future__ import annotations`) they would be evaluated each time (BENCHMARKS.md).
COMMAND_LINE = sorted([SRC / "cli.py", *SRC.glob("_cli_*.py")])


def test_the_command_line_is_found() -> None:
    assert {"cli.py", "_cli_options.py", "_cli_list.py"} <= {p.name for p in COMMAND_LINE}


@pytest.mark.parametrize("path", COMMAND_LINE, ids=lambda p: p.name)
def test_the_command_line_keeps_annotations_as_objects(path: Path) -> None:
    assert not _postpones_annotations(ast.parse(path.read_text(encoding="utf-8")))


# A NamedTuple compiles each of its annotations that is a string (postponed annotations) into a
# ForwardRef when its class is made, at every start: its module keeps annotations as objects.
def _defines_a_named_tuple(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id == "NamedTuple" for b in node.bases)
        for node in ast.walk(tree)
    )


def _postpones_annotations(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
        for node in tree.body
    )


def test_the_named_tuple_check_sees_both_things() -> None:
    tree = ast.parse("from __future__ import annotations\nclass A(NamedTuple):\n    x: int\n")
    assert _defines_a_named_tuple(tree) and _postpones_annotations(tree)
    assert not _defines_a_named_tuple(ast.parse("class A(Base):\n    x: int\n"))


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: p.name)
def test_a_module_defining_named_tuples_keeps_annotations_as_objects(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert not (_defines_a_named_tuple(tree) and _postpones_annotations(tree))
