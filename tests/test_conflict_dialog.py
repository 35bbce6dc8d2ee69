"""Selesaikan bentrok in the real window: the list mark, the notice bar, the dialog's rows and buttons, unsaved text."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from sopdesk.model import Actor, Sop, Step
from sopdesk.storage import Library
from sopdesk.sync import pending_conflicts, sync_library
from ui import conflict_dialog as cd
from ui.library_model import Column

from .conflict_helpers import load, save, step_clash


def make_sop() -> Sop:
    sop = Sop()
    sop.identity.nomor = "OT.02/2026"
    sop.identity.nama = "Disposisi Surat"
    actor = Actor("Sekretaris")
    sop.actors = [actor]
    sop.steps = [Step(kegiatan=f"Kegiatan {i + 1}", actors=[actor.id]) for i in range(3)]
    return sop


@pytest.fixture
def conflicted(tmp_path):
    """PC B's library with a conflict on Nama SOP and step 2's Kegiatan (A's values kept aside); also a second SOP."""
    a, b, shared = tmp_path / "pc-a", tmp_path / "pc-b", str(tmp_path / "bersama.git")
    sop, other = make_sop(), make_sop()
    other.identity.nomor, other.identity.nama = "OT.03/2026", "Agenda Surat Keluar"
    save(a, sop, "Ani")
    save(a, other, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    mine = load(a, sop.id)
    mine.identity.nama = "Disposisi Surat Elektronik"
    mine.steps[1].kegiatan = "Meneruskan disposisi (A)"
    save(a, mine, "Ani")
    theirs = load(b, sop.id)
    theirs.identity.nama = "Disposisi Surat Dinas"
    theirs.steps[1].kegiatan = "Meneruskan disposisi (B)"
    save(b, theirs, "Budi")
    sync_library(a, shared, user="Ani")
    assert sync_library(b, shared, user="Budi").conflicts
    return {"a": a, "b": b, "shared": shared, "sop": sop, "other": other}


@pytest.fixture
def window_on(make_window):
    def make(root: Path):
        window, dialogs = make_window(root)
        if not window.library_dock.isVisible():
            window.library_action.trigger()
        if getattr(window, "conflicts", None) is None:
            cd.install_conflicts(window)  # until the main window calls it itself
        return window, dialogs
    return make


def _answer(dialogs, script):
    """The conflict dialog is answered by `script(dialog)` instead of a person; the dialogs it met are kept."""
    seen = []

    def run(dialog):
        seen.append(dialog)
        script(dialog)
    dialogs.run_conflict_dialog = run
    return seen


def _row_of(panel, sop_id):
    return panel.model.row_of(sop_id)


def _open(window, sop_id):
    window.open_from_library(sop_id)
    assert window.controller.sop.id == sop_id


def test_list_marks_the_sop_and_opening_it_shows_the_bar(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    panel, sop, other = window.library_panel, conflicted["sop"], conflicted["other"]
    model = panel.model
    marked = model.index(_row_of(panel, sop.id), Column.NAMA)
    plain = model.index(_row_of(panel, other.id), Column.NAMA)
    assert model.data(marked, Qt.ItemDataRole.DecorationRole) is not None
    assert "Bentrok sinkronisasi" in model.data(marked, Qt.ItemDataRole.ToolTipRole)
    assert model.data(plain, Qt.ItemDataRole.DecorationRole) is None
    assert "Bentrok" not in (model.data(plain, Qt.ItemDataRole.ToolTipRole) or "")
    support = window.conflicts
    _open(window, other.id)
    assert not support.bar.isVisible() and not support.action.isEnabled()
    _open(window, sop.id)
    assert support.bar.isVisible() and support.action.isEnabled()
    # The row's menu offers it too.
    texts = [a.text() for a in panel.context_menu(_row_of(panel, sop.id)).actions()]
    assert "Se&lesaikan bentrok…" in texts
    assert "Se&lesaikan bentrok…" not in [a.text() for a in panel.context_menu(_row_of(panel, other.id)).actions()]


def test_dialog_shows_three_values_and_pick_the_other_saves_it(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    sop = conflicted["sop"]
    _open(window, sop.id)
    shown = {}

    def pick_other_name(dialog):
        qtbot.addWidget(dialog)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        shown["texts"] = texts
        shown["title"] = dialog.windowTitle()
        names = [c.path for c in dialog.conflict.choices]
        dialog.choose(names.index("Identitas › Nama SOP"), "theirs")
        qtbot.mouseClick(dialog.buttons[cd.APPLY], Qt.MouseButton.LeftButton)

    _answer(dialogs, pick_other_name)
    window.conflicts.action.trigger()
    assert shown["title"] == "Selesaikan bentrok — OT.02/2026 Disposisi Surat Dinas"
    for value in ("Disposisi Surat", "Disposisi Surat Dinas", "Disposisi Surat Elektronik", "Kegiatan 2",
                  "Meneruskan disposisi (A)", "Meneruskan disposisi (B)"):
        assert value in shown["texts"]
    assert any("Ani" in text for text in shown["texts"])  # who saved the other version
    # Saved, shown in the editor, the record gone, the mark gone, both versions in Riwayat versi.
    assert window.controller.sop.identity.nama == "Disposisi Surat Elektronik"
    assert window.controller.sop.steps[1].kegiatan == "Meneruskan disposisi (B)"
    assert not window.controller.is_modified()
    library = window.library
    assert library.load(sop.id).identity.nama == "Disposisi Surat Elektronik"
    assert pending_conflicts(conflicted["b"]) == []
    model = window.library_panel.model
    assert model.data(model.index(_row_of(window.library_panel, sop.id), Column.NAMA),
                      Qt.ItemDataRole.DecorationRole) is None
    assert not window.conflicts.bar.isVisible() and not window.conflicts.action.isEnabled()
    names = {library.load_revision(sop.id, r.revision_id).identity.nama for r in library.history(sop.id)}
    assert {"Disposisi Surat Dinas", "Disposisi Surat Elektronik"} <= names
    assert dialogs.errors == []


def test_nanti_keeps_everything(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    sop, b = conflicted["sop"], conflicted["b"]
    before = (b / "sops" / f"{sop.id}.json").read_bytes()
    kept = sorted(p.name for p in (b / "conflicts" / sop.id).iterdir())
    _open(window, sop.id)

    def later(dialog):
        qtbot.addWidget(dialog)
        dialog.choose(0, "theirs")  # chosen, then left for later: nothing is applied
        qtbot.mouseClick(dialog.buttons[cd.LATER], Qt.MouseButton.LeftButton)

    _answer(dialogs, later)
    assert window.conflicts.settle_open() == cd.LATER
    assert (b / "sops" / f"{sop.id}.json").read_bytes() == before
    assert sorted(p.name for p in (b / "conflicts" / sop.id).iterdir()) == kept
    assert window.conflicts.bar.isVisible()
    assert window.controller.sop.identity.nama == "Disposisi Surat Dinas"


def test_unsaved_typing_is_asked_about_and_never_lost(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    sop = conflicted["sop"]
    _open(window, sop.id)
    step3 = window.controller.sop.steps[2].id
    window.controller.set_step_field(step3, "kegiatan", "Mengarsipkan (diketik)", "Kegiatan")
    seen = _answer(dialogs, lambda dialog: dialog.finish(cd.APPLY))
    # Batal: no dialog, the typing still there, unsaved.
    dialogs.answer("confirm", False)
    assert window.conflicts.settle_open() == cd.LATER
    assert seen == []
    assert window.controller.is_modified()
    assert window.controller.sop.steps[2].kegiatan == "Mengarsipkan (diketik)"
    # Simpan lalu lanjutkan: saved first, then settled with the defaults (the version in use), typing kept.
    dialogs.answer("confirm", True)
    assert window.conflicts.settle_open() == cd.APPLY
    assert len(seen) == 1
    now = window.library.load(sop.id)
    assert now.steps[2].kegiatan == "Mengarsipkan (diketik)"
    assert now.identity.nama == "Disposisi Surat Dinas" and now.steps[1].kegiatan == "Meneruskan disposisi (B)"
    assert window.controller.sop.steps[2].kegiatan == "Mengarsipkan (diketik)"
    assert pending_conflicts(conflicted["b"]) == []


def test_terapkan_lalu_sunting_saves_and_goes_to_the_field(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    sop = conflicted["sop"]
    _open(window, sop.id)

    def apply_then_edit(dialog):
        for i, choice in enumerate(dialog.conflict.choices):
            if choice.path.startswith("Langkah"):
                dialog.choose(i, "theirs")
        dialog.finish(cd.APPLY_EDIT)

    _answer(dialogs, apply_then_edit)
    window.conflicts.settle_open()
    assert window.library.load(sop.id).steps[1].kegiatan == "Meneruskan disposisi (A)"
    assert pending_conflicts(conflicted["b"]) == []
    # The step row was the one taken from the other version: the Langkah tab shows that cell, to edit it further.
    assert window.tabs.currentIndex() == 3
    assert window.steps_editor.current_row() == 1
    assert "sunting" in window.statusBar().currentMessage()


def test_bandingkan_lengkap_opens_the_comparison_on_the_versions(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    _open(window, conflicted["sop"].id)
    opened = {}

    def compare_then_later(dialog):
        qtbot.addWidget(dialog)
        view = dialog.open_compare()
        opened["labels"] = [v.label for v in view.versions]
        opened["a"], opened["b"] = view.old.identity.nama, view.new.identity.nama
        view.close()
        dialog.finish(cd.LATER)

    _answer(dialogs, compare_then_later)
    window.conflicts.settle_open()
    assert [label.split(" (")[0] for label in opened["labels"]] == ["Versi dipakai", "Versi lain", "Semula"]
    assert (opened["a"], opened["b"]) == ("Disposisi Surat Elektronik", "Disposisi Surat Dinas")


def test_marks_follow_a_sync(conflicted, window_on, qtbot):
    """The record arrives on A with a sync: after window.refresh_library() the list marks it, and clears it later."""
    a, b, shared, sop = conflicted["a"], conflicted["b"], conflicted["shared"], conflicted["sop"]
    window, dialogs = window_on(a)
    panel = window.library_panel
    model = panel.model

    def mark():
        return model.data(model.index(_row_of(panel, sop.id), Column.NAMA), Qt.ItemDataRole.DecorationRole)

    assert mark() is None
    window.library.close()  # the sync of this test opens the library itself
    sync_library(a, shared, user="Ani")
    window.library = Library.open(a)
    window.refresh_library()
    assert mark() is not None
    # Settled on B and synced: the mark goes at A's next refresh.
    with Library.open(b) as library:
        from sopdesk.sync import settle

        settle.keep_current(library, settle.read_conflict(library, sop.id), user="Budi")
    sync_library(b, shared, user="Budi")
    window.library.close()
    sync_library(a, shared, user="Ani")
    window.library = Library.open(a)
    window.refresh_library()
    assert mark() is None


def test_deleted_against_edited_asks_in_the_window(tmp_path, window_on, qtbot):
    a, b, shared = tmp_path / "pc-a", tmp_path / "pc-b", str(tmp_path / "bersama.git")
    sop = make_sop()
    save(a, sop, "Ani")
    sync_library(a, shared, user="Ani")
    sync_library(b, shared, user="Budi")
    with Library.open(a) as library:
        library.trash(sop.id)
    edited = load(b, sop.id)
    edited.steps[0].kegiatan = "Diubah di B"
    save(b, edited, "Budi")
    sync_library(a, shared, user="Ani")
    assert [c.kind for c in sync_library(b, shared, user="Budi").conflicts] == ["hapus-ubah"]
    window, dialogs = window_on(b)
    _open(window, sop.id)
    assert "dihapus di satu PC" in window.conflicts.bar_text.text()
    offered = {}

    def delete(dialog):
        offered["buttons"] = sorted(dialog.buttons)
        offered["text"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.finish(cd.DELETE)

    _answer(dialogs, delete)
    assert window.conflicts.settle_open() == cd.DELETE
    assert offered["buttons"] == sorted([cd.KEEP_EDITED, cd.DELETE, cd.LATER])
    assert "dihapus" in offered["text"]
    assert sop.id not in {e.id for e in window.library.entries()}
    assert sop.id in {e.id for e in window.library.list_trash()}
    assert window.controller.sop.id != sop.id
    assert pending_conflicts(b) == []


def test_dialog_fits_a_laptop_screen(conflicted, window_on, qtbot):
    window, dialogs = window_on(conflicted["b"])
    _open(window, conflicted["sop"].id)
    from sopdesk.sync import settle

    dialog = cd.ConflictDialog(settle.read_conflict(window.library, conflicted["sop"].id), dialogs, window)
    qtbot.addWidget(dialog)
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= min(1366, available.width()) and dialog.height() <= min(768, available.height())
    assert [b.text().replace("&", "") for b in dialog.buttons.values()] == [
        "Terapkan", "Terapkan lalu sunting", "Nanti"]


def test_a_second_record_is_shown_right_after_the_first(conflicted, window_on, qtbot):
    a, b, shared, sop = conflicted["a"], conflicted["b"], conflicted["shared"], conflicted["sop"]
    sync_library(a, shared, user="Ani")
    step_clash(a, b, shared, sop.id, 2, "Langkah 3 oleh A", "Langkah 3 oleh B")
    window, dialogs = window_on(b)
    _open(window, sop.id)
    rows = []

    def take_other(dialog):
        rows.append([c.path for c in dialog.conflict.choices])
        for i in range(len(dialog.conflict.choices)):
            dialog.choose(i, "theirs")
        dialog.finish(cd.APPLY)

    _answer(dialogs, take_other)
    assert window.conflicts.settle_open() == cd.APPLY
    assert rows == [["Identitas › Nama SOP", "Langkah 2 › Kegiatan"], ["Langkah 3 › Kegiatan"]]
    now = window.library.load(sop.id)
    assert (now.identity.nama, now.steps[1].kegiatan, now.steps[2].kegiatan) == (
        "Disposisi Surat Elektronik", "Meneruskan disposisi (A)", "Langkah 3 oleh A")
    assert pending_conflicts(b) == [] and not window.conflicts.bar.isVisible()
