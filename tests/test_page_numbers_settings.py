"""The page-number switch (and, in Preferensi, the date style): per SOP in the Halaman tab (undoable), a default in Preferensi, kept by sopdesk/1."""
import pytest

from sopdesk.interchange import sop_from_native, sop_to_native
from sopdesk.model import PageSettings, Sop
from ui.ui_state import Profile

from .conftest import FIXTURES_DIR
from .gui_helpers import ScriptedDialogs


def test_page_numbers_are_on_by_default_and_kept_by_the_native_format():
    sop = Sop()
    assert sop.page.page_numbers
    sop.page.page_numbers = False
    data = sop_to_native(sop)
    assert data["page"]["page_numbers"] is False
    assert not sop_from_native(data).page.page_numbers
    # A file written before the setting existed prints page numbers, as new SOPs do.
    del data["page"]["page_numbers"]
    assert sop_from_native(data).page.page_numbers


def test_page_numbers_switch_per_sop_and_undo(make_window, qtbot):
    window, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    window.import_json_action.trigger()
    editor = window.page_editor
    assert editor.page_numbers.isChecked()
    editor.page_numbers.click()
    assert not window.controller.sop.page.page_numbers
    window.undo_action.trigger()
    assert window.controller.sop.page.page_numbers and editor.page_numbers.isChecked()


@pytest.mark.parametrize("attr", ["page_numbers", "date_weekday"])
def test_preferences_hold_the_default_for_new_sops(qtbot, tmp_path, attr):
    from ui.preferences import PreferencesDialog

    dialog = PreferencesDialog(Profile(), PageSettings(**{attr: False}), str(tmp_path / "pustaka"),
                               ScriptedDialogs())
    qtbot.addWidget(dialog)
    box = getattr(dialog, attr)
    assert not box.isChecked()
    box.setChecked(True)
    assert getattr(dialog.page_settings(), attr)
