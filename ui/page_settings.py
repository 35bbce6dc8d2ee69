"""Page settings of the open SOP: paper, orientation, margins, numbering row, off-page labels.

The margin spin boxes never go past sopdesk.sanity.margin_limit_mm, and a paper or orientation
change that leaves too little room replaces the margins that no longer fit in the same undo step,
so the printable area never vanishes while editing.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QLabel, QWidget

from sopdesk import sanity
from sopdesk.model import PAPER_SIZES_MM, Sop

from .controller import DocumentController
from .preferences import OFFPAGE_CHOICES
from .total_time_view import TimeRulesEditor

PAPER_NAMES = {"A4": "A4 (210 × 297 mm)", "F4": "F4 (215 × 330 mm)", "Letter": "Letter (8,5 × 11 in)",
               "Legal": "Legal (8,5 × 14 in)"}
MARGINS = (("margin_top", "Atas"), ("margin_bottom", "Bawah"), ("margin_left", "Kiri"), ("margin_right", "Kanan"))


class PageSettingsEditor(QWidget):
    def __init__(self, controller: DocumentController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.paper = QComboBox()
        self.paper.setObjectName("paper")
        for name in PAPER_SIZES_MM:
            self.paper.addItem(PAPER_NAMES[name], name)
        self.paper.activated.connect(lambda i: self._set_sheet("paper", self.paper.itemData(i), "ukuran kertas"))
        self.landscape = QCheckBox("Lanskap (mendatar)")
        self.landscape.clicked.connect(lambda on: self._set_sheet("landscape", on, "orientasi"))
        self.margins: dict[str, QDoubleSpinBox] = {}
        margin_row = QGridLayout()
        for position, (attr, text) in enumerate(MARGINS):
            spin = QDoubleSpinBox()
            spin.setRange(0, sanity.margin_limit_mm(controller.sop.page, attr))
            spin.setDecimals(1)
            spin.setSuffix(" mm")
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda value, attr=attr, text=text: controller.set_page(attr, value,
                                                                                              f"margin {text}"))
            self.margins[attr] = spin
            margin_row.addWidget(QLabel(text), position // 2, (position % 2) * 2)
            margin_row.addWidget(spin, position // 2, (position % 2) * 2 + 1)
        self.notice = QLabel()
        self.notice.setObjectName("margin_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.numbering_row = QCheckBox("Baris nomor kolom (1, 2, 3 …)")
        self.numbering_row.setToolTip("Baris kecil berisi nomor kolom tepat di bawah kepala tabel bagan alir.")
        self.numbering_row.clicked.connect(lambda on: controller.set_page("numbering_row", on, "baris nomor kolom"))
        self.offpage = QComboBox()
        for value, text in OFFPAGE_CHOICES:
            self.offpage.addItem(text, value)
        self.offpage.activated.connect(
            lambda i: controller.set_page("offpage_labels", self.offpage.itemData(i), "label penghubung"))
        self.combine = QCheckBox("Identitas dan bagan alir satu halaman bila muat")
        self.combine.clicked.connect(lambda on: controller.set_page("combine_pages", on, "gabung halaman"))
        self.flatten = QCheckBox("Ratakan bagan (Word: bagan alir sebagai gambar)")
        self.flatten.setToolTip("Untuk penerima yang aplikasinya merusak bentuk bagan; bagan tidak dapat diubah lagi "
                                "di Word.")
        self.flatten.clicked.connect(lambda on: controller.set_page("flatten_chart", on, "ratakan bagan"))
        self.page_numbers = QCheckBox("Nomor halaman di bawah (Halaman x dari y)")
        self.page_numbers.clicked.connect(lambda on: controller.set_page("page_numbers", on, "nomor halaman"))
        self.date_weekday = QCheckBox("Tanggal dengan nama hari")
        self.date_weekday.setToolTip("Dicetak: \"Rabu, 01 November 2017\"; tanpa centang: \"01 November 2017\".")
        self.date_weekday.clicked.connect(lambda on: controller.set_page("date_weekday", on, "gaya tanggal"))
        self.total_time_row = QCheckBox("Baris \"Jumlah waktu\" di akhir tabel bagan alir")
        self.total_time_row.setToolTip("Waktu paling cepat s.d. paling lama, dihitung dari kolom Waktu; tidak dicetak "
                                       "bila tidak dicentang.")
        self.total_time_row.clicked.connect(lambda on: controller.set_page("total_time_row", on, "baris jumlah waktu"))
        self.time_rules = TimeRulesEditor(per_row=1)  # one a row: the tab keeps the window's narrow minimum
        self.time_rules.rule_changed.connect(lambda attr, value: controller.set_page(attr, value, "aturan waktu"))
        form = QFormLayout(self)
        form.addRow("Ukuran kertas:", self.paper)
        form.addRow("", self.landscape)
        form.addRow("Margin:", margin_row)
        form.addRow("", self.notice)
        form.addRow("", self.numbering_row)
        form.addRow("Label penghubung antarhalaman:", self.offpage)
        form.addRow("", self.combine)
        form.addRow("", self.flatten)
        form.addRow("", self.page_numbers)
        form.addRow("", self.date_weekday)
        form.addRow("", self.total_time_row)
        form.addRow("Jumlah waktu:", self.time_rules)
        controller.document_changed.connect(self._on_controller_document_changed)

    def refresh(self) -> None:
        page = self._controller.sop.page
        self.paper.setCurrentIndex(max(0, self.paper.findData(page.paper)))
        self.landscape.setChecked(page.landscape)
        for attr, spin in self.margins.items():
            spin.blockSignals(True)
            # The limit follows the paper and the opposite margin; the value is set after it, so it is never cut.
            spin.setMaximum(max(sanity.margin_limit_mm(page, attr), getattr(page, attr, 0.0) or 0.0))
            spin.setValue(getattr(page, attr))
            spin.blockSignals(False)
        problems = [message for _attr, message in sanity.margin_problems(page)]
        if problems:
            self._show_notice(problems)
        else:
            self.notice.hide()
        self.numbering_row.setChecked(page.numbering_row)
        self.offpage.setCurrentIndex(max(0, self.offpage.findData(page.offpage_labels)))
        self.combine.setChecked(page.combine_pages)
        self.flatten.setChecked(page.flatten_chart)
        self.page_numbers.setChecked(page.page_numbers)
        self.date_weekday.setChecked(page.date_weekday)
        self.total_time_row.setChecked(page.total_time_row)
        self.time_rules.set_values(page)

    def _set_sheet(self, attr: str, value: object, label: str) -> None:
        """Paper or orientation; margins that would leave too little of the new sheet go back to the default."""
        notes: list[str] = []

        def change(sop: Sop) -> None:
            setattr(sop.page, attr, value)
            notes.extend(sanity.fix_page(sop.page))

        self.notice.hide()
        self._controller.edit(f"Ubah {label}", "page", change)
        if notes:
            self._show_notice(notes)

    def _show_notice(self, lines: list[str]) -> None:
        self.notice.setText("\n".join(lines))
        self.notice.show()

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("page", "all"):
            self.refresh()
