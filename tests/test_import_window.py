"""Impor Excel in the window: a report first, nothing saved before the user agrees, nothing overwritten silently."""
import pytest

from sopdesk.interchange import read_sop_json, sop_to_fixture
from sopdesk.outputs import write_xlsx

from .conftest import FIXTURES_DIR, load_fixture

ARSIP = FIXTURES_DIR / "contoh-peminjaman-arsip.json"


@pytest.fixture
def window(make_window):
    return make_window()[0]


@pytest.fixture
def exported(tmp_path):
    path = tmp_path / "arsip.xlsx"
    write_xlsx(read_sop_json(ARSIP), path)
    return path


def test_our_export_comes_back_after_the_report(window, exported):
    window.dialogs.answer("open_file", str(exported))
    window.import_xlsx_action.trigger()
    assert len(window.dialogs.reviewed) == 1
    assert window.dialogs.previews and window.dialogs.previews[0] is not None
    assert window.isWindowModified()  # opened as a draft: nothing saved yet
    assert window.library.entries() == []
    assert sop_to_fixture(window.controller.sop) == load_fixture("contoh-peminjaman-arsip")


def test_cancelling_the_report_changes_nothing(window, exported):
    before = window.controller.sop
    window.dialogs.answer("open_file", str(exported))
    window.dialogs.answer("review_import", [])
    window.import_xlsx_action.trigger()
    assert window.controller.sop is before
    assert window.library.entries() == []


def test_an_sop_already_in_the_library_is_not_overwritten_without_asking(window, exported):
    window.dialogs.answer("open_file", str(exported))
    window.import_xlsx_action.trigger()
    window.save_action.trigger()
    saved_id = window.controller.sop.id
    write_xlsx(window.controller.sop, exported)  # the same SOP, same id, in a workbook again
    window.dialogs.answer("open_file", str(exported))
    window.dialogs.answer("ask_import_conflict", "skip")
    assert window.import_xlsx() is False
    assert window.controller.sop.id == saved_id
    assert len(window.library.entries()) == 1
    window.dialogs.answer("open_file", str(exported))
    window.dialogs.answer("ask_import_conflict", "copy")
    window.import_xlsx_action.trigger()
    assert window.controller.sop.id != saved_id
    window.dialogs.answer("confirm", True)  # same nomor as the saved one
    window.save_action.trigger()
    assert len(window.library.entries()) == 2


@pytest.mark.parametrize("content, words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "xls"),
    (b"ini bukan buku kerja", "bukan"),
])
def test_bad_files_get_a_message_and_nothing_else_happens(window, tmp_path, content, words):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(content)
    before = window.controller.sop
    window.dialogs.answer("open_file", str(bad))
    window.import_xlsx_action.trigger()
    assert window.controller.sop is before
    title, text = window.dialogs.errors[-1]
    assert title == "Berkas Excel tidak dapat diimpor"
    assert words in text.lower()
