"""Pustaka bersama in the window: Preferensi, Sinkronkan (menu, F9, button), the worker thread, the status
line, automatic syncs, the sync at close, the open SOP following its file, and the password in the keyring.

Each test has real windows over libraries in tmp_path, a real shared repository (a folder, or dulwich's
HTTP server behind a password), and a second library acting as the other PC through sync_library.
Every wait is on a signal or a condition with a generous bound; nothing depends on the machine's speed.
"""
from __future__ import annotations

import socket
import threading
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from sopdesk.storage import Library
from sopdesk.sync import sync_library
from ui import dialogs as dlg
from ui.main_window import MainWindow
from ui.preferences import PreferencesDialog
from ui.sync_secrets import SERVICE, key_of
from ui.sync_ui import AUTO, MANUAL, CloseSyncDialog, Outcome
from ui.ui_state import UiState

from .gui_helpers import ScriptedDialogs
from .test_sync import make_sop
from .test_sync_http import ACCOUNT, SECRET, _serve

WAIT_MS = 30_000


class MemoryKeyring(keyring.backend.KeyringBackend):
    """The operating system's keyring, in memory for a test."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("tidak ada")
        del self.store[(service, username)]


class SyncDialogs(ScriptedDialogs):
    def password_input(self, title, label):
        return self._next("password_input", None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def pc(qtbot, tmp_path, memory_keyring):
    """pc(name) -> (window, dialogs): a window over the library tmp_path/name, settings in tmp_path/name.ini."""
    opened = []

    def make(name: str = "pc1", user: str = "Budi"):
        state = UiState(tmp_path / f"{name}.ini")
        if user:
            state.set_user_name(user)
        dialogs = SyncDialogs()
        window = MainWindow(state, Library.open(tmp_path / name), dialogs)
        # Not qtbot.addWidget: pytest-qt would close it before this fixture's end, and a window with a shared
        # location answers a close with its last sync; this fixture closes it and waits for that instead.
        window.show()
        opened.append((window, dialogs))
        return window, dialogs

    yield make
    for window, dialogs in opened:
        if window.isVisible():
            dialogs.answer("ask_unsaved", dlg.DISCARD)
            window.close()
            qtbot.waitUntil(lambda w=window: not w.isVisible(), timeout=WAIT_MS)
        window.library.close()
        window.deleteLater()


@pytest.fixture
def other_pc(tmp_path):
    """The other drafter's PC: a library of its own that syncs with sync_library, as its window would."""
    library = Library.open(tmp_path / "pc2")
    yield library
    library.close()


def other_sync(library: Library, remote: str, **kwargs):
    return sync_library(library.root, remote, "Sari", library=library, **kwargs)


def set_shared(monkeypatch, qtbot, window, dialogs, location: str, account: str = "", password: str = "",
               auto: bool | None = None, minutes: int | None = None, wait_first: bool = True) -> PreferencesDialog:
    """Preferensi through its widgets: a folder through Pilih folder…, a URL typed; Simpan."""
    seen = []

    def run(dialog):
        seen.append(dialog)
        if "://" in location:
            dialog.shared_location.clear()
            qtbot.keyClicks(dialog.shared_location, location)
        else:
            dialogs.answer("choose_folder", location)
            qtbot.mouseClick(dialog.choose_shared_folder, Qt.MouseButton.LeftButton)
        if account:
            dialog.shared_account.clear()
            qtbot.keyClicks(dialog.shared_account, account)
        if password:
            qtbot.keyClicks(dialog.shared_password, password)
        if auto is not None:
            dialog.auto_sync.setChecked(auto)
        if minutes is not None:
            dialog.auto_sync_minutes.setValue(minutes)
        return QDialog.DialogCode.Accepted

    with monkeypatch.context() as patch:
        patch.setattr(PreferencesDialog, "exec", run)
        window.preferences_action.trigger()
    # A new location starts a first, quiet sync at once; the tests go on from its end.
    if wait_first:
        qtbot.waitUntil(lambda: not window.sync_ui.running(), timeout=WAIT_MS)
    return seen[0]


