"""The PDF's text layer: what a user copies or searches is exactly what is printed."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from sopdesk.interchange import sop_from_fixture
from sopdesk.layout import layout
from sopdesk.qt.fonts import qt_measure
from sopdesk.qt.pdf import write_pdf

from .conftest import load_fixture

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) tidak terpasang")


def test_a_nomor_sop_with_slashes_is_found_in_the_pdf_text(tmp_path):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip.json"))
    sop.identity.nomor = "SOP-011/17000/2025"
    sop.steps[1].kegiatan = "Menyusun rancangan/konsep surat dan/atau nota dinas"
    path = tmp_path / "sop.pdf"
    write_pdf(layout(sop, qt_measure()), path, sop.identity.nama)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "\u2060" not in text
    assert "SOP-011/17000/2025" in text
    assert "rancangan/konsep" in text
