"""Qt's own texts in Indonesian: file dialogs, key names in menus, context menus, standard buttons."""
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QTreeView,
)

from ui import dialogs as dlg
from ui import qt_indonesian

NATIVE = QKeySequence.SequenceFormat.NativeText


@pytest.fixture(autouse=True)
def indonesian(qapp):
    qt_indonesian.install(qapp)  # what ui.app.start does before the window is built


def visible_texts(widget):
    buttons = {b.text().replace("&", "") for b in widget.findChildren(QPushButton)}
    labels = {label.text().replace("&", "") for label in widget.findChildren(QLabel)}
    return buttons, labels


@pytest.mark.parametrize("mode, accept", [("open", "Buka"), ("save", "Simpan"), ("folder", "Pilih folder")])
def test_file_dialogs_of_the_app_speak_indonesian(qtbot, tmp_path, mode, accept):
    dialog = dlg.Dialogs(None).file_dialog("Impor JSON", str(tmp_path), "Berkas JSON (*.json)", mode)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    buttons, labels = visible_texts(dialog)
    assert accept in buttons and "Batal" in buttons
    assert not buttons & {"Open", "Save", "Cancel", "Choose"}
    assert "Cari di:" in labels
    assert not labels & {"Look in:", "File name:", "Files of type:"}
    tool_tips = {w.toolTip() for w in dialog.findChildren(QToolButton)}  # back, forward, new folder ...
    assert "Kembali" in tool_tips and "Back" not in tool_tips
    headers = dialog.findChild(QTreeView).model()
    assert headers.headerData(0, Qt.Orientation.Horizontal) == "Nama"


def test_key_names_in_menus_read_indonesian(make_window):
    assert QKeySequence("Alt+Up").toString(NATIVE) == "Alt+Atas"
    assert QKeySequence("Alt+Down").toString(NATIVE) == "Alt+Bawah"
    assert QKeySequence("Ctrl+Space").toString(NATIVE) == "Ctrl+Spasi"
    assert QKeySequence("Ctrl+Del").toString(NATIVE) == "Ctrl+Del"  # printed on the key: kept
    # The shortcuts still mean the same keys.
    assert QKeySequence("Alt+Atas") == QKeySequence("Alt+Up")
    window, _dialogs = make_window()
    move_up = window.steps_editor.actions["move_up"]
    assert "Atas" in move_up.shortcut().toString(NATIVE) and "Up" not in move_up.shortcut().toString(NATIVE)


def test_line_edit_context_menu_is_indonesian(qtbot):
    edit = QLineEdit("teks")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = {a.text().split("\t")[0].replace("&", "") for a in menu.actions() if a.text()}
    assert {"Urungkan", "Ulangi", "Potong", "Salin", "Tempel", "Hapus", "Pilih semua"} <= texts
    assert not texts & {"Undo", "Redo", "Cut", "Copy", "Paste", "Delete", "Select All"}


def test_message_box_standard_buttons_are_indonesian(qtbot):
    box = QMessageBox(QMessageBox.Icon.Question, "Judul", "Teks",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Ya", "Tidak", "Batal"}
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(buttons)
    assert {b.text() for b in buttons.buttons()} == {"Simpan", "Tutup"}


def test_untranslated_texts_stay_as_qt_has_them():
    assert QCoreApplication.translate("QShortcut", "Ctrl") == "Ctrl"
    assert QCoreApplication.translate("QPrintPreviewDialog", "%1%") == "%1%"
    assert QCoreApplication.translate("NoSuchContext", "Hello") == "Hello"


def test_installing_twice_installs_once(qapp):
    qt_indonesian.install(qapp)
    qt_indonesian.install(qapp)
    assert len([t for t in qt_indonesian._installed if isinstance(t, qt_indonesian.IndonesianQtTranslator)]) == 1
