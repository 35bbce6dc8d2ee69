"""Buku SOP: order, page count, daftar isi numbers against the printed pages, Word sections, CLI filters, cancel."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from sopdesk import cli
from sopdesk.book import (
    DEFAULT_TEMPLATE,
    FRONT_MARGINS,
    TOC_COLUMNS,
    BookCancelled,
    BookError,
    BookInfo,
    BookJob,
    BookOutput,
    complete_info,
    fill_template,
    matches,
    nomor_key,
    ordered,
    plan_book,
    read_template,
    template_values,
)
from sopdesk.exporters.docx import _blank_png
from sopdesk.exporters.docx_book import DocxBookWriter
from sopdesk.exporters.docx_native import NATIVE_NS
from sopdesk.model import Logo, Sop, Status
from sopdesk.outputs import laid_out
from sopdesk.qt.book_pdf import PdfBookWriter
from sopdesk.qt.fonts import qt_measure
from sopdesk.qt.raster import rasterize_image, render_flowchart_layer

from .book_helpers import NATURAL_ORDER, book_sops, library_with, page_text, pdf_pages, squash, words_in_column

TOOLS = ("pdfinfo", "pdftotext")
needs_poppler = pytest.mark.skipif(not all(shutil.which(t) for t in TOOLS), reason="poppler-utils tidak terpasang")
PNG_1PX = _blank_png()


def _job(sops, info, *outputs) -> BookJob:
    return BookJob(sops, info, list(outputs), laid_out, qt_measure())


def _pdf(path: Path) -> BookOutput:
    return BookOutput(path, PdfBookWriter())


def _docx(path: Path) -> BookOutput:
    return BookOutput(path, DocxBookWriter(render_flowchart_layer, rasterize_image))


def _own_page_counts(sops: list[Sop]) -> dict[str, int]:
    """Each SOP's pages as its own export lays it out."""
    return {sop.identity.nomor: len(laid_out(sop).pages) for sop in sops}


def test_sops_go_in_natural_order_of_nomor_and_those_without_one_last():
    sops = book_sops()
    nameless = Sop()
    nameless.identity.nama = "Tanpa nomor"
    order = [s.identity.nomor for s in ordered([nameless, *sops])]
    assert order == [*NATURAL_ORDER, ""]
    assert nomor_key(sops[1]) < nomor_key(sops[0])  # SOP-2 before SOP-10


def test_unit_and_status_filters_match_any_unit_line_ignoring_case():
    sop = book_sops()[0]
    assert matches(sop, unit="biro  umum")
    assert matches(sop, unit="SEKRETARIAT JENDERAL")
    assert not matches(sop, unit="Biro Perencanaan")
    assert matches(sop, status="berlaku")
    assert not matches(sop, status="Draf")


@needs_poppler
def test_book_pdf_has_every_page_and_daftar_isi_points_at_where_each_sop_starts(tmp_path):
    sops = book_sops()
    own = _own_page_counts(sops)
    info = BookInfo(alamat="Jl. Merdeka Barat No. 7\nJakarta Pusat", tahun="2025",
                    penetapan=read_template(DEFAULT_TEMPLATE), logo=Logo(PNG_1PX, "png"))
    out = tmp_path / "buku.pdf"
    plan = _job(sops, info, _pdf(out)).run()

    assert plan.penetapan_pages >= 1 and plan.toc_pages == 1
    expected = 1 + plan.penetapan_pages + plan.toc_pages + sum(own.values())
    assert pdf_pages(out) == expected == plan.total_pages

    cover = squash(page_text(out, 1))
    assert squash("STANDAR OPERASIONAL PROSEDUR") in cover and "2025" in cover and squash("Jl. Merdeka Barat") in cover
    assert "Halaman" not in cover  # the cover carries no number
    penetapan = page_text(out, 2)
    assert "KEPUTUSAN" in penetapan and squash("SOP-1/BU/2024") in squash(penetapan)

    # The daftar isi as printed: its Nomor SOP column and its Halaman column, row by row.
    toc_page = 1 + plan.penetapan_pages + 1
    assert "DAFTAR ISI" in page_text(out, toc_page)
    left = FRONT_MARGINS.left
    nomor_left = left + TOC_COLUMNS[0][1]
    page_w, bottom = 210.0, 297.0 - FRONT_MARGINS.bottom  # the front pages take the book's paper (A4), portrait
    halaman_left = page_w - FRONT_MARGINS.right - TOC_COLUMNS[3][1]
    nomors = [w for w in words_in_column(out, toc_page, nomor_left, nomor_left + TOC_COLUMNS[1][1], bottom)
              if w != "Nomor" and w != "SOP"]
    numbers = [int(w) for w in words_in_column(out, toc_page, halaman_left, page_w, bottom) if w.isdigit()]
    assert nomors == NATURAL_ORDER
    assert len(numbers) == len(sops)

    total = plan.total_pages
    for index, (nomor, start) in enumerate(zip(nomors, numbers)):
        text = page_text(out, start)
        assert squash(nomor) in squash(text), (nomor, start)
        assert f"Halaman {start} dari {total}" in text
        if index:  # the page before belongs to the SOP before
            assert squash(nomor) not in squash(page_text(out, start - 1))
        # Each SOP fills as many pages as its own export has.
        following = numbers[index + 1] if index + 1 < len(numbers) else total + 1
        assert following - start == own[nomor]


