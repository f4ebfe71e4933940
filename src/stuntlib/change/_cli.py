"""The ``stuntlib change A [B]`` command: what changed between two files or two rounds.

:func:`add_parser` registers the sub-command on the CLI's sub-parsers; :func:`run`
executes it. Writing results is the CLI's job, so this module writes files and returns
an exit code; the one-line summary goes to ``args.stdout`` (default ``sys.stdout``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stuntlib.errors import StuntlibError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_parser", "run"]

_EPILOG = (
    "examples:\n"
    "  stuntlib change februari.xlsx agustus.xlsx -o perubahan.csv\n"
    "  stuntlib change semua_putaran.csv --period round --periods 2025-02 2025-08 "
    "-o perkembangan.html"
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``change`` on the sub-parsers of the ``stuntlib`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    argparse.ArgumentParser
        The ``change`` parser (its default ``func`` is :func:`run`).
    """
    p = subparsers.add_parser(
        "change",
        help="new cases, recoveries and targets between two files or two rounds",
        description="Follow children between two rounds (two files, or two periods of one "
        "file): new cases and recoveries against what measurement noise alone gives, "
        "prevalence change and target status.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", type=Path, help="one or two files (.csv, .xlsx, .parquet)")
    p.add_argument("-o", "--output", type=Path, help="output .csv, .xlsx or .html")
    p.add_argument("--period", help="round column of a single file (default: derived)")
    p.add_argument("--periods", nargs=2, metavar=("A", "B"), help="the two rounds to compare")
    p.add_argument("--child", default="nik", help="column identifying a child (default nik)")
    p.add_argument("--by", default="kelurahan", help="area column (default kelurahan)")
    p.add_argument(
        "--confirm",
        type=int,
        choices=[1, 2],
        default=1,
        help="2: count a new case or a recovery only when the next round confirms it (default 1)",
    )
    p.add_argument("--language", choices=["id", "en"], default="id", help="language of the output")
    p.add_argument(
        "--min-cases", type=int, default=3,
        help="counts from 1 to this minus 1 are masked in the table, with what is computed "
        "from them (default 3)",
    )  # fmt: skip
    p.add_argument(
        "--no-suppress", dest="suppress", action="store_false",
        help="write small counts unmasked (internal use only, not for publication)",
    )  # fmt: skip
    p.add_argument(
        "--profile", choices=["auto", "eppgbm", "who", "generic"], default="auto",
        help="column profile of the input (default: auto-detect)",
    )  # fmt: skip
    p.set_defaults(func=run)
    return p


def _read(args: argparse.Namespace) -> tuple[pd.DataFrame, str]:
    import pandas as pd

    from stuntlib.io import read_measurements
    from stuntlib.scoring import score

    if not 1 <= len(args.inputs) <= 2:
        raise StuntlibError(f"inputs: expected one or two files; got {len(args.inputs)}")
    for path in args.inputs:
        if not Path(path).is_file():
            raise StuntlibError(f"inputs: {path}: no such file")
    frames = []
    for i, path in enumerate(args.inputs):
        frame = read_measurements(path, profile=args.profile)
        if len(args.inputs) == 2:
            frame["period"] = f"{i + 1}: {Path(path).stem}"
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    period = "period" if len(args.inputs) == 2 else args.period
    if period is None:
        if "measure_date" not in frame.columns:
            raise StuntlibError("--period: one file needs a round column or measure dates")
        d = pd.to_datetime(frame["measure_date"], errors="coerce")
        if d.isna().all():
            raise StuntlibError("--period: one file needs a round column or measure dates")
        frame["period"] = d.dt.to_period("M").astype(str).where(d.notna())
        period = "period"
    elif period not in frame.columns:
        raise StuntlibError(f"--period: no column {period!r} in {args.inputs[0]}")
    frame[period] = frame[period].astype("string")
    if args.periods:
        frame = frame[frame[period].isin(args.periods)].reset_index(drop=True)
    return score(frame), period


def _published(table: pd.DataFrame, min_cases: int) -> pd.DataFrame:
    """The transitions table masked as the report's Perkembangan section, rounded to 4."""
    from stuntlib.change._report import mask_transitions

    out = mask_transitions(table, min_cases)
    numeric = out.select_dtypes("number").columns
    out[numeric] = out[numeric].round(4)
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``stuntlib change`` and return its exit code (0 on success).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments of the ``change`` parser.

    Returns
    -------
    int
        0 on success.

    Raises
    ------
    StuntlibError
        For bad arguments or input (the CLI turns it into exit code 2).
    """
    from stuntlib.change._report import render_change_sections
    from stuntlib.change._transitions import transitions

    scored, period = _read(args)
    if args.child not in scored.columns:
        raise StuntlibError(f"--child: no column {args.child!r} in the input")
    by = args.by if args.by in scored.columns else None
    order = list(args.periods) if args.periods else None
    out = transitions(scored, child=args.child, period=period, by=by, confirm=args.confirm,
                      periods=order)  # fmt: skip
    stdout = getattr(args, "stdout", None) or sys.stdout
    if args.output is not None:
        suffix = args.output.suffix.lower()
        if suffix in (".html", ".htm"):
            body = render_change_sections(
                scored, language=args.language, child=args.child, period=period,
                by=by or "kelurahan",
            )  # fmt: skip
            args.output.write_text(
                f'<!DOCTYPE html><html lang="{args.language}"><head><meta charset="utf-8">'
                f"<title>stuntlib change</title></head><body>{body}</body></html>",
                encoding="utf-8",
            )
        elif suffix in (".csv", ".xlsx"):
            table = _published(out, args.min_cases) if getattr(args, "suppress", True) else out
            if suffix == ".csv":
                table.to_csv(args.output, index=False)
            else:
                table.to_excel(args.output, index=False)
        else:
            raise StuntlibError(
                f"-o/--output: {args.output} has an unknown type {suffix!r}; expected one of "
                ".csv, .xlsx, .html"
            )
    total = out[["linked", "newly_stunted", "expected_newly_stunted", "recovered",
                 "expected_recovered"]].sum()  # fmt: skip
    stdout.write(
        f"linked {int(total['linked'])} children; newly stunted {int(total['newly_stunted'])} "
        f"(expected without change {total['expected_newly_stunted']:.1f}); recovered "
        f"{int(total['recovered'])} (expected {total['expected_recovered']:.1f})\n"
    )
    return 0
