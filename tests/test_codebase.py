"""Rules of the codebase that a reviewer would otherwise check by hand."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import stuntlib

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "stuntlib"
#: Longest function allowed, in lines of code (docstring, comments and blank lines not
#: counted). A longer one almost always does several jobs.
MAX_FUNCTION_LINES = 120
#: Modules whose public functions implement a published rule and must cite it.
SCIENTIFIC = (
    "lms", "reference", "standardize", "growth", "classification", "intervals",
    "estimation", "disclosure", "quality", "change", "convergence",
)  # fmt: skip


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> int:
    body = node.body
    doc = range(0)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        if isinstance(body[0].value.value, str):
            doc = range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1)
    count = 0
    for number in range(node.lineno, (node.end_lineno or node.lineno) + 1):
        text = lines[number - 1].strip()
        if number in doc or not text or text.startswith("#"):
            continue
        count += 1
    return count


def test_no_function_is_longer_than_the_limit() -> None:
    long = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = _code_lines(node, lines)
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n})")
    assert not long, long


def _public_functions() -> list[tuple[str, str]]:
    found = []
    for module in SCIENTIFIC:
        try:
            mod = importlib.import_module(f"stuntlib.{module}")
        except ModuleNotFoundError:
            continue
        for name in getattr(mod, "__all__", []):
            if inspect.isfunction(getattr(mod, name)):
                found.append((module, name))
    return found


@pytest.mark.parametrize(("module", "name"), _public_functions())
def test_scientific_functions_cite_their_sources_and_say_what_they_raise(
    module: str, name: str
) -> None:
    function = getattr(importlib.import_module(f"stuntlib.{module}"), name)
    doc = inspect.getdoc(function) or ""
    assert "References" in doc, f"stuntlib.{module}.{name}: no References section"
    source = inspect.getsource(function)
    body = source.split('"""', 2)[-1] if source.count('"""') >= 2 else source
    if re.search(r"^\s+raise \w", body, re.M):
        assert "Raises" in doc, f"stuntlib.{module}.{name}: raises but has no Raises section"


def test_nothing_reads_outside_the_repository() -> None:
    """Tests, tools, notebooks and benchmarks never reach for ../shared or a sibling folder."""
    pattern = re.compile(r"""["']\.\./shared|/ ?["']shared["']|parents\[2\]""")
    offenders = []
    for folder in ("tests", "tools", "notebooks", "benchmarks", "src"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".ipynb"} and path.name != Path(__file__).name:
                if pattern.search(path.read_text(encoding="utf-8")):
                    offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_docstrings_do_not_cite_issue_numbers() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if re.search(r"\b[Ii]ssues? #?\d+\b", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_root_namespace_is_curated() -> None:
    assert len(stuntlib.__all__) <= 60
