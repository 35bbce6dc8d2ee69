"""Bandingkan versi: the comparison window on real widgets, from the menu to the Lembar Perubahan PDF."""
from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QPoint, Qt

from sopdesk.diff import ADDED, CHANGED, MOVED, REMOVED
from sopdesk.storage import StorageError
from ui.compare_view import CompareDialog, Version

from .conftest import FIXTURES_DIR
from .test_main_window import env, import_fixture  # noqa: F401 - env is a fixture


@pytest.fixture
def two_versions(env, qtbot):  # noqa: F811
    """The example SOP saved twice: the second save adds a step, moves one and changes a third."""
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    controller = window.controller
    sop = controller.sop
    moved_id = sop.steps[0].id
    changed_id = sop.steps[2].id
    controller.set_step_field(changed_id, "output", "Berita acara peminjaman", "Output")
    controller.move_step(0, 3)
    added_id = controller.insert_step(1)
    controller.set_step_field(added_id, "kegiatan", "Mencatat permohonan di buku agenda", "Kegiatan")
    controller.set_step_actor(added_id, sop.actors[0].id, True)
    qtbot.keyClicks(window.identity_form.nama, " Elektronik")
    window.save_action.trigger()
    assert not controller.is_modified()
    return window, dialogs, {"moved": moved_id, "changed": changed_id, "added": added_id}


def _open(window, qtbot) -> CompareDialog:
    window.compare_action.trigger()
    dialog = window._compare_dialog
    qtbot.waitExposed(dialog)
    return dialog


def _row_of(dialog, step_id):
    return next(n for n, row in enumerate(dialog.diff.steps) if step_id in (row.new_id, row.old_id))


def _click_row(qtbot, dialog, number):
    table = dialog.steps_table
    rect = table.visualItemRect(table.item(number, 3))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_menu_opens_the_last_save_against_the_one_before(two_versions, qtbot):
    window, dialogs, ids = two_versions
    dialog = _open(window, qtbot)
    assert dialog.combo_b.currentText().startswith("Versi di layar")
    assert dialog.combo_a.currentText().startswith("Riwayat: disimpan")
    statuses = {row.new_id or row.old_id: row.statuses for row in dialog.diff.steps}
    assert statuses[ids["added"]] == [ADDED]
    assert statuses[ids["moved"]] == [MOVED]
    assert statuses[ids["changed"]] == [CHANGED]
    table = dialog.steps_table
    assert table.rowCount() == len(window.controller.sop.steps)
    added = _row_of(dialog, ids["added"])
    assert [table.item(added, c).text() for c in range(3)] == ["", "2", "ditambah"]
    assert table.item(added, 0).background().color().name() == "#c8ecc8"
    # The identity tab marks the changed words of Nama SOP.
    html = dialog.identity_view.toHtml()
    assert "Elektronik" in html and "text-decoration: underline" in html
    assert "Nama SOP" in dialog.identity_view.toPlainText()
    assert dialogs.errors == []


def test_selecting_a_changed_step_shows_its_fields_and_highlights_both_charts(two_versions, qtbot):
    window, _dialogs, ids = two_versions
    dialog = _open(window, qtbot)
    number = _row_of(dialog, ids["changed"])
    row = dialog.diff.steps[number]
    _click_row(qtbot, dialog, number)
    assert dialog.selected_row() is row
    assert dialog.chart_a.canvas.highlight == row.old_index
    assert dialog.chart_b.canvas.highlight == row.new_index
    detail = dialog.step_detail.toPlainText()
    assert "Mutu Baku: Output" in detail and "Berita acara peminjaman" in detail
    assert dialog.steps_table.item(number, 4).text() == "Mutu Baku: Output"
    # Changed steps are tinted on the charts: the added one only on B, the changed one on both.
    added = dialog.diff.steps[_row_of(dialog, ids["added"])]
    assert added.new_index in dialog.chart_b.canvas.marks
    assert row.old_index in dialog.chart_a.canvas.marks and row.new_index in dialog.chart_b.canvas.marks
    assert len(dialog.chart_a.canvas.marks) == 2 and len(dialog.chart_b.canvas.marks) == 3


