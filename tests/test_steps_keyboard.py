"""The steps table used from the keyboard like a spreadsheet, and nothing typed in a cell is ever lost."""
import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QPlainTextEdit

from sopdesk.interchange import sop_from_fixture
from sopdesk.model import Duration, Symbol
from ui import dialogs as dlg
from ui.main_window import TAB_IDENTITY, TAB_STEPS
from ui.step_model import Col
from ui.steps_editor import DurationEditor

from .conftest import load_fixture

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
EDITING = QAbstractItemView.State.EditingState


def open_on_steps(make_window, qtbot):
    """A window with the arsip fixture open (unsaved) on the Langkah tab, active: (window, dialogs)."""
    window, dialogs = make_window()
    window.open_document(sop_from_fixture(load_fixture("contoh-peminjaman-arsip")), in_library=False, modified=True)
    window.tabs.setCurrentIndex(TAB_STEPS)
    window.activateWindow()
    # Shortcuts only fire in the active window, as under a real display.
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window, dialogs


@pytest.fixture
def win(make_window, qtbot):
    return open_on_steps(make_window, qtbot)


def cell(window, row, kind, actor=0):
    model = window.steps_editor.model
    return model.index(row, model.column_of(kind, actor))


def focus():
    return QApplication.focusWidget()


def start_editing(qtbot, window, row, kind):
    """Select the cell and open its editor with F2, as a user does."""
    table = window.steps_editor.table
    table.setCurrentIndex(cell(window, row, kind))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() == EDITING
    return focus()


def type_over(qtbot, window, row, kind, text):
    """Open a text cell and replace what it holds by typed keys; the editor stays open."""
    editor = start_editing(qtbot, window, row, kind)
    editor = editor if isinstance(editor, QPlainTextEdit) else editor.parent()
    assert isinstance(editor, QPlainTextEdit)
    editor.selectAll()
    qtbot.keyClicks(focus(), text)
    return editor


def type_on_cell(qtbot, window, row, kind, text):
    """Start typing on a selected cell (no F2): the first key opens the editor, the rest go where focus is."""
    table = window.steps_editor.table
    table.setCurrentIndex(cell(window, row, kind))
    table.setFocus()
    qtbot.keyClicks(table, text[0])
    assert table.state() == EDITING
    for char in text[1:]:  # each key goes where the focus is now, as a keyboard's do
        qtbot.keyClicks(focus(), char)


def closed(window):
    return window.steps_editor.table.state() != EDITING


# ---- 1. every way out of an open editor keeps what was typed -------------------------------------------


