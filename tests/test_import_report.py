"""The import report dialog, driven offscreen with real import results: summary, report lists, choice, buttons."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from sopdesk.importers.xlsx import import_xlsx
from sopdesk.interchange import sop_from_fixture
from ui.import_report import UNREAD_COLOUR, ImportReportDialog

from .conftest import load_fixture
from .xlsx_builders import Style, build_workbook

NAMES = ("contoh-peminjaman-arsip", "001_71e1f31e4a04122a", "002_497329db9dcea2b8")


def imported(tmp_path: Path, names=NAMES[:1], style: Style | None = None):
    sops = [sop_from_fixture(load_fixture(n)) for n in names]
    path = tmp_path / "impor.xlsx"
    path.write_bytes(build_workbook(sops, style or Style()))
    return import_xlsx(path).sops


@pytest.fixture
def open_dialog(qtbot):
    def make(results):
        dialog = ImportReportDialog(results)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_one_sop_shows_summary_and_report_with_unread_in_red(tmp_path, open_dialog, qtbot):
    # Unlabelled branches are guessed; Waktu typed as formulas without results cannot be read.
    results = imported(tmp_path, style=Style(drawing="loose", branch_labels="none", formula_waktu=True))
    sop, report = results[0]
    dialog = open_dialog(results)

    assert not dialog.sop_list.isVisible()
    assert dialog.nama_label.text() == "Peminjaman Arsip Dinamis Inaktif"
    assert dialog.nomor_label.text() == "OT.01.02-001-001.Set.BU"
    assert dialog.actors_label.text() == ", ".join(a.name for a in sop.actors)
    assert dialog.steps_label.text() == "12 langkah, 4 keputusan"
    assert texts(dialog.unread_list) == report.unread and report.unread
    assert texts(dialog.guessed_list) == report.guessed and report.guessed
    assert texts(dialog.read_list) == report.read
    assert all(dialog.unread_list.item(i).foreground().color() == UNREAD_COLOUR
               for i in range(dialog.unread_list.count()))
    assert dialog.tabs.currentWidget() is dialog.unread_list
    assert dialog.tabs.tabText(0) == f"Tidak terbaca ({len(report.unread)})"

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen() == [sop]


def test_cancel_rejects(tmp_path, open_dialog, qtbot):
    dialog = open_dialog(imported(tmp_path))
    assert dialog.import_button.text() == "Impor" and dialog.cancel_button.text() == "Batal"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.isVisible()


def test_several_sops_all_ticked_and_choosable(tmp_path, open_dialog, qtbot):
    results = imported(tmp_path, NAMES)
    dialog = open_dialog(results)
    assert dialog.sop_list.isVisible() and dialog.sop_list.count() == 3
    assert dialog.chosen() == [sop for sop, _ in results]

    shown = []
    dialog.current_changed.connect(shown.append)
    dialog.sop_list.setCurrentRow(2)
    assert shown == [2]
    assert dialog.nama_label.text() == results[2][0].identity.nama
    assert texts(dialog.read_list) == results[2][1].read

    dialog.sop_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.chosen() == [results[0][0], results[2][0]]
    for row in (0, 2):
        dialog.sop_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.chosen() == [] and not dialog.import_button.isEnabled()
    dialog.sop_list.item(2).setCheckState(Qt.CheckState.Checked)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen() == [results[2][0]]


def test_preview_slot_takes_the_callers_widget(tmp_path, open_dialog, qtbot):
    results = imported(tmp_path, NAMES[:2])
    dialog = open_dialog(results)
    dialog.current_changed.connect(lambda row: dialog.set_preview(QLabel(f"pratinjau {row}")))
    assert dialog.preview is None

    dialog.sop_list.setCurrentRow(1)
    first = dialog.preview
    assert first.text() == "pratinjau 1" and first.isVisible()
    assert first.parent() is dialog.preview_slot

    dialog.sop_list.setCurrentRow(0)
    assert dialog.preview.text() == "pratinjau 0" and dialog.preview is not first
    dialog.set_preview(None)
    assert dialog.preview is None


def test_an_sop_without_steps_is_not_offered(tmp_path, open_dialog, qtbot):
    from sopdesk.importers import ImportReport
    from sopdesk.model import Sop

    empty = Sop()
    empty.identity.nama = "Hanya identitas"
    report = ImportReport(read=['Nama SOP: "Hanya identitas" (COVER!C3)'],
                          unread=["Tabel flowchart (kolom No, Kegiatan, Pelaksana) tidak ditemukan."])
    dialog = open_dialog([(empty, report)])
    assert dialog.no_steps_label.isVisible()
    assert "Tidak ada langkah yang terbaca" in dialog.no_steps_label.text()
    assert 'Nama SOP "Hanya identitas"' in dialog.no_steps_label.text()
    assert "tidak ada SOP yang dapat diimpor" in dialog.intro_label.text()
    assert dialog.chosen() == [] and not dialog.import_button.isEnabled()
    assert dialog.cancel_button.text() == "Tutup"
    assert dialog.summary_label.text() == "Dibaca: 0 langkah, 0 pelaksana, 0 keputusan; 0 tebakan, 1 tidak terbaca"


def test_among_several_the_one_without_steps_cannot_be_ticked(tmp_path, open_dialog, qtbot):
    from sopdesk.importers import ImportReport
    from sopdesk.model import Sop

    results = imported(tmp_path) + [(Sop(), ImportReport())]
    dialog = open_dialog(results)
    item = dialog.sop_list.item(1)
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "tanpa langkah" in item.text()
    assert dialog.chosen() == [results[0][0]]
    assert not dialog.no_steps_label.isVisible()
    dialog.sop_list.setCurrentRow(1)
    assert dialog.no_steps_label.isVisible()
    dialog.sop_list.setCurrentRow(0)
    assert not dialog.no_steps_label.isVisible() and dialog.import_button.isEnabled()