def test_clicking_a_symbol_on_a_chart_selects_its_row(two_versions, qtbot):
    window, _dialogs, ids = two_versions
    dialog = _open(window, qtbot)
    added = dialog.diff.steps[_row_of(dialog, ids["added"])]
    canvas = dialog.chart_b.canvas
    page_index = canvas.document.page_of_step(added.new_index)
    page = canvas.document.pages[page_index]
    shape = next(s for s in page.shapes if s.step_index == added.new_index)
    rect = canvas.page_rects()[page_index]
    scale = canvas.px_per_mm()
    point = QPoint(int(rect.x() + shape.cx * scale), int(rect.y() + shape.cy * scale))
    dialog.chart_b.scroll.ensureVisible(point.x(), point.y())
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert dialog.selected_row() is added
    assert "Mencatat permohonan di buku agenda" in dialog.step_detail.toPlainText()


def test_swapping_turns_the_added_step_into_a_removed_one(two_versions, qtbot):
    window, _dialogs, ids = two_versions
    dialog = _open(window, qtbot)
    qtbot.mouseClick(dialog.swap_button, Qt.MouseButton.LeftButton)
    assert dialog.combo_a.currentText().startswith("Versi di layar")
    row = dialog.diff.steps[_row_of(dialog, ids["added"])]
    assert row.kind == REMOVED
    assert dialog.steps_table.item(_row_of(dialog, ids["added"]), 2).text() == "dihapus"


