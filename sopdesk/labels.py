"""Official Indonesian texts of the SOP AP format, shared by the editor, validation and every writer."""
from __future__ import annotations

import datetime as dt

BOX_TITLES = {
    "dasar_hukum": "Dasar Hukum",
    "kualifikasi_pelaksana": "Kualifikasi Pelaksana",
    "keterkaitan": "Keterkaitan",
    "peralatan_perlengkapan": "Peralatan/Perlengkapan",
    "peringatan": "Peringatan",
    "pencatatan_pendataan": "Pencatatan dan Pendataan",
}

# Order of the three rows of two boxes under the identity table.
BOX_ROWS = (
    ("dasar_hukum", "kualifikasi_pelaksana"),
    ("keterkaitan", "peralatan_perlengkapan"),
    ("peringatan", "pencatatan_pendataan"),
)

IDENTITY_LABELS = {
    "instansi": "Instansi",
    "unit_lines": "Unit organisasi",
    "logo": "Logo",
    "nomor": "Nomor SOP",
    "tanggal_pembuatan": "Tanggal Pembuatan",
    "tanggal_revisi": "Tanggal Revisi",
    "revisi_ke": "Revisi ke",
    "tanggal_efektif": "Tanggal Efektif",
    "tanggal_pengesahan": "Tanggal Pengesahan",
    "signer.jabatan": "Jabatan pengesah",
    "signer.nama": "Nama pengesah",
    "signer.id_number": "Nomor identitas pengesah",
    "nama": "Nama SOP",
    "cakupan": "Jenis (Makro/Mikro)",
    "sifat": "Jenis (Administratif/Teknis)",
}

DISAHKAN_OLEH = "Disahkan oleh"

COLUMN_NO = "No"
COLUMN_KEGIATAN = "Kegiatan"
COLUMN_PELAKSANA = "Pelaksana"
COLUMN_MUTU_BAKU = "Mutu Baku"
COLUMN_KELENGKAPAN = "Kelengkapan"
COLUMN_WAKTU = "Waktu"
COLUMN_OUTPUT = "Output"
COLUMN_KETERANGAN = "Keterangan"

YES = "Ya"
NO = "Tidak"

SYMBOL_NAMES = {
    "otomatis": "Otomatis",
    "terminator": "Terminator",
    "proses": "Proses",
    "keputusan": "Keputusan",
}

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def format_date(value: dt.date | None, weekday: bool = True, empty: str = "-") -> str:
    """"Rabu, 01 November 2017" (or without the weekday); `empty` when there is no date."""
    if value is None:
        return empty
    text = f"{value.day:02d} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]}, {text}" if weekday else text


def page_number_text(page: int | str, count: int | str) -> str:
    """The page furniture at the bottom of every page: "Halaman 2 dari 5"."""
    return f"Halaman {page} dari {count}"


def title_label(cakupan: str) -> str:
    """The title row's label: "Nama SOP", or "Judul SOP Makro/Mikro" where the type is set."""
    return f"Judul SOP {cakupan}" if cakupan else "Nama SOP"