def saved_sop(window, nomor="001", nama="Satu"):
    sop = make_sop(nomor, nama)
    window.open_document(sop, in_library=False, modified=True)
    assert window.save()
    return sop


def sync_by(qtbot, window, how):
    """Run one sync started by `how()` and return its outcome, once the window has taken it in."""
    with qtbot.waitSignal(window.sync_ui.synced, timeout=WAIT_MS) as blocker:
        how()
    return blocker.args[0]


def shared_folder(tmp_path: Path) -> str:
    folder = tmp_path / "server" / "sop-bersama"
    folder.mkdir(parents=True)
    return str(folder)


def shared_window(pc, monkeypatch, qtbot, tmp_path: Path, **preferences):
    """A window of this PC with a fresh shared folder set in Preferensi: (window, dialogs, remote)."""
    window, dialogs = pc()
    remote = shared_folder(tmp_path)
    set_shared(monkeypatch, qtbot, window, dialogs, remote, **preferences)
    return window, dialogs, remote


def sop_on_both_pcs(qtbot, window, other_pc: Library, remote: str):
    """A SOP saved in the window, sent by Sinkronkan and received by the other PC; returns the SOP."""
    sop = saved_sop(window)
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    other_sync(other_pc, remote)
    return sop


def edited_on_the_other_pc(other_pc: Library, remote: str, sop_id: str, nama: str | None = None,
                           kegiatan: dict[int, str] | None = None) -> None:
    """Sari changes the SOP on the other PC (its name, steps' kegiatan by index), saves and syncs it."""
    theirs = other_pc.load(sop_id)
    if nama is not None:
        theirs.identity.nama = nama
    for index, text in (kegiatan or {}).items():
        theirs.steps[index].kegiatan = text
    other_pc.save(theirs, "Sari")
    other_sync(other_pc, remote)


# ---- Preferensi and Sinkronkan ----------------------------------------------------------------------


