"""Odd values never break an export or an import: unprintable margins, damaged logos and unstorable text."""
from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from sopdesk import cli, sanity
from sopdesk.exporters.docx import docx_bytes
from sopdesk.exporters.xlsx import write_xlsx, xlsx_bytes
from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import read_sop_json, sop_from_fixture, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.model import Logo, PageSettings, Sop
from sopdesk.storage import Library
from sopdesk.textclean import REPLACEMENT, clean_sop
from sopdesk.validation import validate

from .conftest import load_fixture
from .test_layout import png_bytes


def png(width: int = 4, height: int = 3) -> bytes:
    return png_bytes(width, height)


def arsip() -> Sop:
    return sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))


def native_file(tmp_path: Path, sop: Sop, **page) -> Path:
    data = sop_to_native(sop)
    data["page"].update(page)
    path = tmp_path / "sop.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN and Infinity go out as JSON's usual extensions
    return path


# ---- margins --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [(float("nan"), "NaN (bukan angka)"), (float("inf"), "tak hingga"),
                                              (-5, "-5 mm"), (250, "250 mm"), ("lebar", "NaN (bukan angka)"),
                                              ([1], "NaN (bukan angka)"), (True, "NaN (bukan angka)")])
def test_unprintable_margin_is_replaced_on_load_with_a_note_naming_it(tmp_path, value, shown):
    notes: list[str] = []
    sop = read_sop_json(native_file(tmp_path, arsip(), margin_left=value), notes)
    note = f"Margin kiri {shown} tidak dapat dicetak; diganti 15 mm."
    assert sop.page.margin_left == 15.0 and note in notes and note in sop.notes
    assert sanity.page_problems(sop.page) == []


def test_printable_margins_are_kept_as_they_are(tmp_path):
    notes: list[str] = []
    sop = read_sop_json(native_file(tmp_path, arsip(), margin_left=100, margin_top=0, margin_bottom=40.5), notes)
    assert (sop.page.margin_left, sop.page.margin_top, sop.page.margin_bottom) == (100, 0, 40.5)
    assert notes == []


def test_200_mm_on_a4_portrait_is_replaced():
    page = PageSettings(paper="A4", landscape=False, margin_left=200)
    assert sanity.fix_page(page) == ["Margin kiri 200 mm tidak dapat dicetak; diganti 15 mm."]
    assert page.margin_left == 15


def test_margins_on_both_sides_that_leave_too_little_are_both_replaced():
    page = PageSettings(paper="A4", landscape=False, margin_left=70, margin_right=70, margin_top=120)
    notes = sanity.fix_page(page)
    assert (page.margin_left, page.margin_right, page.margin_top) == (15, 15, 120)
    assert notes == ["Margin kiri 70 mm tidak dapat dicetak; diganti 15 mm.",
                     "Margin kanan 70 mm tidak dapat dicetak; diganti 15 mm."]


@pytest.mark.parametrize("paper", ["A4", "F4", "Letter", "Legal"])
@pytest.mark.parametrize("landscape", [True, False])
def test_every_margin_up_to_its_limit_exports(paper, landscape):
    sop = arsip()
    sop.page = PageSettings(paper=paper, landscape=landscape)
    for attr, _name in sanity.MARGINS:
        setattr(sop.page, attr, sanity.margin_limit_mm(sop.page, attr))
        assert sanity.page_problems(sop.page) == []
        document = layout(sop, estimate_measure)
        assert xlsx_bytes(document, sop) and docx_bytes(document, sop)
        setattr(sop.page, attr, 15.0)


@pytest.mark.parametrize("writer", [docx_bytes, xlsx_bytes], ids=["docx", "xlsx"])
def test_writers_refuse_unprintable_margins_in_indonesian_naming_the_field(writer):
    sop = arsip()
    document = layout(sop, estimate_measure)
    document.settings.margin_left = math.nan
    with pytest.raises(sanity.UnprintableError, match="Margin kiri NaN"):
        writer(document, sop)


def test_cli_reports_an_unprintable_margin_and_still_converts(tmp_path, capsys):
    source = native_file(tmp_path, arsip(), margin_right=float("nan"), margin_top=500)
    out = tmp_path / "sop.xlsx"
    assert cli.main(["convert", str(source), str(out)]) == 0
    err = capsys.readouterr().err
    assert "Margin kanan NaN (bukan angka) tidak dapat dicetak; diganti 15 mm." in err
    assert "Margin atas 500 mm tidak dapat dicetak" in err
    assert out.exists()


def test_cli_write_error_for_unprintable_margins_is_one_indonesian_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(cli.WRITERS, ".txt", "tests.test_sanity:_unprintable_writer")
    source = native_file(tmp_path, arsip())
    assert cli.main(["convert", str(source), str(tmp_path / "x.txt")]) == cli.EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert "Margin kiri NaN" in err and "UnprintableError" not in err and "Traceback" not in err


def _unprintable_writer(sop, path, options):
    raise sanity.UnprintableError("Margin kiri NaN (bukan angka) tidak dapat dicetak; perbaiki di tab Halaman.")


# ---- logos ----------------------------------------------------------------------------------------


