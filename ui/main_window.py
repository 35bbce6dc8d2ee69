"""The main window: library on one side, the editor on the other, problems below, and the file commands."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.model import Sop
from sopdesk.storage import Library, LibraryReadOnly, StorageError, default_library_dir, move_library
from sopdesk.validation import Target, duplicate_nomor, from_layout

from . import dialogs as dlg
from . import lifecycle_actions
from .actors_editor import ActorsEditor
from .conflict_dialog import install_conflicts
from .controller import DocumentController
from .identity_form import IdentityForm
from .library_panel import LibraryPanel
from .page_settings import PageSettingsEditor
from .preview import PreviewPane
from .list_editors import BoxesEditor
from .preferences import PreferencesDialog
from .problems_panel import ProblemsPanel
from .sop_links import LinkContext, install_links
from .steps_editor import StepsEditor
from .sync_ui import SyncController
from .transfers import TransfersMixin
from .ui_state import UiState

TAB_IDENTITY, TAB_BOXES, TAB_ACTORS, TAB_STEPS, TAB_PAGE = range(5)
RECOVERY_DELAY_MS = 2000
PREFERRED_SIZE = (1400, 860)
FRAME_ALLOWANCE = (16, 40)  # title bar and borders, unknown until the window manager has framed the window
WIDE_ENOUGH_FOR_PREVIEW = 1600  # the steps table with five actors needs about 1150 px beside the preview
WIDE_ENOUGH_FOR_LIBRARY = 1900
PROBLEMS_HEIGHT = 150
CATALOGUE_FLUSH_MS = 3000


class MainWindow(TransfersMixin, QMainWindow):
    def __init__(self, state: UiState, library: Library, dialogs: dlg.Dialogs | None = None) -> None:
        super().__init__()
        self.state = state
        self.library = library
        self.dialogs = dialogs or dlg.Dialogs(self)
        self.controller = DocumentController(self)

        self.library_panel = LibraryPanel()
        self.identity_form = IdentityForm(self.controller, self.dialogs)
        self.links = LinkContext(self.controller, self.dialogs, self)  # links between SOPs (ui/sop_links.py)
        self.boxes_editor = BoxesEditor(self.controller, self.dialogs, link_context=self.links)
        self.actors_editor = ActorsEditor(self.controller, self.dialogs)
        self.steps_editor = StepsEditor(self.controller, dialogs=self.dialogs, link_context=self.links)
        self.steps_editor.message_posted.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.page_editor = PageSettingsEditor(self.controller)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.identity_form, "Identitas")
        self.tabs.addTab(self.boxes_editor, "Dasar hukum dan lainnya")
        self.tabs.addTab(self.actors_editor, "Pelaksana")
        self.tabs.addTab(self.steps_editor, "Langkah")
        self.tabs.addTab(self.page_editor, "Halaman")
        self.tabs.currentChanged.connect(lambda _index: self.controller.commit_pending_edits())
        self.read_only_banner = QLabel()
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet("background: #fff3cd; color: #5c4400; padding: 6px;")
        self.read_only_banner.setVisible(False)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.read_only_banner)
        editor_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(editor)
        # The editor owns the width: library, preview and problems are docks the user shows when needed
        # (Tampilan menu, the buttons beside the tabs), and the preview can float into its own window.
        self.preview = PreviewPane(self.controller)
        self.library_dock = self._dock("library_dock", "Pustaka", self.library_panel,
                                       Qt.DockWidgetArea.LeftDockWidgetArea, floatable=False)
        self.preview_dock = self._dock("preview_dock", "Pratinjau", self.preview,
                                       Qt.DockWidgetArea.RightDockWidgetArea, floatable=True)
        self.problems_panel = ProblemsPanel(self.controller)
        self.problems_dock = self._dock("problems_dock", "Masalah", self.problems_panel,
                                        Qt.DockWidgetArea.BottomDockWidgetArea, floatable=False)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        # Permanent: a status message ("tersimpan", "3 langkah dihapus") never hides the problem count.
        self.statusBar().addPermanentWidget(self.problems_panel.summary)
        self.problems_panel.summary.clicked.connect(self._on_problems_summary_clicked)
        self._docks_sized = False

        self._build_menus()
        # Pustaka bersama: its menu, the Sinkronkan button and status line, the automatic syncs (ui/sync_ui.py).
        self.sync_ui = SyncController(self)
        self._recovery_timer = QTimer(self)
        self._recovery_timer.setSingleShot(True)
        self._recovery_timer.setInterval(RECOVERY_DELAY_MS)
        self._recovery_timer.timeout.connect(self.write_recovery)
        # Saves write only the SOP's own file; the catalogue follows a moment later (and on close).
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(CATALOGUE_FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush_catalogue)

        self.controller.stack.cleanChanged.connect(self._on_stack_clean_changed)
        self.controller.document_changed.connect(self._on_controller_document_changed)
        self.controller.focus_requested.connect(self._on_controller_focus_requested)
        self.problems_panel.problem_activated.connect(self.show_target)
        self.preview.step_clicked.connect(self._on_preview_step_clicked)
        self.problems_panel.extra = lambda: self._layout_problems() + self._nomor_problems() + self.links.problems()
        install_links(self)
        install_conflicts(self)  # Selesaikan bentrok, its notice bar and the library marks (ui/conflict_dialog.py)
        self.preview.refreshed.connect(self.problems_panel.refresh)
        self.steps_editor.table.selectionModel().currentRowChanged.connect(self._on_steps_current_row_changed)
        self.steps_editor.model.modelReset.connect(self._reconnect_step_selection)
        panel = self.library_panel
        panel.new_requested.connect(self.new_sop)
        panel.template_requested.connect(self.new_from_template)
        panel.open_requested.connect(self.open_from_library)
        panel.duplicate_requested.connect(self.duplicate_sop)
        panel.trash_requested.connect(self.trash_sop)
        panel.restore_requested.connect(self.restore_sop)
        panel.purge_requested.connect(self.purge_sop)
        panel.trash_view.toggled.connect(lambda _on: self.refresh_library())

        self._apply_read_only()
        self.refresh_library()
        if not self._open_last_sop():
            self.new_sop(ask=False)
        self._restore_layout()

    # ---- menus ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        # Connected first, so it runs first: what is typed in an open cell is saved, exported, printed.
        action.triggered.connect(self.controller.commit_pending_edits)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Berkas")
        self.new_action = self._action(file_menu, "SOP &Baru", lambda: self.new_sop(), QKeySequence.StandardKey.New)
        self.new_from_template_action = self._action(file_menu, "SOP Baru dari c&ontoh…",
                                                     lambda: self.new_from_template())
        self.save_action = self._action(file_menu, "&Simpan", lambda: self.save(), QKeySequence.StandardKey.Save)
        # Simpan is greyed out while the library is read-only; Ctrl+S still answers then, saying why.
        self.read_only_save_action = QAction(self)
        self.read_only_save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.read_only_save_action.setEnabled(False)
        self.read_only_save_action.triggered.connect(lambda: self.save())
        self.addAction(self.read_only_save_action)
        file_menu.addSeparator()
        self.import_json_action = self._action(file_menu, "Impor &JSON…", lambda: self.import_json())
        self.import_xlsx_action = self._action(file_menu, "Impor &Excel…", lambda: self.import_xlsx())
        self.import_pdf_action = self._action(file_menu, "Impor &PDF…", lambda: self.import_pdf())
        self.import_docx_action = self._action(file_menu, "Impor &Word…", lambda: self.import_docx())
        self.import_folder_action = self._action(file_menu, "Impor &folder…", lambda: self.import_folder())
        self.export_json_action = self._action(file_menu, "Ekspor JSO&N…", lambda: self.export_json())
        self.export_pdf_action = self._action(file_menu, "Ekspor P&DF…", lambda: self.export_pdf())
        self.export_docx_action = self._action(file_menu, "Ekspor Wo&rd…", lambda: self.export_office("docx"))
        self.export_xlsx_action = self._action(file_menu, "Ekspor E&xcel…", lambda: self.export_office("xlsx"))
        self.book_action = self._action(file_menu, "B&uku SOP…", lambda: self.open_book_dialog())
        file_menu.addSeparator()
        self.print_action = self._action(file_menu, "&Cetak…", lambda: self.print_document(),
                                         QKeySequence.StandardKey.Print)
        file_menu.addSeparator()
        self.history_action = self._action(file_menu, "Riwa&yat versi…", lambda: self.show_history())
        self.compare_action = self._action(file_menu, "Bandin&gkan versi…", lambda: self.compare_versions())
        self.begin_revision_action = self._action(file_menu, "Buat re&visi…",
                                                  lambda: lifecycle_actions.begin_revision(self))
        self.revision_records_action = self._action(file_menu, "Ca&tatan revisi…",
                                                    lambda: lifecycle_actions.show_revision_records(self))
        self.controller.document_changed.connect(lambda _scope: lifecycle_actions.update_revision_action(self))
        self.identity_form.review_default_months = self.state.review_months_default
        self.preferences_action = self._action(file_menu, "Preferens&i…", lambda: self.edit_preferences())
        file_menu.addSeparator()
        self._action(file_menu, "&Keluar", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = bar.addMenu("&Sunting")
        self.undo_action = self.controller.stack.createUndoAction(self, "&Urungkan")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.controller.stack.createRedoAction(self, "U&langi")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        # Undo and redo first put an open cell editor's text into the document (as its own step).
        for action, slot in ((self.undo_action, self.controller.undo), (self.redo_action, self.controller.redo)):
            action.triggered.disconnect()
            action.triggered.connect(slot)
        edit_menu.aboutToShow.connect(self.controller.commit_pending_edits)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        step_menu = bar.addMenu("&Langkah")
        for action in self.steps_editor.actions.values():
            step_menu.addAction(action)
        self._build_view_menu(bar.addMenu("&Tampilan"))

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea, floatable: bool) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        features = QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        if floatable:
            features |= QDockWidget.DockWidgetFeature.DockWidgetFloatable
        dock.setFeatures(features)
        self.addDockWidget(area, dock)
        return dock

    def _build_view_menu(self, menu) -> None:
        for dock, text, shortcut in ((self.library_dock, "&Pustaka", "Ctrl+L"),
                                     (self.preview_dock, "P&ratinjau", "F8"),
                                     (self.problems_dock, "Daftar &masalah", "Ctrl+Shift+M")):
            action = dock.toggleViewAction()
            action.setText(text)
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"Tampilkan atau sembunyikan {text.replace('&', '').lower()} ({shortcut})")
            menu.addAction(action)
        self.library_action = self.library_dock.toggleViewAction()
        self.preview_action = self.preview_dock.toggleViewAction()
        self.problems_action = self.problems_dock.toggleViewAction()
        self.float_preview_action = QAction("Pratinjau di jendela &sendiri", self)
        self.float_preview_action.setCheckable(True)
        self.float_preview_action.toggled.connect(self._on_float_preview_action_toggled)
        self.preview_dock.topLevelChanged.connect(self.float_preview_action.setChecked)
        menu.addAction(self.float_preview_action)
        menu.addSeparator()
        self.default_layout_action = self._action(menu, "Kembalikan tata letak &bawaan", self.default_layout)
        # The same toggles beside the tabs, where the eye already is; they cost no extra line of height.
        style = self.style()
        for corner, action, icon in (
                (Qt.Corner.TopLeftCorner, self.library_action, QStyle.StandardPixmap.SP_DirIcon),
                (Qt.Corner.TopRightCorner, self.preview_action, QStyle.StandardPixmap.SP_FileDialogContentsView)):
            action.setIcon(style.standardIcon(icon))
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            self.tabs.setCornerWidget(button, corner)

    def _on_float_preview_action_toggled(self, on: bool) -> None:
        if on:
            self.preview_dock.show()
        if self.preview_dock.isFloating() != on:
            self.preview_dock.setFloating(on)
            if on:
                self._fit_floating_preview()

    def _fit_floating_preview(self) -> None:
        available = self.screen().availableGeometry()
        width, height = min(620, available.width() // 2), min(available.height() - 60, 820)
        self.preview_dock.setGeometry(available.right() - width - 20, available.top() + 40, width, height)

    def _on_problems_summary_clicked(self) -> None:
        self.problems_dock.setVisible(not self.problems_dock.isVisible())
        if self.problems_dock.isVisible():
            self.resizeDocks([self.problems_dock], [PROBLEMS_HEIGHT], Qt.Orientation.Vertical)
            self.problems_panel.list.setFocus()

    # ---- window layout: fits the screen, remembered between sessions --------------------------
    def _restore_layout(self) -> None:
        geometry = self.state.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self._first_geometry()
        self._clamp_to_screen()
        layout = self.state.window_state()
        self._layout_restored = layout is not None and self.restoreState(layout)
        if not self._layout_restored:
            self._default_docks()
        self.tabs.setCurrentIndex(self.state.current_tab())
        self.preview.apply_zoom_setting(self.state.preview_zoom())

    def _first_geometry(self) -> None:
        available = self.screen().availableGeometry()
        width = min(PREFERRED_SIZE[0], available.width() - FRAME_ALLOWANCE[0])
        height = min(PREFERRED_SIZE[1], available.height() - FRAME_ALLOWANCE[1])
        self.resize(width, height)
        self.move(available.center().x() - width // 2, available.center().y() - height // 2)
        if width < PREFERRED_SIZE[0] or height < PREFERRED_SIZE[1]:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)  # an office laptop

    def _default_docks(self) -> None:
        # A laptop screen leaves room only for the editor; wider screens get the preview, then the library.
        width = self.screen().availableGeometry().width()
        self.preview_dock.setVisible(width >= WIDE_ENOUGH_FOR_PREVIEW)
        self.library_dock.setVisible(width >= WIDE_ENOUGH_FOR_LIBRARY)
        self.problems_dock.setVisible(False)

    def default_layout(self) -> None:
        self.preview_dock.setFloating(False)
        for dock, area in ((self.library_dock, Qt.DockWidgetArea.LeftDockWidgetArea),
                           (self.preview_dock, Qt.DockWidgetArea.RightDockWidgetArea),
                           (self.problems_dock, Qt.DockWidgetArea.BottomDockWidgetArea)):
            self.addDockWidget(area, dock)
        self._default_docks()
        self.preview.apply_zoom_setting(None)
        self._layout_restored = False
        self._initial_sizes()

    def _clamp_to_screen(self) -> None:
        """A geometry saved on a larger screen (or a window grown too big) is pulled onto this screen."""
        frame = self.frameGeometry()
        screen = QGuiApplication.screenAt(frame.center()) or self.screen()
        available = screen.availableGeometry()
        extra_w = frame.width() - self.width() if self.isVisible() else FRAME_ALLOWANCE[0]
        extra_h = frame.height() - self.height() if self.isVisible() else FRAME_ALLOWANCE[1]
        width = min(self.width(), available.width() - extra_w)
        height = min(self.height(), available.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
        frame = self.frameGeometry()
        x = max(available.left(), min(frame.left(), available.right() + 1 - frame.width()))
        y = max(available.top(), min(frame.top(), available.bottom() + 1 - frame.height()))
        if (x, y) != (frame.left(), frame.top()):
            self.move(x, y)

    def _save_layout(self) -> None:
        self.state.set_geometry(self.saveGeometry())
        self.state.set_window_state(self.saveState())
        self.state.set_current_tab(self.tabs.currentIndex())
        self.state.set_preview_zoom(self.preview.zoom_setting())
        self.state.set_last_sop(self.controller.sop.id if self.controller.in_library else "")

    def _open_last_sop(self) -> bool:
        sop_id = self.state.last_sop()
        if not sop_id or not any(e.id == sop_id for e in self.library.entries()):
            return False  # gone, or in the Sampah: start on a new SOP
        try:
            sop = self.library.load(sop_id)
        except StorageError:
            return False
        self.open_document(sop, in_library=True)
        self.library_panel.select(sop_id)
        return True

    # ---- state shown ----------------------------------------------------------------------
    def _update_title(self) -> None:
        name = self.controller.sop.identity.nama.strip() or "SOP baru"
        suffix = " (hanya-baca)" if self.library.read_only else ""
        self.setWindowTitle(f"{name}[*] — SOP Desk{suffix}")
        self.setWindowModified(self.controller.is_modified())

    def _on_stack_clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _apply_read_only(self) -> None:
        read_only = self.library.read_only
        self.read_only_banner.setVisible(read_only)
        reason = getattr(self.library, "read_only_reason", "")
        # Another reason than a second window (a lost lock file, a full disk) is shown as the library words it.
        self.read_only_banner.setText(
            reason if reason and reason != str(LibraryReadOnly()) else
            "Pustaka ini sedang dibuka oleh jendela SOP Desk lain, jadi di sini hanya dapat dibaca. "
            "Simpan perubahan di jendela yang lain itu, atau gunakan Ekspor JSON."
        )
        self.save_action.setEnabled(not read_only)
        self.read_only_save_action.setEnabled(read_only)
        self.history_action.setEnabled(not read_only)
        self.library_panel.set_read_only(read_only)
        sync_ui = getattr(self, "sync_ui", None)
        if sync_ui is not None:
            sync_ui.update_actions()

    def refresh_library(self) -> None:
        panel = self.library_panel
        panel.set_review_months(self.state.review_months_default())  # due marks count with Preferensi's interval
        panel.set_entries(self.library.list_trash() if panel.showing_trash() else self.library.entries())
        self.links.library_changed()  # links may lead elsewhere now, and back-links may have come or gone

    def _on_controller_document_changed(self, scope: str) -> None:
        if scope in ("identity", "all"):
            self._update_title()
        if self.controller.is_modified() and not self.library.read_only:
            self._recovery_timer.start()

    # ---- documents ----------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """True when the open document may be replaced: saved, discarded, or nothing to lose."""
        self.controller.commit_pending_edits()
        if not self.controller.is_modified():
            return True
        answer = self.dialogs.ask_unsaved(self.controller.sop.identity.nama or "SOP baru")
        if answer == dlg.SAVE:
            return self.save()
        if answer == dlg.DISCARD:
            self._discard_recovery()
            return True
        return False

    def open_document(self, sop: Sop, in_library: bool, modified: bool = False) -> None:
        self.controller.open_document(sop, in_library, modified)
        if in_library:
            self.state.set_last_sop(sop.id)  # written now too, so a crash still reopens it next time
        self.problems_panel.refresh()
        self.preview.refresh()
        self._update_title()
        if modified:
            self._recovery_timer.start()

    def new_sop(self, ask: bool = True) -> None:
        if ask and not self.confirm_discard():
            return
        sop = Sop(page=self.state.page_defaults())
        self.state.profile().apply_to(sop)
        self.open_document(sop, in_library=False)
        self.tabs.setCurrentIndex(TAB_IDENTITY)

    def new_from_template(self) -> bool:
        """SOP Baru from a shipped example: its content, the user's profile, a fresh id, not yet saved."""
        from .templates import TemplateError, list_templates, load_template

        templates = list_templates()
        if not templates:
            self.dialogs.error("Contoh SOP tidak ditemukan", "Folder contoh SOP (resources/templates) kosong "
                               "atau hilang. Pasang ulang SOP Desk, atau mulai dengan SOP Baru.")
            return False
        chosen = self.dialogs.choose_template([t.name for t in templates])
        if chosen is None or not 0 <= chosen < len(templates) or not self.confirm_discard():
            return False
        try:
            sop = load_template(templates[chosen], self.state.profile(), self.state.page_defaults())
        except TemplateError as exc:
            self.dialogs.error("Contoh SOP tidak dapat dibuka", str(exc))
            return False
        self.open_document(sop, in_library=False)
        self.tabs.setCurrentIndex(TAB_IDENTITY)
        self.statusBar().showMessage(f"SOP baru dari contoh \"{templates[chosen].name}\": belum disimpan.", 8000)
        return True

    def open_from_library(self, sop_id: str) -> None:
        if sop_id == self.controller.sop.id and self.controller.in_library:
            return
        if not self.confirm_discard():
            return
        try:
            sop = self.library.load(sop_id)
        except StorageError as exc:
            self.dialogs.error("SOP tidak dapat dibuka", str(exc))
            return
        self.open_document(sop, in_library=True)

    def save(self) -> bool:
        self.controller.commit_pending_edits()
        if self.library.read_only:
            self.statusBar().showMessage("SOP tidak dapat disimpan: pustaka hanya dapat dibaca di jendela ini.", 10000)
            self.dialogs.error("Tidak dapat menyimpan", f"{self.read_only_banner.text()}\n\n"
                               "Perubahan Anda masih ada di jendela ini.")
            return False
        # Two SOPs with one nomor look alike in the library: say so once more before it happens.
        for problem in self._nomor_problems():
            if not self.dialogs.confirm("Nomor SOP sudah dipakai", f"{problem.message}\n\nTetap simpan?",
                                        yes="Tetap simpan", no="Batal"):
                return False
        try:
            entry = self.library.save(self.controller.sop, self.state.user_name())
        except (StorageError, LibraryReadOnly) as exc:
            self._apply_read_only()  # a save can find the lock lost to another copy: show the window read-only
            self.dialogs.error("Gagal menyimpan", f"{exc}\n\nPerubahan Anda masih ada di jendela ini.")
            return False
        self.controller.mark_saved()
        self.state.set_last_sop(self.controller.sop.id)
        self._flush_timer.start()
        self._discard_recovery()
        self.refresh_library()
        self.library_panel.select(self.controller.sop.id)
        self._update_title()
        name = self.controller.sop.identity.nama or "SOP tanpa nama"
        saved = f"\"{name}\" tersimpan di pustaka, pukul {dt.datetime.now():%H.%M}."
        if self.library.history_error:
            # The file is saved; only its line in Riwayat versi waits (sopdesk/storage.py keeps the version aside).
            self.statusBar().showMessage(f"{saved} {self.library.history_error}", 30000)
        else:
            self.statusBar().showMessage(saved, 8000)
        if entry.cleaned:
            fields = "\n".join(f"• {field}" for field in entry.cleaned)
            self.dialogs.info("Sebagian teks disesuaikan",
                              "SOP sudah disimpan, tetapi teks berikut memuat karakter yang tidak dapat disimpan "
                              "(misalnya sisa salin-tempel yang rusak). Karakter itu diganti dengan tanda \ufffd; "
                              f"periksa dan perbaiki bila perlu.\n\n{fields}")
        return True

    def duplicate_sop(self, sop_id: str) -> None:
        if not self.confirm_discard():
            return
        try:
            copy = self.library.duplicate(sop_id)
        except StorageError as exc:
            self.dialogs.error("Gagal menggandakan", str(exc))
            return
        self.open_document(copy, in_library=False, modified=True)

    def trash_sop(self, sop_id: str) -> None:
        entry = next((e for e in self.library.entries() if e.id == sop_id), None)
        name = entry.nama if entry else ""
        if not self.dialogs.confirm("Pindahkan ke Sampah",
                                    f"Pindahkan SOP \"{name}\" ke Sampah? SOP dapat dipulihkan dari Sampah.",
                                    yes="Pindahkan ke Sampah"):
            return
        if sop_id == self.controller.sop.id and not self.confirm_discard():
            return
        try:
            self.library.trash(sop_id, self.state.user_name())
        except (StorageError, LibraryReadOnly) as exc:
            self.dialogs.error("Gagal menghapus", str(exc))
            return
        if sop_id == self.controller.sop.id:
            self.new_sop(ask=False)
        self.refresh_library()

    def restore_sop(self, sop_id: str) -> None:
        try:
            self.library.restore(sop_id, self.state.user_name())
        except (StorageError, LibraryReadOnly) as exc:
            self.dialogs.error("Gagal memulihkan", str(exc))
        self.refresh_library()

    def purge_sop(self, sop_id: str) -> None:
        if not self.dialogs.confirm("Hapus permanen", "Hapus SOP ini untuk selamanya, beserta riwayat versinya? "
                                    "Tindakan ini tidak dapat dibatalkan.", yes="Hapus permanen"):
            return
        try:
            self.library.purge(sop_id, self.state.user_name())
        except (StorageError, LibraryReadOnly) as exc:
            self.dialogs.error("Gagal menghapus", str(exc))
        self.refresh_library()

    # ---- history, preferences, recovery ---------------------------------------------------
    def open_book_dialog(self):
        """Berkas → Buku SOP…: see ui/book_dialog.py."""
        from .book_dialog import open_book_dialog

        return open_book_dialog(self)

    def show_history(self) -> None:
        sop = self.controller.sop
        if not self.controller.in_library:
            self.dialogs.info("Riwayat versi", "SOP ini belum pernah disimpan, jadi belum punya riwayat versi.")
            return
        revisions = self.library.history(sop.id)
        current = self.library.current_version(sop.id)
        if not revisions and current is None:
            self.dialogs.info("Riwayat versi", "Belum ada versi sebelumnya: riwayat dimulai pada penyimpanan kedua.")
            return
        chosen = self.dialogs.choose_revision(revisions, current)
        if not chosen or not self.confirm_discard():
            return
        try:
            restored = self.library.restore_revision(sop.id, chosen, self.state.user_name())
        except (StorageError, LibraryReadOnly) as exc:
            self.dialogs.error("Gagal memulihkan versi", str(exc))
            return
        self.open_document(restored, in_library=True)
        self.refresh_library()

    def compare_versions(self):
        """Two versions of the open SOP side by side (ui/compare_view.py); returns the comparison window."""
        from .compare_view import open_compare

        return open_compare(self)

    def edit_preferences(self, section: str = "") -> None:
        """Preferensi; section "shared" opens it at the Pustaka bersama group."""
        state = self.state
        old_location, old_account = state.shared_location(), state.shared_account()
        dialog = PreferencesDialog(state.profile(), state.page_defaults(), str(self.library.root),
                                   self.dialogs, self, user_name=state.user_name(),
                                   review_months=state.review_months_default(),
                                   shared_location=old_location, shared_account=old_account,
                                   auto_sync=state.auto_sync(), auto_sync_minutes=state.auto_sync_minutes(),
                                   passwords=self.sync_ui.passwords)
        if section == "shared":
            dialog.show_shared()
        if dialog.exec() != PreferencesDialog.DialogCode.Accepted:
            return
        location, account, password = dialog.shared_values()
        if (location, account) != (old_location, old_account) and old_location and old_account:
            self.sync_ui.passwords.forget(old_location, old_account)
        if password and location and account:
            self.sync_ui.passwords.set(location, account, password)
        state.set_shared_location(location)
        state.set_shared_account(account)
        state.set_auto_sync(dialog.auto_sync_value()[0])
        state.set_auto_sync_minutes(dialog.auto_sync_value()[1])
        self.sync_ui.settings_changed(location_changed=location != old_location)
        self.state.set_profile(dialog.profile())
        self.state.set_page_defaults(dialog.page_settings())
        self.state.set_user_name(dialog.user_name_value())
        self.state.set_review_months_default(dialog.review_months_value())
        self.identity_form.refresh()  # the review date shown may count from the new default
        self.refresh_library()  # and so may the library's due marks
        if dialog.new_library_dir:
            self.move_library_to(Path(dialog.new_library_dir))

    def move_library_to(self, target: Path) -> bool:
        if self.library.read_only:
            self.dialogs.error("Pustaka hanya-baca", "Pustaka yang sedang dibuka jendela lain tidak dapat dipindahkan.")
            return False
        if self.sync_ui.running():
            self.dialogs.error("Sinkronisasi sedang berjalan", "Pustaka tidak dapat dipindahkan selagi sinkronisasi "
                               "berjalan. Tunggu sampai selesai (lihat baris status), lalu pindahkan lagi.")
            return False
        source = self.library.root
        self.library.close()
        try:
            move_library(source, target)
        except StorageError as exc:
            self.library = Library.open(source)
            self.dialogs.error("Gagal memindahkan pustaka", str(exc))
            return False
        self.library = Library.open(target)
        self.state.set_library_dir(str(target))
        self._apply_read_only()
        self.refresh_library()
        self.dialogs.info("Pustaka dipindahkan", f"Pustaka sekarang berada di {target}.\n"
                          f"Folder lama {source} tidak dihapus; hapuslah sendiri bila sudah tidak diperlukan.")
        return True

    def write_recovery(self) -> None:
        if self.controller.is_modified() and not self.library.read_only:
            try:
                self.library.write_recovery(self.controller.sop)
            except (StorageError, LibraryReadOnly):
                pass  # a failed safety copy must not interrupt typing; the next edit tries again

    def _discard_recovery(self) -> None:
        self._recovery_timer.stop()
        if not self.library.read_only:
            try:
                self.library.discard_recovery(self.controller.sop.id)
            except (StorageError, LibraryReadOnly):
                pass

    def _flush_catalogue(self) -> None:
        try:
            self.library.flush()
        except StorageError:
            pass  # the SOP files are the truth; the next open rebuilds what the catalogue missed

    def report_damaged(self) -> bool:
        """Tell the user about files the library could not read or skipped (left untouched), and its start-up notes."""
        notes = list(getattr(self.library, "notes", []))
        if not self.library.damaged and not notes:
            return False
        lines = "\n".join(f"• {message}" for _path, message in self.library.damaged[:10])
        more = len(self.library.damaged) - 10
        if more > 0:
            lines += f"\n… dan {more} berkas lain."
        text = (f"Berkas berikut tidak dapat dibaca dan tidak ditampilkan di pustaka. Berkasnya "
                f"tidak diubah; salin atau perbaiki secara manual bila perlu.\n\n{lines}") if lines else ""
        if notes:
            text = "\n\n".join([part for part in (text, "\n".join(f"• {note}" for note in notes)) if part])
        self.dialogs.error("Ada berkas SOP yang rusak" if lines else "Catatan tentang pustaka", text)
        return True

    def offer_recovery(self) -> bool:
        """At start: bring back unsaved edits from a session that ended without saving them."""
        if self.library.read_only:
            return False
        copies = self.library.list_recovery()
        for sop in copies:
            name = sop.identity.nama or "SOP tanpa nama"
            if self.dialogs.confirm("Pulihkan perubahan",
                                    f"Ada perubahan yang belum disimpan pada \"{name}\" dari sesi sebelumnya yang "
                                    "berhenti tiba-tiba. Pulihkan sekarang?", yes="Pulihkan", no="Buang"):
                in_library = any(e.id == sop.id for e in self.library.entries())
                self.open_document(sop, in_library=in_library, modified=True)
                for other in copies:
                    if other.id != sop.id:
                        self.library.discard_recovery(other.id)
                return True
            self.library.discard_recovery(sop.id)
        return False

    # ---- navigation ------------------------------------------------------------------------
    def show_target(self, target: Target) -> None:
        if target.area == "identity":
            self.tabs.setCurrentIndex(TAB_IDENTITY)
            self.identity_form.focus_field(target.field)
        elif target.area == "list":
            self.tabs.setCurrentIndex(TAB_BOXES)
            editor = self.boxes_editor.editors.get(target.field)
            if editor is not None:
                self.boxes_editor.ensureWidgetVisible(editor)
                editor.select_index(max(target.index, 0))
        elif target.area == "actors":
            self.tabs.setCurrentIndex(TAB_ACTORS)
            if target.item_id:
                self.actors_editor.select_actor(target.item_id)
            self.actors_editor.list.setFocus()
        elif target.area == "step":
            self.tabs.setCurrentIndex(TAB_STEPS)
            if target.item_id:
                self.steps_editor.select_step(target.item_id, target.field or "kegiatan")
        elif target.area == "page":
            self.tabs.setCurrentIndex(TAB_PAGE)
            widget = getattr(self.page_editor, target.field, None) or self.page_editor.paper
            widget.setFocus()

    def _layout_problems(self) -> list:
        document = self.preview.document
        return from_layout(self.controller.sop, document.problems) if document is not None else []

    def _nomor_problems(self) -> list:
        """The Nomor SOP warning needs the library's list, which validate() does not see."""
        try:
            return duplicate_nomor(self.controller.sop, self.library.entries())
        except StorageError:
            return []

    def _on_preview_step_clicked(self, step_index: int) -> None:
        if 0 <= step_index < len(self.controller.sop.steps):
            self.tabs.setCurrentIndex(TAB_STEPS)
            self.steps_editor.select_step(self.controller.sop.steps[step_index].id)

    def _on_steps_current_row_changed(self, current, _previous) -> None:
        self.preview.show_step(current.row() if current.isValid() else None)

    def _reconnect_step_selection(self) -> None:
        # A reset keeps the selection model, but the highlighted row may be gone.
        row = self.steps_editor.current_row()
        self.preview.show_step(row if row >= 0 else None)

    def _on_controller_focus_requested(self, area: str, item_id: str) -> None:
        if area == "step" and self.tabs.currentIndex() == TAB_STEPS:
            self.steps_editor.select_step(item_id)
        elif area == "actors":
            self.actors_editor.select_actor(item_id)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._docks_sized:
            # Docks take their size from the window only once it is shown.
            self._docks_sized = True
            QTimer.singleShot(0, self._initial_sizes)

    def _initial_sizes(self) -> None:
        # Docks size themselves from the window only once it is shown; a restored layout keeps its sizes.
        self._clamp_to_screen()
        if self._layout_restored:
            return
        width = self.width()
        self.resizeDocks([self.library_dock, self.preview_dock], [min(360, width // 4), int(width * 0.34)],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [PROBLEMS_HEIGHT], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # A close that waited for the last sync (ui/sync_ui.py) comes back here with its questions answered.
        if self.sync_ui.closing():
            event.ignore()  # the last sync's dialog is up: its button closes
            return
        if not self.sync_ui.close_agreed():
            if not self.confirm_discard():
                event.ignore()
                return
            if not self.sync_ui.may_close():
                event.ignore()
                return
        try:
            # The catalogue is written while the library is still open: on a full disk the window
            # stays as it is, with the library usable, instead of closing over what was not written.
            self.library.flush()
        except (StorageError, OSError) as exc:
            self.dialogs.error("Pustaka tidak dapat disimpan",
                               f"{exc}\n\nJendela tetap terbuka agar tidak ada yang hilang. Kosongkan ruang disk "
                               "atau periksa folder pustaka, lalu tutup lagi.")
            self.sync_ui.close_refused()
            event.ignore()
            return
        self.sync_ui.shutdown()
        self._save_layout()
        self.state.sync()
        self._recovery_timer.stop()
        self._flush_timer.stop()
        try:
            self.library.close()
        except (StorageError, OSError):
            pass  # everything was flushed above; what close() still does (a marker, the lock) costs nothing if it fails
        event.accept()


def open_library(state: UiState) -> Library:
    root = Path(state.library_dir()) if state.library_dir() else default_library_dir()
    return Library.open(root)
