"""The sections of the report: each turns scored rows into formatted HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from stuntlib._format import (
    format_count,
    format_decimal,
    format_interval,
    format_month,
    format_percent,
)
from stuntlib.indicators import FLAG_OF, ZSCORES
from stuntlib.report import _html
from stuntlib.report._text import CHECK_NAMES, REASON_NAMES, SEVERITY_NAMES

__all__ = [
    "INDICATORS",
    "analysed_mask",
    "chart_rows",
    "desa_labels",
    "desa_prevalence",
    "flow_section",
    "match_section",
    "mean_z_section",
    "prevalence_section",
    "quality_checks",
    "quality_section",
    "round_checks",
]

#: Indicators of the prevalence tables and headline cards, with their z-score column.
INDICATORS: tuple[tuple[str, str], ...] = (
    ("stunting", "zlen"),
    ("severe_stunting", "zlen"),
    ("wasting", "zwfl"),
    ("underweight", "zwei"),
    ("overweight", "zwfl"),
)
_TABLE_INDICATORS = ("stunting", "wasting", "underweight", "overweight")
_DIST = ("zlen", "zwfl", "zwei")


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value: Any) -> float:
    return float("nan") if _missing(value) else float(value)


def _max_age_days() -> float:
    from stuntlib.estimation import WHO_MAX_AGE_DAYS

    return float(WHO_MAX_AGE_DAYS)


def _valid(scored: pd.DataFrame, z: str) -> np.ndarray:
    values = scored[z].to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(values)
    flag = FLAG_OF[z]
    if flag in scored.columns:
        ok &= scored[flag].fillna(0).to_numpy(dtype=float) == 0
    return ok


def _in_age(scored: pd.DataFrame) -> np.ndarray:
    if "age_days" not in scored.columns:
        return np.ones(len(scored), dtype=bool)
    age = scored["age_days"].to_numpy(dtype=float, na_value=np.nan)
    return ~(age > _max_age_days())


def analysed_mask(scored: pd.DataFrame, z: str = "zlen") -> np.ndarray:
    """Rows analysed for an indicator: valid z-score, not flagged, 0-59 months."""
    return _valid(scored, z) & _in_age(scored)


def flow_counts(scored: pd.DataFrame) -> list[tuple[str, int]]:
    """The flow of counts from the rows of the file to the rows analysed.

    Rows of the file -> not scorable -> outside 0-59 months -> repeat measurements
    merged -> WHO flagged -> analysed; each row falls in exactly one step.
    """
    z = scored["zlen"].to_numpy(dtype=float, na_value=np.nan)
    scorable = np.isfinite(z) | (
        scored["flen"].fillna(0).to_numpy(dtype=float) == 1 if "flen" in scored else False
    )
    in_age = _in_age(scored)
    flagged = scorable & in_age & ~_valid(scored, "zlen")
    chosen = scored.attrs.get("stuntlib_round", {})
    other = int(chosen.get("rows_other_periods", 0))
    duplicates = int(chosen.get("duplicates_merged", 0))
    analysed = int(analysed_mask(scored).sum())
    return [
        ("flow_rows", len(scored) + other + duplicates),
        ("flow_other_period", other),
        ("flow_unscorable", int((~scorable).sum())),
        ("flow_age", int((scorable & ~in_age).sum())),
        ("flow_duplicates", duplicates),
        ("flow_flagged", int(flagged.sum())),
        ("flow_analysed", analysed),
    ]


def flow_section(scored: pd.DataFrame, t: Mapping[str, Any], language: str) -> str:
    """The flow of counts as a table whose steps add up to the rows of the file."""
    steps = flow_counts(scored)
    rows = []
    for i, (key, count) in enumerate(steps):
        sign = "" if i in (0, len(steps) - 1) else "− "
        rows.append([str(t[key]), sign + format_count(count, language)])
    body = _html.paragraph(str(t["flow_intro"]))
    body += _html.table([str(t["flow_step"]), str(t["flow_count"])], rows)
    chosen = scored.attrs.get("stuntlib_round")
    note = (
        str(t["flow_round"]).format(period=format_month(chosen["period"], language))
        if chosen
        else t["flow_no_rounds"]
    )
    body += _html.paragraph(str(note), "note")
    return _html.section(str(t["flow"]), body)


def _reason_name(names: Mapping[str, str], code: str, language: str = "id") -> str:
    """Readable name of a reason or read problem (``unit_converted:lenhei`` included).

    The column of a read problem is named as the report's language names it
    (:func:`stuntlib.columns.output_headers`), not by its canonical name.
    """
    from stuntlib.columns import output_headers

    stem, _, column = code.partition(":")
    name = names.get(stem, stem.replace("_", " "))
    if not column:
        return name
    return f"{name} ({output_headers([column], language).get(column, column)})"


def _label(names: pd.Series) -> pd.Series:
    return names.astype("string").str.strip().str.title()


def desa_labels(desa: pd.DataFrame, t: Mapping[str, Any]) -> pd.Series:
    """One label per row from :func:`stuntlib.publication.match_desa`.

    The registry's name (spelling variants of a desa fall together); the kecamatan is
    added where a name repeats across kecamatan; a name with no code is marked so; rows
    without a desa/kelurahan share one "unknown" label.
    """
    name = desa["desa"].astype("string")
    known_kec = desa["kecamatan"].astype("string")
    kec = known_kec.fillna("?")
    pairs = pd.DataFrame({"d": name, "k": kec}).dropna().drop_duplicates()
    repeated = set(pairs.loc[pairs["d"].duplicated(keep=False), "d"])
    label = name.where(~name.isin(repeated), name + " (" + kec + ")")
    # no code: pooled per kecamatan, as in the Aksi 7 table (the names are listed apart)
    unknown = (str(t["unknown_desa"]) + " (" + known_kec + ")").fillna(str(t["unknown_desa"]))
    return label.where(desa["matched"].to_numpy(), unknown)


def match_section(desa: pd.DataFrame, t: Mapping[str, Any], language: str) -> str:
    """The desa/kelurahan names of the data with no code: what to correct in the export."""
    lost = desa.loc[~desa["matched"].to_numpy()]
    if lost.empty:
        return ""
    counts = (
        lost.assign(desa=lost["desa"].fillna("–"), kecamatan=lost["kecamatan"].fillna("–"))
        .groupby(["kecamatan", "desa"], dropna=False)
        .size()
        .sort_values(ascending=False)
    )
    rows = [
        [str(kec), str(name), format_count(n, language)]
        for kec, name, n in zip(
            counts.index.get_level_values(0),
            counts.index.get_level_values(1),
            counts.to_numpy(),
            strict=True,
        )
    ]
    body = _html.paragraph(
        str(t["match_intro"]).format(
            rows=format_count(len(lost), language), names=format_count(len(counts), language)
        )
    )
    headers = [str(t["kecamatan"]), str(t["name_in_data"]), str(t["rows"])]
    return _html.section(str(t["match"]), body + _html.table(headers, rows, text_columns=(0, 1)))


def desa_prevalence(
    scored: pd.DataFrame, desa: pd.Series | None, options: dict
) -> pd.DataFrame | None:
    """Prevalence of the table's indicators per desa/kelurahan label, masked.

    ``desa``: the row labels of :func:`desa_labels`. One result for the table
    (:func:`prevalence_section`) and the chart (:func:`chart_rows`), so they agree.
    """
    from stuntlib.estimation import prevalence

    wanted = [i for i in _TABLE_INDICATORS if dict(INDICATORS)[i] in scored.columns]
    if desa is None or not wanted:
        return None
    return prevalence(scored.assign(label=desa.to_numpy()), "label", indicators=wanted,
                      suppress=True, **options)  # fmt: skip


def chart_rows(res: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Stunting per desa/kelurahan for the chart (:func:`stuntlib._charts.kelurahan_figure`).

    Arrays of one length: ``label`` (str) and ``prevalence``, ``ci_low``, ``ci_high`` [%],
    NaN where the cell is masked (not drawn).
    """
    columns = ("prevalence", "ci_low", "ci_high")
    if res is None:
        empty = np.empty(0, dtype=np.float64)
        return {"label": np.empty(0, dtype=object), **{c: empty for c in columns}}
    part = res[res["indicator"] == "stunting"]
    masked = part["suppressed"].to_numpy(dtype=bool)
    out = {"label": part["label"].astype(str).to_numpy(dtype=object)}
    for name, source in zip(columns, ("estimate", "ci_low", "ci_high"), strict=True):
        values = part[source].to_numpy(dtype=np.float64, na_value=np.nan) * 100.0
        out[name] = np.where(masked, np.nan, values)
    return out