DAMAGED = {
    "truncated-png": png()[:40],
    "png-no-end": png()[:-12],
    "png-bad-checksum": png()[:-5] + b"\x00" + png()[-4:],
    "truncated-jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
    "jpeg-without-picture-data": b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x10",
    "not-an-image": b"hallo",
    "empty": b"",
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_logo_is_kept_reported_and_left_out_of_the_exports(tmp_path, name):
    sop = arsip()
    sop.identity.logo = Logo(DAMAGED[name], "png")
    notes: list[str] = []
    loaded = read_sop_json(native_file(tmp_path, sop), notes)
    assert loaded.identity.logo == sop.identity.logo  # kept in the file, byte for byte
    assert [p.message for p in validate(loaded) if p.code == "logo-unreadable"] == [
        sanity.logo_problem(loaded.identity.logo)]
    document = layout(loaded, estimate_measure)
    word = docx.Document(io.BytesIO(docx_bytes(document, loaded)))
    assert [p.partname for p in word.part.package.parts if p.partname.startswith("/word/media/")] == []
    path = tmp_path / "sop.xlsx"
    write_xlsx(document, loaded, path)
    assert not [name for name in zipfile.ZipFile(path).namelist() if name.startswith("xl/media/")]
    assert openpyxl.load_workbook(path)["Identitas"]["A1"].value is not None


def test_a_good_logo_has_no_problem():
    assert sanity.logo_problem(Logo(png(), "png")) is None
    assert sanity.logo_problem(Logo(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>', "svg")) is None
    assert sanity.logo_problem(Logo(b"<svg", "svg")) is not None


def test_a_jpeg_without_its_end_marker_still_prints():
    from PySide6.QtCore import QBuffer, QByteArray
    from PySide6.QtGui import QColor, QImage

    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    jpeg = bytes(data)
    assert sanity.logo_problem(Logo(jpeg, "jpg")) is None
    assert sanity.logo_problem(Logo(jpeg[:-2], "jpg")) is None  # Qt and Word show it


# ---- text that cannot be stored -------------------------------------------------------------------


def test_lone_surrogates_and_control_characters_are_cleaned_on_json_import(tmp_path):
    data = load_fixture("contoh-peminjaman-arsip")
    data["nama"] = "Peminjaman\\ud800 Arsip\\u0007"
    data["kegiatan"][1]["uraian"] = "Isi\\u0000 formulir"
    first = data["pelaksana"][0]
    data["pelaksana"][0] = first + "\\u001b"
    for step in data["kegiatan"]:
        step["pelaksana"] = [name + "\\u001b" if name == first else name for name in step["pelaksana"]]
    path = tmp_path / "kotor.json"
    # The escapes go into the file as written: a lone surrogate cannot be written as UTF-8.
    path.write_text(json.dumps(data, ensure_ascii=False).replace("\\\\u", "\\u"), encoding="utf-8")
    notes: list[str] = []
    sop = read_sop_json(path, notes)
    assert sop.identity.nama == f"Peminjaman{REPLACEMENT} Arsip"
    assert sop.steps[1].kegiatan == "Isi formulir"
    assert sop.actors[0].name == first
    assert any(sop.actors[0].id in step.actors for step in sop.steps)
    assert len(notes) == 1 and "Nama SOP" in notes[0] and "Kegiatan langkah 2" in notes[0]
    assert "Nama pelaksana 1" in notes[0]
    with Library.open(tmp_path / "pustaka") as library:
        library.save(sop)  # would fail on the lone surrogate
        assert library.load(sop.id).identity.nama == sop.identity.nama


def test_sopdesk_check_reports_the_cleaning(tmp_path, capsys):
    data = load_fixture("contoh-peminjaman-arsip")
    data["nama"] = "Peminjaman\\ud800"
    path = tmp_path / "kotor.json"
    path.write_text(json.dumps(data).replace("\\\\u", "\\u"), encoding="utf-8")
    cli.main(["check", str(path)])
    out = capsys.readouterr().out
    assert "peringatan: Karakter yang tidak dapat disimpan" in out and "Nama SOP" in out


def test_clean_sop_walks_every_text_field():
    sop = arsip()
    bad = "x\x01"
    ident = sop.identity
    ident.instansi = ident.nomor = ident.nama = ident.cakupan = ident.sifat = bad
    ident.unit_lines = [bad]
    ident.signer.jabatan = ident.signer.nama = ident.signer.id_number = bad
    ident.date_texts = {"tanggal_revisi": bad}
    ident.dasar_hukum = ident.peringatan = [bad]
    step = sop.steps[0]
    step.kegiatan = step.kelengkapan = step.output = step.keterangan = step.yes_label = step.no_label = bad
    step.waktu.text = bad
    sop.source = bad
    sop.notes = [bad]
    changed = clean_sop(sop)
    assert "\x01" not in json.dumps(sop_to_native(sop))
    assert {"Instansi", "Nomor SOP", "Nama SOP", "NIP/NRP pengesah", "Teks tanggal tanggal_revisi",
            "Dasar Hukum butir 1", "Kegiatan langkah 1", "Waktu langkah 1", "Sumber"} <= set(changed)
    assert clean_sop(sop) == []


def test_excel_import_cleans_text_of_the_stored_copy(tmp_path):
    sop = arsip()
    sop.identity.nama = "Peminjaman\ud800"  # the export escapes it in the hidden sheet's ASCII JSON
    path = tmp_path / "sop.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    back, report = import_xlsx(path).sops[0]
    assert back.identity.nama == f"Peminjaman{REPLACEMENT}"
    assert any("Nama SOP" in line and "tidak dapat disimpan" in line for line in report.guessed)
    with Library.open(tmp_path / "pustaka") as library:
        library.save(back)


def test_excel_import_reports_a_logo_that_does_not_decode(tmp_path):
    sop = arsip()
    sop.identity.logo = Logo(png()[:40], "png")
    path = tmp_path / "sop.xlsx"
    write_xlsx(layout(sop, estimate_measure), sop, path)
    back, report = import_xlsx(path).sops[0]
    assert back.identity.logo == sop.identity.logo
    assert any("logo" in line and "tetap disimpan" in line for line in report.unread)