def test_every_page_after_the_cover_is_numbered_through_the_book():
    sops = ordered(book_sops()[:2])
    plan = plan_book(complete_info(BookInfo(), sops), [(s, laid_out(s)) for s in sops], qt_measure())
    pages = [page for part in plan.parts for page in part.pages]
    numbers = [[t.number for t in page.furniture if t.kind == "page-number"] for page in pages]
    assert numbers[0] == []
    assert numbers[1:] == [[n] for n in range(2, len(pages) + 1)]
    assert all(t.count == len(pages) for page in pages for t in page.furniture)
    assert pages[-1].furniture[0].text == f"Halaman {len(pages)} dari {len(pages)}"


def test_word_book_has_a_section_per_part_with_each_sops_paper(tmp_path):
    sops = book_sops()[:3]
    sops[1].page.paper = "F4"
    sops[2].page.landscape = False
    out = tmp_path / "buku.docx"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    info = BookInfo(penetapan="# PENETAPAN\nIsi {jumlah_sop} SOP.", logo=Logo(svg, "svg"))
    plan = _job(sops, info, _docx(out)).run()
    word = docx.Document(str(out))
    sections = word.sections
    assert len(sections) == 1 + len(sops)
    front, *rest = sections
    assert front.page_width < front.page_height  # the front pages are portrait
    for section, part in zip(rest, plan.sop_parts):
        page = part.pages[0]
        assert abs(section.page_width.mm - page.width_mm) < 0.1
        assert abs(section.page_height.mm - page.height_mm) < 0.1
    # A book carries no single SOP's data for Impor Word.
    with zipfile.ZipFile(out) as package:
        etree.fromstring(package.read("word/document.xml"))  # well-formed, every prefix declared
        assert not any(NATIVE_NS.encode() in package.read(n) for n in package.namelist() if n.startswith("customXml/"))
    body_text = "\n".join(t.text or "" for t in word.element.body.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    for sop in sops:
        assert sop.identity.nomor in body_text
    assert "Isi 3 SOP." in body_text


@pytest.mark.libreoffice
@needs_poppler
def test_libreoffice_renders_the_word_book_to_the_same_page_count(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice tidak terpasang")
    sops = book_sops()
    sops[3].page.paper = "F4"
    info = BookInfo(penetapan=read_template(DEFAULT_TEMPLATE), alamat="Jl. Medan Merdeka")
    pdf_out, docx_out = tmp_path / "buku.pdf", tmp_path / "buku.docx"
    plan = _job(sops, info, _pdf(pdf_out), _docx(docx_out)).run()
    profile = (tmp_path / "lo-profile").resolve().as_uri()
    rendered = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(rendered), str(docx_out)], check=True, capture_output=True, timeout=300)
    lo_pdf = rendered / "buku.pdf"
    assert pdf_pages(lo_pdf) == pdf_pages(pdf_out) == plan.total_pages
    for part in plan.sop_parts:
        assert squash(part.sop.identity.nomor) in squash(page_text(lo_pdf, part.first_page))


# ---- the penetapan template ---------------------------------------------------------------------------


def test_template_fields_are_filled_and_an_unknown_field_names_its_line():
    sops = ordered(book_sops())
    info = BookInfo(unit="Biro Umum", tahun="2025", today=dt.date(2025, 3, 4))
    values = template_values(info, sops)
    lines = fill_template("Unit {unit}, {tanggal}.\n{daftar_sop}\nKurung {{tetap}}", values, sops)
    assert lines[0] == "Unit Biro Umum, 04 Maret 2025."
    assert lines[1].startswith("1. SOP-1/BU/2024 ")
    assert len(lines) == 2 + len(sops) and lines[-1] == "Kurung {tetap}"
    with pytest.raises(BookError, match=r"baris 2: isian \{nama_kepala\} tidak dikenal"):
        fill_template("baik\n{nama_kepala}", values, sops)