def _by_label(res: pd.DataFrame) -> list[tuple[Any, dict[str, Any]]]:
    """A prevalence result's rows by label (in label order), each keyed by indicator."""
    ordered = res.sort_values("label", kind="stable")
    rows: dict[Any, dict[str, Any]] = {}
    for r in ordered.itertuples(index=False):
        label: Any = r.label
        if not pd.isna(label):  # as groupby: a row without a label is in no group
            rows.setdefault(label, {})[str(r.indicator)] = r
    return list(rows.items())


def prevalence_section(res: pd.DataFrame | None, t: Mapping[str, Any], language: str) -> str:
    """Prevalence of each indicator per desa/kelurahan: n, cases, % and interval (masked).

    ``res``: the result of :func:`desa_prevalence`.
    """
    if res is None:
        return ""
    present = set(res["indicator"].astype(str))
    wanted = [i for i in _TABLE_INDICATORS if i in present]
    headers = [str(t["kelurahan"])]
    groups = [("", 1)]
    for ind in wanted:
        headers += [str(t["n"]), str(t["cases"]), str(t["percent"]), str(t["ci"])]
        groups.append((str(t[ind]), 4))
    rows = []
    for label, by_ind in _by_label(res):
        row = [str(label)]
        for ind in wanted:
            r = by_ind.get(ind)
            if r is None:
                row += ["–"] * 4
                continue
            masked = bool(r.suppressed)
            row += [
                format_count(r.n, language),
                "–" if masked or pd.isna(r.cases) else format_count(r.cases, language),
                "–" if masked else format_percent(r.estimate, language),
                "–" if masked else format_interval(r.ci_low, r.ci_high, language).split(" ", 2)[-1],
            ]
        rows.append(row)
    body = _html.paragraph(str(t["prev_kel_intro"])) + _html.table(headers, rows, groups=groups)
    return _html.section(str(t["prev_kel"]), body)


