"""Odd values in the window: margins stay printable, a broken logo is refused, a full disk keeps the window open."""
from __future__ import annotations

import errno

from PySide6.QtCore import Qt

from sopdesk import sanity
from sopdesk.storage import StorageError
from ui import dialogs as dlg

from .conftest import FIXTURES_DIR
from .test_layout import png_bytes


def png(width: int = 4, height: int = 3) -> bytes:
    return png_bytes(width, height)


def open_arsip(window, dialogs) -> None:
    assert window.import_json(str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))


# ---- margins ------------------------------------------------------------------------------------


def test_margin_spin_boxes_stop_where_the_printable_area_would_vanish(make_window, qtbot):
    window, dialogs = make_window()
    open_arsip(window, dialogs)
    editor = window.page_editor
    left, right = editor.margins["margin_left"], editor.margins["margin_right"]
    page = window.controller.sop.page
    assert left.maximum() == sanity.margin_limit_mm(page, "margin_left")
    left.setValue(500)
    assert window.controller.sop.page.margin_left == left.maximum() < 500
    page = window.controller.sop.page
    width = sanity.sheet_size_mm(page)[0]
    assert width - page.margin_left - page.margin_right >= sanity.MIN_PRINTABLE_MM
    # The opposite margin's limit follows.
    assert right.maximum() == sanity.margin_limit_mm(page, "margin_right") <= right.value() + 0.05
    assert sanity.page_problems(page) == []


def test_turning_the_sheet_replaces_margins_that_no_longer_fit_in_one_undo_step(make_window, qtbot):
    window, dialogs = make_window()
    open_arsip(window, dialogs)
    editor = window.page_editor
    assert window.controller.sop.page.landscape
    editor.margins["margin_left"].setValue(150)
    assert window.controller.sop.page.margin_left == 150
    editor.landscape.click()  # portrait: 210 mm wide, 150 + 15 mm of margins would leave 45 mm
    page = window.controller.sop.page
    assert not page.landscape and page.margin_left == 15 and sanity.page_problems(page) == []
    assert not editor.notice.isHidden()
    assert "Margin kiri 150 mm tidak dapat dicetak; diganti 15 mm." in editor.notice.text()
    assert editor.margins["margin_left"].value() == 15
    window.undo_action.trigger()
    assert window.controller.sop.page.landscape and window.controller.sop.page.margin_left == 150
    assert editor.margins["margin_left"].value() == 150 and editor.notice.isHidden()


# ---- the logo -----------------------------------------------------------------------------------


def test_a_logo_that_does_not_decode_is_refused_in_indonesian(make_window, qtbot, tmp_path):
    window, dialogs = make_window()
    form = window.identity_form
    for name, data in (("terpotong.png", png()[:-12]), ("rusak.png", png()[:40]), ("hampa.png", b"")):
        path = tmp_path / name
        path.write_bytes(data)
        dialogs.answer("open_file", str(path))
        qtbot.mouseClick(form.logo_button, Qt.MouseButton.LeftButton)
        assert window.controller.sop.identity.logo is None
        assert dialogs.errors[-1][0] == "Logo tidak dapat dibaca" and name in dialogs.errors[-1][1]
    good = tmp_path / "baik.png"
    good.write_bytes(png())
    dialogs.answer("open_file", str(good))
    qtbot.mouseClick(form.logo_button, Qt.MouseButton.LeftButton)
    assert window.controller.sop.identity.logo.data == png()


# ---- closing on a full disk ---------------------------------------------------------------------


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_closing_on_a_full_disk_keeps_the_window_open_and_says_why(make_window, qtbot, monkeypatch):
    window, dialogs = make_window()
    open_arsip(window, dialogs)
    window.save_action.trigger()  # the catalogue now waits for its flush
    assert window.library.entries()
    monkeypatch.setattr("sopdesk.catalog.atomic_write_bytes", _disk_full)
    assert not window.close()
    assert window.isVisible()
    title, text = dialogs.errors[-1]
    assert title == "Pustaka tidak dapat disimpan"
    assert "disk penuh" in text and "Jendela tetap terbuka" in text
    # Still working: once there is room again, the window closes and the catalogue is written.
    monkeypatch.undo()
    assert window.close()


def test_closing_when_saving_the_changes_fails_keeps_the_window_open(make_window, qtbot, monkeypatch):
    window, dialogs = make_window()
    open_arsip(window, dialogs)

    def fail(sop, *args, **kwargs):
        raise StorageError("Tidak dapat menyimpan SOP: disk penuh.")

    monkeypatch.setattr(window.library, "save", fail)
    dialogs.answer("ask_unsaved", dlg.SAVE)
    assert not window.close()
    assert window.isVisible() and window.controller.is_modified()
    assert dialogs.errors[-1][0] == "Gagal menyimpan"
