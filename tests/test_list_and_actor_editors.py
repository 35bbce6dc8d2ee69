"""List editors (six boxes) and the Pelaksana editor, driven through their widgets."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from sopdesk.interchange import sop_from_fixture
from ui.actors_editor import ActorsEditor
from ui.controller import DocumentController
from ui.list_editors import BoxesEditor

from .conftest import load_fixture
from .gui_helpers import ScriptedDialogs


@pytest.fixture
def controller(qtbot):
    c = DocumentController()
    c.open_document(sop_from_fixture(load_fixture("contoh-peminjaman-arsip")), in_library=True)
    return c


@pytest.fixture
def boxes(qtbot, controller):
    widget = BoxesEditor(controller, ScriptedDialogs())
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget


def test_clipboard_paste_adds_one_item_per_line_without_numbers(boxes, controller, qtbot):
    editor = boxes.editors["dasar_hukum"]
    editor.list.setCurrentRow(1)
    QGuiApplication.clipboard().setText("1. Undang-Undang Nomor 25 Tahun 2009\n2) Perpres Nomor 95 Tahun 2018\n")
    editor.list.setFocus()
    qtbot.keyClick(editor.list, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert controller.sop.identity.dasar_hukum[2:] == ["Undang-Undang Nomor 25 Tahun 2009",
                                                      "Perpres Nomor 95 Tahun 2018"]
    controller.stack.undo()
    assert len(controller.sop.identity.dasar_hukum) == 2


def test_edit_in_place_move_and_delete(boxes, controller, qtbot):
    editor = boxes.editors["peralatan_perlengkapan"]
    items = controller.sop.identity.peralatan_perlengkapan
    first = items[0]
    editor.list.item(1).setText("Buku peminjaman")
    assert controller.sop.identity.peralatan_perlengkapan[1] == "Buku peminjaman"
    editor.list.setCurrentRow(0)
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.peralatan_perlengkapan[1] == first
    editor.list.setCurrentRow(2)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.peralatan_perlengkapan == ["Buku peminjaman", first]
    editor.list.item(0).setText("   ")  # emptying an item removes it
    assert controller.sop.identity.peralatan_perlengkapan == [first]


def test_add_item_opens_it_for_typing(boxes, controller, qtbot):
    editor = boxes.editors["peringatan"]
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert controller.sop.identity.peringatan[-1] == "Butir baru"
    assert editor.list.currentRow() == len(controller.sop.identity.peringatan) - 1


@pytest.fixture
def actors(qtbot, controller):
    dialogs = ScriptedDialogs()
    widget = ActorsEditor(controller, dialogs)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget, dialogs


def test_rename_in_place_keeps_steps(actors, controller):
    widget, _ = actors
    widget.list.item(2).setText("Arsiparis")
    renamed = controller.sop.actor_by_name("Arsiparis")
    assert renamed is not None
    assert controller.sop.steps[1].actors == [renamed.id]


def test_reorder_actor_columns(actors, controller, qtbot):
    widget, _ = actors
    widget.list.setCurrentRow(3)
    qtbot.mouseClick(widget.up_button, Qt.MouseButton.LeftButton)
    assert [a.name for a in controller.sop.actors][2:] == ["Pemohon", "Pengelola Arsip"]
    assert widget.list.currentItem().text() == "Pemohon"


def test_removing_a_used_actor_asks_and_can_be_cancelled(actors, controller, qtbot):
    widget, dialogs = actors
    widget.select_actor(controller.sop.actor_by_name("Pemohon").id)
    dialogs.answer("remove_actor_choice", (False, ""))
    qtbot.mouseClick(widget.remove_button, Qt.MouseButton.LeftButton)
    assert controller.sop.actor_by_name("Pemohon") is not None
    heir = controller.sop.actor_by_name("Pengelola Arsip").id
    dialogs.answer("remove_actor_choice", (True, heir))
    qtbot.mouseClick(widget.remove_button, Qt.MouseButton.LeftButton)
    assert controller.sop.actor_by_name("Pemohon") is None
    assert controller.sop.steps[0].actors == [heir]


def test_removing_an_unused_actor_does_not_ask(actors, controller, qtbot):
    widget, dialogs = actors
    dialogs.answer("text_input", "Sekretaris")
    qtbot.mouseClick(widget.add_button, Qt.MouseButton.LeftButton)
    assert controller.sop.actors[-1].name == "Sekretaris"
    qtbot.mouseClick(widget.remove_button, Qt.MouseButton.LeftButton)
    assert "remove_actor_choice" not in dialogs.asked
    assert [a.name for a in controller.sop.actors][-1] == "Pemohon"