def test_sinkronkan_from_the_menu_sends_a_saved_sop_to_the_other_pc(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    assert window.state.shared_location() == remote
    assert window.sync_ui.timer.isActive() and window.sync_ui.timer.interval() == 5 * 60_000  # default on, 5 min
    sop = saved_sop(window)
    menu = window.sync_ui.menu
    assert window.sync_ui.sync_action in menu.actions()
    outcome = sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert outcome.error == "" and outcome.result.sent == ["001 Satu"]
    line = window.sync_ui.status_text()
    assert line.startswith("0 SOP diterima, 1 dikirim, terakhir ")
    assert window.sync_ui.status_line.isVisible() and not window.sync_ui.busy.isVisible()
    assert window.sync_ui.sync_action.isEnabled()
    result = other_sync(other_pc, remote)
    assert result.received == ["001 Satu"]
    assert other_pc.load(sop.id).identity.nama == "Satu"
    assert dialogs.errors == []


def test_while_it_runs_the_action_is_greyed_and_the_status_bar_is_busy(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    saved_sop(window)
    sync_ui = window.sync_ui
    with qtbot.waitSignal(sync_ui.synced, timeout=WAIT_MS):
        sync_ui.sync_action.trigger()
        # The result reaches the window through its event loop, so until then the sync is running.
        assert sync_ui.running()
        assert not sync_ui.sync_action.isEnabled()
        assert sync_ui.busy.isVisible() and sync_ui.phase.isVisible()
        # The window stays usable: a save during the sync is allowed (the engine takes the mutex briefly).
        qtbot.keyClicks(window.identity_form.nama, " diubah")
        assert window.save()
    assert sync_ui.sync_action.isEnabled() and not sync_ui.busy.isVisible()
    # What was saved during the sync goes out with it, or with the next one (whichever it came in time for).
    sync_by(qtbot, window, sync_ui.sync_action.trigger)
    result = other_sync(other_pc, remote)
    assert result.received == ["001 Satu diubah"]


def test_f9_brings_the_other_pcs_edit_and_reloads_the_clean_open_sop(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, nama="Satu dari PC lain", kegiatan={2: "Diperiksa oleh Sari"})

    if not window.library_dock.isVisible():
        window.library_action.trigger()
    outcome = sync_by(qtbot, window, lambda: qtbot.keyClick(window.identity_form.nama, Qt.Key.Key_F9))
    assert outcome.run.reason == MANUAL and outcome.result.received == ["001 Satu dari PC lain"]
    panel = window.library_panel
    assert [panel.model.entry(r).nama for r in range(panel.model.rowCount())] == ["Satu dari PC lain"]
    # The open SOP had no unsaved changes: it is reloaded quietly, and the status bar says so.
    assert window.controller.sop.identity.nama == "Satu dari PC lain"
    assert window.identity_form.nama.text() == "Satu dari PC lain"
    assert window.controller.sop.steps[2].kegiatan == "Diperiksa oleh Sari"
    assert not window.isWindowModified()
    assert "dimuat ulang" in window.statusBar().currentMessage()
    assert window.sync_ui.status_text().startswith("1 SOP diterima, 0 dikirim")
    assert dialogs.errors == [] and dialogs.infos == []


def test_unsaved_edits_of_the_open_sop_merge_with_the_arrived_ones(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, kegiatan={2: "Diperiksa oleh Sari"})

    window.identity_form.nama.selectAll()
    qtbot.keyClicks(window.identity_form.nama, "Satu, diketik di PC ini")
    assert window.isWindowModified()
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    # Both kept: what was typed here (still unsaved) and what arrived.
    live = window.controller.sop
    assert live.identity.nama == "Satu, diketik di PC ini"
    assert live.steps[2].kegiatan == "Diperiksa oleh Sari"
    assert window.identity_form.nama.text() == "Satu, diketik di PC ini"
    assert window.isWindowModified()
    assert "digabung" in window.statusBar().currentMessage()
    # The library holds the other PC's version until this PC saves; then both go out together.
    assert window.library.load(sop.id).identity.nama == "Satu"
    assert window.save()
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    other_sync(other_pc, remote)
    there = other_pc.load(sop.id)
    assert there.identity.nama == "Satu, diketik di PC ini" and there.steps[2].kegiatan == "Diperiksa oleh Sari"
    # Undo takes back the merge alone, and the typing is still there under it.
    window.controller.undo()
    assert window.controller.sop.identity.nama == "Satu, diketik di PC ini"


def test_a_clash_with_unsaved_edits_keeps_what_was_typed_and_names_the_field(pc, other_pc, qtbot, monkeypatch,
                                                                               tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, nama="Nama dari Sari", kegiatan={0: "Langkah pertama versi Sari"})

    window.identity_form.nama.selectAll()
    qtbot.keyClicks(window.identity_form.nama, "Nama dari Budi")
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    live = window.controller.sop
    assert live.identity.nama == "Nama dari Budi"  # the clashing field keeps what the user typed
    assert live.steps[0].kegiatan == "Langkah pertama versi Sari"  # the rest is taken
    assert window.isWindowModified()
    assert len(dialogs.infos) == 1
    title, text = dialogs.infos[0]
    assert "juga diubah di PC lain" in title and "Nama SOP" in text and "Riwayat versi" in text
    assert "Nama SOP" in window.statusBar().currentMessage()


# ---- offline and refused ------------------------------------------------------------------------------


def test_an_unreachable_location_is_shown_quietly_as_luring(pc, qtbot, monkeypatch, tmp_path):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, str(tmp_path / "server-mati" / "sop-bersama"))
    saved_sop(window)
    outcome = sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert outcome.offline
    assert window.sync_ui.status_text().startswith("Luring: pustaka bersama tidak terjangkau, belum pernah tersinkron")
    assert dialogs.errors == [] and dialogs.infos == []
    assert window.sync_ui.sync_action.isEnabled()
    # Clicking the line explains that this is normal.
    window.sync_ui.status_line.click()
    assert "hal biasa" in dialogs.infos[-1][1]


def test_a_folder_that_is_not_a_shared_library_is_a_dialog_when_asked_and_quiet_when_automatic(
        pc, qtbot, monkeypatch, tmp_path):
    window, dialogs = pc()
    folder = tmp_path / "dokumen-lain"
    folder.mkdir()
    (folder / "catatan.txt").write_text("bukan pustaka", encoding="utf-8")
    set_shared(monkeypatch, qtbot, window, dialogs, str(folder))
    saved_sop(window)
    outcome = sync_by(qtbot, window, window.sync_ui.timer.timeout.emit)
    assert outcome.run.reason == AUTO and not outcome.offline and outcome.error
    assert dialogs.errors == []  # automatic: the status line only
    assert window.sync_ui.status_text().startswith("Sinkronisasi gagal: ")
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert len(dialogs.errors) == 1
    title, text = dialogs.errors[0]
    assert title == "Sinkronisasi gagal" and "bukan pustaka bersama" in text and "Error" not in text


@pytest.fixture
def guarded(tmp_path):
    served = _serve(tmp_path, (ACCOUNT, SECRET))
    yield served
    served.stop()


def test_password_goes_to_the_keyring_and_a_wrong_one_is_a_dialog_only_when_asked(
        pc, qtbot, monkeypatch, tmp_path, guarded, memory_keyring, other_pc):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, guarded.url, account=ACCOUNT, password="salah-ketik")
    assert memory_keyring.store == {(SERVICE, key_of(guarded.url, ACCOUNT)): "salah-ketik"}
    saved_sop(window)
    outcome = sync_by(qtbot, window, window.sync_ui.timer.timeout.emit)
    assert outcome.error and not outcome.offline
    assert dialogs.errors == []
    assert "kata sandi" in window.sync_ui.status_text()
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert len(dialogs.errors) == 1 and "kata sandi" in dialogs.errors[0][1]
    assert "salah-ketik" not in dialogs.errors[0][1]

    # The right password, typed in Preferensi, replaces the stored one; the sync goes through.
    def run(dialog):
        assert dialog.shared_password.placeholderText().startswith("Tersimpan")
        assert not dialog.keyring_note.isVisibleTo(dialog)  # there is a keyring here
        qtbot.keyClicks(dialog.shared_password, SECRET)
        return QDialog.DialogCode.Accepted

    with monkeypatch.context() as patch:
        patch.setattr(PreferencesDialog, "exec", run)
        window.preferences_action.trigger()
    assert memory_keyring.store[(SERVICE, key_of(guarded.url, ACCOUNT))] == SECRET
    outcome = sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert outcome.result.sent == ["001 Satu"]
    window.state.sync()
    settings = (tmp_path / "pc1.ini").read_text(encoding="utf-8")
    assert guarded.url in settings and ACCOUNT in settings
    assert SECRET not in settings and "salah-ketik" not in settings
    assert other_sync(other_pc, guarded.url, username=ACCOUNT, password=SECRET).received == ["001 Satu"]


