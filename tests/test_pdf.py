"""PDF export: one PDF page per laid-out page, at the exact paper size, with real (searchable) text."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import layout
from sopdesk.qt.fonts import qt_measure
from sopdesk.qt.pdf import write_pdf

from .conftest import load_fixture

pytestmark = pytest.mark.skipif(not (shutil.which("pdfinfo") and shutil.which("pdftotext")),
                                reason="poppler-utils (pdfinfo, pdftotext) tidak terpasang")

PT_PER_MM = 72 / 25.4


def pdf_page_sizes(path: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]


def pdf_words(path: Path) -> set[str]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return set(words(text))


def words(text: str) -> list[str]:
    # Lines may break after a hyphen or a slash, so compare the pieces between them.
    return [w for w in re.split(r"[\s\-/]+", text) if w]


@pytest.fixture(scope="module")
def measure():
    return qt_measure()


def test_every_page_step_actor_and_identity_field_is_in_the_pdf(fixture_data, measure, tmp_path):
    sop = sop_from_fixture(fixture_data)
    document = layout(sop, measure)
    path = tmp_path / "sop.pdf"
    write_pdf(document, path, sop.identity.nama)
    assert len(pdf_page_sizes(path)) == len(document.pages)
    found = pdf_words(path)
    ident = sop.identity
    expected = [ident.nomor, ident.nama, ident.instansi.upper(), ident.signer.nama, ident.signer.jabatan,
                *ident.unit_lines, *ident.dasar_hukum, *(a.name for a in sop.actors)]
    expected += [step.kegiatan for step in sop.steps] + [step.output for step in sop.steps]
    missing = [text for text in expected if not set(words(text)) <= found]
    assert missing == []


@pytest.mark.parametrize("paper, landscape, size_mm", [("A4", True, (297, 210)), ("F4", True, (330, 215)),
                                                       ("F4", False, (215, 330)), ("Legal", True, (355.6, 215.9))])
def test_pdf_pages_have_the_exact_paper_size(paper, landscape, size_mm, measure, tmp_path):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.page.paper, sop.page.landscape = paper, landscape
    path = tmp_path / "ukuran.pdf"
    write_pdf(layout(sop, measure), path)
    for width, height in pdf_page_sizes(path):
        assert width == pytest.approx(size_mm[0] * PT_PER_MM, abs=0.5)
        assert height == pytest.approx(size_mm[1] * PT_PER_MM, abs=0.5)


def test_offpage_labels_and_decision_labels_are_text_in_the_pdf(measure, tmp_path):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    document = layout(sop, measure)
    path = tmp_path / "label.pdf"
    write_pdf(document, path)
    found = pdf_words(path)
    assert {"Ya", "Tidak"} <= found
    assert {o.label for p in document.pages for o in p.offpage} <= found


def test_exporting_again_replaces_the_file_and_leaves_no_temporary_files(measure, tmp_path):
    sop = sop_from_fixture(load_fixture("001_71e1f31e4a04122a"))
    path = tmp_path / "sop.pdf"
    path.write_bytes(b"versi lama")
    write_pdf(layout(sop, measure), path)
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["sop.pdf"]


def test_a_folder_that_does_not_exist_raises_an_os_error(measure, tmp_path):
    sop = sop_from_fixture(load_fixture("001_71e1f31e4a04122a"))
    with pytest.raises(OSError):
        write_pdf(layout(sop, measure), tmp_path / "tidak-ada" / "sop.pdf")
    assert list(tmp_path.iterdir()) == []
