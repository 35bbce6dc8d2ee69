"""The library side panel: SOPs by nomor, nama, unit and last change, filtered while typing, and the Sampah."""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sopdesk.labels import MONTHS
from sopdesk.storage import CatalogEntry, filter_entries

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Nomor", "Nama SOP", "Unit", "Terakhir diubah")
WIDE_PANEL = 520


def format_timestamp(value: str) -> str:
    try:
        stamp = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone()
    return f"{stamp.day:02d} {MONTHS[stamp.month - 1][:3]} {stamp.year} {stamp:%H.%M}"


class LibraryModel(QAbstractTableModel):
    """The catalogue entries shown, already filtered; sorted newest change first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[CatalogEntry] = []
        self._shown: list[CatalogEntry] = []
        self._filter = ""

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        self._all = sorted(entries, key=lambda e: e.updated_at or "", reverse=True)
        self._apply()

    def set_filter(self, text: str) -> None:
        self._filter = text
        self._apply()

    def _apply(self) -> None:
        self.beginResetModel()
        self._shown = filter_entries(self._all, self._filter) if self._filter.strip() else list(self._all)
        self.endResetModel()

    def entry(self, row: int) -> CatalogEntry | None:
        return self._shown[row] if 0 <= row < len(self._shown) else None

    def row_of(self, sop_id: str) -> int:
        return next((i for i, e in enumerate(self._shown) if e.id == sop_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            return entry.nomor
        if column == 1:
            return entry.nama or "(tanpa nama)"
        if column == 2:
            return entry.unit
        if column == 3:
            return format_timestamp(entry.updated_at)
        return None


class LibraryPanel(QWidget):
    open_requested = Signal(str)
    new_requested = Signal()
    template_requested = Signal()  # SOP Baru from one of the shipped examples
    duplicate_requested = Signal(str)
    trash_requested = Signal(str)
    restore_requested = Signal(str)
    purge_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("library_search")
        self.search.setPlaceholderText("Cari nomor, nama atau unit…")
        self.search.setClearButtonEnabled(True)
        self.model = LibraryModel(self)
        self.table = QTableView()
        self.table.setObjectName("library_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 140), (2, 90), (3, 100)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.trash_view = QCheckBox("Tampilkan Sampah")
        self.count_label = QLabel()
        self.new_button = QPushButton("SOP Baru")
        self.open_button = QPushButton("Buka")
        self.duplicate_button = QPushButton("Duplikat")
        self.delete_button = QPushButton("Hapus")
        self.restore_button = QPushButton("Pulihkan")
        self.purge_button = QPushButton("Hapus permanen")
        self.search.textChanged.connect(self.model.set_filter)
        self.search.textChanged.connect(lambda _t: self._update_count())
        # SOP Baru offers both starts: the profile alone, or a complete example to adapt.
        new_menu = QMenu(self.new_button)
        new_menu.addAction("SOP kosong (dari profil)").triggered.connect(lambda: self.new_requested.emit())
        new_menu.addAction("Dari contoh…").triggered.connect(lambda: self.template_requested.emit())
        self.new_button.setMenu(new_menu)
        self.open_button.clicked.connect(lambda: self._emit_for_current(self.open_requested))
        self.duplicate_button.clicked.connect(lambda: self._emit_for_current(self.duplicate_requested))
        self.delete_button.clicked.connect(lambda: self._emit_for_current(self.trash_requested))
        self.restore_button.clicked.connect(lambda: self._emit_for_current(self.restore_requested))
        self.purge_button.clicked.connect(lambda: self._emit_for_current(self.purge_requested))
        self.trash_view.toggled.connect(self._sync_buttons)

        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.duplicate_button)
        top.addWidget(self.delete_button)
        top.addWidget(self.restore_button)
        top.addWidget(self.purge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.trash_view)
        bottom.addStretch(1)
        bottom.addWidget(self.count_label)
        layout.addLayout(bottom)
        layout.addLayout(top)
        self._total = 0
        self._sync_buttons()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        # A narrow side panel shows nomor and nama only; unit and date come back when it is widened.
        narrow = self.width() < WIDE_PANEL
        for column in (2, 3):
            self.table.setColumnHidden(column, narrow)

    def showing_trash(self) -> bool:
        return self.trash_view.isChecked()

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        current = self.current_id()
        self._total = len(entries)
        self.model.set_entries(entries)
        self._update_count()
        if current:
            self.select(current)

    def set_read_only(self, read_only: bool) -> None:
        for button in (self.delete_button, self.restore_button, self.purge_button):
            button.setEnabled(not read_only)
        self._read_only = read_only
        self._sync_buttons()

    def current_id(self) -> str:
        entry = self.model.entry(self.table.currentIndex().row())
        return entry.id if entry else ""

    def select(self, sop_id: str) -> None:
        row = self.model.row_of(sop_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        where = "di Sampah" if self.showing_trash() else "SOP"
        self.count_label.setText(f"{shown} dari {self._total} {where}" if shown != self._total
                                 else f"{self._total} {where}")

    def _sync_buttons(self) -> None:
        trash = self.showing_trash()
        read_only = getattr(self, "_read_only", False)
        for button in (self.new_button, self.open_button, self.duplicate_button, self.delete_button):
            button.setVisible(not trash)
        for button in (self.restore_button, self.purge_button):
            button.setVisible(trash)
        self.delete_button.setEnabled(not read_only)
        self.restore_button.setEnabled(not read_only)
        self.purge_button.setEnabled(not read_only)

    def _emit_for_current(self, signal) -> None:
        sop_id = self.current_id()
        if sop_id:
            signal.emit(sop_id)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and not self.showing_trash():
            self.open_requested.emit(entry.id)