def test_a_password_written_into_the_address_goes_to_the_keyring_not_the_settings(
        pc, qtbot, monkeypatch, tmp_path, guarded, memory_keyring):
    window, dialogs = pc()
    address = guarded.url.replace("http://", f"http://{ACCOUNT}:{SECRET}@")
    set_shared(monkeypatch, qtbot, window, dialogs, address)
    assert window.state.shared_location() == guarded.url and window.state.shared_account() == ACCOUNT
    assert memory_keyring.store == {(SERVICE, key_of(guarded.url, ACCOUNT)): SECRET}
    window.state.sync()
    assert SECRET not in (tmp_path / "pc1.ini").read_text(encoding="utf-8")


def test_without_a_keyring_the_password_is_kept_for_the_session_and_asked_once(
        pc, qtbot, monkeypatch, tmp_path, guarded):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the memory_keyring fixture restores the real one
    window, dialogs = pc()
    dialog = set_shared(monkeypatch, qtbot, window, dialogs, guarded.url, account=ACCOUNT, password=SECRET)
    assert dialog.keyring_note.isVisibleTo(dialog)
    assert "tidak dapat disimpan di PC ini" in dialog.keyring_note.text()
    saved_sop(window)
    outcome = sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert outcome.result.sent == ["001 Satu"]
    assert "password_input" not in dialogs.asked  # typed in Preferensi: kept in memory for this session
    window.state.sync()
    assert SECRET not in (tmp_path / "pc1.ini").read_text(encoding="utf-8")
    # The next session has no password: the first Sinkronkan asks for it, once.
    dialogs.answer("ask_unsaved", dlg.DISCARD)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    window.library.close()
    window2, dialogs2 = pc("pc1")
    assert window2.sync_ui.start_timer.isActive()  # an automatic sync shortly after the window opens
    window2.sync_ui.start_timer.stop()
    dialogs2.answer("password_input", SECRET)
    sync_by(qtbot, window2, window2.sync_ui.sync_action.trigger)
    sync_by(qtbot, window2, window2.sync_ui.sync_action.trigger)
    assert dialogs2.asked.count("password_input") == 1 and dialogs2.errors == []


