"""Whole-window paths: library list and search, save and reopen, duplicate, Sampah, JSON, unsaved changes,
the read-only second copy, crash recovery and problem navigation."""
import json
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from sopdesk.interchange import read_sop_json, sop_to_fixture
from ui import dialogs as dlg
from ui.main_window import TAB_IDENTITY, TAB_STEPS
from ui.ui_state import Profile, UiState

from .conftest import FIXTURES_DIR, load_fixture
from .gui_helpers import ScriptedDialogs


@pytest.fixture
def env(make_window):
    def make(*args):
        window, dialogs = make_window(*args)
        if not window.library_dock.isVisible():
            window.library_action.trigger()  # Ctrl+L: a small screen starts with the library hidden
        return window, dialogs
    return make


def import_fixture(window, dialogs, name):
    dialogs.answer("open_file", str(FIXTURES_DIR / f"{name}.json"))
    window.import_json_action.trigger()


def test_new_sop_starts_from_the_profile(env, tmp_path):
    state = UiState(tmp_path / "ui.ini")
    state.set_profile(Profile(instansi="KEMENTERIAN CONTOH", unit_lines=["Sekretariat Jenderal", "Biro Umum"],
                              signer_jabatan="Kepala Biro Umum", signer_nama="Siti", signer_id_number="1" * 18))
    state.sync()
    window, _ = env()
    window.new_action.trigger()
    ident = window.controller.sop.identity
    assert ident.instansi == "KEMENTERIAN CONTOH"
    assert ident.unit_lines == ["Sekretariat Jenderal", "Biro Umum"]
    assert ident.signer.nama == "Siti"
    assert window.identity_form.instansi.text() == "KEMENTERIAN CONTOH"
    assert window.tabs.currentIndex() == TAB_IDENTITY


def test_import_save_filter_and_reopen(env, qtbot):
    window, dialogs = env()
    for name in ("000_dca99833c4e40ed1", "001_71e1f31e4a04122a", "contoh-peminjaman-arsip"):
        import_fixture(window, dialogs, name)
        assert window.isWindowModified()
        window.save_action.trigger()
        assert not window.isWindowModified()
    panel = window.library_panel
    assert panel.model.rowCount() == 3
    qtbot.keyClicks(panel.search, "arsip")
    assert panel.model.rowCount() == 1
    assert panel.model.entry(0).nama == "Peminjaman Arsip Dinamis Inaktif"
    panel.search.clear()
    qtbot.keyClicks(panel.search, "De.6")
    assert [panel.model.entry(r).nomor for r in range(panel.model.rowCount())] == ["OT.01.02-034-053.De.6"]
    panel.search.clear()
    assert panel.model.rowCount() == 3
    row = next(r for r in range(3) if panel.model.entry(r).nomor.endswith("Set.PO"))
    panel.table.selectRow(row)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert sop_to_fixture(window.controller.sop) == load_fixture("000_dca99833c4e40ed1")


def test_unsaved_changes_are_asked_about(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "001_71e1f31e4a04122a")
    window.save_action.trigger()
    qtbot.keyClicks(window.identity_form.nama, " (revisi)")
    assert window.isWindowModified()
    assert window.windowTitle().startswith("Penyiapan usulan")
    dialogs.answer("ask_unsaved", dlg.CANCEL)
    window.new_action.trigger()
    assert window.controller.sop.identity.nama.endswith("(revisi)")  # cancel keeps the document
    dialogs.answer("ask_unsaved", dlg.SAVE)
    window.new_action.trigger()
    assert window.controller.sop.identity.nama == ""
    assert window.library.entries()[0].nama.endswith("(revisi)")
    qtbot.keyClicks(window.identity_form.nama, "Draf")
    dialogs.answer("ask_unsaved", dlg.CANCEL)
    assert not window.close()
    dialogs.answer("ask_unsaved", dlg.DISCARD)
    assert window.close()


