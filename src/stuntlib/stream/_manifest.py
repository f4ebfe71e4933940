"""The destination's manifest and lock: which parts are finished, and the resume protocol.

The destination folder always mirrors the current source, and its markers never
contradict each other:

* one run at a time: a lock file (``_stuntlib.lock``, an OS advisory lock through
  :mod:`filelock`, released by the kernel even when the process is killed) makes a second
  run into the same folder fail at once with :class:`~stuntlib.errors.StuntlibError`;
* ``_stuntlib_manifest.json`` is replaced atomically (write, fsync, rename) after every
  change; a part's output is listed as *pending* before it is renamed into place, so a
  kill between the rename and the next manifest write leaves nothing unaccounted for:
  the next run removes pending outputs;
* a visible file the manifest does not list is never silently read or deleted: the run
  refuses and names it;
* ``_SUCCESS`` is removed before the manifest says ``"running"`` and written only after
  it says ``"complete"``.

References
----------
.. [1] Apache Hadoop ``FileOutputCommitter``: the ``_SUCCESS`` marker of a completed job.
.. [2] POSIX ``rename()``: atomic replacement of a directory entry, IEEE Std 1003.1-2017.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from filelock import FileLock, Timeout

from stuntlib.errors import StuntlibError
from stuntlib.stream._source import TMP_SUFFIX, FileError, visible

__all__ = [
    "LOCK_NAME",
    "MANIFEST_NAME",
    "SUCCESS_NAME",
    "SUMS_DIR",
    "Manifest",
    "options_key",
    "write_atomic",
]

#: Name of the manifest in the destination folder.
MANIFEST_NAME = "_stuntlib_manifest.json"
#: Folder (in the destination) holding the partial sums of each finished part.
SUMS_DIR = "_stuntlib_sums"
#: Marker written when every part finished without error (as Hadoop and Spark do).
SUCCESS_NAME = "_SUCCESS"
#: Lock file held while a run writes into the destination.
LOCK_NAME = "_stuntlib.lock"
_FORMAT = "stuntlib.score_dataset"
_VERSION = 2


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


def _lock(dest: Path) -> FileLock:
    lock = FileLock(dest / LOCK_NAME, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StuntlibError(
            f"destination: {str(dest)!r} is in use by another score_dataset run (it holds "
            f"{LOCK_NAME}); wait for that run to finish, or choose another folder"
        ) from None
    return lock


class Manifest:
    """The manifest of one destination, held under its lock while a run writes.

    Open it with :meth:`open` in a ``with`` block; every change is on disk before the
    method returns, and leaving the block releases the lock.
    """

    def __init__(self, dest: Path, data: dict[str, Any], lock: FileLock) -> None:
        self.dest = dest
        self.data = data
        self._lock = lock

    @classmethod
    def open(cls, dest: Path, *, score_key: str, resume: bool) -> Manifest:
        """Lock ``dest``, check it, clear what a killed run left, and return the manifest.

        Raises
        ------
        StuntlibError
            If another run holds the destination; if it holds files that no manifest
            lists; if its manifest cannot be read, is of another version, or (with
            ``resume``) was written with other scoring options.
        """
        dest.mkdir(parents=True, exist_ok=True)
        lock = _lock(dest)
        try:
            old = _read(dest)
            if old is not None and resume and old.get("version") != _VERSION:
                raise StuntlibError(
                    f"destination: {str(dest)!r} was written by another version of "
                    "stuntlib; pass resume=False to replace it, or choose another folder"
                )
            if old is not None and resume and old.get("score_key") != score_key:
                raise StuntlibError(
                    f"destination: {str(dest)!r} holds output scored with other options; "
                    "pass resume=False to replace it, or choose another folder"
                )
            manifest = cls(dest, old or {"parts": {}, "pending": {}}, lock)
            manifest._check_unlisted(has_manifest=old is not None)
            manifest._clear(resume)
            manifest.data.update(
                format=_FORMAT, version=_VERSION, score_key=score_key, status="running",
                errors=[],
            )  # fmt: skip
            manifest.write()
        except BaseException:
            lock.release()
            raise
        return manifest

    def __enter__(self) -> Manifest:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is not None and self.data.get("status") == "running":
                self.data["status"] = "incomplete"
                self.write()
        finally:
            self._lock.release()

    def _listed(self) -> set[str]:
        names = {str(i["output"]) for i in self.data.get("parts", {}).values()}
        names.update(self.data.get("pending", {}).values())
        return names

    def _check_unlisted(self, *, has_manifest: bool) -> None:
        listed = self._listed()
        unlisted = sorted(
            rel
            for p in self.dest.rglob("*")
            if p.is_file() and visible(p, self.dest)
            and (rel := p.relative_to(self.dest).as_posix()) not in listed
        )  # fmt: skip
        if not has_manifest:
            unlisted = sorted(p.name for p in self.dest.iterdir() if p.name != LOCK_NAME)
        if not unlisted:
            return
        if not has_manifest:
            raise StuntlibError(
                f"destination: {str(self.dest)!r} is not empty and has no {MANIFEST_NAME}; "
                f"choose an empty or new folder (found {unlisted[:5]})"
            )
        raise StuntlibError(
            f"destination: {str(self.dest)!r} holds {len(unlisted)} file(s) that "
            f"{MANIFEST_NAME} does not list, which readers of the folder would take as "
            f"output: {unlisted[:5]}; move them out of the folder and run again"
        )

    def _clear(self, resume: bool) -> None:
        """Remove ``_SUCCESS``, temporary files, pending outputs and orphan sums."""
        (self.dest / SUCCESS_NAME).unlink(missing_ok=True)
        for stale in self.dest.rglob("." + "*" + TMP_SUFFIX):
            stale.unlink(missing_ok=True)
        for output in self.data.get("pending", {}).values():
            (self.dest / output).unlink(missing_ok=True)
        self.data["pending"] = {}
        for rel in list(self.data.get("parts", {})) if not resume else []:
            self.forget(rel, write=False)
        referenced = {n for i in self.data["parts"].values() for n in i.get("sums_files", {})}
        sums_dir = self.dest / SUMS_DIR
        if sums_dir.is_dir():
            for p in sums_dir.iterdir():
                if f"{SUMS_DIR}/{p.name}" not in referenced:
                    p.unlink(missing_ok=True)

    def write(self) -> None:
        """Replace the manifest on disk atomically."""
        write_atomic(self.dest / MANIFEST_NAME, json.dumps(self.data, indent=1).encode())

    def entry(self, rel: str) -> dict[str, Any] | None:
        """The record of the finished part ``rel``, or None."""
        found = self.data["parts"].get(rel)
        return dict(found) if found is not None else None

    def pending(self, rel: str, output: str) -> None:
        """Note that ``output`` (of part ``rel``) is about to be renamed into place."""
        self.data["pending"][rel] = output
        self.write()

    def record(self, rel: str, entry: Mapping[str, Any]) -> None:
        """Record ``rel`` as finished (and no longer pending)."""
        self.data["parts"][rel] = dict(entry)
        self.data["pending"].pop(rel, None)
        self.write()

    def forget(self, rel: str, *, write: bool = True) -> None:
        """Remove the part ``rel``: its record, then its output and sums files."""
        info = self.data["parts"].pop(rel, None)
        if info is None:
            return
        if write:
            self.write()
        for name in (info.get("output"), *info.get("sums_files", {}), info.get("sums")):
            if name:
                (self.dest / name).unlink(missing_ok=True)

    def prune(self, current: Iterable[str]) -> None:
        """Forget the parts whose source file is gone: the output mirrors the source."""
        keep = set(current)
        for rel in [r for r in self.data["parts"] if r not in keep]:
            self.forget(rel)

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
            "folder or choose another one"
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise StuntlibError(f"destination: {str(path)!r} is not a score_dataset manifest")
    manifest.setdefault("parts", {})
    manifest.setdefault("pending", {})
    return manifest
