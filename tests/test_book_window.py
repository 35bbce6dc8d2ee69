"""Berkas → Buku SOP… in the window: choosing by unit and status, writing PDF and Word, cancelling midway."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from .book_helpers import NATURAL_ORDER, book_sops, library_with, pdf_pages

needs_poppler = pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils tidak terpasang")


@pytest.fixture
def book_window(make_window, tmp_path):
    root = library_with(tmp_path / "pustaka", book_sops())
    window, dialogs = make_window(root)
    return window, dialogs


def _dialog(window, qtbot):
    from ui.book_dialog import BookDialog

    window.book_action.trigger()

    dialogs = [d for d in window.findChildren(BookDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def test_menu_opens_the_dialog_with_every_sop_ticked_in_nomor_order(book_window, qtbot):
    window, _ = book_window
    dialog = _dialog(window, qtbot)
    shown = [dialog.sop_list.item(row).text().split(" — ")[0] for row in range(dialog.sop_list.count())]
    assert shown == NATURAL_ORDER
    assert dialog.count_label.text() == "5 dari 5 SOP dipilih"


def test_unit_status_and_ticks_choose_the_sops(book_window, qtbot):
    window, _ = book_window
    dialog = _dialog(window, qtbot)
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData("Biro Umum"))
    assert dialog.count_label.text() == "3 dari 3 SOP dipilih"
    assert dialog.unit_edit.text() == "Biro Umum"  # the cover names the unit chosen
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("Berlaku"))
    chosen = dialog.chosen_ids()
    assert sorted(chosen) == ["buku0", "buku1"]
    item = next(dialog.sop_list.item(r) for r in range(dialog.sop_list.count())
                if dialog.sop_list.item(r).data(Qt.ItemDataRole.UserRole) == "buku0")
    item.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.chosen_ids() == ["buku1"]
    assert dialog.count_label.text() == "1 dari 2 SOP dipilih"
    dialog.uncheck_all_button.click()
    assert dialog.chosen_ids() == []


@needs_poppler
def test_making_the_book_writes_pdf_and_word_and_announces_it(book_window, qtbot, tmp_path):
    window, dialogs = book_window
    dialog = _dialog(window, qtbot)
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData("Biro Perencanaan"))
    dialog.penetapan_check.setChecked(True)
    dialog.address_edit.setPlainText("Jl. Veteran No. 1")
    seen = []
    assert dialog.make_book(str(tmp_path / "Buku Perencanaan.pdf"))
    dialog.run.progressed.connect(lambda done, total, text: seen.append(done))
    assert not dialog.form.isEnabled() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=60000)
    pdf, word = tmp_path / "Buku Perencanaan.pdf", tmp_path / "Buku Perencanaan.docx"
    assert pdf.exists() and word.exists()
    plan = dialog.run.job.plan
    assert pdf_pages(pdf) == plan.total_pages
    assert [p.sop.identity.nomor for p in plan.sop_parts] == ["SOP-1/PO/2024", "SOP-3/PO/2024"]
    assert plan.penetapan_pages >= 1
    assert seen == sorted(seen) and seen[-1] == dialog.run.job.total_steps  # the bar moved step by step
    assert "Buku SOP ditulis" in dialog.status_label.text()
    assert dialog.form.isEnabled()
    assert not dialogs.errors
    assert window.export_notice.path == pdf


def test_cancel_midway_writes_nothing(book_window, qtbot, tmp_path):
    window, _ = book_window
    dialog = _dialog(window, qtbot)
    assert dialog.make_book(str(tmp_path / "buku"))

    def on_progress(done, _total, _text):
        if done == 3:  # a deterministic point: after the third step, whatever the machine's speed
            dialog.cancel_button.click()

    dialog.run.progressed.connect(on_progress)
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=60000)
    assert list(tmp_path.glob("buku*")) == [] and list(tmp_path.glob(".buku*")) == []
    assert "dibatalkan" in dialog.status_label.text()
    assert dialog.make_button.isEnabled()


def test_closing_while_writing_cancels_and_leaves_no_file(book_window, qtbot, tmp_path):
    window, _ = book_window
    dialog = _dialog(window, qtbot)
    assert dialog.make_book(str(tmp_path / "buku.docx"))
    dialog.run.progressed.connect(lambda done, _t, _x: dialog.reject() if done == 6 else None)
    run = dialog.run
    qtbot.waitUntil(lambda: not run.running, timeout=60000)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".buku", "buku"))] == []


def test_nothing_ticked_or_no_format_is_one_clear_message(book_window, qtbot, tmp_path):
    window, dialogs = book_window
    dialog = _dialog(window, qtbot)
    dialog.pdf_check.setChecked(False)
    dialog.docx_check.setChecked(False)
    assert not dialog.make_book(str(tmp_path / "buku"))
    assert "PDF atau Word" in dialogs.errors[-1][1]
    dialog.pdf_check.setChecked(True)
    dialog.uncheck_all_button.click()
    assert not dialog.make_book(str(tmp_path / "buku"))
    assert "Belum ada SOP yang dipilih" in dialogs.errors[-1][1]
    dialog.check_all_button.click()
    dialog.penetapan_check.setChecked(True)
    dialog.file_template_radio.setChecked(True)
    assert not dialog.make_book(str(tmp_path / "buku"))
    assert "templat penetapan" in dialogs.errors[-1][1]
    assert list(tmp_path.glob("buku*")) == []


@needs_poppler
def test_own_template_copied_from_the_default_then_edited_goes_into_the_book(book_window, qtbot, tmp_path):
    import subprocess

    window, dialogs = book_window
    dialog = _dialog(window, qtbot)
    dialog.penetapan_check.setChecked(True)
    copy = tmp_path / "templat-saya.txt"
    dialogs.answer("save_file", (str(copy), "Teks (*.txt)"))
    dialog.save_template_button.click()
    assert copy.read_text(encoding="utf-8").startswith("# KEPUTUSAN {penetap_jabatan}")
    assert dialog.file_template_radio.isChecked() and str(copy) in dialog.template_label.text()
    copy.write_text("# Keputusan Kepala Biro Umum\nMenetapkan {jumlah_sop} SOP untuk tahun {tahun}.\n",
                    encoding="utf-8")
    dialog.year_edit.setText("2031")
    dialog.docx_check.setChecked(False)
    assert dialog.make_book(str(tmp_path / "buku.pdf"))
    qtbot.waitUntil(lambda: not dialog.run.running, timeout=60000)
    page = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "buku.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "KEPUTUSAN KEPALA BIRO UMUM" in page
    assert "Menetapkan 5 SOP untuk tahun 2031." in page
    assert not (tmp_path / "buku.docx").exists()


def test_a_template_with_an_unknown_field_is_refused_before_anything_is_written(book_window, qtbot, tmp_path):
    window, dialogs = book_window
    dialog = _dialog(window, qtbot)
    template = tmp_path / "salah.txt"
    template.write_text("Kepala: {kepala}\n", encoding="utf-8")
    dialogs.answer("open_file", str(template))
    dialog.penetapan_check.setChecked(True)
    dialog.choose_template_button.click()
    assert dialog.template_path == template
    out = tmp_path / "keluaran"
    out.mkdir()
    assert not dialog.make_book(str(out / "buku"))
    _title, text = dialogs.errors[-1]
    assert "baris 1: isian {kepala} tidak dikenal" in text
    assert "Error" not in text
    assert list(out.iterdir()) == []
    assert dialog.make_button.isEnabled() and dialog.form.isEnabled()
