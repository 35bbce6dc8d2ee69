"""Sinkronkan: the window's side of the shared library (sopdesk/sync/engine.py does the sync itself).

One sync at a time runs in a worker thread (a daemon Python thread; its signals reach the window through
queued connections, and it never touches a widget). The window stays usable meanwhile: the engine holds
library.mutex only for its short local steps, so a save during a sync simply waits for one of them.

What the user sees: a Pustaka bersama menu and a Sinkronkan button in the status bar (F9), a busy bar
with the engine's phase while it runs, and one permanent status line afterwards ("3 SOP diterima,
1 dikirim, terakhir 10.42"; "Luring: ..." when the shared library cannot be reached, which is a normal
state and never a dialog). Automatic syncs run every N minutes (Preferensi), one shortly after the window
opens, and one at close with a small dialog whose "Tutup tanpa sinkronisasi" closes at once.

After a sync the library list is refreshed, and the SOP open in the editor follows its file: reloaded
when it has no unsaved changes, merged three ways (sopdesk.merge.merge_sops) with the unsaved edits when
it has some, so nothing typed is lost.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sopdesk.interchange import sop_to_native
from sopdesk.library_files import StorageError
from sopdesk.merge import merge_sops
from sopdesk.model import Sop
from sopdesk.storage import LibraryReadOnly, file_stem

from .preferences import is_url
from .sync_secrets import PasswordStore

if TYPE_CHECKING:
    from sopdesk.sync.engine import SyncResult
    from .main_window import MainWindow

SHORTCUT = "F9"
START_DELAY_MS = 4000  # the first automatic sync, once the window is up
MANUAL, AUTO, START, CLOSE = "manual", "otomatis", "awal", "tutup"
DEFAULT_AUTHOR = "SOP Desk"  # what the engine records when Preferensi has no user name
UNEXPECTED = ("Sinkronisasi berhenti karena kesalahan yang tidak terduga; perubahan Anda tetap tersimpan di PC "
              "ini. Coba lagi nanti.")
STATUS_LINE_WIDTH = 520  # px; a longer line is cut with "…" and shown whole in its tooltip


class SyncCancelled(BaseException):
    """Raised in the sync's thread at a safe point once the window closed without waiting for it.

    A BaseException, so no `except Exception` in the engine mistakes it for a failure to report."""


@dataclass
class Outcome:
    run: SyncRun
    result: SyncResult | None = None
    error: str = ""
    offline: bool = False
    cancelled: bool = False


class _Bridge(QObject):
    progressed = Signal(str, int, int)
    finished = Signal(object)  # Outcome


@dataclass
class SyncRun:
    """One sync in its worker thread."""

    library: object
    location: str
    author: str
    account: str
    password: str
    reason: str
    cancel: threading.Event = field(default_factory=threading.Event)
    bridge: _Bridge = field(default_factory=_Bridge)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._work, name="sopdesk-sync", daemon=True)
        self.thread.start()

    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def _progress(self, text: str, done: int, total: int) -> None:
        from sopdesk.sync import engine

        # Phases the engine reports outside library.mutex: a cancelled sync stops there, never half-way
        # through writing the library's files.
        if self.cancel.is_set() and text in (engine.PHASE_PREPARE, engine.PHASE_FETCH, engine.PHASE_PUSH):
            raise SyncCancelled()
        self._emit(self.bridge.progressed, text, int(done), int(total))

    def _work(self) -> None:
        # The git engine is imported here, in the sync's thread, on the first sync: not at the window's start.
        from sopdesk.sync.engine import SyncError, sync_library

        outcome = Outcome(self)
        try:
            outcome.result = sync_library(self.library.root, self.location, self.author, library=self.library,
                                          username=self.account, password=self.password, progress=self._progress)
        except SyncCancelled:
            outcome.cancelled = True
        except SyncError as exc:
            outcome.error, outcome.offline = str(exc), exc.offline
        except (StorageError, LibraryReadOnly) as exc:
            outcome.error = str(exc)
        except Exception:  # noqa: BLE001 - reported in Indonesian; the details go to the log stream
            if sys.__stderr__ is not None:
                sys.__stderr__.write(traceback.format_exc())
            outcome.error = UNEXPECTED
        self._emit(self.bridge.finished, outcome)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            pass  # the window is gone: nobody to tell


def _when(moment: dt.datetime) -> str:
    local = moment.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return f"{local:%H.%M}"
    return f"{local:%d-%m-%Y %H.%M}"


def _modal_open() -> bool:
    """A modal dialog (a question, a file dialog) is up: what would change the window under it waits."""
    if QApplication.activeModalWidget() is not None:
        return True
    return any(w.isVisible() and w.isModal() for w in QApplication.topLevelWidgets())


def _same(a: Sop | None, b: Sop | None) -> bool:
    if a is None or b is None:
        return a is b
    return sop_to_native(a) == sop_to_native(b)


class CloseSyncDialog(QDialog):
    """At close: the sync's phase, a busy bar, and "Tutup tanpa sinkronisasi"."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Menyinkronkan sebelum menutup")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.label = QLabel("Mengirim perubahan ke pustaka bersama sebelum SOP Desk ditutup…")
        self.label.setWordWrap(True)
        self.phase = QLabel("")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.skip_button = QPushButton("Tutup tanpa sinkronisasi")
        self.skip_button.setObjectName("close_without_sync")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.skip_button)
        for widget in (self.label, self.phase, self.bar):
            layout.addWidget(widget)
        layout.addLayout(row)
        self.setMinimumWidth(420)

    def set_phase(self, text: str, done: int, total: int) -> None:
        self.phase.setText(text + (f" ({done} dari {total})" if total else "") + "…")
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

    def reject(self) -> None:  # Esc and the title bar's close mean the same as the button
        self.skip_button.click()


