"""Shared fixtures: paths to the WHO reference outputs and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
#: WHO's own outputs (anthro, anthroplus, igrowup and WHO 2007 macros), kept in the
#: repository so that a lone clone can prove parity: see tests/data/PROVENANCE.md.
VALIDATION = ROOT / "tests" / "data" / "who"

# Hypothesis profiles. "ci" (used when CI is set) is derandomised, so a CI failure replays
# exactly, and sized to keep the suite within minutes; "thorough" explores more, on demand:
# HYPOTHESIS_PROFILE=thorough make pytest.
settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_DEFAULT_PROFILE = "ci" if os.environ.get("CI") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or _DEFAULT_PROFILE)


def read_validation(name: str) -> pd.DataFrame:
    """Read one WHO reference file; fail loudly (never skip) when it is absent."""
    path = VALIDATION / name
    if not path.exists():
        pytest.fail(f"WHO reference output {path} is missing from the repository")
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