def age_sex_table(res: pd.DataFrame, t: Mapping[str, Any], language: str) -> str:
    """Stunting by age group and sex: n, cases, % and interval (masked cells: –)."""
    sexes = {"Male": str(t["male"]), "Female": str(t["female"])}
    rows = []
    for r in res.itertuples(index=False):
        masked = bool(r.suppressed)
        rows.append(
            [
                str(r.age_group).replace(" mo", ""),
                sexes.get(str(r.sex), str(r.sex)),
                format_count(r.n, language),
                "–" if masked or _missing(r.cases) else format_count(r.cases, language),
                "–" if masked else format_percent(r.estimate, language),
                "–" if masked else format_interval(r.ci_low, r.ci_high, language).split(" ", 2)[-1],
            ]
        )
    headers = [str(t[k]) for k in ("age", "sex", "n", "cases", "percent", "ci")]
    return _html.table(headers, rows, text_columns=(0, 1))


def mean_z_section(
    scored: pd.DataFrame, desa: pd.Series | None, t: Mapping[str, Any], language: str,
    options: dict,
) -> str:  # fmt: skip
    """Mean z-score ± SD per desa/kelurahan for HAZ, WHZ and WAZ.

    ``desa``: the row labels of :func:`desa_labels`.
    """
    from stuntlib.estimation import prevalence

    zs = [z for z in _DIST if z in scored.columns]
    if desa is None or not zs:
        return ""
    res = prevalence(scored.assign(label=desa.to_numpy()), "label",
                     indicators=[f"{z}_mean" for z in zs], **options)  # fmt: skip
    abbreviation = {z: (ZSCORES[z].label_id if language == "id" else ZSCORES[z].abbreviation)
                    for z in zs}  # fmt: skip
    headers = [str(t["kelurahan"])]
    groups = [("", 1)]
    for z in zs:
        headers += [str(t["n"]), str(t["mean_sd"])]
        groups.append((abbreviation[z], 2))
    rows = []
    for label, by_ind in _by_label(res):
        row = [str(label)]
        for z in zs:
            r = by_ind[f"{z}_mean"]
            # the mean of one or two children is their own z-scores: masked
            few = r.n < options.get("min_cases", 3)
            row += [
                format_count(r.n, language),
                "–"
                if few
                else f"{format_decimal(r.estimate, language, 2)} ± "
                f"{format_decimal(r.sd, language, 2)}",
            ]
        rows.append(row)
    body = _html.paragraph(str(t["mean_z_intro"])) + _html.table(headers, rows, groups=groups)
    return _html.section(str(t["mean_z"]), body)


