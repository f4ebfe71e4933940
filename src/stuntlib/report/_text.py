"""Every visible text of the report, in Indonesian and English (no text lives in code)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CHECK_NAMES", "METHODS", "REASON_NAMES", "SEVERITY_NAMES", "TEXT"]

_ID = {
    "language": "id",
    "title": "Laporan stunting balita",
    "generated": "Dibuat {date} dengan stuntlib {version}",
    "source": "Sumber data",
    "period": "Periode pengukuran",
    "headline": "Angka utama",
    "records": "Baris data balita dalam berkas",
    "measured": "Balita dianalisis (TB/U sah)",
    "stunting": "Prevalensi stunting",
    "severe_stunting": "Sangat pendek (TB/U < -3 SD)",
    "wasting": "Gizi kurang dan buruk (BB/TB < -2 SD)",
    "underweight": "Berat badan kurang (BB/U < -2 SD)",
    "overweight": "Gizi lebih (BB/TB > +2 SD)",
    "kelurahan_n": "Desa/kelurahan",
    "unknown_desa": "Desa/kelurahan tidak diketahui",
    "no_code": "tanpa kode wilayah",
    "match": "Nama desa/kelurahan tanpa kode wilayah",
    "match_intro": "{rows} baris data ({names} nama) tidak cocok dengan daftar kode wilayah "
    "Kemendagri atau tidak berisi nama desa/kelurahan. Anak-anaknya dihitung pada baris "
    '"Tidak diketahui" kecamatannya, tidak dipinjamkan ke desa lain. Perbaiki nama di '
    "e-PPGBM agar tercatat di desanya.",
    "name_in_data": "Nama dalam data",
    "rows": "Baris",
    "flow": "Alur data: dari berkas sampai analisis",
    "flow_intro": "Setiap baris berkas dihitung tepat satu kali; jumlah di bawah ini "
    "menjumlah kembali ke jumlah baris berkas.",
    "flow_rows": "Baris dalam berkas",
    "flow_unscorable": "Tidak dapat dihitung z-skornya",
    "flow_age": "Di luar umur 0–59 bulan",
    "flow_duplicates": "Pengukuran ganda anak yang sama (digabung)",
    "flow_flagged": "Z-skor TB/U tidak masuk akal (di luar -6..+6 SD, ditandai WHO)",
    "flow_analysed": "Dianalisis",
    "flow_step": "Langkah",
    "flow_count": "Jumlah baris",
    "flow_other_period": "Diukur pada periode lain (dilaporkan terpisah)",
    "flow_no_rounds": "Berkas ini berisi satu periode pengukuran. Tanpa kolom NIK, setiap "
    "baris dihitung sebagai satu anak.",
    "flow_round": "Laporan ini untuk periode {period}: periode lain dalam berkas tidak "
    "digabung. Anak yang diukur lebih dari sekali dalam periode ini dihitung satu kali "
    "(pengukuran sah yang terakhir).",
    "prev_kel": "Prevalensi menurut desa/kelurahan",
    "prev_kel_intro": "Jumlah balita dianalisis (n), kasus dan prevalensi dengan interval "
    "kepercayaan 95% untuk setiap indikator. Sel kecil disamarkan (–).",
    "prev_age": "Prevalensi stunting menurut kelompok umur dan jenis kelamin",
    "mean_z": "Rata-rata z-skor menurut desa/kelurahan",
    "mean_z_intro": "Rata-rata ± simpangan baku (SD) z-skor; standar WHO: rata-rata 0, "
    "SD 1. SD jauh di atas 1 menandakan masalah pengukuran.",
    "dist": "Sebaran z-skor dibandingkan standar WHO",
    "dist_caption": "Histogram z-skor balita 0–59 bulan yang dianalisis; garis hitam: "
    "standar WHO (normal baku, rata-rata 0, SD 1); garis oranye: sebaran normal dengan "
    "rata-rata dan SD data. Garis putus-putus: -2 dan -3 SD.",
    "by_kel": "Prevalensi stunting menurut desa/kelurahan (grafik)",
    "by_kel_caption": "Titik: prevalensi; garis: interval kepercayaan 95%; garis vertikal: "
    "angka kabupaten/kota. Diurutkan dari tertinggi. Sel yang disamarkan tidak digambar.",
    "map": "Peta prevalensi stunting menurut desa/kelurahan",
    "map_caption": "Kelas warna tetap menurut ambang WHO/UNICEF 2019 untuk prevalensi "
    "stunting. Abu-abu: tanpa data atau disamarkan.",
    "map_none": "Peta tidak dibuat: tidak ada berkas GeoJSON batas desa/kelurahan yang "
    "diberikan (opsi --geojson).",
    "map_match": "Pencocokan nama wilayah peta: {matched} dari {total} desa/kelurahan "
    "data cocok dengan peta.",
    "map_unmatched": "Tidak ditemukan di peta",
    "map_classes": (
        "< 2,5% (sangat rendah)",
        "2,5–< 10% (rendah)",
        "10–< 20% (sedang)",
        "20–< 30% (tinggi)",
        "≥ 30% (sangat tinggi)",
    ),
    "no_data_class": "Tanpa data",
    "interpret": "Cara membaca angka",
    "interpret_text": (
        "Data e-PPGBM adalah data sensus balita yang datang ke posyandu, bukan sampel acak. "
        "Interval kepercayaan 95% di sini menggambarkan ketidakpastian karena jumlah anak "
        "yang terbatas: seandainya keadaan gizi yang sama diukur pada kelompok anak lain "
        "dengan ukuran yang sama, prevalensinya dapat berbeda sebesar lebar interval itu. "
        "Interval tidak menampung kesalahan pengukuran atau balita yang tidak datang.",
        "Dua desa/kelurahan yang intervalnya saling tumpang tindih tidak dapat diurutkan: "
        "selisih prevalensinya bisa terjadi karena kebetulan saja. Pakai urutan hanya "
        "untuk wilayah yang intervalnya terpisah jelas, dan perhatikan wilayah dengan "
        "sedikit balita (n < {min_n}), yang angkanya kurang stabil.",
    ),
    "quality": "Kualitas data",
    "reasons": "Mengapa z-skor TB/U tidak dihitung",
    "read_problems": "Masalah saat membaca berkas",
    "checks": "Pemeriksaan per baris yang menemukan masalah",
    "quality_none": "Tidak ada baris yang gagal dalam pemeriksaan kualitas data.",
    "quality_checks_text": "{n} pemeriksaan dijalankan; {failing} menemukan masalah pada "
    "sedikitnya satu baris.",
    "quality_reasons_text": "Z-skor TB/U tidak dapat dihitung untuk {n} baris.",
    "quality_read_text": "{n} baris memiliki masalah saat dibaca dari berkas.",
    "table": "Tabel publikasi Aksi 7",
    "methods": "Metode",
    "male": "Laki-laki",
    "female": "Perempuan",
    "age": "Kelompok umur (bulan)",
    "sex": "Jenis kelamin",
    "prev_axis": "Prevalensi stunting (%)",
    "density": "Kepadatan",
    "who_curve": "Standar WHO N(0, 1)",
    "data_curve": "Data: rata-rata {mean}, SD {sd}",
    "city": "Kabupaten/kota",
    "count": "Jumlah",
    "reason": "Alasan",
    "problem": "Masalah",
    "check": "Pemeriksaan",
    "severity": "Tingkat",
    "rows_failed": "Baris",
    "kelurahan": "Desa/kelurahan",
    "kecamatan": "Kecamatan",
    "n": "n",
    "cases": "Kasus",
    "percent": "%",
    "ci": "IK 95%",
    "mean_sd": "Rata-rata ± SD",
    "none": "Tidak ada.",
    "masked": "disamarkan",
    "total": "Total",
}

_EN = {
    "language": "en",
    "title": "Child stunting report",
    "generated": "Produced {date} with stuntlib {version}",
    "source": "Data source",
    "period": "Measurement period",
    "headline": "Headline figures",
    "records": "Records of children in the file",
    "measured": "Children analysed (valid HAZ)",
    "stunting": "Stunting prevalence",
    "severe_stunting": "Severe stunting (HAZ < -3 SD)",
    "wasting": "Wasting (WHZ < -2 SD)",
    "underweight": "Underweight (WAZ < -2 SD)",
    "overweight": "Overweight (WHZ > +2 SD)",
    "kelurahan_n": "Villages (desa/kelurahan)",
    "unknown_desa": "Unknown desa/kelurahan",
    "no_code": "no area code",
    "match": "Desa/kelurahan names without an area code",
    "match_intro": "{rows} rows ({names} names) match no Kemendagri area code or have no "
    'desa/kelurahan name. Their children are counted in their kecamatan\'s "Unknown" row, '
    "never lent to another desa. Correct the names in e-PPGBM to place them.",
    "name_in_data": "Name in the data",
    "rows": "Rows",
    "flow": "Data flow: from the file to the analysis",
    "flow_intro": "Each row of the file is counted exactly once; the counts below add "
    "back up to the rows of the file.",
    "flow_rows": "Rows in the file",
    "flow_unscorable": "Z-score cannot be computed",
    "flow_age": "Outside 0–59 months of age",
    "flow_duplicates": "Repeat measurements of the same child (merged)",
    "flow_flagged": "Implausible HAZ (outside -6..+6 SD, flagged by WHO's rule)",
    "flow_analysed": "Analysed",
    "flow_step": "Step",
    "flow_count": "Rows",
    "flow_other_period": "Measured in another period (reported separately)",
    "flow_no_rounds": "The file holds one measurement period. Without a NIK column every "
    "row counts as one child.",
    "flow_round": "This report is for the period {period}: other periods in the file are "
    "not pooled. A child measured more than once in the period counts once (the last valid "
    "measurement).",
    "prev_kel": "Prevalence by desa/kelurahan",
    "prev_kel_intro": "Children analysed (n), cases and prevalence with its 95% confidence "
    "interval for each indicator. Small cells are masked (–).",
    "prev_age": "Stunting prevalence by age group and sex",
    "mean_z": "Mean z-scores by desa/kelurahan",
    "mean_z_intro": "Mean ± standard deviation (SD) of the z-scores; the WHO standard has "
    "mean 0 and SD 1. An SD well above 1 points to measurement problems.",
    "dist": "Z-score distributions against the WHO standard",
    "dist_caption": "Histograms of the z-scores of the children of 0–59 months analysed; "
    "black: the WHO standard (standard normal, mean 0, SD 1); orange: a normal curve with "
    "the data's mean and SD. Dashed: -2 and -3 SD.",
    "by_kel": "Stunting prevalence by desa/kelurahan (chart)",
    "by_kel_caption": "Dots: prevalence; lines: 95% confidence intervals; vertical line: "
    "the district/city figure. Sorted from the highest. Masked cells are not drawn.",
    "map": "Map of stunting prevalence by desa/kelurahan",
    "map_caption": "Fixed colour classes of the WHO/UNICEF 2019 prevalence thresholds for "
    "stunting. Grey: no data or masked.",
    "map_none": "No map: no GeoJSON file of desa/kelurahan boundaries was given (option "
    "--geojson).",
    "map_match": "Matching of map names: {matched} of {total} desa/kelurahan of the data "
    "were found on the map.",
    "map_unmatched": "Not found on the map",
    "map_classes": (
        "< 2.5% (very low)",
        "2.5–< 10% (low)",
        "10–< 20% (medium)",
        "20–< 30% (high)",
        "≥ 30% (very high)",
    ),
    "no_data_class": "No data",
    "interpret": "How to read the figures",
    "interpret_text": (
        "e-PPGBM data are a census of the children who come to the posyandu, not a random "
        "sample. The 95% confidence interval shows the uncertainty that comes from the "
        "limited number of children: had the same nutritional situation been measured on "
        "another group of children of the same size, the prevalence could differ by about "
        "the width of the interval. It does not cover measurement errors or children who "
        "did not come.",
        "Two desa/kelurahan whose intervals overlap cannot be ranked: the difference "
        "between them may be chance alone. Rank only areas whose intervals are clearly "
        "apart, and take care with areas of few children (n < {min_n}), whose figures are "
        "unstable.",
    ),
    "quality": "Data quality",
    "reasons": "Why the height-for-age z-score is missing",
    "read_problems": "Problems met while reading the file",
    "checks": "Row-level checks that found problems",
    "quality_none": "No row failed a data-quality check.",
    "quality_checks_text": "{n} checks were run; {failing} found a problem in at least one row.",
    "quality_reasons_text": "The height-for-age z-score could not be computed for {n} rows.",
    "quality_read_text": "{n} rows had problems while being read from the file.",
    "table": "Aksi 7 publication table",
    "methods": "Methods",
    "male": "Male",
    "female": "Female",
    "age": "Age group (months)",
    "sex": "Sex",
    "prev_axis": "Stunting prevalence (%)",
    "density": "Density",
    "who_curve": "WHO standard N(0, 1)",
    "data_curve": "Data: mean {mean}, SD {sd}",
    "city": "District/city",
    "count": "Count",
    "reason": "Reason",
    "problem": "Problem",
    "check": "Check",
    "severity": "Severity",
    "rows_failed": "Rows",
    "kelurahan": "Desa/kelurahan",
    "kecamatan": "Kecamatan",
    "n": "n",
    "cases": "Cases",
    "percent": "%",
    "ci": "95% CI",
    "mean_sd": "Mean ± SD",
    "none": "None.",
    "masked": "masked",
    "total": "Total",
}

#: Every text of the report, by language.
TEXT: Mapping[str, Mapping[str, object]] = MappingProxyType({"id": _ID, "en": _EN})

#: Readable names of the machine-readable reasons of :data:`stuntlib.growth.REASONS`.
REASON_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": {
            "missing_sex": "jenis kelamin kosong",
            "invalid_sex": "jenis kelamin tidak dikenal",
            "missing_age": "umur atau tanggal lahir kosong",
            "invalid_date": "tanggal tidak sah",
            "negative_age": "tanggal ukur sebelum tanggal lahir",
            "age_below_range": "umur di bawah rentang tabel WHO",
            "age_above_range": "umur di atas rentang tabel WHO",
            "missing_measurement": "tinggi/panjang badan kosong",
            "invalid_measurement": "tinggi/panjang badan bukan angka",
            "nonpositive_measurement": "tinggi/panjang badan nol atau negatif",
            "invalid_measure": "cara ukur tidak dikenal",
            "invalid_oedema": "isian edema tidak dikenal",
            "oedema": "edema",
            "lenhei_outside_table": "tinggi/panjang di luar tabel WHO",
            "nik_scientific_notation": "NIK tersimpan sebagai angka ilmiah (digit hilang)",
            "implausible_measurement": "hasil ukur mustahil (salah ketik atau salah satuan)",
            "nik_numeric": "NIK tersimpan sebagai angka",
            "unit_converted": "satuan dikonversi",
            "date_order_assumed": "urutan hari/bulan tanggal diasumsikan",
            "future_date": "tanggal di masa depan",
        },
        "en": {
            "missing_sex": "sex missing",
            "invalid_sex": "sex not recognised",
            "missing_age": "age or birth date missing",
            "invalid_date": "invalid date",
            "negative_age": "measured before the birth date",
            "age_below_range": "age below the WHO table",
            "age_above_range": "age above the WHO table",
            "missing_measurement": "length/height missing",
            "invalid_measurement": "length/height not a number",
            "nonpositive_measurement": "length/height zero or negative",
            "invalid_measure": "measuring position not recognised",
            "invalid_oedema": "oedema value not recognised",
            "oedema": "oedema",
            "lenhei_outside_table": "length/height outside the WHO table",
            "nik_scientific_notation": "NIK stored in scientific notation (digits lost)",
            "implausible_measurement": "physically impossible value (typing or unit error)",
            "nik_numeric": "NIK stored as a number",
            "unit_converted": "unit converted",
            "date_order_assumed": "day/month order of the date assumed",
            "future_date": "date in the future",
        },
    }
)

#: Readable names of the data-quality checks of :data:`stuntlib.quality.CHECKS`.
CHECK_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": {
            "missing_sex": "Jenis kelamin kosong",
            "invalid_sex": "Kode jenis kelamin tidak dikenal",
            "missing_birth_date": "Tanggal lahir kosong",
            "invalid_birth_date": "Tanggal lahir tidak lengkap atau tidak sah",
            "missing_measure_date": "Tanggal ukur kosong",
            "invalid_measure_date": "Tanggal ukur tidak lengkap atau tidak sah",
            "birth_after_measurement": "Tanggal lahir sesudah tanggal ukur",
            "future_date": "Tanggal sesudah hari ini",
            "age_out_of_range": "Umur 60 bulan atau lebih",
            "missing_lenhei": "Panjang/tinggi badan kosong",
            "invalid_lenhei": "Panjang/tinggi badan tidak sah",
            "missing_weight": "Berat badan kosong",
            "invalid_weight": "Berat badan tidak sah",
            "missing_measure": "Cara ukur (berdiri/terlentang) kosong",
            "invalid_measure": "Cara ukur tidak dikenal",
            "position_age_mismatch": "Cara ukur tidak sesuai umur (batas 24 bulan)",
            "duplicate_record": "Data ganda anak yang sama pada tanggal yang sama",
            "duplicate_nik": "NIK yang sama lebih dari sekali dalam satu bulan",
            "flagged_zlen": "Z-skor TB/U tidak masuk akal",
            "flagged_zwei": "Z-skor BB/U tidak masuk akal",
            "flagged_zwfl": "Z-skor BB/TB tidak masuk akal",
            "flagged_zbmi": "Z-skor IMT/U tidak masuk akal",
            "missing_nik": "NIK kosong",
            "nik_scientific_notation": "NIK rusak menjadi angka ilmiah",
            "nik_format": "NIK tidak 16 digit",
            "nik_sex": "Jenis kelamin dalam NIK berbeda",
            "nik_birth_date": "Tanggal lahir dalam NIK berbeda",
            "height_decrease": "Tinggi badan turun sejak kunjungan lalu",
            "implausible_velocity": "Perubahan z-skor TB/U tidak masuk akal",
            "carried_forward_height": "Tinggi badan sama persis dengan kunjungan lalu",
            "carried_forward_weight": "Berat badan sama persis dengan kunjungan lalu",
            "implausible_measurement": "Hasil ukur mustahil secara fisik",
            "smart_flag_zwfl": "Z-skor BB/TB jauh dari rata-rata survei (SMART)",
            "smart_flag_zlen": "Z-skor TB/U jauh dari rata-rata survei (SMART)",
            "smart_flag_zwei": "Z-skor BB/U jauh dari rata-rata survei (SMART)",
        },
        "en": {
            "missing_sex": "Sex missing",
            "invalid_sex": "Sex code not recognised",
            "missing_birth_date": "Birth date missing",
            "invalid_birth_date": "Birth date incomplete or invalid",
            "missing_measure_date": "Visit date missing",
            "invalid_measure_date": "Visit date incomplete or invalid",
            "birth_after_measurement": "Birth date after the visit date",
            "future_date": "Date after today",
            "age_out_of_range": "Age 60 months or more",
            "missing_lenhei": "Length/height missing",
            "invalid_lenhei": "Length/height invalid",
            "missing_weight": "Weight missing",
            "invalid_weight": "Weight invalid",
            "missing_measure": "Measuring position missing",
            "invalid_measure": "Measuring position not recognised",
            "position_age_mismatch": "Position does not fit the age (24-month rule)",
            "duplicate_record": "Same child recorded twice on one date",
            "duplicate_nik": "Same NIK more than once in a month",
            "flagged_zlen": "Implausible HAZ",
            "flagged_zwei": "Implausible WAZ",
            "flagged_zwfl": "Implausible WHZ",
            "flagged_zbmi": "Implausible BMI-for-age z-score",
            "missing_nik": "NIK missing",
            "nik_scientific_notation": "NIK turned into scientific notation",
            "nik_format": "NIK not 16 digits",
            "nik_sex": "NIK encodes the other sex",
            "nik_birth_date": "NIK birth date differs",
            "height_decrease": "Height fell since the last visit",
            "implausible_velocity": "Implausible change of HAZ",
            "carried_forward_height": "Height copied from the last visit",
            "carried_forward_weight": "Weight copied from the last visit",
            "implausible_measurement": "Physically impossible measurement",
            "smart_flag_zwfl": "WHZ far from the survey mean (SMART flag)",
            "smart_flag_zlen": "HAZ far from the survey mean (SMART flag)",
            "smart_flag_zwei": "WAZ far from the survey mean (SMART flag)",
        },
    }
)

#: Severity names.
SEVERITY_NAMES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "id": {"error": "galat", "warning": "peringatan", "info": "informasi"},
        "en": {"error": "error", "warning": "warning", "info": "information"},
    }
)

#: The methods paragraph (HTML; the values are escaped by the caller).
METHODS: Mapping[str, str] = MappingProxyType(
    {
        "id": (
            "Z-skor dihitung dengan stuntlib {version} menurut Standar Pertumbuhan Anak WHO "
            "2006 (metode LMS), persis seperti paket R WHO <i>anthro</i>: umur dalam hari dari "
            "tanggal lahir dan tanggal pengukuran; panjang badan yang diukur berdiri ditambah "
            "0,7 cm di bawah umur 731 hari dan tinggi badan yang diukur terlentang dikurangi "
            "0,7 cm sejak umur 731 hari. Z-skor TB/U di luar -6..+6 SD ditandai tidak masuk "
            "akal dan tidak dianalisis. Prevalensi mengikuti aturan WHO (balita sampai "
            "{max_days} hari, z-skor dibulatkan 2 desimal, batas tegas &lt; -2 SD); interval "
            "kepercayaan 95% metode {ci} untuk data sensus posyandu (tanpa bobot survei). "
            "Data e-PPGBM mencakup balita yang datang ke posyandu, bukan sampel acak: cakupan "
            "yang rendah dapat membuat angka bias. Untuk melindungi anak, {masking} dan tidak "
            "ada nama atau NIK dalam laporan ini."
        ),
        "en": (
            "Z-scores were computed with stuntlib {version} against the WHO Child Growth "
            "Standards 2006 (LMS method), exactly as WHO's <i>anthro</i> R package does: age "
            "in days from the birth and measurement dates; a length measured standing gets "
            "+0.7 cm below 731 days and a height measured lying gets -0.7 cm from 731 days. "
            "HAZ outside -6..+6 SD is flagged as implausible and left out. Prevalence follows "
            "WHO's rules (children up to {max_days} days, z-scores rounded to 2 decimals, "
            "strict cut-off &lt; -2 SD); 95% confidence intervals by the {ci} method for "
            "census-style posyandu data (no survey weights). e-PPGBM covers the children who "
            "come to the posyandu, not a random sample: low coverage can bias the figures. To "
            "protect children, {masking} and no name or NIK appears in this report."
        ),
    }
)
