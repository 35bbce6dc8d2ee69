"""The total-time line under the steps table, the Halaman settings and Preferensi, on the real window."""
from __future__ import annotations

from PySide6.QtCore import Qt

from sopdesk.model import PageSettings
from sopdesk.total_time import summary, total_time
from ui.main_window import TAB_PAGE
from ui.preferences import PreferencesDialog
from ui.step_model import Col
from ui.ui_state import Profile

from .test_steps_keyboard import closed, focus, open_on_steps, type_on_cell


def _open(make_window, qtbot):
    window, _dialogs = open_on_steps(make_window, qtbot)
    return window


def test_the_line_shows_the_total_and_follows_a_typed_time(make_window, qtbot):
    window = _open(make_window, qtbot)
    view = window.steps_editor.total_time
    assert view.isVisible()
    before = total_time(window.controller.sop)
    assert view.plain_text().startswith(summary(before))
    type_on_cell(qtbot, window, 1, Col.WAKTU, "2 hari kerja")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    after = total_time(window.controller.sop)
    assert after.shortest == before.shortest - 15 + 900  # step 2 was 15 Menit
    assert view.plain_text().startswith(summary(after))


def test_an_unreadable_time_is_named_and_its_link_selects_the_waktu_cell(make_window, qtbot):
    window = _open(make_window, qtbot)
    view = window.steps_editor.total_time
    type_on_cell(qtbot, window, 3, Col.WAKTU, "2 menit/berkas")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert "Waktu tidak terbaca, tidak dihitung: langkah 4." in view.plain_text()
    assert "2 menit/berkas" in view.toolTip()
    window.steps_editor.table.setCurrentIndex(window.steps_editor.model.index(0, 0))
    view.linkActivated.emit(window.controller.sop.steps[3].id)
    current = window.steps_editor.table.currentIndex()
    assert current.row() == 3
    assert current.column() == window.steps_editor.model.column_of(Col.WAKTU)


def test_the_halaman_tab_turns_the_printed_row_on_and_changes_the_rules_undoably(make_window, qtbot):
    window = _open(make_window, qtbot)
    window.tabs.setCurrentIndex(TAB_PAGE)
    page_editor = window.page_editor
    qtbot.mouseClick(page_editor.total_time_row, Qt.MouseButton.LeftButton)
    assert window.controller.sop.page.total_time_row is True
    spin = page_editor.time_rules.spins["workday_hours"]
    assert spin.value() == 7.5
    spin.setValue(8.0)
    assert window.controller.sop.page.workday_hours == 8.0
    assert "8 jam" in window.steps_editor.total_time.toolTip()
    window.controller.undo()
    assert window.controller.sop.page.workday_hours == 7.5 and spin.value() == 7.5
    window.controller.undo()
    assert window.controller.sop.page.total_time_row is False
    assert not page_editor.total_time_row.isChecked()


def test_preferensi_gives_new_sops_the_rules_and_the_row_setting(qtbot):
    page = PageSettings(total_time_row=True, workday_hours=8.0)
    dialog = PreferencesDialog(Profile(), page, "/tmp/pustaka", None)
    qtbot.addWidget(dialog)
    assert dialog.time_rules.spins["workday_hours"].value() == 8.0
    dialog.time_rules.spins["month_workdays"].setValue(22.0)
    chosen = dialog.page_settings()
    assert (chosen.total_time_row, chosen.workday_hours, chosen.month_workdays) == (True, 8.0, 22.0)