def test_a_word_template_is_read_with_its_centred_lines(tmp_path):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    word = docx.Document()
    title = word.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KEPUTUSAN {penetap_jabatan}").bold = True
    word.add_paragraph("Berlaku sejak {tanggal}.")
    path = tmp_path / "templat.docx"
    word.save(path)
    assert read_template(path).splitlines() == ["# KEPUTUSAN {penetap_jabatan}", "Berlaku sejak {tanggal}."]
    (tmp_path / "x.odt").write_bytes(b"x")
    with pytest.raises(BookError, match=r"harus berkas \.txt atau \.docx"):
        read_template(tmp_path / "x.odt")


# ---- cancelling -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stop_after", [1, 7])  # while laying out, and while writing the PDF
def test_cancel_midway_leaves_no_file_and_an_old_book_untouched(tmp_path, stop_after):
    old = tmp_path / "buku.pdf"
    old.write_bytes(b"buku lama")
    fresh = tmp_path / "buku.docx"
    job = _job(book_sops(), BookInfo(), _pdf(old), _docx(fresh))
    seen = []

    def progress(step):
        seen.append(step.done)
        if len(seen) == stop_after:
            job.cancel()

    with pytest.raises(BookCancelled):
        job.run(progress)
    assert len(seen) == stop_after
    assert old.read_bytes() == b"buku lama"
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["buku.pdf"]  # no temporary file left


def test_a_failing_writer_leaves_no_file(tmp_path):
    class Broken(PdfBookWriter):
        def add_part(self, part):
            if part.sop is not None:
                raise OSError(28, "No space left on device")
            super().add_part(part)

    with pytest.raises(OSError):
        _job(book_sops()[:2], BookInfo(), BookOutput(tmp_path / "buku.pdf", Broken())).run()
    assert list(tmp_path.iterdir()) == []


# ---- the command line ----------------------------------------------------------------------------------


@needs_poppler
def test_cli_buku_filters_by_unit_and_status(tmp_path, capsys):
    sops = book_sops()
    root = library_with(tmp_path / "pustaka", sops)
    out = tmp_path / "umum.pdf"
    code = cli.main(["buku", str(out), "--unit", "biro umum", "--status", "berlaku", "--pustaka", str(root)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    chosen = [s for s in sops if s.identity.unit_lines[-1] == "Biro Umum" and s.lifecycle.status is Status.BERLAKU]
    assert len(chosen) == 2
    text = squash(subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout)
    for sop in sops:
        assert (squash(sop.identity.nomor) in text) == (sop in chosen), sop.identity.nomor
    # Cover, daftar isi, then the two SOPs' own pages.
    assert pdf_pages(out) == 2 + sum(_own_page_counts(chosen).values())
    assert "2 SOP" in printed.out and "Tersimpan:" in printed.out


def test_cli_buku_over_the_whole_library_writes_word(tmp_path, capsys):
    sops = book_sops()
    root = library_with(tmp_path / "pustaka", sops)
    out = tmp_path / "semua.docx"
    assert cli.main(["buku", str(out), "--pustaka", str(root), "--penetapan", "bawaan"]) == 0
    printed = capsys.readouterr().out
    assert f"{len(sops)} SOP" in printed
    lines = [line.split()[2] for line in printed.splitlines() if line.strip().startswith("hlm")]
    assert lines == NATURAL_ORDER


def test_cli_buku_with_no_match_names_the_units_and_writes_nothing(tmp_path, capsys):
    root = library_with(tmp_path / "pustaka", book_sops())
    out = tmp_path / "kosong.pdf"
    assert cli.main(["buku", str(out), "--unit", "Biro Hukum", "--pustaka", str(root)]) == 2
    err = capsys.readouterr().err
    assert "tidak ada SOP" in err and "Biro Perencanaan" in err and "Biro Umum" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert cli.main(["buku", str(out), "--status", "Aktif", "--pustaka", str(root)]) == 2
    assert "status \"Aktif\" tidak dikenal" in capsys.readouterr().err
    assert cli.main(["buku", str(tmp_path / "buku.xlsx"), "--pustaka", str(root)]) == 2
    assert ".pdf atau .docx" in capsys.readouterr().err
    assert cli.main(["buku", str(out), "--pustaka", str(root), "--penetapan", str(tmp_path / "tidak-ada.txt")]) == 2
    assert "templat penetapan tidak ditemukan" in capsys.readouterr().err
    wrong = tmp_path / "salah.txt"
    wrong.write_text("Baik\nOleh {kepala_dinas}\n", encoding="utf-8")
    assert cli.main(["buku", str(out), "--pustaka", str(root), "--penetapan", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert "baris 2: isian {kepala_dinas} tidak dikenal" in err and "Traceback" not in err
    assert not out.exists()