class SyncController(QObject):
    """Everything the window does for the shared library; MainWindow makes one (window.sync_ui)."""

    synced = Signal(object)  # Outcome, after the window took it in (tests and other parts listen)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.passwords = PasswordStore()
        self.run: SyncRun | None = None
        self.last: Outcome | None = None
        self._base: Sop | None = None  # the version of the open SOP its editor started from (for a merge)
        self._hinted_author = False
        self._close_dialog: CloseSyncDialog | None = None
        self._close_state = ""  # "", "waiting" (a sync at close runs), "done" (may close now)
        self._send_again = False  # a decision was made during a sync: one more sync sends it

        self._build_actions()
        self._build_status_widgets()
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.start(AUTO))
        self.start_timer = QTimer(self)
        self.start_timer.setSingleShot(True)
        self.start_timer.setInterval(START_DELAY_MS)
        self.start_timer.timeout.connect(self._start_after_opening)
        self._pending_follow: tuple[set[str] | None, bool] | None = None
        self.follow_timer = QTimer(self)
        self.follow_timer.setSingleShot(True)
        self.follow_timer.setInterval(500)
        self.follow_timer.timeout.connect(self._follow_pending)

        controller = window.controller
        controller.document_replaced.connect(self._remember_base)
        controller.stack.cleanChanged.connect(self._on_clean_changed)
        self._remember_base()
        self.apply_settings(starting=True)

    # ---- actions and widgets ------------------------------------------------------------------
    def _build_actions(self) -> None:
        window = self.window
        self.menu = window.menuBar().addMenu("&Pustaka bersama")
        self.sync_action = window._action(self.menu, "&Sinkronkan sekarang", lambda: self.start(MANUAL), SHORTCUT)
        self.sync_action.setIconText("Sinkronkan")
        self.sync_action.setIcon(window.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.settings_action = window._action(
            self.menu, "&Pengaturan pustaka bersama…", lambda: window.edit_preferences(section="shared"))
        self.settings_action.setToolTip("Lokasi pustaka bersama, akun server dan sinkronisasi otomatis (Preferensi).")
        self.details_action = window._action(self.menu, "&Hasil sinkronisasi terakhir…", self.explain)
        self.details_action.setToolTip("Apa yang diterima, dikirim dan menunggu keputusan pada sinkronisasi terakhir.")
        self.menu.setToolTipsVisible(True)
        # In a read-only window F9 still answers, saying why it cannot sync (as Ctrl+S does).
        self.read_only_sync_action = QAction(window)
        self.read_only_sync_action.setShortcut(QKeySequence(SHORTCUT))
        self.read_only_sync_action.setEnabled(False)
        self.read_only_sync_action.triggered.connect(lambda: self.start(MANUAL))
        window.addAction(self.read_only_sync_action)

    def _build_status_widgets(self) -> None:
        bar = self.window.statusBar()
        self.busy = QProgressBar()
        self.busy.setObjectName("sync_busy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(90)
        self.busy.setMaximumHeight(14)
        self.phase = QLabel()
        self.phase.setObjectName("sync_phase")
        self.status_line = QToolButton()
        self.status_line.setObjectName("sync_status")
        self.status_line.setAutoRaise(True)
        self.status_line.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.status_line.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.status_line.clicked.connect(self.explain)
        self.button = QToolButton()
        self.button.setObjectName("sync_button")
        self.button.setDefaultAction(self.sync_action)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setAutoRaise(True)
        for index, widget in enumerate((self.busy, self.phase, self.status_line, self.button)):
            bar.insertPermanentWidget(index, widget)
        self.busy.hide()
        self.phase.hide()
        self._full_status = ""

    def _set_status(self, text: str, tooltip: str = "") -> None:
        self._full_status = text
        metrics = self.status_line.fontMetrics()
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, STATUS_LINE_WIDTH)
        self.status_line.setText(shown.replace("&", "&&"))
        tip = tooltip or text
        self.status_line.setToolTip(f"{tip}\n\nKlik untuk rinciannya." if text else "")
        self.status_line.setVisible(bool(text) and self.run is None)

    def status_text(self) -> str:
        """The whole status line, as the user reads it (also when cut short on screen)."""
        return self._full_status

    # ---- settings -----------------------------------------------------------------------------
    def location(self) -> str:
        return self.window.state.shared_location()

    def apply_settings(self, starting: bool = False) -> None:
        """At start and after Preferensi: the actions, the automatic syncs' timer and the idle status line."""
        state = self.window.state
        self.update_actions()
        self.timer.stop()
        if self.location() and not self.window.library.read_only and state.auto_sync():
            self.timer.setInterval(state.auto_sync_minutes() * 60_000)
            self.timer.start()
            if starting:
                self.start_timer.start()
        if self.run is None and self.last is None:
            self._show_idle()

    def settings_changed(self, location_changed: bool) -> None:
        if location_changed:
            self.last = None  # what the old location said is no news about the new one
        self.apply_settings()
        if location_changed and self.location():
            # A location just set is used at once: the library starts being shared without waiting for
            # the first interval. Quiet like any automatic sync; its outcome shows in the status line.
            self.start(AUTO)

    def update_actions(self) -> None:
        """Sinkronkan is greyed out while a sync runs and in a read-only window (its tooltip says why)."""
        read_only = self.window.library.read_only
        self.sync_action.setEnabled(not read_only and self.run is None)
        self.read_only_sync_action.setEnabled(read_only)
        if read_only:
            why = ("Pustaka ini dibuka oleh jendela SOP Desk lain, jadi jendela ini tidak dapat menyinkronkan; "
                   "sinkronkan dari jendela yang lain itu.")
        elif self.location():
            why = f"Kirim dan ambil perubahan SOP dari pustaka bersama ({SHORTCUT})."
        else:
            why = f"Pustaka bersama belum diatur; tekan untuk mengaturnya di Preferensi ({SHORTCUT})."
        self.sync_action.setToolTip(why)
        self.button.setToolTip(why)
        if read_only:
            self.timer.stop()
            self.start_timer.stop()

    def _show_idle(self) -> None:
        if not self.location():
            self._set_status("")
            return
        last = self.window.state.last_sync()
        self._set_status(f"Pustaka bersama: terakhir tersinkron {_when(last)}" if last
                         else "Pustaka bersama: belum tersinkron di PC ini")

    # ---- one sync -------------------------------------------------------------------------------
    def running(self) -> bool:
        return self.run is not None

    def start(self, reason: str = MANUAL) -> bool:
        """Start a sync; False when none started (already running, nothing set up, no password given)."""
        window = self.window
        manual = reason == MANUAL
        if self.run is not None:
            if manual:
                window.statusBar().showMessage("Sinkronisasi sedang berjalan.", 5000)
            return False
        if self._close_state and reason != CLOSE:
            return False
        if window.library.read_only:
            if manual:
                window.statusBar().showMessage(self.sync_action.toolTip(), 10000)
            return False
        location = self.location()
        if not location:
            if manual:
                window.edit_preferences(section="shared")
            return False
        account, password = "", ""
        if is_url(location):
            account = window.state.shared_account()
            if account:
                password = self._password_for(location, account, ask=reason in (MANUAL, START))
                if password is None:
                    if reason != CLOSE:
                        self._set_status("Pustaka bersama: kata sandi belum diisi; tekan Sinkronkan untuk mengisinya")
                    return False
        author = window.state.user_name()
        if not author and not self._hinted_author:
            self._hinted_author = True
            window.statusBar().showMessage(
                f"Nama pengguna di Preferensi masih kosong: perubahan dikirim atas nama \"{DEFAULT_AUTHOR}\".", 15000)
        self.run = SyncRun(window.library, location, author, account, password, reason)
        self.run.bridge.progressed.connect(self._on_progress)
        self.run.bridge.finished.connect(self._on_finished)
        self.sync_action.setEnabled(False)
        self.busy.setRange(0, 0)
        self.busy.show()
        self.phase.setText("Menyinkronkan…")
        self.phase.show()
        self.status_line.hide()  # the phase stands in its place meanwhile: the bar keeps room for messages
        self.run.start()
        return True

    def send_decision(self) -> None:
        """A conflict was settled here: send the decision at once, so the other PCs stop waiting on it and the
        status line stops counting it. Quiet like an automatic sync; nothing happens without a shared location."""
        if self.run is not None:
            self._send_again = True
            return
        if self.location() and not self.window.library.read_only:
            self.start(AUTO)

    def _start_after_opening(self) -> None:
        # Questions at start (recovering unsaved work, damaged files) come first; so does any other dialog.
        if _modal_open():
            self.start_timer.start()
            return
        self.start(START)

    def _password_for(self, location: str, account: str, ask: bool) -> str | None:
        password = self.passwords.get(location, account)
        if password is not None or not ask:
            return password
        typed = self.window.dialogs.password_input(
            "Kata sandi pustaka bersama", f"Kata sandi akun \"{account}\" di {location}:")
        if typed is None:
            return None  # the next Sinkronkan asks again
        self.passwords.set(location, account, typed)  # the keyring where there is one, else this session
        return typed

    def _on_progress(self, text: str, done: int, total: int) -> None:
        if self.run is None:
            return
        self.phase.setText(text + (f" ({done}/{total})" if total else "") + "…")
        if total:
            self.busy.setRange(0, total)
            self.busy.setValue(min(done, total))
        else:
            self.busy.setRange(0, 0)
        if self._close_dialog is not None:
            self._close_dialog.set_phase(text, done, total)

    def _on_finished(self, outcome: Outcome) -> None:
        if outcome.run is not self.run:
            return  # a sync abandoned at close
        self.run = None
        self.busy.hide()
        self.phase.hide()
        self.status_line.setVisible(bool(self._full_status))
        self.update_actions()
        if outcome.cancelled:
            return
        self.last = outcome
        closing = outcome.run.reason == CLOSE or self._close_state == "waiting"
        if outcome.result is not None:
            moment = outcome.result.finished_at or dt.datetime.now().astimezone()
            self.window.state.set_last_sync(moment)
            self._show_result(outcome.result, moment)
        elif outcome.offline:
            last = self.window.state.last_sync()
            since = f"terakhir tersinkron {_when(last)}" if last else "belum pernah tersinkron"
            self._set_status(f"Luring: pustaka bersama tidak terjangkau, {since}", outcome.error)
        else:
            self._set_status(f"Sinkronisasi gagal: {outcome.error}", outcome.error)
            if outcome.run.reason == MANUAL and not closing:
                where = ("\n\nAlamat, nama akun dan kata sandi diatur di Pustaka bersama › Pengaturan pustaka "
                         "bersama." if is_url(outcome.run.location) else "")
                self.window.dialogs.error("Sinkronisasi gagal", f"{outcome.error}\n\n"
                                          f"Perubahan Anda tetap tersimpan di PC ini.{where}")
        if closing:
            self._after_close_sync(outcome)
            return
        if self._send_again:
            self._send_again = False
            QTimer.singleShot(0, lambda: self.start(AUTO))
        self.window.refresh_library()
        changed = outcome.result.changed_stems if outcome.result is not None else None
        self._follow_later(changed, manual=outcome.run.reason == MANUAL)
        self.synced.emit(outcome)

    def _show_result(self, result: SyncResult, moment: dt.datetime) -> None:
        text = f"{result.summary().rstrip('.')}, terakhir {_when(moment)}"
        details = [text + "."]
        if result.pending_names:
            details.append("Menunggu keputusan: " + ", ".join(result.pending_names[:8])
                           + (" …" if len(result.pending_names) > 8 else ""))
        self._set_status(text, "\n".join(details))

    def explain(self) -> None:
        """The status line clicked: what the last sync did, in full."""
        outcome = self.last
        location = self.location()
        if not location:
            self.window.dialogs.info("Pustaka bersama", "Pustaka bersama belum diatur. Aturlah di Preferensi › "
                                     "Pustaka bersama (folder di server kantor atau alamat server git), lalu tekan "
                                     f"Sinkronkan ({SHORTCUT}).")
            return
        if outcome is None:
            self.window.dialogs.info("Pustaka bersama", f"{self.status_text()}.\n\nLokasi: {location}\n"
                                     f"Tekan Sinkronkan ({SHORTCUT}) untuk mengirim dan mengambil perubahan.")
            return
        if outcome.result is None:
            lead = ("Pustaka bersama sedang tidak terjangkau. Itu hal biasa (misalnya jaringan kantor mati atau PC "
                    "dibawa keluar kantor): SOP tetap dapat disunting dan disimpan di PC ini, dan perubahan dikirim "
                    "pada sinkronisasi berikutnya." if outcome.offline else "Sinkronisasi terakhir gagal.")
            self.window.dialogs.info("Pustaka bersama", f"{lead}\n\n{outcome.error}")
            return
        result = outcome.result
        parts = [self.status_text() + ".", f"Lokasi: {result.location or location}"]
        for title, names in (("Diterima dari PC lain", result.received), ("Dikirim dari PC ini", result.sent),
                             ("Digabung otomatis", result.merged),
                             ("Bentrok, menunggu keputusan", result.pending_names)):
            if names:
                shown = "\n".join(f"• {name}" for name in names[:15])
                more = f"\n… dan {len(names) - 15} lainnya." if len(names) > 15 else ""
                parts.append(f"{title}:\n{shown}{more}")
        if result.pending:
            parts.append("SOP yang bentrok ditandai di daftar pustaka: bukalah untuk memilih versi yang dipakai. "
                         "Sampai diputuskan, kedua versi tetap tersimpan.")
        self.window.dialogs.info("Hasil sinkronisasi", "\n\n".join(parts))

    # ---- the SOP open in the editor ---------------------------------------------------------------
    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            try:
                self._remember_base()
            except RuntimeError:
                pass  # the window is being taken down (its undo stack clears as it goes)

    def _remember_base(self) -> None:
        controller = self.window.controller
        if not controller.in_library:
            self._base = None
        elif not controller.is_modified():
            self._base = controller.sop.clone()
        else:
            # Unsaved edits brought back after a crash: they started from the library's file.
            try:
                self._base = self.window.library.load(controller.sop.id)
            except StorageError:
                self._base = None

    def _follow_later(self, changed: set[str] | None, manual: bool) -> None:
        """The open SOP follows its file now, or once a dialog the user has open is closed: a question asked
        in the middle of an edit (which actor takes the steps, which file to import) answers about the
        document it was asked about."""
        if self._pending_follow is not None:
            earlier, was_manual = self._pending_follow
            changed = None if changed is None or earlier is None else changed | earlier
            manual = manual or was_manual
        if _modal_open():
            self._pending_follow = (changed, manual)
            self.follow_timer.start()
            return
        self._pending_follow = None
        self._follow_open_sop(changed, manual)

    def _follow_pending(self) -> None:
        if self._pending_follow is not None:
            changed, manual = self._pending_follow
            self._pending_follow = None
            self._follow_later(changed, manual)

    def _follow_open_sop(self, changed: set[str] | None, manual: bool) -> None:
        """The open SOP's file changed under it: reload it, or merge it with the unsaved edits."""
        window, controller = self.window, self.window.controller
        if not controller.in_library:
            return
        sop_id = controller.sop.id
        if changed is not None and file_stem(sop_id) not in changed:
            return
        try:
            theirs = window.library.load(sop_id)
        except StorageError:
            theirs = None
        name = controller.sop.identity.nama.strip() or "SOP tanpa nama"
        if theirs is None:
            if changed is not None:
                # Deleted for good on another PC: the editor keeps it, unsaved, so a save brings it back.
                controller.stack.resetClean()
                window._update_title()
                window.statusBar().showMessage(f"\"{name}\" dihapus di PC lain; isinya tetap di sini, simpan untuk "
                                               "mengembalikannya.", 20000)
            return
        in_trash = any(entry.id == sop_id for entry in window.library.list_trash())
        trash_note = " SOP ini dipindah ke Sampah di PC lain." if in_trash else ""
        if _same(theirs, self._base):
            # The file is what the editor started from (or was saved from) already; it may have moved.
            if in_trash:
                window.statusBar().showMessage(f"\"{name}\" dipindah ke Sampah di PC lain; masih terbuka di sini.",
                                               20000)
            return
        if not controller.is_modified():
            window.open_document(theirs, in_library=True)
            window.statusBar().showMessage(f"\"{name}\" dimuat ulang: ada perubahan dari PC lain.{trash_note}",
                                           15000)
            return
        controller.commit_pending_edits()  # what is typed in an open cell is part of "ours"
        base = self._base if self._base is not None else theirs  # unknown start: keep every edit of this PC
        merged = merge_sops(base, controller.sop.clone(), theirs)
        result = merged.sop if merged.sop is not None else controller.sop.clone()
        controller.edit("Gabungkan perubahan dari PC lain", "all", lambda sop: _replace(sop, result))
        controller.stack.resetClean()  # the library holds the other PC's version: nothing here is saved yet
        self._base = theirs
        window._update_title()
        if merged.conflicts:
            fields = [c.path for c in merged.conflicts]
            listed = "; ".join(fields[:4]) + (f" dan {len(fields) - 4} lainnya" if len(fields) > 4 else "")
            window.statusBar().showMessage(
                f"Bentrok dengan PC lain pada {listed}: isian Anda dipakai, sisanya digabung (belum disimpan).", 30000)
            if manual:
                shown = "\n".join(f"• {c.line()}" for c in merged.conflicts[:12])
                window.dialogs.info(
                    "SOP yang terbuka juga diubah di PC lain",
                    f"\"{name}\" diubah di PC lain selagi Anda menyuntingnya. Perubahan yang tidak bentrok sudah "
                    "digabung ke jendela ini; pada isian berikut keduanya mengubah hal yang sama, dan isian Anda "
                    f"yang dipakai:\n\n{shown}\n\nVersi PC lain tetap ada di Riwayat versi setelah Anda menyimpan. "
                    f"Perubahan belum disimpan.{trash_note}")
        else:
            window.statusBar().showMessage(
                f"Perubahan dari PC lain digabung ke suntingan Anda (belum disimpan).{trash_note}", 20000)

    # ---- close --------------------------------------------------------------------------------------
    def close_agreed(self) -> bool:
        """True once a close went through its questions and its last sync: closeEvent closes without asking."""
        return self._close_state == "done"

    def closing(self) -> bool:
        """A sync at close runs (its dialog is up)."""
        return self._close_state == "waiting"

    def close_refused(self) -> None:
        """The close stopped after all (the catalogue could not be written): the window goes on as before."""
        self._close_state = ""
        self.apply_settings()

    def may_close(self) -> bool:
        """From closeEvent, after unsaved work was dealt with: True to close now; False while a last sync
        runs (the window closes itself when it ends, or at once on "Tutup tanpa sinkronisasi")."""
        if self._close_state == "done":
            return True
        if self._close_state == "waiting":
            return False
        window = self.window
        self.timer.stop()
        self.start_timer.stop()
        if not self.location() or window.library.read_only:
            self._close_state = "done"
            return True
        self._close_state = "waiting"
        if self.run is None and not self.start(CLOSE):
            self._close_state = "done"  # a password never given this session: nothing to wait for
            return True
        self._close_dialog = CloseSyncDialog(window)
        self._close_dialog.phase.setText(self.phase.text())
        self._close_dialog.skip_button.clicked.connect(self._close_without_sync)
        self._close_dialog.open()
        return False

    def _after_close_sync(self, outcome: Outcome) -> None:
        if outcome.run.reason != CLOSE and self.start(CLOSE):
            return  # the sync that was running began before the last saves: one more sends them
        if outcome.result is None and not outcome.offline:
            self.window.dialogs.error("Sinkronisasi gagal", f"{outcome.error}\n\nPerubahan Anda tetap tersimpan di "
                                      "PC ini dan dikirim pada sinkronisasi berikutnya.")
        self._finish_close()

    def _close_without_sync(self) -> None:
        run = self.run
        if run is not None:
            run.cancel.set()
            self.run = None  # what it reports later is nobody's news: the window has closed
            # Wait for the sync's local step (it holds the mutex) and keep the mutex: the abandoned thread can
            # never write the library's files once the window closed it. The thread dies with the program.
            mutex = getattr(self.window.library, "mutex", None)
            if mutex is not None:
                mutex.acquire()
        self._finish_close()

    def _finish_close(self) -> None:
        self._close_state = "done"
        if self._close_dialog is not None:
            dialog, self._close_dialog = self._close_dialog, None
            dialog.skip_button.clicked.disconnect()
            dialog.done(0)
            dialog.deleteLater()
        QTimer.singleShot(0, self.window.close)

    def shutdown(self) -> None:
        self.timer.stop()
        self.start_timer.stop()


def _replace(sop: Sop, new: Sop) -> None:
    """Make `sop` (the live document) equal to `new`, field by field."""
    fresh = new.clone()
    for item in dataclasses.fields(Sop):
        setattr(sop, item.name, getattr(fresh, item.name))

