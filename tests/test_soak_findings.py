"""Bugs the soak test (tests/test_soak.py) found, each kept as the smallest reproduction through real widgets."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

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


def _type_over_item(qtbot, listing, row: int, text: str) -> None:
    """F2 on the item, type over it, Return: the way a user renames an item in place."""
    listing.setCurrentRow(row)
    qtbot.keyClick(listing, Qt.Key.Key_F2)
    editor = listing.indexWidget(listing.currentIndex())
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def test_actor_renamed_to_its_own_name_with_extra_spaces_shows_the_stored_name(qtbot, controller):
    """Soak seed 20240611, action 1694: "Petugas  Loket" typed over "Petugas Loket" is no rename, but the list
    kept showing the double space while the document (and the printout) has one."""
    editor = ActorsEditor(controller, ScriptedDialogs())
    qtbot.addWidget(editor)
    editor.show()
    editor.refresh()
    name = controller.sop.actors[0].name
    _type_over_item(qtbot, editor.list, 0, name.replace(" ", "  "))
    assert controller.sop.actors[0].name == name
    assert editor.list.item(0).text() == name


def test_list_item_retyped_with_extra_spaces_shows_the_stored_text(qtbot, controller):
    """The same slip in the identity boxes: an item retyped with doubled spaces is unchanged in the document,
    so the list must show the stored text again."""
    boxes = BoxesEditor(controller, ScriptedDialogs())
    qtbot.addWidget(boxes)
    boxes.show()
    boxes.refresh()
    editor = boxes.editors["dasar_hukum"]
    stored = controller.sop.identity.dasar_hukum[0]
    _type_over_item(qtbot, editor.list, 0, stored.replace(" ", "  ", 1))
    assert controller.sop.identity.dasar_hukum[0] == stored
    assert editor.list.item(0).text() == stored
