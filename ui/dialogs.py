"""Every message box and file dialog the app shows, behind one object that tests replace."""
from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

SAVE, DISCARD, CANCEL = "simpan", "buang", "batal"

JSON_FILTER_NATIVE = "SOP Desk JSON (*.json)"
JSON_FILTER_FIXTURE = "JSON pertukaran sop-fixture/1 (*.json)"
IMAGE_FILTER = "Gambar logo (*.png *.jpg *.jpeg *.svg)"


def ok_cancel_buttons(dialog: QDialog, ok: str, cancel: str) -> QDialogButtonBox:
    """The two buttons of a small dialog, with Indonesian texts, wired to accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class Dialogs:
    """Real dialogs; each method returns plain values so a test double can answer instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def error(self, title: str, text: str) -> None:
        QMessageBox.critical(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def confirm(self, title: str, text: str, yes: str = "Ya", no: str = "Batal") -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(no, QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes_button

    def ask_unsaved(self, name: str) -> str:
        box = QMessageBox(QMessageBox.Icon.Warning, "Perubahan belum disimpan",
                          f"SOP \"{name}\" punya perubahan yang belum disimpan. Simpan sekarang?", parent=self.parent)
        save = box.addButton("Simpan", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Jangan simpan", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Batal", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is save:
            return SAVE
        if box.clickedButton() is discard:
            return DISCARD
        return CANCEL

    def choose_template(self, names: list[str]) -> int:
        """Which example SOP to start from: its index, or -1 when cancelled."""
        from PySide6.QtWidgets import QListWidget

        dialog = QDialog(self.parent)
        dialog.setWindowTitle("SOP Baru dari contoh")
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Pilih contoh SOP. SOP baru memuat isi contoh itu (langkah, pelaksana, kotak-kotak "
                                "identitas) beserta instansi dan penanda tangan dari Preferensi, dan belum "
                                "disimpan sampai Anda menekan Ctrl+S."))
        listing = QListWidget()
        listing.addItems(names)
        listing.setCurrentRow(0)
        listing.itemDoubleClicked.connect(lambda _item: dialog.accept())
        layout.addWidget(listing)
        layout.addWidget(ok_cancel_buttons(dialog, "Buat SOP", "Batal"))
        return listing.currentRow() if dialog.exec() == QDialog.DialogCode.Accepted else -1

    def show_print_preview(self, dialog: QDialog) -> None:
        """The print preview, modal; a test shows it without blocking and drives it."""
        dialog.exec()

    def file_dialog(self, title: str, folder: str, filters: str = "", mode: str = "open") -> QFileDialog:
        """Qt's own file dialog, not the system's: Qt has no Indonesian catalogue for the system one's
        wording to follow, and ours is Indonesian throughout (ui/qt_indonesian.py; labels set here too)."""
        dialog = QFileDialog(self.parent, title, folder, filters)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        label = QFileDialog.DialogLabel
        accept = {"open": "Buka", "save": "Simpan", "folder": "Pilih folder"}[mode]
        for which, text in ((label.LookIn, "Cari di:"), (label.FileName, "Nama berkas:"),
                            (label.FileType, "Jenis berkas:"), (label.Accept, accept), (label.Reject, "Batal")):
            dialog.setLabelText(which, text)
        if mode == "save":
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        elif mode == "folder":
            dialog.setFileMode(QFileDialog.FileMode.Directory)
            dialog.setOption(QFileDialog.Option.ShowDirsOnly)
            dialog.setLabelText(label.FileName, "Folder:")
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return dialog

    def open_file(self, title: str, folder: str, filters: str) -> str:
        dialog = self.file_dialog(title, folder, filters, "open")
        return dialog.selectedFiles()[0] if dialog.exec() == QDialog.DialogCode.Accepted else ""

    def save_file(self, title: str, suggested: str, filters: list[str]) -> tuple[str, str]:
        """(path, chosen filter) or ("", "") when cancelled."""
        from pathlib import Path

        dialog = self.file_dialog(title, str(Path(suggested).parent), ";;".join(filters), "save")
        dialog.selectFile(Path(suggested).name)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return "", ""
        return dialog.selectedFiles()[0], dialog.selectedNameFilter()

    def choose_folder(self, title: str, folder: str) -> str:
        dialog = self.file_dialog(title, folder, "", "folder")
        return dialog.selectedFiles()[0] if dialog.exec() == QDialog.DialogCode.Accepted else ""

    def open_url(self, url: QUrl) -> bool:
        """Hand a file or folder to the desktop (its own viewer, the file manager); tests record it instead."""
        return QDesktopServices.openUrl(url)

    def text_input(self, title: str, label: str, text: str = "") -> str | None:
        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.setOkButtonText("OK")
        dialog.setCancelButtonText("Batal")
        return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def password_input(self, title: str, label: str) -> str | None:
        """A password typed in hidden letters; None when cancelled (ui/sync_ui.py, a git server's password)."""
        from PySide6.QtWidgets import QLineEdit

        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setOkButtonText("OK")
        dialog.setCancelButtonText("Batal")
        return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def paste_lines(self, title: str) -> str | None:
        """Many lines at once; the caller splits them into items."""
        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Satu butir per baris; penomoran seperti \"1.\" di awal baris dibuang."))
        edit = QPlainTextEdit()
        layout.addWidget(edit)
        buttons = ok_cancel_buttons(dialog, "Tambahkan", "Batal")
        layout.addWidget(buttons)
        return edit.toPlainText() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def remove_actor_choice(self, actor_name: str, step_count: int, others: list[tuple[str, str]]) -> tuple[bool, str]:
        """Ask what happens to the steps of a removed actor: (go on?, id of the actor that takes them or "")."""
        dialog = QDialog(self.parent)
        dialog.setWindowTitle("Hapus pelaksana")
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(f"{step_count} langkah dikerjakan oleh \"{actor_name}\". Apa yang terjadi pada "
                                "langkah-langkah itu?"))
        move = QRadioButton("Pindahkan ke pelaksana:")
        combo = QComboBox()
        for actor_id, name in others:
            combo.addItem(name, actor_id)
        drop = QRadioButton("Lepaskan pelaksana ini dari langkah-langkahnya (langkah tanpa pelaksana akan ditandai)")
        move.setChecked(bool(others))
        move.setEnabled(bool(others))
        combo.setEnabled(bool(others))
        drop.setChecked(not others)
        for widget in (move, combo, drop):
            layout.addWidget(widget)
        buttons = ok_cancel_buttons(dialog, "Hapus pelaksana", "Batal")
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False, ""
        return True, (combo.currentData() or "") if move.isChecked() else ""

    def choose_revision(self, revisions: list, current=None) -> str:
        """Riwayat versi: pick an earlier version to bring back; "" when closed. `current` heads the list."""
        from .history_dialog import HistoryDialog

        dialog = HistoryDialog(revisions, current, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return ""
        return dialog.chosen()

    def choose_linked_sop(self, title: str, targets: list, current_id: str = "", suggested_id: str = "",
                          can_unlink: bool = False) -> str | None:
        """Kaitkan ke SOP: the id of the SOP chosen, "" for "Lepas kaitan", None when cancelled."""
        from .link_picker import choose_linked_sop

        return choose_linked_sop(self.parent, title, targets, current_id, suggested_id, can_unlink)

    def review_import(self, results: list, preview_factory=None) -> list:
        """The import report; the SOPs the user chose to import, or [] when cancelled."""
        from .import_report import ImportReportDialog

        dialog = ImportReportDialog(results, self.parent)
        if preview_factory is not None:
            dialog.current_changed.connect(lambda index: dialog.set_preview(preview_factory(results[index][0])))
            dialog.set_preview(preview_factory(results[0][0]))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        return dialog.chosen()

    def ask_import_conflict(self, name: str) -> str:
        """An imported SOP is already in the library: "copy" (import as a new SOP), "replace" or "skip"."""
        box = QMessageBox(QMessageBox.Icon.Question, "SOP sudah ada",
                          f"SOP \"{name}\" sudah ada di pustaka. Apa yang dilakukan dengan hasil impor ini?",
                          parent=self.parent)
        copy = box.addButton("Impor sebagai SOP baru", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Ganti SOP di pustaka", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Lewati", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is copy:
            return "copy"
        if box.clickedButton() is replace:
            return "replace"
        return "skip"

    def ask_conflict_policy(self, name: str) -> str:
        """Impor folder met an SOP already in the library: "replace_all", "skip_all" or "ask" (each one)."""
        box = QMessageBox(QMessageBox.Icon.Question, "SOP sudah ada",
                          f"SOP \"{name}\" sudah ada di pustaka. Apa yang dilakukan dengan SOP ini dan SOP lain dari "
                          "folder ini yang sudah ada di pustaka? Versi yang diganti tetap tersimpan di Riwayat versi.",
                          parent=self.parent)
        skip_all = box.addButton("Lewati semua", QMessageBox.ButtonRole.RejectRole)
        replace_all = box.addButton("Ganti semua", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Tanyakan per SOP", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(skip_all)
        box.exec()
        if box.clickedButton() is replace_all:
            return "replace_all"
        if box.clickedButton() is skip_all or box.clickedButton() is None:
            return "skip_all"
        return "ask"
