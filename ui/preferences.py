"""The Preferensi dialog: the profile new SOPs start from, default page settings, the library folder and the
shared library (Pustaka bersama: where it is, the account for a git server, automatic sync)."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

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
from .sync_secrets import NO_KEYRING_NOTE, PasswordStore
from .total_time_view import TimeRulesEditor
from .ui_state import DEFAULT_SYNC_MINUTES, MAX_SYNC_MINUTES, MIN_SYNC_MINUTES, Profile

OFFPAGE_CHOICES = (("kosong", "Tanpa label"), ("angka", "Angka (1, 2, 3)"), ("huruf", "Huruf (A, B, C)"))


class PreferencesDialog(QDialog):
    def __init__(self, profile: Profile, page: PageSettings, library_dir: str, dialogs: Dialogs,
                 parent: QWidget | None = None, *, user_name: str = "",
                 review_months: int = DEFAULT_REVIEW_MONTHS, shared_location: str = "",
                 shared_account: str = "", auto_sync: bool = True, auto_sync_minutes: int = DEFAULT_SYNC_MINUTES,
                 passwords: PasswordStore | None = None) -> None:
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

        self._passwords = passwords or PasswordStore()
        self.shared_box = self._shared_group(shared_location, shared_account, auto_sync, auto_sync_minutes)

        buttons = ok_cancel_buttons(self, "Simpan", "Batal")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(profile_box)
        column.addWidget(page_box)
        last_row = QHBoxLayout()  # side by side: the dialog must fit a 1366 x 768 screen
        left = QVBoxLayout()
        left.addWidget(user_box)
        left.addWidget(library_box)
        last_row.addLayout(left, 1)
        last_row.addWidget(self.shared_box, 1)
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

    def _shared_group(self, location: str, account: str, auto_sync: bool, minutes: int) -> QGroupBox:
        box = QGroupBox("Pustaka bersama")
        box.setObjectName("shared_box")
        form = QFormLayout(box)
        self.shared_location = QLineEdit(location)
        self.shared_location.setObjectName("shared_location")
        self.shared_location.setPlaceholderText("Folder bersama, atau alamat https://…")
        self.shared_location.setToolTip(
            "Folder bersama di server kantor (SOP Desk membuat pustaka bersama di sana pada sinkronisasi pertama; "
            "pilih folder kosong), atau alamat repositori di server git kantor, mis. Gitea. Kosongkan bila "
            "pustaka tidak dibagi.")
        self.choose_shared_folder = QPushButton("Pilih folder…")
        self.choose_shared_folder.clicked.connect(self._on_choose_shared_folder_clicked)
        row = QHBoxLayout()
        row.addWidget(self.shared_location, 1)
        row.addWidget(self.choose_shared_folder)
        form.addRow("Lokasi:", row)
        self.shared_account = QLineEdit(account)
        self.shared_account.setObjectName("shared_account")
        self.shared_account.setToolTip("Nama akun di server git; tidak perlu untuk folder di server kantor.")
        form.addRow("Nama akun server:", self.shared_account)
        self.shared_password = QLineEdit()
        self.shared_password.setObjectName("shared_password")
        self.shared_password.setEchoMode(QLineEdit.EchoMode.Password)
        self._had_password = bool(location and account and self._passwords.has(location, account))
        self.shared_password.setPlaceholderText("Tersimpan; isi untuk menggantinya" if self._had_password else "")
        form.addRow("Kata sandi:", self.shared_password)
        self.keyring_note = QLabel(NO_KEYRING_NOTE)
        self.keyring_note.setObjectName("keyring_note")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setStyleSheet("color: palette(mid);")
        form.addRow("", self.keyring_note)
        self.auto_sync = QCheckBox("Sinkronkan otomatis setiap")
        self.auto_sync.setObjectName("auto_sync")
        self.auto_sync.setChecked(auto_sync)
        self.auto_sync_minutes = QSpinBox()
        self.auto_sync_minutes.setObjectName("auto_sync_minutes")
        self.auto_sync_minutes.setRange(MIN_SYNC_MINUTES, MAX_SYNC_MINUTES)
        self.auto_sync_minutes.setSuffix(" menit")
        self.auto_sync_minutes.setValue(minutes if MIN_SYNC_MINUTES <= minutes <= MAX_SYNC_MINUTES
                                        else DEFAULT_SYNC_MINUTES)
        self.auto_sync.toggled.connect(self.auto_sync_minutes.setEnabled)
        self.auto_sync_minutes.setEnabled(auto_sync)
        auto_row = QHBoxLayout()
        auto_row.addWidget(self.auto_sync)
        auto_row.addWidget(self.auto_sync_minutes)
        auto_row.addStretch(1)
        form.addRow("", auto_row)
        self.shared_location.textChanged.connect(self._update_shared_fields)
        self._update_shared_fields()
        return box

    def _update_shared_fields(self) -> None:
        url = is_url(self.shared_location.text())
        self.shared_account.setEnabled(url)
        self.shared_password.setEnabled(url)
        self.keyring_note.setVisible(url and not self._passwords.keyring_usable())

    def _on_choose_shared_folder_clicked(self) -> None:
        current = self.shared_location.text().strip()
        folder = self._dialogs.choose_folder("Folder pustaka bersama di server kantor",
                                             "" if is_url(current) else current)
        if folder:
            self.shared_location.setText(folder)

    def show_shared(self) -> None:
        """Open at the Pustaka bersama group: scrolled into sight, the cursor in its location."""
        self.scroll.ensureWidgetVisible(self.shared_box)
        self.shared_location.setFocus()

    def shared_values(self) -> tuple[str, str, str]:
        """(location, account, password typed or ""); a name and password written into a URL are taken out of
        it, so the settings file never holds a password."""
        location = self.shared_location.text().strip()
        account, password = " ".join(self.shared_account.text().split()), self.shared_password.text()
        if is_url(location):
            location, in_url_account, in_url_password = split_credentials(location)
            account = account or in_url_account
            password = password or in_url_password
        else:
            account = ""
            password = ""
        return location, account, password

    def auto_sync_value(self) -> tuple[bool, int]:
        return self.auto_sync.isChecked(), self.auto_sync_minutes.value()

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


def is_url(location: str) -> bool:
    location = location.strip()
    return "://" in location or location.startswith("git@")


def split_credentials(url: str) -> tuple[str, str, str]:
    """A URL without the name and password written into it, and those two ("" when absent)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, "", ""
    if "@" not in parts.netloc:
        return url, "", ""
    credentials, host = parts.netloc.rsplit("@", 1)
    account, _sep, password = credentials.partition(":")
    return urlunsplit(parts._replace(netloc=host)), unquote(account), unquote(password)
