"""Crafted hostile workbooks (tests/xlsx_hostile.py) are read or refused, and a refusal says in Indonesian what
is wrong with the file, never a Python exception name. Their times are printed by bench/bench_import_hostile.py
(no timing is asserted here)."""
from __future__ import annotations

import builtins
import io
import re
import zipfile
from pathlib import Path

import pytest

from openpyxl.reader.strings import read_string_table

from sopdesk.importers.xlsx import MAX_SHEETS, XlsxImportError, _open_package, _read_strings, import_xlsx
from sopdesk.interchange import sop_from_fixture

from .conftest import load_fixture

from .xlsx_hostile import CRAFTED

DATA = Path(__file__).parent / "data"
CORPUS_XLSX = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "xlsx" / "basarnas-sop-0008.xlsx"
EXCEPTION_NAMES = sorted(name for name, value in vars(builtins).items()
                         if isinstance(value, type) and issubclass(value, BaseException))


def assert_plain_indonesian(message: str, file_name: str) -> None:
    """One line naming the file, no exception class, no "Error"."""
    assert message.startswith(file_name)
    assert "\n" not in message
    assert "Error" not in message and "Traceback" not in message
    for name in EXCEPTION_NAMES + ["XMLSyntaxError", "BadZipFile", "InvalidFileException"]:
        assert f"({name}" not in message, name
    assert re.search(r"\b(berkas|buku kerja|lembar|bagian|gambar|SOP)\b", message)


EXPECTED_REFUSALS = {
    "teks-panjang-nama-lembar": "karakter",
    "teks-panjang-atribut": "karakter",
    "2000-lembar": f"paling banyak {MAX_SHEETS} lembar",
    "5000-bentuk": "bentuk",
    "60000-nama": "nama sel",
    "xml-bersarang-dalam": "bukan XML yang utuh",
    "ribuan-identitas": "paling banyak 200 SOP",
    "180000-sel": "sel berisi",
    "sejuta-teks-bersama": "tabel teks",
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_workbook_is_read_or_refused_in_plain_indonesian(tmp_path, name):
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(CRAFTED[name]())
    assert path.stat().st_size < 10 * 2**20
    try:
        result = import_xlsx(path)
    except XlsxImportError as exc:
        assert name in EXPECTED_REFUSALS or name == "label-di-tiap-sel", str(exc)
        assert_plain_indonesian(str(exc), path.name)
        if name in EXPECTED_REFUSALS:
            assert EXPECTED_REFUSALS[name] in str(exc)
    else:
        assert name not in EXPECTED_REFUSALS
        assert 1 <= len(result.sops) <= 200


def test_a_sheet_listed_five_thousand_times_is_read_once(tmp_path):
    path = tmp_path / "ganda.xlsx"
    path.write_bytes(CRAFTED["5000-lembar-ganda"]())
    (sop, report), = import_xlsx(path).sops
    assert len(sop.steps) == 12
    assert any("tiap lembar dibaca sekali" in line for line in report.unread)


def test_defined_names_openpyxl_would_choke_on_are_not_read(tmp_path):
    path = tmp_path / "judul-cetak.xlsx"
    path.write_bytes(CRAFTED["teks-panjang-print-titles"]())
    (sop, _), = import_xlsx(path).sops
    assert len(sop.steps) == 12


def test_a_drawing_just_under_the_shape_cap_is_read(tmp_path):
    path = tmp_path / "bentuk.xlsx"
    path.write_bytes(CRAFTED["3990-bentuk"]())
    (sop, report), = import_xlsx(path).sops
    assert len(sop.steps) == 12 and any("simbol" in line for line in report.read + report.unread)


@pytest.mark.parametrize("path", [DATA / "peminjaman-libreoffice.xlsx", CORPUS_XLSX], ids=["libreoffice", "excel"])
def test_the_string_table_read_here_is_the_one_openpyxl_reads(path):
    """Strings are read in one lxml pass instead of by openpyxl (far slower); they must come out the same."""
    if not path.exists():
        pytest.skip("file absent")
    data = path.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    part = next(name for name in archive.namelist() if name.endswith("sharedStrings.xml"))
    assert _read_strings(_open_package(path.name, data)) == read_string_table(archive.open(part))


def test_bloated_styles_still_tell_dates(tmp_path):
    """64,000 cell formats are not handed to openpyxl; the cells formatted as dates still read as dates."""
    from .xlsx_builders import Style, build_workbook
    from .xlsx_hostile import bloated_styles

    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    data = bloated_styles(60_000, build_workbook(sop, Style(dates="excel")))
    assert zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").count(b"<xf ") > 60_000
    path = tmp_path / "gaya.xlsx"
    path.write_bytes(data)
    (got, report), = import_xlsx(path).sops
    assert got.identity.tanggal_pembuatan == sop.identity.tanggal_pembuatan
    assert got.identity.tanggal_efektif == sop.identity.tanggal_efektif
    assert not any("angka" in line and "tanggal Excel" in line for line in report.guessed)
