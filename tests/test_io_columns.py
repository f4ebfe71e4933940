"""Identifying columns: every label that could identify a child or a parent."""

from __future__ import annotations

from stuntlib.columns import identifying_columns, resolve_columns


def test_identity_home_and_contact_columns_are_identifying() -> None:
    labels = ["NIK", "Nama", "Nama Ortu", "NIK Ibu", "No KK", "nkk", "Alamat", "RT", "RW",
              "RT/RW", "Telepon", "no_hp", "No. HP", "Nomor WhatsApp", "email",
              "id_anak"]  # fmt: skip
    assert identifying_columns(labels) == labels


def test_places_facilities_and_measurements_are_not() -> None:
    labels = ["Nama Posyandu", "Alamat Posyandu", "Desa/Kel", "Kec", "Pukesmas", "Berat",
              "Tinggi", "Tgl Lahir", "JK", "LiLA", "Cara Ukur", "kode_desa",
              "Usia Saat Ukur"]  # fmt: skip
    assert identifying_columns(labels) == []


def test_muac_header_maps_to_armc_and_area_codes_to_kelurahan_code() -> None:
    found = resolve_columns(["muac", "Kode Desa/Kel"])
    assert found == {"armc": "muac", "kelurahan_code": "Kode Desa/Kel"}
