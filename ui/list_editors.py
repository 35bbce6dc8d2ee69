"""Editors for ordered text lists: the six identity boxes (Keterkaitan with its links) and the unit lines."""
from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from sopdesk import links
from sopdesk.labels import BOX_TITLES
from sopdesk.links import KETERKAITAN, Resolution, make_link
from sopdesk.model import LIST_BOXES, split_pasted_lines

from .controller import DocumentController
from .dialogs import Dialogs
from .link_mark_delegate import LinkMarkDelegate
from .link_picker import UNLINK
from .sop_links import BacklinksLabel, LinkContext

OPEN_LINK_KEYS = "Ctrl+Shift+O"  # open the SOP the current item or cell leads to


class ListEditor(QWidget):
    """Add, edit in place, delete, move and paste many items; every change is one undo step."""

    items_edited = Signal(list, str)  # new items, undo text

    def __init__(self, title: str, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self._dialogs = dialogs
        self._items: list[str] = []
        self._refreshing = False
        self.last_renamed: tuple[str, str] | None = None  # (old, new) text while an in-place edit is emitted
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
        self._emit_edit(items, f"Tambah butir {self.title}")
        self.list.setCurrentRow(position)
        self.list.editItem(self.list.item(position))

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._items):
            items = self.items()
            del items[row]
            self._emit_edit(items, f"Hapus butir {self.title}")

    def move_current(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if 0 <= row < len(self._items) and 0 <= target < len(self._items):
            items = self.items()
            items.insert(target, items.pop(row))
            self._emit_edit(items, f"Pindahkan butir {self.title}")
            self.list.setCurrentRow(target)

    def paste_text(self, text: str) -> None:
        new = split_pasted_lines(text or "")
        if not new:
            return
        row = self.list.currentRow()
        position = row + 1 if row >= 0 else len(self._items)
        items = self.items()
        items[position:position] = new
        self._emit_edit(items, f"Tempel {len(new)} butir {self.title}")

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
        old = items[row]
        if text:
            items[row] = text
        else:
            del items[row]  # emptying an item in place removes it
        self._emit_edit(items, f"Ubah butir {self.title}", (old, text) if text else None)

    def _emit_edit(self, items: list[str], undo_text: str, renamed: tuple[str, str] | None = None) -> None:
        # Read by the slot during the emit: an item's link (Keterkaitan) follows the item's new text.
        self.last_renamed = renamed
        try:
            self.items_edited.emit(items, undo_text)
        finally:
            self.last_renamed = None


class LinkedItemDelegate(LinkMarkDelegate, QStyledItemDelegate):
    """Draws an item that leads to an SOP as a link, with a mark at its right that opens the SOP on a click."""

    mark_clicked = Signal(int)  # row

    def __init__(self, resolution: Callable[[int], Resolution | None], parent=None) -> None:
        super().__init__(parent)
        self._resolution = resolution

    def _linked(self, index: QModelIndex) -> Resolution | None:
        return self._resolution(index.row()) if index.isValid() else None

    def link_state(self, index: QModelIndex) -> bool | None:
        found = self._linked(index)
        return None if found is None else found.broken

    def mark_clicked_at(self, index: QModelIndex) -> None:
        self.mark_clicked.emit(index.row())


class KeterkaitanEditor(ListEditor):
    """The Keterkaitan list: items can lead to SOPs of the library, chosen from it or named by nomor or nama."""

    link_chosen = Signal(str, object)  # item text, SopLink or None (unlink)
    linked_item_added = Signal(int, object)  # position, LinkTarget

    def __init__(self, title: str, dialogs: Dialogs, context: LinkContext, parent: QWidget | None = None) -> None:
        super().__init__(title, dialogs, parent)
        self._context = context
        self.delegate = LinkedItemDelegate(self._resolution_of_row, self.list)
        self.delegate.mark_clicked.connect(self.open_row)
        self.list.setItemDelegate(self.delegate)
        self.list.setMouseTracking(True)
        self.link_button = QPushButton("Kaitkan ke SOP…")
        self.link_button.setToolTip("Kaitkan butir terpilih ke SOP di pustaka; teks butir tidak berubah")
        self.link_button.clicked.connect(self.link_current)
        self.add_linked_button = QPushButton("Tambah dari pustaka…")
        self.add_linked_button.setToolTip("Tambah butir yang menyebut dan mengaitkan SOP dari pustaka")
        self.add_linked_button.clicked.connect(self.add_from_library)
        self.link_label = QLabel()
        self.link_label.setObjectName("link_label")
        self.link_label.setWordWrap(True)
        self.link_label.setTextFormat(Qt.TextFormat.RichText)
        self.link_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.link_label.linkActivated.connect(lambda _href: self.open_row(self.list.currentRow()))
        open_shortcut = QShortcut(QKeySequence(OPEN_LINK_KEYS), self.list)
        open_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        open_shortcut.activated.connect(lambda: self.open_row(self.list.currentRow()))
        row = QHBoxLayout()
        row.addWidget(self.link_button)
        row.addWidget(self.add_linked_button)
        row.addStretch(1)
        layout = self.layout()
        layout.addLayout(row)
        layout.addWidget(self.link_label)
        self.list.currentRowChanged.connect(lambda _row: self.refresh_links())
        context.changed.connect(self.refresh_links)

    def _resolution_of_row(self, row: int) -> Resolution | None:
        if not 0 <= row < len(self._items):
            return None
        return self._context.item_resolution(self._items[row])

    def set_items(self, items: list[str]) -> None:
        super().set_items(items)
        self.refresh_links()

    def refresh_links(self) -> None:
        """Tooltips, the line under the list and the drawing follow the links (and the library) as they are now."""
        self._refreshing = True  # a tooltip change is an itemChanged too, not an edit
        try:
            for row in range(self.list.count()):
                self.list.item(row).setToolTip(_tooltip(self._resolution_of_row(row)))
        finally:
            self._refreshing = False
        found = self._resolution_of_row(self.list.currentRow())
        self.link_label.setText(_link_line(found))
        self.link_button.setText("Ubah kaitan…" if found is not None and found.link is not None
                                 else "Kaitkan ke SOP…")
        self.list.viewport().update()
        # Row heights follow the mark's room, so re-measure them.
        self.list.doItemsLayout()

    def open_row(self, row: int) -> bool:
        return self._context.open(self._resolution_of_row(row))

    def link_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._items):
            self.add_from_library()  # nothing to link yet: add an item for the SOP chosen
            return
        text = self._items[row]
        found = self._resolution_of_row(row)
        link = found.link if found is not None else None
        answer = self._context.choose("Kaitkan butir Keterkaitan ke SOP", link,
                                      found.target if found is not None and found.target else None)
        if answer is None:
            return
        self.link_chosen.emit(text, None if answer == UNLINK else make_link(answer))

    def add_from_library(self) -> None:
        answer = self._context.choose("Tambah butir Keterkaitan dari pustaka", None, None)
        if answer is None or answer == UNLINK:
            return
        row = self.list.currentRow()
        self.linked_item_added.emit(row + 1 if row >= 0 else len(self._items), answer)


