"""The packaged WHO growth tables: lazy, cached, read-only, verified against a manifest.

Tables are tab-separated files under ``stuntlib/data`` built by
``tools/build_reference_tables.py`` from WHO's published LMS parameters. Each file has
the columns ``sex`` (1 = male, 2 = female), a key column (``age_days``, ``age_months``,
``length_cm`` or ``height_cm``) on a regular grid, and ``l``, ``m``, ``s``.

Nothing is read at import time. :func:`load_table` reads a table on first use, checks
its sha256 against ``MANIFEST.tsv`` and caches an :class:`LMSTable` whose arrays are
read-only.
"""

from __future__ import annotations

import hashlib
import io as _io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from stuntlib.errors import StuntlibError

__all__ = ["TABLES", "LMSTable", "load_table", "manifest"]

TableName = Literal[
    "who2006_lhfa",
    "who2006_wfa",
    "who2006_bmifa",
    "who2006_hcfa",
    "who2006_acfa",
    "who2006_tsfa",
    "who2006_ssfa",
    "who2006_wfl",
    "who2006_wfh",
    "who2007_hfa",
    "who2007_wfa",
    "who2007_bfa",
]

#: Table name -> (key column, grid step, description).
TABLES: dict[str, tuple[str, float, str]] = {
    "who2006_lhfa": ("age_days", 1.0, "WHO 2006 length/height-for-age, by day 0-1856"),
    "who2006_wfa": ("age_days", 1.0, "WHO 2006 weight-for-age, by day 0-1856"),
    "who2006_bmifa": ("age_days", 1.0, "WHO 2006 BMI-for-age, by day 0-1856"),
    "who2006_hcfa": ("age_days", 1.0, "WHO 2006 head circumference-for-age, by day 0-1856"),
    "who2006_acfa": ("age_days", 1.0, "WHO 2006 arm circumference-for-age, by day 91-1856"),
    "who2006_tsfa": ("age_days", 1.0, "WHO 2006 triceps skinfold-for-age, by day 91-1856"),
    "who2006_ssfa": ("age_days", 1.0, "WHO 2006 subscapular skinfold-for-age, by day 91-1856"),
    "who2006_wfl": ("length_cm", 0.1, "WHO 2006 weight-for-length, 45-110 cm by 0.1 cm"),
    "who2006_wfh": ("height_cm", 0.1, "WHO 2006 weight-for-height, 65-120 cm by 0.1 cm"),
    "who2007_hfa": ("age_months", 1.0, "WHO 2007 height-for-age, by month 60-228"),
    "who2007_wfa": ("age_months", 1.0, "WHO 2007 weight-for-age, by month 60-120"),
    "who2007_bfa": ("age_months", 1.0, "WHO 2007 BMI-for-age, by month 60-228"),
}


@dataclass(frozen=True)
class LMSTable:
    """LMS parameters of one WHO table on a regular grid, for both sexes.

    Attributes
    ----------
    name : str
        Table name, e.g. ``"who2006_lhfa"``.
    key : str
        What the grid is in: ``"age_days"``, ``"age_months"``, ``"length_cm"`` or
        ``"height_cm"``.
    start, stop, step : float
        First and last grid value and the grid step.
    l, m, s : numpy.ndarray
        Read-only arrays of shape ``(2, n)``: row 0 male, row 1 female.
    l_is_one : bool
        True when L = 1 everywhere (the LMS formula is then linear).

    References
    ----------
    .. [1] WHO Multicentre Growth Reference Study Group. *WHO Child Growth Standards:
       Methods and development.* Geneva: WHO; 2006 (the 2006 tables, by day).
    .. [2] de Onis M, Onyango AW, Borghi E, Siyam A, Nishida C, Siekmann J. Development of
       a WHO growth reference for school-aged children and adolescents. *Bull World Health
       Organ* 2007;85:660-667 (the 2007 tables, by month).
    .. [3] WHO ``anthro`` 1.1 and ``anthroplus`` 1.0 R packages: the same LMS values, used
       to check the packaged tables to 1e-9 (``tools/build_reference_tables.py``).
    """

    name: str
    key: str
    start: float
    stop: float
    step: float
    l: np.ndarray
    m: np.ndarray
    s: np.ndarray
    l_is_one: bool

    @property
    def size(self) -> int:
        """Number of grid points per sex."""
        return int(self.m.shape[1])


def _data_file(filename: str, filepath: Path | None) -> bytes:
    if filepath is not None:
        return Path(filepath).read_bytes()
    return resources.files("stuntlib.data").joinpath(filename).read_bytes()


