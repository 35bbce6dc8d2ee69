"""The window fits an office laptop screen (1366 x 768, 1280 x 720) and remembers its layout between starts.

The offscreen platform takes its screen size from a JSON file named in QT_QPA_PLATFORM
("offscreen:configfile=…"), fixed for the life of a process: each screen size is checked in a child process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from ui.main_window import TAB_BOXES, TAB_IDENTITY, TAB_STEPS

from .conftest import FIXTURES_DIR, ROOT

FIVE_ACTORS = "000_dca99833c4e40ed1"  # five actors, seventeen steps


def probe(settings: str, library: str, fixture: str, action: str) -> None:
    """Child process: open the window like a user would, then print what was measured as JSON."""
    from PySide6.QtWidgets import QAbstractScrollArea, QApplication

    from sopdesk.storage import Library
    from tests.gui_helpers import ScriptedDialogs
    from ui.main_window import MainWindow
    from ui.ui_state import UiState

    app = QApplication([])

    def settle() -> None:
        for _ in range(10):
            app.processEvents()
            app.sendPostedEvents()

    dialogs = ScriptedDialogs()
    window = MainWindow(UiState(settings), Library.open(library), dialogs)
    if fixture:
        dialogs.answer("open_file", fixture)
        window.import_json_action.trigger()
        window.save_action.trigger()
    if action == "grow":  # a window as big as a desktop monitor, remembered at close
        window.show()
        settle()
        window.setGeometry(100, 80, 1800, 1000)
        settle()
        window.close()
        print(json.dumps({"closed": not window.isVisible()}))
        return
    window.show()
    settle()

    def h_bar(area: QAbstractScrollArea) -> bool:
        bar = area.horizontalScrollBar()
        return bar.isVisible() and bar.maximum() > 0

    report = {"available": window.screen().availableGeometry().getRect(),
              "frame": window.frameGeometry().getRect(),
              "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
              "tabs": {}}
    for tab, area in ((TAB_IDENTITY, window.identity_form), (TAB_BOXES, window.boxes_editor),
                      (TAB_STEPS, window.steps_editor.table)):
        window.tabs.setCurrentIndex(tab)
        settle()
        entry = {"h_scroll": h_bar(area)}
        if tab == TAB_STEPS:
            table = area
            header = table.horizontalHeader()
            entry["columns"] = table.model().columnCount()
            entry["rows"] = table.model().rowCount()
            entry["columns_width"] = header.length()
            entry["viewport_width"] = table.viewport().width()
            entry["narrowest"] = min(header.sectionSize(c) for c in range(header.count()))
        report["tabs"][str(tab)] = entry
    print(json.dumps(report))
    window.close()


def run_probe(tmp_path, size: tuple[int, int], action: str = "measure", fixture: str = "") -> dict:
    config = tmp_path / f"screen-{size[0]}x{size[1]}.json"
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": size[0],
                                               "height": size[1], "logicalDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    code = ("import sys; from tests.test_window_fit import probe; "
            "probe(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4])")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "ui.ini"), str(tmp_path / "pustaka"),
                           fixture, action], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def inside(frame, available) -> bool:
    x, y, w, h = frame
    ax, ay, aw, ah = available
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)], ids=["1366x768", "1280x720"])
def test_first_window_fits_the_laptop_screen_with_no_sideways_scrolling(tmp_path, size):
    report = run_probe(tmp_path, size, fixture=str(FIXTURES_DIR / f"{FIVE_ACTORS}.json"))
    assert inside(report["frame"], report["available"]), report
    assert report["minimum"][0] <= size[0] and report["minimum"][1] <= size[1]
    assert not report["tabs"][str(TAB_IDENTITY)]["h_scroll"]
    assert not report["tabs"][str(TAB_BOXES)]["h_scroll"]
    steps = report["tabs"][str(TAB_STEPS)]
    assert steps["columns"] == 14 and steps["rows"] == 17
    assert not steps["h_scroll"]
    assert steps["columns_width"] <= steps["viewport_width"]  # every column in sight
    assert steps["narrowest"] >= 30


def test_geometry_saved_on_a_big_monitor_is_pulled_onto_the_laptop_screen(tmp_path):
    run_probe(tmp_path, (1920, 1080), action="grow")
    report = run_probe(tmp_path, (1280, 720))
    assert inside(report["frame"], report["available"]), report


def open_saved_fixture(window, dialogs, name: str) -> str:
    dialogs.answer("open_file", str(FIXTURES_DIR / f"{name}.json"))
    window.import_json_action.trigger()
    window.save_action.trigger()
    return window.controller.sop.id


def test_layout_tab_zoom_and_last_sop_come_back_after_a_restart(make_window, qtbot):
    window, dialogs = make_window()
    sop_id = open_saved_fixture(window, dialogs, FIVE_ACTORS)
    assert not window.library_dock.isVisible() and not window.preview_dock.isVisible()  # an 800 x 600 screen
    window.library_action.trigger()
    window.preview_action.trigger()
    qtbot.mouseClick(window.problems_panel.summary, Qt.MouseButton.LeftButton)
    window.tabs.setCurrentIndex(TAB_STEPS)
    qtbot.mouseClick(window.preview.zoom_in, Qt.MouseButton.LeftButton)
    zoom = window.preview.canvas.zoom
    window.new_action.trigger()
    window.open_from_library(sop_id)
    window.tabs.setCurrentIndex(TAB_STEPS)
    assert window.close()

    again, _ = make_window()
    assert again.controller.sop.id == sop_id and again.controller.in_library
    assert not again.isWindowModified()
    assert again.library_dock.isVisible() and again.preview_dock.isVisible() and again.problems_dock.isVisible()
    assert again.library_action.isChecked() and again.preview_action.isChecked()
    assert again.tabs.currentIndex() == TAB_STEPS
    assert again.preview.canvas.zoom == pytest.approx(zoom)
    assert again.library_panel.current_id() == sop_id


def test_hidden_panels_stay_hidden_and_a_trashed_last_sop_is_not_reopened(make_window):
    window, dialogs = make_window()
    sop_id = open_saved_fixture(window, dialogs, FIVE_ACTORS)
    window.preview_action.trigger()
    window.preview_action.trigger()
    assert window.close()
    again, dialogs = make_window()
    assert again.controller.sop.id == sop_id
    assert not again.preview_dock.isVisible()
    dialogs.answer("confirm", True)
    again.trash_sop(sop_id)
    assert again.close()
    third, _ = make_window()
    assert not third.controller.in_library and third.controller.sop.id != sop_id


def test_recovery_is_still_offered_over_the_last_sop(make_window, qtbot):
    window, dialogs = make_window()
    sop_id = open_saved_fixture(window, dialogs, FIVE_ACTORS)
    qtbot.keyClicks(window.identity_form.nama, " (belum disimpan)")
    window.write_recovery()
    window.library.close()  # the session ends without closing the window: a crash

    again, dialogs = make_window()
    assert again.controller.sop.id == sop_id and not again.isWindowModified()
    dialogs.answer("confirm", True)
    assert again.offer_recovery()
    assert again.controller.sop.identity.nama.endswith("(belum disimpan)")
    assert again.isWindowModified()


def test_the_view_menu_names_every_panel_in_indonesian(make_window):
    window, _ = make_window()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tampilan")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["&Pustaka", "P&ratinjau", "Daftar &masalah", "Pratinjau di jendela &sendiri",
                     "Kembalikan tata letak &bawaan"]
    shortcuts = {a.text(): a.shortcut().toString() for a in menu.actions()}
    assert shortcuts["&Pustaka"] == "Ctrl+L" and shortcuts["P&ratinjau"] == "F8"


def test_the_problems_line_opens_the_list_on_click(make_window, qtbot):
    window, dialogs = make_window()
    open_saved_fixture(window, dialogs, FIVE_ACTORS)
    window.problems_panel.refresh()
    summary = window.problems_panel.summary
    assert summary.isVisible()
    assert summary.text() == "Tidak ada masalah." or summary.text().startswith("Masalah: ")
    assert not window.problems_dock.isVisible()
    qtbot.mouseClick(summary, Qt.MouseButton.LeftButton)
    assert window.problems_dock.isVisible()
    qtbot.mouseClick(summary, Qt.MouseButton.LeftButton)
    assert not window.problems_dock.isVisible()


def test_the_preview_can_float_in_its_own_window(make_window):
    window, _ = make_window()
    window.float_preview_action.trigger()
    assert window.preview_dock.isVisible() and window.preview_dock.isFloating()
    window.float_preview_action.trigger()
    assert not window.preview_dock.isFloating()


def test_columns_share_the_width_by_weight_and_keep_their_minimums():
    from ui.column_fit import share_width

    widths = share_width(1000, [(0.0, 34), (3.0, 150), (1.0, 60), (1.0, 60)])
    assert widths[0] == 34 and sum(widths) <= 1000 and widths[1] == 3 * widths[2]
    squeezed = share_width(400, [(0.0, 34), (3.0, 150), (1.0, 60), (1.0, 200)])
    assert squeezed[0] == 34 and squeezed[3] == 200 and squeezed[1] >= 150  # too little room: minimums win


def test_a_narrow_library_panel_shows_nomor_and_nama_only(qtbot):
    from ui.library_panel import LibraryPanel

    panel = LibraryPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 500)
    panel.show()
    qtbot.waitUntil(lambda: panel.table.isColumnHidden(2), timeout=5000)
    assert panel.table.isColumnHidden(3) and not panel.table.isColumnHidden(1)
    panel.resize(700, 500)
    qtbot.waitUntil(lambda: not panel.table.isColumnHidden(2), timeout=5000)
    assert not panel.table.isColumnHidden(3)


def test_a_status_message_after_saving_does_not_hide_the_problems_line(make_window):
    window, dialogs = make_window()
    open_saved_fixture(window, dialogs, FIVE_ACTORS)  # saving shows "… tersimpan di pustaka"
    assert "tersimpan" in window.statusBar().currentMessage()
    assert window.problems_panel.summary.isVisible()
