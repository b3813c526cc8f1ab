"""The layers are a contract: import-linter's contracts in pyproject.toml hold for the tree."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    """An import that breaks a layer (see the README's architecture) fails the suite."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert " 0 broken." in report, report


# Sizes: no module over ~300 lines, no function over ~60, so each can be read at once.
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
PACKAGES = ("service", "schema", "seed")
# Longer on purpose, each by name with why; a name here that fits again must leave the list.
LONG_FUNCTIONS = {
    "service/store/migrations_initial.py:create_content_tables": "the first migration's DDL: a "
    "declarative table of CREATE statements, frozen once shipped (later changes are migrations)",
}
LONG_MODULES: dict[str, str] = {}


def _modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _function_lengths(path: Path) -> dict[str, int]:
    """Every function and method by its dotted name, with its length in lines (its decorators
    left out, its docstring counted)."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lengths[name] = (child.end_lineno or child.lineno) - child.lineno + 1
                visit(child, f"{name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return lengths


def _module_lengths() -> dict[str, int]:
    return {_name(path): len(path.read_text(encoding="utf-8").splitlines()) for path in _modules()}


def _long_functions() -> dict[str, int]:
    return {
        f"{_name(path)}:{name}": length
        for path in _modules()
        for name, length in _function_lengths(path).items()
        if length > MAX_FUNCTION_LINES
    }


def test_no_module_over_300_lines() -> None:
    """A module that grows past the limit is split (or named in LONG_MODULES, with why)."""
    too_long = {
        name: length
        for name, length in _module_lengths().items()
        if length > MAX_MODULE_LINES and name not in LONG_MODULES
    }
    assert too_long == {}, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_no_function_over_60_lines() -> None:
    """A function that grows past the limit is split (or named in LONG_FUNCTIONS, with why)."""
    too_long = {
        name: length for name, length in _long_functions().items() if name not in LONG_FUNCTIONS
    }
    assert too_long == {}, f"functions over {MAX_FUNCTION_LINES} lines: {too_long}"


def test_size_exceptions_are_still_needed() -> None:
    """An allowed name that is gone or fits the limit again leaves its list."""
    modules = _module_lengths()
    stale_modules = [n for n in LONG_MODULES if modules.get(n, 0) <= MAX_MODULE_LINES]
    stale_functions = [n for n in LONG_FUNCTIONS if n not in _long_functions()]
    assert stale_modules == [], f"LONG_MODULES entries that fit now: {stale_modules}"
    assert stale_functions == [], f"LONG_FUNCTIONS entries that fit now: {stale_functions}"


# Loaded on first use, not by a worker's start-up (cold start is measured by `make bench`):
# httpx brings its command line's rich, click and pygments, about 80 ms. Never loaded by the app:
# pydantic and attrs, which the dev tools install and Litestar's default plugins would import
# (about 130 ms) though the model is msgspec structs throughout.
NOT_AT_START_UP = ("httpx", "pydantic", "attr", "attrs")


def test_start_up_leaves_first_use_imports_out(tmp_path: Path) -> None:
    code = "import sys, service.asgi; service.asgi.app(); print(' '.join(sorted(sys.modules)))"
    environment = {**os.environ, "CONTENT_DB": str(tmp_path / "content.db"), "LOG_LEVEL": "error"}
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [name for name in NOT_AT_START_UP if name in loaded] == []
