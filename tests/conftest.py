"""Shared fixtures: paths to the WHO reference outputs and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
#: WHO's own outputs (anthro, anthroplus, igrowup and WHO 2007 macros): see
#: tests/data/PROVENANCE.md. CI lays shared/ beside the clone.
VALIDATION = Path(os.environ.get("STUNTLIB_VALIDATION", ROOT.parent / "shared" / "validation"))

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def read_validation(name: str) -> pd.DataFrame:
    """Read one WHO reference file; fail loudly (never skip) when it is absent."""
    path = VALIDATION / name
    if not path.exists():
        pytest.fail(f"WHO reference output {path} is missing; set STUNTLIB_VALIDATION")
    return pd.read_csv(path)


@pytest.fixture(scope="session")
def who_anthro() -> pd.DataFrame:
    return read_validation("who_anthro_zscores.csv")


@pytest.fixture(scope="session")
def who_anthroplus() -> pd.DataFrame:
    return read_validation("who_anthroplus_zscores.csv")


@pytest.fixture(scope="session")
def who_igrowup() -> pd.DataFrame:
    return read_validation("who_igrowup_survey_z_rc.csv")


@pytest.fixture(scope="session")
def who2007_macro() -> pd.DataFrame:
    return read_validation("who2007_macro_survey_z.csv")


@pytest.fixture(scope="session")
def who_file():
    """The reader of WHO reference outputs, for tests that choose the file themselves."""
    return read_validation
