"""Long identity boxes and page numbers in every format, and layout problems on the command line.

Before: a Peralatan/Perlengkapan box of 33 items printed items 1-15 and lost the rest in PDF,
Word and Excel without a word, and `sopdesk convert` / `check` said nothing about cut texts.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest

from sopdesk import cli
from sopdesk.exporters.docx import write_docx
from sopdesk.exporters.xlsx import write_xlsx
from sopdesk.interchange import sop_from_fixture, sop_to_native
from sopdesk.layout import layout
from sopdesk.model import Sop
from sopdesk.qt.fonts import qt_measure
from sopdesk.qt.pdf import write_pdf

from .conftest import load_fixture

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def item(n: int) -> str:
    return f"Alat {n:03d} tersedia"


def long_sop(count: int) -> Sop:
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip.json"))
    sop.identity.peralatan_perlengkapan = [item(n) for n in range(1, count + 1)]
    return sop


def numbers_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"Alat (\d{3}) tersedia", text)]


@pytest.fixture(params=[33, 80], ids=lambda n: f"{n}-butir")
def count(request) -> int:
    return request.param


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) tidak terpasang")
def test_every_identity_item_and_page_number_is_in_the_pdf(tmp_path, count):
    sop = long_sop(count)
    document = layout(sop, qt_measure())
    path = tmp_path / "sop.pdf"
    write_pdf(document, path, sop.identity.nama)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert sorted(numbers_in(text)) == list(range(1, count + 1))
    assert "Peralatan/Perlengkapan (lanjutan):" in text
    pages = text.split("\f")[:len(document.pages)]
    total = len(document.pages)
    for number, page_text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {total}" in page_text


def test_every_identity_item_and_page_number_is_in_the_word_document(tmp_path, count):
    sop = long_sop(count)
    document = layout(sop, qt_measure())
    path = tmp_path / "sop.docx"
    write_docx(document, sop, path)
    word = docx.Document(str(path))
    cells = "\n".join(cell.text for table in word.tables for row in table.rows for cell in row.cells)
    assert sorted(set(numbers_in(cells))) == list(range(1, count + 1))
    # Each item in a cell tall enough for it: no row of an identity table is shorter than the model's.
    identity_tables = [t for p in document.pages for t in p.tables if t.role == "identity"]
    assert len(identity_tables) > 1 and not any(c.clipped for t in identity_tables for c in t.cells)
    boxes = [box.xpath("string(.)") for box in word.element.body.iter(f"{{{NS['w']}}}txbxContent")]
    total = len(document.pages)
    assert [b for b in boxes if b.startswith("Halaman")] == [f"Halaman {n} dari {total}" for n in range(1, total + 1)]


def test_every_identity_item_is_in_the_excel_cells_and_pages_are_numbered(tmp_path, count):
    sop = long_sop(count)
    document = layout(sop, qt_measure())
    path = tmp_path / "sop.xlsx"
    write_xlsx(document, sop, path)
    book = openpyxl.load_workbook(path)
    identity = book["Identitas"]
    text = "\n".join(str(c.value) for row in identity.iter_rows() for c in row if c.value is not None)
    assert sorted(numbers_in(text)) == list(range(1, count + 1))
    identity_pages = sum(1 for p in document.pages if p.kind == "identity")
    assert identity_pages > 1 and len(identity.row_breaks.brk) == identity_pages - 1
    total = len(document.pages)
    for sheet, first in ((identity, 1), (book["Flowchart"], identity_pages + 1)):
        assert sheet.oddFooter.left.text == f"Halaman &P dari {total}"
        assert (sheet.page_setup.firstPageNumber, sheet.page_setup.useFirstPageNumber) == (first, True)


def test_page_numbers_can_be_switched_off_in_every_format(tmp_path):
    sop = long_sop(3)
    sop.page.page_numbers = False
    document = layout(sop, qt_measure())
    write_docx(document, sop, tmp_path / "sop.docx")
    write_xlsx(document, sop, tmp_path / "sop.xlsx")
    word = docx.Document(str(tmp_path / "sop.docx"))
    assert not [b for b in word.element.body.iter(f"{{{NS['w']}}}txbxContent") if "Halaman" in b.xpath("string(.)")]
    book = openpyxl.load_workbook(tmp_path / "sop.xlsx")
    assert not book["Flowchart"].oddFooter.left.text
    if shutil.which("pdftotext"):
        write_pdf(document, tmp_path / "sop.pdf")
        text = subprocess.run(["pdftotext", str(tmp_path / "sop.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Halaman" not in text


# ---- the command line -----------------------------------------------------------------------------


def write_json(path: Path, sop: Sop) -> Path:
    path.write_text(json.dumps(sop_to_native(sop), ensure_ascii=False), encoding="utf-8")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("extension", ["pdf", "docx", "xlsx"])
def test_convert_warns_when_the_layout_had_to_cut_a_text(capsys, tmp_path, extension):
    sop = long_sop(3)
    sop.steps[1].kegiatan = "Memeriksa berkas dengan sangat teliti " * 400
    source = write_json(tmp_path / "panjang.json", sop)
    code, out, err = run(capsys, "convert", source, tmp_path / f"sop.{extension}")
    assert code == 0 and out.startswith("Tersimpan:")
    assert err.splitlines() == ["sopdesk: peringatan: Langkah 2 terlalu panjang untuk satu halaman; teksnya "
                                "terpotong. Persingkat teks atau pecah menjadi beberapa langkah."]


def test_convert_of_a_long_identity_box_has_nothing_to_warn_about(capsys, tmp_path):
    source = write_json(tmp_path / "alat.json", long_sop(80))
    code, _, err = run(capsys, "convert", source, tmp_path / "sop.pdf")
    assert (code, err) == (0, "")


def test_check_lists_layout_problems_as_warnings_with_exit_code_unchanged(capsys, tmp_path):
    sop = long_sop(3)
    source = write_json(tmp_path / "baik.json", sop)
    code, before, _ = run(capsys, "check", source)
    assert code == 0 and "terlalu panjang" not in before
    sop.steps[1].kegiatan = "Memeriksa berkas dengan sangat teliti " * 400
    source = write_json(tmp_path / "panjang.json", sop)
    code, out, err = run(capsys, "check", source)
    assert (code, err) == (0, "")
    assert "peringatan: Langkah 2 terlalu panjang untuk satu halaman; teksnya terpotong. Persingkat teks atau " \
           "pecah menjadi beberapa langkah." in out.splitlines()
    assert out.splitlines()[-1].startswith(f"{source}: 0 galat,")
