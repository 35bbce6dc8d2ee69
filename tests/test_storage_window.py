"""What the window says about library trouble: cleaned text on Ctrl+S, a lost lock, damaged files at start."""
from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from sopdesk.interchange import sop_from_fixture
from sopdesk.storage import CATALOG_NAME, LOCK_NAME, Library

from .conftest import load_fixture


def press_ctrl_s(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)  # shortcuts reach only the active window
    window.identity_form.nama.setFocus()
    qtbot.keyClick(window.identity_form.nama, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def arsip(nama: str = ""):
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    if nama:
        sop.identity.nama = nama
    return sop


def test_ctrl_s_with_text_utf8_cannot_hold_saves_and_names_the_cleaned_field(make_window, qtbot, tmp_path):
    window, dialogs = make_window()
    sop = arsip("Aman")
    sop.steps[0].kegiatan = "Terima berkas\ud800"
    window.open_document(sop, in_library=False, modified=True)
    press_ctrl_s(qtbot, window)
    qtbot.waitUntil(lambda: not window.controller.is_modified(), timeout=10_000)
    assert dialogs.errors == []
    ((title, text),) = dialogs.infos
    assert "Langkah 1" in text and "kegiatan" in text and "\ufffd" in text
    assert window.library.load(sop.id).steps[0].kegiatan == "Terima berkas\ufffd"


@pytest.mark.skipif(os.name != "posix", reason="Windows refuses to delete a lock file that is held open")
def test_a_window_whose_lock_file_another_copy_took_turns_read_only_and_says_why(make_window, qtbot, tmp_path):
    window, dialogs = make_window()
    (tmp_path / "pustaka" / LOCK_NAME).unlink()
    other = Library.open(tmp_path / "pustaka")
    try:
        window.open_document(arsip("Tidak boleh ditulis"), in_library=False, modified=True)
        press_ctrl_s(qtbot, window)
        qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=10_000)
        assert "kunci" in dialogs.errors[0][1]
        assert window.controller.is_modified()  # nothing was lost: the edits are still in the window
        assert window.read_only_banner.isVisibleTo(window) and "kunci" in window.read_only_banner.text()
        assert not window.save_action.isEnabled()
        assert other.entries() == []
    finally:
        other.close()


def test_the_start_report_lists_damaged_recovery_copies_and_notes(make_window, tmp_path):
    root = tmp_path / "pustaka"
    with Library.open(root) as lib:
        lib.save(arsip("Baik"))
    (root / "recovery" / "rusak.json").write_text("{ bukan json", encoding="utf-8")
    (root / CATALOG_NAME).unlink()
    (root / CATALOG_NAME).mkdir()
    window, dialogs = make_window()
    assert window.report_damaged()
    ((_title, text),) = dialogs.errors
    assert "pemulihan" in text and "rusak.json" in text
    assert "Katalog" in text