def _counts(values: pd.Series, names: Mapping[str, str], t: Mapping[str, Any], language: str,
            header: str) -> str:  # fmt: skip
    split = values.dropna().astype(str).str.split("; ").explode()
    counts = split.value_counts()
    rows = [
        [_reason_name(names, str(k), language), format_count(v, language)]
        for k, v in counts.items()
    ]
    return _html.table([header, str(t["count"])], rows)


def quality_section(scored: pd.DataFrame, quality: Any, t: Mapping[str, Any], language: str) -> str:
    """Sentences and small tables: reasons, reading problems and failing checks."""
    reasons = REASON_NAMES[language]
    parts = []
    if "zlen_reason" in scored.columns and scored["zlen_reason"].notna().any():
        n = int(scored["zlen_reason"].notna().sum())
        parts.append(_html.paragraph(str(t["quality_reasons_text"]).format(
            n=format_count(n, language))))  # fmt: skip
        parts.append(_counts(scored["zlen_reason"], reasons, t, language, str(t["reason"])))
    if "read_problems" in scored.columns and scored["read_problems"].notna().any():
        n = int(scored["read_problems"].notna().sum())
        parts.append(_html.paragraph(str(t["quality_read_text"]).format(
            n=format_count(n, language))))  # fmt: skip
        parts.append(_counts(scored["read_problems"], reasons, t, language, str(t["problem"])))
    checks = _checks_frame(quality)
    if checks is not None:
        run = checks[checks["status"] == "run"] if "status" in checks.columns else checks
        failing = run[run["n_failed"].fillna(0) > 0]
        sentence = str(t["quality_checks_text"]).format(
            n=format_count(len(run), language), failing=format_count(len(failing), language)
        )
        parts.append(_html.paragraph(sentence))
        if len(failing):
            names, severity = CHECK_NAMES[language], SEVERITY_NAMES[language]
            rows = [
                [names.get(str(r.check), str(r.check).replace("_", " ")),
                 severity.get(str(r.severity), str(r.severity)),
                 format_count(r.n_failed, language),
                 format_percent(_number(r.pct_failed) / 100.0, language, 2)]
                for r in failing.itertuples(index=False)
            ]  # fmt: skip
            headers = [
                str(t["check"]),
                str(t["severity"]),
                str(t["rows_failed"]),
                str(t["percent"]),
            ]
            table = _html.table(headers, rows, text_columns=(0, 1))
            parts.append(_html.section(str(t["checks"]), table, level=3))
    if not parts:
        parts.append(_html.paragraph(str(t["quality_none"])))
    return _html.section(str(t["quality"]), "".join(parts))


def quality_checks(scored: pd.DataFrame) -> pd.DataFrame | None:
    """The checks table of :func:`stuntlib.quality.check_quality`, as the report shows it.

    None when the rows cannot be checked.
    """
    from stuntlib.errors import StuntlibError
    from stuntlib.quality.report import checks_table

    try:
        return checks_table(scored)
    except StuntlibError:
        return None


def round_checks(every_round: pd.DataFrame, period: str | None) -> pd.DataFrame | None:
    """:func:`quality_checks` of the rows of the report's round, duplicates included.

    The tables count a child measured twice once; the quality checks must see both
    measurements (duplicates and carried-forward weights are data problems).
    """
    from stuntlib.rounds import select_round

    return quality_checks(select_round(every_round, period, merge_duplicates=False))


def _checks_frame(quality: Any) -> pd.DataFrame | None:
    """The checks table of a quality report or checks frame (None: no checks to show).

    The report computes it with :func:`round_checks` when the caller gives none.
    """
    frame = quality if isinstance(quality, pd.DataFrame) else getattr(quality, "checks", None)
    if not isinstance(frame, pd.DataFrame) or not {"check", "n_failed"} <= set(frame.columns):
        return None
    if "pct_failed" not in frame.columns:
        frame = frame.assign(pct_failed=np.nan)
    if "severity" not in frame.columns:
        frame = frame.assign(severity="")
    return frame
