"""Commands answer: Ctrl+S in a read-only copy says why, an export names its file and offers to open it."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from sopdesk.storage import Library

from .conftest import FIXTURES_DIR


def press_ctrl_s(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)  # shortcuts reach only the active window
    window.identity_form.nama.setFocus()
    qtbot.keyClick(window.identity_form.nama, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_s_in_a_read_only_second_copy_says_why(make_window, qtbot, tmp_path):
    first = Library.open(tmp_path / "pustaka")  # the other copy of SOP Desk, holding the lock
    try:
        window, dialogs = make_window()
        assert window.library.read_only
        qtbot.keyClicks(window.identity_form.nama, "Tidak hilang")
        press_ctrl_s(qtbot, window)
        qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=10_000)
        title, text = dialogs.errors[-1]
        assert title == "Tidak dapat menyimpan"
        assert "hanya dapat dibaca" in text and "Ekspor JSON" in text
        assert "tidak dapat disimpan" in window.statusBar().currentMessage()
        assert window.controller.sop.identity.nama.endswith("Tidak hilang")  # nothing typed is lost
        assert first.entries() == []
    finally:
        first.close()


@pytest.fixture
def window(make_window):
    win, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    win.import_json_action.trigger()
    win.opened_urls = []
    dialogs.open_url = lambda url: (win.opened_urls.append(url.toLocalFile()), True)[1]
    return win


def notice_parts(window):
    notice = window.export_notice
    buttons = {b.text(): b for b in notice.findChildren(QAbstractButton)}
    return notice, notice.findChild(QLabel).text(), buttons


@pytest.mark.parametrize("action, extension, kind", [("export_pdf_action", "pdf", "PDF"),
                                                      ("export_docx_action", "docx", "Word"),
                                                      ("export_xlsx_action", "xlsx", "Excel"),
                                                      ("export_json_action", "json", "JSON")])
def test_an_export_names_its_file_and_opens_it_or_its_folder(window, qtbot, tmp_path, action, extension, kind):
    target = tmp_path / "keluar" / f"arsip.{extension}"
    target.parent.mkdir()
    window.dialogs.answer("save_file", (str(target), ""))
    getattr(window, action).trigger()
    assert target.exists()
    notice, text, buttons = notice_parts(window)
    assert notice.isVisibleTo(window)
    assert kind in text and "arsip." + extension in text
    qtbot.mouseClick(buttons["Buka berkas"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(buttons["Buka folder"], Qt.MouseButton.LeftButton)
    assert [Path(p) for p in window.opened_urls] == [target, target.parent]


def test_the_export_notice_closes_and_a_failed_export_shows_none(window, qtbot, tmp_path):
    window.dialogs.answer("save_file", (str(tmp_path / "a.pdf"), ""))
    window.export_pdf_action.trigger()
    notice, _text, buttons = notice_parts(window)
    qtbot.mouseClick(buttons["Tutup"], Qt.MouseButton.LeftButton)
    assert not notice.isVisibleTo(window)
    window.dialogs.answer("save_file", (str(tmp_path / "tidak-ada" / "b.docx"), ""))
    window.export_docx_action.trigger()
    assert window.dialogs.errors
    assert not notice.isVisibleTo(window)


def test_ctrl_s_says_that_the_sop_was_saved(make_window):
    window, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    window.import_json_action.trigger()
    window.save_action.trigger()
    message = window.statusBar().currentMessage()
    assert window.controller.sop.identity.nama in message and "tersimpan" in message


def test_an_export_refused_for_a_value_that_cannot_print_names_it_without_a_python_error(make_window, tmp_path):
    window, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    window.import_json_action.trigger()
    window.controller.sop.page.margin_left = 900.0  # slipped past every editor: the writer still refuses it
    for extension in ("pdf", "docx", "xlsx"):
        dialogs.errors.clear()
        assert window.export_office(extension, str(tmp_path / f"sop.{extension}")) is False
        (title, text), = dialogs.errors
        assert "kiri" in text.lower() and "Error" not in text
