"""The import report dialog: what an import read, guessed and could not read, and which SOPs to keep."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sopdesk.importers import ImportReport, found_without_steps, summary_line
from sopdesk.model import Sop, Symbol

UNREAD_COLOUR = QColor("#b00020")
GUESSED_COLOUR = QColor("#8a5a00")


class ImportReportDialog(QDialog):
    """Shown after an import and before anything is saved.

    One imported SOP at a time: its summary (nama, nomor, pelaksana, langkah) and its report
    in three tabs, "Tidak terbaca" in red. A workbook holding several SOPs adds a list at the
    top to choose which to import, all ticked at first. An SOP in which no step could be read
    is not offered: it cannot be ticked, and the dialog says so and what was found instead;
    when no SOP has steps, nothing can be imported and "Batal" reads "Tutup". The preview slot is empty until the
    caller fills it with set_preview(), typically from current_changed for the SOP shown.
    "Impor" accepts, "Batal" rejects; chosen() gives the ticked SOPs either way.
    """

    current_changed = Signal(int)  # index into `results` of the SOP now shown

    def __init__(self, results: list[tuple[Sop, ImportReport]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results = list(results)
        self.setWindowTitle("Laporan impor")
        self.resize(900, 600)

        usable = [sop for sop, _ in self.results if sop.steps]
        intro = QLabel("Periksa hasil impor sebelum SOP disimpan ke pustaka." if usable else
                       "Tidak ada langkah yang terbaca dari berkas ini, jadi tidak ada SOP yang dapat diimpor.")
        intro.setWordWrap(True)
        self.intro_label = intro
        self.sop_list = QListWidget()
        self.sop_list.setObjectName("import_sop_list")
        for number, (sop, _) in enumerate(self.results, start=1):
            item = QListWidgetItem(_sop_title(number, sop))
            if sop.steps:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setForeground(UNREAD_COLOUR)
            self.sop_list.addItem(item)
        several = len(self.results) > 1
        self.sop_list.setVisible(several)
        self.list_label = QLabel(f"Berkas ini berisi {len(self.results)} SOP. Centang yang akan diimpor.")
        self.list_label.setVisible(several)
        self.sop_list.setMaximumHeight(140)

        self.nama_label, self.nomor_label, self.actors_label, self.steps_label, self.summary_label = (
            QLabel() for _ in range(5))
        for label in (self.nama_label, self.nomor_label, self.actors_label, self.steps_label, self.summary_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary = QFormLayout()
        summary.addRow("Nama SOP:", self.nama_label)
        summary.addRow("Nomor SOP:", self.nomor_label)
        summary.addRow("Pelaksana:", self.actors_label)
        summary.addRow("Langkah:", self.steps_label)
        summary.addRow("Ringkasan:", self.summary_label)
        self.no_steps_label = QLabel()
        self.no_steps_label.setObjectName("import_no_steps")
        self.no_steps_label.setWordWrap(True)
        self.no_steps_label.setStyleSheet(f"color: {UNREAD_COLOUR.name()}; font-weight: bold;")
        self.no_steps_label.hide()

        self.tabs = QTabWidget()
        self.unread_list, self.guessed_list, self.read_list = (_report_list() for _ in range(3))
        self.tabs.addTab(self.unread_list, "")
        self.tabs.addTab(self.guessed_list, "")
        self.tabs.addTab(self.read_list, "")

        report_side = QWidget()
        report_layout = QVBoxLayout(report_side)
        report_layout.setContentsMargins(0, 0, 0, 0)
        report_layout.addLayout(summary)
        report_layout.addWidget(self.no_steps_label)
        report_layout.addWidget(self.tabs, 1)
        self.preview_slot = QWidget()
        self.preview_slot.setObjectName("import_preview_slot")
        self._preview_layout = QVBoxLayout(self.preview_slot)
        self._preview_layout.setContentsMargins(0, 0, 0, 0)
        self.preview: QWidget | None = None
        self._no_preview = QLabel("Pratinjau belum tersedia.")
        self._no_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._preview_layout.addWidget(self._no_preview)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(report_side)
        splitter.addWidget(self.preview_slot)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)

        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton("Impor")
        self.cancel_button = QPushButton("Batal" if usable else "Tutup")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list_label)
        layout.addWidget(self.sop_list)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

        self.sop_list.currentRowChanged.connect(self._on_sop_list_current_row_changed)
        self.sop_list.itemChanged.connect(self._on_sop_list_item_changed)
        self._shown = -1
        if self.results:
            self.sop_list.setCurrentRow(0)
        self._update_import_button()

    # ---- public ----------------------------------------------------------------------------------------
    def chosen(self) -> list[Sop]:
        """The ticked SOPs, in the order of the file."""
        return [sop for row, (sop, _) in enumerate(self.results)
                if self.sop_list.item(row).checkState() == Qt.CheckState.Checked]

    def current_index(self) -> int:
        return self._shown

    def set_preview(self, widget: QWidget | None) -> None:
        """Put `widget` in the preview slot (None empties it); the dialog takes ownership of it."""
        if self.preview is not None:
            self._preview_layout.removeWidget(self.preview)
            self.preview.deleteLater()
        self.preview = widget
        self._no_preview.setVisible(widget is None)
        if widget is not None:
            self._preview_layout.addWidget(widget)
            widget.show()  # a child added to a shown dialog stays hidden until shown

    # ---- slots -----------------------------------------------------------------------------------------
    def _on_sop_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.results) and row != self._shown:
            self._show(row)
            self.current_changed.emit(row)

    def _on_sop_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_import_button()

    # ---- helpers ---------------------------------------------------------------------------------------
    def _show(self, row: int) -> None:
        self._shown = row
        sop, report = self.results[row]
        ident = sop.identity
        self.nama_label.setText(ident.nama or "(tanpa nama)")
        self.nomor_label.setText(ident.nomor or "(tanpa nomor)")
        self.actors_label.setText(", ".join(a.name for a in sop.actors) or "(tidak ada)")
        decisions = sum(1 for s in sop.steps if s.symbol is Symbol.DECISION)
        self.steps_label.setText(f"{len(sop.steps)} langkah" + (f", {decisions} keputusan" if decisions else ""))
        self.summary_label.setText(summary_line(sop, report))
        self.no_steps_label.setVisible(not sop.steps)
        if not sop.steps:
            self.no_steps_label.setText("Tidak ada langkah yang terbaca dari SOP ini, jadi SOP ini tidak dapat "
                                        f"diimpor. Yang ditemukan: {found_without_steps(sop, report)}.")
        for tab, widget, lines, title, colour in (
                (0, self.unread_list, report.unread, "Tidak terbaca", UNREAD_COLOUR),
                (1, self.guessed_list, report.guessed, "Ditebak", GUESSED_COLOUR),
                (2, self.read_list, report.read, "Terbaca", None)):
            widget.clear()
            for line in lines:
                item = QListWidgetItem(line)
                if colour is not None:
                    item.setForeground(colour)
                widget.addItem(item)
            self.tabs.setTabText(tab, f"{title} ({len(lines)})")
        # Open on what needs the user's attention first.
        first = 0 if report.unread else 1 if report.guessed else 2
        self.tabs.setCurrentIndex(first)

    def _update_import_button(self) -> None:
        self.import_button.setEnabled(bool(self.chosen()))


def _report_list() -> QListWidget:
    widget = QListWidget()
    widget.setWordWrap(True)
    widget.setAlternatingRowColors(True)
    return widget


def _sop_title(number: int, sop: Sop) -> str:
    name = sop.identity.nama or "(tanpa nama)"
    nomor = f" — {sop.identity.nomor}" if sop.identity.nomor else ""
    if not sop.steps:
        return f"{number}. {name}{nomor} (tanpa langkah; tidak dapat diimpor)"
    return f"{number}. {name}{nomor} ({len(sop.steps)} langkah)"
