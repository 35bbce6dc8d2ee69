"""The window's lifecycle commands: "Buat revisi" and the read-only records of revisions that were in force."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sopdesk.labels import format_date
from sopdesk.lifecycle import RevisionRefused, can_start_revision
from sopdesk.model import Sop, Status
from sopdesk.storage import Library, LibraryReadOnly, StorageError

from .controller import DocumentController
from .library_panel import format_timestamp
from .preview import PreviewPane

KEY_ROLE = Qt.ItemDataRole.UserRole


def revision_label(number: int | None) -> str:
    return "terbitan pertama" if not number else f"Revisi ke-{number}"


def begin_revision(window) -> bool:
    """ "Buat revisi" on the open SOP: only when it is in force (Berlaku) and saved; True when the draft is open."""
    controller: DocumentController = window.controller
    controller.commit_pending_edits()
    sop = controller.sop
    if not can_start_revision(sop):
        window.dialogs.info("Buat revisi", f"Revisi baru hanya dapat dibuat dari SOP yang berstatus Berlaku; SOP "
                            f"ini berstatus {sop.lifecycle.status.value}. Bila SOP ini sudah ditetapkan, ubah "
                            "Status di tab Identitas menjadi Berlaku dan simpan dulu.")
        return False
    if window.library.read_only:
        window.dialogs.error("Buat revisi", f"{window.library.read_only_reason}")
        return False
    if controller.is_modified() or not controller.in_library:
        if not window.dialogs.confirm("Buat revisi", "Revisi yang berlaku harus tersimpan dulu, agar yang dicatat "
                                      "sama dengan yang ditetapkan. Simpan SOP ini sekarang?", yes="Simpan",
                                      no="Batal"):
            return False
        if not window.save():
            return False
        sop = controller.sop
    number = sop.identity.revisi_ke or 0
    if not window.dialogs.confirm(
            "Buat revisi",
            f"Mulai Revisi ke-{number + 1} dari SOP \"{sop.identity.nama or 'tanpa nama'}\"?\n\n"
            f"Versi yang berlaku ({revision_label(number)}) disimpan sebagai catatan hanya-baca (Berkas → Catatan "
            "revisi…). SOP ini lalu menjadi Draf dengan Revisi ke dinaikkan dan Tanggal Revisi hari ini. Saat revisi "
            "baru ditetapkan Berlaku, versi lama otomatis menjadi Diganti.", yes="Buat revisi", no="Batal"):
        return False
    try:
        draft = window.library.begin_revision(sop, dt.date.today(), window.state.user_name())
    except RevisionRefused as exc:
        window.dialogs.info("Buat revisi", str(exc))
        return False
    except (StorageError, LibraryReadOnly) as exc:
        window.dialogs.error("Gagal membuat revisi", f"{exc}\n\nSOP yang berlaku tidak berubah.")
        return False
    window.open_document(draft, in_library=True)
    window.refresh_library()
    window.library_panel.select(draft.id)
    window.statusBar().showMessage(f"Revisi ke-{draft.identity.revisi_ke} dimulai sebagai Draf; versi yang berlaku "
                                   "disimpan sebagai catatan revisi.", 10000)
    return True


def update_revision_action(window) -> None:
    """Buat revisi is offered only on an SOP in force."""
    window.begin_revision_action.setEnabled(can_start_revision(window.controller.sop))


def show_revision_records(window) -> RevisionRecordsDialog | None:
    sop = window.controller.sop
    records = window.library.revisions(sop.id) if window.controller.in_library else []
    if not records:
        window.dialogs.info("Catatan revisi", "SOP ini belum punya catatan revisi. Catatan dibuat saat Buat revisi "
                            "dijalankan pada SOP yang berstatus Berlaku.")
        return None
    dialog = RevisionRecordsDialog(window.library, sop.id, records, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.revision_records_dialog = dialog
    dialog.open()  # window-modal without blocking, so tests can drive it
    return dialog


class RevisionRecordsDialog(QDialog):
    """The revisions that were in force, newest first; each can be looked at, never edited."""

    def __init__(self, library: Library, sop_id: str, records: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Catatan revisi")
        self.resize(760, 380)
        self._library = library
        self._sop_id = sop_id
        self.viewer: RevisionViewer | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("Revisi yang pernah berlaku, tersimpan hanya-baca. Versi yang sedang disunting tidak "
                       "termasuk di sini.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.listing = QTreeWidget()
        self.listing.setObjectName("revision_records")
        self.listing.setHeaderLabels(["Revisi", "Status", "Sejak", "Tanggal Efektif", "Nama SOP", "Dicatat"])
        self.listing.setRootIsDecorated(False)
        self.listing.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.listing.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for record in reversed(records):
            item = QTreeWidgetItem([
                revision_label(record.revisi_ke),
                "rusak" if record.damaged else record.status.value,
                format_date(record.status_date, weekday=False),
                format_date(record.tanggal_efektif, weekday=False),
                record.nama,
                format_timestamp(record.recorded_at),
            ])
            item.setData(0, KEY_ROLE, "" if record.damaged else record.key)
            if record.damaged:
                item.setToolTip(0, record.damaged)
            self.listing.addTopLevelItem(item)
        self.listing.setCurrentItem(self.listing.topLevelItem(0))
        self.listing.itemDoubleClicked.connect(lambda _item, _col: self.view_selected())
        layout.addWidget(self.listing)
        buttons = QDialogButtonBox()
        self.view_button = buttons.addButton("Lihat (hanya baca)", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Tutup", QDialogButtonBox.ButtonRole.RejectRole)
        self.view_button.clicked.connect(self.view_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def row_texts(self) -> list[list[str]]:
        return [[self.listing.topLevelItem(i).text(c) for c in range(self.listing.columnCount())]
                for i in range(self.listing.topLevelItemCount())]

    def view_selected(self) -> RevisionViewer | None:
        item = self.listing.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else ""
        if not key:
            return None
        try:
            sop = self._library.load_revision_record(self._sop_id, key)
        except StorageError as exc:
            item.setText(1, "rusak")
            item.setToolTip(0, str(exc))
            return None
        self.viewer = RevisionViewer(sop, self)
        self.viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.viewer.open()
        return self.viewer


class RevisionViewer(QDialog):
    """The printed pages of a kept revision; there is nothing here to edit it with."""

    def __init__(self, sop: Sop, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        status = sop.lifecycle.status
        self.setWindowTitle(f"{revision_label(sop.identity.revisi_ke)} — {status.value} (hanya baca)")
        self.resize(900, 640)
        self.sop = sop
        self.controller = DocumentController(self)  # a document of its own: the editor's undo never reaches it
        self.controller.open_document(sop, in_library=True)
        layout = QVBoxLayout(self)
        since = format_date(sop.lifecycle.status_date, weekday=False, empty="")
        note = QLabel(f"{sop.identity.nomor} {sop.identity.nama} — {status.value}"
                      f"{' sejak ' + since if since and status is not Status.DRAF else ''}. Catatan ini tidak dapat "
                      "diubah; untuk mengubah SOP, sunting versi terkininya.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.preview = PreviewPane(self.controller)
        layout.addWidget(self.preview, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Tutup")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.preview.refresh()
