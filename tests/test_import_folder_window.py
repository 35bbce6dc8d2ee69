"""Berkas → Impor folder…: progress that can be cancelled, never replacing without asking, a summary with CSV."""
from __future__ import annotations

import csv
import shutil
import threading

import pytest
from PySide6.QtCore import Qt

from sopdesk.importers import batch
from sopdesk.interchange import read_sop_json

from .import_folder_helpers import ARCHIVE_ORDER, ARSIP, RKT, make_archive

WAIT_MS = 120_000  # a bound on a hung run, not a speed goal


@pytest.fixture
def made(make_window):
    return make_window()


@pytest.fixture
def archive(tmp_path):
    return make_archive(tmp_path / "arsip")


def start(window, dialogs, folder):
    dialogs.answer("choose_folder", str(folder))
    window.import_folder_action.trigger()
    return window.folder_import_dialog


def finish(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.finished_run, timeout=WAIT_MS)
    return dialog


def column(dialog, index):
    return [line[index] for line in dialog.cells()]


def one_sop_imported(qtbot, window, dialogs, tmp_path):
    """A folder holding one SOP, imported into the empty library: (the folder, its library entry)."""
    folder = tmp_path / "arsip"
    folder.mkdir()
    shutil.copy(ARSIP, folder / "sop.json")
    finish(qtbot, start(window, dialogs, folder)).accept()
    [entry] = window.library.entries()
    return folder, entry