def test_undo_and_redo_from_the_menu(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.tabs.setCurrentIndex(TAB_STEPS)
    window.steps_editor.table.setCurrentIndex(window.steps_editor.model.index(3, 1))
    window.steps_editor.actions["delete"].trigger()
    assert len(window.controller.sop.steps) == 11
    window.undo_action.trigger()
    assert len(window.controller.sop.steps) == 12
    assert sop_to_fixture(window.controller.sop) == load_fixture("contoh-peminjaman-arsip")
    window.redo_action.trigger()
    assert len(window.controller.sop.steps) == 11


def test_duplicate_trash_and_restore(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    original = window.controller.sop.id
    panel = window.library_panel
    panel.select(original)
    qtbot.mouseClick(panel.duplicate_button, Qt.MouseButton.LeftButton)
    assert window.controller.sop.id != original
    assert window.controller.sop.identity.nama.startswith("Salinan")
    dialogs.answer("confirm", True)  # the copy keeps the nomor: saving asks first
    window.save_action.trigger()
    assert panel.model.rowCount() == 2

    panel.select(original)
    dialogs.answer("confirm", True)
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 1
    panel.trash_view.setChecked(True)
    assert panel.model.rowCount() == 1 and panel.model.entry(0).id == original
    panel.select(original)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    panel.trash_view.setChecked(False)
    assert panel.model.rowCount() == 2


def test_export_json_in_both_formats(env, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "002_497329db9dcea2b8")
    fixture_out = tmp_path / "keluar-fixture.json"
    native_out = tmp_path / "keluar-native.json"
    dialogs.answer("save_file", (str(fixture_out), dlg.JSON_FILTER_FIXTURE), (str(native_out), dlg.JSON_FILTER_NATIVE))
    window.export_json_action.trigger()
    window.export_json_action.trigger()
    assert json.loads(fixture_out.read_text(encoding="utf-8")) == load_fixture("002_497329db9dcea2b8")
    assert json.loads(native_out.read_text(encoding="utf-8"))["format"] == "sopdesk/1"
    assert read_sop_json(native_out) == window.controller.sop


def test_import_of_a_damaged_file_says_so_and_keeps_the_document(env, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "001_71e1f31e4a04122a")
    before = window.controller.sop
    bad = tmp_path / "rusak.json"
    bad.write_text('{"format": "sop-fixture/1", "kegiatan": [', encoding="utf-8")
    dialogs.answer("ask_unsaved", dlg.DISCARD)
    dialogs.answer("open_file", str(bad))
    window.import_json_action.trigger()
    assert window.controller.sop is before
    assert dialogs.errors and "bukan JSON" in dialogs.errors[-1][1]


def test_importing_an_sop_already_in_the_library_never_overwrites_it(env, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    saved_id = window.controller.sop.id
    out = tmp_path / "sama.json"
    dialogs.answer("save_file", (str(out), dlg.JSON_FILTER_NATIVE))
    window.export_json_action.trigger()
    dialogs.answer("confirm", True)
    dialogs.answer("open_file", str(out))
    window.import_json_action.trigger()
    assert window.controller.sop.id != saved_id
    dialogs.answer("confirm", True)  # same nomor as the saved one
    window.save_action.trigger()
    assert len(window.library.entries()) == 2


def test_problem_click_selects_the_cell(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    step = window.controller.sop.steps[4]
    window.controller.set_step_field(step.id, "no_target", None, "tujuan")
    window.problems_panel.refresh()
    listing = window.problems_panel.list
    row = next(i for i, p in enumerate(window.problems_panel.problems) if p.target.item_id == step.id)
    item = listing.item(row)
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=listing.visualItemRect(item).center())
    assert window.tabs.currentIndex() == TAB_STEPS
    current = window.steps_editor.table.currentIndex()
    assert current.row() == 4
    assert window.steps_editor.model.headerData(current.column(), Qt.Orientation.Horizontal) == "Jika Tidak"


HOLDER = """
import sys, time
from sopdesk.storage import Library
lib = Library.open(sys.argv[1])
print("terbuka", flush=True)
time.sleep(60)
"""


def test_second_copy_opens_read_only_and_says_so(env, tmp_path):
    library_dir = tmp_path / "bersama"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(library_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "terbuka"
        window, dialogs = env(library_dir)
        assert window.library.read_only
        assert window.read_only_banner.isVisibleTo(window)
        assert "hanya dapat dibaca" in window.read_only_banner.text()
        assert not window.save_action.isEnabled()
        assert "hanya-baca" in window.windowTitle()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_unsaved_edits_are_offered_back_after_a_crash(env, qtbot, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    qtbot.keyClicks(window.identity_form.nomor, "-REV")
    wanted = window.controller.sop.identity.nomor
    window.write_recovery()  # what the timer does a moment after typing
    # The process "crashes": the window is never closed, the library lock dies with it.
    window.library.close()

    again, dialogs2 = env()
    dialogs2.answer("confirm", True)
    assert again.offer_recovery()
    assert again.controller.sop.identity.nomor == wanted
    assert again.isWindowModified()
    again.save_action.trigger()
    assert again.library.list_recovery() == []


def test_preferences_dialog_returns_what_was_typed(qtbot, tmp_path):
    from sopdesk.model import PageSettings
    from ui.preferences import PreferencesDialog

    dialogs = ScriptedDialogs()
    dialog = PreferencesDialog(Profile(), PageSettings(), str(tmp_path / "pustaka"), dialogs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.instansi, "KEMENTERIAN CONTOH")
    dialog.unit_lines.setPlainText("1. Sekretariat Jenderal\n2. Biro Umum\n")
    qtbot.keyClicks(dialog.signer_nama, "Siti")
    qtbot.keyClicks(dialog.paper, "F4")
    dialog.numbering_row.setChecked(True)
    profile = dialog.profile()
    assert profile.instansi == "KEMENTERIAN CONTOH"
    assert profile.unit_lines == ["Sekretariat Jenderal", "Biro Umum"]
    assert profile.signer_nama == "Siti"
    page = dialog.page_settings()
    assert page.paper == "F4" and page.numbering_row and page.landscape


def test_library_can_be_moved(env, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    target = tmp_path / "pustaka-baru"
    assert window.move_library_to(target)
    assert window.library.root == target
    assert [e.nama for e in window.library.entries()] == ["Peminjaman Arsip Dinamis Inaktif"]
    assert window.state.library_dir() == str(target)
    window.new_action.trigger()
    window.library_panel.select(window.library.entries()[0].id)
    window.library_panel.open_button.click()
    assert sop_to_fixture(window.controller.sop) == load_fixture("contoh-peminjaman-arsip")


def test_page_settings_are_per_sop_and_undoable(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    editor = window.page_editor
    editor.paper.setFocus()
    qtbot.keyClicks(editor.paper, "F4")
    assert window.controller.sop.page.paper == "F4"
    editor.numbering_row.click()
    assert window.controller.sop.page.numbering_row
    window.undo_action.trigger()
    assert not window.controller.sop.page.numbering_row
    assert not editor.numbering_row.isChecked()


def test_too_many_actors_points_at_the_page_settings(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    for i in range(10):
        window.controller.add_actor(f"Pelaksana {i}")
    window.problems_panel.refresh()
    problem = next(p for p in window.problems_panel.problems if p.target.area == "page")
    window.show_target(problem.target)
    assert window.tabs.currentIndex() == 4


def test_damaged_sop_files_are_reported_at_start(env, tmp_path):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    root = window.library.root
    window.library.close()
    (root / "sops" / "rusak.json").write_text("{ tidak lengkap", encoding="utf-8")
    again, dialogs2 = env(root)
    assert again.report_damaged()
    assert "rusak.json" in dialogs2.errors[-1][1]
    assert len(again.library.entries()) == 1


def test_an_earlier_version_is_brought_back_from_the_history(env, qtbot):
    window, dialogs = env()
    import_fixture(window, dialogs, "contoh-peminjaman-arsip")
    window.save_action.trigger()
    first_name = window.controller.sop.identity.nama
    window.history_action.trigger()
    assert dialogs.asked[-1] == "choose_revision"  # the one saved version is listed (who saved it and when)
    qtbot.keyClicks(window.identity_form.nama, " (perubahan)")
    window.save_action.trigger()
    revisions = window.library.history(window.controller.sop.id)
    assert len(revisions) == 1
    dialogs.answer("choose_revision", revisions[0].revision_id)
    window.history_action.trigger()
    assert window.controller.sop.identity.nama == first_name
    assert window.identity_form.nama.text() == first_name
    assert not window.isWindowModified()  # restoring saves the old version as the current one
    assert window.library.entries()[0].nama == first_name
    assert len(window.library.history(window.controller.sop.id)) == 2


def test_every_menu_entry_has_its_own_access_key(env):
    # Alt+B then one letter reaches any Berkas entry; two entries sharing a letter would need a second press.
    import re

    window, _dialogs = env()
    for menu_action in window.menuBar().actions():
        keys = []
        for action in menu_action.menu().actions():
            if action.isSeparator() or not action.text():
                continue
            found = re.search(r"&([^&])", action.text())
            assert found, f"{menu_action.text()} › {action.text()} has no access key"
            keys.append(found.group(1).lower())
        assert len(keys) == len(set(keys)), f"{menu_action.text()}: access keys shared: {sorted(keys)}"


def test_a_save_whose_history_line_could_not_be_written_says_so_in_the_status_bar(env, monkeypatch):
    # The SOP is saved either way; a full disk under the history repository is told, not hidden.
    import errno

    from dulwich.object_store import DiskObjectStore

    window, dialogs = env()
    window.controller.set_identity("nama", "Peminjaman arsip", "Nama SOP")
    assert window.save()
    window.controller.set_identity("nama", "Peminjaman arsip inaktif", "Nama SOP")

    def full(self, *_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(window.library.root / "sync.git"))

    monkeypatch.setattr(DiskObjectStore, "add_object", full)
    monkeypatch.setattr(DiskObjectStore, "add_objects", full)
    assert window.save()
    message = window.statusBar().currentMessage()
    assert "tersimpan di pustaka" in message and "folder history" in message
    assert window.library.load(window.controller.sop.id).identity.nama == "Peminjaman arsip inaktif"
    assert not dialogs.errors


def test_moving_to_the_sampah_and_back_is_recorded_under_the_drafters_name(env):
    # Every change of the library is a commit in the shared history: the Sampah's too, under who did it.
    from .history_helpers import head_message

    window, dialogs = env()
    window.state.set_user_name("Budi Santoso")
    window.controller.set_identity("nama", "Peminjaman arsip", "Nama SOP")
    assert window.save()
    sop_id = window.controller.sop.id
    window.state.set_user_name("Sari Dewi")
    dialogs.answer("confirm", True)
    window.trash_sop(sop_id)
    assert sop_id in {e.id for e in window.library.list_trash()}
    assert head_message(window.library.root)[0] == "Sari Dewi <>"
    window.state.set_user_name("Ani")
    window.restore_sop(sop_id)
    assert head_message(window.library.root)[0] == "Ani <>"
