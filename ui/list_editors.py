"""Editors for ordered text lists: the six identity boxes and the unit lines."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from sopdesk.labels import BOX_TITLES
from sopdesk.model import LIST_BOXES, split_pasted_lines

from .controller import DocumentController
from .dialogs import Dialogs


class ListEditor(QWidget):
    """Add, edit in place, delete, move and paste many items; every change is one undo step."""

    items_edited = Signal(list, str)  # new items, undo text

    def __init__(self, title: str, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._dialogs = dialogs
        self._items: list[str] = []
        self._refreshing = False
        self.list = QListWidget()
        self.list.setObjectName("list")
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.add_button = QPushButton("Tambah")
        self.remove_button = QPushButton("Hapus")
        self.up_button = QPushButton("Naik")
        self.down_button = QPushButton("Turun")
        self.paste_button = QPushButton("Tempel banyak baris…")
        self.add_button.clicked.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.paste_button.clicked.connect(self._on_paste_button_clicked)
        # Ctrl+V on the list pastes lines straight from the clipboard.
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.list)
        paste.setContext(Qt.ShortcutContext.WidgetShortcut)
        paste.activated.connect(lambda: self.paste_text(QGuiApplication.clipboard().text()))
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_current)

        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button, self.paste_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def items(self) -> list[str]:
        return list(self._items)

    def set_items(self, items: list[str]) -> None:
        if items == self._items and self.list.count() == len(items):
            return
        self._items = list(items)
        row = self.list.currentRow()
        self._refreshing = True
        self.list.clear()
        for text in self._items:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self._refreshing = False
        if self._items:
            self.list.setCurrentRow(min(max(row, 0), len(self._items) - 1))

    def select_index(self, index: int) -> None:
        if 0 <= index < self.list.count():
            self.list.setCurrentRow(index)
        self.list.setFocus()

    # ---- edits --------------------------------------------------------------------------
    def add_item(self) -> None:
        row = self.list.currentRow()
        position = row + 1 if row >= 0 else len(self._items)
        items = self.items()
        items.insert(position, "Butir baru")
        self.items_edited.emit(items, f"Tambah butir {self.title}")
        self.list.setCurrentRow(position)
        self.list.editItem(self.list.item(position))

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._items):
            items = self.items()
            del items[row]
            self.items_edited.emit(items, f"Hapus butir {self.title}")

    def move_current(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if 0 <= row < len(self._items) and 0 <= target < len(self._items):
            items = self.items()
            items.insert(target, items.pop(row))
            self.items_edited.emit(items, f"Pindahkan butir {self.title}")
            self.list.setCurrentRow(target)

    def paste_text(self, text: str) -> None:
        new = split_pasted_lines(text or "")
        if not new:
            return
        row = self.list.currentRow()
        position = row + 1 if row >= 0 else len(self._items)
        items = self.items()
        items[position:position] = new
        self.items_edited.emit(items, f"Tempel {len(new)} butir {self.title}")

    def _on_paste_button_clicked(self) -> None:
        text = self._dialogs.paste_lines(f"Tempel butir {self.title}")
        if text:
            self.paste_text(text)

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        if self._refreshing:
            return
        row = self.list.row(item)
        text = " ".join(item.text().split())
        items = self.items()
        if not (0 <= row < len(items)):
            return
        if items[row] == text:
            if item.text() != text:  # retyped with extra spaces: no edit, but show the text as stored
                self._refreshing = True
                item.setText(text)
                self._refreshing = False
            return
        if text:
            items[row] = text
        else:
            del items[row]  # emptying an item in place removes it
        self.items_edited.emit(items, f"Ubah butir {self.title}")


class BoxesEditor(QScrollArea):
    """The six identity boxes, laid out in the printed order (three rows of two)."""

    def __init__(self, controller: DocumentController, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.editors: dict[str, ListEditor] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        for i, box in enumerate(LIST_BOXES):
            group = QGroupBox(BOX_TITLES[box])
            editor = ListEditor(BOX_TITLES[box], dialogs)
            editor.setObjectName(box)
            editor.items_edited.connect(lambda items, text, box=box: self._controller.set_list(box, items, text))
            QVBoxLayout(group).addWidget(editor)
            grid.addWidget(group, i // 2, i % 2)
            self.editors[box] = editor
        self.setWidget(inner)
        self.setWidgetResizable(True)
        controller.document_changed.connect(self._on_controller_document_changed)

    def refresh(self) -> None:
        for box, editor in self.editors.items():
            editor.set_items(getattr(self._controller.sop.identity, box))

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("lists", "all"):
            self.refresh()
