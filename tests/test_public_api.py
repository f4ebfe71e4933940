"""The public surface: every exported name is documented, has a docstring, imports cheaply."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import stuntlib

DOCS = Path(__file__).resolve().parents[1] / "docs" / "reference"
PUBLIC = [n for n in stuntlib.__all__ if n != "__version__"]


def test_every_public_name_is_in_the_api_reference() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", text))
    assert not [n for n in PUBLIC if n not in documented]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_function_and_class_has_a_numpydoc_docstring(name: str) -> None:
    obj = getattr(stuntlib, name)
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return  # constants are documented in their module
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), name
    if inspect.isfunction(obj) and inspect.signature(obj).parameters:
        assert "Parameters" in doc, f"{name}: no Parameters section"
        assert "Returns" in doc or "Yields" in doc, f"{name}: no Returns section"


def test_all_is_sorted_into_existing_names() -> None:
    assert len(set(stuntlib.__all__)) == len(stuntlib.__all__)
    for name in stuntlib.__all__:
        assert hasattr(stuntlib, name), name


def _modules() -> list[str]:
    import pkgutil

    found = []
    for info in pkgutil.walk_packages(stuntlib.__path__, "stuntlib."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            found.append(info.name)
    return found


@pytest.mark.parametrize("name", _modules())
def test_every_module_imports_as_a_module(name: str) -> None:
    """No module is shadowed by a function of the same name (0.1's stuntlib.prevalence)."""
    import importlib
    import types

    module = importlib.import_module(name)
    assert isinstance(module, types.ModuleType)
    parent, _, child = name.rpartition(".")
    assert isinstance(getattr(importlib.import_module(parent), child), types.ModuleType), name


def _printed_by(code: str) -> str:
    """What ``code`` prints in a fresh interpreter (its imports are its own)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_import_stuntlib_loads_nothing_heavy() -> None:
    """The import itself loads no table, no pyarrow.dataset, scipy.stats or matplotlib."""
    out = _printed_by(
        "import sys, stuntlib; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('scipy', 'matplotlib') or m.startswith(('pyarrow.dataset', 'stuntlib.'))))"
    )
    assert out == "['stuntlib._version', 'stuntlib.errors']", out


def test_names_moved_off_the_root_still_resolve_with_a_warning() -> None:
    from stuntlib.lms import r_round

    with pytest.warns(FutureWarning, match="stuntlib.lms.r_round"):
        assert stuntlib.r_round is r_round  # type: ignore[attr-defined]


def test_version_is_written_once() -> None:
    from importlib.metadata import version

    from stuntlib._version import __version__

    assert stuntlib.__version__ == __version__ == version("stuntlib")


def test_api_reference_page_is_current() -> None:
    """docs/reference/api.md is generated; regenerate it with tools/make_api_reference.py."""
    import subprocess
    import sys

    tool = DOCS.parents[1] / "tools" / "make_api_reference.py"
    result = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True)
    assert result.returncode == 0, "run: python tools/make_api_reference.py"


def test_chart_and_workbook_writers_load_no_pandas() -> None:
    """The report command's chart process draws and writes workbooks without pandas."""
    out = _printed_by(
        "import sys, stuntlib._charts, stuntlib._xlsx, stuntlib._calamine, stuntlib._concurrent; "
        "stuntlib._charts.preload(); import openpyxl; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'scipy'}))"
    )
    assert out == "[]", out
