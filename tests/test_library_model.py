"""The library list model: Qt's model tester, newest first, filtering as the user types."""
from sopdesk.storage import CatalogEntry
from ui.library_panel import LibraryModel, format_timestamp

ENTRIES = [
    CatalogEntry("a", "OT.01.02-017-097.Set.PO", "Penyusunan Penetapan Kinerja (PK)", "Biro Perencanaan dan Organisasi",
                 "2026-11-20T09:15:00+07:00"),
    CatalogEntry("b", "OT.01.02-001-001.Set.BU", "Peminjaman Arsip Dinamis Inaktif", "Biro Umum",
                 "2026-11-23T10:00:00+07:00"),
    CatalogEntry("c", "OT.01.02-034-053.De.6", "Penyiapan usulan RKT", "Sekretariat Deputi", "2026-10-01T08:00:00+07:00"),
]


def test_model_passes_qt_model_tester(qtmodeltester):
    model = LibraryModel()
    model.set_entries(ENTRIES)
    qtmodeltester.check(model, force_py=True)
    model.set_filter("biro")
    qtmodeltester.check(model, force_py=True)


def test_newest_change_first_and_filter_by_every_word():
    model = LibraryModel()
    model.set_entries(ENTRIES)
    assert [model.entry(r).id for r in range(model.rowCount())] == ["b", "a", "c"]
    model.set_filter("biro  perencanaan")
    assert [model.entry(r).id for r in range(model.rowCount())] == ["a"]
    model.set_filter("de.6")
    assert [model.entry(r).id for r in range(model.rowCount())] == ["c"]
    model.set_filter("")
    assert model.rowCount() == 3


def test_last_change_is_shown_in_indonesian():
    assert format_timestamp("2026-11-23T10:05:00+00:00").startswith("23 Nov 2026")
    # The comparison window names a history version with the month in full.
    assert format_timestamp("2026-11-23T10:05:00+00:00", full_month=True).startswith("23 November 2026 ")
    assert format_timestamp("bukan tanggal") == "bukan tanggal"


def test_model_passes_qt_model_tester_through_filters_and_every_sort(qtmodeltester):
    import dataclasses

    from PySide6.QtCore import Qt

    from ui.library_model import COLUMNS

    model = LibraryModel()
    model.set_entries([dataclasses.replace(ENTRIES[0], status="Berlaku", review_basis="2020-01-01", review_months=12),
                       *ENTRIES[1:]])
    qtmodeltester.check(model, force_py=True)
    for column in range(len(COLUMNS)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            assert model.rowCount() == 3
    model.set_status_filter("Berlaku")
    assert [model.entry(r).id for r in range(model.rowCount())] == ["a"]
    model.set_status_filter("")
    model.set_unit_filter("Biro Umum")
    assert [model.entry(r).id for r in range(model.rowCount())] == ["b"]
    qtmodeltester.check(model, force_py=True)


def test_a_new_filter_keeps_the_selected_row_selected(qtbot):
    from PySide6.QtWidgets import QTableView

    model = LibraryModel()
    model.set_entries(ENTRIES)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectRow(2)  # "c"
    model.set_filter("pen")  # "a" and "c" stay
    assert model.entry(view.currentIndex().row()).id == "c"
    model.set_filter("arsip")  # "c" goes
    assert not view.currentIndex().isValid()