@pytest.mark.parametrize("kind", [Col.KEGIATAN, Col.KETERANGAN])
def test_ctrl_enter_keeps_the_typing_then_adds_a_step_and_undo_takes_them_back_one_by_one(win, qtbot, kind):
    window, _ = win
    sop = window.controller.sop
    old_text = getattr(sop.steps[1], kind.name.lower())
    type_over(qtbot, window, 1, kind, "Periksa berkas")
    qtbot.keyClick(focus(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    steps = window.controller.sop.steps
    assert len(steps) == 13
    assert getattr(steps[1], kind.name.lower()) == "Periksa berkas"
    assert steps[2].kegiatan == "" and window.steps_editor.current_row() == 2
    window.undo_action.trigger()
    assert len(window.controller.sop.steps) == 12
    assert getattr(window.controller.sop.steps[1], kind.name.lower()) == "Periksa berkas"
    window.undo_action.trigger()
    assert getattr(window.controller.sop.steps[1], kind.name.lower()) == old_text


@pytest.mark.parametrize("key, modifier, count, row_of_typed", [
    (Qt.Key.Key_Insert, Qt.KeyboardModifier.NoModifier, 13, 2),
    (Qt.Key.Key_D, CTRL, 13, 1),
])
def test_ins_and_ctrl_d_with_an_open_editor_keep_the_typing(win, qtbot, key, modifier, count, row_of_typed):
    window, _ = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    qtbot.keyClick(focus(), key, modifier)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    steps = window.controller.sop.steps
    assert len(steps) == count
    assert steps[row_of_typed].kegiatan == "Periksa berkas"


def test_a_toolbar_button_keeps_the_typing(win, qtbot):
    window, _ = win
    editor = window.steps_editor
    type_over(qtbot, window, 1, Col.OUTPUT, "Berkas lengkap")
    button = editor.toolbar.widgetForAction(editor.actions["insert_below"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.controller.sop.steps[1].output == "Berkas lengkap"
    assert len(window.controller.sop.steps) == 13


def test_a_tab_switch_keeps_the_typing(win, qtbot):
    window, _ = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    window.tabs.setCurrentIndex(TAB_IDENTITY)
    assert window.controller.sop.steps[1].kegiatan == "Periksa berkas"


def test_ctrl_s_saves_the_typing(win, qtbot):
    window, _ = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    qtbot.keyClick(focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.controller.is_modified(), timeout=5000)
    assert window.library.load(window.controller.sop.id).steps[1].kegiatan == "Periksa berkas"


def test_export_from_the_menu_writes_the_typing(win, qtbot, tmp_path):
    window, dialogs = win
    target = tmp_path / "keluar.json"
    dialogs.answer("save_file", (str(target), dlg.JSON_FILTER_NATIVE))
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    window.export_json_action.trigger()
    assert "Periksa berkas" in target.read_text(encoding="utf-8")
    assert json.loads(target.read_text(encoding="utf-8"))


def test_closing_the_window_keeps_the_typing(win, qtbot):
    window, dialogs = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    dialogs.answer("ask_unsaved", dlg.SAVE)
    assert window.close()
    assert window.library.load(window.controller.sop.id).steps[1].kegiatan == "Periksa berkas"


def test_undo_from_the_menu_commits_the_typing_first_so_redo_brings_it_back(win, qtbot):
    window, _ = win
    controller = window.controller
    controller.set_step_field(controller.sop.steps[5].id, "output", "Catatan", "output")
    old = controller.sop.steps[1].kegiatan
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    window.undo_action.trigger()
    assert closed(window)
    assert controller.sop.steps[1].kegiatan == old and controller.sop.steps[5].output == "Catatan"
    window.redo_action.trigger()
    assert controller.sop.steps[1].kegiatan == "Periksa berkas"


def test_opening_the_edit_menu_commits_the_typing_so_there_is_something_to_undo(win, qtbot):
    window, _ = win
    assert not window.undo_action.isEnabled()
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    menu = window.undo_action.associatedObjects()[-1]
    menu.popup(window.mapToGlobal(QPoint(10, 10)))
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    assert window.controller.sop.steps[1].kegiatan == "Periksa berkas" and window.undo_action.isEnabled()
    menu.hide()


def test_a_structural_change_from_elsewhere_does_not_drop_the_typing(win, qtbot):
    window, _ = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa berkas")
    window.controller.add_actor("Sekretaris")  # resets the table under the open editor
    qtbot.waitUntil(lambda: window.controller.sop.steps[1].kegiatan == "Periksa berkas", timeout=5000)


# ---- 2. typed times --------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, value, unit", [
    ("10 menit", 10, "Menit"), ("1,5 jam", 1.5, "Jam"), ("2 hari kerja", 2, "Hari Kerja"), ("3 HK", 3, "Hari Kerja"),
    ("1 minggu", 1, "Minggu"), ("30 mnt", 30, "Menit"), ("2 hari", 2, "Hari"), ("1 hari", 1, "Hari"),
    ("4 BULAN", 4, "Bulan"), ("45", 45, "Menit"),
])
def test_typing_a_time_sets_number_and_unit(win, qtbot, typed, value, unit):
    window, _ = win
    type_on_cell(qtbot, window, 1, Col.WAKTU, typed)
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[1].waktu == Duration(value, unit)


def test_a_typed_text_that_is_no_time_is_kept_as_typed_and_warned_about(win, qtbot):
    window, _ = win
    type_on_cell(qtbot, window, 1, Col.WAKTU, "2 menit/berkas")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[1].waktu == Duration(text="2 menit/berkas")
    type_on_cell(qtbot, window, 2, Col.WAKTU, "sesuai antrean")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[2].waktu == Duration(text="sesuai antrean")
    from sopdesk.validation import validate

    codes = [(p.code, p.target.item_id) for p in validate(window.controller.sop)]
    assert ("waktu-unreadable", window.controller.sop.steps[2].id) in codes


def test_the_unit_list_opens_from_the_keyboard_in_the_time_editor(win, qtbot):
    window, _ = win
    start_editing(qtbot, window, 1, Col.WAKTU)
    editor = window.steps_editor.table.indexWidget(cell(window, 1, Col.WAKTU))
    assert isinstance(editor, DurationEditor)
    number = editor.number.value()
    qtbot.keyClick(focus(), Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(editor.unit.view().isVisible, timeout=5000)
    assert editor.number.value() == number
    editor.unit.hidePopup()


# ---- 3. keyboard traps -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key, modifier", [(Qt.Key.Key_Down, ALT), (Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier)])
@pytest.mark.parametrize("kind, row", [(Col.SIMBOL, 1), (Col.YA, 2), (Col.TIDAK, 2)])
def test_alt_down_and_f4_open_the_drop_down_and_leave_the_step_in_place(win, qtbot, key, modifier, kind, row):
    window, _ = win
    order = [s.id for s in window.controller.sop.steps]
    table = window.steps_editor.table
    table.setCurrentIndex(cell(window, row, kind))
    table.setFocus()
    qtbot.keyClick(table, key, modifier)
    combo = table.indexWidget(cell(window, row, kind))
    assert isinstance(combo, QComboBox)
    qtbot.waitUntil(combo.view().isVisible, timeout=5000)
    combo.hidePopup()
    assert [s.id for s in window.controller.sop.steps] == order


def test_choosing_from_the_drop_down_finishes_the_cell_so_the_next_keys_go_to_the_table(win, qtbot):
    # Seen under a real display: after F4, Down, Enter the list closed but the cell stayed open, so
    # Ctrl+Enter and the typing that followed went into the list instead of adding a step.
    window, _ = win
    table = window.steps_editor.table
    count = len(window.controller.sop.steps)
    table.setCurrentIndex(cell(window, 1, Col.SIMBOL))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F4)
    combo = table.indexWidget(cell(window, 1, Col.SIMBOL))
    qtbot.waitUntil(combo.view().isVisible, timeout=5000)
    wanted = combo.findData("keputusan")
    combo.view().setCurrentIndex(combo.model().index(wanted, 0))
    qtbot.keyClick(combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[1].symbol.value == "keputusan"
    assert focus() is table
    qtbot.keyClick(focus(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(window.controller.sop.steps) == count + 1


def test_ctrl_shift_up_and_down_move_the_step(win, qtbot):
    window, _ = win
    editor = window.steps_editor
    moved = window.controller.sop.steps[4].id
    editor.table.setCurrentIndex(cell(window, 4, Col.KEGIATAN))
    editor.table.setFocus()
    qtbot.keyClick(editor.table, Qt.Key.Key_Down, CTRL | SHIFT)
    assert window.controller.sop.steps[5].id == moved and editor.current_row() == 5
    qtbot.keyClick(editor.table, Qt.Key.Key_Up, CTRL | SHIFT)
    assert window.controller.sop.steps[4].id == moved
    action = editor.actions["move_down"]
    assert action.shortcut() == QKeySequence("Ctrl+Shift+Down")
    # Shown in the user's words (an installed Qt translation says "Bawah").
    assert QKeySequence("Ctrl+Shift+Down").toString(QKeySequence.SequenceFormat.NativeText) in action.toolTip()


def test_enter_finishes_a_text_cell_and_moves_down(win, qtbot):
    window, _ = win
    type_over(qtbot, window, 1, Col.KEGIATAN, "Periksa")
    qtbot.keyClick(focus(), Qt.Key.Key_Return, SHIFT)
    qtbot.keyClicks(focus(), "berkas")
    qtbot.keyClick(focus(), Qt.Key.Key_Return, ALT)
    qtbot.keyClicks(focus(), "masuk")
    qtbot.keyClick(focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[1].kegiatan == "Periksa\nberkas\nmasuk"
    current = window.steps_editor.table.currentIndex()
    assert (current.row(), current.column()) == (2, cell(window, 2, Col.KEGIATAN).column())


@pytest.mark.parametrize("kind", [Col.KELENGKAPAN, Col.OUTPUT, Col.KETERANGAN])
def test_enter_finishes_every_multi_line_cell(win, qtbot, kind):
    window, _ = win
    type_over(qtbot, window, 3, kind, "Satu")
    qtbot.keyClick(focus(), Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert getattr(window.controller.sop.steps[3], kind.name.lower()) == "Satu"
    assert window.steps_editor.current_row() == 4


def test_tab_moves_only_across_cells_that_apply_and_wraps_rows(win, qtbot):
    window, _ = win
    table = window.steps_editor.table
    model = window.steps_editor.model
    actors = model.actor_count()
    table.setCurrentIndex(cell(window, 1, Col.SIMBOL))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(window, 1, Col.KELENGKAPAN)  # row 2 is no decision: no Ya/Tidak
    table.setCurrentIndex(cell(window, 1, Col.KETERANGAN))
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(window, 2, Col.KEGIATAN)  # wraps, skipping No
    for _ in range(actors + 1):
        qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(window, 2, Col.SIMBOL)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(window, 2, Col.YA)  # row 3 is a decision
    table.setCurrentIndex(cell(window, 2, Col.KEGIATAN))
    qtbot.keyClick(table, Qt.Key.Key_Backtab, SHIFT)
    assert table.currentIndex() == cell(window, 1, Col.KETERANGAN)
    table.setCurrentIndex(cell(window, 2, Col.KELENGKAPAN))
    qtbot.keyClick(table, Qt.Key.Key_Backtab, SHIFT)
    qtbot.keyClick(table, Qt.Key.Key_Backtab, SHIFT)
    assert table.currentIndex() == cell(window, 2, Col.YA)


def test_tab_from_an_open_editor_commits_and_skips_cells_that_do_not_apply(win, qtbot):
    window, _ = win
    table = window.steps_editor.table
    type_over(qtbot, window, 1, Col.KETERANGAN, "Catatan")
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert window.controller.sop.steps[1].keterangan == "Catatan"
    assert table.currentIndex() == cell(window, 2, Col.KEGIATAN)
    start_editing(qtbot, window, 1, Col.SIMBOL)
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert table.currentIndex() == cell(window, 1, Col.KELENGKAPAN)


def test_space_toggles_the_actor_of_the_current_cell(win, qtbot):
    window, _ = win
    table = window.steps_editor.table
    actor = window.controller.sop.actors[1].id
    was = actor in window.controller.sop.steps[1].actors
    table.setCurrentIndex(cell(window, 1, Col.ACTOR, 1))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert (actor in window.controller.sop.steps[1].actors) is not was
    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert (actor in window.controller.sop.steps[1].actors) is was


def test_a_new_decision_points_ya_at_the_next_step_as_one_undo_step(win, qtbot):
    window, _ = win
    sop = window.controller.sop
    before = sop.clone()
    assert sop.steps[6].yes_target is None
    start_editing(qtbot, window, 6, Col.SIMBOL)
    combo = focus()
    combo.setCurrentIndex(combo.findData(Symbol.DECISION.value))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    step = window.controller.sop.steps[6]
    assert step.symbol is Symbol.DECISION
    assert step.yes_target == window.controller.sop.steps[7].id and step.no_target is None
    window.undo_action.trigger()
    assert window.controller.sop == before


def test_a_decision_keeps_a_ya_target_already_chosen(win, qtbot):
    window, _ = win
    controller = window.controller
    controller.set_step_field(controller.sop.steps[6].id, "yes_target", controller.sop.steps[9].id, "tujuan")
    model = window.steps_editor.model
    model.setData(cell(window, 6, Col.SIMBOL), Symbol.DECISION.value)
    assert controller.sop.steps[6].yes_target == controller.sop.steps[9].id


def test_dragging_a_row_header_reorders_steps_as_one_undo_step(win, qtbot):
    window, _ = win
    header = window.steps_editor.table.verticalHeader()
    assert header.isVisible()
    before = [s.id for s in window.controller.sop.steps]
    decision_targets = (window.controller.sop.steps[2].yes_target, window.controller.sop.steps[2].no_target)
    start = QPoint(header.width() // 2, header.sectionViewportPosition(1) + header.sectionSize(1) // 2)
    end = QPoint(header.width() // 2, header.sectionViewportPosition(4) + header.sectionSize(4) - 2)
    viewport = header.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(viewport, start + (end - start) * step / 10)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    qtbot.waitUntil(lambda: [s.id for s in window.controller.sop.steps] != before, timeout=5000)
    after = [s.id for s in window.controller.sop.steps]
    expected = list(before)
    expected.insert(4, expected.pop(1))
    assert after == expected
    moved_decision = window.controller.sop.step(before[2])
    assert (moved_decision.yes_target, moved_decision.no_target) == decision_targets
    assert [header.logicalIndex(v) for v in range(header.count())] == list(range(header.count()))
    window.undo_action.trigger()
    assert [s.id for s in window.controller.sop.steps] == before


def test_deleting_several_steps_asks_then_says_how_many_went_and_undoes_at_once(win, qtbot):
    window, dialogs = win
    editor = window.steps_editor
    before = window.controller.sop.clone()
    table = editor.table
    table.setCurrentIndex(cell(window, 3, Col.KEGIATAN))
    table.setFocus()
    for _ in range(2):
        qtbot.keyClick(table, Qt.Key.Key_Down, SHIFT)
    dialogs.answer("confirm", False)
    qtbot.keyClick(table, Qt.Key.Key_Delete, CTRL)
    assert "confirm" in dialogs.asked and window.controller.sop == before
    dialogs.answer("confirm", True)
    qtbot.keyClick(table, Qt.Key.Key_Delete, CTRL)
    assert len(window.controller.sop.steps) == 9
    assert window.statusBar().currentMessage() == "3 langkah dihapus"
    window.undo_action.trigger()
    assert window.controller.sop == before


def test_deleting_one_step_does_not_ask(win, qtbot):
    window, dialogs = win
    table = window.steps_editor.table
    table.setCurrentIndex(cell(window, 3, Col.KEGIATAN))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete, CTRL)
    assert "confirm" not in dialogs.asked
    assert len(window.controller.sop.steps) == 11
    assert window.statusBar().currentMessage() == "1 langkah dihapus"


def test_tab_from_the_time_editor_keeps_the_typed_time_and_goes_to_the_next_cell(win, qtbot):
    window, _ = win
    type_on_cell(qtbot, window, 1, Col.WAKTU, "2 hari kerja")
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert window.controller.sop.steps[1].waktu == Duration(2, "Hari Kerja")
    assert window.steps_editor.table.currentIndex() == cell(window, 1, Col.OUTPUT)


def test_leaving_the_time_editor_for_another_field_keeps_the_typing(win, qtbot):
    window, _ = win
    type_on_cell(qtbot, window, 2, Col.WAKTU, "sesuai antrean")
    qtbot.mouseClick(window.steps_editor.yes_label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: closed(window), timeout=5000)
    assert window.controller.sop.steps[2].waktu == Duration(text="sesuai antrean")


def test_escape_leaves_a_cell_without_keeping_the_typing(win, qtbot):
    window, _ = win
    old = window.controller.sop.steps[1].waktu
    type_on_cell(qtbot, window, 1, Col.WAKTU, "2 hari")
    qtbot.keyClick(focus(), Qt.Key.Key_Escape)
    assert closed(window) and window.controller.sop.steps[1].waktu == old