def test_a_folder_comes_in_with_a_summary_per_file(qtbot, made, archive, monkeypatch):
    window, dialogs = made
    threads = []
    real_read = batch.read_source

    def recording(source, *args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_read(source, *args)

    monkeypatch.setattr(batch, "read_source", recording)
    dialog = finish(qtbot, start(window, dialogs, archive))
    assert threads == [False] * 5  # read away from the window's thread, so the window keeps answering
    assert column(dialog, 0) == ARCHIVE_ORDER
    assert column(dialog, 1) == ["diimpor", "diimpor", "gagal", "gagal", "diimpor"]
    first = dialog.cells()[0]
    assert first[2:8] == ["Peminjaman Arsip Dinamis Inaktif", "12", "4", "4", "0", "0"]
    assert "tidak ada langkah" in dialog.cells()[3][8]
    assert dialog.summary.text() == "5 berkas: 3 SOP diimpor, 2 gagal."
    assert dialog.progress.value() == 5
    assert dialog.close_button.isEnabled() and not dialog.cancel_button.isVisible()
    assert len(window.library.entries()) == 3
    assert window.library_panel.model.rowCount() == 3  # the library list shows them at once
    assert not window.isWindowModified()  # the open document is untouched
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_summary_is_saved_as_csv(qtbot, made, archive, tmp_path):
    window, dialogs = made
    dialog = finish(qtbot, start(window, dialogs, archive))
    target = tmp_path / "laporan"
    dialogs.answer("save_file", (str(target), "Berkas CSV (*.csv)"))
    qtbot.mouseClick(dialog.csv_button, Qt.MouseButton.LeftButton)
    with open(tmp_path / "laporan.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert table[0] == list(batch.COLUMNS)
    assert table[1:] == dialog.cells()


def test_sops_already_there_are_skipped_or_replaced_after_asking_once(qtbot, made, archive):
    window, dialogs = made
    finish(qtbot, start(window, dialogs, archive)).accept()
    before = {e.id: e.updated_at for e in window.library.entries()}

    dialogs.answer("ask_conflict_policy", "skip_all")
    dialog = finish(qtbot, start(window, dialogs, archive))
    assert dialogs.asked.count("ask_conflict_policy") == 1 and "ask_import_conflict" not in dialogs.asked
    assert column(dialog, 1) == ["dilewati", "dilewati", "gagal", "gagal", "dilewati"]
    assert {e.id: e.updated_at for e in window.library.entries()} == before
    dialog.accept()

    dialogs.asked.clear()
    dialogs.answer("ask_conflict_policy", "replace_all")
    dialog = finish(qtbot, start(window, dialogs, archive))
    assert dialogs.asked.count("ask_conflict_policy") == 1
    assert column(dialog, 1) == ["diganti", "diganti", "gagal", "gagal", "diganti"]
    assert set(before) == {e.id for e in window.library.entries()}
    assert all(len(window.library.history(sop_id)) == 1 for sop_id in before)


def test_asking_per_sop(qtbot, made, archive):
    window, dialogs = made
    finish(qtbot, start(window, dialogs, archive)).accept()
    dialogs.answer("ask_conflict_policy", "ask")
    dialogs.answer("ask_import_conflict", "skip", "copy", "replace")
    dialog = finish(qtbot, start(window, dialogs, archive))
    assert dialogs.asked.count("ask_import_conflict") == 3
    assert column(dialog, 1) == ["dilewati", "diimpor sebagai SOP baru", "gagal", "gagal", "diganti"]
    assert len(window.library.entries()) == 4


def test_cancelling_keeps_what_was_imported_and_says_so(qtbot, made, archive):
    window, dialogs = made
    dialog = start(window, dialogs, archive)
    # Cancel as the second file is filed: deterministic, whatever the speed of the machine.
    dialog.run.file_done.connect(lambda done, _total: done == 2 and dialog.cancel_button.click())
    finish(qtbot, dialog)
    assert column(dialog, 1) == ["diimpor", "diimpor", "tidak diproses", "tidak diproses", "tidak diproses"]
    assert dialog.summary.text() == ("5 berkas: 2 SOP diimpor. Impor dibatalkan; 3 berkas tidak diproses. 2 SOP "
                                     "yang sudah diimpor tetap ada di pustaka.")
    assert dialog.current.text() == "Impor dibatalkan."
    assert sorted(e.nama for e in window.library.entries()) == sorted(
        read_sop_json(p).identity.nama for p in (ARSIP, RKT))


def test_closing_the_dialog_while_it_runs_cancels(qtbot, made, archive):
    window, dialogs = made
    dialog = start(window, dialogs, archive)
    run, closed = dialog.run, []
    dialog.finished.connect(closed.append)  # the dialog deletes itself once closed
    run.file_done.connect(lambda done, _total: done == 1 and dialog.reject())
    qtbot.waitUntil(lambda: bool(closed), timeout=WAIT_MS)
    assert run.cancelled and not run.running
    assert len(window.library.entries()) == 1


def test_the_open_sop_with_unsaved_changes_is_never_replaced(qtbot, made, tmp_path):
    window, dialogs = made
    folder, entry = one_sop_imported(qtbot, window, dialogs, tmp_path)
    window.open_from_library(entry.id)
    window.controller.set_identity("nama", "Nama yang sedang diketik", "Nama SOP")
    dialogs.answer("ask_conflict_policy", "replace_all")
    dialog = finish(qtbot, start(window, dialogs, folder))
    assert column(dialog, 1) == ["dilewati"] and "belum disimpan" in dialog.cells()[0][8]
    assert window.controller.sop.identity.nama == "Nama yang sedang diketik"
    assert window.library.load(entry.id).identity.nama == "Peminjaman Arsip Dinamis Inaktif"


def test_the_open_sop_replaced_by_the_import_shows_the_new_version(qtbot, made, tmp_path):
    window, dialogs = made
    folder, entry = one_sop_imported(qtbot, window, dialogs, tmp_path)
    # Same bytes give the same id (a changed file would be another SOP), so the library copy is changed instead.
    sop = window.library.load(entry.id)
    sop.identity.nama = "Versi lama di pustaka"
    window.library.save(sop)
    window.open_from_library(entry.id)
    assert window.controller.sop.identity.nama == "Versi lama di pustaka"
    dialogs.answer("ask_conflict_policy", "replace_all")
    dialog = finish(qtbot, start(window, dialogs, folder))
    assert column(dialog, 1) == ["diganti"]
    assert window.controller.sop.identity.nama == "Peminjaman Arsip Dinamis Inaktif"
    assert not window.isWindowModified()


def test_an_empty_folder_and_a_read_only_library_say_so(qtbot, made, make_window, tmp_path):
    window, dialogs = made
    empty = tmp_path / "kosong"
    empty.mkdir()
    (empty / "catatan.txt").write_text("x", encoding="utf-8")
    dialogs.answer("choose_folder", str(empty))
    assert window.import_folder() is None
    assert dialogs.infos and "Tidak ada berkas" in dialogs.infos[-1][1]
    second, second_dialogs = make_window()  # the same library, held by the first window
    assert second.library.read_only
    second_dialogs.answer("choose_folder", str(empty))
    assert second.import_folder() is None
    assert second_dialogs.errors and second_dialogs.errors[-1][0] == "Impor folder tidak dapat dijalankan"


def test_choosing_no_folder_does_nothing(made):
    window, dialogs = made
    assert window.import_folder() is None
    assert dialogs.errors == [] and dialogs.infos == []
