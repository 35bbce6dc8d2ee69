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


# ---- every importer behind the same report ---------------------------------------------------------


@pytest.mark.parametrize("extension, action", [("pdf", "import_pdf_action"), ("docx", "import_docx_action")])
def test_pdf_and_word_come_in_through_the_report(window, tmp_path, extension, action):
    from sopdesk import outputs

    path = tmp_path / f"arsip.{extension}"
    getattr(outputs, f"write_{extension}")(read_sop_json(ARSIP), path)
    window.dialogs.answer("open_file", str(path))
    getattr(window, action).trigger()
    [(sop, report)] = window.dialogs.reviewed
    assert report.read  # the report says what was read before anything is kept
    assert window.isWindowModified() and window.library.entries() == []
    assert len(window.controller.sop.steps) == 12 and len(window.controller.sop.actors) == 4
    if extension == "docx":  # Word carries the SOP itself
        assert sop_to_fixture(window.controller.sop) == load_fixture("contoh-peminjaman-arsip")


def test_any_kind_can_be_chosen_from_any_import_entry(window, exported):
    window.dialogs.answer("open_file", str(exported))
    window.import_pdf_action.trigger()  # an Excel file chosen from Impor PDF… is still read as Excel
    assert sop_to_fixture(window.controller.sop) == load_fixture("contoh-peminjaman-arsip")


def test_an_import_without_steps_is_not_kept(window, tmp_path):
    from .import_folder_helpers import no_step_workbook

    before = window.controller.sop
    window.dialogs.answer("open_file", str(no_step_workbook(tmp_path / "identitas.xlsx")))
    assert window.import_xlsx() is False  # even when the report were agreed to
    [(sop, report)] = window.dialogs.reviewed
    assert sop.steps == [] and report.unread
    assert window.controller.sop is before and window.library.entries() == []


def test_an_importer_this_installation_lacks_is_a_message(window, tmp_path, monkeypatch):
    from sopdesk.importers import IMPORTERS

    monkeypatch.setitem(IMPORTERS, ".pdf", "sopdesk.importers.belum_ada:import_pdf")
    path = tmp_path / "sop.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    window.dialogs.answer("open_file", str(path))
    window.import_pdf_action.trigger()
    assert window.dialogs.errors[-1] == ("Berkas PDF tidak dapat diimpor",
                                         "sop.pdf: impor berkas PDF belum tersedia di SOP Desk versi ini.")


def test_the_import_entries_are_in_the_file_menu(window):
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text().replace("&", "") for a in file_menu.actions()]
    for text in ("Impor JSON…", "Impor Excel…", "Impor PDF…", "Impor Word…", "Impor folder…"):
        assert text in texts


def test_the_same_pdf_imported_again_asks_before_anything_is_replaced(window, tmp_path):
    from sopdesk import outputs

    path = tmp_path / "arsip.pdf"
    outputs.write_pdf(read_sop_json(ARSIP), path)
    window.dialogs.answer("open_file", str(path))
    window.import_pdf_action.trigger()
    window.save_action.trigger()
    saved_id = window.controller.sop.id
    window.dialogs.answer("open_file", str(path))
    window.dialogs.answer("ask_import_conflict", "skip")
    assert window.import_pdf() is False
    assert window.dialogs.asked.count("ask_import_conflict") == 1
    assert [e.id for e in window.library.entries()] == [saved_id]


def test_a_damaged_file_never_asks_to_discard_the_open_work(window, tmp_path):
    # Unsaved work is only put at stake for a file that could be read: a damaged PDF says what is wrong first.
    window.controller.set_identity("nama", "Draf yang belum disimpan", "Nama SOP")
    damaged = tmp_path / "rusak.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj <<" + bytes(range(256)) * 4)
    window.dialogs.answer("open_file", str(damaged))
    window.import_pdf_action.trigger()
    assert "ask_unsaved" not in window.dialogs.asked
    assert window.dialogs.errors and "rusak.pdf" in window.dialogs.errors[-1][1]
    assert window.controller.sop.identity.nama == "Draf yang belum disimpan"


def test_a_damaged_json_file_never_asks_to_discard_the_open_work(window, tmp_path):
    # Impor JSON follows the same rule as the other formats: the file is read before the open work is at stake.
    window.controller.set_identity("nama", "Draf yang belum disimpan", "Nama SOP")
    damaged = tmp_path / "rusak.json"
    damaged.write_text('{"identity": {"nama": "terpotong', encoding="utf-8")
    window.dialogs.answer("open_file", str(damaged))
    window.import_json_action.trigger()
    assert "ask_unsaved" not in window.dialogs.asked
    assert window.dialogs.errors and "rusak.json" in window.dialogs.errors[-1][1]
    assert window.controller.sop.identity.nama == "Draf yang belum disimpan"