# ---- automatic, at close, read-only, not set up --------------------------------------------------------


def test_the_automatic_timer_syncs_and_follows_preferensi(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path, minutes=2)
    sync_ui = window.sync_ui
    assert sync_ui.timer.isActive() and sync_ui.timer.interval() == 2 * 60_000
    saved_sop(window)
    outcome = sync_by(qtbot, window, sync_ui.timer.timeout.emit)
    assert outcome.run.reason == AUTO and outcome.result.sent == ["001 Satu"]
    assert other_sync(other_pc, remote).received == ["001 Satu"]
    set_shared(monkeypatch, qtbot, window, dialogs, remote, auto=False)
    assert not sync_ui.timer.isActive()


def test_closing_the_window_sends_what_was_saved(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    saved_sop(window)
    assert not window.close()  # the window waits for its last sync
    dialog = window.findChild(CloseSyncDialog)
    assert dialog is not None and dialog.skip_button.text() == "Tutup tanpa sinkronisasi"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialogs.errors == []
    window.library.close()
    assert other_sync(other_pc, remote).received == ["001 Satu"]


def test_closing_while_offline_closes_quietly(pc, qtbot, monkeypatch, tmp_path):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, str(tmp_path / "server-mati" / "sop-bersama"))
    saved_sop(window)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialogs.errors == [] and dialogs.infos == []


