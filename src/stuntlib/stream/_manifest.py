"""The destination's manifest: which parts are finished, and the resume protocol.

``_stuntlib_manifest.json`` records each finished part (its source, output, row count
and the files of its partial sums) and is replaced atomically (write, fsync, rename)
after every part. An empty ``_SUCCESS`` file appears only when every part finished.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from stuntlib.errors import StuntlibError
from stuntlib.stream._source import TMP_SUFFIX, FileError

__all__ = ["MANIFEST_NAME", "SUCCESS_NAME", "SUMS_DIR", "Manifest", "options_key", "write_atomic"]

#: Name of the manifest in the destination folder.
MANIFEST_NAME = "_stuntlib_manifest.json"
#: Folder (in the destination) holding the partial sums of each finished part.
SUMS_DIR = "_stuntlib_sums"
#: Marker written when every part finished without error (as Hadoop and Spark do).
SUCCESS_NAME = "_SUCCESS"
_FORMAT = "stuntlib.score_dataset"
_VERSION = 1


def options_key(payload: Mapping[str, Any]) -> str:
    """A short hash of options (JSON, sorted keys) to tell runs apart."""
    text = json.dumps(payload, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a hidden temporary file, fsync it, and rename it to ``path``."""
    tmp = path.with_name("." + path.name + TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Manifest:
    """The manifest of one destination, kept in step with the files on disk.

    Use :meth:`open`; every change is written to disk before the method returns.
    """

    def __init__(self, dest: Path, data: dict[str, Any]) -> None:
        self.dest = dest
        self.data = data

    @classmethod
    def open(cls, dest: Path, *, score_key: str, resume: bool) -> Manifest:
        """Check ``dest`` and return the manifest to continue (or a fresh one).

        Raises
        ------
        StuntlibError
            If ``dest`` holds other files and no manifest, an unreadable manifest, or
            (with ``resume``) output scored with other options.
        """
        dest.mkdir(parents=True, exist_ok=True)
        old = _read(dest)
        if old is None:
            foreign = [p.name for p in dest.iterdir() if p.name != SUMS_DIR]
            if foreign:
                raise StuntlibError(
                    f"destination: {str(dest)!r} is not empty and has no {MANIFEST_NAME}; "
                    f"choose an empty or new folder (found {sorted(foreign)[:5]})"
                )
        elif resume and old.get("score_key") != score_key:
            raise StuntlibError(
                f"destination: {str(dest)!r} holds output scored with other options or "
                "another input schema; pass resume=False to replace it, or choose another folder"
            )
        (dest / SUCCESS_NAME).unlink(missing_ok=True)
        for stale in dest.rglob("." + "*" + TMP_SUFFIX):
            stale.unlink(missing_ok=True)
        manifest = cls(dest, {})
        if old is not None and not resume:
            manifest.data = old
            for rel in list(old.get("parts", {})):
                manifest.forget(rel, write=False)
            old = None
        fresh = {"format": _FORMAT, "version": _VERSION, "score_key": score_key, "parts": {}}
        manifest.data = {**(old or fresh), "status": "running", "errors": []}
        manifest.write()
        return manifest

    def write(self) -> None:
        """Replace the manifest on disk atomically."""
        write_atomic(self.dest / MANIFEST_NAME, json.dumps(self.data, indent=1).encode())

    def entry(self, rel: str) -> dict[str, Any] | None:
        """The record of the finished part ``rel``, or None."""
        found = self.data["parts"].get(rel)
        return dict(found) if found is not None else None

    def record(self, rel: str, entry: Mapping[str, Any]) -> None:
        """Record ``rel`` as finished."""
        self.data["parts"][rel] = dict(entry)
        self.write()

    def forget(self, rel: str, *, write: bool = True) -> None:
        """Remove the part ``rel``: its output and sums files, then its record."""
        info = self.data["parts"].pop(rel, None)
        if info is not None:
            for name in (info.get("output"), *info.get("sums_files", {}), info.get("sums")):
                if name:
                    (self.dest / name).unlink(missing_ok=True)
        if write:
            self.write()

    def prune(self, current: Iterable[str]) -> None:
        """Forget the parts whose source file is gone: the output mirrors the source."""
        keep = set(current)
        for rel in [r for r in self.data["parts"] if r not in keep]:
            self.forget(rel, write=False)
        self.write()

    def finish(self, complete: bool, errors: Iterable[FileError]) -> None:
        """Write the final status, then ``_SUCCESS`` if (and only if) ``complete``."""
        self.data["status"] = "complete" if complete else "incomplete"
        self.data["errors"] = [dataclasses.asdict(e) for e in errors]
        self.write()
        if complete:
            write_atomic(self.dest / SUCCESS_NAME, b"")


def _read(dest: Path) -> dict[str, Any] | None:
    path = dest / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StuntlibError(
            f"destination: the manifest {str(path)!r} cannot be read ({exc}); remove the "
            "folder or pass resume=False to start again"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise StuntlibError(f"destination: {str(path)!r} is not a score_dataset manifest")
    return manifest
