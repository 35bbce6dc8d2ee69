"""The Lembar Perubahan PDF: both versions identified, every change listed, the reviewer's block kept whole."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from sopdesk import model
from sopdesk.diff import diff_sops
from sopdesk.qt.change_sheet import write_change_sheet

from .test_diff import FIXTURES

SIGNATURE_LINES = ("Diperiksa oleh", "Tanggal", "Tanda tangan", "Nama", "NIP")


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def _edited(changed_steps: int, extra_words: int = 0) -> tuple[model.Sop, model.Sop]:
    old = FIXTURES["000_dca99833c4e40ed1"].clone()
    old.identity.revisi_ke = 1
    old.identity.tanggal_revisi = dt.date(2023, 1, 2)
    new = old.clone()
    new.identity.revisi_ke = 2
    new.identity.tanggal_revisi = dt.date(2024, 7, 1)
    for step in new.steps[:changed_steps]:
        step.keterangan = (step.keterangan + " Diperbarui sesuai peraturan baru" + " dan ketentuan" * extra_words
                           + ".").strip()
    return old, new


def test_both_versions_and_every_change_are_on_the_sheet(tmp_path):
    old, new = _edited(3)
    path = tmp_path / "lembar.pdf"
    write_change_sheet(path, old, new, diff_sops(old, new), "Revisi 1", "Revisi 2")
    flat = " ".join(" ".join(_pages(path)).split())
    assert "LEMBAR PERUBAHAN SOP" in flat
    assert "Versi A: Revisi 1" in flat and "Versi B: Revisi 2" in flat
    assert f"Nomor SOP {old.identity.nomor} {new.identity.nomor}" in flat
    assert "Revisi ke 1 2" in flat
    assert "Tanggal Revisi Senin, 02 Januari 2023 Senin, 01 Juli 2024" in flat
    for number in (1, 2, 3):
        assert f"Langkah {number} diubah Keterangan" in flat
    assert "Langkah 4 diubah" not in flat
    for line in SIGNATURE_LINES:
        assert line in flat
    # A short sheet is one page: the block moves only when it must.
    assert [page for page in _pages(path) if page.strip()][-1].rstrip().endswith("Halaman 1 dari 1")


@pytest.mark.parametrize("extra_words", [0, 7, 15])
@pytest.mark.parametrize("changed_steps", range(0, 12))
def test_the_signature_block_is_never_cut_across_pages(tmp_path, changed_steps, extra_words):
    """However long the list of changes, the reviewer signs on one page: the block moves whole to the next."""
    old, new = _edited(changed_steps, extra_words)
    path = tmp_path / "lembar.pdf"
    write_change_sheet(path, old, new, diff_sops(old, new), "Revisi 1", "Revisi 2")
    pages = [page for page in _pages(path) if page.strip()]
    holding = [n for n, page in enumerate(pages) if "Diperiksa oleh" in page]
    assert len(holding) == 1
    last = pages[holding[0]]
    assert all(line in last for line in SIGNATURE_LINES[1:])
    assert holding[0] == len(pages) - 1  # it ends the sheet
