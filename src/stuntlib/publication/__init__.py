"""The Aksi 7 publication table: stunting per kelurahan with its Kemendagri code.

Aksi konvergensi no. 7 (publikasi data stunting kabupaten/kota) asks each kabupaten/kota
to publish, per desa/kelurahan, the children measured, how many are *sangat pendek*
(HAZ < -3) and *pendek* (-3 <= HAZ < -2), and the stunting prevalence, with the
kecamatan and kabupaten/kota totals (and puskesmas subtotals when the data name the
puskesmas). :func:`aksi7_table` builds that table from scored
rows (:func:`stuntlib.score`), joins every kelurahan to its Kemendagri code (the
kabupaten/kota is found from the data in the packaged national registry,
:func:`areas_of`; a newer list can be passed), adds the interval of
:func:`stuntlib.prevalence` and protects small cells; :func:`write_aksi7_workbook`
writes it as an Excel workbook ready to publish, and :func:`write_data_sasaran` the
unmasked per-desa counts for Bangda's Web Aksi (a report to Kemendagri, not a
publication).

The package is split by job: ``_areas`` (the area list and the matching of names to
codes), ``_puskesmas`` (the puskesmas level), ``_disclosure`` (small-cell protection),
``_table`` (assembly of the table) and ``_workbook`` (the Excel writers).

A published table never contains a name or a NIK: the table holds area-level counts
only, and the writer refuses identifying columns.
"""

from __future__ import annotations

from stuntlib.publication._areas import PEKALONGAN_AREAS, area_codes
from stuntlib.publication._table import AKSI7_COLUMNS, aksi7_table, areas_of, match_desa
from stuntlib.publication._workbook import write_aksi7_workbook, write_data_sasaran

__all__ = [
    "AKSI7_COLUMNS",
    "PEKALONGAN_AREAS",
    "aksi7_table",
    "area_codes",
    "areas_of",
    "match_desa",
    "write_aksi7_workbook",
    "write_data_sasaran",
]
