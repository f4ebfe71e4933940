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
