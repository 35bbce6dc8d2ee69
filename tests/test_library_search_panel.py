"""The library panel in the window: typing in the search box, the status, unit, year and review filters, the
sort choices and header clicks, the due-review marks, and the list following saves and the Sampah."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from sopdesk.interchange import read_sop_json
from sopdesk.model import Status
from sopdesk.storage import Library
from ui.library_model import Column

from .conftest import FIXTURES_DIR

TODAY = dt.date(2026, 6, 1)
# nomor, nama, last unit line, status, Tanggal Pembuatan, Tanggal Efektif, review months, a step text
SOPS = [
    ("OT.01/002", "Peminjaman Arsip", "Biro Umum", Status.BERLAKU, dt.date(2023, 2, 1), dt.date(2025, 6, 10), 12,
     "Mencatat peminjaman di buku register"),  # due 10 Jun 2026: within 30 days
    ("OT.01/010", "Penyusunan RKT", "Biro Perencanaan", Status.BERLAKU, dt.date(2022, 5, 1), dt.date(2024, 1, 15),
     12, "Menyusun rancangan rencana kerja"),  # due 15 Jan 2025: overdue
    ("OT.01/003", "Penetapan Kinerja", "Biro Perencanaan", Status.DRAF, dt.date(2025, 8, 1), None, None,
     "Menyiapkan konsep perjanjian kinerja"),
    ("KP.02/001", "Cuti Pegawai", "Biro Sumber Daya Manusia", Status.DICABUT, dt.date(2019, 4, 1),
     dt.date(2019, 7, 1), None, "Memeriksa sisa cuti di aplikasi kepegawaian"),
    ("OT.01/001", "Surat Keluar", "Biro Umum", Status.BERLAKU, dt.date(2024, 3, 1), dt.date(2026, 1, 5), 12,
     "Memberi nomor pada surat keluar"),  # due 5 Jan 2027: scheduled
]


def make_sop(nomor, nama, unit, status, made, effective, months, step_text):
    sop = read_sop_json(FIXTURES_DIR / "contoh-peminjaman-arsip.json")
    sop.id = "".join(ch for ch in nomor.lower() if ch.isalnum())
    ident = sop.identity
    ident.nomor, ident.nama = nomor, nama
    ident.unit_lines = ["Sekretariat Jenderal", unit]
    ident.tanggal_pembuatan, ident.tanggal_efektif, ident.tanggal_pengesahan = made, effective, None
    ident.use_pengesahan = False
    sop.lifecycle.status = status
    sop.lifecycle.review_months = months
    sop.steps[1].kegiatan = step_text
    return sop


@pytest.fixture
def panel_window(make_window, tmp_path):
    root = tmp_path / "pustaka"
    with Library.open(root) as library:
        for row in SOPS:
            library.save(make_sop(*row))
    window, dialogs = make_window(root)
    if not window.library_dock.isVisible():
        window.library_action.trigger()
    window.library_panel.model.set_today(TODAY)
    return window, dialogs


def shown(panel) -> list[str]:
    return [panel.model.entry(row).nomor for row in range(panel.model.rowCount())]


def pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)


def test_typing_finds_step_texts_across_fields_and_ignores_accents(panel_window, qtbot):
    window, _ = panel_window
    panel = window.library_panel
    assert len(shown(panel)) == 5
    qtbot.keyClicks(panel.search, "regist")
    assert shown(panel) == ["OT.01/002"]  # only a step of that SOP says "register"
    panel.search.clear()
    qtbot.keyClicks(panel.search, "KÉPEGAWAIAN biro")  # a step word and a unit word, other case, an accent
    assert shown(panel) == ["KP.02/001"]
    assert panel.count_label.text() == "1 dari 5 SOP"
    panel.search.clear()
    qtbot.keyClicks(panel.search, "pengelola arsip undang-undang")  # an actor and a Dasar Hukum item: every SOP
    assert len(shown(panel)) == 5
    qtbot.keyClicks(panel.search, " tidakada")
    assert shown(panel) == []
    assert panel.count_label.text() == "0 dari 5 SOP"


def test_status_unit_year_and_review_filters_combine(panel_window):
    window, _ = panel_window
    panel = window.library_panel
    pick(panel.status_filter, "Berlaku")
    assert sorted(shown(panel)) == ["OT.01/001", "OT.01/002", "OT.01/010"]
    pick(panel.unit_filter, "Biro Umum")
    assert sorted(shown(panel)) == ["OT.01/001", "OT.01/002"]
    pick(panel.status_filter, "Semua status")
    pick(panel.unit_filter, "Semua unit")
    pick(panel.year_filter, "2022")  # Tanggal Pembuatan 2022
    assert shown(panel) == ["OT.01/010"]
    pick(panel.year_filter, "2025")  # Tanggal Efektif of one, Tanggal Pembuatan of another
    assert sorted(shown(panel)) == ["OT.01/002", "OT.01/003"]
    pick(panel.year_filter, "Semua tahun")
    pick(panel.due_filter, "Jatuh tempo dalam 30 hari")
    assert shown(panel) == ["OT.01/002"]
    pick(panel.due_filter, "Lewat jatuh tempo")
    assert shown(panel) == ["OT.01/010"]
    pick(panel.due_filter, "Perlu ditinjau")
    assert sorted(shown(panel)) == ["OT.01/002", "OT.01/010"]
    assert panel.clear_filters_button.isEnabled()
    panel.clear_filters_button.click()
    assert len(shown(panel)) == 5 and not panel.clear_filters_button.isEnabled()
    assert panel.due_filter.currentText() == "Semua jadwal"


def test_units_and_years_offered_are_those_in_the_library(panel_window):
    window, _ = panel_window
    panel = window.library_panel
    units = [panel.unit_filter.itemText(i) for i in range(panel.unit_filter.count())]
    assert units == ["Semua unit", "Biro Perencanaan", "Biro Sumber Daya Manusia", "Biro Umum"]
    years = [panel.year_filter.itemText(i) for i in range(panel.year_filter.count())]
    assert years == ["Semua tahun", "2026", "2025", "2024", "2023", "2022", "2019"]


def test_due_and_overdue_rows_are_marked_with_colour_icon_and_tooltip(panel_window):
    window, _ = panel_window
    model = window.library_panel.model
    rows = {model.entry(r).nomor: r for r in range(model.rowCount())}

    def role(nomor, column, which):
        return model.data(model.index(rows[nomor], column), which)

    late = rows["OT.01/010"]
    assert "jatuh tempo dalam 30 hari" in role("OT.01/002", Column.NAMA, Qt.ItemDataRole.ToolTipRole)
    assert "10 Juni 2026" in role("OT.01/002", Column.NOMOR, Qt.ItemDataRole.ToolTipRole)
    assert "lewat jatuh tempo" in role("OT.01/010", Column.NAMA, Qt.ItemDataRole.ToolTipRole)
    assert role("OT.01/010", Column.REVIEW, Qt.ItemDataRole.DisplayRole) == "15 Jan 2025"
    for nomor in ("OT.01/002", "OT.01/010"):
        assert not role(nomor, Column.NOMOR, Qt.ItemDataRole.DecorationRole).isNull()
    tints = {role(n, Column.NAMA, Qt.ItemDataRole.BackgroundRole).color().name() for n in ("OT.01/002", "OT.01/010")}
    assert len(tints) == 2  # due soon and overdue look different
    assert role("OT.01/001", Column.NOMOR, Qt.ItemDataRole.DecorationRole) is None  # scheduled: no mark
    assert role("OT.01/001", Column.NAMA, Qt.ItemDataRole.BackgroundRole) is None
    assert "Tinjau ulang: 05 Januari 2027" in role("OT.01/001", Column.NAMA, Qt.ItemDataRole.ToolTipRole)
    assert role("OT.01/003", Column.REVIEW, Qt.ItemDataRole.DisplayRole) == ""  # a Draf has no review
    # The painted row really carries the tint.
    table = window.library_panel.table
    table.scrollTo(model.index(late, Column.NAMA))
    rect = table.visualRect(model.index(late, Column.NAMA))
    image = table.viewport().grab().toImage()
    assert QColor(image.pixel(QPoint(rect.right() - 3, rect.center().y()))).name() in tints


def test_preferensi_interval_moves_the_due_marks(panel_window):
    window, _ = panel_window
    panel = window.library_panel
    window.state.set_review_months_default(84)  # the Dicabut SOP has no review; the Draf none either
    sop = make_sop("OT.09/001", "Tanpa jangka sendiri", "Biro Umum", Status.BERLAKU, dt.date(2020, 1, 1),
                   dt.date(2020, 1, 1), None, "Langkah")
    window.library.save(sop)
    window.refresh_library()
    pick(panel.due_filter, "Lewat jatuh tempo")
    assert "OT.09/001" not in shown(panel)  # due 1 Jan 2027 with seven years
    window.state.set_review_months_default(12)
    window.refresh_library()
    assert "OT.09/001" in shown(panel)


def test_sort_choices_and_header_clicks(panel_window, qtbot):
    window, _ = panel_window
    panel = window.library_panel
    pick(panel.sort_choice, "Urut: Nomor")
    panel.sort_choice.activated.emit(panel.sort_choice.currentIndex())
    assert shown(panel) == ["KP.02/001", "OT.01/001", "OT.01/002", "OT.01/003", "OT.01/010"]  # 2 before 10
    panel.sort_order_button.click()
    assert shown(panel) == ["OT.01/010", "OT.01/003", "OT.01/002", "OT.01/001", "KP.02/001"]
    assert panel.sort_order_button.text() == "↓"
    pick(panel.sort_choice, "Urut: Tinjau ulang")
    panel.sort_choice.activated.emit(panel.sort_choice.currentIndex())
    assert shown(panel)[:3] == ["OT.01/010", "OT.01/002", "OT.01/001"]  # soonest first, no date last
    panel.sort_order_button.click()
    assert shown(panel)[:3] == ["OT.01/001", "OT.01/002", "OT.01/010"]  # still last without a date
    pick(panel.sort_choice, "Urut: Status")
    panel.sort_choice.activated.emit(panel.sort_choice.currentIndex())
    assert [panel.model.entry(r).status for r in range(5)] == ["Draf", "Berlaku", "Berlaku", "Berlaku", "Dicabut"]
    panel.resize(900, panel.height())
    header = panel.table.horizontalHeader()
    assert not panel.table.isColumnHidden(Column.UNIT)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(Column.NAMA) + 5, header.height() // 2))
    assert shown(panel)[0] == "KP.02/001"  # Cuti Pegawai: nama A to Z
    assert panel.sort_choice.currentText() == "Urut: Nama"


def test_list_follows_a_save_and_the_sampah(panel_window, qtbot):
    window, dialogs = panel_window
    panel = window.library_panel
    window.open_from_library("ot01010")
    window.controller.set_identity("nama", "Penyusunan RKT Tahunan", "Nama SOP")
    steps = window.controller.sop.steps
    assert steps[1].kegiatan == "Menyusun rancangan rencana kerja"
    qtbot.keyClicks(panel.search, "rancangan")
    assert shown(panel) == ["OT.01/010"]
    sop = window.controller.sop.clone()
    sop.steps[1].kegiatan = "Menghimpun usulan program"
    window.controller.open_document(sop, in_library=True, modified=True)
    window.save()
    assert shown(panel) == []  # "rancangan" is gone from it
    panel.search.clear()
    qtbot.keyClicks(panel.search, "himpun usulan")
    assert shown(panel) == ["OT.01/010"]
    panel.select("ot01010")
    dialogs.answer("confirm", True)
    panel.delete_button.click()
    assert shown(panel) == []
    panel.trash_view.setChecked(True)
    assert shown(panel) == ["OT.01/010"]  # the search carries on in the Sampah
    assert panel.count_label.text() == "1 di Sampah"


def test_filters_fit_a_narrow_dock_at_1366(panel_window):
    window, _ = panel_window
    window.resize(1366, 768)
    panel = window.library_panel
    panel.resize(300, 600)
    for column in (Column.UNIT, Column.STATUS, Column.REVIEW, Column.UPDATED):
        assert panel.table.isColumnHidden(column)
    for widget in (panel.status_filter, panel.unit_filter, panel.year_filter, panel.due_filter,
                   panel.sort_choice, panel.sort_order_button, panel.clear_filters_button, panel.search):
        assert widget.isVisible()
        right = widget.mapTo(panel, QPoint(widget.width(), 0)).x()
        assert right <= panel.width(), widget.objectName()
    assert panel.table.height() > 300


def test_an_imported_sop_is_found_by_its_equipment_and_steps(panel_window, qtbot):
    window, dialogs = panel_window
    panel = window.library_panel
    qtbot.keyClicks(panel.search, "filling kabinet")  # Peralatan/Perlengkapan of the fixture only
    assert shown(panel) == []
    dialogs.answer("open_file", str(FIXTURES_DIR / "002_497329db9dcea2b8.json"))
    window.import_json_action.trigger()
    window.save_action.trigger()
    assert len(shown(panel)) == 1
    assert panel.model.entry(0).nama.startswith("Penyiapan usulan Indikator Kinerja Utama")
    panel.search.clear()
    qtbot.keyClicks(panel.search, "konsultasi teknis")  # a step
    assert [panel.model.entry(r).nama[:9] for r in range(panel.model.rowCount())] == ["Penyiapan"]
