"""Date style: with or without the weekday, per SOP in the Halaman tab (undoable) and kept by sopdesk/1."""
import datetime as dt

from sopdesk.interchange import sop_from_fixture, sop_from_native, sop_to_native
from sopdesk.layout import estimate_measure, layout
from sopdesk.model import Sop

from .conftest import FIXTURES_DIR, load_fixture


def printed_texts(sop):
    document = layout(sop, estimate_measure)
    return [p.text for page in document.pages for table in page.tables for cell in table.cells
            for p in cell.paragraphs]


def test_dates_print_with_or_without_the_weekday():
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.identity.tanggal_pembuatan = dt.date(2017, 11, 1)
    assert "Rabu, 01 November 2017" in printed_texts(sop)
    sop.page.date_weekday = False
    texts = printed_texts(sop)
    assert "01 November 2017" in texts and "Rabu, 01 November 2017" not in texts


def test_an_unreadable_date_prints_as_typed_in_either_style():
    sop = sop_from_fixture(load_fixture("contoh-peminjaman-arsip"))
    sop.identity.tanggal_pembuatan = None
    sop.identity.date_texts["tanggal_pembuatan"] = "awal November"
    sop.page.date_weekday = False
    assert "awal November" in printed_texts(sop)


def test_the_style_is_kept_by_the_native_format_and_old_files_keep_the_weekday():
    sop = Sop()
    assert sop.page.date_weekday
    sop.page.date_weekday = False
    data = sop_to_native(sop)
    assert sop_from_native(data).page.date_weekday is False
    del data["page"]["date_weekday"]
    assert sop_from_native(data).page.date_weekday is True


def test_the_style_switches_per_sop_and_undoes(make_window):
    window, dialogs = make_window()
    dialogs.answer("open_file", str(FIXTURES_DIR / "contoh-peminjaman-arsip.json"))
    window.import_json_action.trigger()
    box = window.page_editor.date_weekday
    assert box.isChecked()
    box.click()
    assert window.controller.sop.page.date_weekday is False
    window.undo_action.trigger()
    assert window.controller.sop.page.date_weekday is True and box.isChecked()

