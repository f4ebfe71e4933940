"""Persist the partial sums of a finished part, checked by sha256 on resume."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stuntlib.stream._manifest import SUMS_DIR, write_atomic
from stuntlib.stream._part import Part
from stuntlib.stream._source import file_sha256

__all__ = ["load_sums", "save_sums"]


def save_sums(dest: Path, rel: str, part: Part, sums_key: str) -> dict[str, str]:
    """Write the sums of ``rel``; return ``{file name: sha256}`` for the manifest."""
    name = f"{SUMS_DIR}/{hashlib.sha256(rel.encode()).hexdigest()[:24]}.pkl"
    (dest / SUMS_DIR).mkdir(exist_ok=True)
    payload = {"sums_key": sums_key, "sums": part.sums, "quality": part.quality, "rows": part.rows}
    write_atomic(dest / name, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    return {name: file_sha256(dest / name)}


def load_sums(dest: Path, files: Mapping[str, Any]) -> Part | None:
    """The sums recorded in ``files``, or None when a file is missing or altered."""
    for name, sha in files.items():
        path = dest / name
        if not path.exists() or file_sha256(path) != sha:
            return None
    (name,) = files
    with open(dest / name, "rb") as fh:
        payload = pickle.load(fh)
    return Part(sums=payload["sums"], quality=payload["quality"], rows=payload["rows"])