def _tooltip(found: Resolution | None) -> str:
    if found is None:
        return ""
    name = found.target.label() if found.target else ""
    if found.state == links.GONE:
        return "SOP yang dikaitkan sudah tidak ada di pustaka."
    if found.state == links.TRASHED:
        return f"SOP yang dikaitkan, {name}, ada di Sampah."
    how = "Dikaitkan ke" if found.state == links.LINKED else "Menyebut"
    return f"{how} {name}. Klik tanda di kanan (atau Ctrl+Shift+O) untuk membukanya."


def _link_line(found: Resolution | None) -> str:
    if found is None:
        return "Butir terpilih tidak menunjuk SOP di pustaka."
    if found.state == links.GONE:
        return "Butir terpilih dikaitkan ke SOP yang sudah tidak ada di pustaka."
    name = html.escape(found.target.label())
    if found.state == links.TRASHED:
        return f"Butir terpilih dikaitkan ke {name}, yang ada di Sampah."
    if found.state == links.LINKED:
        return f"Dikaitkan ke <a href=\"open\">{name}</a>"
    return f"Menyebut <a href=\"open\">{name}</a> (cocok menurut nomor atau nama; belum dikaitkan)"


class BoxesEditor(QScrollArea):
    """The six identity boxes, laid out in the printed order (three rows of two)."""

    def __init__(self, controller: DocumentController, dialogs: Dialogs, parent: QWidget | None = None,
                 link_context: LinkContext | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.link_context = link_context or LinkContext(controller, dialogs, self)
        self.editors: dict[str, ListEditor] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        for i, box in enumerate(LIST_BOXES):
            group = QGroupBox(BOX_TITLES[box])
            group_layout = QVBoxLayout(group)
            if box == KETERKAITAN:
                editor = KeterkaitanEditor(BOX_TITLES[box], dialogs, self.link_context)
                editor.link_chosen.connect(self._controller.set_item_link)
                editor.linked_item_added.connect(self._add_linked_item)
                self.backlinks = BacklinksLabel(self.link_context)
                group_layout.addWidget(editor)
                group_layout.addWidget(self.backlinks)
            else:
                editor = ListEditor(BOX_TITLES[box], dialogs)
                group_layout.addWidget(editor)
            editor.setObjectName(box)
            editor.items_edited.connect(lambda items, text, box=box, editor=editor: self._controller.set_list(
                box, items, text, renamed=editor.last_renamed))
            grid.addWidget(group, i // 2, i % 2)
            self.editors[box] = editor
        self.setWidget(inner)
        self.setWidgetResizable(True)
        controller.document_changed.connect(self._on_controller_document_changed)

    def refresh(self) -> None:
        for box, editor in self.editors.items():
            editor.set_items(getattr(self._controller.sop.identity, box))

    def _add_linked_item(self, position: int, target) -> None:
        text = self._controller.add_linked_item(position, target)
        editor = self.editors[KETERKAITAN]
        if text in editor.items():
            editor.select_index(editor.items().index(text))

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("lists", "all"):
            self.refresh()
            self.editors[KETERKAITAN].refresh_links()