def test_lembar_perubahan_is_exported_through_the_save_dialog(two_versions, qtbot, tmp_path):
    window, dialogs, _ids = two_versions
    dialog = _open(window, qtbot)
    target = tmp_path / "lembar"
    dialogs.answer("save_file", (str(target), "Dokumen PDF (*.pdf)"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "lembar.pdf"
    assert written.is_file()
    assert dialog.summary_label.text() == f"Lembar Perubahan tersimpan: {written}"
    text = subprocess.run(["pdftotext", "-layout", str(written), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    nomor = window.controller.sop.identity.nomor
    assert "LEMBAR PERUBAHAN SOP" in flat
    assert flat.count(nomor) >= 2  # both versions identified
    for words in ("Versi A: Riwayat: disimpan", "Versi B: Versi di layar", "Revisi ke", "Tanggal Efektif",
                  "Langkah 2 ditambah Mencatat permohonan di buku agenda", "Berita acara peminjaman",
                  "Diperiksa oleh", "Tanggal", "Tanda tangan", "Nama", "NIP"):
        assert words in flat, words
    # A folder that cannot be written is one message, and the file is not claimed written.
    dialogs.answer("save_file", (str(tmp_path / "tidak-ada" / "lembar.pdf"), ""))
    assert not dialog.export_sheet()
    assert dialogs.errors[-1][0] == "Gagal mengekspor Lembar Perubahan"


def test_an_unreadable_version_is_said_and_the_comparison_kept(qtbot, make_window):
    window, dialogs = make_window()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    good = window.controller.sop.clone()

    def damaged():
        raise StorageError("Versi 20250101T000000 rusak dan tidak dapat dibuka.")

    versions = [Version("Sekarang", good.clone), Version("Lama", good.clone), Version("Rusak", damaged)]
    dialog = CompareDialog(versions, dialogs, window, a=1, b=0)
    qtbot.addWidget(dialog)
    assert dialog.diff.is_empty()
    dialog.combo_a.setCurrentIndex(2)
    dialog.combo_a.activated.emit(2)
    assert dialogs.errors == [("Versi tidak dapat dibuka", "Versi 20250101T000000 rusak dan tidak dapat dibuka.")]
    assert dialog.combo_a.currentIndex() == 1 and dialog.diff.is_empty()


def test_another_file_can_be_compared(two_versions, qtbot):
    window, dialogs, _ids = two_versions
    dialog = _open(window, qtbot)
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    other = dialog.combo_a.count() - 1
    dialog.combo_a.setCurrentIndex(other)
    dialog.combo_a.activated.emit(other)
    assert dialog.combo_a.currentText() == "Berkas: contoh-peminjaman-arsip.json"
    # The file holds no step ids: its steps are matched by content, so the same edits show.
    assert dialog.diff.matched_by == "isi"
    counts = dialog.diff.counts()
    assert counts[ADDED] == 1 and counts[CHANGED] >= 1


def test_fits_a_1366_by_768_screen(two_versions, qtbot):
    window, _dialogs, _ids = two_versions
    dialog = _open(window, qtbot)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
    dialog.resize(1366, 700)
    assert dialog.chart_a.isVisible() and dialog.chart_b.isVisible() and dialog.steps_table.isVisible()
    assert dialog.export_button.isVisible()


def test_bandingkan_in_the_history_opens_that_version(two_versions, qtbot):
    from ui.history_dialog import HistoryDialog

    window, _dialogs, _ids = two_versions
    sop_id = window.controller.sop.id
    qtbot.keyClicks(window.identity_form.nama, " Baru")
    window.save_action.trigger()  # a second history version, so the choice matters
    revisions = window.library.history(sop_id)
    assert len(revisions) == 2
    history = HistoryDialog(revisions, window.library.current_version(sop_id), window)
    qtbot.addWidget(history)
    history.show()
    history.listing.setCurrentItem(history.listing.topLevelItem(2))  # the oldest: the first save
    qtbot.mouseClick(history.compare_button, Qt.MouseButton.LeftButton)
    assert not history.isVisible()
    dialog = window._compare_dialog
    assert dialog.versions[dialog.combo_a.currentIndex()].key == f"riwayat:{revisions[1].revision_id}"
    assert dialog.diff.counts()[ADDED] == 1
    assert any(c.key == "nama" and c.new.endswith("Elektronik Baru") for c in dialog.diff.identity)


def test_a_revision_in_force_can_be_compared_with_its_draft(make_window, qtbot):
    import datetime as dt

    from sopdesk.model import Status

    window, dialogs = make_window()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.controller.sop.lifecycle.status = Status.BERLAKU
    window.save_action.trigger()
    draft = window.library.begin_revision(window.controller.sop.clone(), dt.date(2025, 3, 1))
    window.open_document(draft, in_library=True)
    step_id = window.controller.sop.steps[1].id
    window.controller.set_step_field(step_id, "keterangan", "Lewat aplikasi arsip", "Keterangan")
    dialog = _open(window, qtbot)
    labels = [dialog.combo_a.itemText(i) for i in range(dialog.combo_a.count())]
    record = next(i for i, label in enumerate(labels) if label.startswith("Revisi ke-0"))
    assert labels[record] == "Revisi ke-0 (Berlaku)"
    dialog.combo_a.setCurrentIndex(record)
    dialog.combo_a.activated.emit(record)
    assert {c.key for c in dialog.diff.identity} >= {"revisi_ke", "tanggal_revisi", "status"}
    row = dialog.diff.steps[_row_of(dialog, step_id)]
    assert row.changed_keys() == {"keterangan"}
    assert dialogs.errors == []


def test_an_sop_never_saved_says_so_and_offers_a_file(make_window, qtbot):
    window, dialogs = make_window()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    assert not window.controller.in_library
    dialog = _open(window, qtbot)
    assert dialogs.infos[-1][0] == "Bandingkan versi" and "Berkas lain" in dialogs.infos[-1][1]
    assert dialog.diff.is_empty()
    assert dialog.combo_a.itemText(dialog.combo_a.count() - 1) == "Berkas lain…"
