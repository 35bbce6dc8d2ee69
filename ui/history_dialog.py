"""Riwayat versi: every saved version with when, who and what changed; one can be brought back."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .library_panel import format_timestamp

ID_ROLE = Qt.ItemDataRole.UserRole
UNKNOWN_USER = "(tanpa nama)"
CURRENT = "(versi sekarang)"


def changes_summary(changes: tuple[str, ...] | list[str]) -> str:
    """One line for the list: the first changes, then how many more."""
    if not changes:
        return "(tidak tercatat)"
    shown = "; ".join(changes[:3])
    return shown if len(changes) <= 3 else f"{shown}; dan {len(changes) - 3} lainnya"


class HistoryDialog(QDialog):
    """The versions newest first: the current one (not restorable) on top, then the history."""

    def __init__(self, revisions: list, current=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Riwayat versi")
        self.resize(820, 460)
        layout = QVBoxLayout(self)
        intro = QLabel("Setiap penyimpanan, terbaru di atas: kapan, oleh siapa (Nama pengguna di Preferensi) dan "
                       "apa yang diubah. Memulihkan sebuah versi menyimpannya sebagai versi terkini; versi sekarang "
                       "tetap ada di riwayat.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.listing = QTreeWidget()
        self.listing.setObjectName("history_list")
        self.listing.setHeaderLabels(["Waktu", "Oleh", "Perubahan"])
        self.listing.setRootIsDecorated(False)
        self.listing.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.listing.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self._changes: list[tuple[str, ...]] = []
        rows = ([(current, True)] if current is not None else []) + [(r, False) for r in revisions]
        for revision, is_current in rows:
            when = format_timestamp(revision.saved_at)
            if is_current:
                when = f"{when} {CURRENT}"
            changes = tuple(revision.changes)
            summary = revision.nama if revision.damaged else changes_summary(changes)
            item = QTreeWidgetItem([when, revision.saved_by or UNKNOWN_USER, summary])
            item.setData(0, ID_ROLE, "" if is_current or revision.damaged else revision.revision_id)
            item.setToolTip(2, "\n".join(changes) or summary)
            self.listing.addTopLevelItem(item)
            self._changes.append(changes if not revision.damaged else (revision.damaged,))
        layout.addWidget(self.listing, 3)
        self.details = QPlainTextEdit()
        self.details.setObjectName("history_details")
        self.details.setReadOnly(True)
        layout.addWidget(QLabel("Perubahan pada versi yang dipilih:"))
        layout.addWidget(self.details, 2)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton("Pulihkan versi ini", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("Tutup", QDialogButtonBox.ButtonRole.RejectRole)
        # Bandingkan (ui/compare_view.py): this version beside the one on screen; the list closes first.
        self.compare_button = self.buttons.addButton("Bandingkan", QDialogButtonBox.ButtonRole.ActionRole)
        self.compare_button.setToolTip("Bandingkan versi ini dengan versi di layar, berdampingan")
        self.compare_button.clicked.connect(self._on_compare_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.listing.currentItemChanged.connect(self._on_listing_current_item_changed)
        self.listing.itemDoubleClicked.connect(self._on_listing_item_double_clicked)
        if self.listing.topLevelItemCount():
            # The newest earlier version is what a user most often wants back.
            self.listing.setCurrentItem(self.listing.topLevelItem(1 if current is not None and revisions else 0))

    def row_texts(self) -> list[list[str]]:
        return [[self.listing.topLevelItem(i).text(c) for c in range(3)]
                for i in range(self.listing.topLevelItemCount())]

    def chosen(self) -> str:
        item = self.listing.currentItem()
        return item.data(0, ID_ROLE) if item is not None else ""

    def _on_listing_current_item_changed(self, item, _previous) -> None:
        if item is None:
            self.details.setPlainText("")
            self.restore_button.setEnabled(False)
            return
        changes = self._changes[self.listing.indexOfTopLevelItem(item)]
        self.details.setPlainText("\n".join(f"• {c}" for c in changes) or "(perubahan tidak tercatat: versi ini "
                                  "disimpan sebelum SOP Desk mencatat perubahan)")
        self.restore_button.setEnabled(bool(item.data(0, ID_ROLE)))

    def _on_compare_button_clicked(self) -> None:
        from .compare_view import open_compare

        chosen, window = self.chosen(), self.parent()
        self.reject()
        if window is not None and hasattr(window, "controller"):
            open_compare(window, chosen)

    def _on_listing_item_double_clicked(self, item, _column) -> None:
        if item.data(0, ID_ROLE):
            self.accept()
