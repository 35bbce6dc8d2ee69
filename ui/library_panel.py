"""The library side panel: SOPs searched in every text, filtered by status, unit, year and review, and the Sampah."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.model import Status
from sopdesk.storage import CatalogEntry

from .library_model import COLUMNS, DUE_TIPS, Column, DueFilter, LibraryModel, format_timestamp  # noqa: F401 - API

WIDE_PANEL = 520
WIDER_PANEL = 780
SORT_CHOICES = ((Column.UPDATED, "Terakhir diubah"), (Column.NOMOR, "Nomor"), (Column.NAMA, "Nama"),
                (Column.UNIT, "Unit"), (Column.STATUS, "Status"), (Column.REVIEW, "Tinjau ulang"))
# Newest change and a review date soonest first are what people look for; the rest read A to Z.
_FIRST_ORDER = {Column.UPDATED: Qt.SortOrder.DescendingOrder}


def _compact_combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    # Narrow in the dock; the open list is as wide as its longest choice.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    return combo


class LibraryPanel(QWidget):
    open_requested = Signal(str)
    new_requested = Signal()
    template_requested = Signal()  # SOP Baru from one of the shipped examples
    duplicate_requested = Signal(str)
    trash_requested = Signal(str)
    restore_requested = Signal(str)
    purge_requested = Signal(str)
    settle_requested = Signal(str)  # Selesaikan bentrok of an SOP with a sync conflict (its context menu)
    entries_refreshed = Signal()  # the list was filled again (after a save, a sync, a change of view)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("library_search")
        self.search.setPlaceholderText("Cari di semua teks SOP…")
        self.search.setToolTip("Mencari di nomor, nama, unit, daftar identitas, pelaksana dan setiap langkah. "
                               "Beberapa kata: semuanya harus ada. Huruf besar-kecil dan aksen diabaikan.")
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
        header.setSectionResizeMode(Column.NAMA, QHeaderView.ResizeMode.Stretch)
        for column, width in ((Column.NOMOR, 140), (Column.UNIT, 110), (Column.STATUS, 64), (Column.REVIEW, 86),
                              (Column.UPDATED, 118)):
            self.table.setColumnWidth(column, width)
        # Clicking a header sorts by it; the order starts as the model's (newest change first).
        header.setSortIndicator(Column.UPDATED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self._conflict_source = None  # returns the ids of SOPs with a sync conflict waiting (set_conflict_source)

        self.status_filter = _compact_combo("library_status_filter", "Saring menurut status SOP")
        self.status_filter.addItem("Semua status", "")
        for status in Status:
            self.status_filter.addItem(status.value, status.value)
        self.unit_filter = _compact_combo("library_unit_filter", "Saring menurut unit organisasi")
        self.unit_filter.addItem("Semua unit", "")
        self.year_filter = _compact_combo("library_year_filter",
                                          "Saring menurut tahun Tanggal Pembuatan atau Tanggal Efektif")
        self.year_filter.addItem("Semua tahun", None)
        self.due_filter = _compact_combo("library_due_filter",
                                         "Saring SOP berlaku menurut jadwal tinjau ulangnya")
        for due in DueFilter:
            self.due_filter.addItem(due.value, due.value)
            self.due_filter.setItemData(self.due_filter.count() - 1, DUE_TIPS[due], Qt.ItemDataRole.ToolTipRole)
        self.sort_choice = _compact_combo("library_sort", "Urutkan daftar")
        for column, label in SORT_CHOICES:
            self.sort_choice.addItem(f"Urut: {label}", int(column))
        self.sort_order_button = QToolButton()
        self.sort_order_button.setObjectName("library_sort_order")
        self.sort_order_button.setAutoRaise(True)
        self.clear_filters_button = QToolButton()
        self.clear_filters_button.setObjectName("library_clear_filters")
        self.clear_filters_button.setText("Hapus saringan")
        self.clear_filters_button.setToolTip("Tampilkan lagi semua SOP: kosongkan pencarian dan semua saringan")
        self.clear_filters_button.setAutoRaise(True)
        self._sync_sort_controls()

        self.trash_view = QCheckBox("Tampilkan Sampah")
        self.count_label = QLabel()
        self.new_button = QPushButton("SOP Baru")
        self.open_button = QPushButton("Buka")
        self.duplicate_button = QPushButton("Duplikat")
        self.delete_button = QPushButton("Hapus")
        self.restore_button = QPushButton("Pulihkan")
        self.purge_button = QPushButton("Hapus permanen")
        self.search.textChanged.connect(self._on_search_text_changed)
        self.status_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.unit_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.year_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.due_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.sort_choice.activated.connect(self._on_sort_choice_activated)
        self.sort_order_button.clicked.connect(self._on_sort_order_clicked)
        self.clear_filters_button.clicked.connect(self.clear_filters)
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

        # Two compact rows of choices under the search box: they fit a dock of 300 px at 1366 x 768.
        filters = QGridLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setHorizontalSpacing(4)
        filters.setVerticalSpacing(2)
        filters.addWidget(self.status_filter, 0, 0)
        filters.addWidget(self.year_filter, 0, 1)
        filters.addWidget(self.due_filter, 0, 2)
        second = QHBoxLayout()
        second.setSpacing(4)
        second.addWidget(self.unit_filter, 1)
        second.addWidget(self.sort_choice, 1)
        second.addWidget(self.sort_order_button)
        filters.addLayout(second, 1, 0, 1, 3)
        top = QHBoxLayout()
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        top.addWidget(self.duplicate_button)
        top.addWidget(self.delete_button)
        top.addWidget(self.restore_button)
        top.addWidget(self.purge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.trash_view)
        bottom.addStretch(1)
        bottom.addWidget(self.clear_filters_button)
        bottom.addWidget(self.count_label)
        layout.addLayout(bottom)
        layout.addLayout(top)
        self._total = 0
        self._choices: dict[str, list] = {}  # the units and years each choice box lists now
        self._sync_buttons()
        self._update_count()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        # A narrow side panel shows nomor and nama only (a due review still marks the nomor); unit and status
        # come back when it is widened, the review date and the last change when it is wide. The sort choice
        # reaches every column meanwhile.
        width = self.width()
        for column in (Column.UNIT, Column.STATUS):
            self.table.setColumnHidden(column, width < WIDE_PANEL)
        for column in (Column.REVIEW, Column.UPDATED):
            self.table.setColumnHidden(column, width < WIDER_PANEL)

    def showing_trash(self) -> bool:
        return self.trash_view.isChecked()

    def set_entries(self, entries: list[CatalogEntry]) -> None:
        current = self.current_id()
        self._total = len(entries)
        self._read_conflicts()
        self.model.set_entries(entries)
        self._refill_choices()
        self._update_count()
        if current:
            self.select(current)
        self.entries_refreshed.emit()

    def set_conflict_source(self, source) -> None:
        """`source()` returns the ids of SOPs with a sync conflict waiting; read at each refresh of the list."""
        self._conflict_source = source
        self.refresh_conflict_marks()

    def refresh_conflict_marks(self) -> None:
        """Read the pending conflicts again and mark (or unmark) their rows, without refilling the list."""
        self._read_conflicts()
        self.entries_refreshed.emit()

    def _read_conflicts(self) -> None:
        if self._conflict_source is not None:
            self.model.set_conflicts(self._conflict_source())

    def set_review_months(self, default_months: int) -> None:
        """The review interval from Preferensi, for SOPs without their own; the due marks follow it."""
        current = self.current_id()
        self.model.set_review_months(default_months)
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

    def clear_filters(self) -> None:
        for combo in (self.status_filter, self.unit_filter, self.year_filter, self.due_filter):
            combo.setCurrentIndex(0)
        self.search.clear()

    # ---- filters and order ----------------------------------------------------------------
    def _refill_choices(self) -> None:
        """Units and years of the SOPs listed; a choice made earlier stays, even when no SOP has it now."""
        for combo, values in ((self.unit_filter, self.model.units()), (self.year_filter, self.model.years())):
            chosen = combo.currentData()
            if chosen not in (None, "") and chosen not in values:
                values = [*values, chosen]
            if self._choices.get(combo.objectName()) == values:
                continue
            self._choices[combo.objectName()] = values
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(str(value), value)
                combo.setItemData(combo.count() - 1, str(value), Qt.ItemDataRole.ToolTipRole)  # a long unit name
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen not in (None, "") else 0)
            combo.blockSignals(False)

    def _on_search_text_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()

    def _on_filter_changed(self, _index: int) -> None:
        unit = self.unit_filter.currentData()
        self.unit_filter.setToolTip(f"Unit: {unit}" if unit else "Saring menurut unit organisasi")
        self.model.set_filters(self.status_filter.currentData() or "", self.unit_filter.currentData() or "",
                               self.year_filter.currentData(),
                               DueFilter(self.due_filter.currentData() or DueFilter.ALL.value))
        self._update_count()

    def _on_sort_choice_activated(self, index: int) -> None:
        column = Column(self.sort_choice.itemData(index))
        self.table.sortByColumn(column, _FIRST_ORDER.get(column, Qt.SortOrder.AscendingOrder))

    def _on_sort_order_clicked(self) -> None:
        column, order = self.model.sort_state()
        flipped = (Qt.SortOrder.AscendingOrder if order == Qt.SortOrder.DescendingOrder
                   else Qt.SortOrder.DescendingOrder)
        self.table.sortByColumn(column, flipped)

    def _on_header_sort_indicator_changed(self, _column: int, _order: Qt.SortOrder) -> None:
        self._sync_sort_controls()

    def _sync_sort_controls(self) -> None:
        column, order = self.model.sort_state()
        self.sort_choice.setCurrentIndex(max(0, self.sort_choice.findData(int(column))))
        ascending = order == Qt.SortOrder.AscendingOrder
        self.sort_order_button.setText("↑" if ascending else "↓")
        self.sort_order_button.setToolTip("Urutan naik (klik untuk membalik)" if ascending
                                          else "Urutan turun (klik untuk membalik)")

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        where = "di Sampah" if self.showing_trash() else "SOP"
        self.count_label.setText(f"{shown} dari {self._total} {where}" if shown != self._total
                                 else f"{self._total} {where}")
        self.clear_filters_button.setEnabled(self.model.filtering())

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

    def _on_table_context_menu(self, pos) -> None:
        index = self.table.indexAt(pos)
        entry = self.model.entry(index.row()) if index.isValid() else None
        if entry is None:
            return
        self.table.selectRow(index.row())
        menu = self.context_menu(index.row())
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def context_menu(self, row: int) -> QMenu:
        """The menu of a row: Buka, and Selesaikan bentrok… when the SOP has a sync conflict waiting."""
        entry = self.model.entry(row)
        menu = QMenu(self.table)
        if entry is None:
            return menu
        if not self.showing_trash():
            menu.addAction("&Buka").triggered.connect(lambda: self.open_requested.emit(entry.id))
        if self.model.has_conflict(row):
            menu.addAction("Se&lesaikan bentrok…").triggered.connect(lambda: self.settle_requested.emit(entry.id))
        return menu

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and not self.showing_trash():
            self.open_requested.emit(entry.id)