class SilentServer:
    """Takes connections and never answers: a sync against it hangs in its network step until close()."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sop.git"
        self.taken: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.taken.append(connection)

    def close(self) -> None:
        # The listener first, so no connection is taken after the ones closed below.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        self.thread.join()
        for connection in self.taken:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_tutup_tanpa_sinkronisasi_closes_at_once_and_leaves_the_library_whole(
        pc, qtbot, monkeypatch, tmp_path, silent_server):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, silent_server.url, wait_first=False)  # it never answers
    sop = saved_sop(window)
    assert not window.close()
    dialog = window.findChild(CloseSyncDialog)
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT_MS)
    run = window.sync_ui.run
    assert run is not None and run.running()
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    # The library was closed properly: another window gets it for writing, with the SOP saved.
    window.library.close()
    again = Library.open(tmp_path / "pc1")
    try:
        assert not again.read_only and again.load(sop.id).identity.nama == "Satu"
    finally:
        again.close()
    # The abandoned sync is stuck in the network or at the library's mutex, which the closed window keeps, so it
    # never writes the library again; whatever it reports later is nobody's news.
    assert run.cancel.is_set() and window.sync_ui.run is None
    window.sync_ui._on_finished(Outcome(run, error="Pustaka bersama tidak terjangkau.", offline=False))
    assert dialogs.errors == [] and not window.isVisible()


def test_a_read_only_window_cannot_sync_and_says_why(pc, qtbot, monkeypatch, tmp_path):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, shared_folder(tmp_path))
    second, second_dialogs = pc("pc1")  # the same library, opened by a second copy
    assert second.library.read_only
    action = second.sync_ui.sync_action
    assert not action.isEnabled() and "jendela SOP Desk lain" in action.toolTip()
    assert not second.sync_ui.timer.isActive()
    second.activateWindow()
    qtbot.waitUntil(second.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(second.identity_form.nama, Qt.Key.Key_F9)
    assert "jendela SOP Desk lain" in second.statusBar().currentMessage()
    assert not second.sync_ui.running() and second_dialogs.errors == []


def test_sinkronkan_without_a_shared_location_opens_preferensi_there(pc, qtbot, monkeypatch):
    window, dialogs = pc()
    seen = []

    def run(dialog):
        seen.append(dialog.focusWidget())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PreferencesDialog, "exec", run)
    assert not window.sync_ui.status_line.isVisible()
    window.sync_ui.sync_action.trigger()
    assert len(seen) == 1 and seen[0] is not None and seen[0].objectName() == "shared_location"
    assert not window.sync_ui.running() and dialogs.errors == []


def test_an_empty_user_name_still_syncs_with_a_hint_once(pc, qtbot, monkeypatch, tmp_path):
    window, dialogs = pc(user="")
    # The first sync is the one that setting the location starts: the hint comes with it.
    set_shared(monkeypatch, qtbot, window, dialogs, shared_folder(tmp_path), wait_first=False)
    assert "Nama pengguna di Preferensi masih kosong" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not window.sync_ui.running(), timeout=WAIT_MS)
    saved_sop(window)
    window.statusBar().clearMessage()
    with qtbot.waitSignal(window.sync_ui.synced, timeout=WAIT_MS) as blocker:
        window.sync_ui.sync_action.trigger()
        assert "Nama pengguna" not in window.statusBar().currentMessage()
    assert blocker.args[0].result.sent == ["001 Satu"]


def test_conflicts_waiting_for_a_person_are_counted_in_the_status_line(pc, other_pc, qtbot, monkeypatch,
                                                                        tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, nama="Versi Sari")
    qtbot.keyClicks(window.identity_form.nama, " versi Budi")
    assert window.save()
    outcome = sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert outcome.result.pending == 1
    line = window.sync_ui.status_text()
    assert "1 SOP bentrok menunggu keputusan" in line and ", terakhir " in line
    assert "Klik" in window.sync_ui.status_line.toolTip()
    window.sync_ui.status_line.click()
    title, text = dialogs.infos[-1]
    assert title == "Hasil sinkronisasi" and "Bentrok, menunggu keputusan" in text
    # The editor keeps this PC's saved version, untouched.
    assert window.controller.sop.identity.nama == "Satu versi Budi" and not window.isWindowModified()


def test_the_open_sop_moved_to_the_sampah_elsewhere_stays_open_and_is_said(pc, other_pc, qtbot, monkeypatch,
                                                                            tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    other_pc.trash(sop.id)
    other_sync(other_pc, remote)
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert [e.id for e in window.library.list_trash()] == [sop.id]
    assert window.controller.sop.identity.nama == "Satu"
    assert "Sampah" in window.statusBar().currentMessage()


def test_closing_during_a_sync_waits_for_it_and_sends_the_last_saves(pc, other_pc, qtbot, monkeypatch, tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    saved_sop(window)
    window.sync_ui.sync_action.trigger()
    qtbot.keyClicks(window.identity_form.nama, " terakhir")
    dialogs.answer("ask_unsaved", dlg.SAVE)  # asked at close: saved, then sent by the sync at close
    assert not window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert dialogs.errors == []
    window.library.close()
    assert other_sync(other_pc, remote).received == ["001 Satu terakhir"]


def test_a_changed_account_forgets_the_old_password(pc, qtbot, monkeypatch, guarded, memory_keyring):
    window, dialogs = pc()
    set_shared(monkeypatch, qtbot, window, dialogs, guarded.url, account=ACCOUNT, password=SECRET)
    assert (SERVICE, key_of(guarded.url, ACCOUNT)) in memory_keyring.store
    set_shared(monkeypatch, qtbot, window, dialogs, guarded.url, account="sari", password="sandi-sari")
    assert memory_keyring.store == {(SERVICE, key_of(guarded.url, "sari")): "sandi-sari"}


def test_the_open_sop_waits_for_an_open_dialog_before_it_follows_its_file(pc, other_pc, qtbot, monkeypatch,
                                                                          tmp_path):
    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, nama="Satu dari PC lain")
    question = QDialog(window)  # a question the user is answering about the open SOP
    question.setModal(True)
    question.open()
    qtbot.waitUntil(question.isVisible, timeout=WAIT_MS)
    sync_by(qtbot, window, window.sync_ui.timer.timeout.emit)
    assert window.controller.sop.identity.nama == "Satu"  # not under the user's feet
    question.accept()
    qtbot.waitUntil(lambda: window.controller.sop.identity.nama == "Satu dari PC lain", timeout=WAIT_MS)
    assert not window.isWindowModified()


def test_a_settled_conflict_is_sent_at_once_and_no_longer_counted(pc, other_pc, qtbot, monkeypatch, tmp_path):
    # Found walking the window: after Selesaikan bentrok the status line still said "1 SOP bentrok menunggu
    # keputusan" and the other PC kept waiting until the next automatic sync.
    from sopdesk.sync.engine import pending_conflicts
    from ui import conflict_dialog as cd

    window, dialogs, remote = shared_window(pc, monkeypatch, qtbot, tmp_path, auto=False)
    sop = sop_on_both_pcs(qtbot, window, other_pc, remote)
    edited_on_the_other_pc(other_pc, remote, sop.id, nama="Versi Sari")
    qtbot.keyClicks(window.identity_form.nama, " versi Budi")
    assert window.save()
    sync_by(qtbot, window, window.sync_ui.sync_action.trigger)
    assert "1 SOP bentrok" in window.sync_ui.status_text()

    def take_other(dialog):
        qtbot.addWidget(dialog)
        dialog.choose(0, "theirs")
        qtbot.mouseClick(dialog.buttons[cd.APPLY], Qt.MouseButton.LeftButton)

    dialogs.run_conflict_dialog = take_other
    outcome = sync_by(qtbot, window, window.conflicts.action.trigger)
    assert outcome.result is not None and outcome.result.pending == 0
    assert "bentrok" not in window.sync_ui.status_text()
    assert window.controller.sop.identity.nama == "Versi Sari"
    # The other PC gets the decision with its next sync: the record is gone there too.
    other_sync(other_pc, remote)
    assert pending_conflicts(other_pc.root) == []
    assert other_pc.load(sop.id).identity.nama == "Versi Sari"


def test_setting_the_location_shares_the_library_at_once(pc, qtbot, monkeypatch, tmp_path):
    # A drafter who sets the shared folder expects the library to be shared now, not after the first interval.
    window, dialogs = pc()
    sop = saved_sop(window)
    remote = shared_folder(tmp_path)
    set_shared(monkeypatch, qtbot, window, dialogs, remote, wait_first=False)
    assert window.sync_ui.running()
    qtbot.waitUntil(lambda: not window.sync_ui.running(), timeout=WAIT_MS)
    assert window.sync_ui.last.result is not None and window.sync_ui.last.result.sent == ["001 Satu"]
    assert "1 dikirim" in window.sync_ui.status_text() and not dialogs.errors
    other = Library.open(tmp_path / "pc2")
    try:
        sync_library(other.root, remote, "Sari", library=other)
        assert other.load(sop.id).identity.nama == "Satu"
    finally:
        other.close()
