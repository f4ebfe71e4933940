"""Seam for the ``stuntlib situasi`` command (wired into :mod:`stuntlib.cli` by the lead)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "run"]

_EXAMPLES = """examples:
  stuntlib situasi export.xlsx --coverage cakupan.csv --krs krs.csv -o situasi.xlsx
  stuntlib situasi export.csv --preset weighted_index --top-k 5
"""


def add_parser(subparsers: Any, **kwargs: Any) -> argparse.ArgumentParser:
    """Register ``situasi EXPORT --coverage FILE --krs FILE [-o OUT.xlsx]``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``add_subparsers()`` object of the main parser.
    **kwargs
        Passed to ``subparsers.add_parser`` (e.g. ``parents=[common, reader]``).

    Returns
    -------
    argparse.ArgumentParser
        The new sub-parser; its ``func`` default is :func:`run`.
    """
    text = "Aksi 1 situation analysis: priority desa/kelurahan with their probabilities"
    kwargs.setdefault("help", text)
    kwargs.setdefault("description", text)
    kwargs.setdefault("epilog", _EXAMPLES)
    kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
    p = subparsers.add_parser("situasi", **kwargs)
    if not any(a.dest == "input" for a in p._actions):
        p.add_argument("input", type=Path, help="e-PPGBM export (.xlsx, .csv) or Parquet")
    p.add_argument("--coverage", type=Path, help="coverage table per desa (.csv/.xlsx)")
    p.add_argument("--krs", type=Path, help="BKKBN KRS recap per desa (.csv/.xlsx)")
    p.add_argument("--records", type=Path, help="by-name service records (long format)")
    p.add_argument(
        "--preset",
        choices=["traffic_light", "intersection", "weighted_index"],
        default="traffic_light",
        help="priority preset (default: traffic_light)",
    )
    p.add_argument(
        "--method",
        choices=["beta_binomial", "fay_herriot"],
        default="beta_binomial",
        help="small-area estimator of the prevalence (default: beta_binomial)",
    )
    p.add_argument("--top-k", type=int, default=None, help="size of the top list (default m/3)")
    p.add_argument("--area", default="kelurahan", help="area column (default: kelurahan)")
    p.add_argument("-o", "--output", type=Path, help="output .xlsx (default: <input>_situasi.xlsx)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace, say: Callable[[str], None] | None = None) -> int:
    """Run ``stuntlib situasi``: read, score, analyse, write the Web Aksi Bangda workbook.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of :func:`add_parser` (``input``, ``coverage``, ``krs``,
        ``records``, ``preset``, ``method``, ``top_k``, ``area``, ``output``; ``profile``
        and ``sheet`` when the main parser provides them).
    say : callable, optional
        Where to send the one-line summary (the CLI passes its printer).

    Returns
    -------
    int
        0 on success. Bad input raises :class:`~stuntlib.errors.StuntlibError`, which the
        CLI turns into exit code 2.
    """
    from stuntlib.convergence._scorecard import convergence_score, read_service_records
    from stuntlib.convergence._situation import situation_analysis
    from stuntlib.convergence._tables import write_aksi_bangda
    from stuntlib.io import read_measurements
    from stuntlib.scoring import score

    profile = getattr(args, "profile", None)
    frame = read_measurements(
        args.input,
        None if profile in (None, "auto") else profile,
        sheet=getattr(args, "sheet", None),
    )
    convergence = None
    if getattr(args, "records", None) is not None:
        convergence = convergence_score(read_service_records(args.records))
    table = situation_analysis(
        score(frame),
        coverage=args.coverage,
        krs=args.krs,
        convergence=convergence,
        preset=args.preset,
        method=args.method,
        k=args.top_k,
        area=args.area,
    )
    out = args.output or Path.cwd() / f"{Path(args.input).stem}_situasi.xlsx"
    write_aksi_bangda(table, out)
    if say is not None:
        first = int((table["kelas_prioritas"] == 1).sum())
        say(f"{len(table)} areas, {first} in priority class 1 -> {out}")
    return 0
