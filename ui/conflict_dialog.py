"""Selesaikan bentrok: the dialog that settles a sync conflict of one SOP, and its place in the main window.

The dialog shows, for each thing both drafters changed differently, the common ancestor ("Semula"), the version
the library uses now ("Versi dipakai") and the one kept aside ("Versi lain"), each with who saved it and when, and
a choice per row. "Bandingkan lengkap…" opens the comparison view (ui/compare_view.py) on the same versions. The
decision is an ordinary save of the library (sopdesk/sync/settle.py). `install_conflicts(window)` adds the menu
entry, the notice bar over the editor and the marks of the library list.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sopdesk.storage import LibraryReadOnly, StorageError, file_stem
from sopdesk.sync import settle
from sopdesk.validation import Target

APPLY, APPLY_EDIT, LATER, KEEP_EDITED, DELETE, KEEP_OURS, TAKE_OTHER = (
    "terapkan", "terapkan-sunting", "nanti", "simpan-diubah", "hapus", "tetap", "pakai-lain")
_CELL = "padding: 4px; border: 1px solid #d0d0d0; background: #ffffff; color: #1f1f1f;"
_CHOSEN = "padding: 4px; border: 2px solid #2e7d32; background: #e6f4e6; color: #1f1f1f;"
_HEAD = "padding: 4px; font-weight: bold; color: #1f1f1f; background: #eeeeee;"
BAR_STYLE = "background: #fde2c8; color: #5a2a00; padding: 4px;"
MAX_SHOWN_CHARS = 600
BAR_TEXTS = {
    settle.ISIAN: "⚠ SOP ini bentrok dengan versi dari PC lain: isian yang sama diubah berbeda. Kedua versi "
                  "disimpan sampai Anda memutuskan.",
    settle.HAPUS_UBAH: "⚠ SOP ini dihapus di satu PC tetapi diubah di PC lain. Versi yang diubah tetap di sini "
                       "sampai Anda memutuskan apakah SOP ini disimpan atau dihapus.",
    settle.RUSAK: "⚠ Salah satu versi SOP ini dari sinkronisasi tidak dapat dibaca. Versi di sini tetap dipakai "
                  "sampai Anda memutuskan.",
}


def _cell(text: str, style: str = _CELL) -> QLabel:
    shown = text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + " …"
    label = QLabel(shown)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setStyleSheet(style)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    label.setMinimumWidth(80)
    if len(text) > MAX_SHOWN_CHARS:
        label.setToolTip(text[:4000])
    return label


class ConflictDialog(QDialog):
    """Selesaikan bentrok — <SOP>: one row per thing to decide (or the question of a deleted-against-edited SOP)."""

    def __init__(self, conflict: settle.PendingConflict, dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.dialogs = dialogs
        self.outcome = LATER
        self.combos: list[QComboBox] = []
        self.value_cells: list[tuple[QLabel, QLabel]] = []
        self._compare = None
        self.setWindowTitle(f"Selesaikan bentrok — {conflict.name}")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        box = QVBoxLayout(self)
        self.intro = QLabel(self._intro())
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(self.intro.text()))
        box.addWidget(self.intro)
        buttons = QHBoxLayout()
        self.compare_button = QPushButton("&Bandingkan lengkap…")
        self.compare_button.setToolTip("Buka perbandingan lengkap: versi lain, versi yang dipakai dan versi semula")
        self.compare_button.setAutoDefault(False)
        self.compare_button.clicked.connect(self.open_compare)
        self.compare_button.setEnabled(sum(v.sop is not None for v in self._versions()) >= 2)
        buttons.addWidget(self.compare_button)
        buttons.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        if conflict.kind == settle.ISIAN:
            box.addWidget(self._rows_area(), 1)
            self._button(buttons, APPLY, "&Terapkan", "Simpan pilihan ini sebagai versi baru SOP dan tutup bentroknya")
            self._button(buttons, APPLY_EDIT, "Terapkan lalu &sunting",
                         "Simpan pilihan ini, lalu buka isian pertama yang bentrok agar dapat disunting")
            self.buttons[APPLY].setDefault(True)
        elif conflict.kind == settle.HAPUS_UBAH:
            box.addWidget(self._question(), 1)
            self._button(buttons, KEEP_EDITED, "Simpan versi yang &diubah",
                         "SOP tetap di pustaka dengan perubahannya; catatan bentrok ditutup")
            self._button(buttons, DELETE, "&Hapus (pindahkan ke Sampah)",
                         "SOP dipindah ke Sampah (dapat dipulihkan); catatan bentrok ditutup")
        else:
            box.addWidget(self._question(), 1)
            self._button(buttons, KEEP_OURS, "Tetap pakai versi &ini",
                         "Versi yang dipakai tetap; versi lain tetap ada di Riwayat versi bila dapat dibaca")
            self._button(buttons, TAKE_OTHER, "Pakai versi &lain", "Versi lain dipakai; versi sekarang masuk riwayat")
            self.buttons[KEEP_OURS].setEnabled(conflict.ours.sop is not None or not conflict.ours.present)
            self.buttons[TAKE_OTHER].setEnabled(conflict.theirs.sop is not None)
        self._button(buttons, LATER, "&Nanti", "Tutup tanpa memutuskan; kedua versi tetap disimpan")
        box.addLayout(buttons)
        if conflict.kind != settle.ISIAN:
            self.buttons[LATER].setFocus()  # a deleted-against-edited SOP is never decided by a stray Enter
        self._fit()

    # ---- building ------------------------------------------------------------------------------
    def _button(self, row: QHBoxLayout, outcome: str, text: str, tip: str) -> None:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.finish(outcome))
        row.addWidget(button)
        self.buttons[outcome] = button

    def _intro(self) -> str:
        c = self.conflict
        lines = []
        if c.kind == settle.ISIAN:
            used, other = c.ours.who(), c.theirs.who()
            count = len(c.choices)
            lines.append(f"SOP ini diubah di dua PC pada isian yang sama. Yang lain sudah digabung otomatis; "
                         f"{count} hal di bawah perlu Anda putuskan. Sampai diputuskan, kedua versi tetap "
                         "disimpan." if count else
                         "Isian yang dulu bentrok kini sudah sama di kedua versi (sudah disunting sesudah "
                         "sinkronisasi). Terapkan untuk menutup bentrok ini.")
            lines.append(f"{settle.USED}: versi di pustaka ini{' — ' + used if used else ''}.")
            lines.append(f"{settle.OTHER}: versi yang disimpan terpisah{' — ' + other if other else ''}.")
        if c.records > 1:
            lines.append(f"Ada {c.records} catatan bentrok untuk SOP ini (dari {c.records} sinkronisasi); ini yang "
                         "pertama. Sesudah diputuskan, yang berikutnya ditampilkan.")
        return "\n".join(lines)

    def _rows_area(self) -> QScrollArea:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        heads = ("Isian", settle.ORIGIN, settle.USED, settle.OTHER, "Pilihan")
        tips = ("Bagian SOP yang diubah berbeda di kedua versi",
                "Isinya sebelum kedua PC mengubahnya (versi bersama terakhir)",
                f"Versi di pustaka ini, yang dipakai sekarang{' — ' + self.conflict.ours.who() if self.conflict.ours.who() else ''}",
                f"Versi yang disimpan terpisah{' — ' + self.conflict.theirs.who() if self.conflict.theirs.who() else ''}",
                "Versi mana yang dipakai untuk isian ini")
        for column, text in enumerate(heads):
            head = _cell(text, _HEAD)
            head.setToolTip(tips[column])
            grid.addWidget(head, 0, column)
        for column, stretch in enumerate((2, 3, 3, 3, 2)):
            grid.setColumnStretch(column, stretch)
        for i, choice in enumerate(self.conflict.choices):
            row = i + 1
            name = _cell(choice.path + (f"\n{choice.note}" if choice.note else ""), _CELL + " font-weight: bold;")
            grid.addWidget(name, row, 0)
            grid.addWidget(_cell(choice.base), row, 1)
            ours, theirs = _cell(choice.ours), _cell(choice.theirs)
            grid.addWidget(ours, row, 2)
            grid.addWidget(theirs, row, 3)
            combo = QComboBox()
            combo.setObjectName(f"choice_{i}")
            combo.setAccessibleName(f"Pilihan untuk {choice.path}")
            for value, label in choice.options:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(lambda _index, n=i: self._tint(n))
            grid.addWidget(combo, row, 4, Qt.AlignmentFlag.AlignTop)
            self.combos.append(combo)
            self.value_cells.append((ours, theirs))
            self._tint(i)
        grid.setRowStretch(len(self.conflict.choices) + 1, 1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(inner)
        return area

    def _question(self) -> QWidget:
        c = self.conflict
        if c.kind == settle.HAPUS_UBAH:
            text = ("SOP ini dihapus (atau dipindah ke Sampah) di satu PC, sedangkan di PC lain isinya diubah. "
                    "Versi yang diubah tetap ada di pustaka sampai Anda memutuskan: simpan versi yang diubah, "
                    "atau hapus SOP ini (dipindah ke Sampah, dapat dipulihkan).")
        else:
            text = ("Salah satu versi SOP ini tidak dapat dibaca, jadi isiannya tidak dapat digabung. Pilih versi "
                    "yang dipakai. Versi yang tidak dipakai tetap ada di riwayat.")
        details = [text, ""]
        for title, version in ((settle.USED, c.ours), (settle.OTHER, c.theirs), (settle.ORIGIN, c.base)):
            if version.sop is not None:
                name = " ".join(p for p in (version.sop.identity.nomor, version.sop.identity.nama) if p)
                what = f"\"{name or 'tanpa nama'}\", {len(version.sop.steps)} langkah"
                who = version.who()
                same = (version is not c.base and c.base.sop is not None
                        and settle.same_content(version.sop, c.base.sop))
                details.append(f"• {title}: {what}{' — ' + who if who else ''}"
                               + (" (isinya sama dengan semula)" if same else ""))
            elif version.error:
                details.append(f"• {title}: tidak dapat dibaca. {version.error}")
            else:
                details.append(f"• {title}: tidak ada (dihapus)")
        # The sync's own note ("bentrok") is not shown: it says "PC ini" for the PC that ran that sync.
        label = QLabel("\n".join(details))
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(label)
        return area

    def _fit(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        wide = self.conflict.kind == settle.ISIAN
        width = min(1180 if wide else 760, available.width() - 40)
        height = min(640 if wide else 380, available.height() - 60)
        self.resize(width, height)

    def _tint(self, i: int) -> None:
        ours, theirs = self.value_cells[i]
        value = self.combos[i].currentData()
        # The value that will be kept is framed; keep/delete rows (a step or actor) frame nothing.
        sides = self.combos[i].count() > 1 and value in (settle.OURS, settle.THEIRS)
        ours.setStyleSheet(_CHOSEN if sides and value == settle.OURS else _CELL)
        theirs.setStyleSheet(_CHOSEN if sides and value == settle.THEIRS else _CELL)

    # ---- answers -------------------------------------------------------------------------------
    def picks(self) -> dict[int, str]:
        return {i: combo.currentData() for i, combo in enumerate(self.combos)}

    def choose(self, i: int, value: str) -> None:
        combo = self.combos[i]
        combo.setCurrentIndex(combo.findData(value))

    def finish(self, outcome: str) -> None:
        self.outcome = outcome
        if outcome == LATER:
            self.reject()
        else:
            self.accept()

    def _versions(self):
        c = self.conflict
        return (c.theirs, c.ours, c.base)

    def open_compare(self):
        """The comparison view on the versions: Versi lain (A) against Versi dipakai (B); Semula can be chosen."""
        from .compare_view import CompareDialog, Version

        versions = []
        for title, version in ((settle.USED, self.conflict.ours), (settle.OTHER, self.conflict.theirs),
                               (settle.ORIGIN, self.conflict.base)):
            if version.sop is None:
                continue
            who = version.who()
            versions.append(Version(f"{title}{' (' + who + ')' if who else ''}",
                                    lambda sop=version.sop: sop.clone()))
        if len(versions) < 2:
            return None
        dialog = CompareDialog(versions, self.dialogs, self, a=1, b=0)
        dialog.setWindowTitle(f"Bandingkan versi — {self.conflict.name}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._compare = dialog
        dialog.show()
        return dialog


# ---- in the main window ---------------------------------------------------------------------------


def _target_of(choice: settle.Choice) -> Target | None:
    kind, _, rest = choice.key.partition(".")
    if kind == "identity":
        return Target("identity", rest.split(".")[0] if rest.startswith(("date_texts", "keterkaitan")) else rest)
    if kind == "list":
        return Target("list", rest)
    if kind == "step":
        sid, _, key = rest.partition(".")
        attr = dict(settle._STEP_ATTRS).get(key, "kegiatan") if key else "kegiatan"
        return Target("step", attr if attr != "keterangan_link" else "keterangan", sid)
    if kind == "actor":
        return Target("actors", "", rest)
    if kind == "steps":
        return Target("step")
    if kind == "actors":
        return Target("actors")
    if kind == "page":
        return Target("page", rest)
    if kind == "lifecycle":
        return Target("identity", rest)
    return None


class ConflictSupport(QObject):
    """What the main window gets from install_conflicts: the menu entry, the notice bar, the list marks."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.stems: set[str] = set()
        self.action = QAction("Se&lesaikan bentrok…", window)
        self.action.setToolTip("Putuskan isian SOP ini yang diubah berbeda di dua PC")
        self.action.setEnabled(False)
        self.action.triggered.connect(window.controller.commit_pending_edits)
        self.action.triggered.connect(lambda: self.settle_open())
        file_menu = getattr(window, "begin_revision_action", None)
        menu = window.menuBar().actions()[0].menu()
        if file_menu is not None and file_menu in menu.actions():
            menu.insertAction(file_menu, self.action)
        else:
            menu.addAction(self.action)
        sync_menu = getattr(getattr(window, "sync_ui", None), "menu", None)
        if sync_menu is not None:
            sync_menu.addSeparator()
            sync_menu.addAction(self.action)  # beside Sinkronkan too, where a drafter looks after a sync
        self.bar = QFrame()
        self.bar.setObjectName("conflict_bar")
        self.bar.setStyleSheet(BAR_STYLE)
        self.bar_text = QLabel()
        self.bar_text.setWordWrap(True)
        self.bar_button = QPushButton("Selesaikan bentrok…")
        self.bar_button.clicked.connect(lambda: self.settle_open())
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.bar_text, 1)
        row.addWidget(self.bar_button)
        self.bar.setVisible(False)
        layout = window.centralWidget().layout()
        layout.insertWidget(1 if layout.count() > 1 else 0, self.bar)
        panel = window.library_panel
        panel.settle_requested.connect(self.settle_from_list)
        panel.entries_refreshed.connect(self.update_state)
        window.controller.document_changed.connect(self._on_document_changed)
        panel.set_conflict_source(self.read_stems)

    # ---- state ---------------------------------------------------------------------------------
    def read_stems(self) -> set[str]:
        self.stems = settle.pending_stems(self.window.library.root)
        return self.stems

    def open_has_conflict(self) -> bool:
        controller = self.window.controller
        return controller.in_library and file_stem(controller.sop.id) in self.stems

    def _on_document_changed(self, scope: str) -> None:
        if scope == "all":
            self.update_state()

    def update_state(self) -> None:
        pending = self.open_has_conflict()
        writable = not self.window.library.read_only
        self.action.setEnabled(pending and writable)
        self.bar.setVisible(pending)
        self.bar_button.setEnabled(writable)
        if pending:
            kind = settle.kind_of(self.window.library.root, file_stem(self.window.controller.sop.id))
            self.bar_text.setText(BAR_TEXTS.get(kind, BAR_TEXTS[settle.ISIAN]))

    # ---- settling ------------------------------------------------------------------------------
    def settle_from_list(self, sop_id: str) -> str:
        window = self.window
        if not (window.controller.in_library and window.controller.sop.id == sop_id):
            window.open_from_library(sop_id)
            if window.controller.sop.id != sop_id:
                return LATER  # the open SOP was not left (Batal)
        return self.settle_open()

    def _run(self, dialog: ConflictDialog) -> None:
        runner = getattr(self.window.dialogs, "run_conflict_dialog", None)
        if runner is not None:
            runner(dialog)  # a test answers instead of a person
        else:
            dialog.exec()

    def settle_open(self) -> str:
        """Selesaikan bentrok… for the SOP in the editor; returns the last outcome (LATER when nothing was decided).

        Another record of the same SOP (a second sync met a conflict on it too) is shown right after; what was
        decided goes to the shared library at once (a quiet sync), after the last dialog."""
        decided = False
        while True:
            outcome = self._settle_open()
            decided = decided or outcome != LATER
            if outcome in (LATER, DELETE, APPLY_EDIT) or not self.open_has_conflict():
                break
        sync_ui = getattr(self.window, "sync_ui", None)
        if decided and sync_ui is not None:
            sync_ui.send_decision()
        return outcome

    def _settle_open(self) -> str:
        window = self.window
        window.controller.commit_pending_edits()
        self.read_stems()
        if not self.open_has_conflict():
            self.update_state()
            window.dialogs.info("Selesaikan bentrok", "SOP yang terbuka tidak punya bentrok yang menunggu keputusan.")
            return LATER
        if window.library.read_only:
            window.dialogs.error("Selesaikan bentrok", "Pustaka hanya dapat dibaca di jendela ini, jadi bentrok "
                                 "tidak dapat diselesaikan di sini.")
            return LATER
        sync_ui = getattr(window, "sync_ui", None)
        if sync_ui is not None and sync_ui.running():
            window.dialogs.info("Selesaikan bentrok", "Sinkronisasi sedang berjalan dan dapat membawa versi baru SOP "
                                "ini. Tunggu sampai selesai (lihat baris status), lalu selesaikan bentroknya.")
            return LATER
        if window.controller.is_modified():
            if not window.dialogs.confirm(
                    "Perubahan belum disimpan",
                    "SOP ini punya perubahan yang belum disimpan. Bentrok diputuskan terhadap versi yang tersimpan, "
                    "jadi simpan dulu perubahan itu. Simpan sekarang?", yes="Simpan lalu lanjutkan", no="Batal"):
                return LATER
            if not window.save():
                return LATER
        sop_id = window.controller.sop.id
        try:
            conflict = settle.read_conflict(window.library, file_stem(sop_id))
        except StorageError as exc:
            window.dialogs.error("Bentrok tidak dapat dibaca", str(exc))
            self._after(sop_id, reopen=False)
            return LATER
        dialog = ConflictDialog(conflict, window.dialogs, window)
        self._run(dialog)
        outcome = dialog.outcome
        if outcome == LATER:
            return LATER
        user = window.state.user_name()
        library = window.library
        try:
            if outcome in (APPLY, APPLY_EDIT):
                if conflict.choices:
                    settle.settle_fields(library, conflict, dialog.picks(), user)
                else:
                    settle.keep_current(library, conflict, user)
            elif outcome in (KEEP_EDITED, KEEP_OURS):
                settle.keep_current(library, conflict, user)
            elif outcome == TAKE_OTHER:
                settle.take_other(library, conflict, user)
            elif outcome == DELETE:
                settle.delete_sop(library, conflict)
        except (StorageError, LibraryReadOnly) as exc:
            window.dialogs.error("Bentrok tidak dapat diselesaikan", f"{exc}\n\nKedua versi masih tersimpan.")
            self._after(sop_id, reopen=False)
            return LATER
        if outcome == DELETE:
            window.new_sop(ask=False)
            self._after(sop_id, reopen=False)
            window.statusBar().showMessage(f"\"{conflict.name}\" dipindah ke Sampah; bentroknya ditutup.", 8000)
            return outcome
        self._after(sop_id, reopen=True)
        name = window.controller.sop.identity.nama or conflict.name
        window.statusBar().showMessage(f"Bentrok \"{name}\" diselesaikan dan disimpan.", 8000)
        if outcome == APPLY_EDIT:
            # The first row taken from the other version (else the first row): where editing most likely starts.
            picks = dialog.picks()
            first = next((c for i, c in enumerate(conflict.choices) if picks.get(i, c.default) != c.default),
                         conflict.choices[0] if conflict.choices else None)
            target = _target_of(first) if first is not None else None
            if target is not None:
                window.show_target(target)
            window.statusBar().showMessage(f"Bentrok \"{name}\" diselesaikan dan disimpan; sunting "
                                           "lalu simpan lagi (Ctrl+S) bila perlu.", 10000)
        return outcome

    def _after(self, sop_id: str, reopen: bool) -> None:
        window = self.window
        if reopen:
            try:
                window.open_document(window.library.load(sop_id), in_library=True)
            except StorageError as exc:
                window.dialogs.error("SOP tidak dapat dibuka", str(exc))
        window.refresh_library()
        window.library_panel.select(sop_id)
        self.update_state()


def install_conflicts(window) -> ConflictSupport:
    """Called once by the main window: Berkas → Selesaikan bentrok…, the notice bar and the library marks."""
    support = ConflictSupport(window)
    window.conflicts = support
    support.update_state()
    return support
