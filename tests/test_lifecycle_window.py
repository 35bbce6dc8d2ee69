"""Status, Buat revisi, Catatan revisi, Nama pengguna and Riwayat versi in the real window."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QApplication, QDialog

from sopdesk.lifecycle import ReviewState
from sopdesk.model import PageSettings, Status
from sopdesk.validation import validate
from ui.history_dialog import HistoryDialog
from ui.preferences import PreferencesDialog
from ui.ui_state import Profile, UiState

from .conftest import FIXTURES_DIR
from .gui_helpers import ScriptedDialogs


@pytest.fixture
def env(make_window):
    def make(*args):
        window, dialogs = make_window(*args)
        dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
        window.import_json_action.trigger()
        return window, dialogs
    return make


def choose_status(qtbot, window, status: Status) -> None:
    """As a pick from the drop-down does (typed search would depend on the keyboard-search interval)."""
    combo = window.identity_form.status
    index = combo.findText(status.value)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert combo.currentText() == status.value


def set_user_name(monkeypatch, qtbot, window, name: str, months: int | None = None) -> None:
    """Preferensi through its real widgets: type the name, press Simpan."""
    def run(dialog):
        dialog.user_name.clear()
        qtbot.keyClicks(dialog.user_name, name)
        if months is not None:
            dialog.review_months.setValue(months)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PreferencesDialog, "exec", run)
    window.preferences_action.trigger()


def test_status_is_set_in_the_identity_form_undoably_and_only_berlaku_offers_buat_revisi(env, qtbot):
    window, _dialogs = env()
    assert window.controller.sop.lifecycle.status is Status.DRAF
    assert not window.begin_revision_action.isEnabled()
    choose_status(qtbot, window, Status.BERLAKU)
    life = window.controller.sop.lifecycle
    assert life.status is Status.BERLAKU and life.status_date == dt.date.today()
    assert window.begin_revision_action.isEnabled()
    window.controller.undo()
    assert window.controller.sop.lifecycle.status is Status.DRAF
    assert window.identity_form.status.currentText() == "Draf"
    assert not window.begin_revision_action.isEnabled()
    qtbot.keyClicks(window.identity_form.status_date.display, "menunggu SK")
    assert window.controller.sop.lifecycle.status_date_text == "menunggu SK"  # kept as typed
    [problem] = [p for p in validate(window.controller.sop) if p.target.field == "status_date"]
    assert "menunggu SK" in problem.message
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # focus only lands in the active window
    window.identity_form.nomor.setFocus()
    window.show_target(problem.target)  # a click on it in Masalah
    assert QApplication.focusWidget() is window.identity_form.status_date.display


def test_buat_revisi_is_refused_on_a_draf_even_from_the_function(env):
    from ui.lifecycle_actions import begin_revision

    window, dialogs = env()
    assert not begin_revision(window)
    assert "berstatus Berlaku" in dialogs.infos[-1][1]
    assert window.library.revisions(window.controller.sop.id) == []


def test_buat_revisi_saves_first_keeps_the_record_and_opens_the_draft(env, qtbot, monkeypatch):
    window, dialogs = env()
    set_user_name(monkeypatch, qtbot, window, "Budi Santoso")
    choose_status(qtbot, window, Status.BERLAKU)
    number = window.controller.sop.identity.revisi_ke or 0
    in_force_name = window.controller.sop.identity.nama
    dialogs.answer("confirm", True, True)  # save first, then start the revision
    window.begin_revision_action.trigger()
    sop = window.controller.sop
    assert sop.identity.revisi_ke == number + 1 and sop.identity.tanggal_revisi == dt.date.today()
    assert sop.lifecycle.status is Status.DRAF and not window.isWindowModified()
    assert window.identity_form.revisi_ke.value() == number + 1
    assert window.identity_form.status.currentText() == "Draf"
    assert not window.begin_revision_action.isEnabled()
    assert window.library.current_version(sop.id).saved_by == "Budi Santoso"

    window.revision_records_action.trigger()
    records = window.revision_records_dialog
    [row] = records.row_texts()
    assert row[0] == ("terbitan pertama" if not number else f"Revisi ke-{number}")
    assert row[1] == "Berlaku" and row[4] == in_force_name
    viewer = records.view_selected()
    assert viewer.sop.identity.nama == in_force_name and viewer.preview.page_count() >= 1
    assert "hanya baca" in viewer.windowTitle()
    viewer.close()
    records.close()

    # The new revision in force replaces the old one.
    window.identity_form.nama.setFocus()
    qtbot.keyClicks(window.identity_form.nama, " (revisi)")
    choose_status(qtbot, window, Status.BERLAKU)
    window.save_action.trigger()
    [record] = window.library.revisions(sop.id)
    assert record.status is Status.DIGANTI
    window.revision_records_action.trigger()
    assert window.revision_records_dialog.row_texts()[0][1] == "Diganti"
    window.revision_records_dialog.close()


def test_buat_revisi_cancelled_at_the_save_question_changes_nothing(env, qtbot):
    window, dialogs = env()
    choose_status(qtbot, window, Status.BERLAKU)
    dialogs.answer("confirm", False)
    window.begin_revision_action.trigger()
    assert window.isWindowModified() and window.controller.sop.lifecycle.status is Status.BERLAKU
    assert window.library.entries() == []


def test_every_save_shows_time_name_and_changes_in_riwayat_versi(env, qtbot, monkeypatch, tmp_path):
    window, dialogs = env()
    set_user_name(monkeypatch, qtbot, window, "Ani")
    assert UiState(tmp_path / "ui.ini").user_name() == "Ani"  # kept with the other preferences
    window.save_action.trigger()
    set_user_name(monkeypatch, qtbot, window, "Budi")
    qtbot.keyClicks(window.identity_form.nomor, "-A")
    window.save_action.trigger()
    sop_id = window.controller.sop.id
    window.history_action.trigger()
    assert dialogs.asked[-1] == "choose_revision"

    dialog = HistoryDialog(window.library.history(sop_id), window.library.current_version(sop_id))
    qtbot.addWidget(dialog)
    current, first = dialog.row_texts()
    assert current[0].endswith("(versi sekarang)") and current[1:] == ["Budi", "Nomor SOP"]
    assert first[1:] == ["Ani", "SOP baru"]
    assert dialog.chosen() == window.library.history(sop_id)[0].revision_id  # the earlier version, ready
    assert dialog.restore_button.isEnabled()
    dialog.listing.setCurrentItem(dialog.listing.topLevelItem(0))
    assert not dialog.restore_button.isEnabled() and dialog.chosen() == ""
    assert dialog.details.toPlainText() == "• Nomor SOP"


def test_preferences_dialog_holds_the_user_name_and_review_interval(qtbot, tmp_path):
    dialog = PreferencesDialog(Profile(), PageSettings(), str(tmp_path / "pustaka"), ScriptedDialogs(),
                               user_name="Siti", review_months=6)
    qtbot.addWidget(dialog)
    assert dialog.user_name.text() == "Siti" and dialog.review_months.value() == 6
    dialog.user_name.clear()
    qtbot.keyClicks(dialog.user_name, "  Siti   Aminah ")
    assert dialog.user_name_value() == "Siti Aminah"


def test_the_form_shows_when_review_is_due_from_the_preferensi_default(env, qtbot, monkeypatch):
    window, _dialogs = env()
    form = window.identity_form
    assert "hanya untuk SOP yang berlaku" in form.review_label.text()
    choose_status(qtbot, window, Status.BERLAKU)
    efektif = dt.date.today() - dt.timedelta(days=380)
    window.controller.set_identity("tanggal_efektif", efektif, "Tanggal Efektif")
    assert ReviewState.OVERDUE.value in form.review_label.text()  # 12 months by default
    set_user_name(monkeypatch, qtbot, window, "Ani", months=24)
    assert ReviewState.SCHEDULED.value in form.review_label.text()
    form.review_months.setValue(1)  # the SOP's own interval
    assert window.controller.sop.lifecycle.review_months == 1
    assert ReviewState.OVERDUE.value in form.review_label.text()
    form.review_months.setValue(0)
    assert window.controller.sop.lifecycle.review_months is None
    form.review_on_revisi.setChecked(True)
    window.controller.set_identity("tanggal_revisi", dt.date.today() + dt.timedelta(days=10), "Tanggal Revisi")
    assert ReviewState.DUE_SOON.value in form.review_label.text()


def test_ekspor_and_impor_json_carry_the_revisions_to_another_library(env, make_window, qtbot, tmp_path):
    from ui import dialogs as dlg

    window, dialogs = env()
    choose_status(qtbot, window, Status.BERLAKU)
    dialogs.answer("confirm", True, True)
    window.begin_revision_action.trigger()
    sop_id = window.controller.sop.id
    out = tmp_path / "ekspor.json"
    dialogs.answer("save_file", (str(out), dlg.JSON_FILTER_NATIVE))
    window.export_json_action.trigger()

    other, other_dialogs = make_window(tmp_path / "pustaka-lain")
    other_dialogs.answer("open_file", str(out))
    other.import_json_action.trigger()
    assert other.library.revisions(sop_id) == []  # not before the import is saved
    other.save_action.trigger()
    [record] = other.library.revisions(sop_id)
    assert record.status is Status.BERLAKU and record.nama == window.library.revisions(sop_id)[0].nama
