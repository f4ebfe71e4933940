"""Re-execute the tutorial notebooks in place, so that their stored outputs match the code.

Run from the repository root after a change of stuntlib (``make notebooks-refresh``), then
review the diff and commit it. ``make notebooks`` fails while a stored output is stale.
Cells get stable ids and no execution timestamps, so that a refresh with unchanged outputs
leaves the files unchanged.

Usage::

    .venv/bin/python notebooks/refresh_outputs.py [NOTEBOOK ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def refresh(path: Path) -> None:
    """Execute one notebook with notebooks/ as working folder and write it back."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
        cell.metadata.pop("execution", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    nbformat.write(nb, path)


def main(names: list[str]) -> None:
    """Refresh the named notebooks, or every numbered notebook of this folder."""
    paths = [Path(n).resolve() for n in names] or sorted(HERE.glob("[0-9]*.ipynb"))
    for path in paths:
        refresh(path)
        print(f"refreshed {path.name}")


if __name__ == "__main__":
    main(sys.argv[1:])
