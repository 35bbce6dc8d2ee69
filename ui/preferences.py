"""The Preferensi dialog: the profile new SOPs start from, default page settings and the library folder."""
from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sopdesk.lifecycle import DEFAULT_REVIEW_MONTHS, MAX_REVIEW_MONTHS, MIN_REVIEW_MONTHS
from sopdesk.model import PAPER_SIZES_MM, PageSettings, split_pasted_lines

from .dialogs import IMAGE_FILTER, Dialogs, ok_cancel_buttons
from .total_time_view import TimeRulesEditor
from .ui_state import Profile

OFFPAGE_CHOICES = (("kosong", "Tanpa label"), ("angka", "Angka (1, 2, 3)"), ("huruf", "Huruf (A, B, C)"))


class PreferencesDialog(QDialog):
    def __init__(self, profile: Profile, page: PageSettings, library_dir: str, dialogs: Dialogs,
                 parent: QWidget | None = None, *, user_name: str = "",
                 review_months: int = DEFAULT_REVIEW_MONTHS) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferensi")
        self._dialogs = dialogs
        self.new_library_dir = ""

        profile_box = QGroupBox("Profil (isian awal setiap SOP baru)")
        form = QFormLayout(profile_box)
        self.instansi = QLineEdit(profile.instansi)
        form.addRow("Instansi:", self.instansi)
        self.unit_lines = QPlainTextEdit("\n".join(profile.unit_lines))
        self.unit_lines.setPlaceholderText("Satu unit per baris, eselon I lebih dulu")
        self.unit_lines.setFixedHeight(70)
        form.addRow("Unit organisasi:", self.unit_lines)
        self.logo_path = QLineEdit(profile.logo_path)
        browse = QPushButton("Pilih…")
        browse.clicked.connect(self._on_browse_clicked)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_path, 1)
        logo_row.addWidget(browse)
        form.addRow("Berkas logo:", logo_row)
        self.signer_jabatan = QLineEdit(profile.signer_jabatan)
        form.addRow("Jabatan pengesah:", self.signer_jabatan)
        self.signer_nama = QLineEdit(profile.signer_nama)
        form.addRow("Nama pengesah:", self.signer_nama)
        self.signer_label = QComboBox()
        for value, text in (("NIP", "NIP"), ("NRP", "NRP"), ("", "Tanpa nomor identitas")):
            self.signer_label.addItem(text, value)
        self.signer_label.setCurrentIndex(max(0, self.signer_label.findData(profile.signer_id_label)))
        self.signer_number = QLineEdit(profile.signer_id_number)
        id_row = QHBoxLayout()
        id_row.addWidget(self.signer_label)
        id_row.addWidget(self.signer_number, 1)
        form.addRow("Nomor identitas:", id_row)

        page_box = QGroupBox("Halaman (bawaan untuk SOP baru)")
        page_form = QFormLayout(page_box)
        self.paper = QComboBox()
        for name in PAPER_SIZES_MM:
            self.paper.addItem("F4 (215 × 330 mm)" if name == "F4" else name, name)
        self.paper.setCurrentIndex(max(0, self.paper.findData(page.paper)))
        page_form.addRow("Ukuran kertas:", self.paper)
        self.landscape = QCheckBox("Lanskap")
        self.landscape.setChecked(page.landscape)
        page_form.addRow("", self.landscape)
        self.margins = {}
        margin_row = QHBoxLayout()
        for attr, text in (("margin_top", "Atas"), ("margin_bottom", "Bawah"), ("margin_left", "Kiri"),
                           ("margin_right", "Kanan")):
            spin = QDoubleSpinBox()
            spin.setRange(0, 60)
            spin.setSuffix(" mm")
            spin.setValue(getattr(page, attr))
            self.margins[attr] = spin
            margin_row.addWidget(QLabel(text))
            margin_row.addWidget(spin)
        page_form.addRow("Margin:", margin_row)
        self.numbering_row = QCheckBox("Baris nomor kolom di bawah kepala tabel")
        self.numbering_row.setChecked(page.numbering_row)
        page_form.addRow("", self.numbering_row)
        self.offpage = QComboBox()
        for value, text in OFFPAGE_CHOICES:
            self.offpage.addItem(text, value)
        self.offpage.setCurrentIndex(max(0, self.offpage.findData(page.offpage_labels)))
        page_form.addRow("Label penghubung antarhalaman:", self.offpage)
        self.combine = QCheckBox("Identitas dan bagan alir dalam satu halaman bila muat")
        self.combine.setChecked(page.combine_pages)
        page_form.addRow("", self.combine)
        self.flatten = QCheckBox("Ratakan bagan di Word (bagan alir sebagai gambar)")
        self.flatten.setChecked(page.flatten_chart)
        page_form.addRow("", self.flatten)
        self.page_numbers = QCheckBox("Nomor halaman di bawah (Halaman x dari y)")
        self.page_numbers.setChecked(page.page_numbers)
        page_form.addRow("", self.page_numbers)
        self.date_weekday = QCheckBox("Tanggal dengan nama hari")
        self.date_weekday.setToolTip("Dicetak: \"Rabu, 01 November 2017\"; tanpa centang: \"01 November 2017\".")
        self.date_weekday.setChecked(page.date_weekday)
        page_form.addRow("", self.date_weekday)
        self.total_time_row = QCheckBox("Baris \"Jumlah waktu\" di akhir tabel bagan alir")
        self.total_time_row.setChecked(page.total_time_row)
        page_form.addRow("", self.total_time_row)
        self.time_rules = TimeRulesEditor(per_row=4)  # one row: the dialog must fit a 768-pixel screen
        self.time_rules.set_values(page)
        page_form.addRow("Jumlah waktu:", self.time_rules)

        user_box = QGroupBox("Pengguna dan tinjau ulang")
        user_form = QFormLayout(user_box)
        self.user_name = QLineEdit(user_name)
        self.user_name.setObjectName("user_name")
        self.user_name.setPlaceholderText("mis. Budi Santoso")
        self.user_name.setToolTip("Dicatat pada setiap penyimpanan, dan tampil di Riwayat versi.")
        user_form.addRow("Nama pengguna:", self.user_name)
        self.review_months = QSpinBox()
        self.review_months.setObjectName("review_months")
        self.review_months.setRange(MIN_REVIEW_MONTHS, MAX_REVIEW_MONTHS)
        self.review_months.setSuffix(" bulan")
        self.review_months.setValue(review_months)
        self.review_months.setToolTip("Untuk SOP yang tidak menetapkan jangka sendiri: tinjau ulang jatuh tempo "
                                      "sekian bulan setelah Tanggal Efektif.")
        user_form.addRow("Tinjau ulang SOP setiap:", self.review_months)

        library_box = QGroupBox("Pustaka")
        library_form = QFormLayout(library_box)
        self.library_label = QLabel(library_dir)
        self.library_label.setWordWrap(True)
        move = QPushButton("Pindahkan pustaka…")
        move.clicked.connect(self._on_move_clicked)
        library_form.addRow("Folder:", self.library_label)
        library_form.addRow("", move)

        buttons = ok_cancel_buttons(self, "Simpan", "Batal")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(profile_box)
        column.addWidget(page_box)
        last_row = QHBoxLayout()  # side by side: the dialog must fit a 1366 x 768 screen
        last_row.addWidget(user_box, 1)
        last_row.addWidget(library_box, 1)
        column.addLayout(last_row)
        # On a screen still too short, the settings scroll and Simpan/Batal stay in sight.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(buttons)
        self._fit_screen(content)

    def _fit_screen(self, content: QWidget) -> None:
        hint = content.sizeHint()
        want_w = hint.width() + self.scroll.verticalScrollBar().sizeHint().width() + 24
        want_h = hint.height() + 60
        screen = (self.parentWidget().screen() if self.parentWidget() else None) or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            want_w, want_h = min(want_w, room.width() - 16), min(want_h, room.height() - 48)
        self.resize(want_w, want_h)

    def profile(self) -> Profile:
        return Profile(
            instansi=" ".join(self.instansi.text().split()),
            unit_lines=split_pasted_lines(self.unit_lines.toPlainText()),
            logo_path=self.logo_path.text().strip(),
            signer_jabatan=self.signer_jabatan.text().strip(),
            signer_nama=self.signer_nama.text().strip(),
            signer_id_label=self.signer_label.currentData(),
            signer_id_number=self.signer_number.text().strip(),
        )

    def page_settings(self) -> PageSettings:
        return PageSettings(
            paper=self.paper.currentData(),
            landscape=self.landscape.isChecked(),
            numbering_row=self.numbering_row.isChecked(),
            offpage_labels=self.offpage.currentData(),
            combine_pages=self.combine.isChecked(),
            flatten_chart=self.flatten.isChecked(),
            page_numbers=self.page_numbers.isChecked(),
            date_weekday=self.date_weekday.isChecked(),
            total_time_row=self.total_time_row.isChecked(),
            **self.time_rules.values(),
            **{attr: spin.value() for attr, spin in self.margins.items()},
        )

    def user_name_value(self) -> str:
        return " ".join(self.user_name.text().split())

    def review_months_value(self) -> int:
        return self.review_months.value()

    def _on_browse_clicked(self) -> None:
        path = self._dialogs.open_file("Pilih logo", self.logo_path.text(), IMAGE_FILTER)
        if path:
            self.logo_path.setText(path)

    def _on_move_clicked(self) -> None:
        folder = self._dialogs.choose_folder("Folder baru untuk pustaka (harus kosong)", "")
        if folder:
            self.new_library_dir = folder
            self.library_label.setText(f"{folder} (dipindahkan saat Simpan)")