@cache
def manifest() -> dict[str, str]:
    """Return ``{file name: sha256}`` from the packaged ``MANIFEST.tsv``.

    Returns
    -------
    dict
        The recorded sha256 of each packaged table.

    Examples
    --------
    >>> sorted(manifest())[:2]
    ['who2006_acfa.tsv', 'who2006_bmifa.tsv']
    """
    text = _data_file("MANIFEST.tsv", None).decode("utf-8")
    lines = text.splitlines()
    header = lines[0].split("\t")
    i_file, i_sha = header.index("file"), header.index("sha256")
    return {
        fields[i_file]: fields[i_sha] for fields in (line.split("\t") for line in lines[1:] if line)
    }


def _parse(name: str, raw: bytes) -> LMSTable:
    key, step, _ = TABLES[name]
    # numpy's C reader: the text -> float conversion of Python's float(), 3x faster than
    # splitting the lines in Python (the nine tables of a report are read on each run);
    # any line ending, no comment character, columns after the fifth ignored
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        rows = np.loadtxt(
            _io.BytesIO(text), delimiter="\t", skiprows=1, dtype=np.float64, ndmin=2,
            comments=None, encoding="utf-8",
        )  # fmt: skip
    except ValueError as exc:
        raise StuntlibError(
            f"table {name}: not a table of numbers under one header ({exc})"
        ) from exc
    if rows.shape[1] < 5:
        raise StuntlibError(
            f"table {name}: expected 5 columns (sex, {key}, l, m, s); got {rows.shape[1]}"
        )
    sex, grid = rows[:, 0], rows[:, 1]
    columns = []
    for code in (1, 2):
        part = rows[sex == code]
        part = part[np.argsort(part[:, 1], kind="stable")]
        columns.append(part)
    male, female = columns
    if male.shape != female.shape or not np.array_equal(male[:, 1], female[:, 1]):
        raise StuntlibError(f"table {name}: the two sexes do not share one grid")
    expected = male[0, 1] + step * np.arange(male.shape[0])
    if not np.allclose(male[:, 1], expected, atol=step * 1e-6):
        raise StuntlibError(f"table {name}: {key} is not a regular grid of step {step}")
    l, m, s = (np.ascontiguousarray(np.stack([male[:, j], female[:, j]])) for j in (2, 3, 4))
    for arr in (l, m, s):
        arr.flags.writeable = False
    del grid
    return LMSTable(
        name=name,
        key=key,
        start=float(male[0, 1]),
        stop=float(male[-1, 1]),
        step=step,
        l=l,
        m=m,
        s=s,
        l_is_one=bool(np.all(l == 1.0)),
    )


@cache
def _load_packaged(name: str) -> LMSTable:
    filename = f"{name}.tsv"
    raw = _data_file(filename, None)
    recorded = manifest().get(filename)
    actual = hashlib.sha256(raw).hexdigest()
    if recorded != actual:
        raise StuntlibError(
            f"packaged table {filename} has sha256 {actual}, but MANIFEST.tsv records "
            f"{recorded}; reinstall stuntlib or rebuild the tables with "
            "tools/build_reference_tables.py"
        )
    return _parse(name, raw)


def load_table(name: TableName | str, filepath: str | Path | None = None) -> LMSTable:
    """Load one WHO LMS table (cached; the arrays are read-only).

    Parameters
    ----------
    name : str
        One of the keys of :data:`TABLES`, e.g. ``"who2006_lhfa"``.
    filepath : str or Path, optional
        Read this file instead of the packaged one (same format). Not cached and not
        checked against the manifest.

    Returns
    -------
    LMSTable
        The table.

    Raises
    ------
    StuntlibError
        If ``name`` is unknown, the packaged file does not match its manifest, or a
        table is not (at least) five columns of numbers under a header.

    References
    ----------
    .. [1] WHO Multicentre Growth Reference Study Group. *WHO Child Growth Standards:
       Methods and development.* Geneva: WHO; 2006 (the 2006 tables, by day).
    .. [2] de Onis M, Onyango AW, Borghi E, Siyam A, Nishida C, Siekmann J. Development of
       a WHO growth reference for school-aged children and adolescents. *Bull World Health
       Organ* 2007;85:660-667 (the 2007 tables, by month).
    .. [3] WHO ``anthro`` 1.1 and ``anthroplus`` 1.0 R packages: the same LMS values, used
       to check the packaged tables to 1e-9 (``tools/build_reference_tables.py``).

    Examples
    --------
    >>> t = load_table("who2006_lhfa")
    >>> t.start, t.stop, t.size
    (0.0, 1856.0, 1857)
    >>> float(t.m[0, 0]), float(t.s[0, 0])  # boys at birth: M = 49.8842 cm
    (49.8842, 0.03795)
    """
    if name not in TABLES:
        raise StuntlibError(f"name: unknown table {name!r}; expected one of {sorted(TABLES)}")
    if filepath is not None:
        return _parse(name, Path(filepath).read_bytes())
    return _load_packaged(name)
