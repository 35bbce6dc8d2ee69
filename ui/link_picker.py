"""Choosing an SOP of the library to link to, and the small link mark that a click on opens the linked SOP."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sopdesk.links import LinkTarget, normalise

MARK = 18  # width kept free at the right of a linked text for its mark
LINK_COLOR = QColor("#0b57d0")
BROKEN_COLOR = QColor("#b3261e")
UNLINK = ""  # what the picker returns for "Lepas kaitan"


def mark_rect(rect: QRect) -> QRect:
    """Where the link mark of a cell or list item is drawn (and clicked): its top right corner."""
    return QRect(rect.right() - MARK + 2, rect.top() + 3, MARK - 4, MARK - 4)


def paint_mark(painter: QPainter, rect: QRect, broken: bool) -> None:
    """A box with an arrow leaving it, the usual sign for "opens elsewhere"; red when the link is broken."""
    box = mark_rect(rect)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(BROKEN_COLOR if broken else LINK_COLOR, 1.4)
    painter.setPen(pen)
    left, top, size = box.left() + 0.5, box.top() + 0.5, box.width() - 1.0
    painter.drawPolyline([QPointF(left + size * 0.55, top), QPointF(left, top), QPointF(left, top + size),
                          QPointF(left + size, top + size), QPointF(left + size, top + size * 0.45)])
    painter.drawLine(QPointF(left + size * 0.4, top + size * 0.6), QPointF(left + size, top))
    painter.drawPolyline([QPointF(left + size * 0.68, top), QPointF(left + size, top),
                          QPointF(left + size, top + size * 0.32)])
    painter.restore()


class LinkPickerDialog(QDialog):
    """The SOPs of the library, filtered as one types; OK links the chosen one."""

    def __init__(self, title: str, targets: list[LinkTarget], current_id: str = "", suggested_id: str = "",
                 can_unlink: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.chosen: str | None = None
        self._targets = targets
        self.filter = QLineEdit()
        self.filter.setObjectName("link_filter")
        self.filter.setPlaceholderText("Cari nomor, nama atau unit SOP…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._fill)
        self.list = QListWidget()
        self.list.setObjectName("link_targets")
        self.list.itemDoubleClicked.connect(lambda _item: self._accept_choice())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        note = QLabel("Teks butir tetap seperti yang Anda ketik; kaitan hanya menunjuk SOP di pustaka, "
                      "sehingga SOP itu dapat dibuka dengan satu klik.")
        note.setWordWrap(True)
        self.empty_note = QLabel("Pustaka belum memuat SOP lain untuk dikaitkan. Simpan SOP itu ke pustaka dahulu.")
        self.empty_note.setWordWrap(True)
        self.empty_note.setVisible(not targets)
        self.buttons = QDialogButtonBox()
        self.link_button = self.buttons.addButton("Kaitkan", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlink_button = self.buttons.addButton("Lepas kaitan", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.unlink_button.setVisible(can_unlink)
        self.buttons.addButton("Batal", QDialogButtonBox.ButtonRole.RejectRole)
        self.link_button.clicked.connect(self._accept_choice)
        self.unlink_button.clicked.connect(self._accept_unlink)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.list, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self._fill()
        self._select(current_id or suggested_id)

    def _fill(self) -> None:
        chosen = self.current_id()
        words = normalise(self.filter.text()).split()
        self.list.clear()
        for target in self._targets:
            haystack = normalise(f"{target.nomor}\n{target.nama}\n{target.unit}")
            if all(word in haystack for word in words):
                text = target.label() + (f"  ·  {target.unit}" if target.unit.strip() else "")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, target.id)
                self.list.addItem(item)
        self._select(chosen)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._update_buttons()

    def _select(self, sop_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == sop_id:
                self.list.setCurrentRow(row)
                return

    def current_id(self) -> str:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def _update_buttons(self) -> None:
        self.link_button.setEnabled(bool(self.current_id()))

    def _accept_choice(self) -> None:
        if self.current_id():
            self.chosen = self.current_id()
            self.accept()

    def _accept_unlink(self) -> None:
        self.chosen = UNLINK
        self.accept()


def choose_linked_sop(parent: QWidget | None, title: str, targets: list[LinkTarget], current_id: str = "",
                      suggested_id: str = "", can_unlink: bool = False) -> str | None:
    """The id of the SOP chosen, UNLINK for "Lepas kaitan", or None when cancelled."""
    dialog = LinkPickerDialog(title, targets, current_id, suggested_id, can_unlink, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen
